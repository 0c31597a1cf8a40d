/**
 * Python's `sqlite3` exception classes (PEP 249), carrying what SQLAlchemy needs to wrap them, and
 * the choice of class for an SQLite error, as `_pysqlite_seterror()` makes it from the result code.
 */
import type { DriverErrorLike } from "../../exc.ts";
import { defineModule } from "../../util/repr.ts";

type Pep249 = DriverErrorLike["pep249"];

function make(name: string, pep249: Pep249, Base: new (message: string) => Error) {
  const cls = class extends Base implements DriverErrorLike {
    readonly driverModule = "sqlite3";
    readonly driverClass = name;
    readonly pep249 = pep249;
    constructor(message: string) {
      super(message);
      this.name = name;
    }
  };
  Object.defineProperty(cls, "name", { value: name });
  defineModule("sqlite3", cls);
  return cls;
}

export const Error_ = make("Error", "Error", Error);
export const InterfaceError = make("InterfaceError", "InterfaceError", Error_);
export const DatabaseError = make("DatabaseError", "DatabaseError", Error_);
export const DataError = make("DataError", "DataError", DatabaseError);
export const OperationalError = make("OperationalError", "OperationalError", DatabaseError);
export const IntegrityError = make("IntegrityError", "IntegrityError", DatabaseError);
export const InternalError = make("InternalError", "InternalError", DatabaseError);
export const ProgrammingError = make("ProgrammingError", "ProgrammingError", DatabaseError);
export const NotSupportedError = make("NotSupportedError", "NotSupportedError", DatabaseError);

/**
 * sql.js reports SQLite's message only (sqlite3_errmsg); the messages name the result code's
 * family, from which pysqlite picks the class: CONSTRAINT / MISMATCH -> IntegrityError, TOOBIG ->
 * DataError, INTERNAL / NOTFOUND -> InternalError, CORRUPT / NOTADB -> DatabaseError, MISUSE /
 * RANGE -> InterfaceError, everything else (ERROR, BUSY, LOCKED, READONLY, IOERR, FULL, CANTOPEN,
 * SCHEMA …) -> OperationalError.
 */
export function fromSqljs(err: unknown): Error {
  if (err instanceof Error && "pep249" in err) return err;
  const message = err instanceof Error ? err.message : String(err);
  if (/constraint failed|^datatype mismatch$/.test(message)) return new IntegrityError(message);
  if (/^string or blob too big$/.test(message)) return new DataError(message);
  if (/^(internal logic error|unknown operation)/.test(message)) return new InternalError(message);
  if (/^(database disk image is malformed|file is not a database)/.test(message))
    return new DatabaseError(message);
  if (/^(bad parameter or other API misuse|column index out of range)$/.test(message))
    return new InterfaceError(message);
  return new OperationalError(message);
}
