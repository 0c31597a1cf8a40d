/**
 * `asyncpg` over PGlite, as SQLAlchemy's asyncpg adapter drives it: paramstyle `numeric_dollar`
 * (`$1` with a tuple), server-side binding through the extended protocol.
 */
import type { DBAPIModule } from "../../engine/interfaces.ts";
import { connectPostgres, type PgDriverSpec } from "./driver.ts";
import { asyncpgError, psycopg2Plain } from "./errors.ts";
import { textParameter } from "./types.ts";

const spec: PgDriverSpec = {
  module: "asyncpg",
  prepare(operation, parameters) {
    if (parameters === undefined) return { sql: operation };
    const values = Array.isArray(parameters) ? parameters : Object.values(parameters);
    return { sql: operation, params: values.map(textParameter) };
  },
  serverError: (fields) => asyncpgError(fields),
  plainError: psycopg2Plain,
};

export const asyncpg: DBAPIModule = {
  name: "asyncpg",
  paramstyle: "numeric_dollar",
  connect: () => connectPostgres(spec),
};
