/**
 * Python's `repr()` and `str()` for the values a lesson prints, and `print()` / `show_error()`.
 *
 * Rules: `null`/`undefined` → `None`; booleans → `True`/`False`; arrays → lists `[1, 2]`;
 * `tuple()`s and Rows → `(1,)`; plain objects and Maps → dicts `{'a': 1}`; Sets → `{1, 2}`;
 * an object with `__repr__()` / `__str__()` uses them (Row, Decimal, mapped classes, errors …).
 */
import { emit } from "./output.ts";
import { isTuple } from "./pytypes.ts";

interface Reprable {
  __repr__(): string;
}
interface Strable {
  __str__(): string;
}

/**
 * A repr for one value, kept under a symbol: for values made in bulk (identity keys) where giving each
 * a `__repr__` property would cost a property definition.
 */
export const REPR = Symbol.for("sqlalchemy.repr");
const hasRepr = (v: object): v is Reprable => typeof (v as Partial<Reprable>).__repr__ === "function";
const hasStr = (v: object): v is Strable => typeof (v as Partial<Strable>).__str__ === "function";

/** Python's repr() of a str. */
export function reprString(s: string): string {
  const quote = s.includes("'") && !s.includes('"') ? '"' : "'";
  let out = quote;
  for (const ch of s) {
    const code = ch.codePointAt(0)!;
    if (ch === quote || ch === "\\") out += `\\${ch}`;
    else if (ch === "\n") out += "\\n";
    else if (ch === "\r") out += "\\r";
    else if (ch === "\t") out += "\\t";
    else if (code < 0x20 || code === 0x7f || (code >= 0x80 && NOT_PRINTABLE.test(ch)))
      out += escapeCode(code);
    else out += ch;
  }
  return out + quote;
}

/**
 * What Python's `str.isprintable()` refuses, and repr() therefore escapes: control and format
 * characters, surrogates, private use, unassigned code points, and separators other than the ASCII
 * space (U+00A0, U+2028, U+3000 …).
 */
const NOT_PRINTABLE = /^[\p{Cc}\p{Cf}\p{Cs}\p{Co}\p{Cn}\p{Zl}\p{Zp}\p{Zs}]$/u;

/** `\xhh`, `\uhhhh` or `\Uhhhhhhhh`, as repr() writes a character it does not show. */
function escapeCode(code: number): string {
  const hex = code.toString(16);
  if (code < 0x100) return `\\x${hex.padStart(2, "0")}`;
  if (code < 0x10000) return `\\u${hex.padStart(4, "0")}`;
  return `\\U${hex.padStart(8, "0")}`;
}

/** Python's repr() of a float or int held in a JS number. */
export function reprNumber(n: number): string {
  if (Number.isNaN(n)) return "nan";
  if (n === Number.POSITIVE_INFINITY) return "inf";
  if (n === Number.NEGATIVE_INFINITY) return "-inf";
  if (Number.isInteger(n) && Math.abs(n) < 1e16) return Object.is(n, -0) ? "-0.0" : String(n);
  const s = String(n);
  // JS writes 1e-7 / 1e+21; Python writes 1e-07 / 1e+21.
  if (s.includes("e")) return s.replace(/e([+-])(\d)$/, "e$10$2");
  // the same shortest digits; Python writes the exponent form from below 1e-4, JavaScript from 1e-6
  // (0.000015 is Python's 1.5e-05)
  const a = n < 0 ? -n : n;
  if (a >= 1e-4) return s;
  const sign = n < 0 ? "-" : "";
  const fraction = s.slice(sign.length + 2);
  let zeros = 0;
  while (fraction.charCodeAt(zeros) === 48 /* 0 */) zeros++;
  const digits = fraction.slice(zeros);
  const mantissa = digits.length > 1 ? `${digits[0]}.${digits.slice(1)}` : digits;
  return `${sign}${mantissa}e-${zeros + 1 < 10 ? "0" : ""}${zeros + 1}`;
}

function reprKey(k: unknown, seen: Set<object>): string {
  return repr(k, seen);
}

/**
 * Python's `<class '__main__.User'>`: the module is the one the class was defined in (classes of the
 * port carry theirs, see defineModule(); the learner's are `__main__`), the name the one it was
 * declared with (a mapped class records it: its `name` attribute may be a mapped column).
 */
function reprClass(cls: Function): string {
  const c = cls as unknown as { __module__?: string; __sa_name__?: string };
  const module = Object.hasOwn(cls, "__module__") ? c.__module__ : "__main__";
  const name = Object.hasOwn(cls, "__sa_name__") ? c.__sa_name__ : cls.name;
  return `<class '${module}.${name}'>`;
}

