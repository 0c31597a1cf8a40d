/**
 * psycopg2's exception classes: one per SQLSTATE (`psycopg2.errors.UniqueViolation` …) under the PEP 249
 * classes, and str(err) exactly as psycopg2 shows libpq's message (with `LINE n:` and the caret, `DETAIL:`).
 */
import type { DriverErrorLike } from "../../exc.ts";
import { defineModule } from "../../util/repr.ts";

type Pep249 = DriverErrorLike["pep249"];

/** SQLSTATE → psycopg2.errors class name, for the codes a learner meets. */
const NAMES: Record<string, string> = {
  "0A000": "FeatureNotSupported",
  "21000": "CardinalityViolation",
  "22001": "StringDataRightTruncation",
  "22003": "NumericValueOutOfRange",
  "22007": "InvalidDatetimeFormat",
  "22008": "DatetimeFieldOverflow",
  "22012": "DivisionByZero",
  "22P02": "InvalidTextRepresentation",
  "23502": "NotNullViolation",
  "23503": "ForeignKeyViolation",
  "23505": "UniqueViolation",
  "23514": "CheckViolation",
  "25001": "ActiveSqlTransaction",
  "25P01": "NoActiveSqlTransaction",
  "25P02": "InFailedSqlTransaction",
  "2BP01": "DependentObjectsStillExist",
  "3B001": "InvalidSavepointSpecification",
  "3F000": "InvalidSchemaName",
  "40001": "SerializationFailure",
  "40P01": "DeadlockDetected",
  "42501": "InsufficientPrivilege",
  "42601": "SyntaxError",
  "42602": "InvalidName",
  "42611": "InvalidColumnDefinition",
  "42622": "NameTooLong",
  "42701": "DuplicateColumn",
  "42702": "AmbiguousColumn",
  "42703": "UndefinedColumn",
  "42704": "UndefinedObject",
  "42710": "DuplicateObject",
  "42723": "DuplicateFunction",
  "42725": "AmbiguousFunction",
  "42803": "GroupingError",
  "42804": "DatatypeMismatch",
  "42809": "WrongObjectType",
  "42830": "InvalidForeignKey",
  "42883": "UndefinedFunction",
  "42P01": "UndefinedTable",
  "42P02": "UndefinedParameter",
  "42P07": "DuplicateTable",
  "42P10": "InvalidColumnReference",
  "42P18": "IndeterminateDatatype",
  "55P03": "LockNotAvailable",
  "57014": "QueryCanceled",
};

/** psycopg2's `base_exception_from_sqlstate`. */
export function pep249For(code: string): Pep249 {
  const cls = code.slice(0, 2);
  if (cls === "0A") return "NotSupportedError";
  if (cls === "20" || cls === "21") return "ProgrammingError";
  if (cls === "22") return "DataError";
  if (cls === "23") return "IntegrityError";
  if (["24", "25", "2B", "2D", "2F", "38", "39", "3B"].includes(cls)) return "InternalError";
  if (["26", "27", "28", "34", "40", "53", "54", "55", "57", "58"].includes(cls)) return "OperationalError";
  if (["3D", "3F", "42", "44"].includes(cls)) return "ProgrammingError";
  if (["F0", "HV", "P0", "XX"].includes(cls)) return "InternalError";
  return "DatabaseError";
}

export interface PgErrorFields {
  message: string;
  code?: string;
  detail?: string;
  hint?: string;
  position?: string;
  where?: string;
}

export interface PgDriverError extends DriverErrorLike {
  readonly pgcode: string | null;
  readonly pgerror: string;
  readonly diag: PgErrorFields;
}

const classes = new Map<string, new (text: string, fields: PgErrorFields) => PgDriverError>();

