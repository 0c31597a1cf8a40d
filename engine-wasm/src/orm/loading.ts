/**
 * `sqlalchemy.orm.loading`: turning rows into objects through the identity map (`instances()`),
 * and the ORM's own loads: `session.get()` (load_on_pk_identity), `session.refresh()`
 * (load_on_ident) and the reload of expired attributes (load_scalar_attributes).
 */
import type { CursorResult } from "../engine/cursor.ts";
import { ResultMetaData } from "../engine/result.ts";
import { MultipleResultsFound } from "../exc.ts";
import type { ColumnElement } from "../sql/elements.ts";
import { and_, BindParameter, bindparam } from "../sql/elements.ts";
import {
  LABEL_STYLE_DISAMBIGUATE_ONLY,
  LABEL_STYLE_TABLENAME_PLUS_COL,
  type LabelStyle,
  Select,
} from "../sql/selectable.ts";
import { AssertionError } from "../util/builtins.ts";
import { repr } from "../util/repr.ts";
import { stateOf } from "./attributes.ts";
import { instance_str, NO_VALUE } from "./base.ts";
import {
  type EntityDesc,
  execute_orm_select,
  execute_orm_statement,
  type JoinedLoad,
  ORMResult,
  type SubqueryOrigin,
} from "./context.ts";
import { _instance_events } from "./events.ts";
import { ObjectDeletedError } from "./exc.ts";
import { pkKeyString } from "./identity.ts";
import { type ColumnProperty, configure_mappers, type Mapper } from "./mapper.ts";
import { type ColumnDeferral, loadedColumnProps } from "./path_registry.ts";
import type { Session } from "./session.ts";
import { type IdentityKey, type InstanceState, identityKeyOfOwn } from "./state.ts";
import { deferred_loader, post_load_selectin } from "./strategies.ts";
import { _OrmLoadTag, type Load } from "./strategy_options.ts";
import { type AliasedInsp, adaptTo } from "./util.ts";

export interface LoadContext {
  session: Session;
  entities: EntityDesc[];
  joined: JoinedLoad[];
  loads: readonly Load[];
  /** Per entity, the columns its SELECT left out (see path_registry.ts deferredColumns). */
  deferred: readonly (readonly ColumnDeferral[] | null)[];
  populate_existing: boolean;
  refresh_state: InstanceState | null;
  only_load_props: readonly string[] | null;
  /** The attribute names a `refresh` event of `refresh_state` names, when not `only_load_props`. */
  refresh_attrs?: Set<string> | null;
  /** Whether the session has loaded_as_persistent listeners (looked up once per load). */
  _loaded_as_persistent?: boolean;
  /** The existing objects this load has populated (each gets one `refresh` event). */
  _refreshed?: Set<InstanceState>;
  /** from_statement(): the entities' columns are found by name in the rows (textual SQL). */
  by_name?: boolean;
  /** The statement executed (its columns in result order). */
  statement?: Select;
  /** The mappers of the loader path this statement loads for (see context.ts InternalOptions). */
  current_path?: readonly Mapper[];
  /** The statement as given (before its eager loads), which a subquery load embeds, and its parameters. */
  query?: Select;
  params?: Record<string, unknown> | readonly Record<string, unknown>[] | null;
  /** A subquery load's statement: where its own subquery loads start. */
  subquery_origin?: SubqueryOrigin;
  /** The joined eager load of each loader path below the statement's entities (its re-rooted options). */
  _joined_by_path?: Map<readonly Mapper[], JoinedLoad>;
  /** The loader paths of the statement's own entities. */
  _root_paths?: Map<readonly Mapper[], EntityDesc & { kind: "mapper" }>;
  /** Per entity, the query_expression() attributes with_expression() fills: (key, expression). */
  expressions?: readonly (readonly (readonly [string, ColumnElement])[] | null)[];
}

const NO_PATH: readonly Mapper[] = [];

/** The objects a result loaded, each with the mappers of its loader path (its own last). */
export type LoadedStates = Map<InstanceState, readonly Mapper[]>;

/** Attribute key → row index, for the columns of one entity that are in the result. */
type ColumnIndexes = readonly (readonly [string, number])[];

/**
 * Where a mapper's columns are in the rows of one compiled statement (SQLAlchemy keeps this in the
 * cached compile state): per Core result metadata, which is itself kept on the compiled statement.
 */
