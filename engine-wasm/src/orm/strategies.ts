/**
 * `sqlalchemy.orm.strategies`: how a relationship's value is loaded.
 * - lazy="select" (default): on first access, `SELECT … WHERE ? = address.user_id` (one-to-many), or
 *   for many-to-one the identity map first (no SQL when the object is there), else a get by key;
 * - lazy="selectin": after the parent rows, one `SELECT … WHERE address.user_id IN (…)` for all;
 * - lazy="joined": a LEFT OUTER JOIN in the parent query (context.ts / loading.ts);
 * - lazy="raise": access raises; lazy="noload": empty.
 */
import { InvalidRequestError } from "../exc.ts";
import { and_, BinaryExpression, BindParameter, type ColumnElement } from "../sql/elements.ts";
import type { FromClause } from "../sql/selectable.ts";
import { LABEL_STYLE_TABLENAME_PLUS_COL, Select } from "../sql/selectable.ts";
import { BOOLEANTYPE } from "../sql/sqltypes.ts";
import type { AttributeImpl } from "./attributes.ts";
import { stateOf } from "./attributes.ts";
import { instance_str, NO_VALUE } from "./base.ts";
import {
  type EntityDesc,
  execute_orm_statement,
  type JoinedLoad,
  type ORMResult,
  type SubqueryOrigin,
} from "./context.ts";
import { DetachedInstanceError } from "./exc.ts";
import {
  type LoadContext,
  type LoadedStates,
  load_on_pk_identity,
  load_scalar_attributes,
  set_committed_value,
} from "./loading.ts";
import { type ColumnProperty, type Mapper, strategyHooks } from "./mapper.ts";
import {
  type ColumnDeferral,
  deferredColumns,
  loadedColumnProps,
  loadStepFor,
  optionsBelow,
  strategyFor,
} from "./path_registry.ts";
import type { RelationshipProperty } from "./relationships.ts";
import type { Session } from "./session.ts";
import type { InstanceState } from "./state.ts";
import { _OrmLoadTag, type Load } from "./strategy_options.ts";
import { _orm_alias, adaptTo, relationshipJoins } from "./util.ts";

function colValue(
  state: InstanceState,
  mapper: { _columntoproperty: Map<unknown, { key: string; impl: AttributeImpl }> },
  col: unknown,
): unknown {
  const prop = mapper._columntoproperty.get(col)!;
  return prop.key in state.dict ? state.dict[prop.key] : prop.impl.get(state);
}

function orderBy(prop: RelationshipProperty): unknown[] {
  return prop.order_by;
}

/**
 * A deferred column read for the first time (SQLAlchemy's DeferredColumnLoader._load_for_state):
 * the unchanged columns of its group (or it alone) in one SELECT, or, with raiseload, an error.
 */
export function load_deferred_column(state: InstanceState, prop: ColumnProperty, raiseload: boolean): void {
  if (state.key === null) return;
  const group = prop.group;
  const toload = group
    ? state.mapper._column_props.filter((p) => p.deferred && p.group === group).map((p) => p.key)
    : [prop.key];
  const keys = toload.filter((k) => !state._committed_state?.has(k));
  const session = state.session as Session | null;
  if (!session)
    throw new DetachedInstanceError(
      `Parent instance ${instance_str(state.obj)} is not bound to a Session; deferred load operation of attribute '${prop.key}' cannot proceed`,
    );
  if (raiseload) throw new InvalidRequestError(`'${prop}' is not available due to raiseload=True`);
  load_scalar_attributes(session, state, keys);
}
strategyHooks.load_deferred = load_deferred_column;

/** The loaders objects get for columns their query deferred, one per column and raise mode. */
const deferredLoaders = new WeakMap<ColumnProperty, Map<boolean, (s: InstanceState) => void>>();
export function deferred_loader(mapper: Mapper, d: ColumnDeferral): (s: InstanceState) => void {
  const prop = mapper.get_property(d.key) as ColumnProperty;
  let m = deferredLoaders.get(prop);
  if (!m) {
    m = new Map();
    deferredLoaders.set(prop, m);
  }
  let fn = m.get(d.raiseload);
  if (!fn) {
    fn = (s) => load_deferred_column(s, prop, d.raiseload);
    m.set(d.raiseload, fn);
  }
  return fn;
}

