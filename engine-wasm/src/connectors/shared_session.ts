/**
 * One physical database session, several DBAPI connections (SQLAlchemy's pool hands out many).
 *
 * PGlite has one backend session and a sql.js Database is one handle, so the DBAPI connections that
 * share a database are multiplexed over it:
 * - a connection opens a *physical* transaction only when it first changes the database (pysqlite:
 *   first DML or SAVEPOINT; psycopg2-like drivers: also DDL) and becomes the session's **writer**;
 *   statements that only read run outside any transaction (pysqlite does exactly that; under
 *   PostgreSQL's READ COMMITTED it is invisible);
 * - when another connection executes while a writer holds uncommitted writes and only reads, it must
 *   see the committed state: the writer is *parked* — its physical transaction is rolled back, the
 *   read runs, and the writer's statements since its BEGIN are replayed in a new transaction
 *   (PostgreSQL sequences are rewound first, so replayed SERIAL ids come out the same). Nothing of
 *   this happens unless a second connection actually interleaves;
 * - a second connection that wants to write while a writer exists conflicts ("database is locked" in
 *   spirit): the sync path raises the driver's OperationalError at once, the async path
 *   (`await_turn`) waits until the writer commits or rolls back, up to its timeout.
 */
import type { DBAPIParameters } from "../engine/interfaces.ts";
import { isTuple } from "../util/pytypes.ts";
import { sleep } from "../util/sleep.ts";
import { classify, type StatementKind } from "./classify.ts";
import type { ScanRules } from "./scanner.ts";

/** What one statement produced on the physical session. */
export interface ExecResult {
  /** Column names, or null when the statement returns no rows. */
  readonly columns: readonly string[] | null;
  /** Driver type codes per column (PostgreSQL OIDs), when known. */
  readonly types?: readonly (number | null)[];
  readonly rows: unknown[][];
  /** Rows affected by DML; -1 when not applicable (the driver decides what it reports). */
  readonly rowcount: number;
  /** The new last-insert rowid when the statement inserted and the driver read it; else null. */
  readonly lastrowid: number | null;
  /**
   * The statement inserted and the physical session's `last_insert_rowid()` now holds its rowid,
   * not read yet: it is read when somebody asks for it, before anything else can change it.
   */
  readonly inserted?: boolean;
}

/** A cursor waiting for the rowid of the INSERT it ran (pysqlite's `cursor.lastrowid`). */
export interface RowidReader {
  _settle_lastrowid(rowid: number): void;
}

/**
 * What an executemany produced on the physical session: the sum of the rows' counts, or, when a
 * parameter set failed, its error and how many sets ran before it (their effects stay, as in
 * pysqlite).
 */
export interface ExecManyResult {
  /** Column names of the statement (RETURNING), or null. */
  readonly columns: readonly string[] | null;
  /** Sum of the rows affected; -1 when not applicable. */
  readonly rowcount: number;
  /** last_insert_rowid() after the last set that ran, when the statement inserts; else null. */
  readonly lastrowid: number | null;
  /** As ExecResult's: the last set inserted and its rowid is still to be read. */
  readonly inserted?: boolean;
  readonly executed: number;
  readonly error?: unknown;
}

/**
 * Positions of the generators that a ROLLBACK does not undo (PostgreSQL sequences), by name, as
 * numbers on which "before - (after - before)" is meaningful (PostgreSQL: `last_value` when the
 * sequence has been called, else `start - increment`).
 */
export type SequencePositions = ReadonlyMap<string, number>;

