/**
 * `sqlalchemy.orm.context`: ORM-enabled statements. `select(User)` is a Core Select whose entity
 * expands to the mapper's columns (a plugin hook of sql/selectable.ts); executed by a Session it is
 * autoflushed, extended with joined eager loads, run on the session's connection, and its rows
 * become objects (loading.ts). ORM-enabled `update(User)` / `delete(User)` go to bulk_persistence.ts.
 */
import type { CursorResult } from "../engine/cursor.ts";
import { IteratorResult, ResultMetaData } from "../engine/result.ts";
import { InvalidRequestError } from "../exc.ts";
import { dmlPlugins, UpdateBase } from "../sql/dml.ts";
import {
  and_,
  type CacheKeyBuilder,
  type ClauseElement,
  type ColumnElement,
  coerce,
  literal_column,
  objectId,
} from "../sql/elements.ts";
import type { Column, Table } from "../sql/schema.ts";
import { type FromClause, Select, selectPlugins, exists as sqlExists } from "../sql/selectable.ts";
import { NotImplementedError } from "../util/builtins.ts";
import { defineModule } from "../util/repr.ts";
import { QueryableAttribute } from "./attributes.ts";
import { objectAddress } from "./base.ts";
import { execute_bulk } from "./bulk_persistence.ts";
import { instances, type LoadContext } from "./loading.ts";
import { _mapped_tables, _mapper_for_class, configure_mappers, Mapper } from "./mapper.ts";
import {
  type ColumnDeferral,
  deferredColumns,
  loadedColumnProps,
  loadStepFor,
  optionsAt,
  strategyFor,
} from "./path_registry.ts";
import { type RelationshipProperty, relationshipHooks } from "./relationships.ts";
import type { InstanceState } from "./state.ts";
import { _WithExpression, Load, type LoadStep } from "./strategy_options.ts";
import {
  _orm_alias,
  AliasedClass,
  type AliasedInsp,
  adaptTo,
  Bundle,
  entityInfo,
  relationshipJoins,
} from "./util.ts";

/** What select(), insert() … see of a mapped class, a Mapper or an ORM attribute. */
export function mapperOf(entity: unknown): Mapper | null {
  if (entity instanceof Mapper) return entity;
  return _mapper_for_class(entity);
}

/**
 * An entity of an ORM statement as it compiles with some of its columns deferred: its FROM and the
 * columns its SELECT loads (SQLAlchemy's compile state builds the columns clause this way).
 */
export class _EntityColumns {
  readonly entity: unknown;
  readonly columns: ColumnElement[];
  readonly from: FromClause;
  constructor(entity: unknown, columns: ColumnElement[], from: FromClause) {
    this.entity = entity;
    this.columns = columns;
    this.from = from;
  }
  _ck(k: CacheKeyBuilder): void {
    k.push(`ent${objectId(this.entity as object)}(`);
    for (const c of this.columns) c._ck(k);
    k.push(")");
  }
}

selectPlugins.resolveEntity = (entity) => {
  if (entity instanceof _EntityColumns) return { columns: entity.columns, from: entity.from };
  if (entity instanceof Bundle) {
    const columns = entity._select_columns;
    return { columns, from: (columns[0] as Column).table as FromClause };
  }
  if (entity instanceof AliasedClass) {
    const insp = entity._aliased_insp;
    return { columns: insp.columns, from: insp.selectable };
  }
  const m = mapperOf(entity);
  if (!m) return null;
  return { columns: m._select_columns, from: m.persist_selectable, table: m.local_table };
};
/**
 * `join(User.addresses)`, `join(User.addresses.of_type(a1))`: the joins along the relationship;
 * `join(a1, User.addresses)` is the same join as `join(User.addresses.of_type(a1))`.
 */
