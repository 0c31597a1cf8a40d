/**
 * PEP 249 Connection and Cursor over a `LogicalSession`, shared by the emulated drivers (pysqlite,
 * aiosqlite, psycopg2, psycopg, asyncpg). A driver supplies the database-specific parts as hooks
 * (how one statement runs, its error classes) or by extending these classes; everything else
 * (description, rowcount, lastrowid, fetch*, executemany, closed checks, PostgreSQL's failed
 * transaction state, autocommit) is here.
 */
import type { DBAPIColumn, DBAPIConnection, DBAPICursor, DBAPIParameters } from "../engine/interfaces.ts";
import { classify, type StatementKind } from "./classify.ts";
import type { ExecManyResult, ExecResult, LogicalSession, RowidReader } from "./shared_session.ts";

export interface DriverHooks {
  /**
   * Runs one statement for a cursor (rewriting parameters as the driver does) via `session.execute`;
   * `kind`: the operation's `classify()`, already known to the cursor. `many`: a row of an executemany
   * that is not its last (no need to read `lastrowid` after it). `reader`: the cursor that will ask
   * for the statement's `lastrowid`, passed on to `session.execute`.
   */
  execute(
    session: LogicalSession,
    operation: string,
    parameters: DBAPIParameters | undefined,
    kind: StatementKind,
    many?: boolean,
    reader?: RowidReader,
  ): ExecResult;
  /**
   * Optional: an executemany of DML in one call (via `session.executemany`), the parameters
   * rewritten as for `execute`. Without it, the cursor runs `execute` once per parameter set.
   */
  executemany?(
    session: LogicalSession,
    operation: string,
    seq_of_parameters: readonly DBAPIParameters[],
    kind: StatementKind,
  ): ExecManyResult;
  /** The driver's error for use of a closed cursor / connection (sqlite3: ProgrammingError). */
  closedError(what: "cursor" | "connection"): Error;
  /** psycopg2 reports the number of rows a SELECT returned; pysqlite -1. */
  readonly select_rowcount: "rows" | "minus_one";
  /**
   * PostgreSQL semantics: an error inside a transaction makes every further statement fail until
   * ROLLBACK (or ROLLBACK TO SAVEPOINT); this makes that error (25P02, InFailedSqlTransaction).
   * Absent (SQLite): an error leaves the transaction usable.
   */
  in_failed_transaction_error?(): Error;
  /** Whether `err` aborts the transaction (errors from the server do; client-side ones do not). Default: all. */
  aborts_transaction?(err: unknown): boolean;
  /** A check before executemany() (pysqlite refuses statements that only read). */
  check_executemany?(operation: string, kind: StatementKind): void;
  /** Called when a statement fails, before the error propagates. */
  onError?(session: LogicalSession, err: unknown): void;
  /** A check before each statement. */
  beforeExecute?(session: LogicalSession, operation: string): void;
  /** Called when the connection's transaction ends (commit, rollback, close). */
  onEnd?(session: LogicalSession): void;
  repr?(): string;
}

/** A cursor's `lastrowid` that its connection reads from the database when somebody asks. */
const PENDING = Symbol("pending lastrowid");

export class Cursor implements DBAPICursor, RowidReader {
  readonly connection: Connection;
  private _description: readonly DBAPIColumn[] | null = null;
  private _rows: unknown[][] = [];
  private _pos = 0;
  private _rowcount = -1;
  /** PENDING: its connection reads it when asked (an open one: closing reads it). */
  private _lastrowid: number | null | typeof PENDING = null;
  private _closed = false;
  arraysize = 1;

  constructor(connection: Connection) {
    this.connection = connection;
  }

  get description(): readonly DBAPIColumn[] | null {
    return this._description;
  }
  get rowcount(): number {
    return this._rowcount;
  }
  get lastrowid(): number | null {
    if (this._lastrowid === PENDING) this.connection._session()._settle_rowid();
    return this._lastrowid as number | null;
  }