/** The database-specific half: run SQL on the one physical session. */
export interface PhysicalSession {
  /** pysqlite opens a transaction only for DML; psycopg2 for any statement that changes things. */
  readonly begins_on_ddl: boolean;
  /** The database's lexical rules (where literals, quoted identifiers and comments begin and end). */
  readonly sql_rules: ScanRules;
  /** A new connection's `lastrowid` before its first INSERT: 0 for SQLite, null elsewhere. */
  readonly initial_lastrowid?: number | null;
  /** Whether a parked writer's reads are replayed too (they may call nextval()); default false. */
  readonly replay_reads?: boolean;
  /** `many`: a row of an executemany that is not its last, whose `lastrowid` nobody reads. */
  execute(sql: string, params: DBAPIParameters | undefined, many?: boolean): ExecResult;
  /** SQLite's `last_insert_rowid()` now; asked only after a result that says `inserted`. */
  last_insert_rowid?(): number;
  /**
   * Optional: runs `sql` once per parameter set in one call (the statement prepared once); stops at
   * the first set that fails and returns its error. Without it, executemany loops over `execute`.
   */
  executemany?(sql: string, seq: readonly (DBAPIParameters | undefined)[]): ExecManyResult;
  begin(): void;
  commit(): void;
  rollback(): void;
  /**
   * Lazy sequence hooks (preferred: no statement unless a writer is parked). At parking time the
   * session reads the positions inside the writer's transaction (P1), replays, reads again (P2); if
   * they moved, it rolls back, sets every sequence to `2*P1 - P2` (where it stood at the writer's
   * BEGIN) and replays once more, so the replay hands out the very same values.
   */
  read_sequences?(): SequencePositions;
  set_sequences?(positions: SequencePositions): void;
  /** Eager alternative: a snapshot taken at every physical BEGIN, restored before a replay. */
  snapshot_sequences?(): unknown;
  restore_sequences?(snapshot: unknown): void;
}

/** Makes the driver's OperationalError for a conflict (two connections that both hold writes). */
export type ConflictErrorFactory = (message: string) => Error;

interface Entry {
  readonly sql: string;
  readonly params: DBAPIParameters | undefined;
  /** An executemany: its parameter sets (`params` is then unused). */
  readonly seq?: readonly (DBAPIParameters | undefined)[];
}

const NO_RESULT: ExecResult = { columns: null, rows: [], rowcount: -1, lastrowid: null };

export const CONFLICT_MESSAGE =
  "another connection holds uncommitted writes on this database. In this page every connection " +
  "shares one database session, so commit or roll back the other connection (or close it) before writing here";

export class SharedSession {
  readonly physical: PhysicalSession;
  /** The connection whose physical transaction is open. */
  writer: LogicalSession | null = null;
  /** How many times a writer was parked (for tests and diagnostics). */
  parked_count = 0;
  /** The connection whose `lastrowid` is the physical session's `last_insert_rowid()`, not read yet. */
  rowid_pending: LogicalSession | null = null;
  private log: Entry[] = [];
  private sequences: unknown;
  private waiters: Array<() => void> = [];
  private readonly conflictError: ConflictErrorFactory;
  private readonly open_sessions = new Set<LogicalSession>();

  constructor(physical: PhysicalSession, conflictError: ConflictErrorFactory) {
    this.physical = physical;
    this.conflictError = conflictError;
  }

  open(): LogicalSession {
    const s = new LogicalSession(this);
    this.open_sessions.add(s);
    return s;
  }

  /** Logical sessions not closed yet. */
  get open_count(): number {
    return this.open_sessions.size;
  }

  /** Whether `conn` may run a statement of this kind now without a conflict. */
  canRun(conn: LogicalSession, kind: StatementKind): boolean {
    if (!this.writer || this.writer === conn) return true;
    return kind === "read" || kind === "commit" || kind === "rollback";
  }

  conflict(): Error {
    return this.conflictError(CONFLICT_MESSAGE);
  }

  /** The driver's OperationalError with another explanation. */
  operationalError(message: string): Error {
    return this.conflictError(message);
  }