selectPlugins.resolveJoin = (target, onclause) => {
  if (onclause instanceof QueryableAttribute && "synchronize_pairs" in onclause.property)
    return selectPlugins.resolveJoin!(onclause.of_type(target), undefined);
  if (onclause !== undefined && onclause !== null) return null;
  if (!(target instanceof QueryableAttribute)) return null;
  const prop = target.property as unknown as RelationshipProperty;
  if (!("synchronize_pairs" in prop)) return null;
  const parent = (target._parententity as AliasedInsp | null)?.selectable ?? null;
  const of = target._of_type ? entityInfo(target._of_type) : null;
  const joins = relationshipJoins(prop, parent, of?.insp?.selectable ?? null);
  if (target._extra_criteria.length === 0) return joins;
  if (of?.insp)
    throw new NotImplementedError(
      "criteria added with and_() to a join towards an alias are not in the port yet",
    );
  const last = joins.at(-1)!;
  return [...joins.slice(0, -1), { ...last, onclause: and_(last.onclause, ...target._extra_criteria) }];
};
// SQLAlchemy's `exists(1).where(crit)`: its `1` is a column of the statement (and of its cache key)
relationshipHooks.exists = (table: Table, crit: ClauseElement) =>
  sqlExists(new Select(table).where(crit).with_only_columns(literal_column("1")));

/**
 * `select(User).from_statement(stmt)`: runs `stmt` as written and loads the entities from its rows,
 * matching their columns by name when the statement is textual.
 */
export class FromStatement {
  readonly _raw_columns: readonly unknown[];
  readonly element: ClauseElement;
  readonly _with_options: unknown[] = [];
  constructor(entities: readonly unknown[], element: unknown) {
    this._raw_columns = entities;
    this.element = element as ClauseElement;
  }
  options(...opts: unknown[]): FromStatement {
    const c = new FromStatement(this._raw_columns, this.element);
    c._with_options.push(...this._with_options, ...opts);
    return c;
  }
  __repr__(): string {
    return `<sqlalchemy.orm.context.FromStatement object at 0x${objectAddress(this)}>`;
  }
}
selectPlugins.fromStatement = (entities, statement) => new FromStatement(entities, statement);

/**
 * `{ name, type, aliased, expr, entity }` for an entry of an ORM statement's columns clause or
 * RETURNING (context._column_descriptions): a mapped class or an alias of one, an attribute (its
 * entity the class or alias it belongs to), or a column expression (no entity).
 */
function _describe(c: unknown): Record<string, unknown> {
  if (c instanceof AliasedClass) {
    const insp = c._aliased_insp;
    return { name: insp.name, type: insp.mapper.class_, aliased: true, expr: c, entity: c };
  }
  const m = mapperOf(c);
  if (m) return { name: m.class_name, type: m.class_, aliased: false, expr: c, entity: m.class_ };
  if (c instanceof QueryableAttribute) {
    const alias = c._parententity as AliasedInsp | null;
    const expr = c.__clause_element__() as ColumnElement;
    return {
      name: c.key,
      type: expr.type,
      aliased: !!alias,
      expr: c,
      entity: alias ? alias.entity : c.class_,
    };
  }
  if (c instanceof Bundle) {
    const attr = c.exprs.find((e) => e instanceof QueryableAttribute) as QueryableAttribute | undefined;
    const alias = attr?._parententity as AliasedInsp | null | undefined;
    const entity = attr ? (alias ? alias.entity : attr.class_) : null;
    return { name: c.name, type: Bundle, aliased: false, expr: c, entity };
  }
  const col = coerce(c) as ColumnElement;
  return { name: col.key, type: col.type, aliased: false, expr: c, entity: null };
}

selectPlugins.columnDescriptions = (stmt) => {
  if (!is_orm_statement(stmt)) return null;
  // a repeated name is numbered as the SELECT labels it (`name`, `name_1`)
  const used = new Set<string>();
  return stmt._raw_columns.map((c) => {
    const d = _describe(c);
    const key = String(d.name);
    let name = key;
    for (let n = 1; used.has(name); n++) name = `${key}_${n}`;
    used.add(name);
    return { ...d, name };
  });
};

dmlPlugins.entityDescription = (stmt) => {
  const entity = stmt._entity;
  const m = entity instanceof AliasedClass ? entity._aliased_insp.mapper : mapperOf(entity);
  if (!m) return null;
  const name = entity instanceof AliasedClass ? entity._aliased_insp.name : m.class_name;
  return { name, type: m.class_, expr: entity, entity, table: m.local_table };
};

