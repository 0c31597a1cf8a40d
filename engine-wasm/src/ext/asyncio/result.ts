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
  async all(): Promise<T[]> {
    return this._sync.all();
  }
  async first(): Promise<T | null> {
    return this._sync.first();
  }
  async one(): Promise<T> {
    return this._sync.one();
  }
  async one_or_none(): Promise<T | null> {
    return this._sync.one_or_none();
  }
  async fetchmany(size?: number): Promise<T[]> {
    return this._sync.fetchmany(size);
  }
  async fetchall(): Promise<T[]> {
    return this._sync.fetchall();
  }
  async *partitions(size = 100): AsyncGenerator<T[]> {
    while (true) {
      const part = this._sync.fetchmany(size);
      if (!part.length) return;
      yield part;
    }
  }
  async close(): Promise<void> {
    this._sync.close();
  }
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
  keys() {
    return this._real_result.keys();
  }
  async fetchone(): Promise<Row | null> {
    return this._real_result.fetchone();
  }
  async scalar(): Promise<unknown> {
    return this._real_result.scalar();
  }
  async scalar_one(): Promise<unknown> {
    return this._real_result.scalar_one();
  }
  async scalar_one_or_none(): Promise<unknown> {
    return this._real_result.scalar_one_or_none();
  }
  scalars(index: unknown = 0): AsyncScalarResult {
    return new AsyncScalarResult(this._real_result.scalars(index));
  }
  mappings(): AsyncMappingResult {
    return new AsyncMappingResult(this._real_result.mappings());
  }
  unique(strategy?: (row: Row) => unknown): this {
    this._real_result.unique(strategy);
    return this;
  }
  columns(...keys: unknown[]): AsyncResult {
    return new AsyncResult(this._real_result.columns(...keys));
  }
}

export class AsyncScalarResult extends AsyncCommon<unknown> {
  constructor(result: ScalarResult) {
    super(result);
  }
  unique(strategy?: (v: unknown) => unknown): this {
    (this._sync as unknown as ScalarResult).unique(strategy);
    return this;
  }
}

export class AsyncMappingResult extends AsyncCommon<RowMapping> {
  constructor(result: MappingResult) {
    super(result);
  }
  keys() {
    return (this._sync as unknown as MappingResult).keys();
  }
  async fetchone(): Promise<RowMapping | null> {
    return (this._sync as unknown as MappingResult).fetchone();
  }
}

defineModule("sqlalchemy.ext.asyncio.result", AsyncResult, AsyncScalarResult, AsyncMappingResult);
