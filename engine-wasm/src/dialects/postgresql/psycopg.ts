/**
 * `psycopg` (3) over PGlite: the same `pyformat` paramstyle as psycopg2 (SQLAlchemy's psycopg dialect
 * adds `::TYPE` casts to the SQL itself); values are interpolated as literals here.
 */
import type { DBAPIModule } from "../../engine/interfaces.ts";
import { connectPostgres, type PgDriverSpec } from "./driver.ts";
import { psycopg2Error, psycopg2Plain } from "./errors.ts";
import { mogrify } from "./psycopg2.ts";

const spec: PgDriverSpec = {
  module: "psycopg",
  prepare: (operation, parameters) => ({ sql: mogrify(operation, parameters) }),
  serverError: (fields, query) => psycopg2Error(fields, query),
  plainError: psycopg2Plain,
};

export const psycopg: DBAPIModule = {
  name: "psycopg",
  paramstyle: "pyformat",
  connect: () => connectPostgres(spec),
};
