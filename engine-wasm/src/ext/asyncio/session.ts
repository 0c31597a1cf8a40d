/**
 * `sqlalchemy.ext.asyncio.session`: AsyncSession — a proxy over a sync Session bound to the
 * AsyncEngine's sync engine. Methods that may do IO are awaited (flush, commit, rollback, close,
 * refresh, get, execute, scalars, scalar, delete, merge, run_sync) and run the sync session inside
 * greenlet_spawn() (util/concurrency.ts); `add`, `expire`, `expire_all`, `expunge` stay synchronous.
 * IO outside it — reading an expired or unloaded attribute, a lazy load, a call on `sync_session` —
 * fails at the async driver as in SQLAlchemy: the statement is logged, then MissingGreenlet is
 * raised. The ways out are
 * `await session.refresh(obj)`, `await obj.awaitable_attrs.name` (AsyncAttrs), eager loading and
 * `expire_on_commit: false`.
 */
import { stateOf } from "../../orm/attributes.ts";
import { objectAddress } from "../../orm/base.ts";
import { _declarative_mixin } from "../../orm/decl_api.ts";
import { Session, type SessionOptions, type SessionTransaction } from "../../orm/session.ts";
import { NotImplementedError } from "../../util/builtins.ts";
import { greenlet_spawn } from "../../util/concurrency.ts";
import { defineModule, repr } from "../../util/repr.ts";
import { type AsyncEngine, runWithTurn } from "./engine.ts";
import { AsyncResult, type AsyncScalarResult } from "./result.ts";

type SyncBind = { sync_engine?: unknown };

/** What the shared database session needs to know of a statement: "" for DML, a text's SQL, null for the rest. */
function writingOperation(statement: unknown): string | null {
  if (typeof statement === "string") return statement;
  const s = statement as { __visit_name__?: string; text?: unknown } | null;
  switch (s?.__visit_name__) {
    case "insert":
    case "update":
    case "delete":
      return "";
    case "textclause":
      return typeof s.text === "string" ? s.text : "";
    default:
      return null;
  }
}

const NO_ASYNC_EVENTS =
  "asynchronous events are not implemented at this time.  Apply synchronous listeners to the AsyncSession.sync_session.";

export class AsyncSession {
  /** An optional `Engine` or `Connection` to which this `Session` should be bound. */
  readonly bind: unknown;
  /** Reference to the underlying `Session` this `AsyncSession` proxies requests towards. */
  readonly sync_session: Session;

  constructor(
    bind?: AsyncEngine | null,
    options: SessionOptions & {
      /** A `Session` subclass or other callable which will be used to construct the `Session` which will be proxied. */
      sync_session_class?: typeof Session;
    } = {},
  ) {
    this.bind = bind ?? options.bind ?? null;
    const syncBind = (this.bind as SyncBind | null)?.sync_engine ?? this.bind;
    const SessionClass = options.sync_session_class ?? Session;
    this.sync_session = new SessionClass(syncBind, { ...options, bind: syncBind });
    this.sync_session._async_provider = this;
  }

  /** Proxy for the `Session.identity_map` attribute on behalf of the `AsyncSession` class. */
  get identity_map() {
    return this.sync_session.identity_map;
  }
  /** The set of all instances marked as 'new' within this `Session`. */
  get new() {
    return this.sync_session.new;
  }
  /** The set of all persistent instances considered dirty. */
  get dirty() {
    return this.sync_session.dirty;
  }
  /** The set of all instances marked as 'deleted' within this `Session` */
  get deleted() {
    return this.sync_session.deleted;
  }
  /** Proxy for the `Session.autoflush` attribute on behalf of the `AsyncSession` class. */
  get autoflush(): boolean {
    return this.sync_session.autoflush;
  }
  set autoflush(v: boolean) {
    this.sync_session.autoflush = v;
  }
  /** Proxy for the `Session.expire_on_commit` attribute on behalf of the `AsyncSession` class. */
  get expire_on_commit(): boolean {
    return this.sync_session.expire_on_commit;
  }
  /** A user-modifiable dictionary. */
  get info(): Record<string, unknown> {
    return this.sync_session.info;
  }
  /** True if this `Session` not in "partial rollback" state. */
  get is_active(): boolean {
    return this.sync_session.is_active;
  }
  /** Return a context manager that disables autoflush. */
  get no_autoflush() {
    return this.sync_session.no_autoflush;
  }

