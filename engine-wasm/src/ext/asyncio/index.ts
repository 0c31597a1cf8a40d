/**
 * The `sqlalchemy/ext/asyncio` module.
 */
import "../../dialects/index.ts";

export {
  AsyncConnection,
  AsyncEngine,
  AsyncTransaction,
  async_engine_from_config,
  create_async_engine,
} from "./engine.ts";
export { AsyncMappingResult, AsyncResult, AsyncScalarResult } from "./result.ts";
export {
  AsyncAttrs,
  AsyncSession,
  AsyncSessionTransaction,
  async_object_session,
  async_session,
  async_sessionmaker,
} from "./session.ts";
