/**
 * `sqlalchemy.engine.result`: Result, ScalarResult, MappingResult, IteratorResult.
 * A Result knows no cursor: it reads raw rows from a `RowSource` (CursorResult gives it the cursor;
 * the ORM gives it rows of objects).
 *
 * SQLAlchemy's consumed / closed rules: `all()` / `fetchall()` exhaust the rows (the result "soft
 * closes" and further fetches return nothing); `first()`, `one()`, `one_or_none()`, `scalar()`,
 * `scalar_one()`… close it hard (further fetches raise ResourceClosedError).
 */
import { MultipleResultsFound, NoResultFound, NoSuchColumnError, ResourceClosedError } from "../exc.ts";
import { type PyTuple, tuple } from "../util/pytypes.ts";
import { defineModule, objectAddress, repr } from "../util/repr.ts";
import type { ResultProcessor } from "./interfaces.ts";
import { makeMapping, makeRowClass, type Row, type RowMapping, type RowParent } from "./row.ts";

/** Where a Result takes its raw rows from. */
export interface RowSource {
  fetchone(): unknown[] | null;
  fetchmany(size: number): unknown[][];
  fetchall(): unknown[][];
  /** Release the underlying cursor (hard: nothing more can be fetched). */
  close(hard: boolean): void;
}

/** Column keys of a result, with lookup by name or by column object. */
export class ResultMetaData implements RowParent {
  readonly keys: readonly string[];
  readonly _keymap: Map<unknown, number>;
  readonly _processors: readonly (ResultProcessor | null)[] | null;
  /** Extra per-column info the ORM reads (the column objects of the statement). */
  readonly _objects: readonly (readonly unknown[])[];
  private _rowClass: (new (data: unknown[]) => Row) | null = null;

  constructor(
    keys: readonly string[],
    options: {
      processors?: readonly (ResultProcessor | null)[] | null;
      objects?: readonly (readonly unknown[])[];
    } = {},
  ) {
    this.keys = keys;
    this._processors = options.processors?.some((p) => p) ? options.processors : null;
    this._objects = options.objects ?? keys.map(() => []);
    const keymap = new Map<unknown, number>();
    keys.forEach((k, i) => {
      if (!keymap.has(k)) keymap.set(k, i);
      // Case-insensitive fallback is not SQLAlchemy's; exact names only.
    });
    this._objects.forEach((objs, i) => {
      for (const o of objs) if (!keymap.has(o)) keymap.set(o, i);
    });
    this._keymap = keymap;
  }

  index_for(key: unknown): number | undefined {
    if (typeof key === "number")
      return key < 0 ? this.keys.length + key : key < this.keys.length ? key : undefined;
    const direct = this._keymap.get(key);
    if (direct !== undefined) return direct;
    const ce = (key as { __clause_element__?: () => unknown } | null)?.__clause_element__;
    if (typeof ce === "function") return this._keymap.get(ce.call(key));
    return undefined;
  }

  get rowClass(): new (
    data: unknown[],
  ) => Row {
    if (!this._rowClass) this._rowClass = makeRowClass(this);
    return this._rowClass;
  }

  /** `Row` for raw driver values: applies the result processors (type conversions). */
  makeRow(raw: unknown[]): Row {
    return new this.rowClass(this.processed(raw));
  }

  /** A row's values as its Row holds them: the result processors applied to the driver's values. */
  processed(raw: unknown[]): unknown[] {
    const procs = this._processors;
    if (procs === null) return raw;
    const data = new Array(raw.length);
    for (let i = 0; i < raw.length; i++) {
      const p = procs[i];
      data[i] = p ? p(raw[i]) : raw[i];
    }
    return data;
  }

  index_or_raise(key: unknown): number {
    const i = this.index_for(key);
    if (i === undefined) {
      throw new NoSuchColumnError(
        `Could not locate column in row for column '${typeof key === "string" ? key : repr(key)}'`,
      );
    }
    return i;
  }
}

/** `result.keys()`: prints as `RMKeyView(['a', 'b'])`, iterates the names. */
export class RMKeyView {
  private readonly _keys: readonly string[];
  constructor(keys: readonly string[]) {
    this._keys = keys;
  }
  [Symbol.iterator](): IterableIterator<string> {
    return this._keys[Symbol.iterator]();
  }
  get length(): number {
    return this._keys.length;
  }
  includes(key: string): boolean {
    return this._keys.includes(key);
  }
  __repr__(): string {
    return `RMKeyView(${repr([...this._keys])})`;
  }
}