  /** RowidReader: the rowid of this cursor's INSERT, read by its connection. */
  _settle_lastrowid(rowid: number): void {
    this._lastrowid = rowid;
  }
  get closed(): boolean {
    return this._closed;
  }

  private check(): LogicalSession {
    if (this._closed) throw this.connection.hooks.closedError("cursor");
    return this.connection._session();
  }

  private reset(): void {
    this._description = null;
    this._rows = [];
    this._pos = 0;
  }

  execute(operation: string, parameters?: DBAPIParameters): this {
    const session = this.check();
    const conn = this.connection;
    const kind = classify(operation, session.shared.physical.sql_rules);
    this.reset();
    let r: ExecResult;
    try {
      r = conn._run(session, operation, parameters, kind, false, this);
    } catch (err) {
      this._rowcount = -1;
      throw err;
    }
    this._rows = r.rows;
    if (r.columns) {
      // the same prepared statement again: the same column array, so the same description
      if (r.columns === conn._last_columns && r.types === undefined) {
        this._description = conn._last_description;
      } else {
        this._description = describe(r.columns, r.types);
        conn._last_columns = r.types === undefined ? r.columns : null;
        conn._last_description = this._description;
      }
      this._rowcount = conn.hooks.select_rowcount === "rows" ? r.rows.length : r.rowcount;
    } else {
      this._rowcount = r.rowcount;
    }
    this._lastrowid = session.awaits_rowid(this) ? PENDING : session.lastrowid;
    return this;
  }

  executemany(operation: string, seq_of_parameters: Iterable<DBAPIParameters>): this {
    const session = this.check();
    const conn = this.connection;
    const kind = classify(operation, session.shared.physical.sql_rules);
    this.reset();
    conn.hooks.check_executemany?.(operation, kind);
    const rows = Array.isArray(seq_of_parameters) ? seq_of_parameters : [...seq_of_parameters];
    let columns: readonly string[] | null = null;
    let total = 0;
    try {
      if (kind === "write" && rows.length > 0 && conn.hooks.executemany) {
        // the driver's own loop (one physical call)
        const r = conn._run_many(session, operation, rows, kind);
        columns = r.columns;
        total = r.rowcount;
      } else {
        const last = rows.length - 1;
        for (let i = 0; i <= last; i++) {
          const r = conn._run(session, operation, rows[i], kind, i < last);
          columns ??= r.columns;
          total = r.rowcount >= 0 && total >= 0 ? total + r.rowcount : -1;
        }
      }
    } catch (err) {
      this._rowcount = -1;
      throw err;
    }
    if (columns) this._description = columns.map((name) => ({ name, type_code: null }));
    this._rowcount = total;
    return this;
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
    this.connection._session();
    this._closed = true;
    this._rows = [];
  }
}

/**
 * The cursor's `description` for a result's columns. A driver that hands back the same column array
 * for the same prepared statement (sql.js) gets the same description back, made once.
 */
const descriptions = new WeakMap<readonly string[], readonly DBAPIColumn[]>();
function describe(
  columns: readonly string[],
  types: readonly (number | null)[] | undefined,
): readonly DBAPIColumn[] {
  let d = types === undefined ? descriptions.get(columns) : undefined;
  if (d === undefined) {
    d = columns.map((name, i) => ({ name, type_code: types?.[i] ?? null }));
    if (types === undefined) descriptions.set(columns, d);
  }
  return d;
}

export class Connection implements DBAPIConnection {
  readonly hooks: DriverHooks;
  private session: LogicalSession | null;
  /** psycopg2's `autocommit` (pysqlite: `isolation_level = None`): every write commits at once. */
  autocommit = false;
  /** PostgreSQL: an error aborted the transaction; statements fail until rollback. */
  private _failed = false;
  /** A transaction begun by a hand-written BEGIN (kept open under autocommit until COMMIT / ROLLBACK). */
  private _explicit = false;
  /** The last column array a statement returned, and its description (see `describe`). */
  _last_columns: readonly string[] | null = null;
  _last_description: readonly DBAPIColumn[] | null = null;

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

