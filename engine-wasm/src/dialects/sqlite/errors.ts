/**
 * Python's `sqlite3` exception classes (PEP 249), carrying what SQLAlchemy needs to wrap them.
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

/** sql.js reports SQLite's message only; pick the class pysqlite would raise for it. */
export function fromSqljs(err: unknown): Error {
  const message = err instanceof Error ? err.message : String(err);
  if (/constraint failed|datatype mismatch/i.test(message)) return new IntegrityError(message);
  if (/out of memory|disk i\/o error|internal/i.test(message)) return new InternalError(message);
  if (/too many SQL variables|column index out of range/i.test(message)) {
    return new ProgrammingError(message);
  }
  return new OperationalError(message);
}
