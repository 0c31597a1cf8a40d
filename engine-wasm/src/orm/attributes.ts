/**
 * `sqlalchemy.orm.attributes`: class-level attributes (`User.name` is an InstrumentedAttribute:
 * usable in select()/where() with the column operators), the per-attribute behaviour behind instance
 * reads and writes (AttributeImpl: history, change events, lazy loads) and attribute History.
 */
import type { ClauseElement, ColumnElement } from "../sql/elements.ts";
import { tuple } from "../util/pytypes.ts";
import { defineModule, repr } from "../util/repr.ts";
import { className, instance_str, NO_VALUE, STATE_ATTR } from "./base.ts";
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
  constructor(mapper: Mapper, key: string) {
    this.mapper = mapper;
    this.key = key;
  }
  abstract get(state: InstanceState): unknown;
  abstract set(state: InstanceState, value: unknown, initiator?: AttributeImpl | null): void;
  abstract get_history(state: InstanceState): History;
}

export class ScalarAttributeImpl extends AttributeImpl {
  override readonly accepts_scalar_loader = true;

  get(state: InstanceState): unknown {
    const dict = state.dict;
    const v = dict[this.key];
    if (v !== undefined || this.key in dict) return v;
    if (state.key !== null && state._expired_attributes?.has(this.key)) {
      state._load_expired();
      const loaded = state.dict;
      if (this.key in loaded) return loaded[this.key];
    }
    return null;
  }

  set(state: InstanceState, value: unknown): void {
    const dict = state.dict;
    const old = this.key in dict ? dict[this.key] : NO_VALUE;
    state._modified_event(this.key, old);
    dict[this.key] = value === undefined ? null : value;
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

/** Relationship attributes: their value is loaded by the relationship's loader strategy. */
export abstract class RelationshipAttributeImpl extends AttributeImpl {
  override readonly uses_objects = true;
  /** The other side (back_populates), set when mappers are configured. */
  backref: RelationshipAttributeImpl | null = null;
  /** The RelationshipProperty (relationships.ts). */
  readonly prop: { cascade: Set<string>; _save_update: boolean };
  constructor(mapper: Mapper, key: string, prop: RelationshipAttributeImpl["prop"]) {
    super(mapper, key);
    this.prop = prop;
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

  /** Cascades a newly referenced object into the parent's session (save-update cascade). */
  protected _cascade(
    state: InstanceState,
    child: object | null,
    initiator: AttributeImpl | null | undefined,
  ): void {
    if (initiator || !child || !this.prop._save_update) return;
    const session = state.session as { _save_or_update_state?: (s: InstanceState) => void } | null;
    const childState = stateOf(child);
    if (
      session?._save_or_update_state &&
      childState &&
      childState.session_id !== state.session_id &&
      !childState._deleted
    ) {
      session._save_or_update_state(childState);
    }
  }

  /** Called by the other side's events: keep this side in step without firing back. */
  abstract _backref_append(state: InstanceState, child: object): void;
  abstract _backref_remove(state: InstanceState, child: object): void;
}

/** Many-to-one (and one-to-one) references: `address.user`. */
export class ScalarObjectAttributeImpl extends RelationshipAttributeImpl {
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

  set(state: InstanceState, value: unknown, initiator?: AttributeImpl | null): void {
    const dict = state.dict;
    const old = this._passive_old(state);
    if (old === value) return;
    state._modified_event(this.key, old);
    dict[this.key] = value ?? null;
    if (this.backref && !initiator) {
      if (old !== NO_VALUE && old !== null) this.backref._backref_remove(stateOf(old as object), state.obj);
      if (value) this.backref._backref_append(stateOf(value as object), state.obj);
    }
    this._cascade(state, (value as object) ?? null, initiator);
  }

  _backref_append(state: InstanceState, child: object): void {
    const old = this._passive_old(state);
    if (old === child) return;
    state._modified_event(this.key, old);
    state.dict[this.key] = child;
    if (old !== NO_VALUE && old !== null && this.backref)
      this.backref._backref_remove(stateOf(old as object), state.obj);
  }

  _backref_remove(state: InstanceState, child: object): void {
    if (this.key in state.dict && state.dict[this.key] === child) {
      state._modified_event(this.key, child);
      state.dict[this.key] = null;
    }
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

  /** Replaces the collection (`user.addresses = [...]`). */
  set(state: InstanceState, value: unknown, _initiator?: AttributeImpl | null): void {
    const items = Array.from((value as Iterable<object> | null) ?? []);
    const old = this.get(state) as InstrumentedList<object>;
    const oldItems = [...old];
    const list = this._new_collection(state, oldItems);
    list._sa_original = old._sa_original;
    state._modified_event(this.key, NO_VALUE);
    state.dict[this.key] = list;
    for (const o of oldItems) if (!items.includes(o)) list.remove(o);
    for (const o of items) if (!list.includes(o)) list.push(o);
  }

  /** Events from InstrumentedList. */
  _fire_append(state: InstanceState, child: object): void {
    state._modified_event(this.key, NO_VALUE);
    if (this.backref) this.backref._backref_append(stateOf(child), state.obj);
    this._cascade(state, child, null);
  }
  _fire_remove(state: InstanceState, child: object): void {
    state._modified_event(this.key, NO_VALUE);
    if (this.backref) this.backref._backref_remove(stateOf(child), state.obj);
    if (this.prop.cascade.has("delete-orphan")) {
      // a pending orphan leaves the session at once (SQLAlchemy's "expunge pending orphans")
      const cs = stateOf(child);
      const session = state.session as {
        _new?: Map<InstanceState, object>;
        expunge?(o: object): void;
      } | null;
      if (session?._new?.has(cs) && cs.session_id === state.session_id) session.expunge!(child);
    }
  }

  _backref_append(state: InstanceState, child: object): void {
    const list = state.dict[this.key] as InstrumentedList<object> | undefined;
    if (list === undefined) {
      // not loaded: a pending/transient parent starts an empty collection; a persistent one loads later
      if (state.key !== null) return;
      const fresh = this._new_collection(state, []);
      state.dict[this.key] = fresh;
      fresh._sa_raw_push(child);
      state._modified_event(this.key, NO_VALUE);
      return;
    }
    if (!list.includes(child)) {
      list._sa_raw_push(child);
      state._modified_event(this.key, NO_VALUE);
    }
  }

  _backref_remove(state: InstanceState, child: object): void {
    const list = state.dict[this.key] as InstrumentedList<object> | undefined;
    if (!list) return;
    const i = list.indexOf(child);
    if (i >= 0) {
      list._sa_raw_splice(i);
      state._modified_event(this.key, NO_VALUE);
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
  "contains",
  "startswith",
  "endswith",
  "between",
  "add",
  "sub",
  "mul",
  "div",
  "mod",
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
