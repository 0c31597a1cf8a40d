/**
 * `sqlalchemy.orm.unitofwork`: UOWTransaction — one flush. Collects pending, modified and deleted
 * objects, orders the work by mapper dependency (a table referenced by a foreign key is written
 * before the tables that reference it, and deleted after them; rows of a self-referential table one
 * at a time, parents first), runs each relationship's dependency processing, and hands rows to
 * persistence.ts.
 */
import { CircularDependencyError } from "../exc.ts";
import { topologicalSort } from "../util/topological.ts";
import { sa_warn } from "../util/warnings.ts";
import { type AttributeEventToken, type RelationshipAttributeImpl, stateOf } from "./attributes.ts";
import { className, instance_str, NO_VALUE } from "./base.ts";
import { hasparent, process_many_to_many, process_many_to_one, process_one_to_many } from "./dependency.ts";
import type { Mapper } from "./mapper.ts";
import { delete_obj, save_obj } from "./persistence.ts";
import type { RelationshipProperty } from "./relationships.ts";
import type { InstanceState } from "./state.ts";

/** What the cascade listeners use of the Session. */
interface SessionForEvents {
  readonly _new: Map<InstanceState, object>;
  _contains_state(state: InstanceState): boolean;
  _save_or_update_state(state: InstanceState): void;
  expunge(obj: object): void;
}

function isObject(v: unknown): v is object {
  return v !== null && v !== undefined && v !== NO_VALUE;
}

/**
 * The listeners behind cascades on attribute events: an object appended to a collection or set on a
 * reference of an object in a Session joins it (save-update) — only when the application touched
 * this attribute (`initiator.key`): since 2.0 an object attached through the other side of a backref
 * is not cascaded; a pending object taken out of a delete-orphan relationship leaves the Session.
 */
export function track_cascade_events(impl: RelationshipAttributeImpl, prop: RelationshipProperty): void {
  const key = prop.key;
  const sessionOf = (state: InstanceState) => state.session as unknown as SessionForEvents | null;
  const append = (state: InstanceState, item: unknown, initiator: AttributeEventToken) => {
    if (!isObject(item)) return item;
    const sess = sessionOf(state);
    if (sess && prop._save_update && key === initiator.key) {
      const item_state = stateOf(item);
      if (!sess._contains_state(item_state)) sess._save_or_update_state(item_state);
    }
    return item;
  };
  const expungePendingOrphan = (state: InstanceState, item: unknown) => {
    if (!isObject(item) || !prop._delete_orphan) return;
    const sess = sessionOf(state);
    const item_state = stateOf(item);
    if (sess?._new.has(item_state) && item_state.session_id === state.session_id) sess.expunge(item);
  };
  const remove = (state: InstanceState, item: unknown) => {
    expungePendingOrphan(state, item);
  };
  const set_ = (
    state: InstanceState,
    newvalue: unknown,
    oldvalue: unknown,
    initiator: AttributeEventToken,
  ) => {
    if (oldvalue === newvalue) return newvalue;
    const sess = sessionOf(state);
    if (!sess) return newvalue;
    if (isObject(newvalue) && prop._save_update && key === initiator.key) {
      const s = stateOf(newvalue);
      if (!sess._contains_state(s)) sess._save_or_update_state(s);
    }
    expungePendingOrphan(state, oldvalue);
    return newvalue;
  };
  const options = { raw: true, retval: true };
  if (prop.uselist) impl.dispatch.listen("append", append, options);
  else impl.dispatch.listen("set", set_, options);
  impl.dispatch.listen("remove", remove, options);
}

