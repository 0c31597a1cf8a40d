/**
 * sql.js as the physical session of connectors/shared_session.ts: prepared statements cached per SQL
 * text, rows as arrays, rowcount and lastrowid as pysqlite reports them.
 */
import type { Database, Statement } from "sql.js";
import type { DBAPIParameters } from "../../engine/interfaces.ts";
import type { ExecResult, PhysicalSession } from "../../connectors/shared_session.ts";
import { fromSqljs } from "./errors.ts";

const DML = /^\s*(?:--[^\n]*\n\s*)*(insert|update|delete|replace)\b/i;
const INSERT = /^\s*(?:--[^\n]*\n\s*)*(insert|replace)\b/i;
const CACHE_LIMIT = 256;

export class SqljsSession implements PhysicalSession {
  readonly begins_on_ddl = false;
  readonly db: Database;
  private readonly cache = new Map<string, Statement>();
  private lastRowidStmt: Statement | null = null;

  constructor(db: Database) {
    this.db = db;
  }

  private prepare(sql: string): Statement {
    let st = this.cache.get(sql);
    if (!st) {
      try {
        st = this.db.prepare(sql);
      } catch (err) {
        throw fromSqljs(err);
      }
      if (this.cache.size >= CACHE_LIMIT) {
        const [k, old] = this.cache.entries().next().value as [string, Statement];
        old.free();
        this.cache.delete(k);
      }
      this.cache.set(sql, st);
    }
    return st;
  }

  execute(sql: string, params: DBAPIParameters | undefined): ExecResult {
    const st = this.prepare(sql);
    try {
      if (params !== undefined) st.bind(params as never);
      const rows: unknown[][] = [];
      while (st.step()) rows.push(st.get());
      const names = st.getColumnNames();
      if (names.length > 0) {
        return { columns: names, rows, rowcount: -1, lastrowid: INSERT.test(sql) ? this.lastRowid() : null };
      }
      const isDml = DML.test(sql);
      return {
        columns: null,
        rows,
        rowcount: isDml ? this.db.getRowsModified() : -1,
        lastrowid: isDml && INSERT.test(sql) ? this.lastRowid() : null,
      };
    } catch (err) {
      throw err instanceof Error && "pep249" in err ? err : fromSqljs(err);
    } finally {
      st.reset();
    }
  }

  private lastRowid(): number {
    this.lastRowidStmt ??= this.db.prepare("select last_insert_rowid()");
    try {
      this.lastRowidStmt.step();
      return Number(this.lastRowidStmt.get()[0]);
    } finally {
      this.lastRowidStmt.reset();
    }
  }

  begin(): void {
    this.db.run("BEGIN");
  }
  commit(): void {
    this.end("COMMIT");
  }
  rollback(): void {
    this.end("ROLLBACK");
  }
  private end(sql: string): void {
    try {
      this.db.run(sql);
    } catch (err) {
      // SQLite may already have ended the transaction itself (some errors roll it back).
      if (!/no transaction is active/.test(String((err as Error).message))) throw fromSqljs(err);
    }
  }
}
