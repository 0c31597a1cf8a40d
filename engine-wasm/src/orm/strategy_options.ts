/**
 * `sqlalchemy.orm.strategy_options`: loader options given to `select(...).options(...)`.
 * Relationship loaders — `selectinload(User.addresses)`, `joinedload`, `subqueryload`, `lazyload`,
 * `raiseload` (`sql_only`), `noload`, `immediateload`, `defaultload`, `contains_eager` — chained for
 * deeper paths (`selectinload(User.addresses).joinedload(Address.user)`), or with `"*"` for every
 * relationship at that level. Column loaders — `defer`, `undefer`, `load_only`, `undefer_group` —
 * for the entity of their attributes, or chained after a relationship for the entity it loads
 * (`selectinload(User.books).load_only(Book.title)`). `new Load(User)` starts a path at one entity.
 */

import { ArgumentError } from "../exc.ts";
import { type CacheKeyBuilder, type ColumnElement, coerce, objectId } from "../sql/elements.ts";
import { NotImplementedError } from "../util/builtins.ts";
import { defineModule } from "../util/repr.ts";
import type { ColumnProperty, Mapper } from "./mapper.ts";
import type { RelationshipProperty } from "./relationships.ts";

export type LoaderStrategyName =
  | "selectin"
  | "joined"
  | "subquery"
  | "select"
  | "raise"
  | "raise_on_sql"
  | "noload"
  | "immediate"
  | "contains_eager";

/**
 * One step of a loader path: a relationship and how to load it (null: as its mapping says,
 * `defaultload()`).
 */
export interface LoadStep {
  readonly prop: RelationshipProperty;
  readonly strategy: LoaderStrategyName | null;
  readonly innerjoin: boolean;
  /** `of_type(alias)` on the attribute: the entity the load is in terms of (contains_eager). */
  readonly of_type?: unknown;
}

/** How the columns of the entity at the end of a path load. */
export type ColumnStrategy =
  /** `defer(Book.summary)` / `undefer(...)` / the attributes `load_only()` names. */
  | { readonly kind: "attr"; readonly key: string; readonly deferred: boolean; readonly raiseload: boolean }
  /** `undefer("*")`, and the other columns of `load_only()` (never the primary key). */
  | { readonly kind: "wildcard"; readonly deferred: boolean; readonly raiseload: boolean }
  /** `undefer_group("name")`: the deferred columns of that group. */
  | { readonly kind: "group"; readonly group: string };

/** `"*"` after a path: every relationship of that entity not named otherwise. */
export interface RelationshipWildcard {
  readonly strategy: LoaderStrategyName;
}

interface LoadParts {
  readonly path: readonly LoadStep[];
  /** `new Load(User)`: the entity the path starts at (else the first attribute's). */
  readonly root: Mapper | null;
  /** The entity the column strategies are for (the mapper of their attributes), null for any. */
  readonly columns_for: Mapper | null;
  readonly columns: readonly ColumnStrategy[];
  readonly wildcard: RelationshipWildcard | null;
}