/** Loads `impl`'s relationship for `state` on attribute access. */
export function lazy_load(session: Session, state: InstanceState, impl: AttributeImpl): unknown {
  const prop = (impl as unknown as { prop: RelationshipProperty }).prop;
  const path: RelationshipProperty[] = [];
  const strategy = strategyFor(prop, path, state.load_options as Load[]);
  // raise_on_sql raises only where SQL would be emitted (a many-to-one found in the identity map,
  // or with a NULL foreign key, is served without it)
  const raiseOnSql = strategy === "raise_on_sql";
  const noSql = () => new InvalidRequestError(`'${prop}' is not available due to lazy='${strategy}'`);
  if (strategy === "raise" || (raiseOnSql && prop.direction !== "MANYTOONE")) throw noSql();
  if (strategy === "noload") {
    set_committed_value(state, prop, prop.uselist ? [] : null);
    return state.dict[prop.key];
  }
  if (prop.direction === "MANYTOONE") {
    const values = prop.synchronize_pairs.map(([, many]) => colValue(state, prop.parent as never, many));
    if (values.some((v) => v === null || v === undefined || v === NO_VALUE)) {
      set_committed_value(state, prop, null);
      return null;
    }
    const target = prop.mapper;
    const useGet =
      prop.synchronize_pairs.length === target.primary_key.length &&
      prop.synchronize_pairs.every(([one]) => target.primary_key.includes(one));
    let obj: object | null = null;
    if (useGet) {
      const pk = target.primary_key.map(
        (c) => values[prop.synchronize_pairs.findIndex(([one]) => one === c)],
      );
      obj = session._identity_lookup(target, pk);
      if (obj && stateOf(obj)._deleted) obj = null;
      if (!obj) {
        if (raiseOnSql) throw noSql();
        obj = load_on_pk_identity(session, target, pk);
      }
    } else {
      if (raiseOnSql) throw noSql();
      const crit = and_(...prop.synchronize_pairs.map(([one], i) => one.eq(values[i])));
      const stmt = new Select(target.class_)
        .set_label_style(LABEL_STYLE_TABLENAME_PLUS_COL)
        .where(crit)
        .options(new _OrmLoadTag("lazy"));
      obj = (execute_orm_statement(session, stmt, null, {}) as ORMResult).scalars().first() as object | null;
    }
    set_committed_value(state, prop, obj);
    return obj;
  }
  // one-to-many, many-to-many (`? = enrollment.student_id AND course.id = enrollment.course_id`)
  const values = prop.synchronize_pairs.map(([one]) => colValue(state, prop.parent as never, one));
  if (values.some((v) => v === null || v === undefined || v === NO_VALUE)) {
    set_committed_value(state, prop, []);
    return state.dict[prop.key];
  }
  const crit = and_(
    ...prop.synchronize_pairs.map(
      ([one, many], i) =>
        new BinaryExpression(
          new BindParameter(null, values[i], { type_: one.type, unique: true }),
          many,
          "=",
          BOOLEANTYPE,
        ),
    ),
    ...prop.secondary_synchronize_pairs.map(([one, many]) => one.eq(many)),
  );
  let stmt = new Select(prop.mapper.class_).set_label_style(LABEL_STYLE_TABLENAME_PLUS_COL).where(crit);
  const ob = orderBy(prop);
  if (ob.length) stmt = stmt.order_by(...ob);
  stmt = stmt.options(new _OrmLoadTag("lazy"), ...optionsBelow(state.load_options as Load[], prop, false));
  const result = execute_orm_statement(
    session,
    stmt,
    null,
    {},
    { current_path: [state.mapper] },
  ) as ORMResult;
  const children = result.scalars().all() as object[];
  set_committed_value(state, prop, children);
  return state.dict[prop.key];
}

