/**
 * `sqlalchemy.orm.session`: Session, SessionTransaction and sessionmaker.
 *
 * A Session holds an identity map and the pending/deleted objects, begins a transaction on its
 * engine lazily (at the first statement: "BEGIN (implicit)"), flushes changes with the unit of work
 * (unitofwork.ts) before queries (autoflush) and at commit, and expires every object at commit
 * (expire_on_commit). `using session = new Session(engine)` closes it at the end of the block.
 */
import { _trans_ctx_check, type Connection } from "../engine/base.ts";
import { Dispatcher, type Listener, type ListenOptions } from "../event.ts";
import {
  ArgumentError,
  InvalidRequestError,
  NoResultFound,
  PendingRollbackError,
  UnboundExecutionError,
} from "../exc.ts";
import { IdentitySet } from "../util/collections.ts";
import { defineModule, repr, str } from "../util/repr.ts";
import { sa_warn } from "../util/warnings.ts";
import { type AttributeImpl, stateOf } from "./attributes.ts";
import { instance_str, NO_VALUE, objectAddress, raiseUnmapped, STATE_ATTR } from "./base.ts";
import { execute_orm_statement, is_orm_statement } from "./context.ts";
import { UnmappedClassError } from "./exc.ts";
import { IdentityMap, pkKeyString, stateKeyString } from "./identity.ts";
import { load_on_ident, load_on_pk_identity, load_scalar_attributes } from "./loading.ts";
import { _mapper_for_class, configure_mappers, type Mapper } from "./mapper.ts";
import { _sessions, type IdentityKey, type InstanceState, type SessionLike } from "./state.ts";
import { lazy_load, passive_identity_lookup } from "./strategies.ts";
import { UOWTransaction } from "./unitofwork.ts";

/** The open sessions, held weakly (SQLAlchemy's `sqlalchemy.orm.session._sessions`). */
export { _sessions };

/** How a Session joins a Connection that is already in a transaction (SQLAlchemy's JoinTransactionMode). */
export type JoinTransactionMode =
  | "conditional_savepoint"
  | "rollback_only"
  | "control_fully"
  | "create_savepoint";
const JOIN_TRANSACTION_MODES: readonly string[] = [
  "conditional_savepoint",
  "rollback_only",
  "control_fully",
  "create_savepoint",
];

export interface SessionOptions {
  /** An optional `Engine` or `Connection` to which this `Session` should be bound. */
  bind?: unknown;
  /** When `True`, all query operations will issue a `flush()` call to this `Session` before proceeding. */
  autoflush?: boolean;
  /** Defaults to `True`. When `True`, all instances will be fully expired after each `commit()`, so that all attribute/object access subsequent to a completed transaction will load from the most recent database state. */
  expire_on_commit?: boolean;
  /** Automatically start transactions (i.e. equivalent to invoking `Session.begin()`) when database access is requested by an operation. */
  autobegin?: boolean;
  /** optional dictionary of arbitrary data to be associated with this `Session`. */
  info?: Record<string, unknown>;
  /** Describes the transactional behavior to take when a given bind is a `Connection` that has already begun a transaction outside the scope of this `Session`; in other words the `Connection.in_transaction()` method returns True. */
  join_transaction_mode?: JoinTransactionMode;
  /** When `True`, all transactions will be started as a "two phase" transaction, i.e. using the "two phase" semantics of the database in use along with an XID. */
  twophase?: boolean;
}

type TxState = "ACTIVE" | "DEACTIVE" | "CLOSED" | "COMMITTED";

/** The events about one object: fired with its InstanceState, a listener gets the object unless `raw`. */
const LIFECYCLE_EVENTS = new Set([
  "before_attach",
  "after_attach",
  "transient_to_pending",
  "pending_to_transient",
  "persistent_to_transient",
  "pending_to_persistent",
  "detached_to_persistent",
  "loaded_as_persistent",
  "persistent_to_deleted",
  "deleted_to_persistent",
  "deleted_to_detached",
  "persistent_to_detached",
]);

/**
 * SessionEvents (SQLAlchemy's orm/events.py) the port fires, listened to on a Session, a Session
 * class (every session of it and of its subclasses) or a sessionmaker (the sessions it makes).
 */
const SESSION_EVENTS = new Set([
  "after_transaction_create",
  "after_transaction_end",
  "before_commit",
  "after_commit",
  "after_rollback",
  "after_soft_rollback",
  "before_flush",
  "after_flush",
  "after_flush_postexec",
  "after_begin",
  ...LIFECYCLE_EVENTS,
]);

/** Listeners on a Session class: its sessions', and its subclasses' (each class's parent is its base's). */
const classDispatchers = new WeakMap<Function, Dispatcher>();
function classDispatch(cls: Function): Dispatcher {
  let d = classDispatchers.get(cls);
  if (!d) {
    const base = Object.getPrototypeOf(cls) as Function;
    d = new Dispatcher(
      cls === Session || !(base.prototype instanceof Session || base === Session)
        ? null
        : classDispatch(base),
    );
    classDispatchers.set(cls, d);
  }
  return d;
}

function sessionListen(
  target: unknown,
  dispatch: Dispatcher,
  identifier: string,
  fn: Listener,
  options: ListenOptions,
): void {
  if (!SESSION_EVENTS.has(identifier))
    throw new InvalidRequestError(`No such event '${identifier}' for target '${str(target)}'`);
  let listener = fn;
  if (LIFECYCLE_EVENTS.has(identifier) && !options.raw) {
    // fired with the InstanceState; a plain listener gets its object
    listener = (session: Session, state: InstanceState, ...rest: unknown[]) =>
      fn(session, state.obj, ...rest);
    (listener as { _orig?: Listener })._orig = fn;
  }
  dispatch.listen(identifier, listener, options);
}

let sessionIds = 0;

/** One (possibly nested) transaction of a Session (SQLAlchemy's SessionTransaction). */
export class SessionTransaction {
  /** The `Session` this `SessionTransaction` belongs to. */
  readonly session: Session;
  readonly _parent: SessionTransaction | null;
  /** Indicates if this is a nested, or SAVEPOINT, transaction. */
  readonly nested: boolean;
  _state: TxState = "ACTIVE";
  /**
   * bind → [connection, Core transaction, whether the session opened the connection (and closes
   * it), whether commit() commits the transaction (SQLAlchemy's should_commit: false for a
   * Connection's own transaction joined as "rollback_only")].
   */
  readonly _connections = new Map<
    unknown,
    [Connection, { commit(): void; rollback(): void; close(): void; is_active?: boolean }, boolean, boolean]
  >();
  /** Objects that became persistent / were deleted in this transaction (restored by rollback). */
  readonly _new = new Set<InstanceState>();
  readonly _deleted = new Set<InstanceState>();
  _rollback_exception: unknown = null;
  /** A flush's own sub-transaction: rolling it back rolls back the real one. */
  readonly _subtrans: boolean;

