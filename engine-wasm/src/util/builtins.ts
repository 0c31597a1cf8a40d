/**
 * Python's built-in exceptions that SQLAlchemy lets through (`builtins.AttributeError`, …), so that a
 * learner sees the class Python would show.
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
export class NotImplementedError extends Error {
  constructor(message = "") {
    super(message);
    this.name = "NotImplementedError";
  }
}
defineModule(
  "builtins",
  RuntimeError,
  AttributeError,
  IndexError,
  KeyError,
  ValueError,
  NotImplementedError,
  TypeError,
);