  run(
    conn: LogicalSession,
    sql: string,
    params: DBAPIParameters | undefined,
    kind: StatementKind,
    many = false,
  ): ExecResult {
    const writer = this.writer;
    if (writer !== null && writer !== conn) {
      // Another connection holds writes: reads (and a COMMIT / ROLLBACK of a connection that has no
      // transaction) run against the committed state; anything else conflicts.
      if (kind === "read" || kind === "commit" || kind === "rollback")
        return this.parkWriterAndRun(sql, params);
      throw this.conflict();
    }
    switch (kind) {
      case "begin":
        // a BEGIN inside the transaction: the database answers (SQLite refuses, PostgreSQL warns)
        if (writer === null) return this.openTransaction(conn, sql, params);
        return this.physical.execute(sql, params);
      case "commit":
      case "rollback":
        // without a transaction the database answers ("cannot commit - no transaction is active")
        if (writer === null) return this.physical.execute(sql, params);
        return this.endWith(() => this.physical.execute(sql, params), kind === "commit");
      case "write":
      case "rollback_to":
        if (writer === null) this.openTransaction(conn);
        break;
      case "ddl":
        if (writer === null && this.physical.begins_on_ddl) this.openTransaction(conn);
        break;
    }
    const result = this.physical.execute(sql, params, many);
    if (this.writer === conn && (kind !== "read" || this.physical.replay_reads))
      // (kept for a replay: a list the caller may change later is copied; the engine's are tuples)
      this.log.push({ sql, params: Array.isArray(params) && !isTuple(params) ? params.slice() : params });
    return result;
  }

  /**
   * An executemany of DML: one physical call when the physical session offers it, one log entry for
   * a later replay. Other kinds run set by set, as `run` does.
   */
  runMany(
    conn: LogicalSession,
    sql: string,
    seq: readonly (DBAPIParameters | undefined)[],
    kind: StatementKind,
  ): ExecManyResult {
    if (kind !== "write") return this.runEach(conn, sql, seq, kind);
    const writer = this.writer;
    if (writer !== null && writer !== conn) throw this.conflict();
    if (writer === null) this.openTransaction(conn);
    const r = this.physical.executemany
      ? this.physical.executemany(sql, seq)
      : executeEach(this.physical, sql, seq);
    if (r.executed > 0) this.log.push({ sql, params: undefined, seq: seq.slice(0, r.executed) });
    return r;
  }

  private runEach(
    conn: LogicalSession,
    sql: string,
    seq: readonly (DBAPIParameters | undefined)[],
    kind: StatementKind,
  ): ExecManyResult {
    return eachSet(seq, (params, many) => this.run(conn, sql, params, kind, many));
  }

  /** Opens `conn`'s physical transaction: the physical session's BEGIN, or a BEGIN written by hand. */
  private openTransaction(conn: LogicalSession, sql?: string, params?: DBAPIParameters): ExecResult {
    if (this.physical.snapshot_sequences && !this.physical.read_sequences) {
      this.sequences = this.physical.snapshot_sequences();
    }
    let result: ExecResult = NO_RESULT;
    if (sql === undefined) this.physical.begin();
    else result = this.physical.execute(sql, params);
    this.writer = conn;
    this.log = [];
    return result;
  }

  private parkWriterAndRun(sql: string, params: DBAPIParameters | undefined): ExecResult {
    const writer = this.writer!;
    this.parked_count++;
    const positions = this.physical.read_sequences?.();
    this.physical.rollback();
    try {
      return this.physical.execute(sql, params);
    } finally {
      this.resume(writer, positions);
    }
  }

  /** Re-opens the parked writer's transaction with the same effects as before. */
  private resume(writer: LogicalSession, before: SequencePositions | undefined): void {
    const physical = this.physical;
    try {
      if (this.sequences !== undefined) physical.restore_sequences?.(this.sequences);
      this.replay();
      if (before && physical.set_sequences) {
        const after = physical.read_sequences!();
        if (moved(before, after)) {
          physical.rollback();
          physical.set_sequences(rewound(before, after));
          this.replay();
        }
      }
    } catch (err) {
      try {
        physical.rollback();
      } catch {
        // nothing left to undo
      }
      writer.lost = err instanceof Error ? err : new Error(String(err));
      this.release();
    }
  }

  private replay(): void {
    this.physical.begin();
    for (const e of this.log) {
      if (e.seq === undefined) {
        this.physical.execute(e.sql, e.params);
        continue;
      }
      const r = this.physical.executemany
        ? this.physical.executemany(e.sql, e.seq)
        : executeEach(this.physical, e.sql, e.seq);
      if (r.error !== undefined) throw r.error;
    }
  }

