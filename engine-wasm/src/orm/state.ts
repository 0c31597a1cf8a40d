/**
 * `sqlalchemy.orm.state`: InstanceState — what `inspect(obj)` returns: the object's loaded values
 * (`dict`), its original values of changed attributes (`committed_state`), its identity key, its
 * session, and the state names transient / pending / persistent / deleted / detached.
 */
import { type PyTuple, tupleOfOwn } from "../util/pytypes.ts";
import { defineModule, REPR, repr } from "../util/repr.ts";
import type { AttributeImpl, LoaderCallable } from "./attributes.ts";
import { History } from "./attributes.ts";
import { instance_str, NO_VALUE } from "./base.ts";
import { DetachedInstanceError } from "./exc.ts";
import type { Mapper } from "./mapper.ts";

/** `(<class '__main__.User'>, (1,), None)`: a mapped class, its primary key, the identity token. */
export type IdentityKey = PyTuple & { readonly 0: Function; readonly 1: PyTuple; readonly 2: null };

/** How an identity key prints: `(<class '__main__.User'>, (1,), None)`. */
function identityKeyRepr(this: IdentityKey): string {
  const mapper = (this[0] as unknown as { __mapper__: Mapper }).__mapper__;
  return `(<class '__main__.${mapper.class_name}'>, ${repr(this[1])}, None)`;
}

/** A tuple `(class, primary key tuple, None)`, with its repr under a symbol (no property definition). */
export function identityKey(mapper: Mapper, pk: readonly unknown[]): IdentityKey {
  return identityKeyOfOwn(mapper, pk.slice());
}

/** identityKey() of a primary key array that nobody else holds (it becomes the key's tuple). */
export function identityKeyOfOwn(mapper: Mapper, pk: unknown[]): IdentityKey {
  const key = tupleOfOwn([mapper._identity_class, tupleOfOwn(pk), null]) as unknown as IdentityKey & {
    [REPR]?: typeof identityKeyRepr;
  };
  key[REPR] = identityKeyRepr;
  return key;
}

/**
 * The live sessions by `hash_key`, so that a state finds its session without keeping it alive
 * (SQLAlchemy's `_sessions`, a WeakValueDictionary). A session is held weakly: one that nothing
 * refers to leaves when it is collected; close() takes it out at once, and attaching an object
 * to it again puts it back.
 */
class SessionRegistry {
  private readonly _refs = new Map<number, WeakRef<SessionLike>>();
  private readonly _finalizer = new FinalizationRegistry<number>((id) => {
    if (this._refs.get(id)?.deref() === undefined) this._refs.delete(id);
  });

  get(id: number): SessionLike | undefined {
    return this._refs.get(id)?.deref();
  }
  has(id: number): boolean {
    return this._refs.get(id)?.deref() !== undefined;
  }
  add(session: SessionLike): void {
    if (this._refs.has(session.hash_key)) return;
    this._refs.set(session.hash_key, new WeakRef(session));
    this._finalizer.register(session, session.hash_key, session);
  }
  delete(session: SessionLike): void {
    if (this._refs.delete(session.hash_key)) this._finalizer.unregister(session);
  }
  *values(): IterableIterator<SessionLike> {
    for (const ref of [...this._refs.values()]) {
      const s = ref.deref();
      if (s !== undefined) yield s;
    }
  }
  get size(): number {
    return this._refs.size;
  }
}

export const _sessions = new SessionRegistry();

/** What a state needs from its Session (the Session class lives in session.ts). */
export interface SessionLike {
  readonly hash_key: number;
  _load_expired(state: InstanceState, attribute_names: readonly string[]): void;
  _lazy_load(state: InstanceState, impl: AttributeImpl): unknown;
  _modified_event(state: InstanceState): void;
}

let insertOrder = 0;
const NO_OPTIONS: readonly unknown[] = Object.freeze([]);