export class Load {
  /** The chain of relationships from the queried entity. */
  readonly path: readonly LoadStep[];
  readonly root: Mapper | null;
  readonly columns_for: Mapper | null;
  readonly columns: readonly ColumnStrategy[];
  readonly wildcard: RelationshipWildcard | null;
  /** Marks a loader option among a statement's options (sql/selectable.ts reads it for its cache key). */
  readonly _is_loader_option = true;
  /** `new Load(User)`: options for one entity of the statement (a path is internal). */
  constructor(entity: unknown) {
    const parts: LoadParts = Array.isArray(entity)
      ? { path: entity as LoadStep[], root: null, columns_for: null, columns: [], wildcard: null }
      : isParts(entity)
        ? entity
        : { path: [], root: entityMapper(entity), columns_for: null, columns: [], wildcard: null };
    this.path = parts.path;
    this.root = parts.root;
    this.columns_for = parts.columns_for;
    this.columns = parts.columns;
    this.wildcard = parts.wildcard;
  }
  private _with(parts: Partial<LoadParts>): Load {
    return new Load({
      path: this.path,
      root: this.root,
      columns_for: this.columns_for,
      columns: this.columns,
      wildcard: this.wildcard,
      ...parts,
      [PARTS]: true,
    } as LoadParts);
  }
  private _chain(
    attr: unknown,
    strategy: LoaderStrategyName | null,
    options: { innerjoin?: boolean } = {},
  ): Load {
    if (this.columns.length || this.wildcard)
      throw new ArgumentError("A loader option for columns or '*' cannot be followed by a relationship");
    if (attr === "*") {
      if (strategy === null) throw new ArgumentError("defaultload() does not take '*'");
      return this._with({ wildcard: { strategy } });
    }
    return this._with({ path: [...this.path, step(attr, strategy, options)] });
  }
  private _columns(attrs: readonly unknown[], make: (key: string) => ColumnStrategy): Load {
    if (this.wildcard) throw new ArgumentError("A '*' loader option cannot be followed by another option");
    let mapper = this.columns_for;
    const columns = [...this.columns];
    for (const a of attrs) {
      if (a === "*") {
        columns.push(make("*"));
        continue;
      }
      const prop = columnProp(a);
      mapper ??= prop.parent;
      columns.push(make(prop.key));
    }
    return this._with({ columns, columns_for: mapper });
  }
  selectinload(attr: unknown): Load {
    return this._chain(attr, "selectin");
  }
  joinedload(attr: unknown, options: { innerjoin?: boolean } = {}): Load {
    return this._chain(attr, "joined", options);
  }
  subqueryload(attr: unknown): Load {
    return this._chain(attr, "subquery");
  }
  lazyload(attr: unknown): Load {
    return this._chain(attr, "select");
  }
  raiseload(attr: unknown, options: { sql_only?: boolean } = {}): Load {
    return this._chain(attr, options.sql_only ? "raise_on_sql" : "raise");
  }
  noload(attr: unknown): Load {
    return this._chain(attr, "noload");
  }
  immediateload(attr: unknown): Load {
    return this._chain(attr, "immediate");
  }
  contains_eager(attr: unknown): Load {
    return this._chain(attr, "contains_eager");
  }
  /** `defaultload(User.books)`: the relationship loads as its mapping says; a path to go on from. */
  defaultload(attr: unknown): Load {
    return this._chain(attr, null);
  }
  /** `defer(Book.summary, { raiseload })`: the column is left out of the SELECT, loaded when read. */
  defer(attr: unknown, options: { raiseload?: boolean } = {}): Load {
    return this._columns([attr], (key) =>
      key === "*"
        ? { kind: "wildcard", deferred: true, raiseload: !!options.raiseload }
        : { kind: "attr", key, deferred: true, raiseload: !!options.raiseload },
    );
  }
  /** `undefer(Book.summary)` / `undefer("*")`: a deferred column is in the SELECT. */
  undefer(attr: unknown): Load {
    return this._columns([attr], (key) =>
      key === "*"
        ? { kind: "wildcard", deferred: false, raiseload: false }
        : { kind: "attr", key, deferred: false, raiseload: false },
    );
  }
  /** `load_only(Book.title, ..., { raiseload })`: only these columns (and the primary key) are loaded. */
  load_only(...args: unknown[]): Load {
    const last = args[args.length - 1];
    const options =
      last !== null && typeof last === "object" && Object.getPrototypeOf(last) === Object.prototype
        ? (args.pop() as { raiseload?: boolean })
        : {};
    const named = this._columns(args, (key) => ({ kind: "attr", key, deferred: false, raiseload: false }));
    return named._with({
      columns: [...named.columns, { kind: "wildcard", deferred: true, raiseload: !!options.raiseload }],
    });
  }
  /** `undefer_group("book_attrs")`: the deferred columns of that group are in the SELECT. */
  undefer_group(name: string): Load {
    return this._with({ columns: [...this.columns, { kind: "group", group: name }] });
  }
  /**
   * `defaultload(A.atob).options(joinedload(B.btoc), joinedload(B.btod))`: options for the entity at
   * the end of this path, each given as if from there.
   */
  options(...opts: Load[]): Load {
    const out = this._with({});
    out._expanded = [this, ...opts.flatMap((o) => o._flatten()).map((o) => this._prefix(o))];
    return out;
  }
  /** The options this one stands for (itself, or a path with its `options()`). */
  _expanded: readonly Load[] | null = null;
  _flatten(): readonly Load[] {
    return this._expanded ?? [this];
  }
  private _prefix(o: Load): Load {
    return this._with({
      path: [...this.path, ...o.path],
      columns_for: o.columns_for,
      columns: o.columns,
      wildcard: o.wildcard,
    });
  }
  /** This option for a load of its first relationship's target: the rest of the path, from there. */
  _rerooted(target: Mapper): Load {
    return this._with({ path: this.path.slice(1), root: target });
  }
  /** Part of the statement's cache key. */
  _ck(k: CacheKeyBuilder): void {
    if (this._expanded) {
      for (const o of this._expanded) if (o !== this) o._ck(k);
    }
    k.push("load(");
    if (this.root) k.push(`root${objectId(this.root)}`);
    for (const s of this.path) {
      k.push(String(s.prop), s.strategy ?? "default", s.innerjoin ? "i" : "");
      if (s.of_type) k.push(`of${objectId(s.of_type as object)}`);
    }
    if (this.wildcard) k.push("*", this.wildcard.strategy);
    if (this.columns_for) k.push(`cols${objectId(this.columns_for)}`);
    for (const c of this.columns)
      k.push(
        c.kind === "group"
          ? `g:${c.group}`
          : `${c.kind === "attr" ? c.key : "*"}:${c.deferred ? "d" : "u"}${c.raiseload ? "r" : ""}`,
      );
    k.push(")");
  }
  __repr__(): string {
    const last = this.path[this.path.length - 1];
    const name = this.columns.length ? "Column" : this.wildcard ? "Wildcard" : (last?.strategy ?? "default");
    return `<_${name}Load ${this.path.map((s) => String(s.prop)).join(" -> ")}>`;
  }
}