dmlPlugins.returningColumnDescriptions = (stmt) => {
  if (!mapperOf(stmt._entity)) return null;
  // an entity in RETURNING stands for its attributes (SQLAlchemy describes each column)
  return stmt._returning_raw.flatMap((c) => {
    const m = c instanceof AliasedClass ? null : mapperOf(c);
    const cols = m
      ? m.column_attrs.keys().map((k) => (m.class_ as unknown as Record<string, unknown>)[k])
      : [c];
    return cols.map(_describe);
  });
};

/** An entry of an ORM statement's columns clause. */
export type EntityDesc =
  | { kind: "mapper"; mapper: Mapper; key: string | null; insp?: AliasedInsp | null }
  | { kind: "column"; expr: unknown; key: string | null };

export function is_orm_statement(statement: unknown): boolean {
  if (statement instanceof FromStatement) return true;
  if (statement instanceof Select) {
    if (
      statement._raw_columns.some(
        (c) =>
          mapperOf(c) || c instanceof QueryableAttribute || c instanceof AliasedClass || c instanceof Bundle,
      )
    )
      return true;
    // select_from(User) / join(User): the entity was resolved to its mapped table
    return (
      statement._from_obj.some((f) => _mapped_tables.has(f as never)) ||
      statement._setup_joins.some((j) => _mapped_tables.has(j.target as never))
    );
  }
  if (statement instanceof UpdateBase) return mapperOf(statement._entity) !== null;
  return false;
}

export interface InternalOptions {
  /** Explicit entities (internal loads that select columns in a particular order). */
  entities?: EntityDesc[];
  refresh_state?: InstanceState | null;
  only_load_props?: readonly string[] | null;
  /** What a `refresh` event of `refresh_state` names, when not `only_load_props`. */
  refresh_attrs?: Set<string> | null;
  populate_existing?: boolean;
  /** Do not autoflush (SQLAlchemy's `autoflush=False` execution option). */
  no_autoflush?: boolean;
  /** The mappers of the loader path this statement loads for (a relationship load's parents). */
  current_path?: readonly Mapper[];
  /** A subquery load's statement: where its own subquery loads start (see strategies.ts). */
  subquery_origin?: SubqueryOrigin;
}

/** The statement a chain of subquery loads embeds, its entity, and the relationships loaded so far. */
export interface SubqueryOrigin {
  readonly query: Select;
  readonly params: Record<string, unknown> | readonly Record<string, unknown>[] | null;
  readonly entity: EntityDesc & { kind: "mapper" };
  readonly path: readonly RelationshipProperty[];
}

const ORM_EXECUTION_OPTIONS = new Set([
  "populate_existing",
  "autoflush",
  "synchronize_session",
  "identity_token",
]);

export function execute_orm_statement(
  session: import("./session.ts").Session,
  statement: unknown,
  params: Record<string, unknown> | readonly Record<string, unknown>[] | null,
  execution_options: Record<string, unknown>,
  internal: InternalOptions = {},
) {
  configure_mappers();
  if (statement instanceof UpdateBase) return execute_bulk(session, statement, params, execution_options);
  if (statement instanceof FromStatement)
    return execute_from_statement(session, statement, params, execution_options);
  if ((statement as Select)._raw_columns.some((c) => c instanceof Bundle))
    return execute_with_bundles(session, statement as Select, params, execution_options, internal);
  const { result, ctx } = execute_orm_select(
    session,
    statement as Select,
    params,
    execution_options,
    internal,
  );
  if (!ctx) return result;
  const loaded = instances(ctx, result);
  loaded._yield_per = result._yield_per;
  return loaded;
}

/**
 * What an ORM SELECT statement loads, worked out once per statement (SQLAlchemy caches its ORM
 * compile state): its entities, its loader options and the statement extended with joined eager
 * loads. Statements are immutable and mappers do not change once configured.
 */
interface SelectCompileState {
  readonly entities: EntityDesc[];
  readonly loads: readonly Load[];
  readonly statement: Select;
  readonly joined: JoinedLoad[];
  /** Per entity, the columns its SELECT leaves out (null for all loaded, or not a mapper). */
  readonly deferred: readonly (readonly ColumnDeferral[] | null)[];
  /** Per entity, the query_expression() attributes with_expression() fills (null: none). */
  readonly expressions: EntityExpressions;
}
const compileStates = new WeakMap<Select, SelectCompileState>();

