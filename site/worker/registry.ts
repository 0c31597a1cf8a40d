/**
 * The engines and sessions that cells create, kept so that the page can show their live state (pool
 * counters, identity map, object states) and so that each cell's statements and transactions can be
 * counted.
 *
 * The kernel hands cells wrapped versions of the factories (`create_engine`, `create_async_engine`,
 * `Session`, `sessionmaker`, `AsyncSession`, `async_sessionmaker`): the wrappers behave exactly as the
 * originals (same classes, `instanceof` and subclassing work) and register what they return.
 */
import { event, repr } from "sqlalchemy";
import { _sessions } from "sqlalchemy/orm/session";
import type { EngineState, ObjectState, SessionState } from "./protocol.ts";

export interface Counters {
  statements: number;
  transactions: number;
}

interface Entry<T> {
  readonly id: number;
  readonly cellId: string;
  readonly ref: WeakRef<T & object>;
  readonly async: boolean;
}

type Named = (value: unknown) => string | undefined;

const ENGINE_FACTORIES = new Set(["create_engine", "engine_from_config", "create_async_engine"]);
const SESSION_CLASSES = new Set(["Session", "AsyncSession"]);
const SESSION_FACTORIES = new Set([
  "sessionmaker",
  "async_sessionmaker",
  "scoped_session",
  "async_scoped_session",
]);