const PARTS = Symbol("LoadParts");
function isParts(v: unknown): v is LoadParts {
  return v !== null && typeof v === "object" && PARTS in v;
}

function entityMapper(entity: unknown): Mapper {
  const m = (entity as { __mapper__?: Mapper } | null)?.__mapper__;
  if (m) return m;
  if (entity && typeof entity === "object" && "_column_props" in entity) return entity as Mapper;
  throw new ArgumentError(`Load() expects a mapped class, got ${String(entity)}`);
}

function relationshipProp(attr: unknown): RelationshipProperty | null {
  const prop = (attr as { property?: unknown } | null)?.property as RelationshipProperty | undefined;
  return prop && "synchronize_pairs" in prop ? prop : null;
}

function columnProp(attr: unknown): ColumnProperty {
  const prop = (attr as { property?: unknown } | null)?.property as ColumnProperty | undefined;
  if (!prop || !("columns" in prop) || "synchronize_pairs" in prop) {
    if (typeof attr === "string")
      throw new ArgumentError(
        "Strings are not accepted for attribute names in loader options; please use class-bound attributes directly.",
      );
    throw new ArgumentError(
      `expected ORM mapped attribute for loader strategy argument, got ${relationshipProp(attr) ? `relationship '${attr}'` : String(attr)}`,
    );
  }
  return prop;
}

function step(
  attr: unknown,
  strategy: LoaderStrategyName | null,
  options: { innerjoin?: boolean } = {},
): LoadStep {
  const prop = relationshipProp(attr);
  if (!prop) {
    if (typeof attr === "string")
      throw new ArgumentError(
        "Strings are not accepted for attribute names in loader options; please use class-bound attributes directly.",
      );
    throw new ArgumentError(
      `expected ORM mapped attribute for loader strategy argument, got ${String(attr)}`,
    );
  }
  const of_type = (attr as { _of_type?: unknown })._of_type ?? null;
  if ((attr as { _extra_criteria?: readonly unknown[] })._extra_criteria?.length)
    throw new NotImplementedError("criteria added with and_() to a loader option are not in the port yet");
  return { prop, strategy, innerjoin: options.innerjoin ?? prop.options.innerjoin ?? false, of_type };
}

const EMPTY = new Load([]);