interface MapperRowPlan {
  readonly cols: ColumnIndexes;
  readonly pk: readonly (number | undefined)[];
  /** How many column properties the mapper had (one added later makes a new plan). */
  readonly nprops: number;
  /** The columns the statement left out of this entity (not read from the rows even if there). */
  readonly deferred: readonly ColumnDeferral[] | null;
  /** A polymorphic mapper: where the discriminator is in the rows (-1: not polymorphic, or not there). */
  readonly poly: number;
  /** The plans of the subclasses that rows' discriminators name (made as rows need them). */
  sub?: Map<Mapper, MapperRowPlan>;
}
const rowPlans = new WeakMap<ResultMetaData, Map<Mapper, MapperRowPlan>>();
const rowPlansByName = new WeakMap<ResultMetaData, Map<Mapper, MapperRowPlan>>();

/** Where a column is in the rows: `md.index_for(col)`, or a fallback (from_statement: by name). */
type ColumnFinder = (col: ColumnElement) => number | undefined;

/**
 * The plan of `mapper`'s columns in rows of `md`, the columns taken from `insp`'s alias if given.
 * A plain mapper's plan is kept per result metadata; an alias's is made for its statement (a new
 * alias of a statement found in the compiled cache is found in the rows by position).
 */
function mapperRowPlan(
  md: ResultMetaData,
  mapper: Mapper,
  insp: AliasedInsp | null = null,
  find: ColumnFinder | null = null,
  byName = false,
  deferred: readonly ColumnDeferral[] | null = null,
): MapperRowPlan {
  const make = (): MapperRowPlan => {
    const at = (c: ColumnElement) => {
      if (byName) return md.index_for((c as ColumnElement & { name: string }).name);
      const a = insp ? insp._adapt_element(c) : c;
      return find ? find(a) : md.index_for(a);
    };
    // a property over several columns (a joined subclass's primary key) reads the first one there
    const atAny = (cs: readonly ColumnElement[]) => {
      for (const c of cs) {
        const i = at(c);
        if (i !== undefined) return i;
      }
      return undefined;
    };
    const poly = mapper.polymorphic_map !== null && mapper.polymorphic_on !== null && !insp;
    return {
      cols: definedIndexes(
        loadedColumnProps(mapper, deferred).map(
          (p) => [p.key, p.columns.length === 1 ? at(p.columns[0]!) : atAny(p.columns)] as const,
        ),
      ),
      pk: mapper.primary_key.map((c) => at(c)),
      nprops: mapper._column_props.length,
      deferred,
      poly: poly ? (at(mapper.polymorphic_on!) ?? -1) : -1,
    };
  };
  if (insp) return make();
  const all = byName ? rowPlansByName : rowPlans;
  let plans = all.get(md);
  if (!plans) {
    plans = new Map();
    all.set(md, plans);
  }
  let plan = plans.get(mapper);
  if (!plan || plan.nprops !== mapper._column_props.length || plan.deferred !== deferred) {
    plan = make();
    plans.set(mapper, plan);
  }
  return plan;
}

function definedIndexes(cols: readonly (readonly [string, number | undefined])[]): ColumnIndexes {
  return cols.filter((c): c is readonly [string, number] => c[1] !== undefined);
}

/** The ORM result's keys and entities when the statement selects one mapped class (no per-result rebuild). */
const entityMetadata = new WeakMap<Mapper, ResultMetaData>();
function singleEntityMetadata(mapper: Mapper, key: string): ResultMetaData {
  let md = entityMetadata.get(mapper);
  if (!md || md.keys[0] !== key) {
    md = new ResultMetaData([key], { objects: [[mapper.class_]] });
    entityMetadata.set(mapper, md);
  }
  return md;
}

/**
 * The rows of a Core result as value lists (result processors applied), as `result.all()` gives them
 * but without building Row objects; under `echo="debug"` through all(), which logs each Row.
 */
function fetchAllData(result: CursorResult): unknown[][] {
  if (result._echoRows) return result.all().map((r) => r._data as unknown[]);
  const raws = result._fetch_all_raw();
  result._soft_close(false);
  const procs = result._metadata._processors;
  if (!procs) return raws;
  return raws.map((raw) => {
    const data = new Array(raw.length);
    for (let i = 0; i < raw.length; i++) {
      const p = procs[i];
      data[i] = p ? p(raw[i]) : raw[i];
    }
    return data;
  });
}