/** The fetch machinery shared by Result and its filtered views (ScalarResult, MappingResult). */
abstract class ResultInternal<T> {
  abstract _core(): Result;
  protected abstract _filter(row: Row): T;
  protected _uniqueFilter: ((value: T) => unknown) | null = null;

  protected _next(): T | null {
    const core = this._core();
    while (true) {
      const raw = core._fetch_one_raw();
      if (raw === null) return null;
      const value = this._filter(core._metadata.makeRow(raw));
      if (this._acceptUnique(value)) {
        core._log_row(value);
        return value;
      }
    }
  }

  private _seen: Set<unknown> | null = null;
  protected _acceptUnique(value: T): boolean {
    if (!this._uniqueFilter) return true;
    this._seen ??= new Set();
    const key = this._uniqueFilter(value);
    if (this._seen.has(key)) return false;
    this._seen.add(key);
    return true;
  }

  protected _all(): T[] {
    const core = this._core();
    const raws = core._fetch_all_raw();
    const md = core._metadata;
    const out: T[] = [];
    for (const raw of raws) {
      const v = this._filter(md.makeRow(raw));
      if (this._acceptUnique(v)) out.push(v);
    }
    if (core._echoRows) for (const v of out) core._log_row(v);
    core._soft_close(false);
    return out;
  }

  protected _many(size: number | undefined): T[] {
    const n = size ?? 1;
    const out: T[] = [];
    while (out.length < n) {
      const v = this._next();
      if (v === null) break;
      out.push(v);
    }
    return out;
  }

  /** SQLAlchemy's `_only_one_row`. */
  protected _only_one(
    raise_for_second_row: boolean,
    raise_for_none: boolean,
    requiredMessage: string,
  ): T | null {
    const core = this._core();
    const first = this._next();
    if (first === null) {
      core._soft_close(true);
      if (raise_for_none) throw new NoResultFound("No row was found when one was required");
      return null;
    }
    if (raise_for_second_row) {
      const second = this._next();
      if (second !== null) {
        core._soft_close(true);
        throw new MultipleResultsFound(`Multiple rows were found when ${requiredMessage}`);
      }
    }
    core._soft_close(true);
    return first;
  }

  [Symbol.iterator](): Iterator<T> {
    return {
      next: () => {
        const v = this._next();
        if (v === null) {
          this._core()._soft_close(false);
          return { done: true as const, value: undefined };
        }
        return { done: false as const, value: v };
      },
    };
  }

  /** Python's `fetchall()`. */
  fetchall(): T[] {
    return this._all();
  }
  /** Fetch many rows. */
  fetchmany(size?: number): T[] {
    return this._many(size);
  }
  /** Return all rows in a sequence. */
  all(): T[] {
    return this._all();
  }
  /**
   * `result.yield_per(100)`: the size of the lists `partitions()` yields by default; set on the
   * Result a ScalarResult or MappingResult filters, as SQLAlchemy's FilterResult does.
   */
  yield_per(num: number): this {
    this._core()._yield_per = num;
    return this;
  }
  /** Yields lists of up to `size` rows (by default the `yield_per()` size). */
  *partitions(size?: number): Generator<T[]> {
    while (true) {
      const part = this._many(size ?? this._core()._yield_per ?? 100);
      if (!part.length) return;
      yield part;
    }
  }
  /** Fetch the first row or `None` if no row is present. */
  first(): T | null {
    return this._only_one(false, false, "");
  }
  /** Return at most one result or raise an exception. */
  one_or_none(): T | null {
    return this._only_one(true, false, "one or none was required");
  }
  /** Return exactly one row or raise an exception. */
  one(): T {
    return this._only_one(true, true, "exactly one was required") as T;
  }
  /** Hard close this `Result`. */
  close(): void {
    this._core()._soft_close(true);
  }
  /** Return `True` if this `Result` was **hard closed** by explicitly calling the `close()` method. */
  get closed(): boolean {
    return this._core()._hard_closed;
  }

  __repr__(): string {
    const cls = this.constructor as { name: string; __module__?: string };
    return `<${cls.__module__}.${cls.name} object at 0x${objectAddress(this)}>`;
  }
}

export class Result extends ResultInternal<Row> {
  _metadata: ResultMetaData;
  protected _source: RowSource | null;
  _hard_closed = false;
  _soft_closed = false;
  /** Set by CursorResult under `echo="debug"`: logs each fetched row as `Row (…)`. */
  _echoRows: ((row: unknown) => void) | null = null;
  /** `yield_per(n)`: the default size of `partitions()`. */
  _yield_per: number | null = null;

