/**
 * `sqlalchemy.orm.attributes`: class-level attributes (`User.name` is an InstrumentedAttribute:
 * usable in select()/where() with the column operators), the per-attribute behaviour behind instance
 * reads and writes (AttributeImpl: history, change events, lazy loads) and attribute History.
 */

import { _stored, type Listener } from "../event.ts";
import { InvalidRequestError } from "../exc.ts";
import type { ClauseElement, ColumnElement } from "../sql/elements.ts";
import { ValueError } from "../util/builtins.ts";
import { tuple } from "../util/pytypes.ts";
import { defineModule, repr } from "../util/repr.ts";
import { className, instance_str, NO_VALUE, STATE_ATTR } from "./base.ts";

export { NO_VALUE };

import { InstrumentedList } from "./collections.ts";
import { DetachedInstanceError } from "./exc.ts";
import type { Mapper } from "./mapper.ts";
import type { InstanceState } from "./state.ts";

/* ------------------------------------------------------------------------------------------------
 * History
 * ---------------------------------------------------------------------------------------------- */

const EMPTY = () => tuple([]);

/** `History(added, unchanged, deleted)`: what changed on one attribute since it was loaded. */
export class History {
  readonly added: readonly unknown[];
  readonly unchanged: readonly unknown[];
  readonly deleted: readonly unknown[];
  constructor(added: readonly unknown[], unchanged: readonly unknown[], deleted: readonly unknown[]) {
    this.added = added;
    this.unchanged = unchanged;
    this.deleted = deleted;
  }
  has_changes(): boolean {
    return this.added.length > 0 || this.deleted.length > 0;
  }
  empty(): boolean {
    return !this.has_changes() && this.unchanged.length === 0;
  }
  sum(): unknown[] {
    return [...this.added, ...this.unchanged, ...this.deleted];
  }
  non_deleted(): unknown[] {
    return [...this.added, ...this.unchanged];
  }
  non_added(): unknown[] {
    return [...this.unchanged, ...this.deleted];
  }
  __repr__(): string {
    return `History(added=${repr(this.added)}, unchanged=${repr(this.unchanged)}, deleted=${repr(this.deleted)})`;
  }
}

/** Python's `==` for the values a column holds (Decimal, date … compare by value). */
export function is_equal(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (a === null || b === null || a === undefined || b === undefined) return false;
  const eq = (a as { equals?: (o: unknown) => boolean }).equals;
  if (typeof eq === "function") return eq.call(a, b);
  if (a instanceof Date && b instanceof Date) return a.getTime() === b.getTime();
  if (a instanceof Uint8Array && b instanceof Uint8Array)
    return a.length === b.length && a.every((x, i) => x === b[i]);
  if (typeof a === "object" && typeof b === "object") return JSON.stringify(a) === JSON.stringify(b);
  return false;
}

/* ------------------------------------------------------------------------------------------------
 * per-attribute behaviour
 * ---------------------------------------------------------------------------------------------- */

export function stateOf(obj: object): InstanceState {
  return (obj as { [STATE_ATTR]: InstanceState })[STATE_ATTR];
}

export abstract class AttributeImpl {
  readonly key: string;
  readonly mapper: Mapper;
  /** Column attributes: reloaded by the "expired attribute" loader. */
  readonly accepts_scalar_loader: boolean = false;
  readonly uses_objects: boolean = false;
  readonly collection: boolean = false;
  /** The attribute's event listeners (shared with its class-level attribute, `User.name.dispatch`). */
  dispatch: AttributeDispatch;
  constructor(mapper: Mapper, key: string, dispatch?: AttributeDispatch) {
    this.mapper = mapper;
    this.key = key;
    this.dispatch = dispatch ?? new AttributeDispatch();
  }
  /** The mapped class (`initiator.impl.class_`). */
  get class_(): Function {
    return this.mapper.class_;
  }
  /** What identifies the attribute across the events of a chain (SQLAlchemy: its MapperProperty). */
  get parent_token(): unknown {
    return this;
  }
  abstract get(state: InstanceState): unknown;
  abstract set(state: InstanceState, value: unknown, initiator?: AttributeEventToken | null): void;
  abstract get_history(state: InstanceState): History;
}

