/**
 * What the PostgreSQL driver emulations share: the one shared session over PGlite, psycopg2's
 * transaction bookkeeping (a transaction begins with the first statement; after an error every
 * statement fails until rollback), and turning server errors into the driver's classes.
 */
import { Connection, type DriverHooks } from "../../connectors/dbapi.ts";
import { type LogicalSession, SharedSession } from "../../connectors/shared_session.ts";
import type { DBAPIParameters } from "../../engine/interfaces.ts";
import type { PgDriverError, PgErrorFields } from "./errors.ts";
import { getPostgres, onPostgresReset } from "./runtime.ts";
import { PGliteWire, ServerError } from "./wire.ts";

let shared: SharedSession | null = null;
let sharedFor: unknown = null;
onPostgresReset(() => {
  shared = null;
});

function sharedSession(conflict: (message: string) => Error): SharedSession {
  const pg = getPostgres();
  if (!shared || sharedFor !== pg) {
    shared = new SharedSession(new PGliteWire(pg), conflict);
    sharedFor = pg;
  }
  return shared;
}

export interface PgDriverSpec {
  /** Python module name, e.g. `psycopg2`. */
  readonly module: string;
  /** Rewrites the driver-level SQL + parameters into what the wire runs. */
  prepare(operation: string, parameters: DBAPIParameters | undefined): { sql: string; params?: (string | null)[] };
  serverError(fields: PgErrorFields, query: string): PgDriverError;
  plainError(pep: PgDriverError["pep249"], message: string): PgDriverError;
}

interface TxState {
  inTransaction: boolean;
  failed: boolean;
}

export function connectPostgres(spec: PgDriverSpec): Connection {
  const session = sharedSession((message) => spec.plainError("OperationalError", `could not obtain the database session: ${message}`)).open();
  const state: TxState = { inTransaction: false, failed: false };
  const hooks: DriverHooks = {
    select_rowcount: "rows",
    beforeExecute() {
      if (state.failed) {
        throw spec.serverError(
          { message: "current transaction is aborted, commands ignored until end of transaction block", code: "25P02" },
          "",
        );
      }
    },
    execute(s: LogicalSession, operation, parameters) {
      const { sql, params } = spec.prepare(operation, parameters);
      state.inTransaction = true;
      try {
        return s.execute(sql, params);
      } catch (err) {
        if (err instanceof ServerError) throw spec.serverError(err.fields, err.query);
        throw err;
      }
    },
    onError(_s, err) {
      // Only an error from the server aborts PostgreSQL's transaction.
      if (state.inTransaction && (err as { pgcode?: unknown }).pgcode !== undefined) state.failed = true;
    },
    onEnd() {
      state.inTransaction = false;
      state.failed = false;
    },
    closedError: () => spec.plainError("InterfaceError", "connection already closed"),
    repr: () => `<connection object at 0x7f${Math.floor(Math.random() * 0xffffffff).toString(16).padStart(8, "0")}; dsn: 'user=oracle host=pglite', closed: 0>`,
  };
  return new Connection(session, hooks);
}
