/**
 * `asyncpg` over PGlite, as SQLAlchemy's asyncpg adapter drives it: paramstyle `numeric_dollar`
 * (`$1` with a tuple); every statement prepared and its parameters encoded for the types the server
 * gives them (extended protocol); errors re-raised as the adapter's classes
 * (`sqlalchemy.dialects.postgresql.asyncpg.IntegrityError`) around asyncpg's.
 */
import type { DBAPIModule, DBAPIParameters } from "../engine/interfaces.ts";
import { await_only } from "../util/concurrency.ts";
import { repr } from "../util/repr.ts";
import { asyncpgAdapterError, asyncpgInterfaceError, asyncpgServerError } from "./pglite/asyncpg_errors.ts";
import { nextAddress, PgConnection, type PgDriver } from "./pglite/driver.ts";
import { ParameterEncodeError, ServerError } from "./pglite/wire.ts";

const IN_FAILED_TRANSACTION =
  "current transaction is aborted, commands ignored until end of transaction block";

function positional(parameters: DBAPIParameters | undefined): readonly unknown[] {
  if (parameters === undefined) return [];
  if (Array.isArray(parameters)) return parameters;
  throw new TypeError("asyncpg takes its parameters as a sequence ($1, $2 …), not a mapping");
}

/** asyncpg's DataError for a value the parameter's codec refused. */
function encodeError(err: ParameterEncodeError): Error {
  if (err.index < 0) return asyncpgInterfaceError("InterfaceError", err.message);
  let shown = repr(err.value);
  if (shown.length > 40) shown = `${shown.slice(0, 40)}...`;
  return asyncpgInterfaceError(
    "DataError",
    `invalid input for query argument $${err.index + 1}: ${shown} (${err.message})`,
  );
}

const driver = (address: string): PgDriver => ({
  module: "asyncpg",
  prepare: (operation, parameters) => ({ sql: operation, params: positional(parameters) }),
  translate(err) {
    if (err instanceof ServerError) return asyncpgServerError(err.fields);
    if (err instanceof ParameterEncodeError) return encodeError(err);
    return err;
  },
  inFailedTransaction: () =>
    asyncpgServerError({ message: IN_FAILED_TRANSACTION, code: "25P02", severity: "ERROR" }),
  closedError: () => asyncpgInterfaceError("InterfaceError", "connection is closed"),
  operationalError: (message) => asyncpgAdapterError("OperationalError", message),
  repr: () => `<AdaptedConnection <asyncpg.connection.Connection object at ${address}>>`,
});

/** SQLAlchemy's `AsyncAdapt_asyncpg_connection` around an asyncpg connection. */
export class AsyncpgConnection extends PgConnection {
  constructor() {
    super(driver(nextAddress()));
    // the adapter's point of IO (SQLAlchemy's await_only())
    this.hooks.beforeExecute = await_only;
  }
}

export const asyncpg: DBAPIModule = {
  name: "asyncpg",
  paramstyle: "numeric_dollar",
  connect: () => new AsyncpgConnection(),
};
