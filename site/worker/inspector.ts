/**
 * The live inspector's snapshots: what every Session, checked-out Connection and Engine pool the
 * cells hold looks like, read only through SQLAlchemy's public inspection API — `inspect(obj)`
 * (InstanceState: transient / pending / persistent / deleted / detached, `expired_attributes`,
 * `attrs[key].history`), the session's `identity_map`, `new`, `dirty`, `deleted`,
 * `in_transaction()`, the connection's `in_transaction()` / `in_nested_transaction()`, and
 * `pool.status()`, plus the engine, pool and ORM events a learner could listen to themselves
 * (`engine_connect`, `savepoint`, `checkout`, `checkin`, `before_cursor_execute`; the mappers'
 * `load` and `refresh`, which count the objects loaded).
 *
 * A snapshot never changes what it shows: it reads `state.dict` (loaded values only), never an
 * attribute of the object itself (which would load an expired attribute), never calls the object's
 * `__repr__()` (which may read attributes), and never runs a query (so nothing autoflushes).
 */
import { event, inspect, repr } from "sqlalchemy";
import { Mapper } from "sqlalchemy/orm";
import type {
  ConnectionSnapshot,
  EngineSnapshot,
  InspectorSnapshot,
  InspectorStep,
  ObjectSnapshot,
  SessionSnapshot,
} from "./protocol.ts";

type Any = Record<string, any>;
type Named = (value: unknown) => string | undefined;

interface WatchedConnection {
  readonly ref: WeakRef<Any>;
  readonly label: string;
  readonly engine: number;
  savepoints: string[];
  wrote: boolean;
}

interface WatchedEngine {
  readonly id: number;
  readonly ref: WeakRef<Any>;
  /** Pool slots (connection records) in the order they were first checked out. */
  readonly slots: Any[];
  /** Checked-out record → its pool fairy. */
  readonly out: Map<Any, Any>;
}

/** A value as Python's repr() shows it; a mapped object by class and identity only (never its __repr__). */
function valueText(value: unknown): string {
  const state = mappedState(value);
  if (state) return objectLabel(state);
  if (Array.isArray(value)) return `[${value.map(valueText).join(", ")}]`;
  try {
    return repr(value);
  } catch {
    return "?";
  }
}

function mappedState(value: unknown): Any | null {
  if (!value || typeof value !== "object" || !("_sa_instance_state" in value)) return null;
  try {
    return (inspect(value, false) as Any | null) ?? null;
  } catch {
    return null;
  }
}

function objectLabel(state: Any): string {
  const name = state.mapper?.class_name ?? state.class_?.name ?? "object";
  const identity = state.identity as unknown[] | null;
  return identity ? `${name} ${repr(identity)}` : `${name} (no identity)`;
}

function stateName(state: Any): ObjectSnapshot["state"] {
  if (state.transient) return "transient";
  if (state.pending) return "pending";
  if (state.deleted) return "deleted";
  if (state.persistent) return "persistent";
  return "detached";
}

/**
 * Rows the DBAPI cursors of watched engines hand to their Results. Each cursor class's fetch
 * methods are wrapped once (the first time a cursor of that class runs a statement of a watched
 * engine); a cursor counts into the inspector that saw it in `before_cursor_execute`.
 */
const rowCounters = new WeakMap<object, { rows: number }>();
const wrappedClasses = new WeakSet<object>();
/** Fetch calls under way: a subclass's fetch calling its base's is counted once. */
let fetching = 0;

function countRowsOf(cursor: Any, counter: { rows: number }): void {
  rowCounters.set(cursor, counter);
  const proto = Object.getPrototypeOf(cursor) as Any | null;
  if (!proto || wrappedClasses.has(proto)) return;
  wrappedClasses.add(proto);
  for (const method of ["fetchone", "fetchmany", "fetchall"] as const) {
    const original = proto[method];
    if (typeof original !== "function") continue;
    // a class that cannot be changed (frozen) is not counted; its statements run as they would
    if (
      !Reflect.defineProperty(proto, method, {
        configurable: true,
        writable: true,
        value: function (this: Any, ...args: unknown[]) {
          fetching++;
          let out: unknown;
          try {
            out = original.apply(this, args);
          } finally {
            fetching--;
          }
          const counter = fetching === 0 ? rowCounters.get(this) : undefined;
          if (counter) {
            if (Array.isArray(out)) counter.rows += method === "fetchone" ? 1 : out.length;
            else if (out) counter.rows++;
          }
          return out;
        },
      })
    )
      return;
  }
}

