/**
 * `sqlalchemy.engine.Row` and `RowMapping`. A Row is tuple-like (`row[0]`, `row.at(-1)`, `const [a, b] =
 * row`, `row.length`) with named access (`row.name`) and `_mapping`, `_asdict()`, `_fields`, `_tuple()`.
 * Reading a name the row does not have raises Python's AttributeError, as SQLAlchemy does: the lookup
 * misses the row's own prototype and reaches a Proxy at the end of the chain (no cost for hits).
 * Assigning raises too (a setter per column and index; anything else reaches the Proxy's `set`).
 *
 * As a named tuple it equals, sorts and hashes as the tuple of its values (`equals`, `__lt__`,
 * `hash(row)`), and has the tuple methods `count()` / `index()` unless a column has that name.
 */
import { NoSuchColumnError } from "../exc.ts";
import { AttributeError, IndexError, KeyError, ValueError } from "../util/builtins.ts";
import { hash, py_eq, py_lt } from "../util/pyops.ts";
import { isTuple, type PyTuple, tuple } from "../util/pytypes.ts";
import { defineModule, repr } from "../util/repr.ts";

/** What a Row needs to know about its result's columns. */
export interface RowParent {
  readonly keys: readonly string[];
  /** key / column object → index */
  index_for(key: unknown): number | undefined;
}

/** Property probes done by runtimes and tooling that must not raise. */
const PROBES = new Set([
  "then",
  "toJSON",
  "constructor",
  "asymmetricMatch",
  "$$typeof",
  "nodeType",
  "tagName",
  "__repr__",
  "__str__",
  "_mapping",
  "toString",
  "valueOf",
  "inspect",
  "length",
  "href",
  "nodeName",
  "ownerDocument",
  "prototype",
  "toSource",
]);

function missing(kind: "row" | "mapping") {
  return new Proxy(Object.prototype, {
    get(target, key, receiver) {
      if (key in target) return Reflect.get(target, key, receiver);
      if (typeof key === "symbol" || PROBES.has(key) || key.startsWith("__") || key.startsWith("@@"))
        return undefined;
      if (kind === "row" && /^-?\d+$/.test(key)) {
        const data = (receiver as Row)._data;
        const i = Number(key);
        if (i < 0 && -i <= data.length) return data[data.length + i];
        throw new IndexError("tuple index out of range");
      }
      if (kind === "mapping")
        throw new NoSuchColumnError(`Could not locate column in row for column '${key}'`);
      throw new AttributeError(`Could not locate column in row for column '${key}'`);
    },
    set(_target, key) {
      throw readOnly(kind, key);
    },
  });
}

/** What assigning `row.x = …`, `row[0] = …` or `row._mapping[k] = …` raises in Python. */
function readOnly(kind: "row" | "mapping", key: string | symbol): Error {
  if (kind === "mapping") return new TypeError("'RowMapping' object does not support item assignment");
  if (typeof key === "string" && /^-?\d+$/.test(key))
    return new TypeError("'Row' object does not support item assignment");
  return new AttributeError("can't set attribute");
}

/** The tuple methods a column of the same name hides (SQLAlchemy's `_special_name_accessor`). */
const SPECIAL_NAMES = new Set(["count", "index"]);

export class Row {
  /** Column values by name and by index (`row.name`, `row[0]`), typed loosely as in Python. */
  readonly [key: string]: any;
  readonly _data: unknown[];
  readonly _parent: RowParent;

  constructor(parent: RowParent, data: unknown[]) {
    this._parent = parent;
    this._data = data;
  }

  /** The number of columns in this `Row` (Python's `len(row)`). */
  get length(): number {
    return this._data.length;
  }

  /** The keys that have a name (an unnamed ORM entity, such as `aliased(Address)`, has none). */
  get _fields(): PyTuple<string> {
    const keys = this._parent.keys;
    return tuple(keys.includes(null as never) ? keys.filter((k) => k !== null) : keys);
  }

  get _mapping(): RowMapping {
    return makeMapping(this._parent, this._data);
  }

  /** Python's `row._t` / `row._tuple()`: the values as a plain tuple. */
  _tuple(): PyTuple {
    return tuple(this._data);
  }
  get _t(): PyTuple {
    return tuple(this._data);
  }

