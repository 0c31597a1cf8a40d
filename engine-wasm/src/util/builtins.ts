/**
 * Python's built-in exception classes (`builtins.AttributeError`, …): the ones SQLAlchemy and the
 * DBAPI modules let through, and the ones a host raises for a learner's code (ImportError), so that a
 * learner sees the class Python would show. JavaScript's own TypeError stands for Python's. Every
 * such class is defined here and nowhere else.
 */
import { defineModule, repr } from "./repr.ts";

export class AttributeError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "AttributeError";
  }
}
export class IndexError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "IndexError";
  }
}
export class KeyError extends Error {
  readonly key: unknown;
  constructor(key: unknown) {
    super(repr(key));
    this.key = key;
    this.name = "KeyError";
  }
}
export class ValueError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ValueError";
  }
}
export class RuntimeError extends Error {
  constructor(message = "") {
    super(message);
    this.name = "RuntimeError";
  }
}
/** Python's failed `assert` (SQLAlchemy asserts a few preconditions, e.g. CTE.union_all()). */
export class AssertionError extends Error {
  constructor(message = "") {
    super(message);
    this.name = "AssertionError";
  }
}
export class NotImplementedError extends Error {
  constructor(message = "") {
    super(message);
    this.name = "NotImplementedError";
  }
}
/** An int that does not fit where it goes (sqlite3: beyond SQLite's 64-bit INTEGER). */
export class OverflowError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "OverflowError";
  }
}
/** A module that cannot be imported (or a name it does not have). */
export class ImportError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ImportError";
  }
}
export class ModuleNotFoundError extends ImportError {
  constructor(message: string) {
    super(message);
    this.name = "ModuleNotFoundError";
  }
}
/** Python's warning categories (`builtins.Warning` and the ones SQLAlchemy's warnings derive from). */
export class Warning extends Error {
  constructor(message?: string) {
    super(message);
    this.name = new.target.name;
  }
}
export class UserWarning extends Warning {}
export class DeprecationWarning extends Warning {}
export class RuntimeWarning extends Warning {}

defineModule(
  "builtins",
  Warning,
  UserWarning,
  DeprecationWarning,
  RuntimeWarning,
  OverflowError,
  ImportError,
  ModuleNotFoundError,
  RuntimeError,
  AttributeError,
  IndexError,
  KeyError,
  ValueError,
  NotImplementedError,
  AssertionError,
  TypeError,
);