function errorClass(driverModule: string, name: string, pep249: Pep249) {
  const key = `${driverModule}.${name}`;
  let cls = classes.get(key);
  if (!cls) {
    const made = class extends Error implements PgDriverError {
      readonly driverModule = driverModule;
      readonly driverClass = name;
      readonly pep249 = pep249;
      readonly sqlstate: string | undefined;
      readonly pgcode: string | null;
      readonly pgerror: string;
      readonly diag: PgErrorFields;
      constructor(text: string, fields: PgErrorFields) {
        super(text);
        this.name = name;
        this.pgerror = text;
        this.diag = fields;
        this.pgcode = fields.code ?? null;
        this.sqlstate = fields.code;
      }
    };
    Object.defineProperty(made, "name", { value: name });
    defineModule(driverModule, made);
    cls = made;
    classes.set(key, cls);
  }
  return cls;
}

const DISPLAY_SIZE = 60;
const MIN_RIGHT_CUT = 10;

/** libpq's `LINE n: …` and caret lines for an error position (1-based, in characters). */
export function errorPositionLines(query: string, position: number): string {
  const chars = Array.from(query);
  const loc = Math.min(Math.max(position - 1, 0), chars.length);
  let lineStart = 0;
  let lineNo = 1;
  for (let i = 0; i < loc; i++) {
    if (chars[i] === "\n") {
      lineStart = i + 1;
      lineNo++;
    }
  }
  let lineEnd = chars.indexOf("\n", lineStart);
  if (lineEnd < 0) lineEnd = chars.length;
  const line = chars.slice(lineStart, lineEnd).map((c) => (c === "\t" ? " " : c));
  const col = loc - lineStart;
  let beg = 0;
  let end = line.length;
  let begTrunc = false;
  let endTrunc = false;
  if (end - beg > DISPLAY_SIZE) {
    if (col + MIN_RIGHT_CUT <= DISPLAY_SIZE) {
      end = beg + DISPLAY_SIZE;
      endTrunc = true;
    } else {
      if (end > col + MIN_RIGHT_CUT) {
        end = col + MIN_RIGHT_CUT;
        endTrunc = true;
      }
      while (end - beg > DISPLAY_SIZE) {
        beg++;
        begTrunc = true;
      }
    }
  }
  const prefix = `LINE ${lineNo}: ${begTrunc ? "..." : ""}`;
  const text = `${prefix}${line.slice(beg, end).join("")}${endTrunc ? "..." : ""}`;
  return `${text}\n${" ".repeat(prefix.length + col - beg)}^\n`;
}

/** A psycopg2 error from PostgreSQL's ErrorResponse fields. */
export function psycopg2Error(fields: PgErrorFields, query: string | null): PgDriverError {
  let text = `${fields.message}\n`;
  if (fields.position && query !== null) text += errorPositionLines(query, Number(fields.position));
  if (fields.detail) text += `DETAIL:  ${fields.detail}\n`;
  if (fields.hint) text += `HINT:  ${fields.hint}\n`;
  const code = fields.code ?? "";
  const name = NAMES[code];
  const pep = pep249For(code);
  const cls = name ? errorClass("psycopg2.errors", name, pep) : errorClass("psycopg2", pep, pep);
  return new cls(text, fields);
}

/** psycopg2.OperationalError / InternalError … raised by the driver itself. */
export function psycopg2Plain(pep: Pep249, message: string): PgDriverError {
  return new (errorClass("psycopg2", pep, pep))(message, { message });
}

/** asyncpg's error, as SQLAlchemy's asyncpg adapter re-raises it (`<class 'asyncpg.exceptions.X'>: msg`). */
export function asyncpgError(fields: PgErrorFields): PgDriverError {
  const code = fields.code ?? "";
  const base = NAMES[code];
  const asyncpgName = base ? `${base.replace(/Error$/, "")}Error` : "PostgresError";
  const pep = pep249For(code);
  const text = `<class 'asyncpg.exceptions.${asyncpgName}'>: ${fields.message}${fields.detail ? `\nDETAIL:  ${fields.detail}` : ""}`;
  return new (errorClass("sqlalchemy.dialects.postgresql.asyncpg", pep, pep))(text, fields);
}
