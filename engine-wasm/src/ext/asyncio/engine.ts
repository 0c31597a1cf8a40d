/**
 * `sqlalchemy.ext.asyncio.engine`: AsyncEngine, AsyncConnection, AsyncTransaction — thin proxies over
 * the sync Engine/Connection, whose sync calls run inside greenlet_spawn() (util/concurrency.ts). The only things that really wait are a pool checkout when the pool is
 * exhausted and a statement that must wait for another connection's writes to finish (the one shared
 * database session); everything else runs the sync core.
 */
import {
  Connection,
  type Engine,
  type ExecutionOptions,
  type NestedTransaction,
  type Parameters,
  type RootTransaction,
} from "../../engine/base.ts";
import { type CreateEngineOptions, create_engine } from "../../engine/create.ts";
import type { CursorResult } from "../../engine/cursor.ts";
import type { URL } from "../../engine/url.ts";
import type { Listener } from "../../event.ts";
import { InvalidRequestError, ResourceClosedError } from "../../exc.ts";
import { greenlet_spawn } from "../../util/concurrency.ts";
import { defineModule } from "../../util/repr.ts";
import { AsyncResult } from "./result.ts";

let addr = 0x7f4c20000000;

/**
 * Runs `fn` on the sync connection once `sync` may run `operation` (SQL text; "" for a statement
 * that may write) on the one shared database session: while another connection holds uncommitted
 * writes, a write waits until that connection commits or rolls back, up to the pool's timeout
 * (API.md, "Differences the browser forces"). AsyncConnection runs each statement so, AsyncSession
 * its IO that writes. Several waiters woken at once may all find the session free: the check is
 * made again right before `fn`, in the same turn of the event loop, and who lost waits again.
 */
export async function runWithTurn<T>(sync: Connection, operation: string, fn: () => T): Promise<T> {
  const dbapi = sync.connection.dbapi_connection as {
    await_turn?: (op: string, ms: number) => Promise<void>;
    can_run?: (op: string) => boolean;
  } | null;
  if (dbapi?.await_turn) {
    const timeoutMs = ((sync.engine.pool as unknown as { _timeout?: number })._timeout ?? 30) * 1000;
    const deadline = performance.now() + timeoutMs;
    do await dbapi.await_turn(operation, Math.max(0, deadline - performance.now()));
    while (dbapi.can_run?.(operation) === false);
  }
  return greenlet_spawn(fn);
}

function describeStatement(statement: unknown): string {
  const t = (statement as { text?: unknown })?.text;
  return typeof t === "string" ? t : "";
}

export class AsyncConnection {
  /** The `AsyncEngine` with which this `AsyncConnection` is associated. */
  readonly engine: AsyncEngine;
  /** Reference to the sync-style `Engine` this `AsyncConnection` is associated with via its underlying `Connection`. */
  readonly sync_engine: Engine;
  private _sync: Connection | null = null;
  private readonly _addr = (addr += 0x1f0).toString(16);

  constructor(engine: AsyncEngine, sync_connection?: Connection) {
    this.engine = engine;
    this.sync_engine = engine.sync_engine;
    this._sync = sync_connection ?? null;
  }

  /** Checks out a pooled connection (awaiting a free one if the pool is exhausted). */
  async start(): Promise<this> {
    if (this._sync) throw new InvalidRequestError("connection is already started");
    let fairy: Awaited<ReturnType<Engine["pool"]["connect_async"]>>;
    try {
      fairy = await this.sync_engine.pool.connect_async();
    } catch (err) {
      throw Connection._handle_dbapi_exception_noconnection(err, this.sync_engine);
    }
    this._sync = new Connection(this.sync_engine, fairy);
    return this;
  }

  /** Reference to the sync-style `Connection` this `AsyncConnection` proxies requests towards. */
  get sync_connection(): Connection {
    if (!this._sync) {
      throw new ResourceClosedError("This connection has not been started, or has been closed.");
    }
    return this._sync;
  }

  /** Return True if this connection is closed. */
  get closed(): boolean {
    return !this._sync || this._sync.closed;
  }

  /** Proxy for the `Connection.dialect` attribute on behalf of the `AsyncConnection` class. */
  get dialect() {
    return this.sync_engine.dialect;
  }

  /** Return True if a transaction is in progress. */
  in_transaction(): boolean {
    return this.sync_connection.in_transaction();
  }
  /** Return True if a transaction is in progress. */
  in_nested_transaction(): boolean {
    return this.sync_connection.in_nested_transaction();
  }

  /** Executes a SQL statement construct and return a buffered `Result`. */
  async execute(
    statement: unknown,
    parameters?: Parameters | null,
    execution_options?: ExecutionOptions,
  ): Promise<CursorResult> {
    const sync = this.sync_connection;
    return runWithTurn(sync, describeStatement(statement), () =>
      sync.execute(statement, parameters, execution_options),
    );
  }