/** Rows → objects (SQLAlchemy's loading.instances). */
export function instances(ctx: LoadContext, result: CursorResult): ORMResult {
  const md = result._metadata;
  const rows = load_rows(ctx, result);
  const requireUnique = ctx.joined.some((j) => j.prop.uselist);
  return new ORMResult(ormResultMetadata(ctx.entities, md), rows, requireUnique);
}

/** Where each column entity's value is in a row (mapper entities: undefined). */
function columnEntityIndexes(entities: readonly EntityDesc[], md: ResultMetaData): (number | undefined)[] {
  let colPos = 0;
  return entities.map((e) => {
    if (e.kind === "mapper") {
      colPos += e.mapper._select_columns.length;
      return undefined;
    }
    const i = md.index_for(e.expr) ?? colPos;
    colPos += 1;
    return i;
  });
}

/** The ORM result's keys and entities. */
function ormResultMetadata(entities: readonly EntityDesc[], md: ResultMetaData): ResultMetaData {
  const only = entities.length === 1 ? entities[0]! : null;
  if (only?.kind === "mapper" && !only.insp) return singleEntityMetadata(only.mapper, only.key as string);
  const indexes = columnEntityIndexes(entities, md);
  return new ResultMetaData(
    // an unnamed aliased entity has no key (SQLAlchemy leaves it out of row._fields)
    entities.map((e, n) => (e.kind === "mapper" ? (e.key as string) : (md.keys[indexes[n]!] ?? ""))),
    { objects: entities.map((e) => (e.kind === "mapper" ? [e.mapper.class_] : [e.expr])) },
  );
}

/** How a row gives one entity: an object of a mapper (its columns' places) or a column's value. */
interface EntityReader {
  readonly mapper: Mapper | null;
  readonly plan: MapperRowPlan | null;
  readonly index: number;
}

/**
 * The readers for a statement's entities over one result metadata. Both are kept for a cached
 * statement (its compile state, its compiled form), so the readers are made once for them; a mapper
 * that gained a column since makes new ones.
 */
const readerCache = new WeakMap<ResultMetaData, WeakMap<readonly EntityDesc[], EntityReader[]>>();
function entityReaders(
  entities: readonly EntityDesc[],
  md: ResultMetaData,
  find: ColumnFinder,
  byName: boolean | undefined,
  deferred: readonly (readonly ColumnDeferral[] | null)[],
): EntityReader[] {
  if (byName) {
    const indexes = columnEntityIndexes(entities, md);
    return entities.map((e, n) =>
      e.kind === "mapper"
        ? {
            mapper: e.mapper,
            plan: mapperRowPlan(md, e.mapper, null, null, true, deferred[n] ?? null),
            index: -1,
          }
        : { mapper: null, plan: null, index: indexes[n]! },
    );
  }
  let byEntities = readerCache.get(md);
  if (!byEntities) {
    byEntities = new WeakMap();
    readerCache.set(md, byEntities);
  }
  const cached = byEntities.get(entities);
  if (
    cached?.every(
      (r, n) =>
        !r.mapper ||
        (r.plan!.nprops === r.mapper._column_props.length && r.plan!.deferred === (deferred[n] ?? null)),
    )
  )
    return cached;
  const indexes = columnEntityIndexes(entities, md);
  const readers: EntityReader[] = entities.map((e, n) =>
    e.kind === "mapper"
      ? {
          mapper: e.mapper,
          plan: mapperRowPlan(md, e.mapper, e.insp ?? null, e.insp ? find : null, false, deferred[n] ?? null),
          index: -1,
        }
      : { mapper: null, plan: null, index: indexes[n]! },
  );
  byEntities.set(entities, readers);
  return readers;
}

/**
 * The readers with the with_expression() columns of their entities added to the columns they
 * populate (found by the expression, or by its name in a textual statement's rows).
 */