/** Loads an attribute of one object on first access (SQLAlchemy's per-state loader callables). */
export type LoaderCallable = (state: InstanceState, key: string) => void;

export class ScalarAttributeImpl extends AttributeImpl {
  override readonly accepts_scalar_loader = true;

  /** Whether reloading the expired attributes of an object loads this one (false when deferred). */
  load_on_unexpire = true;
  /** The class-level loader of an attribute not loaded by default (a deferred column). */
  callable_: LoaderCallable | null = null;

  get(state: InstanceState): unknown {
    const dict = state.dict;
    const v = dict[this.key];
    if (v !== undefined || this.key in dict) return v;
    if (state.key !== null) {
      // SQLAlchemy's _fire_loader_callables: the expired load, the object's own loader, the class's
      if (this.load_on_unexpire && state._expired_attributes?.has(this.key)) state._load_expired();
      else {
        const loader = state.callables?.get(this.key) ?? this.callable_;
        if (loader) loader(state, this.key);
      }
      const loaded = state.dict;
      if (this.key in loaded) return loaded[this.key];
    }
    return null;
  }

  private __replace_token: AttributeEventToken | null = null;
  get _replace_token(): AttributeEventToken {
    this.__replace_token ??= new AttributeEventToken(this, OP_REPLACE);
    return this.__replace_token;
  }

  set(state: InstanceState, value: unknown, initiator?: AttributeEventToken | null): void {
    const dict = state.dict;
    const old = this.key in dict ? dict[this.key] : NO_VALUE;
    let v = value === undefined ? null : value;
    const listeners = this.dispatch.set;
    if (listeners.length) {
      for (const l of listeners) {
        const r = l.fn(l.raw ? state : state.obj, v, old, initiator ?? this._replace_token);
        if (l.retval) v = r;
      }
    }
    state._modified_event(this.key, old);
    dict[this.key] = v;
  }

  get_history(state: InstanceState): History {
    const current = this.key in state.dict ? state.dict[this.key] : NO_VALUE;
    if (!state._committed_state?.has(this.key)) {
      return current === NO_VALUE
        ? new History(EMPTY(), EMPTY(), EMPTY())
        : new History(EMPTY(), [current], EMPTY());
    }
    const original = state.committed_state.get(this.key);
    if (current !== NO_VALUE && original !== NO_VALUE && is_equal(current, original)) {
      return new History(EMPTY(), [current], EMPTY());
    }
    const deleted = original === NO_VALUE ? EMPTY() : [original];
    return current === NO_VALUE
      ? new History(EMPTY(), EMPTY(), deleted)
      : new History([current], EMPTY(), deleted);
  }
}

/* ------------------------------------------------------------------------------------------------
 * attribute events
 * ---------------------------------------------------------------------------------------------- */

/** The operation behind an attribute event (SQLAlchemy's OP_APPEND … symbols). */
export const OP_APPEND: unique symbol = Symbol("APPEND");
export const OP_REMOVE: unique symbol = Symbol("REMOVE");
export const OP_REPLACE: unique symbol = Symbol("REPLACE");
export const OP_BULK_REPLACE: unique symbol = Symbol("BULK_REPLACE");

/**
 * The `initiator` of attribute events: which attribute's operation started a chain of events. The
 * other side of a back_populates pair receives the same token, which is how a backref knows not to
 * echo an event back.
 */
export class AttributeEventToken {
  readonly impl: AttributeImpl;
  readonly op: symbol;
  readonly parent_token: unknown;
  constructor(impl: AttributeImpl, op: symbol) {
    this.impl = impl;
    this.op = op;
    this.parent_token = impl.parent_token;
  }
  get key(): string {
    return this.impl.key;
  }
}

type AttributeListenerFn = (...args: any[]) => any;

interface AttributeListener {
  fn: AttributeListenerFn;
  /** Receives the InstanceState instead of the object. */
  raw: boolean;
  /** Its return value replaces the value being appended / set. */
  retval: boolean;
}

/** The attribute events SQLAlchemy's AttributeEvents offers that the ORM fires. */
const ATTRIBUTE_EVENTS = ["append", "remove", "set"] as const;
type AttributeEventName = (typeof ATTRIBUTE_EVENTS)[number];

