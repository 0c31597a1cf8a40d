/**
 * Python's `==`, `<` and `hash()` over the values SQLAlchemy hands back (numbers, strings, None,
 * tuples and rows, Decimal, dates), for the objects that behave as Python values do: a Row equals
 * the tuple of its values, sorts as that tuple and hashes as it. An object takes part through
 * `__eq__` / `__lt__` / `__hash__` methods; lists, dicts and sets are unhashable, as in Python.
 */
import { isTuple } from "./pytypes.ts";

interface PyObject {
  __eq__?(other: unknown): boolean;
  __lt__?(other: unknown): boolean;
  __hash__?(): number;
  equals?(other: unknown): boolean;
  _data?: unknown;
}

/** A Row or a tuple: its items, compared and hashed as a tuple's. */
function sequence(value: unknown): readonly unknown[] | null {
  if (isTuple(value)) return value;
  const data = (value as PyObject | null)?._data;
  if (Array.isArray(data) && typeof (value as PyObject).__hash__ === "function") return data;
  return null;
}

/** Python's `a == b`. */
export function py_eq(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a === "boolean") a = Number(a);
  if (typeof b === "boolean") b = Number(b);
  if (a === b) return true;
  if (a === null || b === null || typeof a !== "object" || typeof b !== "object") {
    const eq = (a as PyObject | null)?.__eq__ ?? (a as PyObject | null)?.equals;
    return typeof eq === "function" ? eq.call(a, b) : false;
  }
  const sa = sequence(a);
  const sb = sequence(b);
  if (sa || sb) return !!sa && !!sb && sa.length === sb.length && sa.every((v, i) => py_eq(v, sb[i]));
  const eq = (a as PyObject).__eq__ ?? (a as PyObject).equals;
  return typeof eq === "function" ? eq.call(a, b) : false;
}

function typeName(value: unknown): string {
  if (value === null || value === undefined) return "NoneType";
  switch (typeof value) {
    case "number":
      return Number.isInteger(value) ? "int" : "float";
    case "string":
      return "str";
    case "boolean":
      return "bool";
  }
  if (isTuple(value)) return "tuple";
  if (Array.isArray(value)) return "list";
  return (value as object).constructor?.name ?? "object";
}

/** Python's `a < b`: numbers and strings as Python orders them, tuples and rows item by item. */
export function py_lt(a: unknown, b: unknown): boolean {
  const na = typeof a === "boolean" ? Number(a) : a;
  const nb = typeof b === "boolean" ? Number(b) : b;
  if (
    (typeof na === "number" && typeof nb === "number") ||
    (typeof na === "bigint" && typeof nb === "bigint")
  )
    return na < nb;
  if (typeof na === "string" && typeof nb === "string") return na < nb;
  const sa = sequence(a);
  const sb = sequence(b);
  if (sa && sb) {
    const n = Math.min(sa.length, sb.length);
    for (let i = 0; i < n; i++) {
      if (!py_eq(sa[i], sb[i])) return py_lt(sa[i], sb[i]);
    }
    return sa.length < sb.length;
  }
  const lt = (a as PyObject | null)?.__lt__;
  if (typeof lt === "function" && !sa) return lt.call(a, b);
  throw new TypeError(`'<' not supported between instances of '${typeName(a)}' and '${typeName(b)}'`);
}

const identities = new WeakMap<object, number>();
let nextIdentity = 0x5a17;

function stringHash(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  return h | 0;
}

/** Python's `hash()`: equal values hash equal (`hash(row) == hash(tuple(row))`, `hash(1) == hash(True)`). */
export function hash(value: unknown): number {
  if (value === null || value === undefined) return 0x3c2a;
  switch (typeof value) {
    case "boolean":
      return Number(value);
    case "number":
      return Number.isSafeInteger(value) ? value : stringHash(String(value));
    case "bigint":
      return Number.isSafeInteger(Number(value)) ? Number(value) : stringHash(value.toString());
    case "string":
      return stringHash(value);
    case "symbol":
    case "function":
      break;
    case "object": {
      const items = sequence(value);
      if (items) {
        let h = 0x345678;
        for (const item of items) h = Math.imul(h ^ hash(item), 1000003);
        return (h ^ items.length) | 0;
      }
      const own = (value as PyObject).__hash__;
      if (typeof own === "function") return own.call(value);
      if (Array.isArray(value)) throw new TypeError("unhashable type: 'list'");
      if (value instanceof Set) throw new TypeError("unhashable type: 'set'");
      const proto = Object.getPrototypeOf(value);
      if (value instanceof Map || proto === Object.prototype || proto === null)
        throw new TypeError("unhashable type: 'dict'");
      // Decimal and the date types compare by value: hash what they print as
      const str = (value as { __str__?: () => string }).__str__;
      if (typeof str === "function" && typeof (value as PyObject).equals === "function")
        return stringHash(str.call(value));
    }
  }
  const obj = value as object;
  let id = identities.get(obj);
  if (id === undefined) {
    id = nextIdentity++;
    identities.set(obj, id);
  }
  return id;
}