function compileState(
  stmt: Select,
  entities: EntityDesc[] | undefined,
  current_path: readonly Mapper[],
): SelectCompileState {
  if (entities || current_path.length) {
    const ents = entities ?? describeEntities(stmt);
    const loads = loaderOptions(stmt);
    return { entities: ents, loads, ...apply_joined_eager(stmt, ents, loads, current_path) };
  }
  let state = compileStates.get(stmt);
  if (!state) {
    const described = describeEntities(stmt);
    const loads = loaderOptions(stmt);
    state = { entities: described, loads, ...apply_joined_eager(stmt, described, loads, []) };
    compileStates.set(stmt, state);
  }
  return state;
}

/** Statements that already carry their eager loads (what compileState() made). */
const withEagerLoads = new WeakSet<Select>();
selectPlugins.ormStatement = (stmt) => {
  if (withEagerLoads.has(stmt) || !is_orm_statement(stmt)) return stmt;
  configure_mappers();
  return compileState(stmt, undefined, NO_PATH).statement;
};

/** The statement's loader options, a path's `options()` spelled out. */
function loaderOptions(stmt: { readonly _with_options: readonly unknown[] }): Load[] {
  const out: Load[] = [];
  for (const o of stmt._with_options) if (o instanceof Load) out.push(...o._flatten());
  return out;
}

/** An execution option as the statement's options overridden by the execution's give it. */
function executionOption(stmt: Select, execution_options: Record<string, unknown>, key: string): unknown {
  return Object.hasOwn(execution_options, key) ? execution_options[key] : stmt._execution_options[key];
}

/**
 * Runs an ORM SELECT (mappers configured): autoflush, joined eager loads, the session's connection.
 * `ctx` is what instances() needs to make objects of the rows; null when nothing is an entity.
 */
export function execute_orm_select(
  session: import("./session.ts").Session,
  stmt: Select,
  params: Record<string, unknown> | readonly Record<string, unknown>[] | null,
  execution_options: Record<string, unknown>,
  internal: InternalOptions,
): { result: CursorResult; ctx: LoadContext | null } {
  const current_path = internal.current_path ?? NO_PATH;
  const {
    entities,
    loads,
    statement: compiled,
    joined,
    deferred,
    expressions,
  } = compileState(stmt, internal.entities, current_path);
  if (executionOption(stmt, execution_options, "autoflush") !== false && !internal.no_autoflush)
    session._autoflush();
  let coreOptions: Record<string, unknown> | undefined;
  for (const k in execution_options)
    if (Object.hasOwn(execution_options, k) && !ORM_EXECUTION_OPTIONS.has(k))
      (coreOptions ??= {})[k] = execution_options[k];
  const conn = session._connection_for_bind(session.get_bind(firstMapper(entities), { clause: stmt }));
  const result = conn.execute(compiled, params as never, coreOptions) as CursorResult;
  if (!hasMapperEntity(entities) && !internal.refresh_state) return { result, ctx: null };
  const ctx: LoadContext = {
    session,
    entities,
    joined,
    loads,
    // the attributes a refresh names load even when deferred
    deferred: internal.only_load_props ? undeferred(deferred, internal.only_load_props) : deferred,
    populate_existing: !!(
      executionOption(stmt, execution_options, "populate_existing") || internal.populate_existing
    ),
    refresh_state: internal.refresh_state ?? null,
    only_load_props: internal.only_load_props ?? null,
    statement: compiled,
    current_path,
    query: stmt,
    params,
  };
  if (internal.subquery_origin) ctx.subquery_origin = internal.subquery_origin;
  if (expressions) ctx.expressions = expressions;
  if (internal.refresh_attrs !== undefined) ctx.refresh_attrs = internal.refresh_attrs;
  return { result, ctx };
}

/**
 * A SELECT with bundles among its entities: run with each bundle's expressions as entities of their
 * own, then each row's values of a bundle made into its value (Bundle.create_row_processor).
 */
