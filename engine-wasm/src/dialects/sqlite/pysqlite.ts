/**
 * `sqlite+pysqlite://` (SQLAlchemy's dialects/sqlite/pysqlite.py): the SQLite dialect over Python's
 * sqlite3 module (dbapi/sqlite3.ts), paramstyle `qmark`; SingletonThreadPool for an in-memory
 * database, QueuePool for a file. The default driver of `sqlite://`.
 */

import { sqlite3 } from "../../dbapi/sqlite3.ts";
import type { PoolClass } from "../../engine/default.ts";
import type { DBAPIModule, Paramstyle } from "../../engine/interfaces.ts";
import type { URL } from "../../engine/url.ts";
import { QueuePool, SingletonThreadPool } from "../../pool/impl.ts";
import { isMemoryUrl, SQLiteDialect } from "./base.ts";

export class SQLiteDialect_pysqlite extends SQLiteDialect {
  override driver = "pysqlite";
  override paramstyle: Paramstyle = "qmark";
  override dbapi: DBAPIModule = sqlite3;
  override get_pool_class(url: URL): PoolClass {
    return (isMemoryUrl(url) ? SingletonThreadPool : QueuePool) as unknown as PoolClass;
  }
}

export const dialect = SQLiteDialect_pysqlite;
