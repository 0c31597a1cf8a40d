/**
 * What the PostgreSQL driver emulations share: every DBAPI connection is a logical connection on
 * the one PGlite session (connectors/shared_session.ts over the sync client in wire.ts); a driver
 * says how a statement and its parameters reach the wire and which exceptions it raises.
 * Transaction bookkeeping (BEGIN before the first statement, 25P02 after an error until
 * ROLLBACK / ROLLBACK TO SAVEPOINT, autocommit) is connectors/dbapi.ts's.
 */
import { Connection, type DriverHooks } from "../../connectors/dbapi.ts";
import { SharedSession } from "../../connectors/shared_session.ts";
import type { DBAPIParameters } from "../../engine/interfaces.ts";
import { getPostgres, onPostgresReset } from "./runtime.ts";
import { PGliteWire } from "./wire.ts";

/** One Python driver's behaviour over the shared wire. */
export interface PgDriver {
  /** Python module name, e.g. `psycopg2`. */
  readonly module: string;
  /** The SQL and parameters the wire runs: parameters → simple Query protocol; a sequence → extended protocol. */
  prepare(
    operation: string,
    parameters: DBAPIParameters | undefined,
  ): { sql: string; params?: readonly unknown[] };
  /** The driver's exception for anything the wire (or `prepare`) threw; other errors as they are. */
  translate(err: unknown): unknown;
  /** What a statement in a failed transaction raises (the server's 25P02, as the driver shows it). */
  inFailedTransaction(): Error;
  /** The driver's error for a closed cursor / connection. */
  closedError(what: "cursor" | "connection"): Error;
  /** The driver's OperationalError, for the shared session's conflicts. */
  operationalError(message: string): Error;
  repr(): string;
}

/** The shared session's conflict, turned into the OperationalError of the driver that met it. */
class SessionConflict extends Error {}

let shared: SharedSession | null = null;
let sharedFor: unknown = null;
onPostgresReset(() => {
  shared = null;
  sharedFor = null;
});

/** The shared session over the one PGlite (started): every PostgreSQL connection of this page / process uses it. */
export function sharedSession(): SharedSession {
  const pg = getPostgres();
  if (!shared || sharedFor !== pg) {
    shared = new SharedSession(new PGliteWire(pg), (message) => new SessionConflict(message));
    sharedFor = pg;
  }
  return shared;
}

/** Whether an error came from the server (and so aborted PostgreSQL's transaction). */
export function isServerError(err: unknown): boolean {
  return typeof (err as { sqlstate?: unknown } | null)?.sqlstate === "string";
}

/** A PEP 249 connection of one of the PostgreSQL drivers. */
export class PgConnection extends Connection {
  readonly driver: PgDriver;
  constructor(driver: PgDriver) {
    const translate = (err: unknown) =>
      err instanceof SessionConflict ? driver.operationalError(err.message) : driver.translate(err);
    const hooks: DriverHooks = {
      select_rowcount: "rows",
      execute(s, operation, parameters, kind) {
        try {
          const prepared = driver.prepare(operation, parameters);
          return s.execute(prepared.sql, prepared.params, kind);
        } catch (err) {
          throw translate(err);
        }
      },
      in_failed_transaction_error: () => driver.inFailedTransaction(),
      aborts_transaction: isServerError,
      closedError: (what) => driver.closedError(what),
      repr: () => driver.repr(),
    };
    super(sharedSession().open(), hooks);
    this.driver = driver;
  }

  override commit(): void {
    try {
      super.commit();
    } catch (err) {
      throw err instanceof SessionConflict
        ? this.driver.operationalError(err.message)
        : this.driver.translate(err);
    }
  }

  override rollback(): void {
    try {
      super.rollback();
    } catch (err) {
      throw err instanceof SessionConflict
        ? this.driver.operationalError(err.message)
        : this.driver.translate(err);
    }
  }

  override async await_turn(operation: string, timeoutMs: number): Promise<void> {
    try {
      await super.await_turn(operation, timeoutMs);
    } catch (err) {
      throw err instanceof SessionConflict ? this.driver.operationalError(err.message) : err;
    }
  }
}

let addresses = 0x7f4e2a1b3c40;

/** A CPython-looking object address for reprs. */
export function nextAddress(): string {
  addresses += 0x1a0;
  return `0x${addresses.toString(16)}`;
}