  constructor(
    session: Session,
    parent: SessionTransaction | null,
    options: { nested?: boolean; subtrans?: boolean } = {},
  ) {
    _trans_ctx_check(session._trans_context_manager);
    this.session = session;
    this._parent = parent;
    this.nested = !!options.nested;
    this._subtrans = !!options.subtrans;
    session._transaction = this;
    if (parent === null) session._register();
    // a nested transaction emits its SAVEPOINT when it first uses a connection (_connection_for_bind)
    session._dispatch_event("after_transaction_create", this);
  }

  /** Whether after_transaction_end has fired (a transaction ends once). */
  private _ended = false;
  _end(): void {
    if (this._ended) return;
    this._ended = true;
    this.session._dispatch_event("after_transaction_end", this);
  }

  /** True if this `SessionTransaction` is in progress: not yet committed, rolled back or closed. */
  get is_active(): boolean {
    return this._state === "ACTIVE";
  }
  /** The parent `SessionTransaction` of this `SessionTransaction`. */
  get parent(): SessionTransaction | null {
    return this._parent;
  }
  get _root(): SessionTransaction {
    let t: SessionTransaction = this;
    while (t._parent) t = t._parent;
    return t;
  }
  /** The transaction that owns real database transactions (root or savepoint). */
  get _boundary(): SessionTransaction {
    let t: SessionTransaction = this;
    while (t._subtrans && t._parent) t = t._parent;
    return t;
  }

  _raise_for_prerequisite_state(operation: string): void {
    if (this._state === "DEACTIVE") {
      const t = this._root;
      const exc = t._rollback_exception ?? this._rollback_exception;
      if (exc) {
        throw new PendingRollbackError(
          `This Session's transaction has been rolled back due to a previous exception during flush. To begin a new transaction with this Session, first issue Session.rollback(). Original exception was: ${str(exc)}`,
          { code: "7s2a" },
        );
      }
      throw new InvalidRequestError(
        "This session is in 'inactive' state, due to the SQL transaction being rolled back; no further SQL can be emitted within this transaction.",
      );
    }
    if (this._state === "CLOSED" || this._state === "COMMITTED") {
      throw new InvalidRequestError(`This transaction is closed (${operation})`);
    }
  }

  _connection_for_bind(bind: unknown): Connection {
    const existing = this._connections.get(bind);
    if (existing) {
      this._raise_for_prerequisite_state("connection");
      return existing[0];
    }
    this._raise_for_prerequisite_state("connection");
    if (this._parent) {
      const conn = this._parent._connection_for_bind(bind);
      if (!this.nested) return conn;
      this._connections.set(bind, [conn, conn.begin_nested(), false, true]);
      this.session._dispatch_event("after_begin", this, conn);
      return conn;
    }
    const b = bind as {
      connect?: () => Connection;
      _is_connection?: boolean;
      in_transaction?: () => boolean;
      begin?: () => unknown;
    };
    let conn: Connection;
    let owned = true;
    if (typeof b.connect === "function" && !("engine" in (bind as object))) conn = b.connect();
    else {
      conn = bind as Connection;
      owned = false;
    }
    let trans: { commit(): void; rollback(): void; close(): void; is_active?: boolean };
    let should_commit = true;
    try {
      if (conn.in_transaction()) {
        // a Connection already in a transaction: join it as join_transaction_mode says
        let mode = this.session.join_transaction_mode;
        if (mode === "conditional_savepoint") {
          mode = conn.in_nested_transaction() ? "create_savepoint" : "rollback_only";
          if (owned)
            sa_warn(
              `The engine provided as bind produced a connection that is already in a transaction. This is usually caused by a core event, such as 'engine_connect', that has left a transaction open. The effective join transaction mode used by this session is ${repr(mode)}. To silence this warning, do not leave transactions open`,
            );
        }
        if (mode === "control_fully" || mode === "rollback_only") {
          trans = (conn.in_nested_transaction() ? conn.get_nested_transaction() : conn.get_transaction())!;
          if (mode === "rollback_only") should_commit = false;
        } else trans = conn.begin_nested();
      } else trans = conn.begin();
    } catch (err) {
      if (owned) conn.close();
      throw err;
    }
    this._connections.set(bind, [conn, trans, owned, should_commit]);
    this.session._dispatch_event("after_begin", this, conn);
    return conn;
  }

  /** Commit this `SessionTransaction` (a nested one releases its SAVEPOINT). */
  commit(): void {
    this._raise_for_prerequisite_state("commit");
    if (this._subtrans) {
      this.session._transaction = this._parent;
      this._state = "COMMITTED";
      this._end();
      return;
    }
    this.session._dispatch_event("before_commit");
    this.session._flush_if_needed();
    for (const [, [, trans, , should_commit]] of this._connections) if (should_commit) trans.commit();
    this._state = "COMMITTED";
    this.session._dispatch_event("after_commit");
    if (!this.nested) {
      this._remove_snapshot();
      this._close_connections();
    } else if (this._parent) {
      for (const s of this._new) this._parent._new.add(s);
      for (const s of this._deleted) this._parent._deleted.add(s);
    }
    this.session._transaction = this._parent;
    this._end();
  }

  /** Roll back this `SessionTransaction` (a nested one rolls back to its SAVEPOINT). */
  rollback(capture?: unknown): void {
    const session = this.session;
    if (this._state === "ACTIVE") {
      // roll back the nearest boundary (root or savepoint); sub-transactions in between become inactive
      let boundary: SessionTransaction = this;
      for (let t: SessionTransaction | null = this; t; t = t._parent) {
        if (!t._subtrans || !t._parent) {
          boundary = t;
          break;
        }
        t._state = "DEACTIVE";
      }
      if (boundary._state === "ACTIVE") {
        try {
          for (const [, [, trans]] of boundary._connections) {
            if (trans.is_active !== false) trans.rollback();
          }
          boundary._state = "DEACTIVE";
          session._dispatch_event("after_rollback");
        } finally {
          boundary._state = "DEACTIVE";
          boundary._restore_snapshot();
        }
      }
      if (capture !== undefined) {
        for (let t: SessionTransaction | null = this._parent; t; t = t._parent) {
          t._rollback_exception = capture;
          if (t === boundary) break;
        }
      }
    }
    if (this._subtrans || capture !== undefined) {
      session._transaction = this._parent;
      if (this !== this._boundary || this._subtrans) this._state = "DEACTIVE";
      this._end();
      session._dispatch_event("after_soft_rollback", this);
      return;
    }
    this._state = "CLOSED";
    if (!this.nested) this._close_connections();
    session._transaction = this._parent;
    this._end();
    session._dispatch_event("after_soft_rollback", this);
  }

