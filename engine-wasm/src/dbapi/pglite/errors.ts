/**
 * The exceptions of psycopg2 and psycopg (3): one class per SQLSTATE (`psycopg2.errors.UniqueViolation`
 * …) under the driver's PEP 249 classes, and the message as libpq formats it (`LINE n:` with a caret
 * under the error position, `DETAIL:`, `HINT:`, `QUERY:`, `CONTEXT:`). psycopg2 keeps libpq's text
 * as is, ending with a newline; psycopg strips the surrounding whitespace.
 */
import type { DriverErrorLike } from "../../exc.ts";
import { defineModule } from "../../util/repr.ts";
import { SQLSTATE_CLASSES } from "./sqlstate.ts";

export type Pep249 = DriverErrorLike["pep249"];

/** The fields of a PostgreSQL ErrorResponse (under the names node-postgres and PGlite give them). */
export interface PgErrorFields {
  message: string;
  severity?: string;
  code?: string;
  detail?: string;
  hint?: string;
  position?: string;
  internalPosition?: string;
  internalQuery?: string;
  where?: string;
  schema?: string;
  table?: string;
  column?: string;
  dataType?: string;
  constraint?: string;
}

/** psycopg2's `err.diag` / psycopg's `err.diag`: the fields under libpq's names. */
export interface Diagnostics {
  readonly message_primary: string | null;
  readonly message_detail: string | null;
  readonly message_hint: string | null;
  readonly sqlstate: string | null;
  readonly severity: string | null;
  readonly statement_position: string | null;
  readonly internal_position: string | null;
  readonly internal_query: string | null;
  readonly context: string | null;
  readonly schema_name: string | null;
  readonly table_name: string | null;
  readonly column_name: string | null;
  readonly datatype_name: string | null;
  readonly constraint_name: string | null;
}

export function diagnostics(f: PgErrorFields): Diagnostics {
  return {
    message_primary: f.message ?? null,
    message_detail: f.detail ?? null,
    message_hint: f.hint ?? null,
    sqlstate: f.code ?? null,
    severity: f.severity ?? null,
    statement_position: f.position ?? null,
    internal_position: f.internalPosition ?? null,
    internal_query: f.internalQuery ?? null,
    context: f.where ?? null,
    schema_name: f.schema ?? null,
    table_name: f.table ?? null,
    column_name: f.column ?? null,
    datatype_name: f.dataType ?? null,
    constraint_name: f.constraint ?? null,
  };
}

/* ------------------------------------------------------------------------------------------------
 * libpq's error message (PQresultErrorMessage, default verbosity), without the `ERROR:  ` prefix.
 * ---------------------------------------------------------------------------------------------- */

const DISPLAY_SIZE = 60;
const MIN_RIGHT_CUT = 10;

/** Screen columns of one character: East Asian wide characters take two. */
function width(ch: string): number {
  const c = ch.codePointAt(0)!;
  const wide =
    (c >= 0x1100 && c <= 0x115f) ||
    (c >= 0x2e80 && c <= 0xa4cf && c !== 0x303f) ||
    (c >= 0xac00 && c <= 0xd7a3) ||
    (c >= 0xf900 && c <= 0xfaff) ||
    (c >= 0xfe30 && c <= 0xfe4f) ||
    (c >= 0xff00 && c <= 0xff60) ||
    (c >= 0xffe0 && c <= 0xffe6) ||
    (c >= 0x1f300 && c <= 0x1faff) ||
    (c >= 0x20000 && c <= 0x3fffd);
  return wide ? 2 : 1;
}

/**
 * libpq's `reportErrorPosition`: the line of `query` holding the 1-based character `position`
 * (`LINE n: …`, cut to 60 columns around the position) and a caret under it. Empty when the
 * position lies outside the query.
 */