  _asdict(): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    this._parent.keys.forEach((k, i) => {
      out[k] = this._data[i];
    });
    return out;
  }

  /** The value at a position, counted from the end when negative (Python's `row[index]`). */
  at(index: number): unknown {
    const i = index < 0 ? this._data.length + index : index;
    if (i < 0 || i >= this._data.length) throw new IndexError("tuple index out of range");
    return this._data[i];
  }

  /** Python's `row == (1, 2, 3)`: equal to a tuple or Row of equal values (never to a list). */
  equals(other: unknown): boolean {
    if (!(other instanceof Row) && !isTuple(other)) return false;
    return py_eq(this, other);
  }
  __eq__(other: unknown): boolean {
    return this.equals(other);
  }
  __ne__(other: unknown): boolean {
    return !this.equals(other);
  }
  /** Python's `row < other`, `<=`, `>`, `>=`: compared as tuples, item by item. */
  __lt__(other: unknown): boolean {
    return py_lt(this, other);
  }
  __le__(other: unknown): boolean {
    return py_lt(this, other) || py_eq(this, other);
  }
  __gt__(other: unknown): boolean {
    return py_lt(other, this);
  }
  __ge__(other: unknown): boolean {
    return py_lt(other, this) || py_eq(this, other);
  }
  /** Python's `hash(row)`: the hash of the tuple of its values. */
  __hash__(): number {
    return hash(tuple(this._data));
  }

  /** Python's `value in row`. */
  includes(value: unknown): boolean {
    return this._data.some((v) => py_eq(v, value));
  }
  __contains__(value: unknown): boolean {
    return this.includes(value);
  }
  /** The tuple method: how many items equal `value`. */
  count(value: unknown): number {
    return this._data.filter((v) => py_eq(v, value)).length;
  }
  /** The tuple method: the position of the first item equal to `value`. */
  index(value: unknown): number {
    const i = this._data.findIndex((v) => py_eq(v, value));
    if (i < 0) throw new ValueError("tuple.index(x): x not in tuple");
    return i;
  }
  /** Python's `row[start:end]`: a tuple. */
  slice(start?: number, end?: number): PyTuple {
    return tuple(this._data.slice(start, end));
  }

  /** Python's `setattr(row, name, v)` / `del row.name`: a Row cannot be changed. */
  __setattr__(_name: string, _value: unknown): never {
    throw new AttributeError("can't set attribute");
  }
  __delattr__(_name: string): never {
    throw new AttributeError("can't delete attribute");
  }

  [Symbol.iterator](): IterableIterator<unknown> {
    return this._data[Symbol.iterator]();
  }

  toJSON(): unknown[] {
    return this._data;
  }

  __repr__(): string {
    return repr(tuple(this._data));
  }

  toString(): string {
    return this.__repr__();
  }
}

const ROW_MISSING = missing("row");
Object.setPrototypeOf(Row.prototype, ROW_MISSING);

function setItem(): never {
  throw readOnly("row", "0");
}
function setAttr(): never {
  throw readOnly("row", "name");
}
function setMappingItem(): never {
  throw readOnly("mapping", "name");
}

/** Builds the Row subclass for one result shape: a getter per column name and per index. */
export function makeRowClass(parent: RowParent): new (data: unknown[]) => Row {
  class ResultRow extends Row {
    constructor(data: unknown[]) {
      super(parent, data);
    }
  }
  Object.defineProperty(ResultRow, "name", { value: "Row" });
  const proto = ResultRow.prototype;
  parent.keys.forEach((key, i) => {
    Object.defineProperty(proto, String(i), {
      get(this: Row) {
        return this._data[i];
      },
      set: setItem,
    });
    if (
      (!(key in Row.prototype) || SPECIAL_NAMES.has(key)) &&
      !/^\d+$/.test(key) &&
      !Object.hasOwn(proto, key)
    ) {
      Object.defineProperty(proto, key, {
        get(this: Row) {
          return this._data[i];
        },
        set: setAttr,
      });
    }
  });
  return ResultRow;
}

/** `row._mapping`: a read-only mapping of column name (or column object, via `get`) to value. */
export class RowMapping {
  readonly [key: string]: any;
  readonly _data: unknown[];
  readonly _parent: RowParent;
  constructor(parent: RowParent, data: unknown[]) {
    this._parent = parent;
    this._data = data;
  }
  get(key: unknown, fallback: unknown = null): unknown {
    const i = this._parent.index_for(key);
    return i === undefined ? fallback : this._data[i];
  }
  /** Python's `mapping[key]`: raises NoSuchColumnError for an unknown key. */
  getitem(key: unknown): unknown {
    const i = this._parent.index_for(key);
    if (i === undefined) {
      if (typeof key === "string")
        throw new NoSuchColumnError(`Could not locate column in row for column '${key}'`);
      throw new KeyError(key);
    }
    return this._data[i];
  }
  has(key: unknown): boolean {
    return this._parent.index_for(key) !== undefined;
  }
  keys(): string[] {
    return [...this._parent.keys];
  }
  values(): unknown[] {
    return [...this._data];
  }
  items(): PyTuple[] {
    return this._parent.keys.map((k, i) => tuple([k, this._data[i]]));
  }
  get length(): number {
    return this._data.length;
  }
  [Symbol.iterator](): IterableIterator<string> {
    return this._parent.keys[Symbol.iterator]();
  }
  toJSON(): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    this._parent.keys.forEach((k, i) => {
      out[k] = this._data[i];
    });
    return out;
  }
  __repr__(): string {
    return `{${this._parent.keys.map((k, i) => `${repr(k)}: ${repr(this._data[i])}`).join(", ")}}`;
  }
}
Object.setPrototypeOf(RowMapping.prototype, missing("mapping"));

const mappingClasses = new WeakMap<RowParent, new (data: unknown[]) => RowMapping>();

export function makeMapping(parent: RowParent, data: unknown[]): RowMapping {
  let Cls = mappingClasses.get(parent);
  if (!Cls) {
    class ResultRowMapping extends RowMapping {
      constructor(d: unknown[]) {
        super(parent, d);
      }
    }
    Object.defineProperty(ResultRowMapping, "name", { value: "RowMapping" });
    parent.keys.forEach((key, i) => {
      if (!(key in RowMapping.prototype) && !Object.hasOwn(ResultRowMapping.prototype, key)) {
        Object.defineProperty(ResultRowMapping.prototype, key, {
          get(this: RowMapping) {
            return this._data[i];
          },
          set: setMappingItem,
        });
      }
    });
    Cls = ResultRowMapping;
    mappingClasses.set(parent, Cls);
  }
  return new Cls(data);
}

defineModule("sqlalchemy.engine.row", Row, RowMapping);