  /** Whether this connection holds an open physical transaction (uncommitted writes). */
  get in_transaction(): boolean {
    return this.session?.holds_writes ?? false;
  }

  cursor(): Cursor {
    this._session();
    return new Cursor(this);
  }

  /** One statement through the driver, with the failed-transaction and autocommit rules. */
  _run(
    session: LogicalSession,
    operation: string,
    parameters: DBAPIParameters | undefined,
    kind: StatementKind,
    many = false,
    reader?: RowidReader,
  ): ExecResult {
    const hooks = this.hooks;
    if (this._failed) {
      if (kind === "commit") {
        // COMMIT of a failed transaction rolls it back, as PostgreSQL does
        this._end(false);
        return { columns: null, rows: [], rowcount: -1, lastrowid: null };
      }
      if (kind !== "rollback" && kind !== "rollback_to") throw hooks.in_failed_transaction_error!();
    }
    hooks.beforeExecute?.(session, operation);
    let r: ExecResult;
    try {
      r = hooks.execute(session, operation, parameters, kind, many, reader);
    } catch (err) {
      this._on_error(session, err);
      throw err;
    }
    if (kind === "rollback" || kind === "rollback_to") this._failed = false;
    if (kind === "begin") this._explicit = true;
    if (kind === "commit" || kind === "rollback") {
      this._explicit = false;
      hooks.onEnd?.(session);
    }
    // in autocommit mode only a BEGIN written by hand keeps a transaction open
    if (this.autocommit && !this._explicit && session.holds_writes) session.commit();
    return r;
  }

  /** An executemany of DML through the driver's `executemany` hook, with `_run`'s rules. */
  _run_many(
    session: LogicalSession,
    operation: string,
    seq: readonly DBAPIParameters[],
    kind: StatementKind,
  ): ExecManyResult {
    const hooks = this.hooks;
    if (this._failed) throw hooks.in_failed_transaction_error!();
    hooks.beforeExecute?.(session, operation);
    try {
      return hooks.executemany!(session, operation, seq, kind);
    } catch (err) {
      this._on_error(session, err);
      throw err;
    } finally {
      // in autocommit mode every statement commits at once: the sets that ran stay
      if (this.autocommit && !this._explicit && session.holds_writes) session.commit();
    }
  }

  /** A statement failed: PostgreSQL's failed-transaction state, then the driver's hook. */
  private _on_error(session: LogicalSession, err: unknown): void {
    const hooks = this.hooks;
    if (hooks.in_failed_transaction_error && !this.autocommit && (hooks.aborts_transaction?.(err) ?? true)) {
      this._failed = true;
    }
    hooks.onError?.(session, err);
  }

  private _end(commit: boolean): void {
    const s = this._session();
    const failed = this._failed;
    this._failed = false;
    this._explicit = false;
    try {
      if (commit && !failed) s.commit();
      else s.rollback();
    } finally {
      this.hooks.onEnd?.(s);
    }
  }

  commit(): void {
    this._end(true);
  }

  rollback(): void {
    this._end(false);
  }

  close(): void {
    const s = this.session;
    if (s) {
      this.session = null;
      this._failed = false;
      try {
        s.close();
      } finally {
        this.hooks.onEnd?.(s);
      }
    }
  }

  await_turn(operation: string, timeoutMs: number): Promise<void> {
    return this._session().await_turn(operation, timeoutMs);
  }

  /** Whether `operation` can run now (what await_turn() waits for). */
  can_run(operation: string): boolean {
    return this._session().can_run(operation);
  }

  __repr__(): string {
    return this.hooks.repr?.() ?? "<DBAPI connection>";
  }
}
