/**
 * `sqlalchemy.exc`: one error tree, as in SQLAlchemy 2.0 (lib/sqlalchemy/exc.py).
 *
 * `str(err)` (the `__str__()` method, also `err.message`) is SQLAlchemy's text exactly, including the
 * `[SQL: …]`, `[parameters: …]` parts and the `(Background on this error at: …)` link. Each class
 * carries Python's module name in `__module__` so that `show_error()` prints `sqlalchemy.exc.X`.
 * This module imports nothing but the repr helpers.
 */

import { RuntimeWarning } from "./util/builtins.ts";
import { isTuple } from "./util/pytypes.ts";
import { defineModule, qualifiedErrorName, repr, reprNumber, reprString, str } from "./util/repr.ts";

const VERSION_TOKEN = "20";

export class SQLAlchemyError extends Error {
  /** SQLAlchemy's error code (`https://sqlalche.me/e/20/<code>`), if any. */
  code: string | null = null;
  readonly args: readonly unknown[];

  constructor(message?: unknown, options?: { code?: string | null }) {
    super(typeof message === "string" ? message : message === undefined ? "" : str(message));
    this.args = message === undefined ? [] : [message];
    this.name = new.target.name;
    const code = options?.code ?? (new.target as unknown as { defaultCode?: string }).defaultCode ?? null;
    this.code = code;
    this._refreshMessage();
  }

  /** Re-computes `message` after subclass fields are set (JS sets fields after super()). */
  protected _refreshMessage(): void {
    Object.defineProperty(this, "message", { value: this.__str__(), writable: true, configurable: true });
  }

  protected _code_str(): string {
    return this.code
      ? `(Background on this error at: https://sqlalche.me/e/${VERSION_TOKEN}/${this.code})`
      : "";
  }

  protected _message(): string {
    if (this.args.length === 1) {
      const a = this.args[0];
      return typeof a === "string" ? a : str(a);
    }
    return this.args.length === 0 ? "" : repr(this.args);
  }

  __str__(): string {
    const message = this._message();
    return this.code ? `${message} ${this._code_str()}` : message;
  }

  __repr__(): string {
    return `${this.constructor.name}(${this.args.map((a) => repr(a)).join(", ")})`;
  }

  override toString(): string {
    return `${this.constructor.name}: ${this.__str__()}`;
  }
}

export class ArgumentError extends SQLAlchemyError {}
export class ObjectNotExecutableError extends ArgumentError {
  readonly target: unknown;
  constructor(target: unknown) {
    super(`Not an executable object: ${repr(target)}`);
    this.target = target;
    this._refreshMessage();
  }
}
export class NoSuchModuleError extends ArgumentError {}
export class NoForeignKeysError extends ArgumentError {}
export class AmbiguousForeignKeysError extends ArgumentError {}
export class CircularDependencyError extends SQLAlchemyError {}
export class CompileError extends SQLAlchemyError {}
export class UnsupportedCompilationError extends CompileError {
  static defaultCode = "l7de";
}
export class IdentifierError extends SQLAlchemyError {}
export class DisconnectionError extends SQLAlchemyError {}
export class InvalidatePoolError extends DisconnectionError {}
export class TimeoutError extends SQLAlchemyError {
  static defaultCode = "3o7r";
}
export class InvalidRequestError extends SQLAlchemyError {}
export class IllegalStateChangeError extends InvalidRequestError {}
export class NoInspectionAvailable extends InvalidRequestError {}
export class PendingRollbackError extends InvalidRequestError {}
export class ResourceClosedError extends InvalidRequestError {}
export class NoSuchColumnError extends InvalidRequestError {}
export class NoResultFound extends InvalidRequestError {}
export class MultipleResultsFound extends InvalidRequestError {}
export class NoReferenceError extends InvalidRequestError {}
export class AwaitRequired extends InvalidRequestError {
  static defaultCode = "xd1r";
}
export class MissingGreenlet extends InvalidRequestError {
  static defaultCode = "xd2s";
}
export class NoSuchTableError extends InvalidRequestError {}
export class UnboundExecutionError extends InvalidRequestError {}
export class DontWrapMixin {}

/** What a DBAPI (driver) error looks like from here: the driver module decides the rest. */
export interface DriverErrorLike extends Error {
  /** Python's `type(orig).__module__`, e.g. `sqlite3`, `psycopg2.errors`, `asyncpg.exceptions`. */
  readonly driverModule: string;
  /** Python's class name, e.g. `OperationalError`, `UniqueViolation`. */
  readonly driverClass: string;
  /** PEP 249 class it derives from: decides the `sqlalchemy.exc` wrapper. */
  readonly pep249:
    | "InterfaceError"
    | "DatabaseError"
    | "DataError"
    | "OperationalError"
    | "IntegrityError"
    | "InternalError"
    | "ProgrammingError"
    | "NotSupportedError"
    | "Error";
  /** PostgreSQL SQLSTATE when known. */
  readonly sqlstate?: string;
}

export type StatementParams = unknown;

/**
 * Whether Python's repr() of `s` is surely `s` in single quotes: ASCII without quote, backslash or
 * control character (beyond ASCII, reprString decides what Python would escape).
 */
