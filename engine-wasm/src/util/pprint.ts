/**
 * Python's `pprint` module: `pformat(obj)` and `pprint(obj)` as its PrettyPrinter writes them
 * (width 80, indent 1, dictionaries sorted by key): an object whose repr fits in what is left of the
 * line is written as its repr; a longer dict, list or tuple has one item a line, each item formatted
 * the same way, indented under the opening bracket.
 */
import { isTuple } from "./pytypes.ts";
import { print, repr } from "./repr.ts";

const WIDTH = 80;

type Entries = [unknown, unknown][];

/** A JavaScript object that Python would see as a dict: a plain object or a Map. */
function dictEntries(obj: unknown): Entries | null {
  if (obj instanceof Map) return [...obj.entries()];
  if (obj !== null && typeof obj === "object") {
    const proto = Object.getPrototypeOf(obj);
    if (
      (proto === Object.prototype || proto === null) &&
      typeof (obj as { __repr__?: unknown }).__repr__ !== "function"
    )
      return Object.entries(obj);
  }
  return null;
}

/** pprint's key order (`sorted(items, key=_safe_tuple)`): numbers and strings each in their order. */
function sortedEntries(entries: Entries): Entries {
  return [...entries].sort(([a], [b]) => {
    if (typeof a === "number" && typeof b === "number") return a - b;
    const sa = typeof a === "string" ? a : repr(a);
    const sb = typeof b === "string" ? b : repr(b);
    return sa < sb ? -1 : sa > sb ? 1 : 0;
  });
}

function isList(obj: unknown): obj is unknown[] {
  return Array.isArray(obj) && typeof (obj as { __repr__?: unknown }).__repr__ !== "function";
}

/** `_safe_repr`: the one-line repr, dictionaries sorted at every level. */
function safeRepr(obj: unknown): string {
  const dict = dictEntries(obj);
  if (dict)
    return `{${sortedEntries(dict)
      .map(([k, v]) => `${safeRepr(k)}: ${safeRepr(v)}`)
      .join(", ")}}`;
  if (isList(obj)) {
    const items = obj.map(safeRepr);
    if (isTuple(obj)) return items.length === 1 ? `(${items[0]},)` : `(${items.join(", ")})`;
    return `[${items.join(", ")}]`;
  }
  return repr(obj);
}

function format(obj: unknown, out: string[], indent: number, allowance: number): void {
  const rep = safeRepr(obj);
  if (rep.length <= WIDTH - indent - allowance) {
    out.push(rep);
    return;
  }
  const dict = dictEntries(obj);
  if (dict) {
    out.push("{");
    if (dict.length) formatDictItems(sortedEntries(dict), out, indent, allowance + 1);
    out.push("}");
    return;
  }
  if (isList(obj)) {
    const tuple = isTuple(obj);
    out.push(tuple ? "(" : "[");
    formatItems(obj, out, indent, allowance + 1);
    if (tuple && obj.length === 1) out.push(",");
    out.push(tuple ? ")" : "]");
    return;
  }
  out.push(rep);
}

function formatDictItems(items: Entries, out: string[], indent: number, allowance: number): void {
  indent += 1;
  const delimnl = `,\n${" ".repeat(indent)}`;
  items.forEach(([key, value], i) => {
    const last = i === items.length - 1;
    const rep = safeRepr(key);
    out.push(rep, ": ");
    format(value, out, indent + rep.length + 2, last ? allowance : 1);
    if (!last) out.push(delimnl);
  });
}

function formatItems(items: unknown[], out: string[], indent: number, allowance: number): void {
  indent += 1;
  const delimnl = `,\n${" ".repeat(indent)}`;
  items.forEach((item, i) => {
    const last = i === items.length - 1;
    if (i > 0) out.push(delimnl);
    format(item, out, indent, last ? allowance : 1);
  });
}

/** `pprint.pformat(obj)`. */
export function pformat(obj: unknown): string {
  const out: string[] = [];
  format(obj, out, 0, 0);
  return out.join("");
}

/** `pprint.pprint(obj)`: pformat() printed. */
export function pprint(obj: unknown): void {
  print(pformat(obj));
}