interface SessionForUOW {
  readonly _new: Map<InstanceState, object>;
  readonly _deleted: Map<InstanceState, object>;
  readonly identity_map: {
    _modified: Set<InstanceState>;
    _state_for(key: unknown): InstanceState | undefined;
  };
  _save_or_update_state(state: InstanceState): void;
  _register_persistent(state: InstanceState): void;
  _remove_newly_deleted(state: InstanceState): void;
  _expunge_state(state: InstanceState, to_transient: boolean): void;
  _connection_for_bind(bind: unknown): import("../engine/base.ts").Connection;
  get_bind(mapper?: unknown): unknown;
}

export class UOWTransaction {
  readonly session: SessionForUOW;
  /** The flush's sub-transaction (set once before_flush has run). */
  transaction: unknown;
  readonly inserted: InstanceState[] = [];
  readonly saved = new Set<InstanceState>();
  readonly deleted: InstanceState[] = [];
  private deleting = new Set<InstanceState>();

  constructor(session: SessionForUOW, transaction: unknown) {
    this.session = session;
    this.transaction = transaction;
  }

  is_deleting(state: InstanceState): boolean {
    return this.deleting.has(state);
  }

  /** A row switch took over `state`'s row: no DELETE for it, but it ends the flush as deleted. */
  remove_state_actions(state: InstanceState): void {
    this.deleting.delete(state);
    this.deleted.push(state);
  }

  /** The connection that `mapper`'s rows are written on. */
  connection(mapper: Mapper) {
    return this.session._connection_for_bind(this.session.get_bind(mapper));
  }

  execute(only: InstanceState[] | null): void {
    const session = this.session;
    const include = (s: InstanceState) => only === null || only.includes(s);
    this._warn_children_not_in_session(include);
    // delete-orphan: children removed from a collection
    this.deleting = new Set([...session._deleted.keys()].filter(include));
    for (const s of [...session._new.keys(), ...session.identity_map._modified]) {
      for (const rel of s.mapper._relationships) {
        if (!rel.uselist || !rel._delete_orphan || !(rel.key in s.dict)) continue;
        for (const child of rel.impl.get_history(s).deleted) {
          const cs = stateOf(child as object);
          if (hasparent(rel, cs)) continue;
          if (cs.key === null) session._expunge_state(cs, true);
          else this.deleting.add(cs);
        }
      }
    }

    // the work is per base mapper: objects of a class and of its subclasses are saved together,
    // one statement per table of theirs (persistence.ts)
    const mappers = new Set<Mapper>();
    for (const s of [...session._new.keys(), ...session.identity_map._modified, ...this.deleting])
      mappers.add(s.mapper.base_mapper);
    for (const m of [...mappers]) for (const rel of relationshipsOf(m)) mappers.add(rel.mapper.base_mapper);
    const order = this._sort_mappers([...mappers]);

    // saves, parents first
    if (order === null) {
      // tables that depend on each other: rows one at a time, in row dependency order
      const all = [...mappers].flatMap((m) => this._states_to_save(m, include));
      for (const s of this._sort_states(all)) this._save(s.mapper.base_mapper, [s]);
    }
    for (const mapper of order ?? []) {
      const states = this._states_to_save(mapper, include);
      if (!states.length) continue;
      if (mapper._has_cycles) {
        for (const s of this._sort_states(states)) this._save(mapper, [s]);
      } else this._save(mapper, states);
    }

    // many-to-many: the secondary rows of the collections saved, then of the parents deleted
    const processed = new Set<string>();
    const m2m = [...mappers]
      .sort((a, b) => Number(a._key_prefix) - Number(b._key_prefix))
      .flatMap((m) => relationshipsOf(m).filter((r) => r.direction === "MANYTOMANY"));
    for (const rel of m2m) process_many_to_many(rel, this.saved, [], processed, this.connection(rel.parent));
    for (const rel of m2m)
      process_many_to_many(rel, [], this.deleting, processed, this.connection(rel.parent));

    // deletes: detach children that stay, then children before parents
    const dependents = new Set<InstanceState>();
    for (const s of this.deleting) {
      for (const rel of s.mapper._relationships) {
        if (rel.direction !== "ONETOMANY" || rel.viewonly || rel._delete) continue;
        // passive_deletes: the database's ON DELETE takes care of the rows; a collection that is
        // not loaded stays unloaded, one that is gets its foreign keys nulled ("all": never)
        const passive = rel.options.passive_deletes;
        if (passive === "all") continue;
        const children = (
          passive ? (rel.key in s.dict ? s.dict[rel.key] : []) : rel.impl.get(s)
        ) as Iterable<object>;
        for (const child of children) {
          const cs = stateOf(child);
          if (this.deleting.has(cs)) continue;
          for (const [, many] of rel.synchronize_pairs) {
            const key = rel.mapper._columntoproperty.get(many)!.key;
            rel.mapper._impls.get(key)!.set(cs, null);
          }
          dependents.add(cs);
        }
      }
    }
    if (dependents.size) {
      for (const mapper of order ?? [...mappers]) {
        const states = [...dependents].filter((s) => s.mapper.base_mapper === mapper);
        if (states.length) this._save(mapper, states);
      }
    }
    for (const mapper of [...(order ?? [...mappers])].reverse()) {
      let states = [...this.deleting].filter((s) => s.mapper.base_mapper === mapper);
      if (!states.length) continue;
      states.sort((a, b) => compareKeys(a, b));
      if (mapper._has_cycles || order === null) states = this._sort_states(states).reverse();
      delete_obj(this, mapper, states);
      this.deleted.push(...states);
    }
  }