  /** Close this `SessionTransaction`, releasing the connections it holds. */
  close(): void {
    if (this.session._transaction !== this && this.session._transaction) {
      // close inner transactions first
      let t: SessionTransaction | null = this.session._transaction;
      while (t && t !== this) {
        t._state = "CLOSED";
        t._end();
        t = t._parent;
      }
    }
    if (this._state === "ACTIVE" && !this._subtrans) {
      // a Connection's own transaction joined as "rollback_only" is the Connection's to end:
      // close() leaves it (rollback() still rolls it back)
      for (const [, [, trans, , should_commit]] of this._connections) {
        if (should_commit && trans.is_active !== false) trans.close();
      }
    }
    this._state = "CLOSED";
    if (!this.nested && !this._subtrans) this._close_connections();
    this.session._transaction = this._parent;
    this._end();
  }

  private _close_connections(): void {
    for (const [, [conn, , owned]] of this._connections) if (owned) conn.close();
    this._connections.clear();
  }

  /** After COMMIT: expire everything (expire_on_commit) and let go of deleted objects. */
  _remove_snapshot(): void {
    const session = this.session;
    if (session.expire_on_commit) {
      for (const s of session.identity_map.all_states()) {
        s._expire();
        session.identity_map._modified.delete(s);
      }
    }
    session._detach_states([...this._deleted]);
    this._deleted.clear();
    this._new.clear();
  }

  /** After ROLLBACK: new objects go back to transient, deleted ones come back, everything expires. */
  _restore_snapshot(): void {
    const session = this.session;
    const toExpunge = new Set([...this._new, ...session._new.keys()]);
    for (const s of toExpunge) session._expunge_state(s, true);
    for (const s of [...this._deleted, ...session._deleted.keys()]) {
      s._deleted = false;
      session._deleted.delete(s);
      if (s.key) {
        session.identity_map.add(s);
        s.session_id = session.hash_key;
        session._dispatch_event("deleted_to_persistent", s);
      }
    }
    this._deleted.clear();
    this._new.clear();
    for (const s of session.identity_map.all_states()) {
      if (!this.nested || s.modified) {
        s._expire();
        session.identity_map._modified.delete(s);
      }
    }
  }

  [Symbol.dispose](): void {
    if (this._state === "ACTIVE") this.close();
  }
}

export class Session implements SessionLike {
  /** An optional `Engine` or `Connection` to which this `Session` should be bound. */
  bind: unknown;
  /** When `True`, all query operations will issue a `flush()` call to this `Session` before proceeding. */
  autoflush: boolean;
  /** Defaults to `True`. When `True`, all instances will be fully expired after each `commit()`, so that all attribute/object access subsequent to a completed transaction will load from the most recent database state. */
  expire_on_commit: boolean;
  /** Automatically start transactions (i.e. equivalent to invoking `Session.begin()`) when database access is requested by an operation. */
  readonly autobegin: boolean;
  /** A user-modifiable dictionary. */
  readonly info: Record<string, unknown>;
  /** A number unique to this `Session` among the sessions of the program (`InstanceState.session_id`). */
  readonly hash_key: number;
  /** How this session joins a bound Connection that is already in a transaction. */
  readonly join_transaction_mode: JoinTransactionMode;
  /** A mapping of object identities to objects themselves. */
  readonly identity_map = new IdentityMap();
  /** Pending objects, in the order they were added. */
  readonly _new = new Map<InstanceState, object>();
  readonly _deleted = new Map<InstanceState, object>();
  _transaction: SessionTransaction | null = null;
  /** The transaction of the begin() block running on this session (SQLAlchemy's _trans_context_manager). */
  _trans_context_manager: SessionTransaction | null = null;
  _flushing = false;
  private _no_autoflush_depth = 0;
  /** The AsyncSession proxying this session, if any. */
  _async_provider: unknown = null;
  /** This session's own listeners (made at the first listen); its class's otherwise. */
  private _dispatch: Dispatcher | null = null;
  private readonly _class_dispatch: Dispatcher;

  constructor(bind?: unknown, options: SessionOptions = {}) {
    if (
      bind !== null &&
      typeof bind === "object" &&
      Object.getPrototypeOf(bind) === Object.prototype &&
      !("dialect" in (bind as object))
    ) {
      options = bind as SessionOptions;
      bind = options.bind;
    }
    this.bind = bind ?? options.bind ?? null;
    this.autoflush = options.autoflush ?? true;
    this.expire_on_commit = options.expire_on_commit ?? true;
    this.autobegin = options.autobegin ?? true;
    const mode = options.join_transaction_mode ?? "conditional_savepoint";
    if (!JOIN_TRANSACTION_MODES.includes(mode))
      throw new ArgumentError(`invalid selection for join_transaction_mode: "${mode}"`);
    this.join_transaction_mode = mode;
    this.info = options.info ?? {};
    this.hash_key = ++sessionIds;
    this._class_dispatch = classDispatch(new.target);
    this._register();
  }

  /* ------------------------------------------------------------------ events -- */

  /** The session's SessionEvents listeners: its class's, then its own. */
  get dispatch(): Dispatcher {
    this._dispatch ??= new Dispatcher(this._class_dispatch);
    return this._dispatch;
  }
  /** `event.listen(Session, "after_commit", fn)`: every session of the class. */
  static _accepts_event(identifier: string): boolean {
    return SESSION_EVENTS.has(identifier);
  }
  static _listen_event(identifier: string, fn: Listener, options: ListenOptions): void {
    sessionListen(this, classDispatch(this), identifier, fn, options);
  }
  /** `event.listen(session, "before_flush", fn)`: this session only. */
  _accepts_event(identifier: string): boolean {
    return SESSION_EVENTS.has(identifier);
  }
  _listen_event(identifier: string, fn: Listener, options: ListenOptions): void {
    sessionListen(this, this.dispatch, identifier, fn, options);
  }
  _has_event(identifier: string): boolean {
    return (this._dispatch ?? this._class_dispatch).listeners(identifier).length > 0;
  }
  /** Fires a SessionEvent: each listener gets this session, then `args`. */
  _dispatch_event(identifier: string, ...args: unknown[]): void {
    const listeners = (this._dispatch ?? this._class_dispatch).listeners(identifier);
    for (let i = 0; i < listeners.length; i++) listeners[i]!(this, ...args);
  }

  /** Whether `_sessions` holds this session (closing takes it out; attaching puts it back). */
  private _registered = false;
  _register(): void {
    if (this._registered) return;
    _sessions.add(this);
    this._registered = true;
  }

  /* ------------------------------------------------------------------ transactions -- */

  _autobegin_t(): SessionTransaction {
    if (!this._transaction) {
      if (!this.autobegin) {
        throw new InvalidRequestError(
          "Autobegin is disabled on this Session; please call session.begin() to start a new transaction",
        );
      }
      new SessionTransaction(this, null);
    }
    return this._transaction!;
  }

