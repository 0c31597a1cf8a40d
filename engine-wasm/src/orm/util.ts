/**
 * `sqlalchemy.orm.util`: `aliased()` — an AliasedClass stands for a mapped class over an alias of its
 * table (or over a subquery of its columns); its attributes are the class's attributes in terms of
 * that FROM, and AliasedInsp (what `inspect()` gives) says which mapper and which FROM. Also the
 * ON clauses of joins along a relationship (`join(User.addresses)`, `.of_type(alias)`, `secondary`).
 */

import { ResultMetaData } from "../engine/result.ts";
import { ArgumentError } from "../exc.ts";
import { and_, type CacheKeyBuilder, type ClauseElement, type ColumnElement } from "../sql/elements.ts";
import type { Column } from "../sql/schema.ts";
import { correspondingColumn, expandColumnArg, type FromClause, Subquery } from "../sql/selectable.ts";
import { NotImplementedError } from "../util/builtins.ts";
import { defineModule } from "../util/repr.ts";
import { QueryableAttribute } from "./attributes.ts";
import { className, objectAddress } from "./base.ts";
import { _mapper_for_class, Mapper } from "./mapper.ts";
import type { RelationshipProperty } from "./relationships.ts";

/** What `inspect(aliased(User))` gives: the mapper, the FROM it is aliased to, its name. */
export class AliasedInsp {
  readonly mapper: Mapper;
  readonly selectable: FromClause;
  readonly name: string | null;
  readonly entity: AliasedClass;
  readonly is_aliased_class = true;
  /** A column the FROM has no counterpart of is found by its name (`aliased(..., adapt_on_names=True)`). */
  readonly _adapt_on_names: boolean;
  private readonly _adapted = new Map<ColumnElement, ColumnElement | null>();
  constructor(
    entity: AliasedClass,
    mapper: Mapper,
    selectable: FromClause,
    name: string | null,
    adapt_on_names = false,
  ) {
    this.entity = entity;
    this.mapper = mapper;
    this.selectable = selectable;
    this.name = name;
    this._adapt_on_names = adapt_on_names;
  }
  get class_(): Function {
    return this.mapper.class_;
  }
  /**
   * A column of the mapped table as this alias has it: the FROM's corresponding column, or with
   * adapt_on_names the one of the same name; null when it has neither.
   */
  _corresponding_column(col: ColumnElement): ColumnElement | null {
    let c = this._adapted.get(col);
    if (c === undefined) {
      c = correspondingColumn(this.selectable, col);
      if (c === null && this._adapt_on_names) {
        const name = (col as { name?: string }).name;
        c = this.selectable._columns.find((x) => x.key === name) ?? null;
      }
      this._adapted.set(col, c);
    }
    return c;
  }
  /**
   * A column in terms of the alias; a column the FROM does not have stays as it is (SQLAlchemy's
   * ORMAdapter does not require every column to adapt).
   */
  _adapt_element(col: ColumnElement): ColumnElement {
    return this._corresponding_column(col) ?? col;
  }
  /**
   * The mapper's columns in terms of the alias (what `select(alias)` selects): those the FROM has
   * (a subquery of some of the columns loads those; the others are not loaded).
   */
  get columns(): ColumnElement[] {
    const out: ColumnElement[] = [];
    for (const c of this.mapper.columns) {
      const a = this._corresponding_column(c);
      if (a) out.push(a);
    }
    return out;
  }
}

/** `aliased(Address)`: usable wherever the class is, in terms of its alias. */
export class AliasedClass {
  readonly _aliased_insp: AliasedInsp;
  constructor(mapper: Mapper, selectable: FromClause, name: string | null, adapt_on_names = false) {
    mapper._check_configure();
    this._aliased_insp = new AliasedInsp(this, mapper, selectable, name, adapt_on_names);
    for (const [key, prop] of mapper._props) {
      Object.defineProperty(this, key, {
        value: new AliasedAttribute(this._aliased_insp, key, prop as never),
        enumerable: false,
      });
    }
  }
  /** Part of a statement's cache key: the mapper, the entity's name and its FROM (by position if anonymous). */
  _ck(k: CacheKeyBuilder): void {
    const insp = this._aliased_insp;
    k.push("aliased(", insp.mapper._key_prefix, insp.name ?? "", insp._adapt_on_names ? "n" : "");
    insp.selectable._ck(k);
    k.push(")");
  }
  __str__(): string {
    return `aliased(${className(this._aliased_insp.mapper.class_)})`;
  }
  __repr__(): string {
    return `<AliasedClass at 0x${objectAddress(this)}; ${className(this._aliased_insp.mapper.class_)}>`;
  }
  toString(): string {
    return this.__str__();
  }
}

