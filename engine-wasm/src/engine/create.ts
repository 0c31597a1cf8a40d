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
  /** if True, the Engine will log all statements as well as a `repr()` of their parameter lists to the default log handler, which defaults to `sys.stdout` for output. */
  echo?: EchoFlag;
  /** if True, the connection pool will log informational output such as when connections are invalidated as well as when connections are recycled to the default log handler, which defaults to `sys.stdout` for output. */
  echo_pool?: EchoFlag;
  /** the number of connections to keep open inside the connection pool. */
  pool_size?: number;
  /** the number of connections to allow in connection pool "overflow", that is connections that can be opened above and beyond the pool_size setting, which defaults to five. */
  max_overflow?: number;
  /** number of seconds to wait before giving up on getting a connection from the pool. */
  pool_timeout?: number;
  /** this setting causes the pool to recycle connections after the given number of seconds has passed. */
  pool_recycle?: number;
  /** boolean, if True will enable the connection pool "pre-ping" feature that tests connections for liveness upon each checkout. */
  pool_pre_ping?: boolean;
  /** set the `reset_on_return` parameter of the underlying `Pool` object, which can be set to the values `"rollback"`, `"commit"`, or `None`. */
  pool_reset_on_return?: "rollback" | "commit" | null;
  /** use LIFO (last-in-first-out) when retrieving connections from `QueuePool` instead of FIFO (first-in-first-out). */
  pool_use_lifo?: boolean;
  /** a `Pool` subclass, which will be used to create a connection pool instance using the connection parameters given in the URL. */
  poolclass?: PoolClass;
  /** an already-constructed instance of `Pool`, such as a `QueuePool` instance. */
  pool?: Pool;
  /** a callable which returns a DBAPI connection. */
  creator?: () => DBAPIConnection;
  /** Boolean, when set to True, SQL statement parameters will not be displayed in INFO logging nor will they be formatted into the string representation of `StatementError` objects. */
  hide_parameters?: boolean;
  /** String identifier which will be used within the "name" field of logging records generated within the "sqlalchemy.engine" logger. */
  logging_name?: string;
  /** String identifier which will be used within the "name" field of logging records generated within the "sqlalchemy.pool" logger. */
  pool_logging_name?: string;
  /** Dictionary execution options which will be applied to all connections. */
  execution_options?: Record<string, unknown>;
  /** optional string name of an isolation level which will be set on all new connections unconditionally. */
  isolation_level?: string;
  /** size of the cache used to cache the SQL string form of queries. */
  query_cache_size?: number;
  /** Use the 2.0 style `Engine` and `Connection` API. */
  future?: boolean;
  /** The paramstyle to use when rendering bound parameters. */
  paramstyle?: string;
  /** a dictionary of options which will be passed directly to the DBAPI's `connect()` method as additional keyword arguments. */
  connect_args?: Record<string, unknown>;
  /** number of rows to format into an INSERT statement when the statement uses "insertmanyvalues" mode, which is a paged form of bulk insert that is used for many backends when using `executemany` execution typically in conjunction with RETURNING. */
  insertmanyvalues_page_size?: number;
  /** True by default, use the "insertmanyvalues" execution style for INSERT..RETURNING statements by default. */
  use_insertmanyvalues?: boolean;
  /** optional integer value which limits the size of dynamically generated column labels to that many characters. */
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
