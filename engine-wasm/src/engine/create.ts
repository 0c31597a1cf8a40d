/**
 * `create_engine()` (SQLAlchemy's engine/create.py): URL → dialect (through the registry) → pool →
 * Engine, with SQLAlchemy's argument checking. Nothing connects until the first `connect()`.
 */
import { ArgumentError, MissingGreenlet } from "../exc.ts";
import { type ConnectionRecord, type Pool, PoolProxiedConnection } from "../pool/base.ts";
import { greenlet_spawn } from "../util/concurrency.ts";
import type { EchoFlag } from "../util/log.ts";
import { PluginLoader } from "../util/plugins.ts";
import { Connection, Engine } from "./base.ts";
import type { DefaultDialect, PoolClass } from "./default.ts";
import type { DBAPIConnection } from "./interfaces.ts";
import { make_url, type URL } from "./url.ts";

export type DialectClass = (new (
  options?: Record<string, unknown>,
) => DefaultDialect) & {
  readonly engine_args?: readonly string[];
  /** Driver name used when the URL names none (`postgresql://` → psycopg2). */
  readonly default_driver?: string;
};

/** `sqlalchemy.dialects:<name>` */
export const registry = new PluginLoader<DialectClass>("sqlalchemy.dialects");

export interface CreateEngineOptions {
  echo?: EchoFlag;
  echo_pool?: EchoFlag;
  pool_size?: number;
  max_overflow?: number;
  pool_timeout?: number;
  pool_recycle?: number;
  pool_pre_ping?: boolean;
  pool_reset_on_return?: "rollback" | "commit" | null;
  pool_use_lifo?: boolean;
  poolclass?: PoolClass;
  pool?: Pool;
  creator?: () => DBAPIConnection;
  hide_parameters?: boolean;
  logging_name?: string;
  pool_logging_name?: string;
  execution_options?: Record<string, unknown>;
  isolation_level?: string;
  query_cache_size?: number;
  future?: boolean;
  paramstyle?: string;
  connect_args?: Record<string, unknown>;
  insertmanyvalues_page_size?: number;
  use_insertmanyvalues?: boolean;
  label_length?: number;
  [other: string]: unknown;
}

const ENGINE_ARGS = new Set([
  "echo",
  "hide_parameters",
  "logging_name",
  "execution_options",
  "isolation_level",
  "query_cache_size",
  "future",
  "connect_args",
  "creator",
  "pool",
  "poolclass",
  "echo_pool",
  "pool_recycle",
  "pool_pre_ping",
  "pool_reset_on_return",
  "pool_logging_name",
  "paramstyle",
  "insertmanyvalues_page_size",
  "use_insertmanyvalues",
  "label_length",
  "_initialize",
  "empty_in_strategy",
  "enable_from_linting",
  "implicit_returning",
  "max_identifier_length",
  "json_serializer",
  "json_deserializer",
]);

/** Which pool arguments each pool class takes (the rest are "Invalid argument(s)"). */
function poolArgsFor(poolclass: PoolClass): Set<string> {
  const name = (poolclass as { name: string }).name;
  if (name === "QueuePool" || name === "AsyncAdaptedQueuePool")
    return new Set(["pool_size", "max_overflow", "pool_timeout", "pool_use_lifo"]);
  if (name === "SingletonThreadPool") return new Set(["pool_size"]);
  return new Set();
}

export function _resolveDialectClass(url: URL): DialectClass {
  const backend = url.get_backend_name();
  const driver = url.get_driver_name();
  if (driver) return registry.load(`${backend}.${driver}`);
  return registry.load(backend);
}