/** Listeners of one mapped attribute (`User.addresses.dispatch`), in registration order. */
export class AttributeDispatch {
  readonly append: AttributeListener[] = [];
  readonly remove: AttributeListener[] = [];
  readonly set: AttributeListener[] = [];

  listen(
    identifier: string,
    fn: AttributeListenerFn,
    options: { raw?: boolean; retval?: boolean; insert?: boolean; once?: boolean } = {},
  ): boolean {
    if (!(ATTRIBUTE_EVENTS as readonly string[]).includes(identifier)) return false;
    let call = fn;
    if (options.once) {
      let fired = false;
      call = (...args) => {
        if (fired) return options.retval ? args[1] : undefined;
        fired = true;
        return fn(...args);
      };
      (call as { _orig?: AttributeListenerFn })._orig = fn;
    }
    const entry = { fn: call, raw: !!options.raw, retval: !!options.retval };
    const list = this[identifier as AttributeEventName];
    if (options.insert) list.unshift(entry);
    else list.push(entry);
    // event.remove() takes out this entry
    _stored(call as Listener, () => {
      const i = list.indexOf(entry);
      if (i >= 0) list.splice(i, 1);
    });
    return true;
  }
}

/* ------------------------------------------------------------------------------------------------
 * relationship attributes
 * ---------------------------------------------------------------------------------------------- */

/** A value that stands for "nothing there" rather than an object. */
function isObject(v: unknown): v is object {
  return v !== null && v !== undefined && v !== NO_VALUE;
}

/** Relationship attributes: their value is loaded by the relationship's loader strategy. */
export abstract class RelationshipAttributeImpl extends AttributeImpl {
  override readonly uses_objects = true;
  /** The other side (back_populates / backref), set when mappers are configured. */
  backref: RelationshipAttributeImpl | null = null;
  /** The RelationshipProperty (relationships.ts). */
  readonly prop: { cascade: Set<string>; _save_update: boolean };
  constructor(
    mapper: Mapper,
    key: string,
    prop: RelationshipAttributeImpl["prop"],
    dispatch: AttributeDispatch,
  ) {
    super(mapper, key);
    this.prop = prop;
    this.dispatch = dispatch;
  }
  override get parent_token(): unknown {
    return this.prop;
  }

  /** The loaded value, running the lazy loader when there is none. */
  protected _load(state: InstanceState): unknown {
    if (state.key === null) return NO_VALUE;
    const session = state.session;
    if (!session) {
      throw new DetachedInstanceError(
        `Parent instance ${instance_str(state.obj)} is not bound to a Session; lazy load operation of attribute '${this.key}' cannot proceed`,
      );
    }
    return session._lazy_load(state, this);
  }

  /** `impl.append(state, value, initiator)`: what a backref does to this side when the other side gains `value`. */
  abstract append(state: InstanceState, value: object, initiator: AttributeEventToken | null): void;
  /** `impl.pop(state, value, initiator)`: takes `value` away if it is there, quietly otherwise. */
  abstract pop(state: InstanceState, value: object, initiator: AttributeEventToken | null): void;
}

/** Many-to-one (and one-to-one) references: `address.user`. */
export class ScalarObjectAttributeImpl extends RelationshipAttributeImpl {
  readonly _replace_token: AttributeEventToken;
  readonly _append_token: AttributeEventToken;
  readonly _remove_token: AttributeEventToken;
  constructor(
    mapper: Mapper,
    key: string,
    prop: RelationshipAttributeImpl["prop"],
    dispatch: AttributeDispatch,
  ) {
    super(mapper, key, prop, dispatch);
    this._replace_token = this._append_token = new AttributeEventToken(this, OP_REPLACE);
    this._remove_token = new AttributeEventToken(this, OP_REMOVE);
  }

  get(state: InstanceState): unknown {
    const dict = state.dict;
    if (this.key in dict) return dict[this.key];
    const v = this._load(state);
    return v === NO_VALUE ? null : v;
  }