export function errorPositionLines(query: string, position: number): string {
  const chars = Array.from(query, (c) => (c === "\t" ? " " : c));
  const loc = position - 1;
  if (loc < 0 || loc > chars.length) return "";
  let line = 1;
  let ibeg = 0;
  let iend = chars.length;
  for (let i = 0; i < chars.length; i++) {
    const ch = chars[i];
    if (ch !== "\r" && ch !== "\n") continue;
    if (i < loc) {
      if (ch === "\r" || i === 0 || chars[i - 1] !== "\r") line++;
      ibeg = i + 1;
    } else {
      iend = i;
      break;
    }
  }
  // Screen column at which each character starts.
  const col: number[] = [0];
  for (let i = 0; i < chars.length; i++) col.push(col[i]! + width(chars[i]!));
  let begTrunc = false;
  let endTrunc = false;
  if (col[iend]! - col[ibeg]! > DISPLAY_SIZE) {
    if (col[ibeg]! + DISPLAY_SIZE >= col[loc]! + MIN_RIGHT_CUT) {
      while (col[iend]! - col[ibeg]! > DISPLAY_SIZE) iend--;
      endTrunc = true;
    } else {
      while (col[loc]! + MIN_RIGHT_CUT < col[iend]!) {
        iend--;
        endTrunc = true;
      }
      while (col[iend]! - col[ibeg]! > DISPLAY_SIZE) {
        ibeg++;
        begTrunc = true;
      }
    }
  }
  const prefix = `LINE ${line}: ${begTrunc ? "..." : ""}`;
  const text = `${prefix}${chars.slice(ibeg, iend).join("")}${endTrunc ? "..." : ""}`;
  const caret = " ".repeat(prefix.length + col[loc]! - col[ibeg]!);
  return `${text}\n${caret}^\n`;
}

/** The message libpq builds from an ErrorResponse to `query`; ends with a newline. */
export function libpqErrorMessage(f: PgErrorFields, query: string | null): string {
  let text = f.message ?? "";
  let positionQuery: string | null = null;
  let position = 0;
  if (f.position) {
    if (query !== null) {
      positionQuery = query;
      position = Number(f.position);
    } else text += ` at character ${f.position}`;
  } else if (f.internalPosition) {
    if (f.internalQuery) {
      positionQuery = f.internalQuery;
      position = Number(f.internalPosition);
    } else text += ` at character ${f.internalPosition}`;
  }
  text += "\n";
  if (positionQuery !== null && position > 0) text += errorPositionLines(positionQuery, position);
  if (f.detail) text += `DETAIL:  ${f.detail}\n`;
  if (f.hint) text += `HINT:  ${f.hint}\n`;
  if (f.internalQuery) text += `QUERY:  ${f.internalQuery}\n`;
  if (f.where) text += `CONTEXT:  ${f.where}\n`;
  return text;
}

/* ------------------------------------------------------------------------------------------------
 * Error classes.
 * ---------------------------------------------------------------------------------------------- */

/** An error raised by an emulated PostgreSQL driver (psycopg2, psycopg, or asyncpg's adapter). */
export interface PgDriverError extends DriverErrorLike {
  /** psycopg2: the SQLSTATE (`pgcode`), the message (`pgerror`); null when the driver raised it itself. */
  readonly pgcode: string | null;
  readonly pgerror: string | null;
  readonly diag: Diagnostics;
}

type ErrorClass = new (message: string, fields: PgErrorFields | null) => PgDriverError;

const classes = new Map<string, ErrorClass>();

/** The class `module.name` (made once, so that every error of that kind shares it). */
export function driverErrorClass(module: string, name: string, pep249: Pep249): ErrorClass {
  const key = `${module}.${name}`;
  let cls = classes.get(key);
  if (!cls) {
    const made = class extends Error implements PgDriverError {
      readonly driverModule = module;
      readonly driverClass = name;
      readonly pep249 = pep249;
      readonly sqlstate: string | undefined;
      readonly pgcode: string | null;
      readonly pgerror: string | null;
      readonly diag: Diagnostics;
      constructor(message: string, fields: PgErrorFields | null) {
        super(message);
        this.name = name;
        this.sqlstate = fields?.code;
        this.pgcode = fields?.code ?? null;
        this.pgerror = fields ? message : null;
        this.diag = diagnostics(fields ?? { message: "" });
      }
      __str__(): string {
        return this.message;
      }
    };
    Object.defineProperty(made, "name", { value: name });
    defineModule(module, made);
    cls = made;
    classes.set(key, cls);
  }
  return cls;
}