export class Inspector {
  readonly #engines = new Map<number, WatchedEngine>();
  /** Open connections in the order they were made (closed and collected ones leave at the next look). */
  #connections: WatchedConnection[] = [];
  #connectionOf = new WeakMap<object, WatchedConnection>();
  #nextConnection = 1;
  /** Rows the DBAPI cursors returned, and objects the ORM loaded, since `takeCounts()`. */
  readonly #counter = { rows: 0 };
  #loaded = 0;
  /** Instance states, sessions and connections the last look read (what a test of its cost counts). */
  visited = 0;

  constructor() {
    // Objects loaded: what the ORM's InstanceEvents say, for every mapper — `load` (an object made
    // from a row) and `refresh` (a row loaded into an object it already had: expired attributes,
    // session.refresh(), populate_existing). A learner can listen to the same two events.
    const count = () => {
      this.#loaded++;
    };
    event.listen(Mapper, "load", count, { raw: true });
    event.listen(Mapper, "refresh", count, { raw: true });
  }

  clear(): void {
    this.#engines.clear();
    this.#connections = [];
    this.#connectionOf = new WeakMap();
    this.#nextConnection = 1;
    this.takeCounts();
  }

  takeCounts(): { rowsFetched: number; objectsLoaded: number } {
    const counts = { rowsFetched: this.#counter.rows, objectsLoaded: this.#loaded };
    this.#counter.rows = 0;
    this.#loaded = 0;
    return counts;
  }

  /** Follow an engine's connections and pool slots (its sync engine, for an AsyncEngine). */
  watchEngine(id: number, engine: Any): void {
    const watched: WatchedEngine = { id, ref: new WeakRef(engine), slots: [], out: new Map() };
    this.#engines.set(id, watched);
    const find = (conn: unknown) =>
      conn && typeof conn === "object" ? this.#connectionOf.get(conn) : undefined;
    event.listen(engine, "engine_connect", (conn: Any) => {
      if (find(conn)) return;
      const watchedConnection: WatchedConnection = {
        ref: new WeakRef(conn),
        label: `Connection #${this.#nextConnection++}`,
        engine: id,
        savepoints: [],
        wrote: false,
      };
      this.#connectionOf.set(conn, watchedConnection);
      this.#connections.push(watchedConnection);
      // a loop that opens connections without a snapshot between them: drop the closed ones now and then
      if (this.#connections.length >= 64 && (this.#connections.length & 63) === 0) this.#openConnections();
    });
    event.listen(
      engine,
      "before_cursor_execute",
      (conn: Any, cursor: Any, statement: string, _p: unknown, context: Any) => {
        if (cursor && typeof cursor === "object") countRowsOf(cursor, this.#counter);
        const c = find(conn);
        if (!c) return;
        if (context?.isinsert || context?.isupdate || context?.isdelete) c.wrote = true;
        else if (/^\s*(INSERT|UPDATE|DELETE|CREATE|DROP|ALTER)\b/i.test(statement)) c.wrote = true;
      },
    );
    const ended = (conn: Any) => {
      const c = find(conn);
      if (c) {
        c.wrote = false;
        c.savepoints = [];
      }
    };
    event.listen(engine, "commit", ended);
    event.listen(engine, "rollback", ended);
    event.listen(engine, "savepoint", (conn: Any, name: string) => {
      find(conn)?.savepoints.push(name);
    });
    const popTo = (conn: Any, name: string) => {
      const c = find(conn);
      if (!c) return;
      const at = c.savepoints.lastIndexOf(name);
      if (at >= 0) c.savepoints.length = at;
    };
    event.listen(engine, "release_savepoint", popTo);
    event.listen(engine, "rollback_savepoint", popTo);
    // pool events, listened to through the engine as SQLAlchemy allows
    event.listen(engine, "checkout", (_dbapi: unknown, record: Any, fairy: Any) => {
      if (!watched.slots.includes(record)) watched.slots.push(record);
      watched.out.set(record, fairy);
    });
    event.listen(engine, "checkin", (_dbapi: unknown, record: Any) => {
      watched.out.delete(record);
    });
  }

  snapshot(
    sessions: readonly { id: number; cellId: string; session: Any }[],
    engines: readonly { id: number; cellId: string; engine: Any }[],
    nameOf: Named,
  ): InspectorSnapshot {
    const watchedConnections = this.#connections.length;
    const connections = this.#connectionSnapshots(nameOf);
    const snapshots = sessions.map((s) => sessionSnapshot(s.id, s.cellId, s.session, nameOf));
    const states = snapshots.reduce((n, s) => n + s.objects.length, 0);
    this.visited = states + sessions.length + watchedConnections;
    return {
      sessions: snapshots,
      connections,
      engines: engines.map((e) => this.#engineSnapshot(e.id, e.cellId, e.engine, connections, nameOf)),
    };
  }

  /** The connections still open (a closed Connection never opens again: it leaves the list). */
  #openConnections(): readonly WatchedConnection[] {
    this.#connections = this.#connections.filter((c) => {
      const conn = c.ref.deref();
      return !!conn && !safe(() => conn.closed, true);
    });
    return this.#connections;
  }

  #connectionSnapshots(nameOf: Named): ConnectionSnapshot[] {
    const out: ConnectionSnapshot[] = [];
    for (const c of this.#openConnections()) {
      const conn = c.ref.deref();
      if (!conn) continue;
      out.push({
        label: c.label,
        name: nameOf(conn),
        engineId: c.engine,
        inTransaction: safe(() => Boolean(conn.in_transaction()), false),
        savepoints: [...c.savepoints],
        wrote: c.wrote,
      });
    }
    return out;
  }