function isPlain(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x20 || c >= 0x7f || c === 39 /* ' */ || c === 92 /* \ */) return false;
  }
  return true;
}

/** repr() of a parameter value or name; numbers and plain strings (nearly all of them) directly. */
function reprParam(value: unknown): string {
  if (typeof value === "number") return reprNumber(value);
  if (typeof value === "string") return isPlain(value) ? `'${value}'` : reprString(value);
  return repr(value);
}

/** SQLAlchemy's `_repr_base.trunc`: a value's repr longer than 300 characters keeps 150 at each end. */
function truncRepr(value: unknown): string {
  const r = reprParam(value);
  if (r.length <= REPR_MAX_CHARS) return r;
  const seg = REPR_MAX_CHARS / 2;
  return `${r.slice(0, seg)} ... (${r.length - REPR_MAX_CHARS} characters truncated) ... ${r.slice(-seg)}`;
}
const REPR_MAX_CHARS = 300;
/** More parameters than this in one set show the first and last half of it. */
const REPR_MAX_PARAMS = 100;

/**
 * One parameter set: a tuple, list or dict of at most 100 parameters, or its first and last 50.
 * `names`: a dict's keys in order, when the caller has them.
 */
function reprParamSet(p: unknown, names?: readonly string[]): string {
  if (Array.isArray(p)) {
    const tupled = isTuple(p);
    const open = tupled ? "(" : "[";
    const close = tupled ? ")" : "]";
    const n = p.length;
    if (n > REPR_MAX_PARAMS) {
      const half = REPR_MAX_PARAMS / 2;
      const head = p.slice(0, half).map(truncRepr).join(", ");
      const tail = p.slice(-half).map(truncRepr).join(", ");
      return `${open}${head} ... ${n - REPR_MAX_PARAMS} parameters truncated ... ${tail}${close}`;
    }
    // a loop, not map/join: the statement's log line is made right after the previous database
    // call, where every builtin runs cold
    let items = n ? truncRepr(p[0]) : "";
    for (let i = 1; i < n; i++) items += `, ${truncRepr(p[i])}`;
    return n === 1 && open === "(" ? `(${items},)` : `${open}${items}${close}`;
  }
  if (p && typeof p === "object" && !(p as { __repr__?: unknown }).__repr__) {
    const dict = p as Record<string, unknown>;
    const keys = names ?? Object.keys(dict);
    const item = (k: string) => `${reprParam(k)}: ${truncRepr(dict[k])}`;
    const n = keys.length;
    if (n > REPR_MAX_PARAMS) {
      const half = REPR_MAX_PARAMS / 2;
      const head = keys.slice(0, half).map(item).join(", ");
      const tail = keys.slice(-half).map(item).join(", ");
      return `{${head} ... ${n - REPR_MAX_PARAMS} parameters truncated ... ${tail}}`;
    }
    let items = n ? item(keys[0]!) : "";
    for (let i = 1; i < n; i++) items += `, ${item(keys[i]!)}`;
    return `{${items}}`;
  }
  return truncRepr(p);
}

/**
 * `[parameters: …]` as SQLAlchemy's `_repr_params` renders it: up to 10 parameter sets of an
 * executemany (`... displaying 10 of N total bound parameter sets ...`), up to 100 parameters of a
 * set (`... N parameters truncated ...`), long values trimmed.
 */
export function reprParams(
  params: unknown,
  ismulti: boolean | null,
  maxParams = 10,
  names?: readonly string[],
): string {
  if (ismulti && Array.isArray(params)) {
    if (params.length > maxParams) {
      const n = params.length;
      const head = params.slice(0, maxParams - 2).map((p) => reprParamSet(p));
      const tail = params.slice(-2).map((p) => reprParamSet(p));
      return `[${head.join(", ")}  ... displaying ${maxParams} of ${n} total bound parameter sets ...  ${tail.join(", ")}]`;
    }
    return `[${params.map((p) => reprParamSet(p)).join(", ")}]`;
  }
  return reprParamSet(params, names);
}

export class StatementError extends SQLAlchemyError {
  statement: string | null;
  params: unknown;
  orig: Error | null;
  ismulti: boolean | null;
  hide_parameters: boolean;
  /** Lines shown as `(…)` before the message (SQLAlchemy's `detail`). */
  detail: string[] = [];

  constructor(
    message: string,
    statement: string | null,
    params: unknown,
    orig: Error | null,
    options?: { hide_parameters?: boolean; code?: string | null; ismulti?: boolean | null },
  ) {
    super(message, { code: options?.code });
    this.statement = statement;
    this.params = params;
    this.orig = orig;
    this.ismulti = options?.ismulti ?? null;
    this.hide_parameters = options?.hide_parameters ?? false;
    this._refreshMessage();
  }

  add_detail(msg: string): void {
    this.detail.push(msg);
    this._refreshMessage();
  }

