/**
 * PostgreSQL type OIDs and result values in text format → the Python values psycopg2 / asyncpg
 * return: int → number (int8 beyond 2^53 → bigint), numeric → Decimal, date/timestamp(tz) →
 * date/datetime, time → time, interval → timedelta, json → parsed, bytea → Uint8Array,
 * arrays → lists; any other type as its text (psycopg2's default for types it does not know).
 */
import { Decimal, date, datetime, time, timedelta } from "../../util/pytypes.ts";

export const OID = {
  bool: 16,
  bytea: 17,
  char: 18,
  name: 19,
  int8: 20,
  int2: 21,
  int4: 23,
  text: 25,
  oid: 26,
  json: 114,
  xml: 142,
  float4: 700,
  float8: 701,
  unknown: 705,
  money: 790,
  bpchar: 1042,
  varchar: 1043,
  date: 1082,
  time: 1083,
  timestamp: 1114,
  timestamptz: 1184,
  interval: 1186,
  timetz: 1266,
  numeric: 1700,
  regclass: 2205,
  uuid: 2950,
  jsonb: 3802,
} as const;

/** Array type OID → element type OID (pg_type.typelem). */
export const ARRAY_ELEMENT: Readonly<Record<number, number>> = {
  1000: OID.bool,
  1001: OID.bytea,
  1002: OID.char,
  1003: OID.name,
  1005: OID.int2,
  1007: OID.int4,
  1009: OID.text,
  1014: OID.bpchar,
  1015: OID.varchar,
  1016: OID.int8,
  1021: OID.float4,
  1022: OID.float8,
  1028: OID.oid,
  1115: OID.timestamp,
  1182: OID.date,
  1183: OID.time,
  1185: OID.timestamptz,
  1187: OID.interval,
  1231: OID.numeric,
  1270: OID.timetz,
  199: OID.json,
  2951: OID.uuid,
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
  // bytea_output = 'escape': printable bytes as is, others as \ooo, a backslash as \\.
  const out: number[] = [];
  for (let i = 0; i < s.length; i++) {
    if (s[i] === "\\") {
      if (s[i + 1] === "\\") {
        out.push(0x5c);
        i++;
      } else {
        out.push(Number.parseInt(s.slice(i + 1, i + 4), 8));
        i += 3;
      }
    } else out.push(s.charCodeAt(i));
  }
  return Uint8Array.from(out);
}

/** `12:30:00[.123456][+02[:30]]` → time (an offset makes it aware). */
function parseTime(s: string): time | string {
  const m = /^(\d\d):(\d\d):(\d\d)(?:\.(\d{1,6}))?(?:([+-])(\d\d)(?::?(\d\d))?(?::?(\d\d))?)?$/.exec(s);
  if (!m) return s;
  const offset = m[5] ? (m[5] === "-" ? -1 : 1) * (Number(m[6]) * 60 + Number(m[7] ?? 0)) : null;
  return new time(Number(m[1]), Number(m[2]), Number(m[3]), Number((m[4] ?? "").padEnd(6, "0")), offset);
}

/**
 * An interval in the server's default `postgres` IntervalStyle (`1 year 2 mons 3 days 04:05:06.5`)
 * → timedelta, counting a month as 30 days and a year as 365 days, as psycopg2 does.
 */
function parseInterval(s: string): timedelta | string {
  const re = /(-?\d+) (year|mon|day)s?|(-)?(\d+):(\d\d):(\d\d)(?:\.(\d{1,6}))?/g;
  let days = 0;
  let micros = 0;
  let matched = 0;
  for (let m = re.exec(s); m; m = re.exec(s)) {
    matched += m[0].length;
    if (m[2]) {
      const n = Number(m[1]);
      days += m[2] === "year" ? n * 365 : m[2] === "mon" ? n * 30 : n;
    } else {
      const sign = m[3] ? -1 : 1;
      const us =
        ((Number(m[4]) * 60 + Number(m[5])) * 60 + Number(m[6])) * 1_000_000 +
        Number((m[7] ?? "").padEnd(6, "0"));
      micros += sign * us;
    }
  }
  if (!matched) return s;
  return new timedelta(days, 0, micros);
}

function parseTimestamp(s: string): datetime | string {
  // 'infinity', BC dates and years beyond 9999 have no Python datetime: keep the text.
  return /^\d{4}-\d\d-\d\d/.test(s) && !s.endsWith(" BC") ? datetime.fromisoformat(s) : s;
}

/**
 * A PostgreSQL array literal (`{1,2,"a b",NULL}`, nested for more dimensions) → lists, each element
 * converted by `element`.
 */
export function parseArray(s: string, element: (v: string) => unknown): unknown[] {
  // A lower bound other than 1 is written first: `[0:1]={1,2}`.
  let i = s.startsWith("[") ? s.indexOf("=") + 1 : 0;
  const parse = (): unknown[] => {
    const out: unknown[] = [];
    i++; // {
    while (i < s.length && s[i] !== "}") {
      if (s[i] === "{") out.push(parse());
      else if (s[i] === '"') {
        let v = "";
        i++;
        while (i < s.length && s[i] !== '"') {
          if (s[i] === "\\") i++;
          v += s[i++];
        }
        i++;
        out.push(element(v));
      } else {
        let v = "";
        while (i < s.length && s[i] !== "," && s[i] !== "}") v += s[i++];
        out.push(v === "NULL" ? null : element(v));
      }
      if (s[i] === ",") i++;
    }
    i++; // }
    return out;
  };
  return s[i] === "{" ? parse() : [];
}

/** One result value as the driver returns it, from PostgreSQL's text format. */
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
      return /^\d{4}-\d\d-\d\d$/.test(text) ? date.fromisoformat(text) : text;
    case OID.timestamp:
    case OID.timestamptz:
      return parseTimestamp(text);
    case OID.time:
    case OID.timetz:
      return parseTime(text);
    case OID.interval:
      return parseInterval(text);
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