  /** The current value without emitting SQL: the loaded one, else the identity map's (SQLAlchemy's PASSIVE_NO_FETCH). */
  _passive_old(state: InstanceState): unknown {
    if (this.key in state.dict) return state.dict[this.key];
    if (state.key === null) return NO_VALUE;
    const session = state.session as {
      _passive_lookup?: (s: InstanceState, impl: AttributeImpl) => unknown;
    } | null;
    return session?._passive_lookup ? session._passive_lookup(state, this) : NO_VALUE;
  }

  set(
    state: InstanceState,
    value: unknown,
    initiator?: AttributeEventToken | null,
    check_old?: object,
    pop = false,
  ): void {
    const old = this._passive_old(state);
    if (check_old !== undefined && old !== NO_VALUE && check_old !== old) {
      if (pop) return;
      throw new ValueError(
        `Object ${instance_str(check_old)} not associated with ${instance_str(state.obj)} on attribute '${this.key}'`,
      );
    }
    const v = this.fire_replace_event(state, value ?? null, old, initiator ?? null);
    state.dict[this.key] = v ?? null;
  }

  fire_replace_event(
    state: InstanceState,
    value: unknown,
    previous: unknown,
    initiator: AttributeEventToken | null,
  ): unknown {
    let v = value;
    for (const l of this.dispatch.set) {
      const r = l.fn(l.raw ? state : state.obj, v, previous, initiator ?? this._replace_token);
      if (l.retval) v = r;
    }
    state._modified_event(this.key, previous);
    return v;
  }

  append(state: InstanceState, value: object, initiator: AttributeEventToken | null): void {
    this.set(state, value, initiator);
  }

  pop(state: InstanceState, value: object, initiator: AttributeEventToken | null): void {
    this.set(state, null, initiator, value, true);
  }

  get_history(state: InstanceState): History {
    const current = this.key in state.dict ? state.dict[this.key] : NO_VALUE;
    if (!state.committed_state.has(this.key)) {
      return current === NO_VALUE || current === null
        ? new History(EMPTY(), current === null ? [null] : EMPTY(), EMPTY())
        : new History(EMPTY(), [current], EMPTY());
    }
    const original = state.committed_state.get(this.key);
    if (original === current) return new History(EMPTY(), [current], EMPTY());
    const deleted =
      original === NO_VALUE || original === null || original === undefined ? EMPTY() : [original];
    return new History(current === NO_VALUE ? EMPTY() : [current], EMPTY(), deleted);
  }
}

/** One-to-many collections: `user.addresses` (an InstrumentedList). */
export class CollectionAttributeImpl extends RelationshipAttributeImpl {
  override readonly collection = true;
  readonly _append_token: AttributeEventToken;
  readonly _remove_token: AttributeEventToken;
  readonly _bulk_replace_token: AttributeEventToken;
  constructor(
    mapper: Mapper,
    key: string,
    prop: RelationshipAttributeImpl["prop"],
    dispatch: AttributeDispatch,
  ) {
    super(mapper, key, prop, dispatch);
    this._append_token = new AttributeEventToken(this, OP_APPEND);
    this._remove_token = new AttributeEventToken(this, OP_REMOVE);
    this._bulk_replace_token = new AttributeEventToken(this, OP_BULK_REPLACE);
  }

  get(state: InstanceState): unknown {
    if (this.key in state.dict) return state.dict[this.key];
    const v = this._load(state);
    if (v !== NO_VALUE) return v;
    // transient / pending: an empty collection, kept
    const list = this._new_collection(state, []);
    state.dict[this.key] = list;
    return list;
  }

  _new_collection(state: InstanceState, items: readonly object[]): InstrumentedList<object> {
    const list = InstrumentedList._sa_make<object>(items);
    list._sa_adapter = { state, impl: this };
    list._sa_commit();
    return list;
  }

