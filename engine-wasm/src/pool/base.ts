/**
 * `sqlalchemy.pool.base`: Pool, the connection record and the checked-out proxy ("fairy").
 * The pool knows no engine: it creates DBAPI connections through a `creator` and tells listeners
 * (the engine's first-connect hook, the learner's `event.listen(pool, ...)`) through events.
 */
import type { DBAPIConnection } from "../engine/interfaces.ts";
import { _stored } from "../event.ts";
import { type EchoFlag, InstanceLogger } from "../util/log.ts";
import { defineModule } from "../util/repr.ts";

export type ResetOnReturn = "rollback" | "commit" | null;

export interface PoolDialect {
  do_rollback(dbapi_connection: DBAPIConnection): void;
  do_commit(dbapi_connection: DBAPIConnection): void;
  do_close(dbapi_connection: DBAPIConnection): void;
}

const defaultPoolDialect: PoolDialect = {
  do_rollback: (c) => c.rollback(),
  do_commit: (c) => c.commit(),
  do_close: (c) => c.close(),
};

export type PoolEventName = "connect" | "first_connect" | "checkout" | "checkin" | "reset" | "close";
type PoolListener = (
  dbapi_connection: DBAPIConnection,
  record: ConnectionRecord,
  proxy?: PoolProxiedConnection,
) => void;

export interface PoolOptions {
  recycle?: number;
  echo?: EchoFlag;
  logging_name?: string | null;
  reset_on_return?: ResetOnReturn | boolean;
  pre_ping?: boolean;
  dialect?: PoolDialect;
  timeout?: number;
}

let nextPoolId = 0x7f0000000000 + Math.floor(Math.random() * 0xffffff) * 16;

export abstract class Pool {
  protected _creator: () => DBAPIConnection;
  _recycle: number;
  _reset_on_return: ResetOnReturn;
  _dialect: PoolDialect;
  _pre_ping: boolean;
  readonly logger: InstanceLogger;
  /** Python's id(pool), shown in SingletonThreadPool's status(). */
  readonly _id: number;
  protected _listeners: Map<PoolEventName, PoolListener[]> = new Map();
  protected _options: PoolOptions;

  constructor(creator: () => DBAPIConnection, options: PoolOptions = {}) {
    this._creator = creator;
    this._options = options;
    this._recycle = options.recycle ?? -1;
    const r = options.reset_on_return ?? "rollback";
    this._reset_on_return = r === true ? "rollback" : r === false ? null : r;
    this._dialect = options.dialect ?? defaultPoolDialect;
    this._pre_ping = options.pre_ping ?? false;
    this.logger = new InstanceLogger(`sqlalchemy.pool.impl.${new.target.name}`, options.echo);
    this._id = nextPoolId;
    nextPoolId += 0x1a0;
  }

  get echo(): EchoFlag {
    return this.logger.echo;
  }
  set echo(value: EchoFlag) {
    this.logger.echo = value;
  }

  /** Registers a pool event listener (what `event.listen(pool, name, fn)` does). */
  _listen(name: PoolEventName, fn: PoolListener, once = false): void {
    const list = this._listeners.get(name) ?? [];
    if (once) {
      let fired = false;
      const wrapped: PoolListener = (...args) => {
        if (fired) return;
        fn(...args);
        fired = true;
      };
      (wrapped as { _orig?: PoolListener })._orig = fn;
      list.push(wrapped);
    } else list.push(fn);
    this._listeners.set(name, list);
    const stored = list.at(-1)!;
    // event.remove(engine, "connect", fn) takes it out again
    _stored(stored as never, () => {
      const l = this._listeners.get(name);
      const i = l ? l.indexOf(stored) : -1;
      if (i >= 0) l!.splice(i, 1);
    });
  }

  _dispatch(
    name: PoolEventName,
    dbapi: DBAPIConnection,
    record: ConnectionRecord,
    arg?: PoolProxiedConnection | PoolResetState,
  ): void {
    const list = this._listeners.get(name);
    if (list) for (const fn of list) fn(dbapi, record, arg as never);
  }

