/**
 * `sqlalchemy.pool.impl`: QueuePool (and its async twin), SingletonThreadPool, StaticPool, NullPool.
 */

import type { DBAPIConnection } from "../engine/interfaces.ts";
import { TimeoutError } from "../exc.ts";
import { formatF } from "../util/pyformat.ts";
import { defineModule } from "../util/repr.ts";
import { sleepSync } from "../util/sleep.ts";
import { type ConnectionRecord, Pool, type PoolOptions } from "./base.ts";

export interface QueuePoolOptions extends PoolOptions {
  pool_size?: number;
  max_overflow?: number;
  timeout?: number;
  use_lifo?: boolean;
}

export class QueuePool extends Pool {
  protected _queue: ConnectionRecord[] = [];
  readonly _pool_size: number;
  _max_overflow: number;
  _overflow: number;
  _timeout: number;
  readonly _use_lifo: boolean;
  /** Async waiters (AsyncAdaptedQueuePool): resolved when a connection comes back. */
  protected _waiters: Array<() => void> = [];

  constructor(creator: () => DBAPIConnection, options: QueuePoolOptions = {}) {
    super(creator, options);
    this._pool_size = options.pool_size ?? 5;
    this._max_overflow = this._pool_size === 0 ? -1 : (options.max_overflow ?? 10);
    this._overflow = 0 - this._pool_size;
    this._timeout = options.timeout ?? 30.0;
    this._use_lifo = options.use_lifo ?? false;
  }

  private _take(): ConnectionRecord | undefined {
    return this._use_lifo ? this._queue.pop() : this._queue.shift();
  }

  protected _timeoutError(): TimeoutError {
    return new TimeoutError(
      `QueuePool limit of size ${this.size()} overflow ${this.overflow()} reached, connection timed out, timeout ${formatF(this._timeout, 2)}`,
    );
  }

  protected _do_get(): ConnectionRecord {
    const use_overflow = this._max_overflow > -1;
    const wait = use_overflow && this._overflow >= this._max_overflow;
    const got = this._take();
    if (got) return got;
    if (wait) {
      // Nothing in this thread can give a connection back while we wait: block for the timeout,
      // exactly as Python's Queue.get(timeout=...) does in a single thread.
      sleepSync(this._timeout * 1000);
      const late = this._take();
      if (late) return late;
      throw this._timeoutError();
    }
    if (use_overflow && this._overflow >= this._max_overflow) return this._do_get();
    this._overflow += 1;
    try {
      return this._create_connection();
    } catch (err) {
      this._overflow -= 1;
      throw err;
    }
  }

  protected override async _do_get_async(): Promise<ConnectionRecord> {
    const use_overflow = this._max_overflow > -1;
    const got = this._take();
    if (got) return got;
    if (use_overflow && this._overflow >= this._max_overflow) {
      const deadline = performance.now() + this._timeout * 1000;
      while (true) {
        const remaining = deadline - performance.now();
        if (remaining <= 0) throw this._timeoutError();
        await new Promise<void>((resolve) => {
          const timer = setTimeout(() => {
            this._waiters = this._waiters.filter((w) => w !== wake);
            resolve();
          }, remaining);
          const wake = () => {
            clearTimeout(timer);
            resolve();
          };
          this._waiters.push(wake);
        });
        const r = this._take();
        if (r) return r;
        if (this._overflow < this._max_overflow) break;
      }
    }
    this._overflow += 1;
    try {
      return this._create_connection();
    } catch (err) {
      this._overflow -= 1;
      throw err;
    }
  }

  protected _do_return_conn(record: ConnectionRecord, failed: boolean): void {
    if (failed || this._queue.length >= this._pool_size) {
      try {
        record.close();
      } finally {
        this._overflow -= 1;
      }
    } else {
      this._queue.push(record);
    }
    const w = this._waiters.shift();
    if (w) w();
  }

  dispose(): void {
    for (const record of this._queue.splice(0)) record.close();
    this._overflow = 0 - this.size();
    this.logger.info(`Pool disposed. ${this.status()}`, "pool");
  }