  /**
   * A child in a one-to-many collection that is not in the Session is not saved
   * (dependency.py presort_saves → UOWTransaction.register_object): SQLAlchemy warns.
   */
  private _warn_children_not_in_session(include: (s: InstanceState) => boolean): void {
    const session = this.session as unknown as SessionForUOW & SessionForEvents;
    for (const s of [...session._new.keys(), ...session.identity_map._modified]) {
      if (!include(s) || session._deleted.has(s)) continue;
      for (const rel of s.mapper._relationships) {
        if (rel.direction !== "ONETOMANY" || rel.viewonly || !(rel.key in s.dict)) continue;
        for (const child of rel.impl.get_history(s).added) {
          const cs = stateOf(child as object);
          if (cs && !session._contains_state(cs) && !cs._deleted) {
            sa_warn(
              `Object of type <${className(cs.mapper.class_)}> not in session, add operation along '${rel}' will not proceed`,
            );
          }
        }
      }
    }
  }

  private _states_to_save(mapper: Mapper, include: (s: InstanceState) => boolean): InstanceState[] {
    const session = this.session;
    const pending = [...session._new.keys()].filter(
      (s) => s.mapper.base_mapper === mapper && include(s) && !this.saved.has(s),
    );
    pending.sort((a, b) => a.insert_order - b.insert_order);
    const dirty = [...session.identity_map._modified].filter(
      (s) =>
        s.mapper.base_mapper === mapper &&
        include(s) &&
        !this.deleting.has(s) &&
        !session._deleted.has(s) &&
        !this.saved.has(s),
    );
    dirty.sort((a, b) => compareKeys(a, b));
    return [...dirty, ...pending];
  }

  private _save(mapper: Mapper, states: InstanceState[]): void {
    for (const s of states) {
      for (const rel of s.mapper._relationships) {
        if (rel.direction === "MANYTOONE" && !rel.viewonly) process_many_to_one(rel, s);
      }
    }
    const inserted = save_obj(this, mapper, states);
    this.inserted.push(...inserted);
    for (const s of states) this.saved.add(s);
    for (const s of states) {
      for (const rel of s.mapper._relationships) {
        if (rel.direction !== "ONETOMANY" || rel.viewonly) continue;
        for (const orphan of process_one_to_many(rel, s, (c) => this.deleting.has(c)))
          this.deleting.add(orphan);
      }
    }
  }