function withExpressionColumns(
  readers: EntityReader[],
  expressions: readonly (readonly (readonly [string, ColumnElement])[] | null)[],
  md: ResultMetaData,
  find: ColumnFinder,
  byName: boolean | undefined,
): EntityReader[] {
  return readers.map((r, n) => {
    const x = expressions[n];
    if (!x || !r.plan) return r;
    const at = (c: ColumnElement) => {
      const i = byName ? md.index_for(c) : find(c);
      return i !== undefined || !byName ? i : md.index_for((c as { name?: string }).name ?? c.key);
    };
    const cols = definedIndexes(x.map(([key, c]) => [key, at(c)] as const));
    return { ...r, plan: { ...r.plan, cols: [...r.plan.cols, ...cols] } };
  });
}

/**
 * The rows of an ORM result: per row, an object per mapper entity (through the identity map) and
 * a value per column entity; then joined collections set and selectin loads run.
 */
function load_rows(ctx: LoadContext, result: CursorResult): unknown[][] {
  const md = result._metadata;
  const raws = fetchAllData(result);
  // a column not in the result metadata (a new alias of a cached statement): by its position
  let positions: Map<unknown, number> | null = null;
  const find: ColumnFinder = (col) => {
    const i = md.index_for(col);
    if (i !== undefined || !ctx.statement) return i;
    if (!positions) {
      positions = new Map();
      ctx.statement._exported_columns().forEach((c, n) => {
        if (!positions!.has(c)) positions!.set(c, n);
      });
    }
    return positions.get(col);
  };
  let readers = entityReaders(ctx.entities, md, find, ctx.by_name, ctx.deferred);
  if (ctx.expressions) readers = withExpressionColumns(readers, ctx.expressions, md, find, ctx.by_name);
  // joined eager loads: per parent, the children seen in this result
  const joinedCols = ctx.joined.map((j) => ({
    j,
    cols: definedIndexes(
      loadedColumnProps(j.prop.mapper, j.deferred).map(
        (p) => [p.key, find(adaptTo(j.alias, p.columns[0]!))] as const,
      ),
    ),
    pk: j.prop.mapper.primary_key.map((c) => find(adaptTo(j.alias, c))),
    parents: new Map<InstanceState, object[]>(),
  }));
  // the loaded states, each with its loader path, matter to the relationship loaders that run after
  // the rows (and only to them)
  let loaded: LoadedStates | null = null;
  for (const e of ctx.entities) if (e.kind === "mapper" && e.mapper._relationships.length) loaded = new Map();
  const basePath = ctx.current_path ?? NO_PATH;
  const readerPaths = loaded ? readers.map((r) => (r.mapper ? [...basePath, r.mapper] : basePath)) : null;
  if (readerPaths) {
    const roots = (ctx._root_paths = new Map());
    readerPaths.forEach((path, n) => {
      const e = ctx.entities[n]!;
      if (e.kind === "mapper") roots.set(path, e);
    });
    if (ctx.joined.length) ctx._joined_by_path = new Map(ctx.joined.map((j) => [j.pathMappers, j]));
  }
  // (indexed loops: this runs once per row, often before the JIT has optimized it)
  const nrows = raws.length;
  const rows: unknown[][] = new Array(nrows);
  const nentities = readers.length;
  for (let r = 0; r < nrows; r++) {
    const data = raws[r]!;
    const row = new Array(nentities);
    for (let p = 0; p < nentities; p++) {
      const reader = readers[p]!;
      const plan = reader.plan;
      row[p] = reader.mapper
        ? plan!.poly < 0
          ? _instance(
              ctx,
              reader.mapper,
              data,
              plan!.cols,
              plan!.pk,
              loaded,
              readerPaths?.[p] ?? NO_PATH,
              plan!.deferred,
              ctx.loads,
            )
          : _polymorphic_instance(ctx, md, reader.mapper, plan!, data, loaded, readerPaths?.[p] ?? NO_PATH)
        : data[reader.index];
    }
    rows[r] = row;
    if (!joinedCols.length) continue;
    for (const jc of joinedCols) {
      const parentObj = jc.j.parentAlias ? null : (row[jc.j.entityIndex] as object | null);
      const parent = parentObj ?? findJoinedParent(jc.j, joinedCols, data);
      if (!parent) continue;
      const ps = stateOf(parent);
      let list = jc.parents.get(ps);
      if (!list) {
        list = [];
        jc.parents.set(ps, list);
      }
      const child = _instance(
        ctx,
        jc.j.prop.mapper,
        data,
        jc.cols,
        jc.pk,
        loaded,
        jc.j.pathMappers,
        jc.j.deferred,
        jc.j.loads,
      );
      if (child && !list.includes(child)) list.push(child);
      (jc as { lastChild?: object | null }).lastChild = child;
    }
  }
  for (const jc of joinedCols) {
    for (const [ps, children] of jc.parents) {
      if (jc.j.prop.key in ps.dict && !ctx.populate_existing && !ctx.refresh_state) continue;
      // a many-to-one (uselist=False) holds its one object, never a list
      set_committed_value(ps, jc.j.prop, jc.j.prop.uselist ? children : (children[0] ?? null));
    }
  }
  if (loaded) post_load_selectin(ctx, loaded);
  return rows;
}

