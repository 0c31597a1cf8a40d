/**
 * `psycopg2` over PGlite: paramstyle `pyformat` (`%(name)s` with a dict, `%s` with a tuple, `%%`),
 * parameters interpolated client-side as SQL literals (`cursor.mogrify()`) and the result sent
 * through the simple Query protocol, as psycopg2 does; BEGIN before the first statement after
 * connect / commit / rollback; a SELECT's rowcount is the number of rows; errors are
 * `psycopg2.errors.<Name>` with libpq's message.
 */
import type { ConnectArgs, DBAPIModule, DBAPIParameters } from "../engine/interfaces.ts";
import { nextAddress, PgConnection, type PgDriver } from "./pglite/driver.ts";
import { clientError, type PsycopgModule, serverError } from "./pglite/errors.ts";
import { CannotAdapt, mogrify } from "./pglite/literals.ts";
import { CopyNotSupportedError, EmptyQueryError, ServerError } from "./pglite/wire.ts";

const IN_FAILED_TRANSACTION =
  "current transaction is aborted, commands ignored until end of transaction block";

/** psycopg2's `make_dsn()` of the arguments SQLAlchemy passes, as the connection's repr shows it. */
export function dsnOf(args: ConnectArgs | undefined): string {
  const parts: string[] = [];
  if (args?.host) parts.push(`host=${args.host}`);
  if (args?.database) parts.push(`dbname=${args.database}`);
  if (args?.username) parts.push(`user=${args.username}`);
  if (args?.password) parts.push("password=xxx");
  if (args?.port) parts.push(`port=${args.port}`);
  return parts.join(" ");
}

/** psycopg2 and psycopg (3) differ in their module, their messages' trailing newline and their reprs. */
export function psycopgDriver(module: PsycopgModule, repr: () => string): PgDriver {
  const programmingError = (message: string) => clientError(module, "ProgrammingError", message);
  return {
    module,
    prepare: (operation, parameters) => ({ sql: mogrify(operation, parameters, programmingError) }),
    translate(err) {
      if (err instanceof ServerError) return serverError(module, err.fields, err.query);
      if (err instanceof CannotAdapt) {
        return programmingError(
          module === "psycopg"
            ? `cannot adapt type '${err.message.slice(err.message.indexOf("'") + 1, -1)}' using placeholder '%s' (format: AUTO)`
            : err.message,
        );
      }
      if (err instanceof EmptyQueryError || err instanceof CopyNotSupportedError)
        return programmingError(err.message);
      return err;
    },
    inFailedTransaction: () =>
      serverError(module, { message: IN_FAILED_TRANSACTION, code: "25P02", severity: "ERROR" }, null),
    closedError: (what) => clientError(module, "InterfaceError", `${what} already closed`),
    operationalError: (message) => clientError(module, "OperationalError", message),
    repr,
  };
}

/** `psycopg2.extensions.connection`. */
export class Psycopg2Connection extends PgConnection {
  constructor(args?: ConnectArgs) {
    const address = nextAddress();
    const self: { conn?: PgConnection } = {};
    super(
      psycopgDriver(
        "psycopg2",
        () =>
          `<connection object at ${address}; dsn: '${dsnOf(args)}', closed: ${self.conn?.closed ? 1 : 0}>`,
      ),
    );
    self.conn = this;
  }
}

export const psycopg2: DBAPIModule = {
  name: "psycopg2",
  paramstyle: "pyformat",
  connect: (args) => new Psycopg2Connection(args),
};

/** `cursor.mogrify()` as psycopg2 would give it (the SQL sent for `operation` with `parameters`). */
export function psycopg2_mogrify(operation: string, parameters?: DBAPIParameters): string {
  try {
    return mogrify(operation, parameters, (m) => clientError("psycopg2", "ProgrammingError", m));
  } catch (err) {
    if (err instanceof CannotAdapt) throw clientError("psycopg2", "ProgrammingError", err.message);
    throw err;
  }
}
