/**
 * psycopg2's client-side parameter handling: `adapt()` turns a Python value into an SQL literal and
 * `cursor.mogrify()` puts the literals into the `%(name)s` / `%s` placeholders. psycopg2 sends the
 * result through the simple Query protocol, so the server types each literal itself
 * (`SELECT 1.5` is a numeric).
 */
import type { DBAPIParameters } from "../../engine/interfaces.ts";
import { KeyError, ValueError } from "../../util/builtins.ts";
import { Decimal, date, datetime, isTuple, time, timedelta } from "../../util/pytypes.ts";
import { reprNumber } from "../../util/repr.ts";

/** Raised for a value psycopg2 cannot adapt; the driver turns it into its ProgrammingError. */
export class CannotAdapt extends Error {
  constructor(value: unknown) {
    super(`can't adapt type '${pythonTypeName(value)}'`);
  }
}

/** The name of `type(value)` that Python would show for a JS value. */
export function pythonTypeName(value: unknown): string {
  if (value === null || value === undefined) return "NoneType";
  switch (typeof value) {
    case "boolean":
      return "bool";
    case "number":
      return Number.isInteger(value) ? "int" : "float";
    case "bigint":
      return "int";
    case "string":
      return "str";
    case "function":
      return "function";
  }
  if (value instanceof Decimal) return "Decimal";
  if (value instanceof datetime || value instanceof Date) return "datetime";
  if (value instanceof date) return "date";
  if (value instanceof time) return "time";
  if (value instanceof timedelta) return "timedelta";
  if (value instanceof Uint8Array) return "bytes";
  if (Array.isArray(value)) return isTuple(value) ? "tuple" : "list";
  if (value instanceof Map) return "dict";
  if (value instanceof Set) return "set";
  const ctor = (value as object).constructor;
  return !ctor || ctor === Object ? "dict" : ctor.name;
}

const hex = (bytes: Uint8Array) => Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");

/** psycopg2 puts a space before a negative number so that `x -%s` never becomes a `--` comment. */
const signed = (text: string) => (text.startsWith("-") ? ` ${text}` : text);

/** psycopg2's `adapt(value).getquoted()`. */
export function literal(value: unknown): string {
  if (value === null || value === undefined) return "NULL";
  switch (typeof value) {
    case "boolean":
      return value ? "true" : "false";
    case "number":
      if (Number.isNaN(value)) return "'NaN'::float";
      if (!Number.isFinite(value)) return value > 0 ? "'Infinity'::float" : "'-Infinity'::float";
      return signed(reprNumber(value));
    case "bigint":
      return signed(String(value));
    case "string":
      if (value.includes("\0"))
        throw new ValueError("A string literal cannot contain NUL (0x00) characters.");
      return `'${value.replace(/'/g, "''")}'`;
  }
  if (value instanceof Decimal) {
    return /^[+-]?(nan|snan|inf|infinity)$/i.test(value.text) ? "'NaN'::numeric" : signed(value.text);
  }
  if (value instanceof datetime) {
    return `'${value.isoformat()}'::${value.utcoffset === null ? "timestamp" : "timestamptz"}`;
  }
  if (value instanceof date) return `'${value.isoformat()}'::date`;
  if (value instanceof time) return `'${value.isoformat()}'::${value.utcoffset === null ? "time" : "timetz"}`;
  if (value instanceof timedelta) {
    return `'${value.days} days ${value.seconds}.${String(value.microseconds).padStart(6, "0")} seconds'::interval`;
  }
  if (value instanceof Date) return `'${value.toISOString().replace("Z", "+00:00")}'::timestamptz`;
  if (value instanceof Uint8Array) return `'\\x${hex(value)}'::bytea`;
  if (Array.isArray(value)) {
    if (isTuple(value)) return `(${value.map(literal).join(", ")})`;
    return value.length ? `ARRAY[${value.map(literal).join(",")}]` : "'{}'";
  }
  throw new CannotAdapt(value);
}

/**
 * psycopg2's `cursor.mogrify(operation, parameters)`: `%(name)s` with a dict, `%s` with a sequence,
 * `%%` for a literal `%`. Without parameters the operation is sent unchanged (`%%` stays `%%`).
 * `programmingError` makes the driver's ProgrammingError for the mistakes psycopg2 reports as one.
 */
export function mogrify(
  operation: string,
  parameters: DBAPIParameters | undefined | null,
  programmingError: (message: string) => Error,
): string {
  if (parameters === undefined || parameters === null) return operation;
  const positional = Array.isArray(parameters);
  let kind: "named" | "positional" | null = null;
  let index = 0;
  let out = "";
  let i = 0;
  while (i < operation.length) {
    const pct = operation.indexOf("%", i);
    if (pct < 0) {
      out += operation.slice(i);
      break;
    }
    out += operation.slice(i, pct);
    const next = operation[pct + 1];
    if (next === "%") {
      out += "%";
      i = pct + 2;
      continue;
    }
    if (next === "(") {
      const close = operation.indexOf(")", pct);
      if (close < 0) throw programmingError("incomplete placeholder: '%(' without ')'");
      if (kind === "positional") throw programmingError("argument formats can't be mixed");
      kind = "named";
      if (operation[close + 1] !== "s") throw unsupportedFormat(operation, close + 1);
      if (positional) throw new TypeError("format requires a mapping");
      const name = operation.slice(pct + 2, close);
      const dict = parameters as Readonly<Record<string, unknown>>;
      if (!Object.hasOwn(dict, name)) throw new KeyError(name);
      out += literal(dict[name]);
      i = close + 2;
      continue;
    }
    if (kind === "named") throw programmingError("argument formats can't be mixed");
    kind = "positional";
    if (next !== "s") throw unsupportedFormat(operation, pct + 1);
    if (!positional) throw new TypeError(`'${pythonTypeName(parameters)}' object does not support indexing`);
    const list = parameters as readonly unknown[];
    if (index >= list.length) throw programmingError("not enough arguments for format string");
    out += literal(list[index++]);
    i = pct + 2;
  }
  if (positional && index < (parameters as readonly unknown[]).length) {
    throw new TypeError("not all arguments converted during string formatting");
  }
  return out;
}

function unsupportedFormat(operation: string, at: number): Error {
  const ch = operation[at];
  if (ch === undefined) return new ValueError("incomplete format");
  const code = ch.codePointAt(0)!;
  const index = new TextEncoder().encode(operation.slice(0, at)).length;
  return new ValueError(`unsupported format character '${ch}' (0x${code.toString(16)}) at index ${index}`);
}