/** A many-to-one's current target from the identity map only (no SQL); NO_VALUE when unknown. */
export function passive_identity_lookup(
  session: Session,
  state: InstanceState,
  impl: AttributeImpl,
): unknown {
  const prop = (impl as unknown as { prop: RelationshipProperty }).prop;
  if (prop.direction !== "MANYTOONE") return NO_VALUE;
  const target = prop.mapper;
  const values: unknown[] = [];
  for (const [, many] of prop.synchronize_pairs) {
    const key = prop.parent._columntoproperty.get(many)!.key;
    if (!(key in state.dict)) return NO_VALUE;
    values.push(state.dict[key]);
  }
  if (values.some((v) => v === null)) return null;
  if (!prop.synchronize_pairs.every(([one]) => target.primary_key.includes(one))) return NO_VALUE;
  const pk = target.primary_key.map((c) => values[prop.synchronize_pairs.findIndex(([one]) => one === c)]);
  return session._identity_lookup(target, pk) ?? NO_VALUE;
}

/** After a query's rows: selectin loads for every relationship that asks for one. */
export function post_load_selectin(ctx: LoadContext, states: LoadedStates): void {
  if (!states.size) return;
  // one post load per loader path (the states of one entity or one joined load share its array)
  const byPath = new Map<readonly unknown[], InstanceState[]>();
  for (const [s, path] of states) {
    const list = byPath.get(path);
    if (list) list.push(s);
    else byPath.set(path, [s]);
  }
  // subquery loads first: SQLAlchemy runs them at the first row of their parents
  for (const pass of ["subquery", "selectin"] as const) {
    for (const [path, list] of byPath) {
      const mapper = list[0]!.mapper;
      const mapperPath = path as readonly Mapper[];
      const joined = ctx._joined_by_path?.get(mapperPath) ?? null;
      const loads = joined?.loads ?? ctx.loads;
      for (const prop of mapper._relationships) {
        const strategy = strategyFor(prop, [], loads);
        if (strategy === "noload" && pass === "selectin") {
          // SQLAlchemy's NoLoader: an empty value for each object that has none loaded
          for (const p of list)
            if (!(prop.key in p.dict)) set_committed_value(p, prop, prop.uselist ? [] : null);
          continue;
        }
        if (
          pass === "subquery" ? strategy !== "subquery" : strategy !== "selectin" && strategy !== "immediate"
        )
          continue;
        // a load back to a mapper already on the path is left to the lazy loader (SQLAlchemy's
        // _check_recursive_postload)
        if (mapperPath.includes(prop.mapper) && !loadStepFor(prop, [], loads)) continue;
        if (strategy === "immediate") {
          for (const p of list)
            if (ctx.populate_existing || !(prop.key in p.dict)) lazy_load(ctx.session, p, prop.impl);
          continue;
        }
        // every parent of the rows is loaded for; a value already loaded is kept unless
        // populate_existing (SQLAlchemy's PostLoad states with their "overwrite" flag)
        const origin = strategy === "subquery" ? subqueryOrigin(ctx, mapperPath, joined) : null;
        if (origin) subquery_load(ctx, prop, list, mapperPath, origin, loads);
        else selectin_load(ctx, prop, list, mapperPath, loads);
      }
    }
  }
}