  protected _sql_message(): string {
    const details = [this._message()];
    if (this.statement) {
      details.push(`[SQL: ${this.statement}]`);
      if (this.params !== undefined && this.params !== null && !isEmptyParams(this.params)) {
        if (this.hide_parameters) {
          details.push("[SQL parameters hidden due to hide_parameters=True]");
        } else {
          details.push(`[parameters: ${reprParams(this.params, this.ismulti)}]`);
        }
      }
    }
    const code = this._code_str();
    if (code) details.push(code);
    return [...this.detail.map((d) => `(${d})`), ...details].join("\n");
  }

  override __str__(): string {
    // Fields are not yet set while the base constructor runs.
    if (this.detail === undefined) return this._message();
    return this._sql_message();
  }
}

function isEmptyParams(p: unknown): boolean {
  if (Array.isArray(p)) return p.length === 0;
  if (typeof p === "object" && p !== null) return Object.keys(p).length === 0;
  return false;
}

type DBAPIErrorClass = new (
  statement: string | null,
  params: unknown,
  orig: Error,
  options?: {
    hide_parameters?: boolean;
    code?: string | null;
    ismulti?: boolean | null;
    connection_invalidated?: boolean;
  },
) => DBAPIError;

export class DBAPIError extends StatementError {
  static defaultCode = "dbapi";
  connection_invalidated: boolean;

  constructor(
    statement: string | null,
    params: unknown,
    orig: Error,
    options?: {
      hide_parameters?: boolean;
      code?: string | null;
      ismulti?: boolean | null;
      connection_invalidated?: boolean;
    },
  ) {
    const o = orig as Partial<DriverErrorLike>;
    const origName = o.driverModule ? `${o.driverModule}.${o.driverClass}` : `${qualifiedErrorName(orig)}`;
    super(`(${origName}) ${str(orig)}`, statement, params, orig, options);
    this.connection_invalidated = options?.connection_invalidated ?? false;
  }

  /** SQLAlchemy's `DBAPIError.instance()`: picks the wrapper class from the driver error's PEP 249 class. */
  static instance(
    statement: string | null,
    params: unknown,
    orig: Error,
    options?: { hide_parameters?: boolean; ismulti?: boolean | null; connection_invalidated?: boolean },
  ): StatementError {
    if (orig instanceof SQLAlchemyError && !(orig instanceof DBAPIError)) {
      if (orig instanceof StatementError) return orig;
      const code = orig.code;
      return new StatementError(
        `(${qualifiedErrorName(orig)}) ${str(orig)}`.replace(/ \(Background on this error at: [^)]*\)$/, ""),
        statement,
        params,
        orig,
        { ...options, code },
      );
    }
    const pep = (orig as Partial<DriverErrorLike>).pep249;
    if (!pep) {
      return new StatementError(
        `(${qualifiedErrorName(orig)}) ${str(orig)}`,
        statement,
        params,
        orig,
        options,
      );
    }
    const cls: DBAPIErrorClass = DBAPI_WRAPPERS[pep] ?? DBAPIError;
    return new cls(statement, params, orig, options);
  }
}

export class InterfaceError extends DBAPIError {
  static override defaultCode = "rvf5";
}
export class DatabaseError extends DBAPIError {
  static override defaultCode = "4xp6";
}
export class DataError extends DatabaseError {
  static override defaultCode = "9h9h";
}
export class OperationalError extends DatabaseError {
  static override defaultCode = "e3q8";
}
export class IntegrityError extends DatabaseError {
  static override defaultCode = "gkpj";
}
export class InternalError extends DatabaseError {
  static override defaultCode = "2j85";
}
export class ProgrammingError extends DatabaseError {
  static override defaultCode = "f405";
}
export class NotSupportedError extends DatabaseError {
  static override defaultCode = "tw8g";
}

const DBAPI_WRAPPERS: Record<string, DBAPIErrorClass> = {
  Error: DBAPIError,
  InterfaceError,
  DatabaseError,
  DataError,
  OperationalError,
  IntegrityError,
  InternalError,
  ProgrammingError,
  NotSupportedError,
};

/** SQLAlchemy's warnings (util/warnings.ts issues them as Python's `warnings.warn` does). */
export class SAWarning extends RuntimeWarning {}
export class SADeprecationWarning extends SAWarning {}

defineModule(
  "sqlalchemy.exc",
  SQLAlchemyError,
  ArgumentError,
  ObjectNotExecutableError,
  NoSuchModuleError,
  NoForeignKeysError,
  AmbiguousForeignKeysError,
  CircularDependencyError,
  CompileError,
  UnsupportedCompilationError,
  IdentifierError,
  DisconnectionError,
  InvalidatePoolError,
  TimeoutError,
  InvalidRequestError,
  IllegalStateChangeError,
  NoInspectionAvailable,
  PendingRollbackError,
  ResourceClosedError,
  NoSuchColumnError,
  NoResultFound,
  MultipleResultsFound,
  NoReferenceError,
  AwaitRequired,
  MissingGreenlet,
  NoSuchTableError,
  UnboundExecutionError,
  StatementError,
  DBAPIError,
  InterfaceError,
  DatabaseError,
  DataError,
  OperationalError,
  IntegrityError,
  InternalError,
  ProgrammingError,
  NotSupportedError,
  SAWarning,
  SADeprecationWarning,
);