export function selectinload(attr: unknown): Load {
  return EMPTY.selectinload(attr);
}
export function joinedload(attr: unknown, options: { innerjoin?: boolean } = {}): Load {
  return EMPTY.joinedload(attr, options);
}
/**
 * Indicate that the given attribute should be loaded using subquery eager loading: after the
 * parent rows, one SELECT of the related rows joined to the original statement as a subquery.
 */
export function subqueryload(attr: unknown): Load {
  return EMPTY.subqueryload(attr);
}
/** Indicate that the given attribute should be loaded using "lazy" loading. */
export function lazyload(attr: unknown): Load {
  return EMPTY.lazyload(attr);
}
/** Indicate that the given attribute should raise an error if accessed (`sql_only`: only where it would emit SQL). */
export function raiseload(attr: unknown, options: { sql_only?: boolean } = {}): Load {
  return EMPTY.raiseload(attr, options);
}
/** Indicate that the given relationship attribute should remain unloaded. */
export function noload(attr: unknown): Load {
  return EMPTY.noload(attr);
}
export function immediateload(attr: unknown): Load {
  return EMPTY.immediateload(attr);
}
/** Indicate an attribute should load using its predefined loader style (a path for the options after it). */
export function defaultload(attr: unknown): Load {
  return EMPTY.defaultload(attr);
}
/**
 * `contains_eager(User.addresses)`: the relationship is filled from columns the statement already
 * selects through its own join (of the target table, or of `User.addresses.of_type(alias)`).
 */
export function contains_eager(attr: unknown): Load {
  return EMPTY.contains_eager(attr);
}
/** Indicate that the given column-oriented attribute should be deferred, e.g. not loaded until accessed. */
export function defer(attr: unknown, options: { raiseload?: boolean } = {}): Load {
  return EMPTY.defer(attr, options);
}
/**
 * Indicate that the given column-oriented attribute should be undeferred, e.g. specified within
 * the SELECT statement of the entity as a whole (`"*"`: every one).
 */
export function undefer(attr: unknown): Load {
  return EMPTY.undefer(attr);
}
/**
 * Indicate that for a particular entity, only the given list of column-based attribute names should
 * be loaded; all others will be deferred (the primary key is always loaded).
 */
export function load_only(...attrs: unknown[]): Load {
  return EMPTY.load_only(...attrs);
}
/** Indicate that columns within the given deferred group name should be undeferred. */
export function undefer_group(name: string): Load {
  return EMPTY.undefer_group(name);
}

/**
 * `with_expression(User.book_count, func.count(Book.id))`: the query_expression() attribute is loaded
 * from that expression, added to the entity's columns in the SELECT (ExpressionColumnLoader).
 */
export class _WithExpression {
  /** The attribute's class (or alias of it) and key. */
  readonly attr: { readonly key: string; readonly _parententity: unknown; readonly class_: Function };
  readonly expression: ColumnElement;
  constructor(attr: unknown, expression: ColumnElement) {
    this.attr = attr as _WithExpression["attr"];
    this.expression = expression;
  }
  /** The expression's structure is in the statement's columns: here only which attribute it fills. */
  _ck(k: CacheKeyBuilder): void {
    k.push("withexpr", objectId(this.attr.class_), this.attr.key);
    if (this.attr._parententity) k.push(`of${objectId(this.attr._parententity as object)}`);
  }
}

export function with_expression(key: unknown, expression: unknown): _WithExpression {
  const prop = (key as { property?: { _is_query_expression?: boolean } } | null)?.property;
  if (!prop?._is_query_expression)
    throw new ArgumentError(`with_expression() needs a query_expression() attribute, got ${String(key)}`);
  return new _WithExpression(key, coerce(expression) as ColumnElement);
}

/** Internal tag that keeps the ORM's own loads (get, refresh, lazy loads) apart in the compiled cache. */
export class _OrmLoadTag {
  readonly tag: string;
  constructor(tag: string) {
    this.tag = tag;
  }
  _ck(k: CacheKeyBuilder): void {
    k.push("ormtag", this.tag);
  }
}

defineModule("sqlalchemy.orm.strategy_options", Load);
