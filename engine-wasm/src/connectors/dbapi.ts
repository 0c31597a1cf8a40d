/**
 * PEP 249 Connection and Cursor over a `LogicalSession`, shared by the emulated drivers (pysqlite,
 * aiosqlite, psycopg2, psycopg, asyncpg). A driver supplies how parameters are turned into what the
 * physical session runs, and its own error classes; everything else (description, rowcount,
 * fetch*, executemany, closed checks) is here.
 */
import type { DBAPIColumn, DBAPIConnection, DBAPICursor, DBAPIParameters } from "../engine/interfaces.ts";
import type { ExecResult, LogicalSession } from "./shared_session.ts";

export interface DriverHooks {
  /** Runs one statement for a cursor (rewriting parameters as the driver does). */
  execute(session: LogicalSession, operation: string, parameters: DBAPIParameters | undefined): ExecResult;
  /** The driver's ProgrammingError for use of a closed cursor / connection. */
  closedError(what: "cursor" | "connection"): Error;
  /** psycopg2 reports the number of rows a SELECT returned; pysqlite -1. */
  readonly select_rowcount: "rows" | "minus_one";
  /** Called when a statement fails, before the error propagates (PostgreSQL marks the transaction failed). */
  onError?(session: LogicalSession, err: unknown): void;
  /** A check before each statement (PostgreSQL: refuse statements in a failed transaction). */
  beforeExecute?(session: LogicalSession, operation: string): void;
  onEnd?(session: LogicalSession): void;
  repr?(): string;
}

export class Cursor implements DBAPICursor {
  private readonly conn: Connection;
  private _description: DBAPIColumn[] | null = null;
  private _rows: unknown[][] = [];
  private _pos = 0;
  private _rowcount = -1;
  private _lastrowid: number | null = null;
  private _closed = false;
  arraysize = 1;

  constructor(conn: Connection) {
    this.conn = conn;
  }

  get description(): readonly DBAPIColumn[] | null {
    return this._description;
  }
  get rowcount(): number {
    return this._rowcount;
  }
  get lastrowid(): number | null {
    return this._lastrowid;
  }

  private check(): LogicalSession {
    if (this._closed) throw this.conn.hooks.closedError("cursor");
    return this.conn._session();
  }

  execute(operation: string, parameters?: DBAPIParameters): void {
    const session = this.check();
    const hooks = this.conn.hooks;
    hooks.beforeExecute?.(session, operation);
    let r: ExecResult;
    try {
      r = hooks.execute(session, operation, parameters);
    } catch (err) {
      hooks.onError?.(session, err);
      throw err;
    }
    this._set(r);
  }

  private _set(r: ExecResult): void {
    this._rows = r.rows;
    this._pos = 0;
    if (r.columns) {
      const types = r.types;
      this._description = r.columns.map((name, i) => ({ name, type_code: types?.[i] ?? null }));
      this._rowcount = this.conn.hooks.select_rowcount === "rows" ? r.rows.length : -1;
    } else {
      this._description = null;
      this._rowcount = r.rowcount;
    }
    if (r.lastrowid !== null) this._lastrowid = r.lastrowid;
  }

  executemany(operation: string, seq_of_parameters: readonly DBAPIParameters[]): void {
    const session = this.check();
    const hooks = this.conn.hooks;
    hooks.beforeExecute?.(session, operation);
    let total = 0;
    let last: ExecResult | null = null;
    for (const params of seq_of_parameters) {
      try {
        last = hooks.execute(session, operation, params);
      } catch (err) {
        hooks.onError?.(session, err);
        throw err;
      }
      total += last.rowcount > 0 ? last.rowcount : 0;
    }
    this._rows = [];
    this._pos = 0;
    this._description = null;
    this._rowcount = total;
    this._lastrowid = last?.lastrowid ?? this._lastrowid;
  }

  fetchone(): unknown[] | null {
    this.check();
    return this._pos < this._rows.length ? this._rows[this._pos++]! : null;
  }

  fetchmany(size?: number): unknown[][] {
    this.check();
    const n = size ?? this.arraysize;
    const out = this._rows.slice(this._pos, this._pos + n);
    this._pos += out.length;
    return out;
  }

  fetchall(): unknown[][] {
    this.check();
    const out = this._pos === 0 ? this._rows : this._rows.slice(this._pos);
    this._pos = this._rows.length;
    return out;
  }

  close(): void {
    this._closed = true;
    this._rows = [];
  }
}

export class Connection implements DBAPIConnection {
  readonly hooks: DriverHooks;
  private session: LogicalSession | null;

  constructor(session: LogicalSession, hooks: DriverHooks) {
    this.session = session;
    this.hooks = hooks;
  }

  _session(): LogicalSession {
    if (!this.session) throw this.hooks.closedError("connection");
    return this.session;
  }

  get closed(): boolean {
    return this.session === null;
  }

  cursor(): Cursor {
    this._session();
    return new Cursor(this);
  }

  commit(): void {
    const s = this._session();
    s.commit();
    this.hooks.onEnd?.(s);
  }

  rollback(): void {
    const s = this._session();
    s.rollback();
    this.hooks.onEnd?.(s);
  }

  close(): void {
    if (this.session) {
      this.session.close();
      this.hooks.onEnd?.(this.session);
      this.session = null;
    }
  }

  await_turn(operation: string, timeoutMs: number): Promise<void> {
    return this._session().await_turn(operation, timeoutMs);
  }

  __repr__(): string {
    return this.hooks.repr?.() ?? "<DBAPI connection>";
  }
}
