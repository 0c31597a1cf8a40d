/**
 * `sqlalchemy.orm.path_registry`: which loader option applies where. A statement's options are
 * looked up along a path of relationships from one of its entities: the relationship strategy of
 * one attribute (an option naming it, a `"*"` at its entity, the unbound `"*"` default, else the
 * mapping's `lazy`), and how the columns of the entity at that path load (`defer`, `load_only` …).
 * The ORM's own loads for a relationship run with the options below it, re-rooted at its target.
 */
import type { ColumnProperty, Mapper } from "./mapper.ts";
import type { RelationshipProperty } from "./relationships.ts";
import type { Load, LoaderStrategyName, LoadStep } from "./strategy_options.ts";

function startsWith(l: Load, path: readonly RelationshipProperty[]): boolean {
  if (l.path.length < path.length) return false;
  for (let i = 0; i < path.length; i++) if (l.path[i]!.prop !== path[i]) return false;
  return true;
}

/** The loader option naming `prop` at `path` (with a strategy of its own), if any. */
export function loadStepFor(
  prop: RelationshipProperty,
  path: readonly RelationshipProperty[],
  loads: readonly Load[],
): LoadStep | null {
  for (const l of loads) {
    if (l.path.length <= path.length || !startsWith(l, path)) continue;
    const s = l.path[path.length]!;
    if (s.prop === prop && s.strategy !== null) return s;
  }
  return null;
}

/** A `"*"` relationship option for the relationships of `mapper` at `path`: bound first, then unbound. */
function wildcardFor(
  mapper: Mapper,
  path: readonly RelationshipProperty[],
  loads: readonly Load[],
): LoaderStrategyName | null {
  let bound: LoaderStrategyName | null = null;
  let unbound: LoaderStrategyName | null = null;
  for (const l of loads) {
    if (!l.wildcard) continue;
    if (!l.path.length && !l.root) unbound = l.wildcard.strategy;
    else if (l.path.length === path.length && startsWith(l, path) && (path.length || l.root === mapper))
      bound = l.wildcard.strategy;
  }
  return bound ?? unbound;
}

/**
 * Strategy chosen for `prop` at `path`: an option naming it, else a `"*"` option, else the
 * relationship's own `lazy`.
 */
export function strategyFor(
  prop: RelationshipProperty,
  path: readonly RelationshipProperty[],
  loads: readonly Load[],
): string {
  const step = loadStepFor(prop, path, loads);
  if (step) return step.strategy!;
  if (loads.length) {
    const wildcard = wildcardFor(prop.parent, path, loads);
    if (wildcard) return wildcard;
  }
  const lazy = prop.lazy;
  return lazy === true ? "select" : lazy === false ? "joined" : String(lazy);
}

/**
 * The options below `prop` for a load of its target (a lazy load, a selectin or subquery load),
 * re-rooted at the target entity. An eager load also keeps the unbound `"*"` options (SQLAlchemy's
 * wildcard paths are not chopped); a lazy load does not.
 */
export function optionsBelow(loads: readonly Load[], prop: RelationshipProperty, eager: boolean): Load[] {
  const out: Load[] = [];
  for (const l of loads) {
    if (l.path.length && l.path[0]!.prop === prop) {
      if (l.path.length > 1 || l.columns.length || l.wildcard) out.push(l._rerooted(prop.mapper));
    } else if (eager && l.wildcard && !l.path.length && !l.root) out.push(l);
  }
  return out;
}

/** The options for the entity at `path`, re-rooted there (the objects of a joined eager load). */
export function optionsAt(loads: readonly Load[], path: readonly RelationshipProperty[]): readonly Load[] {
  let out = loads;
  for (const prop of path) out = optionsBelow(out, prop, true);
  return out;
}

/** A column left out of its entity's SELECT: its key, and whether reading it raises. */
export interface ColumnDeferral {
  readonly key: string;
  readonly raiseload: boolean;
  /** Deferred by an option of the query (the object gets a loader of its own), not by the mapping. */
  readonly option: boolean;
}

/**
 * The columns of `mapper`, loaded at `path`, that its SELECT leaves out (SQLAlchemy's column
 * strategies: an option naming the attribute, `undefer_group`, a wildcard — never for the primary
 * key —, else the mapping's `deferred`); null when every column is loaded.
 */
export function deferredColumns(
  mapper: Mapper,
  path: readonly RelationshipProperty[],
  loads: readonly Load[],
): ColumnDeferral[] | null {
  let opts: Load[] | null = null;
  for (const l of loads) {
    if (!l.columns.length || l.path.length !== path.length || !startsWith(l, path)) continue;
    if (!path.length && l.root && l.root !== mapper) continue;
    if (l.columns_for && l.columns_for !== mapper) continue;
    (opts ??= []).push(l);
  }
  if (!opts && !mapper._has_deferred) return null;
  let out: ColumnDeferral[] | null = null;
  for (const p of mapper._column_props) {
    const d = deferralOf(mapper, p, opts);
    if (d) (out ??= []).push(d);
  }
  return out;
}

function deferralOf(mapper: Mapper, p: ColumnProperty, opts: readonly Load[] | null): ColumnDeferral | null {
  let named: { deferred: boolean; raiseload: boolean } | null = null;
  let wildcard: { deferred: boolean; raiseload: boolean } | null = null;
  let group = false;
  for (const l of opts ?? [])
    for (const c of l.columns) {
      if (c.kind === "attr") {
        if (c.key === p.key) named = c;
      } else if (c.kind === "wildcard") wildcard = c;
      else if (p.group !== null && c.group === p.group) group = true;
    }
  if (named) return named.deferred ? { key: p.key, raiseload: named.raiseload, option: true } : null;
  if (p.columns.some((c) => mapper.primary_key.includes(c))) return null;
  if (group && p.deferred) return null;
  if (wildcard) return wildcard.deferred ? { key: p.key, raiseload: wildcard.raiseload, option: true } : null;
  return p.deferred ? { key: p.key, raiseload: p.raiseload, option: false } : null;
}

/** The column properties a SELECT of `mapper` loads, given its deferrals. */
export function loadedColumnProps(
  mapper: Mapper,
  deferred: readonly ColumnDeferral[] | null,
): ColumnProperty[] {
  if (!deferred) return mapper._column_props;
  return mapper._column_props.filter((p) => !deferred.some((d) => d.key === p.key));
}
