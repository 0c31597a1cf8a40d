/**
 * The `sqlalchemy` module: engine, Core and the Python helpers lessons use.
 */
import "./dialects/index.ts";

export { Connection, Engine, NestedTransaction, RootTransaction, Transaction } from "./engine/base.ts";
export { create_engine, engine_from_config } from "./engine/create.ts";
export { CursorResult } from "./engine/cursor.ts";
export { Inspector } from "./engine/reflection.ts";
export {
  FrozenResult,
  IteratorResult,
  MappingResult,
  Result,
  RMKeyView,
  ScalarResult,
} from "./engine/result.ts";
export { Row, RowMapping } from "./engine/row.ts";
export { make_url, URL } from "./engine/url.ts";
export { event } from "./event.ts";
export * as exc from "./exc.ts";
export { inspect } from "./inspection.ts";
export { AsyncAdaptedQueuePool, NullPool, QueuePool, SingletonThreadPool, StaticPool } from "./pool/impl.ts";
export * as pool from "./pool/index.ts";
export * from "./sql/index.ts";
export { hash } from "./util/pyops.ts";
export { Decimal, date, datetime, tuple } from "./util/pytypes.ts";
export { print, repr, show_error, str } from "./util/repr.ts";