/** An attribute of an AliasedClass: the class's attribute with its column taken from the alias. */
export class AliasedAttribute extends QueryableAttribute {
  override readonly _parententity: AliasedInsp;
  constructor(insp: AliasedInsp, key: string, property: QueryableAttribute["property"]) {
    super(insp.mapper.class_, key, property);
    this._parententity = insp;
  }
  override __clause_element__(): ClauseElement {
    const p = this.property;
    if (p.columns) return this._parententity._adapt_element(p.columns[0]!);
    return this._parententity.selectable;
  }
  override toString(): string {
    return `${this._parententity.entity}.${this.key}`;
  }
}

export interface AliasedOptions {
  /** The entity's name in result rows (and the alias's name when aliased() makes the alias). */
  name?: string;
  /** Joins are aliased table by table (for a single table, the same alias). */
  flat?: boolean;
  /** Columns of the given FROM are matched to the mapped columns by name when they do not correspond. */
  adapt_on_names?: boolean;
}

/**
 * `aliased(User)`, `aliased(User, { name: "u2" })`, `aliased(User, subquery)`,
 * `aliased(Address, stmt.cte())`: a new alias of the mapped table (anonymous, `user_account_1`,
 * unless named), or the class over a subquery or CTE. An aliased class given again makes a new
 * alias of the table (or, over a subquery, of that subquery).
 */
export function aliased(
  element: unknown,
  alias?: FromClause | AliasedOptions | null,
  options: AliasedOptions = {},
): AliasedClass {
  const insp = element instanceof AliasedClass ? element._aliased_insp : null;
  const mapper = insp?.mapper ?? (element instanceof Mapper ? element : _mapper_for_class(element));
  if (!mapper) {
    throw new ArgumentError(`aliased() expects a mapped class or an aliased class, got ${String(element)}`);
  }
  let selectable: FromClause | null = null;
  let opts = options;
  if (alias && typeof alias === "object" && !("_from_objects" in alias)) opts = alias as typeof options;
  else if (alias) selectable = alias as FromClause;
  const name = opts.name ?? null;
  // a name names the alias of the table; over a given subquery it names only the entity
  if (!selectable && !insp && mapper.persist_selectable !== mapper.local_table)
    throw new NotImplementedError(
      `aliased() of the joined-table subclass ${mapper.class_name} is not in the port yet (its rows span ${mapper.tables.map((t) => t.name).join(", ")})`,
    );
  if (!selectable) {
    // an aliased class over a subquery: an alias of that subquery; else a new alias of the table
    const over = insp?.selectable;
    const overSubquery = over instanceof Subquery && !(over.isAlias && over.element === mapper.local_table);
    selectable = overSubquery ? _orm_alias(over) : _orm_alias(mapper.local_table, name);
  }
  return new AliasedClass(mapper, selectable, name, opts.adapt_on_names ?? false);
}

/** An alias the ORM makes: keyed by position in cache keys (see Subquery._anon_positional). */
export function _orm_alias(from: FromClause, name: string | null = null): FromClause {
  const a = from.alias(name ?? undefined);
  a._anon_positional = true;
  return a;
}

/** The entity a select() argument stands for: a mapper and the FROM it is selected from. */
export interface EntityInfo {
  readonly mapper: Mapper;
  readonly insp: AliasedInsp | null;
}
export function entityInfo(entity: unknown): EntityInfo | null {
  if (entity instanceof AliasedClass)
    return { mapper: entity._aliased_insp.mapper, insp: entity._aliased_insp };
  if (entity instanceof AliasedInsp) return { mapper: entity.mapper, insp: entity };
  const m = entity instanceof Mapper ? entity : _mapper_for_class(entity);
  return m ? { mapper: m, insp: null } : null;
}

/** `col` (of a mapped table) as `from` has it: the table's own column when `from` is null. */
export function adaptTo(from: FromClause | null, col: ColumnElement): ColumnElement {
  if (!from) return col;
  const c = correspondingColumn(from, col);
  if (!c) throw new ArgumentError(`Column '${String(col)}' is not available in ${String(from)}`);
  return c;
}

/** One join of a statement's FROM (Select._setup_joins). */
export interface RelationshipJoin {
  readonly left: FromClause;
  readonly target: FromClause;
  readonly onclause: ClauseElement;
}

/**
 * The joins along `prop` from its parent to its target (SQLAlchemy's `_ORMJoin` over the
 * relationship's join condition), each side the mapped table or an alias of it (`parent` / `target`;
 * null for the table): one join, or two through an anonymous alias of the secondary table for a
 * many-to-many.
 */
