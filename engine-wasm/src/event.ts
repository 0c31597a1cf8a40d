/**
 * `sqlalchemy.event`: `listen(target, identifier, fn)`, `listens_for(target, identifier)(fn)`,
 * `remove()`, `contains()`. Targets (Engine, Connection, Pool, Session, mapped classes …) own a
 * `Dispatcher`; a target type can also route an identifier elsewhere (an Engine forwards pool events
 * such as "connect" to its pool) through `_listen_event`.
 */
import { InvalidRequestError } from "./exc.ts";

export type Listener = (...args: any[]) => any;

export class Dispatcher {
  private readonly _map = new Map<string, Listener[]>();
  private readonly _parent: Dispatcher | null;
  /** Listeners registered here (not the parent's): `any` is read on every execute. */
  private _count = 0;

  constructor(parent: Dispatcher | null = null) {
    this._parent = parent;
  }

  listen(identifier: string, fn: Listener, options: { once?: boolean; insert?: boolean } = {}): void {
    let wrapped = fn;
    if (options.once) {
      let fired = false;
      wrapped = (...args) => {
        if (fired) return undefined;
        fired = true;
        return fn(...args);
      };
      (wrapped as { _orig?: Listener })._orig = fn;
    }
    const list = this._map.get(identifier) ?? [];
    if (options.insert) list.unshift(wrapped);
    else list.push(wrapped);
    this._map.set(identifier, list);
    this._count++;
  }

  remove(identifier: string, fn: Listener): void {
    const list = this._map.get(identifier);
    if (!list) throw new InvalidRequestError(`No listeners found for event ${identifier} / ${fn.name}`);
    const i = list.findIndex((l) => wraps(l, fn));
    if (i < 0) throw new InvalidRequestError(`No listeners found for event ${identifier} / ${fn.name}`);
    list.splice(i, 1);
    this._count--;
  }

  contains(identifier: string, fn: Listener): boolean {
    return (this._map.get(identifier) ?? []).some((l) => wraps(l, fn));
  }

  /** Listeners for an identifier: the parent's (e.g. the engine's for a connection) then our own. */
  listeners(identifier: string): readonly Listener[] {
    if (this._count === 0) return this._parent === null ? EMPTY : this._parent.listeners(identifier);
    const own = this._map.get(identifier);
    const inherited = this._parent?.listeners(identifier);
    if (!inherited?.length) return own ?? EMPTY;
    return own?.length ? [...inherited, ...own] : inherited;
  }

  has(identifier: string): boolean {
    return this.listeners(identifier).length > 0;
  }

  get any(): boolean {
    return this._count > 0 || this._parent?.any === true;
  }
}

const EMPTY: readonly Listener[] = Object.freeze([]);

/** Whether a registered listener is `fn` or wraps it (`once`, or a target's own adaptation). */
function wraps(listener: Listener | undefined, fn: Listener): boolean {
  for (let l = listener; l; l = (l as { _orig?: Listener })._orig) if (l === fn) return true;
  return false;
}

export interface ListenOptions {
  once?: boolean;
  insert?: boolean;
  retval?: boolean;
  /** ORM instance events: the listener receives the InstanceState, not the object. */
  raw?: boolean;
  propagate?: boolean;
}

export interface EventTarget {
  _listen_event(identifier: string, fn: Listener, options: ListenOptions): void;
  readonly dispatch?: Dispatcher;
}

/**
 * Where the events of a target that is not itself an EventTarget live (SQLAlchemy's `_accept_with`):
 * the ORM finds a mapped class's or a Mapper's instance events this way.
 */
const resolvers: ((target: unknown) => EventTarget | null)[] = [];

export function _register_event_target(resolve: (target: unknown) => EventTarget | null): void {
  resolvers.push(resolve);
}

function resolve(target: unknown): EventTarget | null {
  if (target && typeof (target as EventTarget)._listen_event === "function") return target as EventTarget;
  for (const r of resolvers) {
    const found = r(target);
    if (found) return found;
  }
  return null;
}

function asTarget(target: unknown): EventTarget {
  const found = resolve(target);
  if (found) return found;
  throw new InvalidRequestError(
    `No such event target: ${String((target as { name?: string })?.name ?? target)}`,
  );
}

export function listen(target: unknown, identifier: string, fn: Listener, options: ListenOptions = {}): void {
  asTarget(target)._listen_event(identifier, fn, options);
}

export function listens_for(target: unknown, identifier: string, options: ListenOptions = {}) {
  return <F extends Listener>(fn: F): F => {
    listen(target, identifier, fn, options);
    return fn;
  };
}

function dispatcherOf(target: unknown): Dispatcher | undefined {
  return (target as { dispatch?: Dispatcher } | null)?.dispatch ?? resolve(target)?.dispatch;
}

export function remove(target: unknown, identifier: string, fn: Listener): void {
  const dispatch = dispatcherOf(target);
  if (!dispatch) throw new InvalidRequestError(`No listeners found for event ${identifier}`);
  dispatch.remove(identifier, fn);
}

export function contains(target: unknown, identifier: string, fn: Listener): boolean {
  return !!dispatcherOf(target)?.contains(identifier, fn);
}

export const event = { listen, listens_for, remove, contains };