export function repr(value: unknown, seen: Set<object> = new Set()): string {
  if (value === null || value === undefined) return "None";
  switch (typeof value) {
    case "boolean":
      return value ? "True" : "False";
    case "number":
      return reprNumber(value);
    case "bigint":
      return value.toString();
    case "string":
      return reprString(value);
    case "symbol":
      return value.toString();
    case "function": {
      const fn = value as { name?: string; prototype?: unknown; __repr__?: unknown };
      // callables that define their own repr (a sessionmaker, a mapped class)
      if (typeof fn.__repr__ === "function") return (fn.__repr__ as () => string).call(fn);
      return fn.prototype && /^class\s/.test(Function.prototype.toString.call(value))
        ? reprClass(value as Function)
        : `<function ${fn.name || "<lambda>"}>`;
    }
  }
  const obj = value as object;
  const own = (obj as { [REPR]?: (this: object) => string })[REPR];
  if (own !== undefined) return own.call(obj);
  if (hasRepr(obj)) return obj.__repr__();
  if (seen.has(obj)) return Array.isArray(obj) ? "[...]" : "{...}";
  seen.add(obj);
  try {
    if (Array.isArray(obj)) {
      const items = obj.map((v) => repr(v, seen));
      if (isTuple(obj)) return items.length === 1 ? `(${items[0]},)` : `(${items.join(", ")})`;
      return `[${items.join(", ")}]`;
    }
    if (obj instanceof Map) {
      return `{${[...obj].map(([k, v]) => `${reprKey(k, seen)}: ${repr(v, seen)}`).join(", ")}}`;
    }
    if (obj instanceof Set) {
      return obj.size === 0 ? "set()" : `{${[...obj].map((v) => repr(v, seen)).join(", ")}}`;
    }
    if (obj instanceof Date) {
      return `datetime.datetime(${[
        obj.getFullYear(),
        obj.getMonth() + 1,
        obj.getDate(),
        obj.getHours(),
        obj.getMinutes(),
      ]
        .concat(obj.getSeconds() || obj.getMilliseconds() ? [obj.getSeconds()] : [])
        .concat(obj.getMilliseconds() ? [obj.getMilliseconds() * 1000] : [])
        .join(", ")})`;
    }
    if (obj instanceof Error) {
      const name = (obj.constructor as { name?: string }).name ?? "Exception";
      return `${name}(${reprString(pyStrOfError(obj))})`;
    }
    if (ArrayBuffer.isView(obj) && obj instanceof Uint8Array) {
      let s = "b'";
      for (const b of obj) {
        if (b === 0x27 || b === 0x5c) s += `\\${String.fromCharCode(b)}`;
        else if (b >= 0x20 && b < 0x7f) s += String.fromCharCode(b);
        else if (b === 10) s += "\\n";
        else s += `\\x${b.toString(16).padStart(2, "0")}`;
      }
      return `${s}'`;
    }
    const proto = Object.getPrototypeOf(obj);
    if (proto === Object.prototype || proto === null) {
      const entries = Object.entries(obj);
      // a mapped object's `__dict__` holds its instance state under a key that is not enumerated
      // (so that code reading the attributes does not meet it); Python's repr shows it first
      const state = Object.getOwnPropertyDescriptor(obj, "_sa_instance_state");
      if (state !== undefined && !state.enumerable) entries.unshift(["_sa_instance_state", state.value]);
      return `{${entries.map(([k, v]) => `${reprString(k)}: ${repr(v, seen)}`).join(", ")}}`;
    }
    const name = (obj.constructor as { name?: string } | undefined)?.name ?? "object";
    return `<${name} object>`;
  } finally {
    seen.delete(obj);
  }
}

function pyStrOfError(err: Error): string {
  return hasStr(err) ? err.__str__() : err.message;
}

/** Python's str(). */
export function str(value: unknown): string {
  if (typeof value === "string") return value;
  if (value !== null && typeof value === "object") {
    if (hasStr(value)) return value.__str__();
    if (value instanceof Error) return pyStrOfError(value);
  }
  return repr(value);
}

/** Python's `print(*values, sep=" ", end="\n")`. */
export function print(...values: unknown[]): void {
  emit({ kind: "print", text: `${values.map((v) => str(v)).join(" ")}\n` });
}

/** `module.Class` as Python's `type(err).__module__` + `__name__` would give it. */
export function qualifiedErrorName(err: unknown): string {
  if (err !== null && typeof err === "object") {
    const ctor = (err as { constructor?: { name?: string; __module__?: string } }).constructor;
    const name = ctor?.name ?? "Exception";
    const mod = ctor && Object.hasOwn(ctor, "__module__") ? ctor.__module__ : inheritedModule(ctor);
    return `${mod ?? "builtins"}.${name}`;
  }
  return "builtins.Exception";
}

const BUILTIN_ERRORS = new Set<unknown>([
  Error,
  TypeError,
  RangeError,
  SyntaxError,
  ReferenceError,
  EvalError,
  URIError,
  AggregateError,
]);

function inheritedModule(ctor: { __module__?: string } | undefined): string | undefined {
  if (!ctor || BUILTIN_ERRORS.has(ctor)) return "builtins";
  // A class the learner declares (`class MyError extends Error`) belongs to `__main__`, as in a script.
  return "__main__";
}

/** Prints `!! <module>.<Class>: <str(err)>`, as the conformance scripts' show_error() does. */
export function show_error(err: unknown): void {
  const message = err instanceof Error ? str(err) : str(err);
  print(`!! ${qualifiedErrorName(err)}: ${message}`);
}

/** Gives each class its Python module (`type(x).__module__`), as the library's own classes have. */
let nextAddress = 0x7f3a5c000000;
const addresses = new WeakMap<object, string>();
/** A stable fake memory address for an object, as Python's `id()` shows it in reprs. */
export function objectAddress(obj: object): string {
  let a = addresses.get(obj);
  if (!a) {
    nextAddress += 0x1d0;
    a = nextAddress.toString(16);
    addresses.set(obj, a);
  }
  return a;
}

export function defineModule(mod: string, ...classes: Function[]): void {
  for (const cls of classes) Object.defineProperty(cls, "__module__", { value: mod, enumerable: false });
}
