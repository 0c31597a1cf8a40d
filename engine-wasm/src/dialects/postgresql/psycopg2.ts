/**
 * `psycopg2` over PGlite: paramstyle `pyformat` (`%(name)s` with a dict, `%s` with a tuple), parameters
 * interpolated client-side as SQL literals and sent with the simple Query protocol, as psycopg2 does.
 */
import type { DBAPIModule, DBAPIParameters } from "../../engine/interfaces.ts";
import { connectPostgres, type PgDriverSpec } from "./driver.ts";
import { psycopg2Error, psycopg2Plain } from "./errors.ts";
import { literal } from "./types.ts";

/** psycopg2's `cursor.mogrify()`: the SQL with parameters interpolated. */
export function mogrify(operation: string, parameters: DBAPIParameters | undefined, plain = psycopg2Plain): string {
  if (parameters === undefined) return operation;
  const adapt = (v: unknown) => {
    try {
      return literal(v);
    } catch (err) {
      if ((err as { cantAdapt?: boolean }).cantAdapt) throw plain("ProgrammingError", (err as Error).message);
      throw err;
    }
  };
  if (Array.isArray(parameters)) {
    let i = 0;
    return operation.replace(/%%|%s/g, (m) => {
      if (m === "%%") return "%";
      if (i >= parameters.length) throw new TypeError("tuple index out of range");
      return adapt(parameters[i++]);
    });
  }
  const dict = parameters as Record<string, unknown>;
  return operation.replace(/%%|%\(([^)]+)\)s/g, (m, name: string | undefined) => {
    if (m === "%%") return "%";
    if (!(name! in dict)) throw Object.assign(new Error(`'${name}'`), { name: "KeyError" });
    return adapt(dict[name!]);
  });
}

export const psycopg2Spec: PgDriverSpec = {
  module: "psycopg2",
  prepare: (operation, parameters) => ({ sql: mogrify(operation, parameters) }),
  serverError: (fields, query) => psycopg2Error(fields, query),
  plainError: psycopg2Plain,
};

export const psycopg2: DBAPIModule = {
  name: "psycopg2",
  paramstyle: "pyformat",
  connect: () => connectPostgres(psycopg2Spec),
};