function execute_with_bundles(
  session: import("./session.ts").Session,
  stmt: Select,
  params: Record<string, unknown> | readonly Record<string, unknown>[] | null,
  execution_options: Record<string, unknown>,
  internal: InternalOptions,
) {
  const flat: EntityDesc[] = [];
  // per entry of the SELECT list: how its value comes from the row of the flattened entities
  const procs: ((row: unknown[]) => unknown)[] = [];
  const keys: string[] = [];
  const add = (c: unknown): ((row: unknown[]) => unknown) => {
    if (c instanceof Bundle) {
      const inner = c.exprs.map(add);
      return c.create_row_processor(stmt, inner, c._labels);
    }
    const n = flat.length;
    flat.push(...describeEntities({ _raw_columns: [c] }));
    return (row) => row[n];
  };
  for (const c of stmt._raw_columns) {
    procs.push(add(c));
    keys.push(c instanceof Bundle ? c.name : "");
  }
  const { result, ctx } = execute_orm_select(session, stmt, params, execution_options, {
    ...internal,
    entities: flat,
  });
  const inner = ctx ? instances(ctx, result) : result;
  const innerKeys = inner._metadata.keys;
  let pos = 0;
  const names = stmt._raw_columns.map((c, i) => {
    const at = pos;
    pos += c instanceof Bundle ? c._select_columns.length : 1;
    return keys[i] || innerKeys[at] || "";
  });
  const rows = inner._fetch_all_raw().map((row) => procs.map((p) => p(row)));
  return new ORMResult(
    new ResultMetaData(names, { objects: stmt._raw_columns.map((c) => [c]) }),
    rows,
    false,
  );
}

function undeferred(
  deferred: readonly (readonly ColumnDeferral[] | null)[],
  keys: readonly string[],
): readonly (readonly ColumnDeferral[] | null)[] {
  if (!deferred.some((d) => d?.some((c) => keys.includes(c.key)))) return deferred;
  return deferred.map((d) => {
    const rest = d?.filter((c) => !keys.includes(c.key));
    return rest?.length ? rest : null;
  });
}

function execute_from_statement(
  session: import("./session.ts").Session,
  stmt: FromStatement,
  params: Record<string, unknown> | readonly Record<string, unknown>[] | null,
  execution_options: Record<string, unknown>,
) {
  const entities = describeEntities(stmt as unknown as Select);
  const loads = loaderOptions(stmt);
  if (execution_options.autoflush !== false) session._autoflush();
  let coreOptions: Record<string, unknown> | undefined;
  for (const k in execution_options)
    if (Object.hasOwn(execution_options, k) && !ORM_EXECUTION_OPTIONS.has(k))
      (coreOptions ??= {})[k] = execution_options[k];
  const conn = session._connection_for_bind(
    session.get_bind(firstMapper(entities), { clause: stmt.element }),
  );
  const result = conn.execute(stmt.element, params as never, coreOptions) as CursorResult;
  const expressions = entityExpressions(stmt, entities);
  return instances(
    {
      session,
      entities,
      joined: [],
      loads,
      deferred: entities.map((e) => (e.kind === "mapper" ? deferredColumns(e.mapper, [], loads) : null)),
      populate_existing: !!execution_options.populate_existing,
      refresh_state: null,
      only_load_props: null,
      by_name: true,
      ...(expressions ? { expressions } : {}),
    },
    result,
  );
}

/**
 * An ORM-enabled INSERT / UPDATE / DELETE with an entity in its RETURNING (`returning(User)`): the
 * rows come back as objects of the identity map, loaded from the columns by name.
 */
export function returning_instances(
  session: import("./session.ts").Session,
  stmt: UpdateBase,
  result: CursorResult,
  execution_options: Record<string, unknown>,
) {
  if (!stmt._returning_raw.some((c) => mapperOf(c) || c instanceof AliasedClass)) return result;
  const entities = describeEntities({ _raw_columns: stmt._returning_raw });
  return instances(
    {
      session,
      entities,
      joined: [],
      loads: [],
      deferred: entities.map((e) => (e.kind === "mapper" ? deferredColumns(e.mapper, [], []) : null)),
      populate_existing: !!execution_options.populate_existing,
      refresh_state: null,
      only_load_props: null,
      by_name: true,
    },
    result,
  );
}

const NO_PATH: readonly Mapper[] = [];