  #engineSnapshot(
    id: number,
    cellId: string,
    engine: Any,
    connections: readonly ConnectionSnapshot[],
    nameOf: Named,
  ): EngineSnapshot {
    const sync = (engine.sync_engine ?? engine) as Any;
    const pool = sync.pool as Any | undefined;
    const watched = this.#engines.get(id);
    const byFairy = new Map<unknown, string>();
    for (const c of this.#connections) {
      const conn = c.ref.deref();
      if (conn && connections.some((s) => s.label === c.label))
        byFairy.set(
          safe(() => conn.connection, null),
          c.label,
        );
    }
    return {
      id,
      cellId,
      name: nameOf(engine),
      url: safe(() => String(repr(sync.url)), ""),
      poolClass: pool?.constructor?.name ?? "",
      status: safe(() => String(pool?.status() ?? ""), ""),
      slots: (watched?.slots ?? []).map((record, i) => {
        const fairy = watched!.out.get(record);
        const holder = fairy ? byFairy.get(fairy) : undefined;
        return { slot: i + 1, checkedOut: !!fairy, ...(holder ? { connection: holder } : {}) };
      }),
    };
  }
}

function sessionSnapshot(id: number, cellId: string, session: Any, nameOf: Named): SessionSnapshot {
  const sync = (session.sync_session ?? session) as Any;
  const { listed, total } = safe(() => sessionObjects(sync), { listed: [], total: 0 });
  const transaction = safe(() => sync.get_transaction() as Any | null, null);
  return {
    id,
    cellId,
    name: nameOf(session),
    async: session !== sync,
    inTransaction: safe(() => Boolean(sync.in_transaction()), false),
    inNestedTransaction: safe(() => Boolean(sync.in_nested_transaction()), false),
    transactionActive: transaction ? safe(() => Boolean(transaction.is_active), false) : false,
    objects: listed.map(([state, flags]) => objectSnapshot(state, flags)),
    ...(total > listed.length ? { moreObjects: total - listed.length } : {}),
  };
}

type Flags = { inIdentityMap: boolean; new: boolean; dirty: boolean; deleted: boolean };