function findJoinedParent(j: JoinedLoad, all: { j: JoinedLoad }[], _data: unknown[]): object | null {
  const parent = all.find((x) => x.j.alias === j.parentAlias) as { lastChild?: object | null } | undefined;
  return parent?.lastChild ?? null;
}

/** Puts a loaded relationship value in place, with no history (SQLAlchemy's set_committed_value). */
export function set_committed_value(
  state: InstanceState,
  prop: { key: string; uselist: boolean; impl: unknown },
  value: unknown,
): void {
  if (prop.uselist) {
    const impl = prop.impl as { _new_collection(s: InstanceState, items: readonly object[]): unknown };
    state.dict[prop.key] = impl._new_collection(state, (value as object[]) ?? []);
  } else state.dict[prop.key] = value ?? null;
  state._committed_state?.delete(prop.key);
}

function _instance(
  ctx: LoadContext,
  mapper: Mapper,
  data: unknown[],
  cols: ColumnIndexes,
  pkIdx: readonly (number | undefined)[],
  loaded: LoadedStates | null,
  path: readonly Mapper[],
  deferred: readonly ColumnDeferral[] | null,
  loads: readonly Load[],
): object | null {
  const session = ctx.session;
  const refresh = ctx.refresh_state;
  const events = _instance_events(mapper);
  if (refresh && refresh.mapper === mapper) {
    populate(refresh, cols, data, true);
    if (loaded && !loaded.has(refresh)) loaded.set(refresh, path);
    if (events.refresh.length) {
      const props = ctx.only_load_props;
      const attrs = ctx.refresh_attrs !== undefined ? ctx.refresh_attrs : props ? new Set(props) : null;
      fireRefresh(ctx, events, refresh, attrs);
    }
    return refresh.obj;
  }
  const pk = new Array<unknown>(pkIdx.length);
  let anyValue = false;
  for (let p = 0; p < pkIdx.length; p++) {
    const i = pkIdx[p];
    const v = i === undefined ? null : data[i];
    pk[p] = v;
    if (v !== null && v !== undefined) anyValue = true;
  }
  if (!anyValue) return null;
  const keyStr = pkKeyString(mapper, pk);
  let state = session.identity_map._state_for_key_string(keyStr);
  if (state) {
    if (ctx.populate_existing) {
      populate(state, cols, data, true);
      if (deferred) set_deferred(state, deferred, true);
      if (events.refresh.length)
        fireRefresh(ctx, events, state, ctx.only_load_props ? new Set(ctx.only_load_props) : null);
    } else {
      // SQLAlchemy's partial population: what the object has not loaded (and its joined eager loads)
      const unloaded = events.refresh.length && !ctx._refreshed?.has(state) ? state.unloaded : null;
      if (state._expired_attributes?.size || cols.some(([k]) => !(k in state!.dict))) {
        populate(state, cols, data, false);
      }
      if (deferred) set_deferred(state, deferred, false);
      if (unloaded && (unloaded.size || ctx.joined.some((j) => j.prop.parent === mapper)))
        fireRefresh(ctx, events, state, unloaded);
    }
    if (loaded && !loaded.has(state)) loaded.set(state, path);
    return state.obj;
  }
  const obj = mapper._new_instance();
  state = stateOf(obj);
  state.key = identityKeyOfOwn(mapper, pk);
  state.session_id = session.hash_key;
  // a new state has no committed or expired values: the row's values are simply its dict
  const dict = state.dict;
  for (let c = 0; c < cols.length; c++) {
    const col = cols[c]!;
    dict[col[0]] = data[col[1]] ?? null;
  }
  // column attributes the row does not have (an alias over a subquery of some of the columns) are
  // expired: read, they load (SQLAlchemy's "expire" populators); a deferred one has its own loader
  if (cols.length + (deferred?.length ?? 0) < mapper._column_props.length) {
    for (const prop of mapper._column_props)
      if (!(prop.key in dict) && !deferred?.some((d) => d.key === prop.key))
        state.expired_attributes.add(prop.key);
  }
  state.load_options = loads;
  if (deferred) set_deferred(state, deferred, false);
  session.identity_map.add(state, keyStr);
  loaded?.set(state, path);
  const onLoad = events.load;
  for (let l = 0; l < onLoad.length; l++) onLoad[l]!(state, ctx);
  if ((ctx._loaded_as_persistent ??= session._has_event("loaded_as_persistent")))
    session._dispatch_event("loaded_as_persistent", state);
  return obj;
}

