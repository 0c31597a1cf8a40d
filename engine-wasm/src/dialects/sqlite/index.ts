/**
 * The `sqlite` dialect package (SQLAlchemy's dialects/sqlite/__init__.py): its dialect per driver
 * name, and the default one (`sqlite://` is pysqlite).
 */
import { SQLiteDialect_aiosqlite } from "./aiosqlite.ts";
import { SQLiteDialect_pysqlite } from "./pysqlite.ts";
import { SQLiteDialect_sqljs } from "./sqljs.ts";

export { SQLiteDialect } from "./base.ts";
export { SQLiteDialect_aiosqlite, SQLiteDialect_pysqlite, SQLiteDialect_sqljs };

export const dialect = SQLiteDialect_pysqlite;

export const dialects = {
  pysqlite: SQLiteDialect_pysqlite,
  aiosqlite: SQLiteDialect_aiosqlite,
  sqljs: SQLiteDialect_sqljs,
} as const;

export { Insert, insert } from "./dml.ts";
