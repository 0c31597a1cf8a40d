/**
 * A sql.js Database as the physical session of connectors/shared_session.ts: prepared statements
 * cached per SQL text, rows as arrays (INTEGER/REAL -> number, TEXT -> string, BLOB -> Uint8Array,
 * NULL -> null), rowcount and last_insert_rowid() as pysqlite reports them.
 *
 * One statement runs in a cheaper equivalent form: a single-row `INSERT … RETURNING <rowid alias>`
 * (what SQLAlchemy's ORM sends on SQLite to learn a new object's id) runs as the plain INSERT followed
 * by last_insert_rowid(), the value SQLite's RETURNING gives for that column. SQLite builds a
 * RETURNING result in a temporary table, which makes the statement about three times slower than the
 * INSERT alone; the rows, column names, rowcount, lastrowid and errors are the same either way.
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
  /** For `INSERT … RETURNING <one column>` as SQLAlchemy renders it: the parts `rowidInsert` needs. */
  readonly returning: ReturningInsert | null;
  /** Whether `returning.column` is the table's rowid alias, as of schema generation `aliasSchema`. */
  alias: boolean;
  aliasSchema: number;
  /** The prepared plain INSERT of `returning`, once used (checked for `freed` before use). */
  plain: Prepared | null;
  /** Set when the cache let go of the statement (it is finalized). */
  freed: boolean;
}

interface ReturningInsert {
  /** The statement without its RETURNING clause. */
  readonly plain: string;
  readonly table: string;
  readonly column: string;
}

const IDENT = String.raw`("[^"]+"|[A-Za-z_][A-Za-z0-9_]*)`;
/** `INSERT INTO t (a, b) VALUES (?, ?) RETURNING id` or `INSERT INTO t DEFAULT VALUES RETURNING id`. */
const INSERT_RETURNING = new RegExp(
  String.raw`^(INSERT INTO ${IDENT} (?:\([^()]*\) VALUES \((?:\?, )*\?\)|DEFAULT VALUES)) RETURNING ${IDENT}$`,
);

function unquote(ident: string): string {
  return ident.startsWith('"') ? ident.slice(1, -1) : ident;
}

function returningInsert(sql: string): ReturningInsert | null {
  const m = INSERT_RETURNING.exec(sql);
  return m ? { plain: m[1]!, table: unquote(m[2]!), column: unquote(m[3]!) } : null;
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
  /** How many `INSERT … RETURNING` ran as the INSERT and last_insert_rowid() (for tests and diagnostics). */
  rowid_inserts = 0;
  private _closed = false;

  constructor(db: Database) {
    this.db = db;
  }

  get closed(): boolean {
    return this._closed;
  }

  private prepare(sql: string): Prepared {
    if (this._closed) throw new ProgrammingError("Cannot operate on a closed database.");
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
        old.freed = true;
        this.cache.delete(k);
      }
      const info = statementInfo(sql);
      p = {
        st,
        info,
        names: null,
        schema: -1,
        returning: info.inserts ? returningInsert(sql) : null,
        alias: false,
        aliasSchema: -1,
        plain: null,
        freed: false,
      };
      this.cache.set(sql, p);
    }
    return p;
  }

  /** Runs one statement; `params` are already adapted values by position. */
  execute(sql: string, params: DBAPIParameters | undefined, many = false): ExecResult {
    const p = this.prepare(sql);
    if (p.returning !== null) {
      if (p.aliasSchema !== this.schema) {
        p.alias = this.isRowidAlias(p.returning.table, p.returning.column);
        p.aliasSchema = this.schema;
      }
      if (p.alias) return this.rowidInsert(p, params, many);
    }
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
        lastrowid: info.inserts && !many ? this.lastInsertRowid() : null,
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
      lastrowid: info.inserts && i > 0 ? this.lastInsertRowid() : null,
      executed: i,
      error,
    };
  }

  /**
   * Whether `column` is the rowid alias of the table `table` names (an `INTEGER PRIMARY KEY` of a
   * rowid table). Anything less certain answers false, and the statement runs as written.
   */
  private isRowidAlias(table: string, column: string): boolean {
    const rows = (sql: string, params: unknown[]) => this.db.exec(sql, params as never)[0]?.values ?? [];
    // a temporary table of that name would be the one the INSERT writes to
    if (rows("SELECT 1 FROM sqlite_temp_master WHERE name = ? COLLATE NOCASE", [table]).length) return false;
    const ddl = rows("SELECT sql FROM sqlite_master WHERE type = 'table' AND name = ? COLLATE NOCASE", [
      table,
    ]);
    if (ddl.length !== 1) return false;
    // `id INTEGER PRIMARY KEY DESC` is SQLite's one INTEGER PRIMARY KEY that is not an alias
    if (/WITHOUT\s+ROWID|PRIMARY\s+KEY\s+DESC/i.test(String(ddl[0]![0]))) return false;
    const pk = rows("SELECT name, type FROM pragma_table_info(?) WHERE pk > 0", [table]);
    return (
      pk.length === 1 &&
      String(pk[0]![0]).toLowerCase() === column.toLowerCase() &&
      String(pk[0]![1]).toUpperCase() === "INTEGER"
    );
  }

  /** `INSERT … RETURNING <rowid alias>` as the INSERT and last_insert_rowid() (see the top of the file). */
  private rowidInsert(p: Prepared, params: DBAPIParameters | undefined, many: boolean): ExecResult {
    const names = this.columnNames(p);
    let plain = p.plain;
    if (plain === null || plain.freed) {
      plain = this.prepare(p.returning!.plain);
      p.plain = plain;
    }
    const { st } = plain;
    this.rowid_inserts++;
    try {
      if (params !== undefined) st.bind(params as never);
      st.step();
      const changes = this.db.getRowsModified();
      // a BEFORE INSERT trigger may skip the row (RAISE(IGNORE)): then no row, as RETURNING gives
      const rowid = changes === 1 ? this.lastInsertRowid() : null;
      return {
        columns: names,
        rows: rowid === null ? [] : [[rowid]],
        rowcount: changes,
        lastrowid: many ? null : (rowid ?? this.lastInsertRowid()),
      };
    } catch (err) {
      throw fromSqljs(err);
    } finally {
      st.reset();
    }
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
  lastInsertRowid(): number {
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
    for (const p of this.cache.values()) {
      p.st.free();
      p.freed = true;
    }
    this.cache.clear();
    this.lastRowidStmt?.free();
    this.lastRowidStmt = null;
    this.db.close();
  }
}
