/**
 * `sqlalchemy.ext.asyncio.result`: AsyncResult, AsyncScalarResult, AsyncMappingResult — awaitable
 * views over a sync Result (what `AsyncConnection.stream()` returns).
 */
import type { MappingResult, Result, ScalarResult } from "../../engine/result.ts";
import type { Row, RowMapping } from "../../engine/row.ts";
import { defineModule } from "../../util/repr.ts";

type SyncLike<T> = {
  all(): T[];
  first(): T | null;
  one(): T;
  one_or_none(): T | null;
  fetchmany(size?: number): T[];
  fetchall(): T[];
  close(): void;
  readonly closed: boolean;
  [Symbol.iterator](): Iterator<T>;
};

abstract class AsyncCommon<T> {
  protected readonly _sync: SyncLike<T>;
  constructor(sync: SyncLike<T>) {
    this._sync = sync;
  }
  /** Return all rows in a list. */
  async all(): Promise<T[]> {
    return this._sync.all();
  }
  /** Fetch the first row or `None` if no row is present. */
  async first(): Promise<T | null> {
    return this._sync.first();
  }
  /** Return exactly one row or raise an exception. */
  async one(): Promise<T> {
    return this._sync.one();
  }
  /** Return at most one result or raise an exception. */
  async one_or_none(): Promise<T | null> {
    return this._sync.one_or_none();
  }
  /** Fetch many rows. */
  async fetchmany(size?: number): Promise<T[]> {
    return this._sync.fetchmany(size);
  }
  /** A synonym for the `AsyncResult.all()` method. */
  async fetchall(): Promise<T[]> {
    return this._sync.fetchall();
  }
  /** Iterate through sub-lists of rows of the size given. */
  async *partitions(size = 100): AsyncGenerator<T[]> {
    while (true) {
      const part = this._sync.fetchmany(size);
      if (!part.length) return;
      yield part;
    }
  }
  /** Close this result. */
  async close(): Promise<void> {
    this._sync.close();
  }
  /** proxies the .closed attribute of the underlying result object, if any, else raises `AttributeError`. */
  get closed(): boolean {
    return this._sync.closed;
  }
  [Symbol.asyncIterator](): AsyncIterator<T> {
    const it = this._sync[Symbol.iterator]();
    return { next: async () => it.next() };
  }
}

export class AsyncResult extends AsyncCommon<Row> {
  constructor(result: Result) {
    super(result);
  }
  get _real_result(): Result {
    return this._sync as unknown as Result;
  }
  /** Return an iterable view which yields the string keys that would be represented by each `Row`. */
  keys() {
    return this._real_result.keys();
  }
  /** Fetch one row. */
  async fetchone(): Promise<Row | null> {
    return this._real_result.fetchone();
  }
  /** Fetch the first column of the first row, and close the result set. */
  async scalar(): Promise<unknown> {
    return this._real_result.scalar();
  }
  /** Return exactly one scalar result or raise an exception. */
  async scalar_one(): Promise<unknown> {
    return this._real_result.scalar_one();
  }
  /** Return exactly one scalar result or `None`. */
  async scalar_one_or_none(): Promise<unknown> {
    return this._real_result.scalar_one_or_none();
  }
  /** Return an `AsyncScalarResult` filtering object which will return single elements rather than `Row` objects. */
  scalars(index: unknown = 0): AsyncScalarResult {
    return new AsyncScalarResult(this._real_result.scalars(index));
  }
  /** Apply a mappings filter to returned rows, returning an instance of `AsyncMappingResult`. */
  mappings(): AsyncMappingResult {
    return new AsyncMappingResult(this._real_result.mappings());
  }
  /** Apply unique filtering to the objects returned by this `AsyncResult`. */
  unique(strategy?: (row: Row) => unknown): this {
    this._real_result.unique(strategy);
    return this;
  }
  /** Establish the columns that should be returned in each row. */
  columns(...keys: unknown[]): AsyncResult {
    return new AsyncResult(this._real_result.columns(...keys));
  }
}

export class AsyncScalarResult extends AsyncCommon<unknown> {
  constructor(result: ScalarResult) {
    super(result);
  }
  /** Apply unique filtering to the objects returned by this `AsyncScalarResult`. */
  unique(strategy?: (v: unknown) => unknown): this {
    (this._sync as unknown as ScalarResult).unique(strategy);
    return this;
  }
}

export class AsyncMappingResult extends AsyncCommon<RowMapping> {
  constructor(result: MappingResult) {
    super(result);
  }
  /** Return an iterable view which yields the string keys that would be represented by each `Row`. */
  keys() {
    return (this._sync as unknown as MappingResult).keys();
  }
  /** Fetch one object. */
  async fetchone(): Promise<RowMapping | null> {
    return (this._sync as unknown as MappingResult).fetchone();
  }
}

defineModule("sqlalchemy.ext.asyncio.result", AsyncResult, AsyncScalarResult, AsyncMappingResult);