  /** Place an object into this `Session`. */
  add(instance: object): void {
    this.sync_session.add(instance);
  }
  /** Add the given collection of instances to this `Session`. */
  add_all(instances: Iterable<object>): void {
    this.sync_session.add_all(instances);
  }
  /** Expire the attributes on an instance. */
  expire(instance: object, attribute_names?: readonly string[]): void {
    this.sync_session.expire(instance, attribute_names);
  }
  /** Expires all persistent instances within this Session. */
  expire_all(): void {
    this.sync_session.expire_all();
  }
  /** Remove the `instance` from this `Session`. */
  expunge(instance: object): void {
    this.sync_session.expunge(instance);
  }
  /** Remove all object instances from this `Session`. */
  expunge_all(): void {
    this.sync_session.expunge_all();
  }
  /** Return `True` if the given instance has locally modified attributes. */
  is_modified(
    instance: object,
    include_collections: boolean | { include_collections?: boolean } = true,
  ): boolean {
    return this.sync_session.is_modified(instance, include_collections);
  }
  /** Events are listened to on `sync_session` (SQLAlchemy's `_no_async_engine_events`). */
  static _listen_event(): never {
    throw new NotImplementedError(NO_ASYNC_EVENTS);
  }
  _listen_event(): never {
    throw new NotImplementedError(NO_ASYNC_EVENTS);
  }
  /** Return True if this `Session` has begun a transaction. */
  in_transaction(): boolean {
    return this.sync_session.in_transaction();
  }
  /** Return True if this `Session` has begun a nested transaction, e.g. SAVEPOINT. */
  in_nested_transaction(): boolean {
    return this.sync_session.in_nested_transaction();
  }
  /** Return True if the instance is associated with this session. */
  has(instance: object): boolean {
    return this.sync_session.has(instance);
  }

  /** Flush all the object changes to the database. */
  async flush(objects?: readonly object[]): Promise<void> {
    await this._run_io(true, () => this.sync_session.flush(objects));
  }
  /** Commit the current transaction in progress. */
  async commit(): Promise<void> {
    await this._run_io(true, () => this.sync_session.commit());
  }
  /** Rollback the current transaction in progress. */
  async rollback(): Promise<void> {
    this._io(() => this.sync_session.rollback());
  }
  /** Close out the transactional resources and ORM objects used by this `AsyncSession`. */
  async close(): Promise<void> {
    this._io(() => this.sync_session.close());
  }
  /** Close out the transactional resources and ORM objects used by this `Session`, resetting the session to its initial state. */
  async reset(): Promise<void> {
    this._io(() => this.sync_session.reset());
  }
  /** Close this Session, using connection invalidation. */
  async invalidate(): Promise<void> {
    this._io(() => this.sync_session.close());
  }
  /** Mark an instance as deleted. */
  async delete(instance: object): Promise<void> {
    this._io(() => this.sync_session.delete(instance));
  }
  /** Copy the state of a given instance into a corresponding instance within this `AsyncSession`. */
  async merge<T extends object>(instance: T, options: { load?: boolean } = {}): Promise<T> {
    return this._run_io(false, () => this.sync_session.merge(instance, options));
  }
  /** Expire and refresh the attributes on the given instance. */
  async refresh(instance: object, attribute_names?: readonly string[]): Promise<void> {
    await this._run_io(false, () => this.sync_session.refresh(instance, attribute_names));
  }
  /** Return an instance based on the given primary key identifier, or `None` if not found. */
  async get<T>(
    entity: (abstract new (...args: never[]) => T) | Function,
    ident: unknown,
    options: Parameters<Session["get"]>[2] = {},
  ): Promise<T | null> {
    return this._run_io(false, () => this.sync_session.get(entity, ident, options));
  }
  /** Return an instance based on the given primary key identifier, or raise an exception if not found. */
  async get_one<T>(entity: (abstract new (...args: never[]) => T) | Function, ident: unknown): Promise<T> {
    return this._run_io(false, () => this.sync_session.get_one(entity, ident));
  }
  /** Execute a statement and return a buffered `Result` object. */
  async execute(
    statement: unknown,
    params?: Record<string, unknown> | readonly Record<string, unknown>[] | null,
    options: { execution_options?: Record<string, unknown> } = {},
  ) {
    return this._run_io(false, () => this.sync_session.execute(statement, params, options), statement);
  }
  /** Execute a statement and return scalar results. */
  async scalars(
    statement: unknown,
    params?: Record<string, unknown> | null,
    options: { execution_options?: Record<string, unknown> } = {},
  ) {
    return this._run_io(false, () => this.sync_session.scalars(statement, params, options), statement);
  }
  /** Execute a statement and return a scalar result. */
  async scalar(
    statement: unknown,
    params?: Record<string, unknown> | null,
    options: { execution_options?: Record<string, unknown> } = {},
  ): Promise<unknown> {
    return this._run_io(false, () => this.sync_session.scalar(statement, params, options), statement);
  }
  /** Execute a statement and return a streaming `AsyncResult` object. */
  async stream(
    statement: unknown,
    params?: Record<string, unknown> | null,
    options: { execution_options?: Record<string, unknown> } = {},
  ): Promise<AsyncResult> {
    return new AsyncResult(
      (await this._run_io(
        false,
        () => this.sync_session.execute(statement, params, options),
        statement,
      )) as never,
    );
  }
  /** Execute a statement and return a stream of scalar results. */
  async stream_scalars(
    statement: unknown,
    params?: Record<string, unknown> | null,
  ): Promise<AsyncScalarResult> {
    return (await this.stream(statement, params)).scalars();
  }
  /** Return a `AsyncConnection` object corresponding to this `Session` object's transactional state. */
  async connection() {
    return this.sync_session.connection();
  }

