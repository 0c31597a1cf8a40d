/**
 * `sqlalchemy.orm.exc`: the ORM's own exceptions (the rest live in `sqlalchemy.exc`).
 */
import { InvalidRequestError, SQLAlchemyError } from "../exc.ts";
import { defineModule } from "../util/repr.ts";

/** An attribute load or refresh was attempted on an object that is not in a Session. */
export class DetachedInstanceError extends SQLAlchemyError {
  static defaultCode = "bhk3";
}
/** A refresh found no row for an object's primary key (the row was deleted elsewhere). */
export class ObjectDeletedError extends InvalidRequestError {}
/** A flush found fewer rows than expected for an UPDATE or DELETE. */
export class StaleDataError extends SQLAlchemyError {}
/** An error inside the unit of work that is not a database error. */
export class FlushError extends SQLAlchemyError {}
/** An object was given where a mapped instance was expected. */
export class UnmappedInstanceError extends InvalidRequestError {}
/** A class was given where a mapped class was expected. */
export class UnmappedClassError extends InvalidRequestError {}
/** A mapped class or attribute is used before its mapper could be configured. */
export class UnmappedColumnError extends InvalidRequestError {}
/** A loader strategy of "raise" was reached. */
export class LoaderStrategyException extends InvalidRequestError {}

defineModule(
  "sqlalchemy.orm.exc",
  DetachedInstanceError,
  ObjectDeletedError,
  StaleDataError,
  FlushError,
  UnmappedInstanceError,
  UnmappedClassError,
  UnmappedColumnError,
  LoaderStrategyException,
);