  /** `session.begin()` / `session.begin((session) => { ... })`. */
  begin(): SessionTransaction;
  begin<T>(callback: (session: this) => T): T;
  begin<T>(callback?: (session: this) => T): SessionTransaction | T {
    if (this._transaction) throw new InvalidRequestError("A transaction is already begun on this Session.");
    const trans = new SessionTransaction(this, null);
    if (!callback) return trans;
    return runInSessionTransaction(trans, () => callback(this));
  }

  /** SAVEPOINT: `session.begin_nested()` / `session.begin_nested(() => { ... })`. */
  begin_nested(): SessionTransaction;
  begin_nested<T>(callback: (session: this) => T): T;
  begin_nested<T>(callback?: (session: this) => T): SessionTransaction | T {
    const parent = this._autobegin_t();
    // pending changes are flushed in the enclosing transaction; no SAVEPOINT until the new one connects
    this._flush_if_needed();
    const trans = new SessionTransaction(this, parent, { nested: true });
    if (!callback) return trans;
    return runInSessionTransaction(trans, () => callback(this));
  }

  /** Return True if this `Session` has begun a transaction. */
  in_transaction(): boolean {
    return this._transaction !== null;
  }
  /** Return True if this `Session` has begun a nested transaction, e.g. SAVEPOINT. */
  in_nested_transaction(): boolean {
    for (let t = this._transaction; t; t = t._parent) if (t.nested) return true;
    return false;
  }
  /** Return the current root transaction in progress, if any. */
  get_transaction(): SessionTransaction | null {
    return this._transaction?._root ?? null;
  }
  /** Return the current nested transaction in progress, if any. */
  get_nested_transaction(): SessionTransaction | null {
    for (let t = this._transaction; t; t = t._parent) if (t.nested) return t;
    return null;
  }
  /** True if this `Session` not in "partial rollback" state. */
  get is_active(): boolean {
    return this._transaction === null || this._transaction.is_active;
  }

  /** Flush pending changes and commit the current transaction. */
  commit(): void {
    const trans = this._autobegin_t();
    const root = trans._root;
    if (trans !== root) {
      // commit inner transactions, then the root
      for (let t: SessionTransaction | null = this._transaction; t && t !== root; t = this._transaction)
        t.commit();
    }
    root.commit();
  }

  /** Rollback the current transaction in progress. */
  rollback(): void {
    if (!this._transaction) return;
    const root = this._transaction._root;
    let t: SessionTransaction | null = this._transaction;
    while (t && t !== root) {
      t._state = "CLOSED";
      t._end();
      t = t._parent;
    }
    this._transaction = root;
    if (root._state === "ACTIVE") root.rollback();
    else {
      root._state = "CLOSED";
      for (const [, [conn, , owned]] of root._connections) if (owned) conn.close();
      root._connections.clear();
      this._transaction = null;
      root._end();
      this._dispatch_event("after_soft_rollback", root);
    }
  }

  /** Close out the transactional resources and ORM objects used by this `Session`. */
  close(): void {
    this._close_impl(false);
  }
  /** Close out the transactional resources and ORM objects used by this `Session`, resetting the session to its initial state. */
  reset(): void {
    this._close_impl(false);
  }
  private _close_impl(invalidate: boolean): void {
    void invalidate;
    // objects first, then the transactions (SQLAlchemy's _close_impl)
    this.expunge_all();
    if (this._transaction) this._transaction._root.close();
    this._transaction = null;
    // no object refers to this session any more
    _sessions.delete(this);
    this._registered = false;
  }

  [Symbol.dispose](): void {
    this.close();
  }

  /**
   * The Engine or Connection that `mapper` / `clause` run on: the session's bind (SQLAlchemy's
   * get_bind(), without per-mapper binds).
   */
  get_bind(mapper?: unknown, options: { clause?: unknown } = {}): unknown {
    if (this.bind) return this.bind;
    const clause = options.clause ?? null;
    if (mapper == null && clause === null) {
      throw new UnboundExecutionError(
        "This session is not bound to a single Engine or Connection, and no context was provided to locate a binding.",
      );
    }
    const context: string[] = [];
    if (mapper != null) context.push(`mapper ${str(_mapper_for_class(mapper) ?? mapper)}`);
    if (clause !== null) context.push("SQL expression");
    throw new UnboundExecutionError(
      `Could not locate a bind configured on ${context.join(", ")} or this Session.`,
    );
  }

  _connection_for_bind(bind: unknown): Connection {
    return this._autobegin_t()._connection_for_bind(bind);
  }

  /** The Connection of the current transaction (begins one if needed). */
  connection(): Connection {
    return this._connection_for_bind(this.get_bind());
  }

  /* ------------------------------------------------------------------ adding and removing -- */

  /** Place an object into this `Session`. */
  add(instance: object, _warn = true): void {
    const state = this._state_of(instance);
    this._save_or_update_state(state);
  }

  /** Add the given collection of instances to this `Session`. */
  add_all(instances: Iterable<object>): void {
    for (const o of instances) this.add(o);
  }

  _state_of(instance: unknown): InstanceState {
    const state =
      instance !== null && typeof instance === "object"
        ? (instance as { [STATE_ATTR]?: InstanceState })[STATE_ATTR]
        : undefined;
    if (!state) raiseUnmapped(instance);
    return state;
  }

  _save_or_update_state(state: InstanceState): void {
    this._save_or_update_impl(state);
    for (const child of cascadeIterator(state, "save-update")) this._save_or_update_impl(child);
  }

  private _save_or_update_impl(state: InstanceState): void {
    if (state.key === null) this._save_impl(state);
    else this._update_impl(state);
  }

  private _save_impl(state: InstanceState): void {
    if (state.session_id === this.hash_key) return;
    const toAttach = this._before_attach(state);
    this._register();
    if (!this._new.has(state)) {
      state._set_insert_order();
      this._new.set(state, state.obj);
    }
    if (toAttach) this._after_attach(state);
  }

  private _update_impl(state: InstanceState, revert_deletion = false): void {
    if (state._deleted && !revert_deletion) {
      throw new InvalidRequestError(
        `Instance '${instance_str(state.obj)}' has been deleted.  Use the make_transient() function to send this object back to the transient state.`,
      );
    }
    if (state.session_id === this.hash_key && this.identity_map.contains_state(state)) return;
    const toAttach = this._before_attach(state);
    const existing = this.identity_map._state_for(state.key!);
    if (existing && existing !== state) {
      throw new InvalidRequestError(
        `Can't attach instance ${instance_str(state.obj)}; another instance with key ${repr(state.key)} is already present in this session.`,
      );
    }
    this._register();
    this.identity_map.add(state);
    if (toAttach) this._after_attach(state);
    else state.session_id = this.hash_key;
  }

