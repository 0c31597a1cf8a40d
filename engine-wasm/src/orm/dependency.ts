/**
 * `sqlalchemy.orm.dependency` and `sync`: what a relationship contributes to a flush — copying the
 * "one" side's key into the "many" side's foreign key (one-to-many after the parent is saved,
 * many-to-one before the child is saved), nulling foreign keys of removed children, and deleting
 * orphans (cascade="delete-orphan").
 */

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
