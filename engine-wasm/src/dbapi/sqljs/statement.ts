/**
 * What pysqlite learns when it prepares a statement (Modules/_sqlite/statement.c and cursor.c):
 * its parameters, whether more than one statement was given, whether it is DML (which decides the
 * implicit BEGIN and `rowcount`); and binding Python values to it, with sqlite3's error messages.
 * Literals, quoted identifiers and comments are told apart by connectors/scanner.ts (SQLite's rules).
 */

import { isWordPart, isWordStart, SQLITE, skipNonCode } from "../../connectors/scanner.ts";
import { OverflowError } from "../../util/builtins.ts";
import { Decimal, date, datetime, isTuple } from "../../util/pytypes.ts";
import { ProgrammingError } from "./errors.ts";

export interface StatementInfo {
  /** sqlite3_bind_parameter_count(): the highest parameter index. */
  readonly parameter_count: number;
  /** Parameter names by index - 1 (with their `:` / `@` / `$` prefix), null for `?` / `?NNN`. */
  readonly parameter_names: readonly (string | null)[];
  /** Something other than whitespace and comments follows the first statement. */
  readonly multiple: boolean;
  /** pysqlite's `is_dml`: starts with INSERT, UPDATE, DELETE or REPLACE. */
  readonly is_dml: boolean;
  /** May change last_insert_rowid(): an INSERT or REPLACE anywhere in it. */
  readonly inserts: boolean;
  /** Cannot change the schema (a query, DML or transaction control): result columns stay as they were. */
  readonly keeps_schema: boolean;
}

const cache = new Map<string, StatementInfo>();
const CACHE_LIMIT = 512;

let lastSql: string | null = null;
let lastInfo: StatementInfo | null = null;

export function statementInfo(sql: string): StatementInfo {
  // the same statement as the last one (a loop of executes): no lookup
  if (sql === lastSql) return lastInfo!;
  let info = cache.get(sql);
  if (!info) {
    info = analyse(sql);
    if (cache.size >= CACHE_LIMIT) cache.delete(cache.keys().next().value as string);
    cache.set(sql, info);
  }
  lastSql = sql;
  lastInfo = info;
  return info;
}

const DML = new Set(["insert", "update", "delete", "replace"]);
const KEEPS_SCHEMA = new Set([
  "select",
  "with",
  "values",
  "insert",
  "update",
  "delete",
  "replace",
  "begin",
  "commit",
  "end",
  "rollback",
  "savepoint",
  "release",
]);
const INSERTS = /\b(?:insert|replace)\b/i;

function isIdent(c: string | undefined): boolean {
  return c !== undefined && /[A-Za-z0-9_\u0080-\uffff]/.test(c);
}

function isSpace(c: number): boolean {
  return c === 32 || (c >= 9 && c <= 13);
}

/** Whether the literal or comment the scanner skipped from `i` was a comment. */
function isComment(sql: string, i: number): boolean {
  const c = sql.charCodeAt(i);
  return c === 45 /* - */ || c === 47 /* / */;
}

function analyse(sql: string): StatementInfo {
  const names: (string | null)[] = [];
  const named = new Map<string, number>();
  let end = -1;
  let code = "";
  /** The statement's first word, when a word comes before anything but whitespace and comments. */
  let first: string | null = null;
  let started = false;
  const n = sql.length;
  let i = 0;
  while (i < n) {
    const skipped = skipNonCode(sql, i, SQLITE);
    if (skipped !== i) {
      if (!isComment(sql, i)) started = true;
      code += " ";
      i = skipped;
      continue;
    }
    const c = sql[i]!;
    if (!started && !isSpace(sql.charCodeAt(i))) {
      started = true;
      if (isWordStart(sql.charCodeAt(i))) {
        let j = i + 1;
        while (j < n && isWordPart(sql.charCodeAt(j))) j++;
        first = sql.slice(i, j).toLowerCase();
      }
    }
    if (c === ";") {
      end = i + 1;
      break;
    } else if (c === "?") {
      let j = i + 1;
      while (j < n && sql[j]! >= "0" && sql[j]! <= "9") j++;
      const index = j > i + 1 ? Number(sql.slice(i + 1, j)) : names.length + 1;
      while (names.length < index) names.push(null);
      code += " ";
      i = j;
    } else if (
      (c === ":" || c === "@" || c === "$") &&
      isIdent(sql[i + 1]) &&
      !(c === ":" && sql[i - 1] === ":")
    ) {
      let j = i + 1;
      while (j < n && isIdent(sql[j])) j++;
      const name = sql.slice(i, j);
      if (!named.has(name)) {
        names.push(name);
        named.set(name, names.length);
      }
      code += " ";
      i = j;
    } else {
      code += c;
      i++;
    }
  }
  return {
    parameter_count: names.length,
    parameter_names: names,
    multiple: end >= 0 && moreThanComments(sql, end),
    is_dml: first !== null && DML.has(first),
    inserts: INSERTS.test(code),
    keeps_schema: first !== null && KEEPS_SCHEMA.has(first),
  };
}