/**
 * A row of a polymorphic mapper: an object of the class its discriminator names (SQLAlchemy's
 * polymorphic `_instance`), with the columns of that class the row has; its other columns are
 * expired, to load when first read.
 */
function _polymorphic_instance(
  ctx: LoadContext,
  md: ResultMetaData,
  mapper: Mapper,
  plan: MapperRowPlan,
  data: unknown[],
  loaded: LoadedStates | null,
  path: readonly Mapper[],
): object | null {
  const discriminator = data[plan.poly];
  let sub = mapper;
  if (discriminator !== null && discriminator !== undefined) {
    const named = mapper.polymorphic_map!.get(discriminator);
    if (named === undefined)
      throw new AssertionError(`No such polymorphic_identity ${repr(discriminator)} is defined`);
    if (named !== mapper && named.isa(mapper)) sub = named;
  }
  if (sub === mapper)
    return _instance(ctx, mapper, data, plan.cols, plan.pk, loaded, path, plan.deferred, ctx.loads);
  const subs = (plan.sub ??= new Map());
  let subPlan = subs.get(sub);
  if (subPlan === undefined) {
    subPlan = mapperRowPlan(md, sub, null, null, !!ctx.by_name, plan.deferred);
    subs.set(sub, subPlan);
  }
  return _instance(ctx, sub, data, subPlan.cols, plan.pk, loaded, path, plan.deferred, ctx.loads);
}

/**
 * The columns a query left out: a column deferred by one of its options gets a loader of its own
 * on the object (SQLAlchemy's `_DEFER_FOR_STATE` / `_RAISE_FOR_STATE`); when the load overwrites the
 * object, a value it held is dropped (`_SET_DEFERRED_EXPIRED`).
 */
function set_deferred(state: InstanceState, deferred: readonly ColumnDeferral[], overwrite: boolean): void {
  const dict = state.dict;
  for (let i = 0; i < deferred.length; i++) {
    const d = deferred[i]!;
    if (d.key in dict) {
      if (!overwrite) continue;
      delete dict[d.key];
    }
    if (d.option) (state.callables ??= new Map()).set(d.key, deferred_loader(state.mapper, d));
  }
}

/** The `refresh` event of an existing object, once per load (SQLAlchemy's `isnew`). */
function fireRefresh(
  ctx: LoadContext,
  events: { readonly refresh: readonly ((...args: any[]) => unknown)[] },
  state: InstanceState,
  attrs: Set<string> | null,
): void {
  const seen = (ctx._refreshed ??= new Set());
  if (seen.has(state)) return;
  seen.add(state);
  for (const fn of events.refresh) fn(state, ctx, attrs);
}

function populate(state: InstanceState, cols: ColumnIndexes, data: unknown[], overwrite: boolean): void {
  const dict = state.dict;
  for (const [key, i] of cols) {
    if (!overwrite && key in dict) continue;
    if (overwrite) state._committed_state?.delete(key);
    dict[key] = data[i] ?? null;
    state._expired_attributes?.delete(key);
  }
  if (!state._committed_state?.size) state.modified = false;
  if (!state._expired_attributes?.size) state.expired = false;
}

/* ------------------------------------------------------------------------------------------------
 * the ORM's own loads
 * ---------------------------------------------------------------------------------------------- */

