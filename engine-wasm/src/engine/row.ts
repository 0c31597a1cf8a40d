/**
 * `sqlalchemy.engine.Row` and `RowMapping`. A Row is tuple-like (`row[0]`, `row.at(-1)`, `const [a, b] =
 * row`, `row.length`) with named access (`row.name`) and `_mapping`, `_asdict()`, `_fields`, `_tuple()`.
 * Reading a name the row does not have raises Python's AttributeError, as SQLAlchemy does: the lookup
 * misses the row's own prototype and reaches a Proxy at the end of the chain (no cost for hits).
 */
import { NoSuchColumnError } from "../exc.ts";
import { AttributeError, IndexError, KeyError } from "../util/builtins.ts";
import { type PyTuple, tuple } from "../util/pytypes.ts";
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
  });
}

export class Row {
  /** Column values by name and by index (`row.name`, `row[0]`), typed loosely as in Python. */
  readonly [key: string]: any;
  readonly _data: unknown[];
  readonly _parent: RowParent;

  constructor(parent: RowParent, data: unknown[]) {
    this._parent = parent;
    this._data = data;
  }

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

  at(index: number): unknown {
    const i = index < 0 ? this._data.length + index : index;
    if (i < 0 || i >= this._data.length) throw new IndexError("tuple index out of range");
    return this._data[i];
  }

  /** Python's `row == (1, 2, 3)`: equal values in the same order. */
  equals(other: Iterable<unknown>): boolean {
    const o = Array.from(other);
    return o.length === this._data.length && o.every((v, i) => v === this._data[i]);
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
    });
    if (!(key in Row.prototype) && !/^\d+$/.test(key) && !Object.hasOwn(proto, key)) {
      Object.defineProperty(proto, key, {
        get(this: Row) {
          return this._data[i];
        },
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
        });
      }
    });
    Cls = ResultRowMapping;
    mappingClasses.set(parent, Cls);
  }
  return new Cls(data);
}

defineModule("sqlalchemy.engine.row", Row, RowMapping);