  recreate(): QueuePool {
    this.logger.info("Pool recreating", "pool");
    const Cls = this.constructor as new (c: () => DBAPIConnection, o: QueuePoolOptions) => QueuePool;
    const pool = new Cls(this._creator, {
      ...this._options,
      pool_size: this._pool_size,
      max_overflow: this._max_overflow,
      timeout: this._timeout,
      use_lifo: this._use_lifo,
      echo: this.echo,
    });
    this._copyListenersTo(pool);
    return pool;
  }

  status(): string {
    return `Pool size: ${this.size()}  Connections in pool: ${this.checkedin()} Current Overflow: ${this.overflow()} Current Checked out connections: ${this.checkedout()}`;
  }

  size(): number {
    return this._pool_size;
  }
  timeout(): number {
    return this._timeout;
  }
  checkedin(): number {
    return this._queue.length;
  }
  overflow(): number {
    return this._max_overflow > -1 ? this._overflow : 0;
  }
  checkedout(): number {
    return this._pool_size - this._queue.length + this._overflow;
  }
}

/** The pool of an async engine: waiting for a connection does not block the event loop. */
export class AsyncAdaptedQueuePool extends QueuePool {}

/** One connection per thread; `sqlite://` (memory) uses it. Here there is one thread. */
export class SingletonThreadPool extends Pool {
  readonly size_: number;
  private _conn: ConnectionRecord | null = null;
  private _all: Set<ConnectionRecord> = new Set();

  constructor(creator: () => DBAPIConnection, options: PoolOptions & { pool_size?: number } = {}) {
    super(creator, options);
    this.size_ = options.pool_size ?? 5;
  }

  protected _do_get(): ConnectionRecord {
    if (this._conn) return this._conn;
    const record = this._create_connection();
    this._conn = record;
    this._all.add(record);
    return record;
  }

  protected override _checkout(record: ConnectionRecord) {
    // Checking out again in the same thread hands out the same DBAPI connection.
    return super._checkout(record);
  }

  protected _do_return_conn(record: ConnectionRecord, failed: boolean): void {
    if (failed) {
      this._all.delete(record);
      if (this._conn === record) this._conn = null;
      record.close();
    }
  }

  dispose(): void {
    for (const r of this._all) r.close();
    this._all.clear();
    this._conn = null;
  }

  recreate(): SingletonThreadPool {
    const pool = new SingletonThreadPool(this._creator, {
      ...this._options,
      pool_size: this.size_,
      echo: this.echo,
    });
    this._copyListenersTo(pool);
    return pool;
  }

  status(): string {
    return `SingletonThreadPool id:${this._id} size: ${this._all.size}`;
  }
}

/** Exactly one connection, shared by every checkout (aiosqlite memory databases). */
export class StaticPool extends Pool {
  private _record: ConnectionRecord | null = null;

  protected _do_get(): ConnectionRecord {
    if (!this._record) this._record = this._create_connection();
    return this._record;
  }
  protected _do_return_conn(record: ConnectionRecord, failed: boolean): void {
    if (failed) {
      record.close();
      this._record = null;
    }
  }
  dispose(): void {
    this._record?.close();
    this._record = null;
  }
  recreate(): StaticPool {
    const pool = new StaticPool(this._creator, { ...this._options, echo: this.echo });
    this._copyListenersTo(pool);
    return pool;
  }
  status(): string {
    return "StaticPool";
  }
}

/** No pooling: every checkout opens a connection, every return closes it. */
export class NullPool extends Pool {
  protected _do_get(): ConnectionRecord {
    return this._create_connection();
  }
  protected _do_return_conn(record: ConnectionRecord): void {
    record.close();
  }
  dispose(): void {}
  recreate(): NullPool {
    const pool = new NullPool(this._creator, { ...this._options, echo: this.echo });
    this._copyListenersTo(pool);
    return pool;
  }
  status(): string {
    return "NullPool";
  }
}

defineModule(
  "sqlalchemy.pool.impl",
  QueuePool,
  AsyncAdaptedQueuePool,
  SingletonThreadPool,
  StaticPool,
  NullPool,
);