  /** Whether `state` is to be attached (it is not in this session yet); before_attach fires then. */
  private _before_attach(state: InstanceState): boolean {
    this._autobegin_t();
    if (state.session_id === this.hash_key) return false;
    if (state.session_id !== null && _sessions.has(state.session_id)) {
      throw new InvalidRequestError(
        `Object '${instance_str(state.obj)}' is already attached to session '${state.session_id}' (this is '${this.hash_key}')`,
      );
    }
    this._dispatch_event("before_attach", state);
    return true;
  }

  private _after_attach(state: InstanceState): void {
    state.session_id = this.hash_key;
    this._dispatch_event("after_attach", state);
    this._dispatch_event(state.key !== null ? "detached_to_persistent" : "transient_to_pending", state);
  }

  /** Mark an instance as deleted. */
  delete(instance: object): void {
    const state = this._state_of(instance);
    if (state.key === null)
      throw new InvalidRequestError(`Instance '${instance_str(state.obj)}' is not persisted`);
    // the cascades are collected (loading collections) before the object is marked deleted, so
    // that their loads' autoflush does not delete it yet
    const children = [...cascadeIterator(state, "delete")];
    this._delete_impl(state, instance, true);
    for (const child of children) this._delete_impl(child, child.obj, false);
  }

  private _delete_impl(state: InstanceState, obj: object, head: boolean): void {
    if (state.key === null) {
      if (head) throw new InvalidRequestError(`Instance '${instance_str(state.obj)}' is not persisted`);
      return;
    }
    const toAttach = this._before_attach(state);
    if (this._deleted.has(state)) return;
    if (toAttach) this._register();
    this.identity_map.add(state);
    if (toAttach) this._after_attach(state);
    this._deleted.set(state, obj);
  }

  /** Remove the `instance` from this `Session`. */
  expunge(instance: object): void {
    const state = this._state_of(instance);
    if (state.session_id !== this.hash_key) {
      throw new InvalidRequestError(`Instance ${instance_str(state.obj)} is not present in this Session`);
    }
    const all = [state, ...cascadeIterator(state, "expunge")];
    for (const s of all) this._expunge_state(s, false);
  }

  _expunge_state(state: InstanceState, to_transient: boolean): void {
    this._new.delete(state);
    this._deleted.delete(state);
    this.identity_map.safe_discard(state);
    if (state.session_id === this.hash_key) this._detach_states([state], to_transient);
    else if (to_transient) state.key = null;
    if (to_transient) state.modified = false;
  }

  /**
   * States leave this session (SQLAlchemy's InstanceState._detach_states): each fires the event
   * of its transition (persistent_to_detached, deleted_to_detached, pending_to_transient, or with
   * `to_transient` persistent_to_transient, the identity key forgotten).
   */
  _detach_states(states: Iterable<InstanceState>, to_transient = false): void {
    // the listeners are looked up once for the batch (closing a session detaches all its objects)
    const dispatch = this._dispatch ?? this._class_dispatch;
    const persistent = dispatch.listeners(
      to_transient ? "persistent_to_transient" : "persistent_to_detached",
    );
    const deleted_ = dispatch.listeners("deleted_to_detached");
    const pending_ = dispatch.listeners("pending_to_transient");
    const listened = persistent.length > 0 || deleted_.length > 0 || pending_.length > 0;
    for (const state of states) {
      const deleted = state._deleted;
      const pending = state.key === null;
      state.session_id = null;
      if (to_transient && state.key !== null) state.key = null;
      if (!listened) continue;
      const listeners = !pending && !deleted ? persistent : deleted ? deleted_ : pending_;
      for (let i = 0; i < listeners.length; i++) listeners[i]!(this, state);
    }
  }

  /** Remove all object instances from this `Session`. */
  expunge_all(): void {
    // the identity map and the pending objects are disjoint; a deleted object is normally in the
    // identity map too (delete() puts it there)
    const all = [...this.identity_map.iter_states(), ...this._new.keys()];
    for (const s of this._deleted.keys()) if (!this.identity_map.contains_state(s)) all.push(s);
    this.identity_map.clear();
    this._new.clear();
    this._deleted.clear();
    this._detach_states(all.filter((s) => s.session_id === this.hash_key));
  }

  /* ------------------------------------------------------------------ state views -- */

  /** The set of all instances marked as 'new' within this `Session`. */
  get new(): IdentitySet {
    return new IdentitySet(this._new.values());
  }
  /** The set of all instances marked as 'deleted' within this `Session` */
  get deleted(): IdentitySet {
    return new IdentitySet(this._deleted.values());
  }
  /** The set of all persistent instances considered dirty. */
  get dirty(): IdentitySet {
    const out = new IdentitySet();
    for (const s of this.identity_map._dirty_states())
      if (!this._deleted.has(s) && s.modified) out.add(s.obj);
    return out;
  }
  /** Return True if the instance is associated with this session. */
  has(instance: object): boolean {
    const state = (instance as { [STATE_ATTR]?: InstanceState })[STATE_ATTR];
    return !!state && this._contains_state(state);
  }
  _contains_state(state: InstanceState): boolean {
    return (
      state.session_id === this.hash_key && (this._new.has(state) || this.identity_map.contains_state(state))
    );
  }
  /** Python's `obj in session`. */
  contains(instance: object): boolean {
    return this.has(instance);
  }
  [Symbol.iterator](): IterableIterator<object> {
    return [...this._new.values(), ...this.identity_map.values()][Symbol.iterator]();
  }

  _modified_event(state: InstanceState): void {
    if (state.key !== null) this.identity_map._modified.add(state);
  }

  /**
   * Return `True` if the given instance has locally modified attributes: a net change in some
   * attribute's history (a value set back to what it was is no change). Nothing is loaded; with
   * `include_collections: false` only column attributes and many-to-one references count.
   */
  is_modified(
    instance: object,
    include_collections: boolean | { include_collections?: boolean } = true,
  ): boolean {
    if (typeof include_collections === "object")
      include_collections = include_collections.include_collections ?? true;
    const state = this._state_of(instance);
    if (!state.modified) return false;
    for (const [, impl] of state.mapper._impls) {
      if (!include_collections && impl.collection) continue;
      if (impl.get_history(state).has_changes()) return true;
    }
    return false;
  }

  /* ------------------------------------------------------------------ expire / refresh -- */

  /** Expire the attributes on an instance. */
  expire(instance: object, attribute_names?: readonly string[]): void {
    const state = this._state_of(instance);
    this._expire_state(state, attribute_names);
  }

  _expire_state(state: InstanceState, attribute_names?: readonly string[]): void {
    this._validate_persistent(state);
    if (attribute_names) state._expire_attributes(attribute_names);
    else {
      for (const s of [state, ...cascadeIterator(state, "refresh-expire")]) {
        s._expire();
        this.identity_map._modified.delete(s);
      }
    }
    if (!state.modified) this.identity_map._modified.delete(state);
  }