/** The mapper of the statement's first entity that has one (SQLAlchemy's bind_arguments["mapper"]). */
function firstMapper(entities: readonly EntityDesc[]): unknown {
  for (let i = 0; i < entities.length; i++) {
    const e = entities[i]!;
    if (e.kind === "mapper") return e.mapper;
  }
  return null;
}

function hasMapperEntity(entities: readonly EntityDesc[]): boolean {
  for (let i = 0; i < entities.length; i++) if (entities[i]!.kind === "mapper") return true;
  return false;
}

export function describeEntities(stmt: { readonly _raw_columns: readonly unknown[] }): EntityDesc[] {
  return stmt._raw_columns.map((c) => {
    if (c instanceof AliasedClass) {
      const insp = c._aliased_insp;
      return { kind: "mapper", mapper: insp.mapper, key: insp.name, insp } as EntityDesc;
    }
    const m = mapperOf(c);
    if (m) return { kind: "mapper", mapper: m, key: m.class_name } as EntityDesc;
    return { kind: "column", expr: c, key: null } as EntityDesc;
  });
}

/**
 * One eager load filled from the statement's rows: a joinedload (its own anonymous alias of the
 * target table, joined in) or a contains_eager (the statement's own join supplies the columns).
 */
export interface JoinedLoad {
  readonly entityIndex: number;
  /** The FROM of the parent entity when it is itself an eager load (nested), else null. */
  readonly parentAlias: FromClause | null;
  readonly prop: RelationshipProperty;
  /** The FROM the target's columns come from (an alias, or the target table). */
  readonly alias: FromClause;
  readonly path: readonly LoadStep[];
  /** The mappers from the statement's loader path to this load's target, included. */
  readonly pathMappers: readonly Mapper[];
  /** The target's columns this load leaves out (defer(), load_only() chained after it …). */
  readonly deferred: readonly ColumnDeferral[] | null;
  /** The statement's options re-rooted at this load's target (what its objects load with later). */
  readonly loads: readonly Load[];
}

/** joinedload's alias of a relationship's table at one path, kept so that the statement caches. */
const aliasCache = new WeakMap<RelationshipProperty, Map<string, FromClause>>();
function aliasFor(prop: RelationshipProperty, pathKey: string): FromClause {
  let m = aliasCache.get(prop);
  if (!m) {
    m = new Map();
    aliasCache.set(prop, m);
  }
  let a = m.get(pathKey);
  if (!a) {
    a = _orm_alias(prop.mapper.local_table);
    m.set(pathKey, a);
  }
  return a;
}

/**
 * The statement with its eager loads (SQLAlchemy's ORMSelectCompileState): contains_eager columns
 * before the entity's own (a relationship is among the mapper's first properties), joinedload's
 * anonymous aliases joined in (LEFT OUTER unless innerjoin) with their columns after all others and
 * the relationship's order_by, in terms of the alias, after the statement's ORDER BY.
 */