  /**
   * Replaces the collection (`user.addresses = [...]`): a new list takes the given members —
   * append events for the ones that are new — then remove events for the members left out
   * (collections.bulk_replace).
   */
  set(state: InstanceState, value: unknown, _initiator?: AttributeEventToken | null): void {
    const values = Array.from((value as Iterable<object> | null) ?? []);
    const evt = this._bulk_replace_token;
    const old = this.get(state) as InstrumentedList<object>;
    if (old === value) return;
    state._modified_event(this.key, NO_VALUE);
    const list = this._new_collection(state, []);
    list._sa_original = old._sa_original;
    state.dict[this.key] = list;
    const existing = new Set<object>(old);
    const constants = new Set(values.filter((v) => existing.has(v)));
    for (const member of values) {
      if (constants.has(member)) list._sa_appender(member, false);
      else list._sa_appender(member, evt);
    }
    old._sa_adapter = undefined;
    for (const member of existing) if (!constants.has(member)) this.fire_remove_event(state, member, evt);
  }

  fire_append_event(state: InstanceState, value: object, initiator: AttributeEventToken | null): object {
    let v = value;
    for (const l of this.dispatch.append) {
      const r = l.fn(l.raw ? state : state.obj, v, initiator ?? this._append_token);
      if (l.retval) v = r;
    }
    state._modified_event(this.key, NO_VALUE);
    return v;
  }

  fire_remove_event(state: InstanceState, value: object, initiator: AttributeEventToken | null): void {
    for (const l of this.dispatch.remove)
      l.fn(l.raw ? state : state.obj, value, initiator ?? this._remove_token);
    state._modified_event(this.key, NO_VALUE);
  }

  /**
   * The collection as it is, without loading it: null when a persistent parent's collection is not
   * loaded (the event still fires; the database has the change after the flush).
   */
  private _passive_collection(state: InstanceState): InstrumentedList<object> | null {
    const list = state.dict[this.key] as InstrumentedList<object> | undefined;
    if (list !== undefined) return list;
    if (state.key !== null) return null;
    return this.get(state) as InstrumentedList<object>;
  }

  append(state: InstanceState, value: object, initiator: AttributeEventToken | null): void {
    const list = this._passive_collection(state);
    if (list === null) this.fire_append_event(state, value, initiator);
    else list._sa_appender(value, initiator);
  }

  remove(state: InstanceState, value: object, initiator: AttributeEventToken | null): void {
    const list = this._passive_collection(state);
    if (list === null) this.fire_remove_event(state, value, initiator);
    else list._sa_remover(value, initiator);
  }

  pop(state: InstanceState, value: object, initiator: AttributeEventToken | null): void {
    try {
      this.remove(state, value, initiator);
    } catch (err) {
      if (!(err instanceof ValueError)) throw err;
    }
  }

  get_history(state: InstanceState): History {
    const list = state.dict[this.key] as InstrumentedList<object> | undefined;
    if (!list) return new History(EMPTY(), EMPTY(), EMPTY());
    const original = list._sa_original;
    const current = [...list];
    return new History(
      current.filter((o) => !original.has(o)),
      current.filter((o) => original.has(o)),
      [...original].filter((o) => !current.includes(o)),
    );
  }
}

/**
 * `attributes.backref_listeners()`: the listeners that keep the two sides of a back_populates pair in
 * step. Setting `address.user` appends to the new user's collection and removes from the old one's;
 * appending to / removing from `user.addresses` sets / clears `address.user`. The initiator token
 * travels with the chain and stops it where it started.
 */
