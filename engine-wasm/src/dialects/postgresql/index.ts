/**
 * The `postgresql` dialect package (SQLAlchemy's dialects/postgresql/__init__.py): its dialect per
 * driver name, and the default one (`postgresql://` is psycopg2).
 */
import { PGDialect_asyncpg } from "./asyncpg.ts";
import { PGDialect_pglite } from "./pglite.ts";
import { PGDialect_psycopg } from "./psycopg.ts";
import { PGDialect_psycopg2 } from "./psycopg2.ts";

export { PGDialect } from "./base.ts";
export { PGDialect_asyncpg, PGDialect_pglite, PGDialect_psycopg, PGDialect_psycopg2 };

export const dialect = PGDialect_psycopg2;

export const dialects = {
  psycopg2: PGDialect_psycopg2,
  psycopg: PGDialect_psycopg,
  asyncpg: PGDialect_asyncpg,
  pglite: PGDialect_pglite,
} as const;

export { Insert, insert } from "./dml.ts";
