/**
 * One physical database session, several DBAPI connections (SQLAlchemy's pool hands out many).
 *
 * PGlite has one backend session and a sql.js Database is one handle, so the DBAPI connections of a
 * page are multiplexed over it:
 * - a connection opens a *physical* transaction only when it first changes the database (pysqlite:
 *   first DML; psycopg2-like drivers: first DML or DDL) and becomes the session's **writer**;
 * - statements of other connections that only read run between the writer's statements, outside any
 *   transaction; to see the committed state (not the writer's uncommitted rows) the writer is
 *   *parked*: its physical transaction is rolled back, the read runs, and the writer's statements are
 *   replayed in a new transaction (sequence values restored first, so SERIAL ids come out the same);
 * - a second connection that wants to write while a writer exists conflicts: the sync path raises a
 *   clear error at once, the async path (`await_turn`) waits until the writer commits or rolls back.
 */
import type { DBAPIParameters } from "../engine/interfaces.ts";
import { sleep } from "../util/sleep.ts";
import { classify, type StatementKind } from "./classify.ts";

/** What one statement produced on the physical session. */
export interface ExecResult {
  /** Column names, or null when the statement returns no rows. */
  readonly columns: readonly string[] | null;
  /** Driver type codes per column (PostgreSQL OIDs), when known. */
  readonly types?: readonly (number | null)[];
  readonly rows: unknown[][];
  readonly rowcount: number;
  readonly lastrowid: number | null;
}

/** The database-specific half: run SQL on the one physical session. */
export interface PhysicalSession {
  /** pysqlite opens a transaction only for DML; psycopg2 for any statement that changes things. */
  readonly begins_on_ddl: boolean;
  execute(sql: string, params: DBAPIParameters | undefined): ExecResult;
  begin(): void;
  commit(): void;
  rollback(): void;
  /** PostgreSQL: remember sequence positions at BEGIN so a replay yields the same SERIAL ids. */
  snapshot_sequences?(): unknown;
  restore_sequences?(snapshot: unknown): void;
}

/** Raised (as the driver's OperationalError) when two connections both want to hold writes. */
export interface ConflictErrorFactory {
  (message: string): Error;
}

interface Entry {
  sql: string;
  params: DBAPIParameters | undefined;
}

export class SharedSession {
  readonly physical: PhysicalSession;
  /** The connection whose physical transaction is open. */
  writer: LogicalSession | null = null;
  private log: Entry[] = [];
  private sequences: unknown = undefined;
  private waiters: Array<() => void> = [];
  private readonly conflictError: ConflictErrorFactory;

  constructor(physical: PhysicalSession, conflictError: ConflictErrorFactory) {
    this.physical = physical;
    this.conflictError = conflictError;
  }

  open(): LogicalSession {
    return new LogicalSession(this);
  }

  /** Whether `conn` may run a statement of this kind now without a conflict. */
  canRun(conn: LogicalSession, kind: StatementKind): boolean {
    if (!this.writer || this.writer === conn) return true;
    return kind === "read";
  }

  conflict(): Error {
    return this.conflictError(
      "another connection holds uncommitted writes on this page's database. Both share the browser's single database session, so commit or roll back the other connection (or close it) before writing here",
    );
  }

  run(conn: LogicalSession, sql: string, params: DBAPIParameters | undefined, kind: StatementKind): ExecResult {
    const writer = this.writer;
    if (writer && writer !== conn) {
      if (kind !== "read") throw this.conflict();
      return this.parkWriterAndRun(sql, params);
    }
    const opens = kind === "write" || (kind === "ddl" && this.physical.begins_on_ddl);
    if (!writer && opens) {
      this.sequences = this.physical.snapshot_sequences?.();
      this.physical.begin();
      this.writer = conn;
      this.log = [];
    }
    const result = this.physical.execute(sql, params);
    if (this.writer === conn) this.log.push({ sql, params });
    return result;
  }

  private parkWriterAndRun(sql: string, params: DBAPIParameters | undefined): ExecResult {
    this.physical.rollback();
    let result: ExecResult;
    try {
      result = this.physical.execute(sql, params);
    } finally {
      if (this.sequences !== undefined) this.physical.restore_sequences?.(this.sequences);
      this.physical.begin();
      for (const e of this.log) {
        try {
          this.physical.execute(e.sql, e.params);
        } catch {
          // a statement that failed the first time fails again: its error was already reported
        }
      }
    }
    return result;
  }

  end(conn: LogicalSession, commit: boolean): void {
    if (this.writer !== conn) return;
    try {
      if (commit) this.physical.commit();
      else this.physical.rollback();
    } finally {
      this.writer = null;
      this.log = [];
      this.sequences = undefined;
      const ws = this.waiters.splice(0);
      for (const w of ws) w();
    }
  }

  /** Resolves when `conn` may run `sql` (the async engine waits here instead of raising). */
  async await_turn(conn: LogicalSession, sql: string, timeoutMs: number): Promise<void> {
    const kind = classify(sql);
    const deadline = performance.now() + timeoutMs;
    while (!this.canRun(conn, kind === "control" ? "read" : sql === "" ? "write" : kind)) {
      const remaining = deadline - performance.now();
      if (remaining <= 0) throw this.conflict();
      await Promise.race([new Promise<void>((resolve) => this.waiters.push(resolve)), sleep(Math.min(remaining, 250))]);
    }
  }
}

/** One DBAPI connection's view of the shared session. */
export class LogicalSession {
  readonly shared: SharedSession;
  closed = false;
  constructor(shared: SharedSession) {
    this.shared = shared;
  }
  get holds_writes(): boolean {
    return this.shared.writer === this;
  }
  execute(sql: string, params?: DBAPIParameters): ExecResult {
    return this.shared.run(this, sql, params, classify(sql));
  }
  commit(): void {
    this.shared.end(this, true);
  }
  rollback(): void {
    this.shared.end(this, false);
  }
  close(): void {
    if (!this.closed) {
      this.rollback();
      this.closed = true;
    }
  }
  await_turn(sql: string, timeoutMs: number): Promise<void> {
    return this.shared.await_turn(this, sql, timeoutMs);
  }
}