export function backref_listeners(
  parent_impl: RelationshipAttributeImpl,
  key: string,
  uselist: boolean,
): void {
  const parent_token = parent_impl.parent_token;
  const childImpl = (child: object): RelationshipAttributeImpl =>
    stateOf(child).mapper._impls.get(key) as RelationshipAttributeImpl;
  const acceptableKeyErr = (
    state: InstanceState,
    initiator: AttributeEventToken,
    child_impl: AttributeImpl,
  ) => {
    throw new ValueError(
      `Bidirectional attribute conflict detected: Passing object ${instance_str(state.obj)} to attribute "${initiator.parent_token}" triggers a modify event on attribute "${child_impl.parent_token}" via the backref "${parent_token}".`,
    );
  };
  const appendTokens = (impl: RelationshipAttributeImpl): unknown[] =>
    impl instanceof CollectionAttributeImpl
      ? [impl._append_token, impl._bulk_replace_token]
      : [(impl as ScalarObjectAttributeImpl)._append_token];

  const emit_backref_from_scalar_set_event = (
    state: InstanceState,
    child: unknown,
    oldchild: unknown,
    initiator: AttributeEventToken,
  ) => {
    if (oldchild === child) return child;
    if (isObject(oldchild)) {
      const impl = childImpl(oldchild);
      const check_recursive_token =
        impl instanceof CollectionAttributeImpl
          ? impl._remove_token
          : (impl as ScalarObjectAttributeImpl)._replace_token;
      if (initiator !== check_recursive_token) {
        impl.pop(stateOf(oldchild), state.obj, (parent_impl as ScalarObjectAttributeImpl)._append_token);
      }
    }
    if (isObject(child)) {
      const child_impl = childImpl(child);
      if (initiator.parent_token !== parent_token && initiator.parent_token !== child_impl.parent_token)
        acceptableKeyErr(state, initiator, child_impl);
      if (!appendTokens(child_impl).includes(initiator))
        child_impl.append(stateOf(child), state.obj, initiator);
    }
    return child;
  };

  const emit_backref_from_collection_append_event = (
    state: InstanceState,
    child: unknown,
    initiator: AttributeEventToken,
  ) => {
    if (!isObject(child)) return child;
    const child_impl = childImpl(child);
    if (initiator.parent_token !== parent_token && initiator.parent_token !== child_impl.parent_token)
      acceptableKeyErr(state, initiator, child_impl);
    if (!appendTokens(child_impl).includes(initiator))
      child_impl.append(stateOf(child), state.obj, initiator);
    return child;
  };

  const emit_backref_from_collection_remove_event = (
    state: InstanceState,
    child: unknown,
    initiator: AttributeEventToken,
  ) => {
    if (!isObject(child)) return;
    const child_impl = childImpl(child);
    let check_replace_token: unknown;
    let check_for_dupes_on_remove: boolean;
    if (child_impl instanceof CollectionAttributeImpl) {
      check_replace_token = child_impl._bulk_replace_token;
      check_for_dupes_on_remove = false;
    } else {
      check_replace_token = (child_impl as ScalarObjectAttributeImpl)._replace_token;
      check_for_dupes_on_remove = uselist;
    }
    const check_remove_token = (child_impl as ScalarObjectAttributeImpl)._remove_token;
    if (initiator === check_remove_token || initiator === check_replace_token) return;
    if (check_for_dupes_on_remove) {
      const members = (state.dict[parent_impl.key] as object[] | undefined) ?? [];
      if (members.filter((m) => m === child).length > 1) return;
    }
    child_impl.pop(stateOf(child), state.obj, initiator);
  };

  const dispatch = parent_impl.dispatch;
  if (uselist)
    dispatch.listen("append", emit_backref_from_collection_append_event, { raw: true, retval: true });
  else dispatch.listen("set", emit_backref_from_scalar_set_event, { raw: true, retval: true });
  dispatch.listen("remove", emit_backref_from_collection_remove_event, { raw: true, retval: true });
}

/* ------------------------------------------------------------------------------------------------
 * class-level attributes
 * ---------------------------------------------------------------------------------------------- */

/** Operator methods forwarded to the attribute's SQL expression (see sql/elements.ts). */
const OPERATORS = [
  "eq",
  "ne",
  "lt",
  "le",
  "gt",
  "ge",
  "in_",
  "not_in",
  "notin_",
  "is_",
  "is_not",
  "isnot",
  "like",
  "not_like",
  "ilike",
  "not_ilike",
  "contains",
  "startswith",
  "endswith",
  "between",
  "add",
  "sub",
  "mul",
  "div",
  "mod",
  "truediv",
  "radd",
  "rsub",
  "rmul",
  "rtruediv",
  "rmod",
  "neg",
  "concat",
  "op",
  "desc",
  "asc",
  "nulls_first",
  "nulls_last",
  "distinct",
  "label",
  "cast",
  "not",
  "getitem",
] as const;

/**
 * `User.name`: the class-level face of a mapped attribute. Stands for its column in any SQL
 * expression (`__clause_element__()`) and offers the column's operators.
 */