  /** Runs a sync function with the sync Session (SQLAlchemy's run_sync); IO inside is allowed. */
  async run_sync<T, A extends unknown[]>(fn: (session: Session, ...args: A) => T, ...args: A): Promise<T> {
    return this._run_io(false, () => fn(this.sync_session, ...args));
  }

  /** `async with session.begin():` → `await session.begin(async (session) => { ... })`. */
  begin(): Promise<AsyncSessionTransaction>;
  begin<T>(callback: (session: this) => Promise<T> | T): Promise<T>;
  async begin<T>(callback?: (session: this) => Promise<T> | T): Promise<AsyncSessionTransaction | T> {
    const trans = new AsyncSessionTransaction(
      this,
      this._io(() => this.sync_session.begin()),
    );
    if (!callback) return trans;
    return trans._run(() => callback(this));
  }
  /** Return an `AsyncSessionTransaction` object which will begin a "nested" transaction, e.g. SAVEPOINT. */
  begin_nested(): Promise<AsyncSessionTransaction>;
  begin_nested<T>(callback: (session: this) => Promise<T> | T): Promise<T>;
  async begin_nested<T>(callback?: (session: this) => Promise<T> | T): Promise<AsyncSessionTransaction | T> {
    // a SAVEPOINT writes
    const sync = await this._run_io(true, () => this.sync_session.begin_nested(), "SAVEPOINT");
    const trans = new AsyncSessionTransaction(this, sync);
    if (!callback) return trans;
    return trans._run(() => callback(this));
  }

  /**
   * Runs IO of the sync session (`_io`). When it writes (a flush of pending changes, a DML or
   * textual statement that writes, a SAVEPOINT), it runs once this session's turn on the one
   * shared database session has come, as AsyncConnection runs each statement; reads never wait.
   */
  async _run_io<T>(flushes: boolean, fn: () => T, statement?: unknown): Promise<T> {
    const s = this.sync_session;
    let operation: string | null = null;
    if (s._is_dirty() && (flushes || s.autoflush)) operation = "";
    else if (statement !== undefined) operation = writingOperation(statement);
    if (operation === null) return this._io(fn);
    return runWithTurn(s.connection(), operation, () => this._io(fn));
  }

  /** Work that may do IO, run where SQLAlchemy runs it: in greenlet_spawn(). */
  _io<T>(fn: () => T): T {
    return greenlet_spawn(fn);
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }

  __repr__(): string {
    return `<sqlalchemy.ext.asyncio.session.AsyncSession object at 0x${objectAddress(this)}>`;
  }
}

