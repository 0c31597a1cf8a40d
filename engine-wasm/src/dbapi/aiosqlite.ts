/**
 * `aiosqlite`, as SQLAlchemy's aiosqlite dialect adapts it: the same SQLite behaviour as pysqlite
 * (its errors are `sqlite3`'s), used by the async engine.
 */
import type { DBAPIModule } from "../engine/interfaces.ts";
import { await_only } from "../util/concurrency.ts";
import { connectSqlite } from "./sqlite3.ts";

export const aiosqlite: DBAPIModule = {
  name: "aiosqlite",
  paramstyle: "qmark",
  connect: (args) => {
    const conn = connectSqlite(args, "aiosqlite");
    // the adapter's point of IO (SQLAlchemy's await_only())
    conn.hooks.beforeExecute = await_only;
    return conn;
  },
};