  /** Mappers in dependency order (referenced before referencing); null when they form a cycle. */
  private _sort_mappers(mappers: Mapper[]): Mapper[] | null {
    const edges: [Mapper, Mapper][] = [];
    const m2m: [Mapper, Mapper][] = [];
    for (const m of mappers) {
      for (const rel of relationshipsOf(m)) {
        const target = rel.mapper.base_mapper;
        if (target === m || rel.viewonly) continue;
        if (rel.direction === "MANYTOMANY") m2m.push([target, m]);
        else if (rel.direction === "ONETOMANY") edges.push([m, target]);
        else edges.push([target, m]);
      }
    }
    // the two sides of a many-to-many do not depend on each other (their rows go in after both);
    // SQLAlchemy's order between them follows its registration of the mappers: the target of the
    // relationship mapped first comes first
    m2m.sort((a, b) => Number(a[1]._key_prefix) - Number(b[1]._key_prefix));
    for (const [target, parent] of m2m)
      if (!edges.some(([x, y]) => (x === parent && y === target) || (x === target && y === parent)))
        edges.push([target, parent]);
    try {
      return topologicalSort(mappers, edges);
    } catch (err) {
      if (!(err instanceof CircularDependencyError)) throw err;
      return null;
    }
  }

  /** Rows of a self-referential (or cyclic) mapper: parents before children. */
  private _sort_states(states: InstanceState[]): InstanceState[] {
    const edges: [InstanceState, InstanceState][] = [];
    const set = new Set(states);
    for (const s of states) {
      for (const rel of s.mapper._relationships) {
        if (!(rel.key in s.dict) || rel.direction === "MANYTOMANY") continue;
        const v = s.dict[rel.key];
        const others = rel.uselist ? [...((v as Iterable<object>) ?? [])] : v ? [v as object] : [];
        for (const o of others) {
          const os = stateOf(o);
          if (!set.has(os) || os === s) continue;
          edges.push(rel.direction === "ONETOMANY" ? [s, os] : [os, s]);
        }
      }
    }
    try {
      return topologicalSort(states, edges);
    } catch (err) {
      if (err instanceof CircularDependencyError) {
        throw new CircularDependencyError(
          `Circular dependency detected. (cycles: {${states.map((s) => `SaveUpdateState(${instanceStr(s)})`).join(", ")}})`,
        );
      }
      throw err;
    }
  }

  finalize_flush_changes(): void {
    const session = this.session;
    const modified = session.identity_map._modified;
    // committed first (as SQLAlchemy's _register_persistent commits the states it registers): a
    // registered state is then unmodified and stays out of the identity map's modified set
    for (const s of this.saved) {
      s._commit_all();
      modified.delete(s);
    }
    // the deleted first, then the inserted (SQLAlchemy's order, which their events follow)
    for (const s of this.deleted) session._remove_newly_deleted(s);
    for (const s of this.inserted) {
      s.key = s.mapper._identity_key_from_state(s);
      session._register_persistent(s);
    }
  }
}

/** The relationships of a base mapper and of the mappers inheriting from it (each once). */
function relationshipsOf(m: Mapper): readonly RelationshipProperty[] {
  if (m._inheriting_mappers.length === 0) return m._relationships;
  const out = new Set<RelationshipProperty>();
  for (const sub of m._self_and_descendants()) for (const r of sub._relationships) out.add(r);
  return [...out];
}

function instanceStr(s: InstanceState): string {
  return instance_str(s.obj);
}

function compareKeys(a: InstanceState, b: InstanceState): number {
  const ka = a.key ? (a.key[1] as unknown as unknown[]) : [];
  const kb = b.key ? (b.key[1] as unknown as unknown[]) : [];
  for (let i = 0; i < Math.min(ka.length, kb.length); i++) {
    const x = ka[i] as number | string;
    const y = kb[i] as number | string;
    if (x < y) return -1;
    if (x > y) return 1;
  }
  return 0;
}