export class AsyncSessionTransaction {
  readonly session: AsyncSession;
  readonly sync_transaction: SessionTransaction;
  constructor(session: AsyncSession, sync: SessionTransaction) {
    this.session = session;
    this.sync_transaction = sync;
  }
  get is_active(): boolean {
    return this.sync_transaction.is_active;
  }
  async commit(): Promise<void> {
    await this.session._run_io(true, () => this.sync_transaction.commit());
  }
  async rollback(): Promise<void> {
    this.session._io(() => this.sync_transaction.rollback());
  }
  async _run<T>(fn: () => Promise<T> | T): Promise<T> {
    let result: T;
    try {
      result = await fn();
    } catch (err) {
      if (this.sync_transaction.is_active) this.session._io(() => this.sync_transaction.rollback());
      throw err;
    }
    if (this.sync_transaction.is_active) await this.commit();
    return result;
  }
  async [Symbol.asyncDispose](): Promise<void> {
    if (this.sync_transaction.is_active) this.session._io(() => this.sync_transaction.close());
  }
}

export interface AsyncSessionMaker<S> {
  (options?: SessionOptions): S;
  begin<T>(callback: (session: S) => Promise<T> | T): Promise<T>;
  configure(options: SessionOptions): void;
  readonly kw: Record<string, unknown>;
  __repr__(): string;
}

/** `async_sessionmaker(async_engine, { expire_on_commit: false })`. */
export function async_sessionmaker<S extends AsyncSession = AsyncSession>(
  bind?: unknown,
  options: SessionOptions & { class_?: new (bind: never, options: SessionOptions) => S } = {},
): AsyncSessionMaker<S> {
  const { class_ = AsyncSession as unknown as new (bind: never, options: SessionOptions) => S, ...rest } =
    options;
  const kw: Record<string, unknown> = {
    bind: bind ?? rest.bind ?? null,
    autoflush: rest.autoflush ?? true,
    expire_on_commit: rest.expire_on_commit ?? true,
  };
  for (const [k, v] of Object.entries(rest)) if (!(k in kw)) kw[k] = v;
  const maker = ((overrides: SessionOptions = {}) => {
    const all = { ...kw, ...overrides } as SessionOptions & { bind?: unknown };
    return new class_(all.bind as never, all);
  }) as AsyncSessionMaker<S>;
  Object.defineProperty(maker, "kw", { value: kw });
  maker.begin = async (callback) => {
    const session = maker();
    try {
      return await session.begin(() => callback(session));
    } finally {
      await session.close();
    }
  };
  maker.configure = (o) => {
    for (const [k, v] of Object.entries(o)) kw[k] = v;
  };
  maker.__repr__ = () =>
    `async_sessionmaker(class_=${repr(class_.name)}, ${Object.entries(kw)
      .map(([k, v]) => `${k}=${repr(v)}`)
      .join(", ")})`;
  return maker;
}

/**
 * `class Base extends AsyncAttrs(DeclarativeBase) {}` (Python: `class Base(AsyncAttrs, DeclarativeBase)`):
 * `await obj.awaitable_attrs.addresses` loads an attribute where IO is allowed.
 */
export function AsyncAttrs<B extends abstract new (...args: any[]) => object>(Base: B) {
  abstract class AsyncAttrsMixin extends Base {
    get awaitable_attrs(): Record<string, Promise<any>> {
      const obj = this as object;
      return new Proxy(
        {},
        {
          get(_t, name) {
            if (typeof name !== "string") return undefined;
            return (async () => greenlet_spawn(() => (obj as Record<string, unknown>)[name]))();
          },
        },
      );
    }
  }
  return _declarative_mixin(AsyncAttrsMixin);
}

/** `async_object_session(obj)`. */
export function async_object_session(instance: object): AsyncSession | null {
  const s = stateOf(instance)?.session as Session | null;
  return (s?._async_provider as AsyncSession | undefined) ?? null;
}

/** `async_session(sync_session)`: the AsyncSession proxying a sync Session. */
export function async_session(session: Session): AsyncSession | null {
  return (session._async_provider as AsyncSession | undefined) ?? null;
}

defineModule("sqlalchemy.ext.asyncio.session", AsyncSession, AsyncSessionTransaction);