  /** Executes a driver-level SQL string and return buffered `Result`. */
  async exec_driver_sql(
    statement: string,
    parameters?: unknown,
    execution_options?: ExecutionOptions,
  ): Promise<CursorResult> {
    const sync = this.sync_connection;
    return runWithTurn(sync, statement, () => sync.exec_driver_sql(statement, parameters, execution_options));
  }

  /** Executes a SQL statement construct and returns a scalar object. */
  async scalar(
    statement: unknown,
    parameters?: Parameters | null,
    execution_options?: ExecutionOptions,
  ): Promise<unknown> {
    return (await this.execute(statement, parameters, execution_options)).scalar();
  }

  /** Executes a SQL statement construct and returns a scalar objects. */
  async scalars(statement: unknown, parameters?: Parameters | null, execution_options?: ExecutionOptions) {
    return (await this.execute(statement, parameters, execution_options)).scalars();
  }

  /** A server-side-style streaming result: AsyncResult. */
  async stream(
    statement: unknown,
    parameters?: Parameters | null,
    execution_options?: ExecutionOptions,
  ): Promise<AsyncResult> {
    const result = await this.execute(statement, parameters, {
      ...(execution_options ?? {}),
      stream_results: true,
    });
    return new AsyncResult(result);
  }

  /** Execute a statement and return an awaitable yielding a `AsyncScalarResult` object. */
  async stream_scalars(
    statement: unknown,
    parameters?: Parameters | null,
    execution_options?: ExecutionOptions,
  ) {
    return (await this.stream(statement, parameters, execution_options)).scalars();
  }

  /** `async with conn.begin():` — an async callback, committed when it resolves, rolled back if it rejects. */
  begin(): Promise<AsyncTransaction>;
  begin<T>(callback: (conn: AsyncConnection) => Promise<T> | T): Promise<T>;
  async begin<T>(callback?: (conn: AsyncConnection) => Promise<T> | T): Promise<AsyncTransaction | T> {
    const sync = this.sync_connection;
    const trans = new AsyncTransaction(
      this,
      greenlet_spawn(() => sync.begin()),
    );
    if (!callback) return trans;
    return trans._run(() => callback(this));
  }

  /** Begin a nested transaction and return a transaction handle. */
  begin_nested(): Promise<AsyncTransaction>;
  begin_nested<T>(callback: (conn: AsyncConnection) => Promise<T> | T): Promise<T>;
  async begin_nested<T>(callback?: (conn: AsyncConnection) => Promise<T> | T): Promise<AsyncTransaction | T> {
    const sync = this.sync_connection;
    const nested = await runWithTurn(sync, "SAVEPOINT", () => sync.begin_nested());
    const trans = new AsyncTransaction(this, nested);
    if (!callback) return trans;
    return trans._run(() => callback(this));
  }

  /** Commit the transaction that is currently in progress. */
  async commit(): Promise<void> {
    const sync = this.sync_connection;
    greenlet_spawn(() => sync.commit());
  }

  /** Roll back the transaction that is currently in progress. */
  async rollback(): Promise<void> {
    const sync = this.sync_connection;
    greenlet_spawn(() => sync.rollback());
  }

  /** Close this `AsyncConnection`. */
  async close(): Promise<void> {
    const sync = this._sync;
    if (sync) greenlet_spawn(() => sync.close());
  }

  /** Invalidate the underlying DBAPI connection associated with this `Connection`. */
  async invalidate(): Promise<void> {
    const sync = this.sync_connection;
    greenlet_spawn(() => sync.invalidate());
  }

  /** Runs a sync function with the sync Connection (SQLAlchemy's run_sync). */
  async run_sync<T, A extends unknown[]>(fn: (conn: Connection, ...args: A) => T, ...args: A): Promise<T> {
    const sync = this.sync_connection;
    return runWithTurn(sync, "", () => fn(sync, ...args));
  }

  /** Return the pooled DBAPI-level connection in use by this `AsyncConnection`. */
  async get_raw_connection() {
    return this.sync_connection.connection;
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }

  _listen_event(): never {
    throw new InvalidRequestError(
      "asynchronous events are not implemented at this time.  Apply synchronous listeners to the AsyncEngine.sync_engine or AsyncConnection.sync_connection attributes.",
    );
  }

  __repr__(): string {
    return `<sqlalchemy.ext.asyncio.engine.AsyncConnection object at 0x${this._addr}>`;
  }
}