/** psycopg2's `base_exception_from_sqlstate`: the class for a code without one of its own. */
function psycopg2Base(code: string): { module: string; name: string; pep249: Pep249 } {
  const base = (pep249: Pep249) => ({ module: "psycopg2", name: pep249, pep249 });
  const cls = code.slice(0, 2);
  if (cls === "08") return base("OperationalError");
  if (cls === "0A") return base("NotSupportedError");
  if (cls === "20" || cls === "21") return base("ProgrammingError");
  if (cls === "22") return base("DataError");
  if (cls === "23") return base("IntegrityError");
  if (["24", "25", "2B", "2D", "2F", "38", "39", "3B"].includes(cls)) return base("InternalError");
  if (["26", "27", "28", "34"].includes(cls)) return base("OperationalError");
  if (["3D", "3F", "42", "44"].includes(cls)) return base("ProgrammingError");
  if (cls === "40")
    return { module: "psycopg2.extensions", name: "TransactionRollbackError", pep249: "OperationalError" };
  if (code === "57014")
    return { module: "psycopg2.extensions", name: "QueryCanceledError", pep249: "OperationalError" };
  if (code[0] === "5") return base("OperationalError");
  if (cls === "HV") return base("OperationalError");
  if (code[0] === "F" || code[0] === "P" || code[0] === "X") return base("InternalError");
  return base("DatabaseError");
}

/** psycopg's `get_base_exception`. */
function psycopgBase(code: string): Pep249 {
  const cls = code.slice(0, 2);
  const byClass: Record<string, Pep249> = {
    "08": "OperationalError",
    "0A": "NotSupportedError",
    "10": "ProgrammingError",
    "20": "ProgrammingError",
    "21": "ProgrammingError",
    "22": "DataError",
    "23": "IntegrityError",
    "24": "InternalError",
    "25": "InternalError",
    "26": "ProgrammingError",
    "27": "OperationalError",
    "28": "OperationalError",
    "2B": "InternalError",
    "2D": "InternalError",
    "2F": "OperationalError",
    "34": "ProgrammingError",
    "38": "OperationalError",
    "39": "OperationalError",
    "3B": "OperationalError",
    "3D": "ProgrammingError",
    "3F": "ProgrammingError",
    "40": "OperationalError",
    "42": "ProgrammingError",
    "44": "ProgrammingError",
    "53": "OperationalError",
    "54": "OperationalError",
    "55": "OperationalError",
    "57": "OperationalError",
    "58": "OperationalError",
  };
  const byFirst: Record<string, Pep249> = {
    F: "OperationalError",
    H: "OperationalError",
    P: "ProgrammingError",
    X: "InternalError",
  };
  return byClass[cls] ?? byFirst[code[0] ?? ""] ?? "DatabaseError";
}

/** The driver the error belongs to: psycopg2 keeps libpq's message, psycopg strips it. */
export type PsycopgModule = "psycopg2" | "psycopg";

/** The error psycopg2 / psycopg raises for an ErrorResponse to `query` (the SQL as sent). */
export function serverError(
  driver: PsycopgModule,
  fields: PgErrorFields,
  query: string | null,
): PgDriverError {
  const code = fields.code ?? "";
  const own = SQLSTATE_CLASSES[code]?.[0] ?? null;
  const text = libpqErrorMessage(fields, query);
  if (driver === "psycopg") {
    const pep = psycopgBase(code);
    const cls = own ? driverErrorClass("psycopg.errors", own, pep) : driverErrorClass("psycopg", pep, pep);
    return new cls(text.trim(), fields);
  }
  const base = psycopg2Base(code);
  const cls = own
    ? driverErrorClass("psycopg2.errors", own, base.pep249)
    : driverErrorClass(base.module, base.name, base.pep249);
  return new cls(text, fields);
}

/** An error the driver raises itself (`psycopg2.ProgrammingError: can't adapt type 'dict'` …). */
export function clientError(driver: PsycopgModule, pep249: Pep249, message: string): PgDriverError {
  return new (driverErrorClass(driver, pep249, pep249))(message, null);
}
