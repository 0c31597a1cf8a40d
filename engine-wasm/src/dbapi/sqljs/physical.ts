/**
 * A sql.js Database as the physical session of connectors/shared_session.ts: prepared statements
 * cached per SQL text, rows as arrays (INTEGER/REAL -> number, TEXT -> string, BLOB -> Uint8Array,
 * NULL -> null), rowcount and last_insert_rowid() as pysqlite reports them. Every statement runs
 * as it was given: the SQL in the log is the SQL that runs. sql.js has no sqlite3_last_insert_rowid(),
 * so the rowid of an INSERT is read with `select last_insert_rowid()` — only when asked (see
 * `inserted` in connectors/shared_session.ts): a flush's loop of INSERTs does not pay for it per row.
 */
import type { Database, Statement } from "sql.js";
import { SQLITE } from "../../connectors/scanner.ts";
import type { ExecManyResult, ExecResult, PhysicalSession } from "../../connectors/shared_session.ts";
import type { DBAPIParameters } from "../../engine/interfaces.ts";
import { fromSqljs, ProgrammingError } from "./errors.ts";
import { type StatementInfo, statementInfo } from "./statement.ts";

const CACHE_LIMIT = 256;

/** A prepared statement with what is known of it. */
interface Prepared {
  readonly st: Statement;
  readonly info: StatementInfo;
  /**
   * The result column names: reading them is a WASM call and a string decode per column. They change
   * only with the schema, so they are valid while `schema` is the session's `schema` generation.
   */
  names: string[] | null;
  schema: number;
}

export class SqljsSession implements PhysicalSession {
  readonly begins_on_ddl = false;
  readonly sql_rules = SQLITE;
  readonly initial_lastrowid = 0;
  readonly db: Database;
  private readonly cache = new Map<string, Prepared>();
  /** Bumped by every statement that may change the schema: cached column names are then stale. */
  private schema = 0;
  private lastRowidStmt: Statement | null = null;
  private _closed = false;

  constructor(db: Database) {
    this.db = db;
  }

  get closed(): boolean {
    return this._closed;
  }

  /** The statement prepared last (a loop of executes runs it again without a lookup). */
  private last: Prepared | null = null;
  private lastSql: string | null = null;

  private prepare(sql: string): Prepared {
    if (this._closed) throw new ProgrammingError("Cannot operate on a closed database.");
    if (sql === this.lastSql) return this.last!;
    let p = this.cache.get(sql);
    if (p === undefined) {
      let st: Statement;
      try {
        st = this.db.prepare(sql);
      } catch (err) {
        throw fromSqljs(err);
      }
      if (this.cache.size >= CACHE_LIMIT) {
        const [k, old] = this.cache.entries().next().value as [string, Prepared];
        old.st.free();
        this.cache.delete(k);
      }
      p = { st, info: statementInfo(sql), names: null, schema: -1 };
      this.cache.set(sql, p);
    }
    this.last = p;
    this.lastSql = sql;
    return p;
  }

  /** Runs one statement; `params` are already adapted values by position. */
  execute(sql: string, params: DBAPIParameters | undefined, many = false): ExecResult {
    const p = this.prepare(sql);
    const { st, info } = p;
    try {
      if (params !== undefined) st.bind(params as never);
      const rows: unknown[][] = [];
      while (st.step()) rows.push(st.get());
      if (!info.keeps_schema) this.schema++;
      const names = this.columnNames(p);
      return {
        columns: names.length > 0 ? names : null,
        rows,
        rowcount: info.is_dml ? this.db.getRowsModified() : -1,
        lastrowid: null,
        inserted: info.inserts && !many,
      };
    } catch (err) {
      throw fromSqljs(err);
    } finally {
      st.reset();
    }
  }

  /**
   * pysqlite's executemany loop: the statement prepared once, then bind and step per parameter set,
   * `rowcount` the sum of the sets' changes. Stops at the first set that fails.
   */
  executemany(sql: string, seq: readonly (DBAPIParameters | undefined)[]): ExecManyResult {
    const p = this.prepare(sql);
    const { st, info } = p;
    const db = this.db;
    let rowcount = info.is_dml ? 0 : -1;
    let i = 0;
    let error: unknown;
    try {
      for (; i < seq.length; i++) {
        const params = seq[i];
        if (params !== undefined)
          st.bind(params as never); // bind() resets the statement first
        else st.reset();
        while (st.step()) {
          // rows of a RETURNING: executemany() keeps none
        }
        if (rowcount >= 0) rowcount += db.getRowsModified();
      }
    } catch (err) {
      error = fromSqljs(err);
    } finally {
      st.reset();
    }
    if (!info.keeps_schema) this.schema++;
    const names = this.columnNames(p);
    return {
      columns: names.length > 0 ? names : null,
      rowcount: error === undefined ? rowcount : -1,
      lastrowid: info.inserts && i > 0 ? this.last_insert_rowid() : null,
      executed: i,
      error,
    };
  }

  /** The statement's result column names, read again when the schema has changed since. */
  private columnNames(p: Prepared): string[] {
    if (p.schema !== this.schema) {
      p.names = p.st.getColumnNames();
      p.schema = this.schema;
    }
    return p.names!;
  }

  /** SQLite's last_insert_rowid(). */
  last_insert_rowid(): number {
    this.lastRowidStmt ??= this.db.prepare("select last_insert_rowid()");
    try {
      this.lastRowidStmt.step();
      return this.lastRowidStmt.get()[0] as number;
    } finally {
      this.lastRowidStmt.reset();
    }
  }

  begin(): void {
    this.run("BEGIN");
  }
  commit(): void {
    this.run("COMMIT");
  }
  rollback(): void {
    if (this._closed) return; // the file was deleted (resetSqlite): nothing left to undo
    try {
      this.run("ROLLBACK");
    } catch (err) {
      // Some errors make SQLite roll the transaction back itself.
      if (!/no transaction is active/.test((err as Error).message)) throw err;
    }
  }

  private run(sql: string): void {
    this.execute(sql, undefined);
  }

  /** Frees the statements and the database (a private in-memory database whose connection closed). */
  close(): void {
    if (this._closed) return;
    this._closed = true;
    for (const p of this.cache.values()) p.st.free();
    this.cache.clear();
    this.lastRowidStmt?.free();
    this.lastRowidStmt = null;
    this.db.close();
  }
}