function selectin_load(
  ctx: LoadContext,
  prop: RelationshipProperty,
  parents: InstanceState[],
  current_path: readonly Mapper[],
  loads: readonly Load[],
): void {
  const session = ctx.session;
  const overwrite = ctx.populate_existing;
  const target = prop.mapper;
  const sub = optionsBelow(loads, prop, true);
  if (prop.direction === "MANYTOMANY") {
    selectin_load_with_join(ctx, prop, parents, current_path, sub);
    return;
  }
  if (prop.direction === "ONETOMANY") {
    const [one, many] = prop.synchronize_pairs[0]!;
    const keyed = new Map<unknown, InstanceState[]>();
    for (const p of parents) {
      const v = colValue(p, prop.parent as never, one);
      if (v === null || v === undefined) {
        if (overwrite || !(prop.key in p.dict)) set_committed_value(p, prop, []);
        continue;
      }
      const l = keyed.get(v) ?? [];
      l.push(p);
      keyed.set(v, l);
    }
    // the foreign key first, then the target's columns (those its options load)
    const others = loadedColumnProps(target, deferredColumns(target, [], sub))
      .map((p) => p.columns[0]!)
      .filter((c) => c !== many);
    load_collections_in_chunks(ctx, prop, keyed, many, current_path, sub, (chunk) =>
      new Select(many, ...others)
        .set_label_style(LABEL_STYLE_TABLENAME_PLUS_COL)
        .where(inPrimaryKeys(many, chunk, many.type)),
    );
    return;
  }
  // many-to-one: the targets by primary key, the distinct foreign keys in sorted order
  const [one, many] = prop.synchronize_pairs[0]!;
  const wanted = new Map<unknown, InstanceState[]>();
  for (const p of parents) {
    const v = colValue(p, prop.parent as never, many);
    if (v === null || v === undefined) {
      if (overwrite || !(prop.key in p.dict)) set_committed_value(p, prop, null);
      continue;
    }
    const l = wanted.get(v) ?? [];
    l.push(p);
    wanted.set(v, l);
  }
  if (!wanted.size) return;
  const stmt = new Select(target.class_)
    .set_label_style(LABEL_STYLE_TABLENAME_PLUS_COL)
    .where(inPrimaryKeys(one, sortedKeys([...wanted.keys()]), one.type))
    .options(new _OrmLoadTag("selectin"), ...sub);
  const result = execute_orm_statement(
    session,
    stmt,
    null,
    {},
    {
      no_autoflush: true,
      populate_existing: overwrite,
      current_path,
    },
  ) as ORMResult;
  const byKey = new Map<unknown, object>();
  for (const obj of result.scalars().all() as object[])
    byKey.set(stateOf(obj).dict[target._columntoproperty.get(one)!.key], obj);
  for (const [k, ps] of wanted)
    for (const p of ps)
      if (overwrite || !(prop.key in p.dict)) set_committed_value(p, prop, byKey.get(k) ?? null);
}

/** Python's sorted() over foreign key values (numbers or strings). */
function sortedKeys(keys: unknown[]): unknown[] {
  return keys.sort((a, b) =>
    typeof a === "number" && typeof b === "number"
      ? a - b
      : String(a) < String(b)
        ? -1
        : String(a) > String(b)
          ? 1
          : 0,
  );
}

/** A many-to-many's selectin statement pieces: an anonymous alias of the parent table and the joins. */
const selectinJoins = new WeakMap<
  RelationshipProperty,
  { parent: FromClause; joins: ReturnType<typeof relationshipJoins> }
>();

/**
 * selectinload through a secondary table (SQLAlchemy's "load with join"): the parent's key from an
 * alias of the parent table joined along the relationship to the target,
 * `SELECT student_1.id AS student_1_id, course.id … FROM student AS student_1 JOIN enrollment AS
 * enrollment_1 ON … JOIN course ON … WHERE student_1.id IN (…)`.
 */
function selectin_load_with_join(
  ctx: LoadContext,
  prop: RelationshipProperty,
  parents: InstanceState[],
  current_path: readonly Mapper[],
  sub: readonly Load[],
): void {
  const parentMapper = prop.parent;
  let pieces = selectinJoins.get(prop);
  if (!pieces) {
    const parent = _orm_alias(parentMapper.local_table);
    pieces = { parent, joins: relationshipJoins(prop, parent, null) };
    selectinJoins.set(prop, pieces);
  }
  const pkCol = parentMapper.primary_key[0]!;
  const aliasPk = adaptTo(pieces.parent, pkCol);
  const keyed = new Map<unknown, InstanceState[]>();
  for (const p of parents) {
    const v = colValue(p, parentMapper as never, pkCol);
    const l = keyed.get(v) ?? [];
    l.push(p);
    keyed.set(v, l);
  }
  load_collections_in_chunks(ctx, prop, keyed, aliasPk, current_path, sub, (chunk) => {
    let stmt = new Select(aliasPk, prop.mapper.class_)
      .set_label_style(LABEL_STYLE_TABLENAME_PLUS_COL)
      .select_from(pieces.parent);
    for (const j of pieces.joins) stmt = stmt.join_from(j.left, j.target, j.onclause);
    return stmt.where(inPrimaryKeys(aliasPk, chunk, pkCol.type));
  });
}

