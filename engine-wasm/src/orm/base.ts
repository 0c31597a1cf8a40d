/**
 * `sqlalchemy.orm.base`: constants and small helpers shared by the ORM modules.
 */
import { UnmappedInstanceError } from "./exc.ts";

/** The marker for "no value loaded" (SQLAlchemy's `NO_VALUE` / `NEVER_SET`). */
export const NO_VALUE: unique symbol = Symbol("NO_VALUE");
export type NoValue = typeof NO_VALUE;

/**
 * Where an instance keeps its InstanceState (SQLAlchemy's `instance._sa_instance_state`, which the
 * declarative base also offers under that name). A symbol, so that setting it is a plain store and not
 * a property definition, and it stays out of `Object.keys()` and `JSON.stringify()`.
 */
import { objectAddress } from "../util/repr.ts";

export { objectAddress };

export const STATE_ATTR: unique symbol = Symbol("_sa_instance_state");

/** Passive flags for attribute access (SQLAlchemy's PassiveFlag, simplified). */
export const PASSIVE_OFF = 0;
/** Do not emit SQL: give back NO_VALUE for what is not loaded. */
export const PASSIVE_NO_FETCH = 1;
/** Do not initialize an empty value either. */
export const PASSIVE_NO_INITIALIZE = 2;

/** The class name SQLAlchemy uses in messages (the mapped class's `__name__`). */
export function className(cls: Function): string {
  return (cls as unknown as { __sa_name__?: string }).__sa_name__ ?? cls.name;
}

/** `<User at 0x7f…>`: how SQLAlchemy names an instance in messages (orm.base.state_str). */
export function instance_str(obj: object): string {
  return `<${className(obj.constructor)} at 0x${objectAddress(obj)}>`;
}

export interface HasState {
  [STATE_ATTR]?: unknown;
}

export function raiseUnmapped(obj: unknown): never {
  const name =
    obj !== null && typeof obj === "object"
      ? `${(obj.constructor as { name?: string }).name ?? "object"}`
      : typeof obj;
  throw new UnmappedInstanceError(`Class '${name}' is not mapped`);
}