  /** Copies listeners onto a recreated pool (Pool._dispatch_for_recreate). */
  protected _copyListenersTo(other: Pool): void {
    for (const [k, v] of this._listeners) other._listeners.set(k, [...v]);
  }

  _create_connection(): ConnectionRecord {
    return new ConnectionRecord(this);
  }

  _invoke_creator(): DBAPIConnection {
    return this._creator();
  }

  /** Checks out a connection (sync; may block up to the pool timeout). */
  connect(): PoolProxiedConnection {
    const record = this._do_get();
    return this._checkout(record);
  }

  /** Async checkout: waits without blocking the thread (AsyncAdaptedQueuePool semantics). */
  async connect_async(): Promise<PoolProxiedConnection> {
    const record = await this._do_get_async();
    return this._checkout(record);
  }

  protected _checkout(record: ConnectionRecord): PoolProxiedConnection {
    let dbapi: DBAPIConnection;
    try {
      dbapi = record.get_connection();
    } catch (err) {
      this._do_return_conn(record, true);
      throw err;
    }
    const fairy = new PoolProxiedConnection(this, record, dbapi);
    record.fairy = fairy;
    if (this.logger.isDebug) this.logger.debug(`Connection ${record.repr()} checked out from pool`, "pool");
    this._dispatch("checkout", dbapi, record, fairy);
    return fairy;
  }

  /** Called by the fairy when it is closed / returned. */
  _return_conn(record: ConnectionRecord): void {
    this._do_return_conn(record, false);
  }

  protected async _do_get_async(): Promise<ConnectionRecord> {
    return this._do_get();
  }

  protected abstract _do_get(): ConnectionRecord;
  protected abstract _do_return_conn(record: ConnectionRecord, failed: boolean): void;
  abstract status(): string;
  abstract dispose(): void;
  abstract recreate(): Pool;
}

/** One DBAPI connection slot of the pool (`_ConnectionRecord`). */
export class ConnectionRecord {
  readonly pool: Pool;
  dbapi_connection: DBAPIConnection | null = null;
  fairy: PoolProxiedConnection | null = null;
  starttime = 0;
  /** `connection_record.info`: per-connection scratch space. */
  readonly info: Record<string, unknown> = {};
  private _firstConnectDone = false;

  constructor(pool: Pool, connect = true) {
    this.pool = pool;
    if (connect) this._connect();
  }

  private _connect(): void {
    const dbapi = this.pool._invoke_creator();
    this.dbapi_connection = dbapi;
    this.starttime = Date.now();
    if (this.pool.logger.isDebug) this.pool.logger.debug(`Created new connection ${this.repr()}`, "pool");
    if (!this._firstConnectDone) {
      this._firstConnectDone = true;
      this.pool._dispatch("first_connect", dbapi, this);
    }
    this.pool._dispatch("connect", dbapi, this);
  }

  get_connection(): DBAPIConnection {
    if (this.dbapi_connection === null) this._connect();
    return this.dbapi_connection!;
  }

  repr(): string {
    return this.dbapi_connection ? describeDbapi(this.dbapi_connection) : "<closed>";
  }

  close(): void {
    if (this.dbapi_connection) {
      if (this.pool.logger.isDebug) this.pool.logger.debug(`Closing connection ${this.repr()}`, "pool");
      this.pool._dispatch("close", this.dbapi_connection, this);
      try {
        this.pool._dialect.do_close(this.dbapi_connection);
      } finally {
        this.dbapi_connection = null;
      }
    }
  }

  invalidate(): void {
    this.close();
  }
}

function describeDbapi(c: DBAPIConnection): string {
  const r = (c as { __repr__?: () => string }).__repr__;
  return r ? r.call(c) : "<DBAPI connection>";
}

