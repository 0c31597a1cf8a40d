/**
 * `sqlite+aiosqlite://` (SQLAlchemy's dialects/sqlite/aiosqlite.py): the SQLite dialect over the
 * aiosqlite adapter (dbapi/aiosqlite.ts) for the async engine; StaticPool for an in-memory database,
 * AsyncAdaptedQueuePool for a file.
 */

import { aiosqlite } from "../../dbapi/aiosqlite.ts";
import type { PoolClass } from "../../engine/default.ts";
import type { DBAPIModule, Paramstyle } from "../../engine/interfaces.ts";
import type { URL } from "../../engine/url.ts";
import { AsyncAdaptedQueuePool, StaticPool } from "../../pool/impl.ts";
import { isMemoryUrl, SQLiteDialect } from "./base.ts";

export class SQLiteDialect_aiosqlite extends SQLiteDialect {
  override driver = "aiosqlite";
  override paramstyle: Paramstyle = "qmark";
  override dbapi: DBAPIModule = aiosqlite;
  override is_async = true;
  override get_pool_class(url: URL): PoolClass {
    return (isMemoryUrl(url) ? StaticPool : AsyncAdaptedQueuePool) as unknown as PoolClass;
  }
}

export const dialect = SQLiteDialect_aiosqlite;