  constructor(metadata: ResultMetaData, source: RowSource) {
    super();
    this._metadata = metadata;
    this._source = source;
  }

  _core(): Result {
    return this;
  }
  protected _filter(row: Row): Row {
    return row;
  }

  /**
   * What all() returns, as each Row's values (`row._data`) without making the Rows: the unit of work
   * reads the keys its INSERT … RETURNING sent back this way. Under `echo="debug"` the rows are
   * logged as all() logs them.
   */
  _all_data(): unknown[][] {
    if (this._echoRows !== null || this._uniqueFilter !== null) return this._all().map((r) => r._data);
    const raws = this._fetch_all_raw();
    const md = this._metadata;
    const out: unknown[][] = new Array(raws.length);
    for (let i = 0; i < raws.length; i++) out[i] = md.processed(raws[i]!);
    this._soft_close(false);
    return out;
  }

  _log_row(value: unknown): void {
    if (this._echoRows) this._echoRows(value);
  }

  /** Raises when the result cannot produce rows. */
  protected _check_open(): RowSource | null {
    if (this._hard_closed) throw new ResourceClosedError("This result object is closed.");
    return this._soft_closed ? null : this._source;
  }

  _fetch_one_raw(): unknown[] | null {
    const src = this._check_open();
    if (!src) return null;
    const raw = src.fetchone();
    if (raw === null) this._soft_close(false);
    return raw;
  }

  _fetch_all_raw(): unknown[][] {
    const src = this._check_open();
    if (!src) return [];
    return src.fetchall();
  }

  _soft_close(hard: boolean): void {
    if (!this._soft_closed) {
      this._source?.close(hard);
      this._soft_closed = true;
    }
    if (hard) {
      this._hard_closed = true;
      this._source = null;
    }
  }

  /** Return an iterable view which yields the string keys that would be represented by each `Row`. */
  keys(): RMKeyView {
    return new RMKeyView(this._metadata.keys);
  }

  /** Fetch one row. */
  fetchone(): Row | null {
    return this._next();
  }

  /** Fetch the first column of the first row, and close the result set. */
  scalar(): unknown {
    const row = this._only_one(false, false, "");
    return row === null ? null : row._data[0];
  }
  /** Return exactly one scalar result or raise an exception. */
  scalar_one(): unknown {
    return this.scalars().one();
  }
  /** Return exactly one scalar result or `None`. */
  scalar_one_or_none(): unknown {
    return this.scalars().one_or_none();
  }

  /** A ScalarResult of one column (by index, name or column object; default the first). */
  scalars(index: unknown = 0): ScalarResult {
    return new ScalarResult(this, this._metadata.index_or_raise(index));
  }

  /** Apply a mappings filter to returned rows, returning an instance of `MappingResult`. */
  mappings(): MappingResult {
    return new MappingResult(this);
  }

  /** Python's `result.tuples()` / `result.t`: the same rows, typed as tuples. */
  tuples(): this {
    return this;
  }
  /** Apply a "typed tuple" typing filter to returned rows. */
  get t(): this {
    return this;
  }

  /** Removes duplicate rows (by value, or by `strategy(row)`). */
  unique(strategy?: (row: Row) => unknown): this {
    this._uniqueFilter = strategy ?? ((row: Row) => uniqueKey(row._data));
    return this;
  }

  /** A Result limited to some columns: `result.columns("name", 0)`. */
  columns(...keys: unknown[]): Result {
    const idx = keys.map((k) => this._metadata.index_or_raise(k));
    const md = new ResultMetaData(
      idx.map((i) => this._metadata.keys[i]!),
      { objects: idx.map((i) => this._metadata._objects[i] ?? []) },
    );
    const parent = this;
    const src: RowSource = {
      fetchone() {
        const r = parent._fetch_one_raw();
        return r && idx.map((i) => parent._metadata.makeRow(r)._data[i]);
      },
      fetchmany(n) {
        const out: unknown[][] = [];
        for (let k = 0; k < n; k++) {
          const r = this.fetchone();
          if (!r) break;
          out.push(r);
        }
        return out;
      },
      fetchall() {
        return parent._fetch_all_raw().map((r) => {
          const row = parent._metadata.makeRow(r)._data;
          return idx.map((i) => row[i]);
        });
      },
      close(hard) {
        parent._soft_close(hard);
      },
    };
    return new Result(md, src);
  }

