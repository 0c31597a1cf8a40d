/**
 * PostgreSQL values in text format → the values psycopg2 / asyncpg return, and Python values →
 * SQL literals the way psycopg2 interpolates them client-side.
 */
import { date, datetime, Decimal, isTuple } from "../../util/pytypes.ts";

export const OID = {
  bool: 16,
  bytea: 17,
  int8: 20,
  int2: 21,
  int4: 23,
  text: 25,
  oid: 26,
  json: 114,
  float4: 700,
  float8: 701,
  bpchar: 1042,
  varchar: 1043,
  date: 1082,
  time: 1083,
  timestamp: 1114,
  timestamptz: 1184,
  interval: 1186,
  numeric: 1700,
  uuid: 2950,
  jsonb: 3802,
} as const;

const ARRAY_ELEMENT: Record<number, number> = {
  1000: OID.bool,
  1005: OID.int2,
  1007: OID.int4,
  1016: OID.int8,
  1009: OID.text,
  1015: OID.varchar,
  1014: OID.bpchar,
  1021: OID.float4,
  1022: OID.float8,
  1231: OID.numeric,
  1182: OID.date,
  1115: OID.timestamp,
  1185: OID.timestamptz,
  2951: OID.uuid,
  199: OID.json,
  3807: OID.jsonb,
};

function parseFloatText(s: string): number {
  if (s === "NaN") return Number.NaN;
  if (s === "Infinity") return Number.POSITIVE_INFINITY;
  if (s === "-Infinity") return Number.NEGATIVE_INFINITY;
  return Number(s);
}

function parseInt8(s: string): number | bigint {
  const n = Number(s);
  return Number.isSafeInteger(n) ? n : BigInt(s);
}

function parseBytea(s: string): Uint8Array {
  if (s.startsWith("\\x")) {
    const hex = s.slice(2);
    const out = new Uint8Array(hex.length / 2);
    for (let i = 0; i < out.length; i++) out[i] = Number.parseInt(hex.slice(i * 2, i * 2 + 2), 16);
    return out;
  }
  return new TextEncoder().encode(s);
}

/** `{1,2,"a b",NULL}` → elements (one dimension; nested arrays recurse). */
function parseArray(s: string, element: (v: string) => unknown): unknown[] {
  let i = 0;
  const parse = (): unknown[] => {
    const out: unknown[] = [];
    i++; // {
    while (i < s.length && s[i] !== "}") {
      if (s[i] === "{") out.push(parse());
      else if (s[i] === '"') {
        let v = "";
        i++;
        while (s[i] !== '"') {
          if (s[i] === "\\") i++;
          v += s[i++];
        }
        i++;
        out.push(element(v));
      } else {
        let v = "";
        while (s[i] !== "," && s[i] !== "}") v += s[i++];
        out.push(v === "NULL" ? null : element(v));
      }
      if (s[i] === ",") i++;
    }
    i++; // }
    return out;
  };
  return s.startsWith("{") ? parse() : [];
}

export function parseValue(text: string | null, oid: number): unknown {
  if (text === null) return null;
  switch (oid) {
    case OID.bool:
      return text === "t";
    case OID.int2:
    case OID.int4:
    case OID.oid:
      return Number(text);
    case OID.int8:
      return parseInt8(text);
    case OID.float4:
    case OID.float8:
      return parseFloatText(text);
    case OID.numeric:
      return new Decimal(text);
    case OID.date:
      return /^\d{4}-/.test(text) ? date.fromisoformat(text) : text;
    case OID.timestamp:
    case OID.timestamptz:
      return /^\d{4}-/.test(text) ? datetime.fromisoformat(text) : text;
    case OID.json:
    case OID.jsonb:
      return JSON.parse(text);
    case OID.bytea:
      return parseBytea(text);
    default: {
      const el = ARRAY_ELEMENT[oid];
      if (el !== undefined) return parseArray(text, (v) => parseValue(v, el));
      return text;
    }
  }
}

/** psycopg2's adaptation of a Python value to an SQL literal. */
export function literal(value: unknown): string {
  if (value === null || value === undefined) return "NULL";
  switch (typeof value) {
    case "boolean":
      return value ? "true" : "false";
    case "number":
      if (Number.isNaN(value)) return "'NaN'::float";
      if (!Number.isFinite(value)) return value > 0 ? "'Infinity'::float" : "'-Infinity'::float";
      return value < 0 ? ` ${String(value)}` : String(value);
    case "bigint":
      return value < 0n ? ` ${value}` : String(value);
    case "string":
      return `'${value.replace(/'/g, "''")}'`;
  }
  if (value instanceof Decimal) return value.text.startsWith("-") ? ` ${value.text}` : value.text;
  if (value instanceof datetime) return `'${value.isoformat()}'::${value.utcoffset === null ? "timestamp" : "timestamptz"}`;
  if (value instanceof date) return `'${value.isoformat()}'::date`;
  if (value instanceof Date) return `'${value.toISOString()}'::timestamptz`;
  if (value instanceof Uint8Array) {
    return `'\\x${Array.from(value, (b) => b.toString(16).padStart(2, "0")).join("")}'::bytea`;
  }
  if (Array.isArray(value)) {
    if (isTuple(value)) return `(${value.map(literal).join(", ")})`;
    return value.length ? `ARRAY[${value.map(literal).join(",")}]` : "'{}'";
  }
  const typeName = (value as object).constructor === Object ? "dict" : ((value as object).constructor?.name ?? "object");
  throw Object.assign(new TypeError(`can't adapt type '${typeName}'`), { cantAdapt: true });
}

/** A value as text for the extended protocol (asyncpg-style binding). */
export function textParameter(value: unknown): string | null {
  if (value === null || value === undefined) return null;
  if (typeof value === "boolean") return value ? "t" : "f";
  if (value instanceof datetime) return value.isoformat(" ");
  if (value instanceof date) return value.isoformat();
  if (value instanceof Date) return value.toISOString();
  if (value instanceof Uint8Array) return `\\x${Array.from(value, (b) => b.toString(16).padStart(2, "0")).join("")}`;
  if (Array.isArray(value)) return `{${value.map((v) => (v === null ? "NULL" : JSON.stringify(String(v)))).join(",")}}`;
  if (typeof value === "object" && !(value instanceof Decimal)) return JSON.stringify(value);
  return String(value);
}