export class InstanceState {
  readonly obj: object;
  readonly mapper: Mapper;
  /** Loaded attribute values (Python's `instance.__dict__`). */
  dict: Record<string, unknown> = {};
  /** Collections and references as they were at the last flush/load: key → original members. */
  key: IdentityKey | null = null;
  session_id: number | null = null;
  _deleted = false;
  /** Set by session.delete() until the flush. */
  _orphaned_outside_of_session = false;
  modified = false;
  expired = false;
  insert_order = 0;
  /** Loader options that loaded this object (selectinload etc. carry over to lazy loads). */
  load_options: readonly unknown[] = NO_OPTIONS;
  /**
   * committed_state and expired_attributes, made when first needed: most loaded objects never
   * change or expire. Code on hot paths reads these and treats null as empty.
   */
  _committed_state: Map<string, unknown> | null = null;
  _expired_attributes: Set<string> | null = null;
  /** Loaders of attributes this object's query left unloaded (`defer()`, `load_only()` …). */
  callables: Map<string, LoaderCallable> | null = null;
  /** Set while the object is being loaded by a query (no change events). */
  _strong_obj: object | null = null;

  constructor(obj: object, mapper: Mapper) {
    this.obj = obj;
    this.mapper = mapper;
  }

  get class_(): Function {
    return this.mapper.class_;
  }

  /** Original values of attributes changed since the last flush/load. */
  get committed_state(): Map<string, unknown> {
    this._committed_state ??= new Map();
    return this._committed_state;
  }
  /** Column attributes expired and not reloaded yet. */
  get expired_attributes(): Set<string> {
    this._expired_attributes ??= new Set();
    return this._expired_attributes;
  }

  get manager(): Mapper {
    return this.mapper;
  }

  _set_insert_order(): void {
    this.insert_order = ++insertOrder;
  }

  /* ------------------------------------------------------------------ state names -- */

  get _attached(): boolean {
    return this.session_id !== null && _sessions.has(this.session_id);
  }
  get transient(): boolean {
    return this.key === null && !this._attached;
  }
  get pending(): boolean {
    return this.key === null && this._attached;
  }
  get persistent(): boolean {
    return this.key !== null && this._attached && !this._deleted;
  }
  get deleted(): boolean {
    return this.key !== null && this._attached && this._deleted;
  }
  get was_deleted(): boolean {
    return this._deleted;
  }
  get detached(): boolean {
    return this.key !== null && !this._attached;
  }
  get has_identity(): boolean {
    return this.key !== null;
  }
  get identity(): PyTuple | null {
    return this.key ? this.key[1] : null;
  }
  get identity_key(): IdentityKey | null {
    return this.key;
  }
  get session(): SessionLike | null {
    return this.session_id !== null ? (_sessions.get(this.session_id) ?? null) : null;
  }
  get async_session(): unknown {
    const s = this.session as { _async_provider?: unknown } | null;
    return s?._async_provider ?? null;
  }
  get object(): object {
    return this.obj;
  }

  /** Attribute keys with no loaded value. */
  get unloaded(): Set<string> {
    return new Set(this.mapper.attrs.keys().filter((k) => !(k in this.dict)));
  }
  /** Attribute keys not changed since load. */
  get unmodified(): Set<string> {
    return new Set(this.mapper.attrs.keys().filter((k) => !this._committed_state?.has(k)));
  }
  unmodified_intersection(keys: Iterable<string>): Set<string> {
    return new Set([...keys].filter((k) => !this._committed_state?.has(k)));
  }

  /** `inspect(obj).attrs.name.history`, `.value`, `.loaded_value`; `inspect(obj).attrs.keys()`. */
  get attrs(): AttrsView {
    return makeAttrsView(this);
  }

  /* ------------------------------------------------------------------ change events -- */

  _modified_event(key: string, previous: unknown): void {
    const committed = this.committed_state;
    if (!committed.has(key)) committed.set(key, previous);
    if (!this.modified) {
      this.modified = true;
      this.session?._modified_event(this);
    }
  }

  /** After a flush or load: what is in `dict` is the database's value. */
  _commit_all(): void {
    // (null reads as empty; clear() of a Map would allocate its table anew)
    this._committed_state = null;
    this.modified = false;
    this.expired = false;
    for (const impl of this.mapper._collection_impls) {
      const coll = this.dict[impl.key] as { _sa_commit?: () => void } | undefined;
      coll?._sa_commit?.();
    }
  }