export function relationshipJoins(
  prop: RelationshipProperty,
  parent: FromClause | null,
  target: FromClause | null,
): RelationshipJoin[] {
  prop.parent._check_configure();
  const left = parent ?? prop.parent.local_table;
  const right = target ?? prop.mapper.local_table;
  const onParent = (c: Column) => adaptTo(parent, c);
  const onTarget = (c: Column) => adaptTo(target, c);
  if (prop.secondary) {
    const sec = _orm_alias(prop.secondary);
    const secCol = (c: Column) => adaptTo(sec, c);
    return [
      {
        left,
        target: sec,
        onclause: and_(...prop.synchronize_pairs.map(([one, many]) => onParent(one).eq(secCol(many)))),
      },
      {
        left: sec,
        target: right,
        onclause: and_(
          ...prop.secondary_synchronize_pairs.map(([one, many]) => onTarget(one).eq(secCol(many))),
        ),
      },
    ];
  }
  const oneSide = prop.direction === "ONETOMANY" ? onParent : onTarget;
  const manySide = prop.direction === "ONETOMANY" ? onTarget : onParent;
  return [
    {
      left,
      target: right,
      onclause: and_(...prop.synchronize_pairs.map(([one, many]) => oneSide(one).eq(manySide(many)))),
    },
  ];
}

/**
 * `with_parent(user, User.addresses)`: criteria for the objects `user.addresses` holds, as its lazy
 * load selects them (`:param_1 = address.user_id`).
 */
export function with_parent(instance: object, prop: unknown): ClauseElement {
  const rel = (prop instanceof QueryableAttribute ? prop.property : prop) as RelationshipProperty;
  if (!rel || !("synchronize_pairs" in rel))
    throw new ArgumentError(`Expected relationship property for with_parent(), got ${String(prop)}`);
  return rel._with_parent(instance);
}

defineModule("sqlalchemy.orm.util", AliasedClass, AliasedInsp);

/**
 * `Bundle(name, *exprs)`: columns selected as one entity of the row, itself a row of them by their
 * keys (`row.user.name`). The columns render in the SELECT in place; `bundle.c.<key>` is each
 * column (for WHERE, ORDER BY); a subclass's `create_row_processor()` makes the value another way.
 */
export class Bundle {
  readonly name: string;
  readonly exprs: readonly unknown[];
  /** `single_entity=True`: what SQLAlchemy's legacy Query returns alone (kept, and in the cache key). */
  readonly single_entity: boolean;
  readonly is_bundle = true;
  readonly is_clause_element = false;
  readonly is_mapper = false;
  readonly is_aliased_class = false;
  /** The column each expression stands for (an attribute's column), by its key. */
  readonly c: Record<string, ColumnElement>;
  private _metadata: ResultMetaData | null = null;

  constructor(name: string, ...exprs: unknown[]) {
    const last = exprs.at(-1);
    const opts =
      last !== null && typeof last === "object" && Object.getPrototypeOf(last) === Object.prototype
        ? (exprs.pop() as { single_entity?: boolean })
        : {};
    this.name = name;
    this.exprs = exprs;
    this.single_entity = opts.single_entity ?? false;
    const c: Record<string, ColumnElement> = {};
    for (const e of exprs) {
      if (e instanceof Bundle) continue;
      const col = expandColumnArg(e)[0]!;
      c[_bundle_key(e, col)] = col;
    }
    this.c = c;
  }

  get columns(): Record<string, ColumnElement> {
    return this.c;
  }

  /** The columns the SELECT renders for this bundle, in order (a nested bundle's in its place). */
  get _select_columns(): ColumnElement[] {
    return this.exprs.flatMap((e) => (e instanceof Bundle ? e._select_columns : expandColumnArg(e)));
  }

  /** The keys of the bundle's row: an attribute's or column's key, a nested bundle's name. */
  get _labels(): string[] {
    return this.exprs.map((e) => (e instanceof Bundle ? e.name : _bundle_key(e, expandColumnArg(e)[0]!)));
  }

  /** A copy under another name. */
  label(name: string): Bundle {
    const cls = this.constructor as new (name: string, ...exprs: unknown[]) => Bundle;
    return new cls(name, ...this.exprs, { single_entity: this.single_entity });
  }

  /**
   * The function that makes this bundle's value from a row: `procs` give each expression's value,
   * `labels` their keys. By default a row of those values, by key and by position.
   */
  create_row_processor(
    _query: unknown,
    procs: readonly ((row: unknown[]) => unknown)[],
    labels: readonly string[],
  ): (row: unknown[]) => unknown {
    this._metadata ??= new ResultMetaData(labels);
    const md = this._metadata;
    return (row: unknown[]) => md.makeRow(procs.map((p) => p(row)));
  }

  _ck(k: CacheKeyBuilder): void {
    k.push("bundle(", this.name, this.single_entity ? "s" : "");
    for (const c of this._select_columns) c._ck(k);
    k.push(")");
  }

  __repr__(): string {
    return `<sqlalchemy.orm.util.Bundle object at 0x${objectAddress(this)}>`;
  }
}

function _bundle_key(expr: unknown, col: ColumnElement): string {
  if (expr instanceof QueryableAttribute) return expr.key;
  return col.key ?? "";
}

defineModule("sqlalchemy.orm.util", Bundle);