  /** Ends `conn`'s physical transaction, if it has one; a no-op otherwise. */
  end(conn: LogicalSession, commit: boolean): void {
    if (this.writer !== conn) return;
    this.endWith(() => (commit ? this.physical.commit() : this.physical.rollback()), commit);
  }

  /** Runs the COMMIT / ROLLBACK; a failed COMMIT is rolled back, as PostgreSQL does. Either way the writer is gone. */
  private endWith<T>(fn: () => T, commit: boolean): T {
    try {
      return fn();
    } catch (err) {
      if (commit) {
        try {
          this.physical.rollback();
        } catch {
          // the failed COMMIT already ended it
        }
      }
      throw err;
    } finally {
      this.release();
    }
  }

  private release(): void {
    this.writer = null;
    this.log = [];
    this.sequences = undefined;
    const ws = this.waiters.splice(0);
    for (const w of ws) w();
  }

  close(conn: LogicalSession): void {
    try {
      this.end(conn, false);
    } finally {
      this.open_sessions.delete(conn);
    }
  }

  /** Reads a pending `lastrowid` now (before the database goes away or another connection runs SQL). */
  settle_rowid(): void {
    this.rowid_pending?._settle_rowid();
  }

  /** Resolves when `conn` may run `sql` (the async engine waits here instead of raising). */
  async await_turn(conn: LogicalSession, sql: string, timeoutMs: number): Promise<void> {
    // A compiled statement the engine could not show as text may write: assume it does.
    const kind = sql === "" ? "write" : classify(sql, this.physical.sql_rules);
    const deadline = performance.now() + timeoutMs;
    while (!this.canRun(conn, kind)) {
      const remaining = deadline - performance.now();
      if (remaining <= 0) throw this.conflict();
      await Promise.race([
        new Promise<void>((resolve) => this.waiters.push(resolve)),
        sleep(Math.min(remaining, 250)),
      ]);
    }
  }
}

/** executemany on a physical session that has none: one `execute` per parameter set. */
function executeEach(
  physical: PhysicalSession,
  sql: string,
  seq: readonly (DBAPIParameters | undefined)[],
): ExecManyResult {
  return eachSet(seq, (params, many) => physical.execute(sql, params, many));
}

/** Runs one statement per parameter set (`many`: not the last set), summing rowcounts; stops at a failure. */
function eachSet(
  seq: readonly (DBAPIParameters | undefined)[],
  run: (params: DBAPIParameters | undefined, many: boolean) => ExecResult,
): ExecManyResult {
  let rowcount = 0;
  let columns: readonly string[] | null = null;
  let lastrowid: number | null = null;
  let inserted = false;
  const last = seq.length - 1;
  for (let i = 0; i <= last; i++) {
    let r: ExecResult;
    try {
      r = run(seq[i], i < last);
    } catch (error) {
      return { columns, rowcount: -1, lastrowid, inserted, executed: i, error };
    }
    columns ??= r.columns;
    if (r.inserted) inserted = true;
    else if (r.lastrowid !== null) lastrowid = r.lastrowid;
    rowcount = r.rowcount >= 0 && rowcount >= 0 ? rowcount + r.rowcount : -1;
  }
  return { columns, rowcount, lastrowid, inserted, executed: seq.length };
}

function moved(before: SequencePositions, after: SequencePositions): boolean {
  for (const [name, value] of before) if (after.get(name) !== value) return true;
  return false;
}

function rewound(before: SequencePositions, after: SequencePositions): Map<string, number> {
  const out = new Map<string, number>();
  for (const [name, value] of before) {
    const now = after.get(name);
    if (now !== undefined && now !== value) out.set(name, 2 * value - now);
  }
  return out;
}

/** One DBAPI connection's view of the shared session. */
export class LogicalSession {
  readonly shared: SharedSession;
  closed = false;
  private _lastrowid: number | null;
  /**
   * The cursor whose INSERT set this connection's last rowid, while nobody has read it: the value is
   * the physical session's `last_insert_rowid()` until another cursor or connection runs SQL, which
   * reads it first. (A loop of INSERTs on one cursor reads it once, at the end, if at all.)
   */
  private _rowid_reader: RowidReader | null = null;
  /** Set when this connection's uncommitted work could not be restored after it was parked. */
  lost: Error | null = null;

