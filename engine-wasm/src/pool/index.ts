export { ConnectionRecord, Pool, PoolProxiedConnection, type PoolOptions, type ResetOnReturn } from "./base.ts";
export { AsyncAdaptedQueuePool, NullPool, QueuePool, SingletonThreadPool, StaticPool } from "./impl.ts";