/** `key IN (…)` over one chunk of parent keys, as selectin loads render it (`primary_keys`). */
function inPrimaryKeys(col: ColumnElement, chunk: unknown[], type_: unknown): BinaryExpression {
  return new BinaryExpression(
    col,
    new BindParameter("primary_keys", chunk, { type_: type_ as never, expanding: true, unique: false }),
    "IN",
    BOOLEANTYPE,
  );
}

/**
 * The selectin load of collections: per chunk of 500 parent keys, the statement `build` makes
 * (its first column the parent's key, then the target entity), with the relationship's order_by
 * and the options below it; each parent gets the children of its key.
 */
function load_collections_in_chunks(
  ctx: LoadContext,
  prop: RelationshipProperty,
  keyed: Map<unknown, InstanceState[]>,
  keyCol: unknown,
  current_path: readonly Mapper[],
  sub: readonly Load[],
  build: (chunk: unknown[]) => Select,
): void {
  const overwrite = ctx.populate_existing;
  const keys = [...keyed.keys()];
  const found = new Map<unknown, object[]>();
  for (let i = 0; i < keys.length; i += 500) {
    let stmt = build(keys.slice(i, i + 500));
    const ob = orderBy(prop);
    if (ob.length) stmt = stmt.order_by(...ob);
    stmt = stmt.options(new _OrmLoadTag("selectin"), ...sub);
    const entities: EntityDesc[] = [
      { kind: "column", expr: keyCol, key: null },
      { kind: "mapper", mapper: prop.mapper, key: prop.mapper.class_name },
    ];
    const result = execute_orm_statement(
      ctx.session,
      stmt,
      null,
      {},
      { entities, no_autoflush: true, populate_existing: overwrite, current_path },
    );
    for (const row of result.all()) {
      const k = row._data[0];
      const l = found.get(k) ?? [];
      l.push(row._data[1] as object);
      found.set(k, l);
    }
  }
  for (const [k, ps] of keyed)
    for (const p of ps)
      if (overwrite || !(prop.key in p.dict)) set_committed_value(p, prop, found.get(k) ?? []);
}

/** The parent's columns of a relationship (SQLAlchemy's RelationshipProperty.local_columns). */
function localColumns(prop: RelationshipProperty): ColumnElement[] {
  return prop.synchronize_pairs.map(([one, many]) => (prop.direction === "MANYTOONE" ? many : one));
}

/**
 * Where a subquery load for the objects of one loader path starts: the statement's own entity (or,
 * in a subquery load's statement, the original statement of the chain), through the joined eager
 * loads that led to them. Null when the statement is not one a subquery can embed.
 */
function subqueryOrigin(
  ctx: LoadContext,
  mapperPath: readonly Mapper[],
  joined: JoinedLoad | null,
): SubqueryOrigin | null {
  const entity = joined ? ctx.entities[joined.entityIndex] : ctx._root_paths?.get(mapperPath);
  if (entity?.kind !== "mapper") return null;
  const below = joined ? joined.path.map((s) => s.prop) : [];
  if (ctx.subquery_origin) return { ...ctx.subquery_origin, path: [...ctx.subquery_origin.path, ...below] };
  if (!ctx.query) return null;
  return { query: ctx.query, params: ctx.params ?? null, entity, path: below };
}

