/**
 * `aiosqlite`, as SQLAlchemy's aiosqlite dialect adapts it: the same SQLite behaviour as pysqlite
 * (its errors are `sqlite3`'s), used by the async engine.
 */
import type { DBAPIModule } from "../engine/interfaces.ts";
import { connectSqlite } from "./sqlite3.ts";

export const aiosqlite: DBAPIModule = {
  name: "aiosqlite",
  paramstyle: "qmark",
  connect: (args) => connectSqlite(args, "aiosqlite"),
};
