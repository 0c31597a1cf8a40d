/**
 * asyncpg's exceptions and how SQLAlchemy's asyncpg adapter (dialects/postgresql/asyncpg.py)
 * re-raises them: `asyncpg.exceptions.UniqueViolationError` becomes the adapter's
 * `IntegrityError("<class 'asyncpg.exceptions.UniqueViolationError'>: duplicate key …")`, raised
 * `from` the asyncpg error (its `cause`). Integrity violations (class 23) map to IntegrityError,
 * syntax or access errors (class 42) to ProgrammingError, internal server errors (class XX) to
 * InternalServerError, client-side errors (asyncpg's InterfaceError, e.g. DataError for a value
 * the parameter's type cannot take) to InterfaceError, every other server error to Error.
 */
import { defineModule } from "../../util/repr.ts";
import {
  diagnostics,
  driverErrorClass,
  type Pep249,
  type PgDriverError,
  type PgErrorFields,
} from "./errors.ts";
import { SQLSTATE_CLASSES } from "./sqlstate.ts";

const ADAPTER_MODULE = "sqlalchemy.dialects.postgresql.asyncpg";

/** An exception of the asyncpg package itself (`asyncpg.exceptions.X`). */
export interface AsyncpgException extends Error {
  readonly sqlstate: string | null;
  readonly detail: string | null;
  readonly hint: string | null;
  __str__(): string;
}

const classes = new Map<string, new (message: string, fields: PgErrorFields | null) => AsyncpgException>();

/** Server errors are classes of `asyncpg.exceptions`; the base and client-side ones live in `asyncpg.exceptions._base`. */
function asyncpgClass(name: string, module = "asyncpg.exceptions") {
  const key = `${module}.${name}`;
  let cls = classes.get(key);
  if (!cls) {
    const made = class extends Error implements AsyncpgException {
      readonly sqlstate: string | null;
      readonly detail: string | null;
      readonly hint: string | null;
      readonly diag;
      constructor(message: string, fields: PgErrorFields | null) {
        super(message);
        this.name = name;
        this.sqlstate = fields?.code ?? null;
        this.detail = fields?.detail ?? null;
        this.hint = fields?.hint ?? null;
        this.diag = diagnostics(fields ?? { message });
      }
      /** asyncpg's `PostgresMessage.__str__`: the message, then DETAIL and HINT lines. */
      __str__(): string {
        let text = this.message;
        if (this.detail) text += `\nDETAIL:  ${this.detail}`;
        if (this.hint) text += `\nHINT:  ${this.hint}`;
        return text;
      }
    };
    Object.defineProperty(made, "name", { value: name });
    defineModule(module, made);
    cls = made;
    classes.set(key, cls);
  }
  return cls;
}

/** The adapter class SQLAlchemy's `_asyncpg_error_translate` picks for an asyncpg server error. */
function adapterClassFor(code: string, known: boolean): { name: string; pep249: Pep249 } {
  if (known && code.startsWith("23")) return { name: "IntegrityError", pep249: "IntegrityError" };
  if (known && code.startsWith("42")) return { name: "ProgrammingError", pep249: "ProgrammingError" };
  if (known && code.startsWith("XX")) return { name: "InternalServerError", pep249: "InternalError" };
  return { name: "Error", pep249: "Error" };
}

/** The adapter's translation: `<ClassName>("<class 'asyncpg.exceptions.X'>: <str(error)>")`, from `error`. */
function translate(
  error: AsyncpgException,
  name: string,
  pep249: Pep249,
  fields: PgErrorFields | null,
): PgDriverError {
  const module = (error.constructor as { __module__?: string }).__module__;
  const text = `<class '${module}.${error.name}'>: ${error.__str__()}`;
  const translated = new (driverErrorClass(ADAPTER_MODULE, name, pep249))(text, fields);
  Object.defineProperty(translated, "cause", { value: error, enumerable: false });
  return translated;
}

/** What the asyncpg adapter raises for an ErrorResponse from the server. */
export function asyncpgServerError(fields: PgErrorFields): PgDriverError {
  const code = fields.code ?? "";
  const own = SQLSTATE_CLASSES[code]?.[1] ?? null;
  const cls = own ? asyncpgClass(own) : asyncpgClass("UnknownPostgresError", "asyncpg.exceptions._base");
  const error = new cls(fields.message ?? "", fields);
  const { name, pep249 } = adapterClassFor(code, own !== null);
  return translate(error, name, pep249, fields);
}

/** What the adapter raises for asyncpg's own `DataError` / `InterfaceError` (raised before anything reaches the server). */
export function asyncpgInterfaceError(
  asyncpgName: "DataError" | "InterfaceError",
  message: string,
): PgDriverError {
  const error = new (asyncpgClass(asyncpgName, "asyncpg.exceptions._base"))(message, null);
  return translate(error, "InterfaceError", "InterfaceError", null);
}

/** An error the adapter raises itself, not from asyncpg (e.g. use of a closed connection). */
export function asyncpgAdapterError(pep249: Pep249, message: string): PgDriverError {
  return new (driverErrorClass(ADAPTER_MODULE, pep249, pep249))(message, null);
}