  /** Expires all persistent instances within this Session. */
  expire_all(): void {
    for (const s of this.identity_map.all_states()) {
      s._expire();
    }
    this.identity_map._modified.clear();
  }

  /** Expire and refresh attributes on the given instance. */
  refresh(
    instance: object,
    attribute_names?: readonly string[],
    options: { with_for_update?: unknown } = {},
  ): void {
    void options;
    const state = this._state_of(instance);
    this._expire_state(state, attribute_names);
    const found = load_on_ident(this, state.mapper, state.key!, {
      refresh_state: state,
      only_load_props: attribute_names ?? null,
      label_style: "disambiguate_only",
    });
    if (found === null)
      throw new InvalidRequestError(`Could not refresh instance '${instance_str(state.obj)}'`);
  }

  _validate_persistent(state: InstanceState): void {
    if (!this.identity_map.contains_state(state)) {
      throw new InvalidRequestError(
        `Instance '${instance_str(state.obj)}' is not persistent within this Session`,
      );
    }
  }

  /** InstanceState._load_expired → the expired-attribute SELECT. */
  _load_expired(state: InstanceState, attribute_names: readonly string[]): void {
    load_scalar_attributes(this, state, attribute_names);
  }

  _lazy_load(state: InstanceState, impl: AttributeImpl): unknown {
    return lazy_load(this, state, impl);
  }

  _passive_lookup(state: InstanceState, impl: AttributeImpl): unknown {
    return passive_identity_lookup(this, state, impl);
  }

  /* ------------------------------------------------------------------ flush -- */

  /** A Session whose `no_autoflush` block is open does not flush before queries. */
  get no_autoflush(): { [Symbol.dispose](): void } {
    this._no_autoflush_depth += 1;
    let done = false;
    return {
      [Symbol.dispose]: () => {
        if (!done) {
          done = true;
          this._no_autoflush_depth -= 1;
        }
      },
    };
  }

  _autoflush(): void {
    if (this.autoflush && this._no_autoflush_depth === 0 && !this._flushing) this.flush();
  }

  _flush_if_needed(): void {
    if (!this._flushing && this._is_dirty()) this.flush();
  }

  _is_dirty(): boolean {
    return this._new.size > 0 || this._deleted.size > 0 || this.identity_map._modified.size > 0;
  }

  /** Flush all the object changes to the database. */
  flush(objects?: readonly object[]): void {
    if (this._flushing) throw new InvalidRequestError("Session is already flushing");
    if (!this._is_dirty()) return;
    configure_mappers();
    this._flushing = true;
    try {
      this._flush(objects);
    } finally {
      this._flushing = false;
    }
  }

  private _flush(objects?: readonly object[]): void {
    const uow = new UOWTransaction(this, null);
    if (this._has_event("before_flush")) {
      this._dispatch_event("before_flush", uow, objects ?? null);
      if (!this._is_dirty()) return;
    }
    const parent = this._autobegin_t();
    parent._raise_for_prerequisite_state("flush");
    const trans = new SessionTransaction(this, parent, { subtrans: true });
    uow.transaction = trans;
    try {
      uow.execute(objects?.map((o) => this._state_of(o)) ?? null);
      this._dispatch_event("after_flush", uow);
      uow.finalize_flush_changes();
      this._dispatch_event("after_flush_postexec", uow);
      trans.commit();
    } catch (err) {
      trans.rollback(err);
      throw err;
    }
  }

  /** The unit of work registers a newly inserted object. */
  _register_persistent(state: InstanceState): void {
    const key_string = stateKeyString(state);
    const existing = this.identity_map._state_for_key_string(key_string);
    if (existing && existing !== state) {
      // a deleted object with the same key is replaced
      this.identity_map.safe_discard(existing);
    }
    this.identity_map.add(state, key_string);
    const wasPending = this._new.delete(state);
    this._transaction?._boundary._new.add(state);
    if (wasPending) this._dispatch_event("pending_to_persistent", state);
  }

  _remove_newly_deleted(state: InstanceState): void {
    this.identity_map.safe_discard(state);
    this._deleted.delete(state);
    state._deleted = true;
    this._transaction?._boundary._deleted.add(state);
    this._dispatch_event("persistent_to_deleted", state);
  }

  /* ------------------------------------------------------------------ queries -- */

  /** Execute a SQL expression construct. */
  execute(
    statement: unknown,
    params?: Record<string, unknown> | readonly Record<string, unknown>[] | null,
    options: { execution_options?: Record<string, unknown>; bind_arguments?: Record<string, unknown> } = {},
  ) {
    const execution_options = options.execution_options ?? {};
    if (is_orm_statement(statement))
      return execute_orm_statement(this, statement, params ?? null, execution_options);
    const conn = this._connection_for_bind(this.get_bind(null, { clause: statement }));
    return conn.execute(statement, params as never, execution_options);
  }

  /** Execute a statement and return the results as scalars. */
  scalars(
    statement: unknown,
    params?: Record<string, unknown> | readonly Record<string, unknown>[] | null,
    options: { execution_options?: Record<string, unknown> } = {},
  ) {
    return this.execute(statement, params, options).scalars();
  }

  /** Execute a statement and return a scalar result. */
  scalar(
    statement: unknown,
    params?: Record<string, unknown> | null,
    options: { execution_options?: Record<string, unknown> } = {},
  ): unknown {
    return this.execute(statement, params, options).scalar();
  }

  /** `session.get(User, 1)` / `get(User, [1, 2])` / `get(User, { id: 1 })`. */
  get<T>(
    entity: (abstract new (...args: never[]) => T) | Function,
    ident: unknown,
    options: {
      populate_existing?: boolean;
      with_for_update?: unknown;
      options?: unknown[];
      execution_options?: Record<string, unknown>;
    } = {},
  ): T | null {
    const mapper = _mapper_for_class(entity);
    if (!mapper) throw new InvalidRequestError(`Class '${(entity as Function).name}' is not mapped`);
    mapper._check_configure();
    const pk = primaryKeyIdentity(mapper, ident);
    if (!options.populate_existing) {
      const state = this.identity_map._state_for_key_string(pkKeyString(mapper, pk));
      // an object of another class of the hierarchy is not this class's (get_from_identity)
      if (state && (state.mapper === mapper || state.mapper.isa(mapper))) {
        if (this._deleted.has(state) || state._deleted) return null;
        // a wholly expired object is checked to still exist (loading.get_from_identity); attributes
        // expired one by one load when read
        if (state.expired) state._load_expired();
        return state.obj as T;
      }
    }
    return load_on_pk_identity(this, mapper, pk, {
      populate_existing: options.populate_existing ?? false,
      options: options.options ?? [],
    }) as T | null;
  }