function apply_joined_eager(
  stmt: Select,
  entities: EntityDesc[],
  loads: readonly Load[],
  current_path: readonly Mapper[],
): {
  statement: Select;
  joined: JoinedLoad[];
  deferred: (readonly ColumnDeferral[] | null)[];
  expressions: EntityExpressions;
} {
  const joined: JoinedLoad[] = [];
  const leading: unknown[] = [];
  const trailing: unknown[] = [];
  const eagerOrderBy: unknown[] = [];
  const deferred = entities.map((e) => (e.kind === "mapper" ? deferredColumns(e.mapper, [], loads) : null));
  const expressions = entityExpressions(stmt, entities);
  let s =
    deferred.some((d) => d) || expressions
      ? withDeferredEntities(stmt, entities, deferred, expressions)
      : stmt;
  s = withInheritance(s, entities);
  const rewritten = s !== stmt;
  const visit = (
    entityIndex: number,
    mapper: Mapper,
    parentFrom: FromClause | null,
    nested: boolean,
    path: RelationshipProperty[],
    steps: LoadStep[],
    depth: number,
    pathMappers: readonly Mapper[],
  ) => {
    if (depth > 3) return;
    for (const prop of mapper._relationships) {
      if (path.includes(prop)) continue;
      const step = loadStepFor(prop, path, loads);
      const strategy = step?.strategy ?? strategyFor(prop, path, loads);
      const thisStep: LoadStep = step ?? { prop, strategy: "joined", innerjoin: !!prop.options.innerjoin };
      const childRelPath = [...path, prop];
      // the eager load filled from `from` (its columns, those its options load, in `into`), then
      // the eager loads below it
      const eager = (from: FromClause, into: unknown[]) => {
        const childDeferred = deferredColumns(prop.mapper, childRelPath, loads);
        into.push(...loadedColumnProps(prop.mapper, childDeferred).map((p) => adaptTo(from, p.columns[0]!)));
        const childPath = [...pathMappers, prop.mapper];
        const childSteps = [...steps, thisStep];
        joined.push({
          entityIndex,
          parentAlias: nested ? parentFrom : null,
          prop,
          alias: from,
          path: childSteps,
          pathMappers: childPath,
          deferred: childDeferred,
          loads: optionsAt(loads, childRelPath),
        });
        visit(entityIndex, prop.mapper, from, true, childRelPath, childSteps, depth + 1, childPath);
      };
      if (strategy === "contains_eager") {
        const of = step?.of_type ? entityInfo(step.of_type) : null;
        eager(of?.insp?.selectable ?? prop.mapper.local_table, leading);
        continue;
      }
      // a joined load back to a mapper already on the path is not rendered (SQLAlchemy's
      // recursion check, without join_depth)
      if (strategy !== "joined" || (!step && pathMappers.includes(prop.mapper))) continue;
      const alias = aliasFor(prop, path.map(String).join("/"));
      const isouter = !thisStep.innerjoin;
      for (const j of relationshipJoins(prop, parentFrom, alias))
        s = s.join_from(j.left, j.target, j.onclause, { isouter }) as Select;
      // (the relationship's order_by before the loads below it add theirs)
      for (const o of prop.order_by) eagerOrderBy.push(adaptTo(alias, coerce(o) as ColumnElement));
      eager(alias, trailing);
    }
  };
  entities.forEach((e, i) => {
    if (e.kind === "mapper")
      visit(i, e.mapper, e.insp?.selectable ?? null, false, [], [], 0, [...current_path, e.mapper]);
  });
  if (!joined.length) {
    if (rewritten) withEagerLoads.add(s);
    return { statement: s, joined, deferred, expressions };
  }
  const done = (st: Select) => {
    withEagerLoads.add(st);
    return { statement: st, joined, deferred, expressions };
  };
  if (leading.length) s = s.with_only_columns(...leading, ...s._raw_columns) as Select;
  if (trailing.length) s = s.add_columns(...trailing) as Select;
  if (eagerOrderBy.length) s = s.order_by(...eagerOrderBy) as Select;
  return done(s);
}

/** Per entity, the query_expression() attributes its with_expression() options fill: (key, expression). */
type EntityExpressions = readonly (readonly (readonly [string, ColumnElement])[] | null)[] | null;

/**
 * Per entity, its query_expression() attributes that the SELECT loads, in the order they are
 * mapped: the expression of a with_expression() option for it, else a default other than NULL (an
 * alias: adapted to it).
 */
function entityExpressions(
  stmt: { readonly _with_options: readonly unknown[] },
  entities: readonly EntityDesc[],
): EntityExpressions {
  const options = stmt._with_options.filter((o): o is _WithExpression => o instanceof _WithExpression);
  if (!options.length && !entities.some((e) => e.kind === "mapper" && e.mapper._has_default_query_expression))
    return null;
  return entities.map((e) => {
    if (e.kind !== "mapper" || !e.mapper._query_expressions.length) return null;
    const out: (readonly [string, ColumnElement])[] = [];
    for (const prop of e.mapper._query_expressions) {
      const option = options.findLast(
        (o) =>
          o.attr.key === prop.key &&
          (e.insp
            ? o.attr._parententity === e.insp
            : !o.attr._parententity && mapperOf(o.attr.class_) === e.mapper),
      );
      const expr = option ? option.expression : prop._has_default_expression ? prop.columns[0]! : null;
      if (expr) out.push([prop.key, e.insp ? (e.insp._adapt_element(expr) as ColumnElement) : expr]);
    }
    return out.length ? out : null;
  });
}

