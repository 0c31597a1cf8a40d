/**
 * `sqlalchemy.orm.events`: the ORM's event hooks.
 *
 * InstanceEvents `load` and `refresh`, listened to on a mapped class, on its Mapper, on the Mapper
 * class itself (every mapper) or, with `propagate: true`, on an unmapped base class (every class
 * mapped under it):
 *
 *   event.listens_for(User, "load")((target, context) => …)            // an object made from a row
 *   event.listens_for(User, "refresh")((target, context, attrs) => …)  // a row loaded into an object
 *
 * MapperEvents `before_insert` / `after_insert`, `before_update` / `after_update`, `before_delete` /
 * `after_delete` on the same targets, fired by persistence.ts where SQLAlchemy's persistence.py
 * fires them, with `(mapper, connection, target)`:
 *
 *   event.listens_for(User, "before_insert")((mapper, connection, target) => …)
 *
 * `raw: true` hands the listener the InstanceState instead of the object. loading.ts fires them
 * where SQLAlchemy's `loading._instance()` does: `load` once per object a query creates, `refresh`
 * once per existing object a load populates (session.refresh(), the SELECT of expired attributes,
 * populate_existing, or a row for an object with unloaded attributes or joined eager loads), with
 * the attribute names it loads (`null` when it loads them all).
 */
import {
  _register_event_target,
  Dispatcher,
  type EventTarget,
  type Listener,
  type ListenOptions,
} from "../event.ts";
import { InvalidRequestError } from "../exc.ts";
import { repr } from "../util/repr.ts";
import { _mapper_for_class, Mapper } from "./mapper.ts";
import type { InstanceState } from "./state.ts";

const INSTANCE_EVENTS = new Set(["load", "refresh"]);
/** MapperEvents of the unit of work: the object is their third argument. */
const MAPPER_EVENTS = new Set([
  "before_insert",
  "after_insert",
  "before_update",
  "after_update",
  "before_delete",
  "after_delete",
]);

/** Bumped by every listen and remove: what a mapper's cached listener lists are checked against. */
let version = 0;

/** When each listener was added, over every target: a mapper's listeners fire in that order. */
const added = new WeakMap<Listener, number>();
let sequence = 0;

class InstanceDispatcher extends Dispatcher {
  override listen(
    identifier: string,
    fn: Listener,
    options: { once?: boolean; insert?: boolean } = {},
  ): void {
    super.listen(identifier, fn, options);
    const list = this.listeners(identifier);
    const stored = options.insert ? list[0] : list.at(-1);
    if (stored) added.set(stored, options.insert ? -++sequence : ++sequence);
    version++;
  }
  protected override _remove_stored(identifier: string, stored: Listener): void {
    super._remove_stored(identifier, stored);
    version++;
  }
}

/** Listeners on the Mapper class: every mapper's. */
const everyMapper = new InstanceDispatcher();
const byMapper = new WeakMap<Mapper, InstanceDispatcher>();
/** Listeners on unmapped classes with propagate: every class mapped under them. */
const byBaseClass = new WeakMap<Function, InstanceDispatcher>();

class InstanceEventsTarget implements EventTarget {
  readonly dispatch: InstanceDispatcher;
  readonly #target: unknown;
  /** An unmapped class: only listeners with propagate apply (to the classes mapped under it). */
  readonly #base: boolean;
  constructor(dispatch: InstanceDispatcher, target: unknown, base = false) {
    this.dispatch = dispatch;
    this.#target = target;
    this.#base = base;
  }
  _accepts_event(identifier: string): boolean {
    return INSTANCE_EVENTS.has(identifier) || MAPPER_EVENTS.has(identifier);
  }
  _listen_event(identifier: string, fn: Listener, options: ListenOptions): void {
    if (!this._accepts_event(identifier))
      throw new InvalidRequestError(`No such event '${identifier}' for target '${repr(this.#target)}'`);
    if (this.#base && !options.propagate) return;
    let listener = fn;
    if (!options.raw) {
      // listeners are handed the InstanceState; a plain listener gets its object
      listener = MAPPER_EVENTS.has(identifier)
        ? (mapper: Mapper, connection: unknown, state: InstanceState) => fn(mapper, connection, state.obj)
        : (state: InstanceState, ...rest: unknown[]) => fn(state.obj, ...rest);
      (listener as { _orig?: Listener })._orig = fn;
    }
    this.dispatch.listen(identifier, listener, options);
  }
}

function dispatcherFor<K extends object>(map: WeakMap<K, InstanceDispatcher>, key: K): InstanceDispatcher {
  let d = map.get(key);
  if (!d) {
    d = new InstanceDispatcher();
    map.set(key, d);
  }
  return d;
}

_register_event_target((target) => {
  if (target === Mapper) return new InstanceEventsTarget(everyMapper, target);
  if (target instanceof Mapper) return new InstanceEventsTarget(dispatcherFor(byMapper, target), target);
  const mapper = _mapper_for_class(target);
  if (mapper) return new InstanceEventsTarget(dispatcherFor(byMapper, mapper), target);
  if (typeof target === "function" && target !== Function.prototype) {
    // an unmapped class: its listeners apply to the classes mapped under it (with propagate)
    return new InstanceEventsTarget(dispatcherFor(byBaseClass, target), target, true);
  }
  return null;
});

/** A mapper's `load` and `refresh` listeners (state first), as loading reads them per row. */
export interface InstanceListeners {
  readonly load: readonly Listener[];
  readonly refresh: readonly Listener[];
}

const NONE: InstanceListeners = Object.freeze({ load: [], refresh: [] });
const cached = new WeakMap<Mapper, InstanceListeners & { readonly version: number }>();

function collect(mapper: Mapper, identifier: string): Listener[] {
  const out = [...everyMapper.listeners(identifier), ...(byMapper.get(mapper)?.listeners(identifier) ?? [])];
  // unmapped bases (their listeners were added with propagate)
  for (let c = Object.getPrototypeOf(mapper.class_); typeof c === "function"; c = Object.getPrototypeOf(c))
    out.push(...(byBaseClass.get(c)?.listeners(identifier) ?? []));
  return out.sort((x, y) => (added.get(x) ?? 0) - (added.get(y) ?? 0));
}

export function _instance_events(mapper: Mapper): InstanceListeners {
  if (version === 0) return NONE;
  const c = cached.get(mapper);
  if (c && c.version === version) return c;
  const fresh = { version, load: collect(mapper, "load"), refresh: collect(mapper, "refresh") };
  cached.set(mapper, fresh);
  return fresh;
}

const cachedMapperEvents = new WeakMap<
  Mapper,
  { version: number; byName: Map<string, readonly Listener[]> }
>();

/** A mapper's listeners for one MapperEvent (the InstanceState third), as persistence fires them. */
export function _mapper_events(mapper: Mapper, identifier: string): readonly Listener[] {
  if (version === 0) return NO_LISTENERS;
  let c = cachedMapperEvents.get(mapper);
  if (!c || c.version !== version) {
    c = { version, byName: new Map() };
    cachedMapperEvents.set(mapper, c);
  }
  let l = c.byName.get(identifier);
  if (!l) {
    l = collect(mapper, identifier);
    c.byName.set(identifier, l);
  }
  return l;
}
const NO_LISTENERS: readonly Listener[] = Object.freeze([]);