  /** Like get(), but raises NoResultFound when there is no such row. */
  get_one<T>(entity: (abstract new (...args: never[]) => T) | Function, ident: unknown): T {
    const obj = this.get(entity, ident);
    if (obj === null) {
      throw new NoResultFound("No row was found when one was required");
    }
    return obj;
  }

  /** Copies the state of `instance` onto the persistent object with the same identity (loading it if needed). */
  /**
   * Copies `instance`'s state onto the object of the same identity in this session, loading it
   * first (`load: false`: trusting the given, clean state) or making a new pending one.
   */
  merge<T extends object>(instance: T, options: { load?: boolean } = {}): T {
    const load = options.load ?? true;
    if (load) this._autoflush();
    this._state_of(instance);
    const autoflush = this.autoflush;
    this.autoflush = false;
    try {
      return mergeImpl(this, instance, load, new Map()) as T;
    } finally {
      this.autoflush = autoflush;
    }
  }

  /**
   * Return an identity key: `Session.identity_key(User, 1)`, `Session.identity_key(User, [1, 2])`,
   * `Session.identity_key({ instance: obj })` (SQLAlchemy's orm.util.identity_key).
   */
  static identity_key(
    class_?: unknown,
    ident?: unknown,
    options: { instance?: object; identity_token?: unknown } = {},
  ): IdentityKey {
    if (class_ !== null && typeof class_ === "object" && Object.getPrototypeOf(class_) === Object.prototype) {
      options = class_ as typeof options;
      class_ = undefined;
    }
    if (class_ !== undefined && class_ !== null) {
      const mapper = _mapper_for_class(class_);
      if (!mapper) {
        throw new UnmappedClassError(
          `Class '${typeof class_ === "function" ? `__main__.${class_.name}` : String(class_)}' is not mapped`,
        );
      }
      if (ident === undefined || ident === null) throw new ArgumentError("ident or row is required");
      return mapper.identity_key_from_primary_key(Array.isArray(ident) ? ident : [ident]);
    }
    if (options.instance !== undefined && options.instance !== null) {
      return stateOf(options.instance).mapper.identity_key_from_instance(options.instance);
    }
    throw new ArgumentError("class or instance is required");
  }
  /** Return an identity key. */
  identity_key(
    class_?: unknown,
    ident?: unknown,
    options: { instance?: object; identity_token?: unknown } = {},
  ): IdentityKey {
    return Session.identity_key(class_, ident, options);
  }

  _identity_lookup(mapper: Mapper, pk: readonly unknown[]): object | null {
    return this.identity_map.get(mapper.identity_key_from_primary_key(pk));
  }

  __repr__(): string {
    return `<sqlalchemy.orm.session.Session object at 0x${objectAddress(this)}>`;
  }
}

/** The primary key values for get(): a scalar, a list/tuple in column order, or a dict by attribute name. */
function primaryKeyIdentity(mapper: Mapper, ident: unknown): unknown[] {
  const cols = mapper.primary_key;
  let values: unknown[];
  if (Array.isArray(ident)) values = [...ident];
  else if (ident !== null && typeof ident === "object" && Object.getPrototypeOf(ident) === Object.prototype) {
    const d = ident as Record<string, unknown>;
    values = cols.map((c) => {
      const key = mapper._columntoproperty.get(c)!.key;
      if (!(key in d)) {
        throw new InvalidRequestError(
          `Incorrect names of values in identifier to formulate primary key for session.get(); primary key attribute names are ${cols.map((x) => `'${mapper._columntoproperty.get(x)!.key}'`).join(", ")}`,
        );
      }
      return d[key];
    });
  } else values = [ident];
  if (values.length !== cols.length) {
    throw new InvalidRequestError(
      `Incorrect number of values in identifier to formulate primary key for session.get(); primary key columns are ${cols.map((c) => `'${c}'`).join(", ")}`,
    );
  }
  return values;
}

const NO_STATES: readonly InstanceState[] = [];

/** Objects reachable through relationships whose cascade includes `kind` (loaded values only, except delete). */
export function cascadeIterator(
  state: InstanceState,
  kind: string,
  seen?: Set<InstanceState>,
): Iterable<InstanceState> {
  const mapper = state.mapper;
  mapper._check_configure();
  // most objects have no relationships: no generator, no set of seen states
  if (mapper._relationships.length === 0) return NO_STATES;
  return cascadeRelationships(state, kind, seen ?? new Set([state]));
}

function* cascadeRelationships(
  state: InstanceState,
  kind: string,
  seen: Set<InstanceState>,
): Generator<InstanceState> {
  for (const rel of state.mapper._relationships) {
    if (!rel.cascade.has(kind)) continue;
    let value: unknown;
    if (rel.key in state.dict) value = state.dict[rel.key];
    else if (kind === "delete" && state.key !== null && state.session && !rel.options.passive_deletes)
      value = rel.impl.get(state);
    else continue;
    const children = rel.uselist ? [...((value as Iterable<object>) ?? [])] : value ? [value as object] : [];
    for (const child of children) {
      const cs = stateOf(child);
      if (!cs || seen.has(cs)) continue;
      seen.add(cs);
      yield cs;
      yield* cascadeIterator(cs, kind, seen);
    }
  }
}

/** Session._merge(): the copy of `instance`'s state in `session` (SQLAlchemy's merge rules). */
function mergeImpl(
  session: Session,
  instance: object,
  load: boolean,
  memo: Map<InstanceState, object>,
): object {
  const state = session._state_of(instance);
  const done = memo.get(state);
  if (done) return done;
  const mapper = state.mapper;
  let key = state.key;
  let keyIsPersistent = true;
  if (key === null) {
    if (!load) {
      throw new InvalidRequestError(
        "merge() with load=False option does not support objects transient (i.e. unpersisted) objects.  flush() all changes on mapped instances before merging with load=False.",
      );
    }
    const pk = mapper.primary_key_from_instance(instance);
    // allow_partial_pks: a key with some of its values None may still be in the database
    keyIsPersistent = !pk.includes(NO_VALUE) && !pk.every((v) => v === null);
    key = keyIsPersistent ? mapper.identity_key_from_primary_key(pk) : null;
  }
  let merged: object | null = key ? session.identity_map.get(key) : null;
  let newInstance = false;
  if (merged === null && key !== null) {
    if (!load) {
      if (state.modified) {
        throw new InvalidRequestError(
          "merge() with load=False option does not support objects marked as 'dirty'.  flush() all changes on mapped instances before merging with load=False.",
        );
      }
      merged = mapper._new_instance();
      stateOf(merged).key = key;
      session.add(merged);
      newInstance = true;
    } else if (keyIsPersistent) {
      merged = session.get(mapper.class_, [...key[1]]) as object | null;
    }
  }
  if (merged === null) {
    merged = mapper._new_instance();
    session.add(merged);
    newInstance = true;
  }
  memo.set(state, merged);
  const mstate = stateOf(merged);
  if (mstate !== state) {
    for (const prop of mapper._column_props) {
      if (prop.key in state.dict) {
        if (load) prop.impl.set(mstate, state.dict[prop.key]);
        else mstate.dict[prop.key] = state.dict[prop.key];
      } else if (mstate.key !== null && !(prop.key in mstate.dict)) {
        mstate._expire_attributes([prop.key]);
      }
    }
    for (const rel of mapper._relationships) {
      if (!(rel.key in state.dict) || !rel.cascade.has("merge")) continue;
      const v = state.dict[rel.key];
      if (rel.uselist)
        rel.impl.set(
          mstate,
          [...((v as Iterable<object>) ?? [])].map((c) => mergeImpl(session, c, load, memo)),
        );
      else rel.impl.set(mstate, v ? mergeImpl(session, v as object, load, memo) : null);
    }
  }
  // load=False: the given state is trusted as the database's
  if (!load) mstate._commit_all();
  void newInstance;
  return merged;
}