function pkCriteria(mapper: Mapper) {
  return and_(
    ...mapper.primary_key.map((c, i) => c.eq(bindparam(`pk_${i + 1}`, undefined, { type_: c.type }))),
  );
}
/** `pk_1`, `pk_2` …: the names of the primary key's bound parameters in pkCriteria(). */
const PK_PARAM_NAMES: string[] = [];
function pkParams(mapper: Mapper, pk: readonly unknown[]): Record<string, unknown> {
  const params: Record<string, unknown> = {};
  const n = mapper.primary_key.length;
  for (let i = 0; i < n; i++) {
    PK_PARAM_NAMES[i] ??= `pk_${i + 1}`;
    params[PK_PARAM_NAMES[i]!] = pk[i];
  }
  return params;
}

/**
 * The SELECT of `session.get()` for one mapper, built once (SQLAlchemy caches it per mapper as a
 * lambda statement). Its columns come from the mapper when it is compiled and its primary key is
 * fixed, so it never goes stale.
 */
const getStatements = new WeakMap<Mapper, Select>();
function getStatement(mapper: Mapper): Select {
  let stmt = getStatements.get(mapper);
  if (!stmt) {
    stmt = new Select(mapper.class_)
      .set_label_style(LABEL_STYLE_TABLENAME_PLUS_COL)
      .where(pkCriteria(mapper))
      .options(new _OrmLoadTag("get"));
    getStatements.set(mapper, stmt);
  }
  return stmt;
}

/** `session.get()` when the identity map does not have the object. */
export function load_on_pk_identity(
  session: Session,
  mapper: Mapper,
  pk: readonly unknown[],
  options: { populate_existing?: boolean; options?: unknown[] } = {},
): object | null {
  let stmt = getStatement(mapper);
  if (options.options?.length) stmt = stmt.options(...options.options);
  configure_mappers();
  const { result, ctx } = execute_orm_select(
    session,
    stmt,
    pkParams(mapper, pk),
    {},
    {
      populate_existing: options.populate_existing,
    },
  );
  if (ctx!.joined.some((j) => j.prop.uselist)) {
    // a joined eager collection repeats the object on each of its rows: SQLAlchemy's unique().scalars()
    return (instances(ctx!, result) as { unique(): { scalars(): { one_or_none(): unknown } } })
      .unique()
      .scalars()
      .one_or_none() as object | null;
  }
  // `scalars().one_or_none()` of the ORM result, without making one (a null value counts as no row)
  const rows = load_rows(ctx!, result);
  const first = (rows[0]?.[0] ?? null) as object | null;
  if (first !== null && (rows[1]?.[0] ?? null) !== null)
    throw new MultipleResultsFound("Multiple rows were found when one or none was required");
  return first;
}

/** `session.refresh(obj, attrs)`: SELECT now, overwriting what the object holds. */
export function load_on_ident(
  session: Session,
  mapper: Mapper,
  key: IdentityKey,
  options: {
    refresh_state: InstanceState;
    only_load_props: readonly string[] | null;
    label_style: LabelStyle;
  },
): object | null {
  const props = options.only_load_props;
  const columns = props
    ? props.map((k) => mapper.get_property(k)).flatMap((p) => ("columns" in p ? [p.columns[0]] : []))
    : [mapper.class_];
  const stmt = new Select(...columns)
    .set_label_style(options.label_style ?? LABEL_STYLE_DISAMBIGUATE_ONLY)
    .where(pkCriteria(mapper))
    .options(new _OrmLoadTag("refresh"));
  const entities: EntityDesc[] = [{ kind: "mapper", mapper, key: mapper.class_name }];
  const result = execute_orm_statement(
    session,
    stmt,
    pkParams(mapper, key[1] as unknown as unknown[]),
    {},
    {
      entities,
      refresh_state: options.refresh_state,
      only_load_props: props,
      populate_existing: true,
    },
  ) as ORMResult;
  return result.scalars().one_or_none() as object | null;
}