export class QueryableAttribute {
  readonly class_: Function;
  readonly key: string;
  /** The MapperProperty (ColumnProperty / RelationshipProperty). */
  readonly property: {
    columns?: ColumnElement[];
    _clause_element?(): ClauseElement;
    readonly impl: AttributeImpl;
    readonly dispatch: AttributeDispatch;
    readonly parent: Mapper;
  };
  /** The aliased entity this attribute belongs to (orm/util.ts AliasedInsp); null for the class's own. */
  readonly _parententity: unknown = null;
  /** `User.addresses.of_type(alias)`: the entity a relationship join or loader option targets. */
  _of_type: unknown = null;
  constructor(class_: Function, key: string, property: QueryableAttribute["property"]) {
    this.class_ = class_;
    this.key = key;
    this.property = property;
  }
  get impl(): AttributeImpl {
    return this.property.impl;
  }
  /** `event.listen(User.addresses, "append", fn)`: SQLAlchemy's AttributeEvents. */
  _listen_event(
    identifier: string,
    fn: AttributeListenerFn,
    options: { raw?: boolean; retval?: boolean; insert?: boolean; once?: boolean } = {},
  ): void {
    if (!this.property.dispatch.listen(identifier, fn, options)) {
      throw new InvalidRequestError(`No such event '${identifier}' for target '${this}'`);
    }
  }
  _accepts_event(identifier: string): boolean {
    return (ATTRIBUTE_EVENTS as readonly string[]).includes(identifier);
  }
  get parent(): Mapper {
    return this.property.parent;
  }
  get expression(): ClauseElement {
    return this.__clause_element__();
  }
  __clause_element__(): ClauseElement {
    const p = this.property;
    if (p.columns) return p.columns[0]!;
    if (p._clause_element) return p._clause_element();
    throw new TypeError(`${this} is not a SQL expression`);
  }
  get type(): unknown {
    return (this.__clause_element__() as ColumnElement).type;
  }
  toString(): string {
    return `${className(this.class_)}.${this.key}`;
  }
  __str__(): string {
    return this.toString();
  }
  __repr__(): string {
    return `<sqlalchemy.orm.attributes.InstrumentedAttribute object at 0x7f3a5d${(this.key.length * 4096 + 0x1a0).toString(16).padStart(6, "0")}>`;
  }
  /** Relationship comparisons are supplied by the RelationshipProperty. */
  any(criterion?: unknown): ClauseElement {
    return (this.property as unknown as { _any(c: unknown): ClauseElement })._any(criterion);
  }
  has(criterion?: unknown): ClauseElement {
    return (this.property as unknown as { _any(c: unknown): ClauseElement })._any(criterion);
  }
  /** `User.addresses.and_(crit)`: more criteria for the ON clause of a join along the relationship. */
  _extra_criteria: readonly unknown[] = [];
  and_(...criteria: unknown[]): this {
    const c = Object.create(Object.getPrototypeOf(this)) as this;
    Object.assign(c, this);
    c._extra_criteria = [...this._extra_criteria, ...criteria];
    return c;
  }
  /** `User.addresses.of_type(a1)`: the relationship towards an aliased (or other) entity. */
  of_type(entity: unknown): this {
    const c = Object.create(Object.getPrototypeOf(this)) as this;
    Object.assign(c, this);
    c._of_type = entity;
    return c;
  }
}
export interface QueryableAttribute
  extends Record<(typeof OPERATORS)[number], (...args: unknown[]) => ClauseElement> {}
for (const name of OPERATORS) {
  Object.defineProperty(QueryableAttribute.prototype, name, {
    value(this: QueryableAttribute, ...args: unknown[]) {
      const rel = this.property as unknown as {
        _compare?: (op: string, ...a: unknown[]) => ClauseElement | null;
      };
      if (rel._compare) {
        const r = rel._compare(name, ...args);
        if (r) return r;
      }
      const target = this.__clause_element__() as unknown as Record<
        string,
        (...a: unknown[]) => ClauseElement
      >;
      return target[name]!(...args);
    },
    writable: true,
    configurable: true,
  });
}

export class InstrumentedAttribute extends QueryableAttribute {}

defineModule("sqlalchemy.orm.attributes", QueryableAttribute, InstrumentedAttribute, History);