/**
 * The statement with each entity that leaves columns out replaced by the columns it loads (in
 * terms of its alias, for an aliased entity).
 */
function withDeferredEntities(
  stmt: Select,
  entities: readonly EntityDesc[],
  deferred: readonly (readonly ColumnDeferral[] | null)[],
  expressions: EntityExpressions = null,
): Select {
  let changed = false;
  const raw = stmt._raw_columns.map((c, i) => {
    const e = entities[i];
    const d = deferred[i];
    const x = expressions?.[i] ?? null;
    if ((!d && !x) || !e || e.kind !== "mapper") return c;
    const isEntity = e.insp
      ? c instanceof AliasedClass && c._aliased_insp === e.insp
      : mapperOf(c) === e.mapper;
    if (!isEntity) return c;
    changed = true;
    const props = loadedColumnProps(e.mapper, d);
    const from = e.insp ? e.insp.selectable : e.mapper.persist_selectable;
    const columns: ColumnElement[] = e.insp
      ? props.map((p) => e.insp!._adapt_element(p.columns[0]!) as ColumnElement)
      : props.flatMap((p) => p.columns);
    // with_expression()'s columns come first, as SQLAlchemy adds them
    if (x) columns.unshift(...x.map(([, expr]) => expr));
    return new _EntityColumns(c, columns, from);
  });
  return changed ? stmt.with_only_columns(...raw) : stmt;
}

/**
 * Mapped class inheritance in a SELECT: a column attribute of a joined subclass selects from the
 * JOIN of its tables (`select(Manager.name)`: FROM employee JOIN manager), and a single-table
 * subclass's entity or attribute limits the rows to its discriminator values (`WHERE employee.type
 * IN (...)`, after the statement's own criteria), as SQLAlchemy's ORM compile state does.
 */
function withInheritance(stmt: Select, entities: readonly EntityDesc[]): Select {
  let criteria: ColumnElement[] | null = null;
  let froms: FromClause[] | null = null;
  for (let i = 0; i < entities.length; i++) {
    const e = entities[i]!;
    let m: Mapper | null = null;
    if (e.kind === "mapper") {
      if (e.insp) continue;
      m = e.mapper;
    } else if (e.expr instanceof QueryableAttribute && !e.expr._parententity)
      m = _mapper_for_class(e.expr.class_);
    if (m === null || m.inherits === null) continue;
    const crit = m._single_table_criterion;
    if (crit !== null && !criteria?.includes(crit)) (criteria ??= []).push(crit);
    const f = m.persist_selectable;
    if (e.kind === "column" && f !== m.local_table && !froms?.includes(f) && !stmt._from_obj.includes(f))
      (froms ??= []).push(f);
  }
  let s = stmt;
  if (froms) s = s.select_from(...froms) as Select;
  if (criteria) s = s.where(...criteria) as Select;
  return s;
}

/**
 * The ORM's Result: a Result over rows of objects; joined eager collections require unique(). It is
 * what SQLAlchemy's loading.instances() returns, a ChunkedIteratorResult, and prints as one.
 */
export class ORMResult extends IteratorResult {
  constructor(metadata: ResultMetaData, rows: unknown[][], requireUnique: boolean) {
    super(metadata, rows);
    if (requireUnique) (this as unknown as { _uniqueFilter: unknown })._uniqueFilter = requireUniqueFilter;
  }
  override __repr__(): string {
    return `<sqlalchemy.engine.result.ChunkedIteratorResult object at 0x${objectAddress(this)}>`;
  }
  override scalars(index: unknown = 0) {
    const sr = super.scalars(index);
    const f = (this as unknown as { _uniqueFilter: unknown })._uniqueFilter;
    if (f)
      (sr as unknown as { _uniqueFilter: unknown })._uniqueFilter =
        f === requireUniqueFilter ? f : (v: unknown) => v;
    return sr;
  }
}

function requireUniqueFilter(): never {
  throw new InvalidRequestError(
    "The unique() method must be invoked on this Result, as it contains results that include joined eager loads against collections",
  );
}

export { ResultMetaData };

defineModule("sqlalchemy.orm.context", ORMResult, FromStatement);