  constructor(shared: SharedSession) {
    this.shared = shared;
    this._lastrowid = shared.physical.initial_lastrowid ?? null;
  }

  /** The ROWID of this connection's last INSERT (SQLite's per-connection last_insert_rowid()). */
  get lastrowid(): number | null {
    if (this._rowid_reader !== null) this._settle_rowid();
    return this._lastrowid;
  }

  /** Whether `reader` is the cursor whose INSERT's rowid is still to be read. */
  awaits_rowid(reader: RowidReader): boolean {
    return this._rowid_reader === reader;
  }

  /** Reads the pending rowid from the database and hands it to the cursor that waits for it. */
  _settle_rowid(): void {
    const reader = this._rowid_reader;
    if (reader === null) return;
    this._rowid_reader = null;
    this.shared.rowid_pending = null;
    const rowid = this.shared.physical.last_insert_rowid!();
    this._lastrowid = rowid;
    reader._settle_lastrowid(rowid);
  }

  /** Before SQL runs: a rowid that `reader` would not overwrite is read now, while it is still there. */
  private _before_statement(reader: RowidReader | undefined): void {
    const pending = this.shared.rowid_pending;
    if (pending !== null && (pending !== this || this._rowid_reader !== reader)) pending._settle_rowid();
  }

  private _after_statement(r: ExecResult | ExecManyResult, reader: RowidReader | undefined): void {
    if (r.inserted) {
      if (reader !== undefined) {
        this._rowid_reader = reader;
        this.shared.rowid_pending = this;
      } else this._lastrowid = this.shared.physical.last_insert_rowid!();
    } else if (r.lastrowid !== null) this._lastrowid = r.lastrowid;
  }

  get holds_writes(): boolean {
    return this.shared.writer === this;
  }

  /** Raises (once) when this connection's uncommitted work could not be restored after it was parked. */
  private _check_lost(): void {
    const err = this.lost;
    if (err === null) return;
    this.lost = null;
    throw this.shared.operationalError(
      `this connection's uncommitted work was lost: it could not be replayed after another connection read the database (${err.message}); it has been rolled back`,
    );
  }

  execute(
    sql: string,
    params?: DBAPIParameters,
    kind: StatementKind = classify(sql, this.shared.physical.sql_rules),
    many = false,
    reader?: RowidReader,
  ): ExecResult {
    if (this.lost) this._check_lost();
    if (this.shared.rowid_pending !== null) this._before_statement(reader);
    const r = this.shared.run(this, sql, params, kind, many);
    this._after_statement(r, reader);
    return r;
  }

  /** An executemany; a failing parameter set's error is thrown after the sets before it ran. */
  executemany(
    sql: string,
    seq: readonly (DBAPIParameters | undefined)[],
    kind: StatementKind = classify(sql, this.shared.physical.sql_rules),
  ): ExecManyResult {
    this._check_lost();
    if (this.shared.rowid_pending !== null) this._before_statement(undefined);
    const r = this.shared.runMany(this, sql, seq, kind);
    this._after_statement(r, undefined);
    if (r.error !== undefined) throw r.error;
    return r;
  }

  commit(): void {
    this.shared.end(this, true);
  }

  rollback(): void {
    this.shared.end(this, false);
  }

  close(): void {
    if (!this.closed) {
      this.closed = true;
      this._settle_rowid();
      this.shared.close(this);
    }
  }

  await_turn(sql: string, timeoutMs: number): Promise<void> {
    return this.shared.await_turn(this, sql, timeoutMs);
  }

  /** Whether `sql` ("" for a statement that may write) can run now, without waiting its turn. */
  can_run(sql: string): boolean {
    return this.shared.canRun(this, sql === "" ? "write" : classify(sql, this.shared.physical.sql_rules));
  }
}