export class AsyncTransaction {
  /** The `AsyncConnection` this `AsyncTransaction` belongs to. */
  readonly connection: AsyncConnection;
  /** Reference to the sync-style `Transaction` this `AsyncTransaction` proxies requests towards. */
  readonly sync_transaction: RootTransaction | NestedTransaction;
  constructor(connection: AsyncConnection, sync_transaction: RootTransaction | NestedTransaction) {
    this.connection = connection;
    this.sync_transaction = sync_transaction;
  }
  /** True if this `AsyncTransaction` is in progress: not yet committed, rolled back or closed. */
  get is_active(): boolean {
    return this.sync_transaction.is_active;
  }
  /** Commit this `AsyncTransaction`. */
  async commit(): Promise<void> {
    greenlet_spawn(() => this.sync_transaction.commit());
  }
  /** Roll back this `AsyncTransaction`. */
  async rollback(): Promise<void> {
    greenlet_spawn(() => this.sync_transaction.rollback());
  }
  /** Close this `AsyncTransaction`. */
  async close(): Promise<void> {
    greenlet_spawn(() => this.sync_transaction.close());
  }
  async _run<T>(body: () => Promise<T> | T): Promise<T> {
    let result: T;
    try {
      result = await body();
    } catch (err) {
      if (this.sync_transaction.is_active) greenlet_spawn(() => this.sync_transaction.rollback());
      throw err;
    }
    if (this.sync_transaction.is_active) greenlet_spawn(() => this.sync_transaction.commit());
    return result;
  }
}

export class AsyncEngine {
  /** Reference to the sync-style `Engine` this `AsyncEngine` proxies requests towards. */
  readonly sync_engine: Engine;
  private readonly _addr = (addr += 0x2a0).toString(16);

  constructor(sync_engine: Engine) {
    if (!sync_engine.dialect.is_async) {
      throw new InvalidRequestError(
        `The asyncio extension requires an async driver to be used. The loaded '${sync_engine.dialect.driver}' is not async.`,
      );
    }
    this.sync_engine = sync_engine;
  }

  /** Proxy for the `Engine.url` attribute on behalf of the `AsyncEngine` class. */
  get url(): URL {
    return this.sync_engine.url;
  }
  /** Proxy for the `Engine.dialect` attribute on behalf of the `AsyncEngine` class. */
  get dialect() {
    return this.sync_engine.dialect;
  }
  /** Proxy for the `Engine.pool` attribute on behalf of the `AsyncEngine` class. */
  get pool() {
    return this.sync_engine.pool;
  }
  /** String name of the `Dialect` in use by this `Engine`. */
  get name(): string {
    return this.sync_engine.name;
  }
  /** Driver name of the `Dialect` in use by this `Engine`. */
  get driver(): string {
    return this.sync_engine.driver;
  }
  /** When `True`, enable log output for this element. */
  get echo() {
    return this.sync_engine.echo;
  }
  set echo(v) {
    this.sync_engine.echo = v;
  }

  /** `async with engine.connect() as conn:` → `await using conn = await engine.connect();` */
  async connect(): Promise<AsyncConnection> {
    return new AsyncConnection(this).start();
  }

  /** `async with engine.begin() as conn:` → `await engine.begin(async (conn) => { … })`. */
  begin(): Promise<AsyncConnection>;
  begin<T>(callback: (conn: AsyncConnection) => Promise<T> | T): Promise<T>;
  async begin<T>(callback?: (conn: AsyncConnection) => Promise<T> | T): Promise<AsyncConnection | T> {
    const conn = await this.connect();
    if (!callback) {
      await conn.begin();
      return conn;
    }
    try {
      return await conn.begin(callback);
    } finally {
      await conn.close();
    }
  }

  /** Dispose of the connection pool used by this `AsyncEngine`. */
  async dispose(close = true): Promise<void> {
    greenlet_spawn(() => this.sync_engine.dispose(close));
  }

  /** Return a new `AsyncEngine` that will provide `AsyncConnection` objects with the given execution options. */
  execution_options(options: Record<string, unknown>): AsyncEngine {
    return new AsyncEngine(this.sync_engine.execution_options(options));
  }

  /** Return a "raw" DBAPI connection from the connection pool. */
  async raw_connection() {
    return this.sync_engine.pool.connect_async();
  }

  _listen_event(_identifier: string, _fn: Listener): never {
    throw new InvalidRequestError(
      "asynchronous events are not implemented at this time.  Apply synchronous listeners to the AsyncEngine.sync_engine or AsyncConnection.sync_connection attributes.",
    );
  }

  __repr__(): string {
    return `<sqlalchemy.ext.asyncio.engine.AsyncEngine object at 0x${this._addr}>`;
  }
}

/** `create_async_engine(url, { echo, pool_size, … })`. */
export function create_async_engine(url: string | URL, options: CreateEngineOptions = {}): AsyncEngine {
  return new AsyncEngine(create_engine(url, { ...options, _requires_async: true }));
}

export function async_engine_from_config(
  configuration: Record<string, unknown>,
  prefix = "sqlalchemy.",
): AsyncEngine {
  const opts: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(configuration))
    if (k.startsWith(prefix)) opts[k.slice(prefix.length)] = v;
  const url = opts.url as string;
  delete opts.url;
  return create_async_engine(url, opts);
}

defineModule("sqlalchemy.ext.asyncio.engine", AsyncEngine, AsyncConnection, AsyncTransaction);