  /**
   * Reads the rows not fetched yet into memory and goes on yielding them from there, as SQLAlchemy's
   * `FullyBufferedCursorFetchStrategy` does: the caller gets the raw rows without consuming the
   * Result (a later `all()` still returns them). Nothing else changes: no row is logged, the cursor
   * is closed when the buffered rows are (by `all()`, `close()`, `first()` …).
   */
  _buffer_rows(): readonly unknown[][] {
    const src = this._check_open();
    if (!src) return [];
    const rows = src.fetchall();
    this._source = bufferedSource(rows, src);
    return rows;
  }

  /** Python's `result.freeze()`: a re-iterable snapshot of the remaining rows. */
  freeze(): FrozenResult {
    return new FrozenResult(this._metadata, this._fetch_all_raw());
  }
}

function uniqueKey(values: readonly unknown[]): unknown {
  return values.length === 1
    ? values[0]
    : JSON.stringify(values.map((v) => (typeof v === "object" && v !== null ? repr(v) : v)));
}

export class ScalarResult extends ResultInternal<unknown> {
  private readonly _parent: Result;
  /** The column this ScalarResult yields (by position in the parent's keys). */
  readonly _index: number;
  constructor(parent: Result, index: number) {
    super();
    this._parent = parent;
    this._index = index;
  }
  _core(): Result {
    return this._parent;
  }
  protected _filter(row: Row): unknown {
    return row._data[this._index];
  }
  /** Apply unique filtering to the objects returned by this `ScalarResult`. */
  unique(strategy?: (value: unknown) => unknown): this {
    this._uniqueFilter = strategy ?? ((v) => v);
    return this;
  }
}

export class MappingResult extends ResultInternal<RowMapping> {
  private readonly _parent: Result;
  constructor(parent: Result) {
    super();
    this._parent = parent;
  }
  _core(): Result {
    return this._parent;
  }
  protected _filter(row: Row): RowMapping {
    return makeMapping(this._parent._metadata, row._data);
  }
  /** Return an iterable view which yields the string keys that would be represented by each `Row`. */
  keys(): RMKeyView {
    return this._parent.keys();
  }
  /** Fetch one object. */
  fetchone(): RowMapping | null {
    return this._next();
  }
  /** Apply unique filtering to the objects returned by this `MappingResult`. */
  unique(strategy?: (value: RowMapping) => unknown): this {
    this._uniqueFilter = strategy ?? ((m) => uniqueKey(m._data));
    return this;
  }
}

/** A Result over rows already in memory (SQLAlchemy's IteratorResult). */
export class IteratorResult extends Result {
  constructor(metadata: ResultMetaData, rows: Iterable<unknown[]>) {
    super(metadata, listSource(rows));
  }
}

export function listSource(rows: Iterable<unknown[]>): RowSource {
  const it = rows[Symbol.iterator]();
  let done = false;
  const take = (): unknown[] | null => {
    if (done) return null;
    const n = it.next();
    if (n.done) {
      done = true;
      return null;
    }
    return n.value;
  };
  return {
    fetchone: take,
    fetchmany(size) {
      const out: unknown[][] = [];
      for (let i = 0; i < size; i++) {
        const r = take();
        if (!r) break;
        out.push(r);
      }
      return out;
    },
    fetchall() {
      const out: unknown[][] = [];
      for (let r = take(); r; r = take()) out.push(r);
      return out;
    },
    close() {
      done = true;
    },
  };
}

/** The rows of `_buffer_rows()`, then the original source's close. */
function bufferedSource(rows: readonly unknown[][], original: RowSource): RowSource {
  const list = listSource(rows);
  return {
    fetchone: () => list.fetchone(),
    fetchmany: (size) => list.fetchmany(size),
    fetchall: () => list.fetchall(),
    close(hard) {
      list.close(hard);
      original.close(hard);
    },
  };
}

export class FrozenResult {
  readonly metadata: ResultMetaData;
  readonly data: unknown[][];
  constructor(metadata: ResultMetaData, data: unknown[][]) {
    this.metadata = metadata;
    this.data = data;
  }
  /** Calling a FrozenResult gives a fresh Result over the same rows. */
  call(): Result {
    return new IteratorResult(this.metadata, this.data);
  }
}

export function rowsAsTuples(rows: Row[]): PyTuple[] {
  return rows.map((r) => tuple(r._data));
}

defineModule(
  "sqlalchemy.engine.result",
  Result,
  ScalarResult,
  MappingResult,
  IteratorResult,
  FrozenResult,
  ResultMetaData,
);
defineModule("sqlalchemy.engine.result", RMKeyView);
