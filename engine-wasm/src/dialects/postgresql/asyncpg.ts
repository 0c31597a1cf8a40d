/**
 * `postgresql+asyncpg://` (SQLAlchemy's dialects/postgresql/asyncpg.py): the PostgreSQL dialect over
 * the asyncpg adapter (dbapi/asyncpg.ts), paramstyle `numeric_dollar`, for the async engine.
 */

import { asyncpg } from "../../dbapi/asyncpg.ts";
import type { PoolClass } from "../../engine/default.ts";
import type { DBAPIModule, Paramstyle } from "../../engine/interfaces.ts";
import type { URL } from "../../engine/url.ts";
import { AsyncAdaptedQueuePool } from "../../pool/impl.ts";
import { PGDialect } from "./base.ts";

export class PGDialect_asyncpg extends PGDialect {
  override driver = "asyncpg";
  override render_bind_casts = true;
  override paramstyle: Paramstyle = "numeric_dollar";
  override dbapi: DBAPIModule = asyncpg;
  override is_async = true;
  override get_pool_class(_url: URL): PoolClass {
    return AsyncAdaptedQueuePool as unknown as PoolClass;
  }
}

export const dialect = PGDialect_asyncpg;