/**
 * A begin() block: `fn` runs with `trans` as the session's context transaction (work after a
 * commit() or rollback() inside the block is refused), then commits, or rolls back if it throws.
 */
function runInSessionTransaction<T>(trans: SessionTransaction, fn: () => T): T {
  const session = trans.session;
  const previous = session._trans_context_manager;
  session._trans_context_manager = trans;
  let result: T;
  try {
    result = fn();
  } catch (err) {
    if (trans._state === "ACTIVE") trans.rollback();
    else trans.close();
    throw err;
  } finally {
    session._trans_context_manager = previous;
  }
  if (result && typeof (result as { then?: unknown }).then === "function") {
    throw new InvalidRequestError(
      "Session.begin() takes a synchronous callback; use AsyncSession for async work",
    );
  }
  if (trans._state === "ACTIVE") {
    try {
      trans.commit();
    } catch (err) {
      // a failed flush leaves the transaction inactive: leaving the block closes it (SQLAlchemy's
      // TransactionalContext.__exit__ rolls back whatever can still be rolled back)
      const state = trans._state as TxState; // commit() may have moved it on
      if (state !== "COMMITTED" && state !== "CLOSED") trans.rollback();
      throw err;
    }
  }
  return result;
}

/* ------------------------------------------------------------------------------------------------
 * sessionmaker
 * ---------------------------------------------------------------------------------------------- */

export interface SessionMaker<S> {
  (options?: SessionOptions): S;
  /** `with Session.begin() as session:` → `Session.begin((session) => { ... })`. */
  begin<T>(callback: (session: S) => T): T;
  begin(): S;
  configure(options: SessionOptions): void;
  readonly kw: Record<string, unknown>;
  readonly class_: Function;
  __repr__(): string;
}

/** `sessionmaker(engine, { expire_on_commit: false, autoflush: true })`: a configured Session factory. */
export function sessionmaker<S extends Session = Session>(
  bind?: unknown,
  options: SessionOptions & {
    /** Specify an alternate class other than `sqlalchemy.orm.session.Session` which should be used by the returned class. */
    class_?: new (
      bind: unknown,
      options: SessionOptions,
    ) => S;
  } = {},
): SessionMaker<S> {
  if (bind !== null && typeof bind === "object" && Object.getPrototypeOf(bind) === Object.prototype) {
    options = bind as typeof options;
    bind = options.bind;
  }
  const { class_: given = Session as unknown as new (bind: unknown, options: SessionOptions) => S, ...rest } =
    options;
  // a subclass of its own, so that events can be associated with this factory's sessions
  const class_ = class extends (given as unknown as typeof Session) {} as unknown as typeof given;
  Object.defineProperty(class_, "name", { value: given.name });
  const kw: Record<string, unknown> = {
    bind: bind ?? null,
    autoflush: rest.autoflush ?? true,
    expire_on_commit: rest.expire_on_commit ?? true,
  };
  for (const [k, v] of Object.entries(rest)) if (!(k in kw) && k !== "bind") kw[k] = v;
  const maker = ((overrides: SessionOptions = {}) => {
    const all = { ...kw, ...overrides } as SessionOptions & { bind?: unknown };
    return new class_(all.bind, all);
  }) as SessionMaker<S>;
  Object.defineProperty(maker, "kw", { value: kw });
  Object.defineProperty(maker, "class_", { value: class_ });
  maker.begin = ((callback?: (session: S) => unknown) => {
    const session = maker();
    if (!callback) {
      session.begin();
      return session;
    }
    try {
      return session.begin(() => callback(session));
    } finally {
      session.close();
    }
  }) as SessionMaker<S>["begin"];
  const events = class_ as unknown as typeof Session;
  Object.defineProperty(maker, "_accepts_event", { value: (id: string) => events._accepts_event(id) });
  Object.defineProperty(maker, "_listen_event", {
    value: (id: string, fn: Listener, o: ListenOptions) => events._listen_event(id, fn, o),
  });
  maker.configure = (o: SessionOptions) => {
    for (const [k, v] of Object.entries(o)) kw[k] = v;
  };
  maker.__repr__ = () =>
    `sessionmaker(class_=${repr(class_.name)}, ${Object.entries(kw)
      .map(([k, v]) => `${k}=${repr(v)}`)
      .join(", ")})`;
  return maker;
}

/** Python's `sqlalchemy.orm.object_session(obj)`. */
export function object_session(instance: object): Session | null {
  const state = stateOf(instance);
  if (!state) raiseUnmapped(instance);
  return (state.session as Session | null) ?? null;
}

/**
 * `make_transient(obj)`: the object leaves its session and forgets its identity key; attributes
 * that are not loaded (expired, or never loaded) stay unloaded and read as None.
 */
export function make_transient(instance: object): void {
  const state = stateOf(instance);
  if (!state) raiseUnmapped(instance);
  const s = state.session as Session | null;
  if (s) s._expunge_state(state, false);
  state.key = null;
  state._deleted = false;
  state.expired_attributes.clear();
}

/**
 * `make_transient_to_detached(obj)`: a transient object becomes detached, as if loaded: its primary
 * key attributes make its identity key, its history is reset, and what it has no value for is
 * expired (loaded from the database once it is added to a session and read).
 */
export function make_transient_to_detached(instance: object): void {
  const state = stateOf(instance);
  if (!state) raiseUnmapped(instance);
  if (state.session_id !== null || state.key !== null)
    throw new InvalidRequestError("Given object must be transient");
  state.key = state.mapper._identity_key_from_state(state);
  state._deleted = false;
  state._commit_all();
  state._expire_attributes(state.unloaded);
}

/** `close_all_sessions()`. */
export function close_all_sessions(): void {
  for (const s of _sessions.values()) (s as Session).close();
}

defineModule("sqlalchemy.orm.session", Session, SessionTransaction);