/** `sqlalchemy.create_engine(url, { echo, pool_size, max_overflow, … })`. */
export function create_engine(url: string | URL, options: CreateEngineOptions = {}): Engine {
  if (typeof url !== "string" && !(url && typeof url === "object" && "drivername" in url)) {
    throw new ArgumentError("create_engine() requires a URL string or URL object as its first argument");
  }
  const u = make_url(url as string | URL);
  const DialectCls = _resolveDialectClass(u);
  const dialectArgs = new Set(DialectCls.engine_args ?? []);
  const dialectOptions: Record<string, unknown> = {};
  for (const k of [
    "paramstyle",
    "label_length",
    "insertmanyvalues_page_size",
    "use_insertmanyvalues",
    "isolation_level",
  ]) {
    if (options[k] !== undefined) dialectOptions[k] = options[k];
  }
  for (const k of dialectArgs) if (options[k] !== undefined) dialectOptions[k] = options[k];
  const dialect = new DialectCls(dialectOptions);
  if (options._requires_async === true && !dialect.is_async) {
    throw new ArgumentError(
      `The asyncio extension requires an async driver to be used. The loaded '${dialect.driver}' is not async.`,
    );
  }

  const connectArgs = { ...dialect.create_connect_args(u), ...(options.connect_args ?? {}) };
  const creator =
    options.creator ??
    (() => {
      if (dialect.is_async && options._requires_async !== true) {
        throw new MissingGreenlet(
          "greenlet_spawn has not been called; can't call await_only() here. Was IO attempted in an unexpected place?",
        );
      }
      return dialect.connect(connectArgs);
    });

  let pool = options.pool;
  const unused: string[] = [];
  if (!pool) {
    const poolclass = options.poolclass ?? dialect.get_pool_class(u);
    const accepted = poolArgsFor(poolclass);
    for (const k of Object.keys(options)) {
      if (options[k] === undefined || k.startsWith("_requires")) continue;
      if (!ENGINE_ARGS.has(k) && !accepted.has(k) && !dialectArgs.has(k)) unused.push(k);
    }
    if (unused.length) {
      throw new TypeError(
        `Invalid argument(s) ${unused.map((k) => `'${k}'`).join(",")} sent to create_engine(), using configuration ${dialect.constructor.name}/${(poolclass as { name: string }).name}/Engine.  Please check that the keyword arguments are appropriate for this combination of components.`,
      );
    }
    const poolOptions: Record<string, unknown> = {
      echo: options.echo_pool,
      logging_name: options.pool_logging_name,
      recycle: options.pool_recycle,
      pre_ping: options.pool_pre_ping,
      reset_on_return: options.pool_reset_on_return,
      dialect,
    };
    if (accepted.has("pool_size") && options.pool_size !== undefined)
      poolOptions.pool_size = options.pool_size;
    if (accepted.has("max_overflow") && options.max_overflow !== undefined)
      poolOptions.max_overflow = options.max_overflow;
    if (accepted.has("pool_timeout") && options.pool_timeout !== undefined)
      poolOptions.timeout = options.pool_timeout;
    if (accepted.has("pool_use_lifo") && options.pool_use_lifo !== undefined)
      poolOptions.use_lifo = options.pool_use_lifo;
    pool = new poolclass(creator, poolOptions);
  }

  const engine = new Engine(pool, dialect, u, {
    echo: options.echo,
    logging_name: options.logging_name,
    hide_parameters: options.hide_parameters,
    execution_options: options.execution_options,
    query_cache_size: options.query_cache_size,
  });

  // The dialect learns about the server on the first connection (SQLAlchemy's first_connect).
  pool._listen(
    "first_connect",
    (dbapi_connection, record) => {
      const c = new Connection(engine, adhocProxy(pool!, record, dbapi_connection), {
        _allow_autobegin: false,
        _has_events: false,
      });
      try {
        // an async engine's first connection runs inside its greenlet, as in SQLAlchemy
        if (dialect.is_async) greenlet_spawn(() => dialect.initialize(c));
        else dialect.initialize(c);
      } finally {
        dialect.do_rollback(dbapi_connection);
      }
    },
    true,
  );
  const onConnect = dialect.on_connect();
  if (onConnect) {
    pool._listen("connect", (dbapi_connection) =>
      dialect.is_async ? greenlet_spawn(() => onConnect(dbapi_connection)) : onConnect(dbapi_connection),
    );
  }
  return engine;
}

/** A proxy over a DBAPI connection that is not checked out (SQLAlchemy's _AdhocProxiedConnection). */
function adhocProxy(pool: Pool, record: ConnectionRecord, dbapi: DBAPIConnection): PoolProxiedConnection {
  const proxy = new PoolProxiedConnection(pool, record, dbapi);
  // closing it must not return the record to the pool
  proxy.close = () => {};
  return proxy;
}

/** `sqlalchemy.engine_from_config()`: options read from a dict with a prefix. */
export function engine_from_config(
  configuration: Record<string, unknown>,
  prefix = "sqlalchemy.",
  options: CreateEngineOptions = {},
): Engine {
  const opts: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(configuration))
    if (k.startsWith(prefix)) opts[k.slice(prefix.length)] = v;
  const url = opts.url as string;
  delete opts.url;
  return create_engine(url, { ...opts, ...options });
}
