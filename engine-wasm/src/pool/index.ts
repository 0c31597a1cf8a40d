export {
  ConnectionRecord,
  Pool,
  type PoolOptions,
  PoolProxiedConnection,
  type ResetOnReturn,
} from "./base.ts";
export { AsyncAdaptedQueuePool, NullPool, QueuePool, SingletonThreadPool, StaticPool } from "./impl.ts";
