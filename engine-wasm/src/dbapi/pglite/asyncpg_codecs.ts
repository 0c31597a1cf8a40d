/**
 * asyncpg's parameter encoding: asyncpg prepares each statement, learns the type the server gives
 * every `$n` parameter and encodes the Python value with that type's codec, refusing values of the
 * wrong kind (`expected str, got int`) before anything is executed. Here the value is checked the
 * same way and sent in PostgreSQL's text format.
 */
import { Decimal, date, datetime, time, timedelta } from "../../util/pytypes.ts";
import { reprNumber } from "../../util/repr.ts";
import { pythonTypeName } from "./literals.ts";
import { ARRAY_ELEMENT, OID } from "./types.ts";

/** A codec refused a value: `message` is the reason asyncpg gives in parentheses. */
export class CodecError extends Error {}

const INT_RANGE: Record<number, [bigint, bigint, string]> = {
  [OID.int2]: [-(2n ** 15n), 2n ** 15n - 1n, "value out of int16 range"],
  [OID.int4]: [-(2n ** 31n), 2n ** 31n - 1n, "value out of int32 range"],
  [OID.int8]: [-(2n ** 63n), 2n ** 63n - 1n, "value out of int64 range"],
  [OID.oid]: [0n, 2n ** 32n - 1n, "value out of uint32 range"],
};

const TEXT_TYPES = new Set<number>([
  OID.text,
  OID.varchar,
  OID.bpchar,
  OID.name,
  OID.char,
  OID.xml,
  OID.unknown,
]);

/** Python's `int(value)` for the values an integer codec takes (bool, int, float, Decimal). */
function asInteger(value: unknown): bigint {
  if (typeof value === "boolean") return value ? 1n : 0n;
  if (typeof value === "bigint") return value;
  if (typeof value === "number") {
    if (!Number.isFinite(value)) throw new CodecError(`cannot convert float ${reprNumber(value)} to integer`);
    return BigInt(Math.trunc(value));
  }
  if (value instanceof Decimal) return BigInt(value.text.replace(/\.\d*$/, "").replace(/^\+/, "") || "0");
  throw new CodecError(`'${pythonTypeName(value)}' object cannot be interpreted as an integer`);
}

function asFloat(value: unknown): string {
  if (typeof value === "number")
    return Number.isNaN(value)
      ? "NaN"
      : Number.isFinite(value)
        ? reprNumber(value)
        : value > 0
          ? "Infinity"
          : "-Infinity";
  if (typeof value === "boolean") return value ? "1" : "0";
  if (typeof value === "bigint") return String(value);
  if (value instanceof Decimal) return value.text;
  throw new CodecError(`must be real number, not ${pythonTypeName(value)}`);
}

function asNumeric(value: unknown): string {
  if (value instanceof Decimal) return value.text;
  if (typeof value === "number") return Number.isNaN(value) ? "NaN" : reprNumber(value);
  if (typeof value === "bigint") return String(value);
  if (typeof value === "boolean") return value ? "1" : "0";
  if (typeof value === "string") {
    if (/^\s*[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?\s*$/i.test(value)) return value.trim();
    throw new CodecError("[<class 'decimal.ConversionSyntax'>]");
  }
  throw new CodecError(`conversion from ${pythonTypeName(value)} to Decimal is not supported`);
}

function quoteArrayElement(text: string): string {
  return `"${text.replace(/\\/g, "\\\\").replace(/"/g, '\\"')}"`;
}

function asArray(value: unknown, element: number): string {
  if (!Array.isArray(value)) {
    throw new CodecError(`a sized iterable container expected (got type '${pythonTypeName(value)}')`);
  }
  const items = value.map((v) => {
    if (v === null || v === undefined) return "NULL";
    if (Array.isArray(v)) return asArray(v, element);
    return quoteArrayElement(encodeParameter(v, element) as string);
  });
  return `{${items.join(",")}}`;
}

const hex = (bytes: Uint8Array) => Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");

/**
 * The text asyncpg's codec for type `oid` would send for `value` (null for None), or a CodecError
 * when the codec refuses it.
 */
export function encodeParameter(value: unknown, oid: number): string | null {
  if (value === null || value === undefined) return null;
  const range = INT_RANGE[oid];
  if (range) {
    const n = asInteger(value);
    if (n < range[0] || n > range[1]) throw new CodecError(range[2]);
    return String(n);
  }
  switch (oid) {
    case OID.bool:
      if (typeof value !== "boolean")
        throw new CodecError(`a boolean is required (got type ${pythonTypeName(value)})`);
      return value ? "t" : "f";
    case OID.float4:
    case OID.float8:
      return asFloat(value);
    case OID.numeric:
      return asNumeric(value);
    case OID.bytea:
      if (!(value instanceof Uint8Array)) {
        throw new CodecError(`a bytes-like object is required, not '${pythonTypeName(value)}'`);
      }
      return `\\x${hex(value)}`;
    case OID.date:
      if (value instanceof date) return value.isoformat();
      if (value instanceof datetime) return new date(value.year, value.month, value.day).isoformat();
      throw new CodecError(
        `expected a datetime.date or datetime.datetime instance, got '${pythonTypeName(value)}'`,
      );
    case OID.timestamp:
    case OID.timestamptz:
      if (value instanceof datetime) return value.isoformat(" ");
      if (value instanceof date) return `${value.isoformat()} 00:00:00`;
      if (value instanceof Date) return value.toISOString();
      throw new CodecError(
        `expected a datetime.date or datetime.datetime instance, got '${pythonTypeName(value)}'`,
      );
    case OID.time:
    case OID.timetz:
      if (value instanceof time) return value.isoformat();
      throw new CodecError(`expected a datetime.time instance, got '${pythonTypeName(value)}'`);
    case OID.interval:
      if (value instanceof timedelta)
        return `${value.days} days ${value.seconds}.${String(value.microseconds).padStart(6, "0")} seconds`;
      throw new CodecError(`expected a datetime.timedelta instance, got '${pythonTypeName(value)}'`);
    case OID.json:
    case OID.jsonb:
      // SQLAlchemy's asyncpg dialect registers `str.encode` as the JSON encoder: the JSON type's
      // bind processor has already serialised the value.
      if (typeof value !== "string") {
        throw new CodecError(
          `descriptor 'encode' for 'str' objects doesn't apply to a '${pythonTypeName(value)}' object`,
        );
      }
      return value;
    case OID.uuid:
      if (typeof value === "string") return value;
      return String(value);
  }
  const element = ARRAY_ELEMENT[oid];
  if (element !== undefined) return asArray(value, element);
  if (TEXT_TYPES.has(oid) || typeof value === "string") {
    if (typeof value !== "string") throw new CodecError(`expected str, got ${pythonTypeName(value)}`);
    return value;
  }
  // A type asyncpg has no binary codec for (an enum, a domain …) goes through its text codec.
  throw new CodecError(`expected str, got ${pythonTypeName(value)}`);
}