export class Registry {
  readonly counters: Counters = { statements: 0, transactions: 0 };
  cellId = "";
  /** Called with each new engine (its sync engine) and the id the page knows it by. */
  onEngine: ((id: number, engine: object) => void) | null = null;
  /** Called before each statement a registered engine sends (the inspector's steps). */
  beforeStatement: ((statement: string) => void) | null = null;
  #nextId = 1;
  /** Held weakly: an engine or session nothing else refers to leaves when it is collected. */
  readonly #engines = new Map<number, Entry<object>>();
  readonly #sessions = new Map<number, Entry<object>>();
  /** A session's entry by the Session that SQLAlchemy's registry of open sessions holds (an AsyncSession's sync session). */
  #entryOf = new WeakMap<object, Entry<object>>();
  /** Engines and sessions the last `live()` read (what a test of its cost counts). */
  visited = 0;
  readonly #collected = new FinalizationRegistry<number>((id) => {
    this.#engines.delete(id);
    this.#sessions.delete(id);
  });
  readonly #wrapped = new WeakMap<object, object>();

  clear(): void {
    for (const e of [...this.#engines.values(), ...this.#sessions.values()]) {
      const target = e.ref.deref();
      if (target) this.#collected.unregister(target);
    }
    this.#engines.clear();
    this.#sessions.clear();
    this.#entryOf = new WeakMap();
  }

  resetCounters(): Counters {
    const snapshot = { ...this.counters };
    this.counters.statements = 0;
    this.counters.transactions = 0;
    return snapshot;
  }

  /** A module namespace as cells see it: the factories wrapped, everything else as is. */
  wrapModule(mod: Record<string, unknown>): Record<string, unknown> {
    const cached = this.#wrapped.get(mod);
    if (cached) return cached as Record<string, unknown>;
    const out: Record<string, unknown> = Object.create(null);
    for (const key of Object.keys(mod)) {
      const value = mod[key];
      if (typeof value !== "function") out[key] = value;
      else if (ENGINE_FACTORIES.has(key)) out[key] = this.#wrapCall(value, (r) => this.addEngine(r));
      else if (SESSION_CLASSES.has(key)) out[key] = this.#wrapClass(value, (r) => this.addSession(r));
      else if (SESSION_FACTORIES.has(key))
        out[key] = this.#wrapCall(value, (factory) =>
          typeof factory === "function" ? this.#wrapCall(factory, (s) => this.addSession(s)) : factory,
        );
      else out[key] = value;
    }
    Object.freeze(out);
    this.#wrapped.set(mod, out);
    return out;
  }

  #wrapCall(fn: Function, after: (result: unknown) => unknown): Function {
    return new Proxy(fn, {
      apply: (target, self, args) => after(Reflect.apply(target, self, args)),
    });
  }

  #wrapClass(cls: Function, after: (result: unknown) => void): Function {
    return new Proxy(cls, {
      construct: (target, args, newTarget) => {
        const obj = Reflect.construct(target, args, newTarget === cls ? target : newTarget);
        after(obj);
        return obj;
      },
      apply: (target, self, args) => {
        const obj = Reflect.apply(target, self, args);
        after(obj);
        return obj;
      },
    });
  }

  addEngine(engine: unknown): unknown {
    if (!engine || typeof engine !== "object") return engine;
    const sync = (engine as { sync_engine?: object }).sync_engine;
    const isAsync = !!sync;
    const id = this.#nextId++;
    this.#engines.set(id, { id, cellId: this.cellId, ref: new WeakRef(engine), async: isAsync });
    this.#collected.register(engine, id, engine);
    const target = sync ?? engine;
    try {
      event.listen(target, "before_cursor_execute", (_conn: unknown, _cursor: unknown, statement: string) => {
        this.counters.statements++;
        this.beforeStatement?.(statement);
      });
      event.listen(target, "begin", () => {
        this.counters.transactions++;
      });
      this.onEngine?.(id, target);
    } catch {
      // an engine without events: nothing to count
    }
    return engine;
  }

  addSession(session: unknown): unknown {
    if (!session || typeof session !== "object") return session;
    const isAsync = !!(session as { sync_session?: object }).sync_session;
    const id = this.#nextId++;
    const entry = { id, cellId: this.cellId, ref: new WeakRef(session), async: isAsync };
    this.#sessions.set(id, entry);
    this.#entryOf.set((session as { sync_session?: object }).sync_session ?? session, entry);
    this.#collected.register(session, id, session);
    return session;
  }

  /**
   * The engines and sessions still alive, in the order cells created them; a closed session is left
   * out until it is used again (SQLAlchemy's session registry drops a session on close() and takes
   * it back when an object is attached to it). The sessions come from that registry, which holds the
   * open ones only: the sessions a loop made and closed cost nothing here, as each statement's
   * snapshot asks for this.
   */
  live(): {
    engines: { id: number; cellId: string; engine: Record<string, any> }[];
    sessions: { id: number; cellId: string; session: Record<string, any> }[];
  } {
    const engines = [];
    for (const e of this.#engines.values()) {
      const engine = e.ref.deref() as Record<string, any> | undefined;
      if (engine) engines.push({ id: e.id, cellId: e.cellId, engine });
    }
    let visited = this.#engines.size;
    const sessions = [];
    for (const open of _sessions.values()) {
      visited++;
      const s = this.#entryOf.get(open);
      const session = s?.ref.deref() as Record<string, any> | undefined;
      if (s && session) sessions.push({ id: s.id, cellId: s.cellId, session });
    }
    sessions.sort((a, b) => a.id - b.id);
    this.visited = visited;
    return { engines, sessions };
  }

  engineStates(nameOf: Named): EngineState[] {
    const out: EngineState[] = [];
    for (const e of this.#engines.values()) {
      const engine = e.ref.deref() as Record<string, any> | undefined;
      if (!engine) continue;
      const pool = (engine.sync_engine ?? engine).pool as Record<string, any> | undefined;
      const call = (name: string) => (typeof pool?.[name] === "function" ? pool[name]() : undefined);
      out.push({
        id: e.id,
        cellId: e.cellId,
        name: nameOf(engine),
        repr: safe(() => repr(engine)),
        async: e.async,
        poolClass: pool?.constructor?.name ?? "",
        poolStatus: safe(() => String(call("status") ?? "")),
        pool: {
          size: call("size"),
          checkedin: call("checkedin"),
          checkedout: call("checkedout"),
          overflow: call("overflow"),
        },
      });
    }
    return out;
  }

  sessionStates(nameOf: Named): SessionState[] {
    const out: SessionState[] = [];
    for (const s of this.#sessions.values()) {
      const session = s.ref.deref() as Record<string, any> | undefined;
      if (!session) continue;
      const sync = (session.sync_session ?? session) as Record<string, any>;
      const objects = (coll: unknown): ObjectState[] => {
        const values =
          coll && typeof (coll as { values?: unknown }).values === "function"
            ? (coll as Map<unknown, unknown>).values()
            : coll;
        if (!values || typeof (values as Iterable<unknown>)[Symbol.iterator] !== "function") return [];
        return [...(values as Iterable<unknown>)].map(objectState);
      };
      out.push({
        id: s.id,
        cellId: s.cellId,
        name: nameOf(session),
        async: s.async,
        repr: safe(() => repr(session)),
        inTransaction: safe(
          () => (typeof sync.in_transaction === "function" ? sync.in_transaction() : undefined),
          undefined,
        ),
        identityMap: safe(() => objects(sync.identity_map), []),
        new: safe(() => objects(sync.new), []),
        dirty: safe(() => objects(sync.dirty), []),
        deleted: safe(() => objects(sync.deleted), []),
      });
    }
    return out;
  }
}

function objectState(obj: unknown): ObjectState {
  const state = (obj as { _sa_instance_state?: Record<string, any> })?._sa_instance_state;
  const names = ["transient", "pending", "persistent", "deleted", "detached"];
  const stateName = state ? (names.find((n) => safe(() => state[n] === true, false)) ?? "") : "";
  return {
    repr: safe(() => repr(obj)),
    state: stateName,
    identityKey: state?.key ? safe(() => repr(state.key)) : undefined,
    modified: state ? safe(() => Boolean(state.modified), false) : undefined,
    expiredAttributes: state?.expired_attributes
      ? safe(() => [...state.expired_attributes].map(String), [])
      : undefined,
  };
}

function safe<T>(fn: () => T, fallback?: T): T {
  try {
    return fn();
  } catch {
    return (fallback ?? "") as T;
  }
}