/** Whether anything but whitespace, `;` and comments follows `from` (a second statement). */
function moreThanComments(sql: string, from: number): boolean {
  for (let i = from; i < sql.length; ) {
    const skipped = skipNonCode(sql, i, SQLITE);
    if (skipped !== i) {
      if (!isComment(sql, i)) return true;
      i = skipped;
    } else if (isSpace(sql.charCodeAt(i)) || sql.charCodeAt(i) === 59 /* ; */) i++;
    else return true;
  }
  return false;
}

/** Python's type name for a value, as `type(x).__name__` shows it in sqlite3's messages. */
function pythonTypeName(value: unknown): string {
  if (value instanceof Decimal) return "decimal.Decimal";
  if (isTuple(value)) return "tuple";
  if (Array.isArray(value)) return "list";
  if (value instanceof Map) return "dict";
  if (typeof value === "function") return "function";
  if (typeof value === "symbol") return "symbol";
  const ctor = (value as object)?.constructor;
  if (!ctor || ctor === Object) return "dict";
  return ctor.name || "object";
}

const INT64_MAX = 9223372036854775807n;
const INT64_MIN = -9223372036854775808n;

/**
 * pysqlite's adaptation of one Python value (1-based `index` for messages): int/float/str/bytes/None
 * as they are, bool as 1/0, date/datetime through the default adapters (ISO text). Anything else -
 * `Decimal` included - is refused as pysqlite refuses it; SQLAlchemy's Numeric type turns a Decimal
 * into a float before it gets here.
 */
export function adaptValue(value: unknown, index: number): unknown {
  switch (typeof value) {
    case "number":
    case "string":
      return value;
    case "boolean":
      return value ? 1 : 0;
    case "undefined":
      return null;
    case "bigint":
      if (value > INT64_MAX || value < INT64_MIN)
        throw new OverflowError("Python int too large to convert to SQLite INTEGER");
      return Number(value);
  }
  if (value === null) return null;
  if (value instanceof Uint8Array) return value;
  if (value instanceof ArrayBuffer) return new Uint8Array(value);
  if (value instanceof datetime) return value.isoformat(" ");
  if (value instanceof date) return value.isoformat();
  if (value instanceof Date) return datetime.fromDate(value).isoformat(" ");
  throw new ProgrammingError(
    `Error binding parameter ${index}: type '${pythonTypeName(value)}' is not supported`,
  );
}

/** The values to bind, by position, checked as pysqlite checks them. */
export function bindParameters(info: StatementInfo, parameters: unknown): unknown[] | undefined {
  const count = info.parameter_count;
  if (parameters === undefined || parameters === null) {
    if (count === 0) return undefined;
    throw new ProgrammingError(
      `Incorrect number of bindings supplied. The current statement uses ${count}, and there are 0 supplied.`,
    );
  }
  if (Array.isArray(parameters)) {
    if (parameters.length !== count) {
      throw new ProgrammingError(
        `Incorrect number of bindings supplied. The current statement uses ${count}, and there are ${parameters.length} supplied.`,
      );
    }
    if (count === 0) return undefined;
    // numbers, strings and None bind as they are: the sequence is copied only when a value changes
    let out: unknown[] | null = null;
    for (let i = 0; i < count; i++) {
      const v = parameters[i];
      const a = adaptValue(v, i + 1);
      if (a !== v && out === null) out = parameters.slice(0, count);
      if (out !== null) out[i] = a;
    }
    return out ?? parameters;
  }
  if (typeof parameters === "object" && !(parameters instanceof Uint8Array)) {
    const dict = parameters as Record<string, unknown>;
    const get = parameters instanceof Map ? (k: string) => parameters.get(k) : (k: string) => dict[k];
    const has =
      parameters instanceof Map ? (k: string) => parameters.has(k) : (k: string) => Object.hasOwn(dict, k);
    if (count === 0) return undefined;
    const out = new Array(count);
    for (let i = 0; i < count; i++) {
      const name = info.parameter_names[i];
      if (!name)
        throw new ProgrammingError(
          `Binding ${i + 1} has no name, but you supplied a dictionary (which has only names).`,
        );
      const key = name.slice(1);
      if (!has(key)) throw new ProgrammingError(`You did not supply a value for binding parameter :${key}.`);
      out[i] = adaptValue(get(key), i + 1);
    }
    return out;
  }
  throw new ProgrammingError("parameters are of unsupported type");
}