/**
 * The first MAX_OBJECTS objects of a session (its identity map in order, then its pending objects)
 * with where each one is, and how many it holds in all. A snapshot is taken before each of a cell's
 * first statements, also inside a flush of thousands of objects, so it only visits the objects it
 * lists: the identity map and the pending objects are disjoint (a pending object has no identity
 * key; the flush moves it from one to the other), and `deleted` and `dirty` are parts of the
 * identity map, so the count is the sum of the two sizes.
 */
function sessionObjects(sync: Any): { listed: [Any, Flags][]; total: number } {
  const identityMap = sync.identity_map as Any;
  const pending = sync._new as Map<Any, unknown>;
  const deleted = sync._deleted as Map<Any, unknown>;
  const dirty = new Set<Any>(identityMap._dirty_states() as Any[]);
  const listed: [Any, Flags][] = [];
  const list = (states: Iterable<Any>, inIdentityMap: boolean) => {
    for (const state of states) {
      if (listed.length >= MAX_OBJECTS) return;
      const isDeleted = inIdentityMap && deleted.has(state);
      listed.push([
        state,
        {
          inIdentityMap,
          new: !inIdentityMap,
          dirty: inIdentityMap && !isDeleted && dirty.has(state) && Boolean(state.modified),
          deleted: isDeleted,
        },
      ]);
    }
  };
  list(identityMap.iter_states() as Iterable<Any>, true);
  list(pending.keys(), false);
  return { listed, total: (identityMap.size as number) + pending.size };
}

function objectSnapshot(state: Any, flags: Flags): ObjectSnapshot {
  const dict = state.dict as Any;
  const expired = new Set<string>(safe(() => [...(state.expired_attributes as Set<string>)], []));
  // one view of the attributes (each `state.attrs` makes a new one)
  const attrs: [string, Any][] = safe(() => state.attrs.items() as [string, Any][], []);
  const attributes = attrs.map(([key, attr]) => {
    const loaded = key in dict;
    const history = safe(() => attr.history as Any, null);
    const modified = !!history && safe(() => Boolean(history.has_changes()), false);
    return {
      name: key,
      expired: expired.has(key),
      loaded,
      ...(loaded ? { value: valueText(dict[key]) } : {}),
      ...(modified
        ? { modified: true, committed: history.deleted.length ? valueText(history.deleted[0]) : "(none)" }
        : {}),
    };
  });
  const key = state.key ? safe(() => repr(state.key), "") : undefined;
  return {
    label: objectLabel(state),
    className: state.mapper?.class_name ?? "",
    state: stateName(state),
    ...(key ? { identityKey: key } : {}),
    ...flags,
    expired: [...expired],
    attributes,
  };
}

function safe<T>(fn: () => T, fallback: T): T {
  try {
    return fn();
  } catch {
    return fallback;
  }
}

/** A snapshot lists this many objects of a session (the rest are counted: "and K more"). */
export const MAX_OBJECTS = 50;

/** Steps of more than this many statements are left out (a loop of inserts): the last one is kept. */
export const MAX_STEPS = 60;

/** One cell's steps: a snapshot before each statement, then one after the cell. */
export class CellSteps {
  readonly steps: InspectorStep[] = [];
  omitted = 0;
  /** Time spent taking the snapshots (what the inspector adds to a cell's run). */
  ms = 0;
  readonly #take: () => InspectorSnapshot;
  constructor(take: () => InspectorSnapshot) {
    this.#take = take;
  }
  #timed(): InspectorSnapshot {
    const t0 = performance.now();
    const snapshot = this.#take();
    this.ms += performance.now() - t0;
    return snapshot;
  }
  beforeStatement(statement: string): void {
    if (this.steps.length >= MAX_STEPS) {
      this.omitted++;
      return;
    }
    this.steps.push({ before: statement, snapshot: this.#timed() });
  }
  end(counts: () => { rowsFetched: number; objectsLoaded: number }) {
    this.steps.push({ snapshot: this.#timed() });
    return { steps: this.steps, omitted: this.omitted, ...counts(), ms: this.ms };
  }
}
