/**
 * `sqlalchemy.event`: `listen(target, identifier, fn)`, `listens_for(target, identifier)(fn)`,
 * `remove()`, `contains()`. Targets (Engine, Connection, Pool, Session, mapped classes …) own a
 * `Dispatcher`; a target type can also route an identifier elsewhere (an Engine forwards pool events
 * such as "connect" to its pool) through `_listen_event`.
 *
 * As SQLAlchemy's event/registry.py does, every `listen()` remembers, under its (target, identifier,
 * fn), each listener it stored and where (the collections of sqlalchemy's `_key_to_collection`):
 * `remove()` with the same three arguments takes all of them out again, wherever the target routed
 * them (a pool, a mapper, an attribute, a Session class), and `contains()` says whether that
 * `listen()` is in force.
 */
import { InvalidRequestError } from "./exc.ts";
import { objectAddress, repr, str } from "./util/repr.ts";

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
    _stored(wrapped, () => this._remove_stored(identifier, wrapped));
  }

  /** Takes out the first listener that is `fn` or wraps it. */
  remove(identifier: string, fn: Listener): void {
    const stored = this._map.get(identifier)?.find((l) => wraps(l, fn));
    if (!stored) throw new InvalidRequestError(`No listeners found for event ${identifier} / ${fn.name}`);
    this._remove_stored(identifier, stored);
  }

  /** Takes out one listener as it was stored. */
  protected _remove_stored(identifier: string, stored: Listener): void {
    const list = this._map.get(identifier);
    const i = list ? list.indexOf(stored) : -1;
    if (i < 0) return;
    list!.splice(i, 1);
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
  /** Whether the target has the event (SQLAlchemy's `_accept_with`): remove() checks it as listen() does. */
  _accepts_event?(identifier: string): boolean;
  readonly dispatch?: Dispatcher;
}

/* ------------------------------------------------------------------------------------------------
 * what each listen() stored (SQLAlchemy's event/registry.py)
 * ---------------------------------------------------------------------------------------------- */

/** The listen() running now: its function, and how to take out each listener it stores. */
let recording: { fn: Listener; undo: (() => void)[] } | null = null;

/**
 * A target stored `stored` in one of its listener collections; `undo` takes it out. Recorded for the
 * listen() running now when `stored` is its function or wraps it (a `once` or `raw` adaptation), not
 * for listeners the ORM registers along the way (a backref's, while the listen configures mappers).
 */
export function _stored(stored: Listener, undo: () => void): void {
  if (recording !== null && wraps(stored, recording.fn)) recording.undo.push(undo);
}

/** (target, identifier, fn) → the undo of every listener that listen() stored. */
const registry = new WeakMap<object, Map<string, Map<Listener, (() => void)[]>>>();

/** Python's `%s` of a function: `<function my_listener at 0x7f…>`. */
function functionStr(fn: Listener): string {
  return `<function ${fn.name || "<lambda>"} at 0x${objectAddress(fn)}>`;
}

function registrationsOf(target: unknown, identifier: string): Map<Listener, (() => void)[]> | undefined {
  if (target === null || (typeof target !== "object" && typeof target !== "function")) return undefined;
  return registry.get(target as object)?.get(identifier);
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
  const t = asTarget(target);
  const previous = recording;
  const current = { fn, undo: [] as (() => void)[] };
  recording = current;
  try {
    t._listen_event(identifier, fn, options);
  } finally {
    recording = previous;
  }
  if (
    current.undo.length === 0 ||
    target === null ||
    (typeof target !== "object" && typeof target !== "function")
  )
    return;
  let byIdentifier = registry.get(target as object);
  if (!byIdentifier) registry.set(target as object, (byIdentifier = new Map()));
  let byFn = byIdentifier.get(identifier);
  if (!byFn) byIdentifier.set(identifier, (byFn = new Map()));
  byFn.set(fn, [...(byFn.get(fn) ?? []), ...current.undo]);
}

export function listens_for(target: unknown, identifier: string, options: ListenOptions = {}) {
  return <F extends Listener>(fn: F): F => {
    listen(target, identifier, fn, options);
    return fn;
  };
}

/** SQLAlchemy's `_event_key()`: the target must have the event, as for listen(). */
function checkEvent(target: unknown, identifier: string): void {
  const t = asTarget(target);
  if (t._accepts_event && !t._accepts_event(identifier))
    throw new InvalidRequestError(`No such event '${identifier}' for target '${str(target)}'`);
}

/**
 * Remove an event listener: the arguments are those given to listen(); every registration that
 * listen() made (on a pool, on each mapper, `once` wrappers …) is reverted.
 */
export function remove(target: unknown, identifier: string, fn: Listener): void {
  checkEvent(target, identifier);
  const byFn = registrationsOf(target, identifier);
  const undo = byFn?.get(fn);
  if (!undo) {
    throw new InvalidRequestError(
      `No listeners found for event ${str(target)} / ${repr(identifier)} / ${functionStr(fn)} `,
    );
  }
  byFn!.delete(fn);
  for (const u of undo) u();
}

/** Return True if the given target/ident/fn is set up to listen. */
export function contains(target: unknown, identifier: string, fn: Listener): boolean {
  checkEvent(target, identifier);
  return registrationsOf(target, identifier)?.has(fn) ?? false;
}

export const event = { listen, listens_for, remove, contains };
