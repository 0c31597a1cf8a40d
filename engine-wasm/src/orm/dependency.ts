/**
 * `sqlalchemy.orm.dependency` and `sync`: what a relationship contributes to a flush — copying the
 * "one" side's key into the "many" side's foreign key (one-to-many after the parent is saved,
 * many-to-one before the child is saved), nulling foreign keys of removed children, and deleting
 * orphans (cascade="delete-orphan").
 */

import type { Connection } from "../engine/base.ts";
import { type Delete, delete_, type Insert, insert } from "../sql/dml.ts";
import { and_, bindparam, objectId } from "../sql/elements.ts";
import type { Table } from "../sql/schema.ts";
import { stateOf } from "./attributes.ts";
import { NO_VALUE } from "./base.ts";
import type { Mapper } from "./mapper.ts";
import type { RelationshipProperty } from "./relationships.ts";
import type { InstanceState } from "./state.ts";

function keyOf(mapper: Mapper, col: unknown): string {
  return mapper._columntoproperty.get(col as never)!.key;
}

/** sync.populate: source's referenced columns → dest's foreign key columns. */
export function populate(
  rel: RelationshipProperty,
  source: InstanceState | null,
  dest: InstanceState,
  oneMapper: Mapper,
  manyMapper: Mapper,
): void {
  for (const [one, many] of rel.synchronize_pairs) {
    const destKey = keyOf(manyMapper, many);
    const value = source ? (source.dict[keyOf(oneMapper, one)] ?? null) : null;
    const current = destKey in dest.dict ? dest.dict[destKey] : NO_VALUE;
    if (current !== value) {
      const impl = manyMapper._impls.get(destKey)!;
      impl.set(dest, value);
    }
  }
}

/** Many-to-one: before `state` is saved, copy the referenced object's key into its foreign key. */
export function process_many_to_one(rel: RelationshipProperty, state: InstanceState): void {
  if (!state.committed_state.has(rel.key) && state.key !== null) return;
  if (!(rel.key in state.dict)) return;
  const target = state.dict[rel.key] as object | null;
  if (target === null && !state.committed_state.has(rel.key)) return;
  populate(rel, target ? stateOf(target) : null, state, rel.mapper, rel.parent);
}

/** Whether `child` is (now) in some parent's `rel` collection (SQLAlchemy's hasparent). */
export function hasparent(rel: RelationshipProperty, child: InstanceState): boolean {
  const back = rel.impl.backref;
  if (back && back.key in child.dict) {
    const parent = child.dict[back.key] as object | null;
    if (!parent) return false;
    const list = stateOf(parent).dict[rel.key] as object[] | undefined;
    return !list || list.includes(child.obj);
  }
  const session = child.session as {
    identity_map: { all_states(): InstanceState[] };
    _new: Map<InstanceState, object>;
  } | null;
  if (!session) return false;
  for (const s of [...session.identity_map.all_states(), ...session._new.keys()]) {
    if (s.mapper !== rel.parent || !(rel.key in s.dict)) continue;
    if ((s.dict[rel.key] as object[]).includes(child.obj)) return true;
  }
  return false;
}

/**
 * One-to-many: after `state` (the parent) is saved, point added children at it and detach removed
 * ones. Returns the removed children that are orphans to delete.
 */
export function process_one_to_many(
  rel: RelationshipProperty,
  state: InstanceState,
  isDeleting: (s: InstanceState) => boolean,
): InstanceState[] {
  if (!(rel.key in state.dict)) return [];
  const history = rel.impl.get_history(state);
  const orphans: InstanceState[] = [];
  const targets =
    state.committed_state.has(rel.key) || state.key === null
      ? [...history.added, ...history.unchanged]
      : history.added;
  for (const child of targets) {
    const cs = stateOf(child as object);
    if (!isDeleting(cs)) populate(rel, state, cs, rel.parent, rel.mapper);
  }
  for (const child of history.deleted) {
    const cs = stateOf(child as object);
    if (isDeleting(cs) || hasparent(rel, cs)) continue;
    if (rel._delete_orphan) {
      orphans.push(cs);
      continue;
    }
    if (!rel.viewonly) populate(rel, null, cs, rel.parent, rel.mapper);
  }
  return orphans;
}

/* ------------------------------------------------------------------------------------------------
 * many-to-many (SQLAlchemy's ManyToManyDP): rows of the secondary table
 * ---------------------------------------------------------------------------------------------- */

/** The DELETE and INSERT of a secondary table's rows, built once per table (so they cache). */
const secondaryStatements = new WeakMap<Table, { insert: Insert; delete: Delete }>();
function secondaryCrud(table: Table): { insert: Insert; delete: Delete } {
  let s = secondaryStatements.get(table);
  if (!s) {
    s = {
      insert: insert(table),
      delete: delete_(table).where(
        and_(...table.columns.map((c) => c.eq(bindparam(c.key, undefined, { type_: c.type })))),
      ),
    };
    secondaryStatements.set(table, s);
  }
  return s;
}

/** The association row linking `parent` and `child` through `rel`'s secondary table. */
function associationRow(
  rel: RelationshipProperty,
  parent: InstanceState,
  child: InstanceState,
): Record<string, unknown> {
  const row: Record<string, unknown> = {};
  for (const [one, sec] of rel.synchronize_pairs) row[sec.key] = parent.dict[keyOf(rel.parent, one)] ?? null;
  for (const [one, sec] of rel.secondary_synchronize_pairs)
    row[sec.key] = child.dict[keyOf(rel.mapper, one)] ?? null;
  return row;
}

/**
 * The secondary rows one many-to-many relationship adds and removes in a flush: for the parents
 * saved, the rows of children added to and removed from the collection; for parents being deleted,
 * the rows of every child they had (the collection is loaded first if it is not). A pair already
 * handled from the other side (back_populates) is skipped. DELETEs run before INSERTs.
 */
export function process_many_to_many(
  rel: RelationshipProperty,
  saved: Iterable<InstanceState>,
  deleting: Iterable<InstanceState>,
  processed: Set<string>,
  connection: Connection,
): void {
  if (rel.viewonly || !rel.secondary) return;
  const inserts: Record<string, unknown>[] = [];
  const deletes: Record<string, unknown>[] = [];
  const seen: string[] = [];
  const pairKey = (a: InstanceState, b: InstanceState) => `${objectId(a)}:${objectId(b)}`;
  const take = (parent: InstanceState, child: object, into: Record<string, unknown>[]) => {
    const cs = stateOf(child);
    if (processed.has(pairKey(parent, cs))) return;
    into.push(associationRow(rel, parent, cs));
    seen.push(pairKey(cs, parent));
  };
  for (const s of saved) {
    if (s.mapper !== rel.parent || !(rel.key in s.dict)) continue;
    const history = rel.impl.get_history(s);
    for (const child of history.added) take(s, child as object, inserts);
    for (const child of history.deleted) take(s, child as object, deletes);
  }
  for (const s of deleting) {
    if (s.mapper !== rel.parent) continue;
    if (!(rel.key in s.dict)) rel.impl.get(s);
    const history = rel.impl.get_history(s);
    for (const child of [...history.unchanged, ...history.deleted]) take(s, child as object, deletes);
  }
  for (const k of seen) processed.add(k);
  const crud = secondaryCrud(rel.secondary);
  if (deletes.length) connection.execute(crud.delete, deletes.length === 1 ? deletes[0]! : deletes);
  if (inserts.length) connection.execute(crud.insert, inserts.length === 1 ? inserts[0]! : inserts);
}