/**
 * A checked-out DBAPI connection (SQLAlchemy's `_ConnectionFairy`, typed `PoolProxiedConnection`).
 * `close()` returns it to the pool after the reset-on-return (rollback).
 */
export class PoolProxiedConnection {
  readonly _pool: Pool;
  _connection_record: ConnectionRecord | null;
  dbapi_connection: DBAPIConnection | null;
  /** Set by the engine when its Connection already rolled back / committed the transaction. */
  _transaction_was_reset = false;

  constructor(pool: Pool, record: ConnectionRecord, dbapi: DBAPIConnection) {
    this._pool = pool;
    this._connection_record = record;
    this.dbapi_connection = dbapi;
  }

  get driver_connection(): DBAPIConnection | null {
    return this.dbapi_connection;
  }

  get is_valid(): boolean {
    return this.dbapi_connection !== null;
  }

  get info(): Record<string, unknown> {
    return this._connection_record?.info ?? {};
  }

  cursor() {
    return this.dbapi_connection!.cursor();
  }
  commit(): void {
    this.dbapi_connection!.commit();
  }
  rollback(): void {
    this.dbapi_connection!.rollback();
  }

  invalidate(): void {
    const record = this._connection_record;
    if (record) record.invalidate();
    this.dbapi_connection = null;
  }

  /**
   * Returns the connection to the pool (SQLAlchemy's `_finalize_fairy`): "being returned to pool",
   * the `reset` event, the reset itself, then the `checkin` event. A Connection that has just ended
   * its transaction says so (`_transaction_was_reset`) and the rollback is not repeated.
   */
  close(): void {
    const record = this._connection_record;
    if (!record) return;
    const dbapi = this.dbapi_connection;
    const pool = this._pool;
    if (dbapi) {
      if (pool.logger.isDebug)
        pool.logger.debug(`Connection ${record.repr()} being returned to pool`, "pool");
      try {
        this._reset(pool, dbapi, record);
      } catch (err) {
        if (pool.logger.isInfo)
          pool.logger.log("ERROR", `Exception during reset or similar: ${String(err)}`, "pool");
        record.invalidate();
      }
    }
    this._connection_record = null;
    this.dbapi_connection = null;
    if (dbapi) pool._dispatch("checkin", dbapi, record);
    record.fairy = null;
    pool._return_conn(record);
  }

  /** SQLAlchemy's `_ConnectionFairy._reset`: the pool's reset-on-return, as `reset_on_return` says. */
  private _reset(pool: Pool, dbapi: DBAPIConnection, record: ConnectionRecord): void {
    const transaction_was_reset = this._transaction_was_reset;
    pool._dispatch("reset", dbapi, record, new PoolResetState(transaction_was_reset, false, true));
    const debug = pool.logger.isDebug;
    if (pool._reset_on_return === "rollback") {
      if (transaction_was_reset) {
        if (debug) pool.logger.debug(`Connection ${record.repr()} reset, transaction already reset`, "pool");
      } else {
        if (debug) pool.logger.debug(`Connection ${record.repr()} rollback-on-return`, "pool");
        pool._dialect.do_rollback(dbapi);
      }
    } else if (pool._reset_on_return === "commit") {
      if (debug) pool.logger.debug(`Connection ${record.repr()} commit-on-return`, "pool");
      pool._dialect.do_commit(dbapi);
    }
  }
}

/** What the `reset` event is told about a connection being reset on its return (SQLAlchemy's PoolResetState). */
export class PoolResetState {
  readonly transaction_was_reset: boolean;
  readonly terminate_only: boolean;
  readonly asyncio_safe: boolean;
  constructor(transaction_was_reset: boolean, terminate_only: boolean, asyncio_safe: boolean) {
    this.transaction_was_reset = transaction_was_reset;
    this.terminate_only = terminate_only;
    this.asyncio_safe = asyncio_safe;
  }
}

defineModule("sqlalchemy.pool.base", Pool, PoolProxiedConnection, ConnectionRecord, PoolResetState);