/**
 * subqueryload (SQLAlchemy's SubqueryLoader): the original statement, its columns replaced by the
 * parent's columns of the first relationship of the path (DISTINCT when they are not its table's
 * primary key; its ORDER BY kept only under LIMIT / OFFSET), becomes the subquery `anon_1` the
 * target is joined to: `SELECT address.id AS address_id, …, anon_1.user_account_id AS
 * anon_1_user_account_id FROM (SELECT user_account.id AS user_account_id FROM user_account WHERE …)
 * AS anon_1 JOIN address ON anon_1.user_account_id = address.user_id`, with the relationship's
 * order_by. A subquery load below another one starts from the same original statement and joins
 * along the whole path, the entities in between aliased (`JOIN address AS address_1 … JOIN …`).
 */
function subquery_load(
  ctx: LoadContext,
  prop: RelationshipProperty,
  parents: InstanceState[],
  current_path: readonly Mapper[],
  origin: SubqueryOrigin,
  loads: readonly Load[],
): void {
  const path = [...origin.path, prop];
  const orig = origin.query;
  const overwrite = ctx.populate_existing;
  const leftmost = path[0]!;
  const leftCols = localColumns(leftmost);
  const insp = origin.entity.insp ?? null;
  const targetCols = leftCols.map((c) => (insp ? insp._adapt_element(c) : c));
  let q = orig.with_only_columns(...targetCols);
  (q as unknown as { _with_options: unknown[] })._with_options = [];
  if (!orig._from_obj.length) q = q.select_from(insp ? insp.selectable : leftmost.parent.local_table);
  const table = leftmost.parent.local_table;
  if (!table.primary_key.columns.every((c: unknown) => leftCols.includes(c as ColumnElement)))
    q = q.distinct();
  if (orig._limit === null && orig._offset === null) q = q.order_by(null);
  const embed = q.set_label_style(LABEL_STYLE_TABLENAME_PLUS_COL).subquery();
  embed._anon_positional = true;
  // the entities between the subquery and the target, each an alias (SQLAlchemy's parent_alias)
  const between = path.slice(0, -1).map((r) => _orm_alias(r.mapper.local_table));
  const parentFrom = between.length ? between[between.length - 1]! : embed;
  const localAttr = localColumns(prop).map((c) => adaptTo(parentFrom, c));
  let stmt = new Select(prop.mapper.class_, ...localAttr).set_label_style(LABEL_STYLE_TABLENAME_PLUS_COL);
  path.forEach((r, i) => {
    const left = i === 0 ? embed : between[i - 1]!;
    for (const j of relationshipJoins(r, left, between[i] ?? null))
      stmt = stmt.join_from(j.left, j.target, j.onclause);
  });
  const ob = orderBy(prop);
  if (ob.length) stmt = stmt.order_by(...ob);
  stmt = stmt.options(new _OrmLoadTag("subquery"), ...optionsBelow(loads, prop, true));
  const entities: EntityDesc[] = [
    { kind: "mapper", mapper: prop.mapper, key: prop.mapper.class_name },
    ...localAttr.map((expr) => ({ kind: "column" as const, expr, key: null })),
  ];
  const result = execute_orm_statement(
    ctx.session,
    stmt,
    origin.params,
    {},
    {
      entities,
      no_autoflush: true,
      populate_existing: overwrite,
      current_path,
      subquery_origin: { ...origin, path },
    },
  );
  const keyOf = (values: readonly unknown[]) => (values.length === 1 ? values[0] : JSON.stringify(values));
  const found = new Map<unknown, object[]>();
  for (const row of result.all()) {
    const k = keyOf((row._data as unknown[]).slice(1));
    const l = found.get(k) ?? [];
    l.push(row._data[0] as object);
    found.set(k, l);
  }
  const local = localColumns(prop);
  for (const p of parents) {
    if (!overwrite && prop.key in p.dict) continue;
    const children = found.get(keyOf(local.map((c) => colValue(p, prop.parent as never, c)))) ?? [];
    set_committed_value(p, prop, prop.uselist ? children : (children[0] ?? null));
  }
}