  _commit(keys: Iterable<string>): void {
    for (const k of keys) {
      this._committed_state?.delete(k);
      this._expired_attributes?.delete(k);
    }
    if (!this._committed_state?.size) this.modified = false;
  }

  /** Expires every attribute (session.expire(obj), expire_on_commit, rollback). */
  _expire(): void {
    this.expired = true;
    this.modified = false;
    this._committed_state = null;
    // a new empty dict rather than deleting each key (code that reads `dict` across a call that may
    // load or expire reads `state.dict` again)
    this.dict = {};
    const keys = this.mapper._scalar_loader_keys;
    const expired = this._expired_attributes;
    if (expired === null || expired.size === 0) this._expired_attributes = new Set(keys);
    else for (const k of keys) expired.add(k);
    // an expired attribute loads as the mapping says again, not as the query that loaded it did
    if (this.callables) for (const k of keys) this.callables.delete(k);
  }

  _expire_attributes(attribute_names: Iterable<string>): void {
    for (const key of attribute_names) {
      const impl = this.mapper._impls.get(key);
      if (!impl) continue;
      delete this.dict[key];
      this._committed_state?.delete(key);
      if (impl.accepts_scalar_loader) {
        this.expired_attributes.add(key);
        this.callables?.delete(key);
      }
    }
    if (!this._committed_state?.size) this.modified = false;
  }

  /** Loads expired column attributes (SQLAlchemy's InstanceState._load_expired). */
  _load_expired(): void {
    // (a deferred column is not reloaded with the others: it loads when read)
    const toload = [...this.unmodified_intersection(this.expired_attributes)].filter(
      (k) =>
        (this.mapper._impls.get(k) as { load_on_unexpire?: boolean } | undefined)?.load_on_unexpire !== false,
    );
    const session = this.session;
    if (!session) {
      throw new DetachedInstanceError(
        `Instance ${instance_str(this.obj)} is not bound to a Session; attribute refresh operation cannot proceed`,
      );
    }
    session._load_expired(this, toload);
    if (this._expired_attributes?.size) this._expired_attributes.clear();
    this.expired = false;
  }

  _detach(): void {
    this.session_id = null;
  }

  __repr__(): string {
    return `<sqlalchemy.orm.state.InstanceState object at 0x${(0x7f3a60000000).toString(16)}>`;
  }
}

/** One attribute of an instance, as `inspect(obj).attrs.<key>` shows it (SQLAlchemy's AttributeState). */
export class AttributeState {
  readonly state: InstanceState;
  readonly key: string;
  constructor(state: InstanceState, key: string) {
    this.state = state;
    this.key = key;
  }
  get loaded_value(): unknown {
    return this.key in this.state.dict ? this.state.dict[this.key] : NO_VALUE;
  }
  get value(): unknown {
    return (this.state.obj as Record<string, unknown>)[this.key];
  }
  get history(): History {
    const impl = this.state.mapper._impls.get(this.key)!;
    return impl.get_history(this.state);
  }
  load_history(): History {
    return this.history;
  }
}

export type AttrsView = Record<string, AttributeState> & {
  keys(): string[];
  items(): [string, AttributeState][];
};

/** A new read-only mapping of attribute key to AttributeState each time, as SQLAlchemy's `attrs` builds one. */
function makeAttrsView(state: InstanceState): AttrsView {
  const keys = state.mapper.attrs.keys();
  const view: Record<string, unknown> = {};
  const items: [string, AttributeState][] = [];
  for (const k of keys) {
    const attr = new AttributeState(state, k);
    view[k] = attr;
    items.push([k, attr]);
  }
  Object.defineProperty(view, "keys", { value: () => [...keys], enumerable: false });
  Object.defineProperty(view, "items", { value: () => items.slice(), enumerable: false });
  return view as AttrsView;
}

export { History };

defineModule("sqlalchemy.orm.state", InstanceState, AttributeState);