/** The SELECT behind reading an expired attribute: the expired columns of one row. */
export function load_scalar_attributes(
  session: Session,
  state: InstanceState,
  attribute_names: readonly string[],
): void {
  const mapper = state.mapper;
  if (state.key === null) return;
  const all = mapper._column_props.every((p) => attribute_names.includes(p.key));
  const optimized =
    !all && mapper.inherits !== null ? _optimized_get_statement(mapper, state, attribute_names) : null;
  if (optimized) {
    const entities: EntityDesc[] = [{ kind: "mapper", mapper, key: mapper.class_name }];
    const result = execute_orm_statement(
      session,
      optimized,
      null,
      {},
      {
        entities,
        refresh_state: state,
        only_load_props: attribute_names,
        refresh_attrs: new Set(attribute_names),
        populate_existing: true,
      },
    ) as ORMResult;
    if (result.scalars().one_or_none() === null) {
      throw new ObjectDeletedError(
        `Instance '${instance_str(state.obj)}' has been deleted, or its row is otherwise not present.`,
      );
    }
    return;
  }
  const columns = all
    ? [mapper.class_]
    : attribute_names
        .map((k) => mapper.get_property(k))
        .flatMap((p) => ("columns" in p ? [p.columns[0]] : []));
  if (!columns.length) return;
  const stmt = new Select(...columns)
    .set_label_style(LABEL_STYLE_TABLENAME_PLUS_COL)
    .where(pkCriteria(mapper))
    .options(new _OrmLoadTag("load_scalar_attributes"));
  const entities: EntityDesc[] = [{ kind: "mapper", mapper, key: mapper.class_name }];
  const result = execute_orm_statement(
    session,
    stmt,
    pkParams(mapper, state.key[1] as unknown as unknown[]),
    {},
    {
      entities,
      refresh_state: state,
      only_load_props: all ? null : attribute_names,
      // the `refresh` event names what was expired (after a whole-object expire, in SQLAlchemy,
      // the relationships too)
      refresh_attrs: new Set(
        state.expired
          ? [...attribute_names, ...state.unmodified_intersection(mapper._relationships.map((r) => r.key))]
          : attribute_names,
      ),
      populate_existing: true,
    },
  ) as ORMResult;
  if (result.scalars().one_or_none() === null) {
    throw new ObjectDeletedError(
      `Instance '${instance_str(state.obj)}' has been deleted, or its row is otherwise not present.`,
    );
  }
}

/**
 * Joined-table inheritance: the SELECT of expired attributes that are all on the subclass tables,
 * from those tables alone, the base row's primary key bound in place of the base table's column
 * (`SELECT manager.manager_name … FROM manager WHERE ? = manager.id`); null when the base table
 * is needed (SQLAlchemy's Mapper._optimized_get_statement).
 */
function _optimized_get_statement(
  mapper: Mapper,
  state: InstanceState,
  attribute_names: readonly string[],
): Select | null {
  const props: ColumnProperty[] = [];
  for (const k of attribute_names) {
    const p = mapper._props.get(k);
    if (p && "columns" in p && !props.includes(p as ColumnProperty)) props.push(p as ColumnProperty);
  }
  const tables = new Set<unknown>();
  for (const p of props) for (const c of p.columns) tables.add(c.table);
  if (tables.has(mapper.base_mapper.local_table) || !props.length) return null;
  const chain: Mapper[] = [];
  for (let m: Mapper | null = mapper; m; m = m.inherits) chain.unshift(m);
  const conds: ColumnElement[] = [];
  let start = false;
  for (const m of chain) {
    if (tables.has(m.local_table)) start = true;
    if (!start || m.single || !m.inherits) continue;
    const pairs = m._inherits_equated_pairs;
    if (!conds.length) {
      // the lowest table's ON clause with the inherited side bound to the object's value
      for (const [parentCol, childCol] of pairs) {
        const prop = mapper._columntoproperty.get(parentCol);
        const committed = prop ? state._committed_state?.get(prop.key) : undefined;
        const value = prop ? (committed !== undefined ? committed : state.dict[prop.key]) : undefined;
        if (value === null || value === undefined || value === NO_VALUE) return null;
        conds.push(new BindParameter(null, value, { type_: childCol.type, unique: true }).eq(childCol));
      }
    } else for (const [parentCol, childCol] of pairs) conds.push(parentCol.eq(childCol));
    tables.add(m.local_table);
  }
  if (!conds.length) return null;
  return new Select(...props.flatMap((p) => p.columns))
    .set_label_style(LABEL_STYLE_TABLENAME_PLUS_COL)
    .where(and_(...conds))
    .options(new _OrmLoadTag("load_scalar_attributes"));
}
