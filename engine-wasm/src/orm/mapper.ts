/**
 * `sqlalchemy.orm.mapper`: Mapper — the link between a class and its Table: its properties (one
 * ColumnProperty per mapped column, one RelationshipProperty per relationship), primary key, identity
 * keys, and `configure_mappers()` (relationships are resolved lazily, once every class exists).
 */
import { ArgumentError, InvalidRequestError } from "../exc.ts";
import { ClauseElement, type ColumnElement, Null } from "../sql/elements.ts";
import type { Column, Table } from "../sql/schema.ts";
import { type FromClause, Join, joinCondition } from "../sql/selectable.ts";
import { LRUCache } from "../util/collections.ts";
import { defineModule } from "../util/repr.ts";
import {
  AttributeDispatch,
  type AttributeImpl,
  InstrumentedAttribute,
  ScalarAttributeImpl,
  stateOf,
} from "./attributes.ts";
import { NO_VALUE, STATE_ATTR } from "./base.ts";
import type { RelationshipProperty } from "./relationships.ts";
import { type IdentityKey, InstanceState, identityKey, identityKeyOfOwn } from "./state.ts";

/**
 * The loader strategies the mapper's attributes call (strategies.ts installs them; SQLAlchemy's
 * mapper reaches its strategies through `util.preloaded`).
 */
export const strategyHooks: {
  load_deferred?: (state: InstanceState, prop: ColumnProperty, raiseload: boolean) => void;
} = {};

/** How a mapped column loads (`mapped_column(..., { deferred, deferred_group, deferred_raiseload })`). */
export interface ColumnPropertyOptions {
  deferred?: boolean;
  group?: string | null;
  raiseload?: boolean;
}

export class ColumnProperty {
  readonly key: string;
  readonly columns: Column[];
  parent!: Mapper;
  impl!: AttributeImpl;
  /** The attribute's event listeners (AttributeEvents "set" on `User.name`). */
  readonly dispatch = new AttributeDispatch();
  /** Not in the SELECT of its entity by default: loaded when first read (`deferred=True`). */
  readonly deferred: boolean;
  /** Deferred columns of one group load together (`deferred_group`). */
  readonly group: string | null;
  /** Reading the deferred column raises instead of loading it (`deferred_raiseload`). */
  readonly raiseload: boolean;
  /** A query_expression(): its "column" is the default expression, labelled (no column of the table). */
  _is_query_expression = false;
  /** A query_expression() whose default is not NULL. */
  _has_default_expression = false;
  constructor(key: string, column: Column, options: ColumnPropertyOptions = {}) {
    this.key = key;
    this.columns = [column];
    // a group or raiseload implies deferred, as in SQLAlchemy
    this.group = options.group ?? null;
    this.raiseload = options.raiseload ?? false;
    this.deferred = options.deferred ?? (this.group !== null || this.raiseload);
  }
  get expression(): Column {
    return this.columns[0]!;
  }
  /** `str(Book.summary.property)`: `Book.summary`. */
  toString(): string {
    return `${this.parent ? this.parent.class_name : "?"}.${this.key}`;
  }
  __repr__(): string {
    return `<ColumnProperty at 0x7f3a5e0000a0; ${this.key}>`;
  }
}

/** `mapper.attrs` / `.columns` / `.relationships`: properties by key, in mapping order. */
export class PropertiesView<P> {
  private readonly _map: Map<string, P>;
  constructor(map: Map<string, P>) {
    this._map = map;
  }
  keys(): string[] {
    return [...this._map.keys()];
  }
  values(): P[] {
    return [...this._map.values()];
  }
  items(): [string, P][] {
    return [...this._map.entries()];
  }
  get(key: string): P | undefined {
    return this._map.get(key);
  }
  has(key: string): boolean {
    return this._map.has(key);
  }
  get length(): number {
    return this._map.size;
  }
  [Symbol.iterator](): IterableIterator<P> {
    return this._map.values();
  }
}

const allMappers: Mapper[] = [];
/** Mappers made so far: each one's number is the prefix of its identity map keys. */
let mapperCount = 0;
/** Tables that a mapper maps (a select_from() of one makes the statement ORM-enabled). */
export const _mapped_tables = new WeakSet<Table>();
let _new_mappers = false;

export class Mapper {
  readonly class_: Function;
  readonly class_name: string;
  readonly local_table: Table;
  readonly _props = new Map<string, ColumnProperty | RelationshipProperty>();
  readonly _impls = new Map<string, AttributeImpl>();
  readonly _columntoproperty = new Map<Column, ColumnProperty>();
  readonly _column_props: ColumnProperty[] = [];
  readonly _relationships: RelationshipProperty[] = [];
  /** Whether a column property is deferred by its mapping. */
  _has_deferred = false;
  /** Column attributes (reloaded when expired). */
  _scalar_loader_impls: AttributeImpl[] = [];
  private __scalar_loader_keys: string[] = [];
  /** The keys of `_scalar_loader_impls` (what expiring an object marks as expired). */
  get _scalar_loader_keys(): readonly string[] {
    const impls = this._scalar_loader_impls;
    if (this.__scalar_loader_keys.length !== impls.length)
      this.__scalar_loader_keys = impls.map((i) => i.key);
    return this.__scalar_loader_keys;
  }
  _collection_impls: AttributeImpl[] = [];
  readonly primary_key: Column[];
  configured = false;
  readonly registry: unknown;
  /** Whether any relationship points from this mapper to itself or forms a cycle (per-row flush order). */
  _has_cycles = false;
  /**
   * `eager_defaults`: whether the flush fetches server-generated values with RETURNING (true), leaves
   * them expired to be loaded on access (false), or — "auto", the default — fetches INSERT defaults
   * where the dialect can RETURNING for executemany and UPDATE ones never.
   */
  eager_defaults: boolean | "auto" = "auto";

  /** Columns whose INSERT value the server generates (server_default, a SQL-expression default). */
  get _server_default_cols(): Column[] {
    this.__server_default_cols ??= this.local_table.columns.filter(
      (c) => c.server_default !== undefined || c.default instanceof ClauseElement,
    );
    return this.__server_default_cols;
  }
  private __server_default_cols: Column[] | null = null;
  /** Columns whose UPDATE value the server generates (a SQL-expression onupdate). */
  get _server_onupdate_default_cols(): Column[] {
    this.__server_onupdate_default_cols ??= this.local_table.columns.filter(
      (c) => c.onupdate instanceof ClauseElement,
    );
    return this.__server_onupdate_default_cols;
  }
  private __server_onupdate_default_cols: Column[] | null = null;

  /** `_server_default_cols` of one of the mapper's tables. */
  _server_default_cols_for(table: Table): Column[] {
    if (table === this.local_table) return this._server_default_cols;
    return this._per_table("sd", table, () =>
      table.columns.filter((c) => c.server_default !== undefined || c.default instanceof ClauseElement),
    );
  }
  /** `_server_onupdate_default_cols` of one of the mapper's tables. */
  _server_onupdate_default_cols_for(table: Table): Column[] {
    if (table === this.local_table) return this._server_onupdate_default_cols;
    return this._per_table("su", table, () =>
      table.columns.filter((c) => c.onupdate instanceof ClauseElement),
    );
  }
  private __per_table: Map<string, Map<Table, Column[]>> | null = null;
  private _per_table(what: string, table: Table, make: () => Column[]): Column[] {
    const all = (this.__per_table ??= new Map());
    let m = all.get(what);
    if (!m) all.set(what, (m = new Map()));
    let cols = m.get(table);
    if (!cols) m.set(table, (cols = make()));
    return cols;
  }

  /** Whether an INSERT's flush asks for the server defaults by RETURNING (Mapper._prefer_eager_defaults). */
  _prefer_eager_defaults(
    dialect: { insert_returning?: boolean; use_insertmanyvalues?: boolean },
    table: Table = this.local_table,
  ): boolean {
    if (this.eager_defaults !== "auto") return this.eager_defaults;
    return (
      (table as { implicit_returning?: boolean }).implicit_returning !== false &&
      this._server_default_cols_for(table).length > 0 &&
      !!dialect.insert_returning &&
      !!dialect.use_insertmanyvalues
    );
  }

  /** The mapper this one inherits from (`class Manager extends Employee`), or null. */
  readonly inherits: Mapper | null;
  /** The root of the inheritance hierarchy (this mapper when it inherits from none). */
  readonly base_mapper: Mapper;
  /** What rows of this class are written to and read from: its table, or the JOIN of its tables. */
  readonly persist_selectable: FromClause;
  /** The ON clause between the inherited table and this mapper's own one (joined-table inheritance). */
  readonly inherit_condition: ColumnElement | null;
  /** Single-table inheritance: the subclass's columns are on the inherited mapper's table. */
  readonly single: boolean;
  /** The tables of `persist_selectable`, base-most first (one INSERT / UPDATE / DELETE each). */
  readonly tables: Table[];
  /** Per table of `tables`: the primary key columns of that table. */
  readonly _pks_by_table: Map<Table, Column[]>;
  /** The mappers that inherit directly from this one. */
  readonly _inheriting_mappers: Mapper[] = [];
  /** The discriminator column (`polymorphic_on`), shared by the whole hierarchy. */
  polymorphic_on: Column | null = null;
  /** The discriminator value that rows of this class carry (`polymorphic_identity`). */
  polymorphic_identity: unknown = null;
  /** Discriminator value → mapper, one map for the whole hierarchy (null until a mapper has an identity). */
  polymorphic_map: Map<unknown, Mapper> | null = null;
  /** The identity map's key prefix: the base mapper's, so that an object is found by any class of its hierarchy. */
  readonly _identity_prefix: string;

  /** `__mapper_args__` of the declarative class. */
  _configure_mapper_args(args: Record<string, unknown> | undefined): void {
    if (!args) return;
    if (args.eager_defaults !== undefined) this.eager_defaults = args.eager_defaults as boolean | "auto";
    if (args.polymorphic_on !== undefined && args.polymorphic_on !== null)
      this._set_polymorphic_on(args.polymorphic_on);
    if (args.polymorphic_identity !== undefined) {
      const root = this.base_mapper;
      const map = (root.polymorphic_map ??= new Map());
      this.polymorphic_identity = args.polymorphic_identity;
      map.set(args.polymorphic_identity, this);
      for (const m of root._self_and_descendants()) m.polymorphic_map = map;
      for (const m of root._self_and_descendants()) m.__single_table_criterion = undefined;
    }
  }

  private _set_polymorphic_on(on: unknown): void {
    let col: Column | null = null;
    if (typeof on === "string") {
      const prop = this._props.get(on);
      col = prop && "columns" in prop ? (prop.columns[0] as Column) : (this.local_table.c.get(on) ?? null);
    } else {
      const ce = (on as { __clause_element__?: () => unknown }).__clause_element__;
      col = (typeof ce === "function" ? ce.call(on) : on) as Column;
    }
    if (!col || !this.local_table.columns.includes(col))
      throw new ArgumentError(
        `Can't determine polymorphic_on value '${String(on)}' - no attribute is mapped to this name.`,
      );
    for (const m of this._self_and_descendants()) m.polymorphic_on = col;
  }

  /** A new object of a polymorphic class gets its discriminator value (`type = "manager"`). */
  _set_polymorphic_identity(state: InstanceState): void {
    const on = this.polymorphic_on;
    if (on === null || this.polymorphic_identity === null) return;
    const prop = this._columntoproperty.get(on);
    if (prop) prop.impl.set(state, this.polymorphic_identity, null);
  }

  /** This mapper and every mapper that inherits from it, parents first. */
  _self_and_descendants(): Mapper[] {
    const out: Mapper[] = [this];
    for (let i = 0; i < out.length; i++) out.push(...out[i]!._inheriting_mappers);
    return out;
  }

  /** Whether `other` is this mapper or inherits from it. */
  isa(other: Mapper): boolean {
    for (let m: Mapper | null = this; m; m = m.inherits) if (m === other) return true;
    return false;
  }

  private __single_table_criterion: ColumnElement | null | undefined = undefined;
  /**
   * Single-table inheritance: `employee.type IN (...)` of the identities of this class and its
   * subclasses, which a SELECT of it adds to its WHERE (null for any other mapper).
   */
  get _single_table_criterion(): ColumnElement | null {
    if (this.__single_table_criterion === undefined) {
      const on = this.polymorphic_on;
      const ids = this._self_and_descendants()
        .map((m) => m.polymorphic_identity)
        .filter((v) => v !== null && v !== undefined);
      this.__single_table_criterion = this.single && on && ids.length ? on.in_(ids) : null;
    }
    return this.__single_table_criterion;
  }

  constructor(
    class_: Function,
    table: Table,
    class_name: string,
    registry: unknown,
    inherits: Mapper | null = null,
  ) {
    this.class_ = class_;
    this.class_name = class_name;
    this.local_table = table;
    this.registry = registry;
    this.inherits = inherits;
    this.base_mapper = inherits ? inherits.base_mapper : this;
    this.single = inherits !== null && inherits.local_table === table;
    if (inherits === null) {
      this.persist_selectable = table;
      this.inherit_condition = null;
      this.tables = [table];
    } else if (this.single) {
      this.persist_selectable = inherits.persist_selectable;
      this.inherit_condition = null;
      this.tables = inherits.tables;
    } else {
      this.inherit_condition = joinCondition(inherits.local_table, table);
      this.persist_selectable = new Join(
        inherits.persist_selectable,
        table,
        this.inherit_condition,
        false,
        false,
      );
      this.tables = [...inherits.tables, table];
    }
    this._pks_by_table = new Map(this.tables.map((t) => [t, t.primary_key.columns]));
    // the primary key of a joined subclass is that of the base table (its own table's refers to it)
    this.primary_key = inherits ? inherits.primary_key : table.primary_key.columns;
    this._identity_class = this.base_mapper.class_;
    this._key_prefix = String(mapperCount++);
    this._identity_prefix = this.base_mapper._key_prefix;
    if (inherits) this._small_id_keys = inherits._small_id_keys ??= [];
    if (this.primary_key.length === 0) {
      throw new ArgumentError(
        `Mapper ${this} could not assemble any primary key columns for mapped table '${table.name}'`,
      );
    }
    if (inherits) {
      inherits._inheriting_mappers.push(this);
      this.polymorphic_on = inherits.polymorphic_on;
      this.polymorphic_map = inherits.polymorphic_map;
      this.eager_defaults = inherits.eager_defaults;
      this._inherit_properties(inherits);
    }
    allMappers.push(this);
    _mapped_tables.add(table);
    _new_mappers = true;
  }

  /** The properties of the inherited mapper, the same objects, with class attributes of this class. */
  private _inherit_properties(parent: Mapper): void {
    for (const [key, prop] of parent._props) {
      this._props.set(key, prop);
      if (prop instanceof ColumnProperty && prop._is_query_expression) {
        this._impls.set(key, prop.impl);
        this._query_expressions.push(prop);
        if (prop._has_default_expression) this._has_default_query_expression = true;
      } else if (prop instanceof ColumnProperty) {
        this._impls.set(key, prop.impl);
        for (const c of prop.columns) this._columntoproperty.set(c, prop);
        this._column_props.push(prop);
        this._scalar_loader_impls.push(prop.impl);
        if (prop.deferred) this._has_deferred = true;
      } else this._relationships.push(prop);
      Object.defineProperty(this.class_, key, {
        value: new InstrumentedAttribute(this.class_, key, prop),
        writable: true,
        configurable: true,
        enumerable: false,
      });
    }
  }

  get mapped_table(): FromClause {
    return this.persist_selectable;
  }
  get entity(): Function {
    return this.class_;
  }
  get mapper(): Mapper {
    return this;
  }
  get attrs(): PropertiesView<ColumnProperty | RelationshipProperty> {
    return new PropertiesView(this._props);
  }
  get column_attrs(): PropertiesView<ColumnProperty> {
    return new PropertiesView(new Map(this._column_props.map((p) => [p.key, p])));
  }
  get relationships(): PropertiesView<RelationshipProperty> {
    return new PropertiesView(new Map(this._relationships.map((p) => [p.key, p])));
  }
  get columns(): Column[] {
    return this._column_props.map((p) => p.columns[0]!);
  }
  private __select_columns: Column[] | null = null;
  private __select_columns_n = -1;
  /**
   * The columns a SELECT of the entity selects: each column property's column, every one of them
   * for a property over several (a joined subclass's `id`, `manager.id` and `employee.id`).
   */
  get _select_columns(): Column[] {
    if (this.inherits === null) return this.columns;
    if (this.__select_columns === null || this.__select_columns_n !== this._column_props.length) {
      this.__select_columns = this._column_props.flatMap((p) => p.columns);
      this.__select_columns_n = this._column_props.length;
    }
    return this.__select_columns;
  }

  get_property(key: string): ColumnProperty | RelationshipProperty {
    const p = this._props.get(key);
    if (!p) throw new InvalidRequestError(`Mapper '${this}' has no property '${key}'.`);
    return p;
  }

  _add_column_property(key: string, column: Column, options: ColumnPropertyOptions = {}): ColumnProperty {
    const inherited = this._props.get(key);
    const prop = new ColumnProperty(key, column, options);
    prop.parent = this;
    if (inherited instanceof ColumnProperty && inherited.parent !== this) {
      // a column of a joined subclass's table under the inherited attribute's name (`id` of both
      // tables): one attribute for both columns, this table's first (SQLAlchemy's ColumnProperty
      // over several columns)
      prop.columns.push(...inherited.columns);
      this._replace_inherited_column_property(inherited, prop);
      return prop;
    }
    const impl = new ScalarAttributeImpl(this, key, prop.dispatch);
    prop.impl = impl;
    if (prop.deferred) {
      // SQLAlchemy's DeferredColumnLoader.init_class_attribute
      impl.load_on_unexpire = false;
      impl.callable_ = (state) => strategyHooks.load_deferred!(state, prop, prop.raiseload);
      this._has_deferred = true;
    }
    this._props.set(key, prop);
    this._impls.set(key, prop.impl);
    this._columntoproperty.set(column, prop);
    this._column_props.push(prop);
    this._scalar_loader_impls.push(prop.impl);
    this._instrument(key, prop);
    return prop;
  }

  private _replace_inherited_column_property(inherited: ColumnProperty, prop: ColumnProperty): void {
    const key = prop.key;
    const impl = new ScalarAttributeImpl(this, key, prop.dispatch);
    prop.impl = impl;
    this._props.set(key, prop);
    this._impls.set(key, impl);
    for (const c of prop.columns) this._columntoproperty.set(c, prop);
    this._column_props[this._column_props.indexOf(inherited)] = prop;
    this._scalar_loader_impls[this._scalar_loader_impls.indexOf(inherited.impl)] = impl;
    this._instrument(key, prop);
  }

  /**
   * Joined-table inheritance: the pairs (inherited table's column, this table's column) that the
   * foreign keys of this mapper's table to the inherited tables equate (the subclass row's primary
   * key is the base row's).
   */
  get _inherits_equated_pairs(): [Column, Column][] {
    if (this.__inherits_equated_pairs) return this.__inherits_equated_pairs;
    const pairs: [Column, Column][] = [];
    if (this.inherits && !this.single) {
      const parentTables = new Set(this.inherits.tables);
      for (const c of this.local_table.columns)
        for (const fk of c.foreign_keys) {
          const target = fk._resolve_column(false) as Column | null;
          if (target?.table && parentTables.has(target.table as Table)) pairs.push([target, c]);
        }
    }
    this.__inherits_equated_pairs = pairs;
    return pairs;
  }
  private __inherits_equated_pairs: [Column, Column][] | null = null;

  /**
   * `query_expression(default)`: an attribute loaded from a SQL expression the query gives with
   * `with_expression()` (strategies.py ExpressionColumnLoader). It has no column of the table: the
   * flush never writes it, and expiring the object does not reload it.
   */
  _add_query_expression(key: string, default_expr: ClauseElement): ColumnProperty {
    const prop = new ColumnProperty(key, (default_expr as ColumnElement).label(null) as unknown as Column);
    prop._is_query_expression = true;
    // a default other than NULL is in every SELECT of the entity (ExpressionColumnLoader)
    prop._has_default_expression = !(default_expr instanceof Null);
    if (prop._has_default_expression) this._has_default_query_expression = true;
    prop.parent = this;
    const impl = new ScalarAttributeImpl(this, key, prop.dispatch);
    impl.load_on_unexpire = false;
    prop.impl = impl;
    this._props.set(key, prop);
    this._impls.set(key, impl);
    this._query_expressions.push(prop);
    this._instrument(key, prop);
    return prop;
  }
  /** The query_expression() attributes. */
  readonly _query_expressions: ColumnProperty[] = [];
  /** Whether one of them has a default other than NULL. */
  _has_default_query_expression = false;

  _add_relationship(prop: RelationshipProperty): void {
    prop.parent = this;
    this._props.set(prop.key, prop);
    this._relationships.push(prop);
    this._instrument(prop.key, prop);
    // (a backref added at configure time reaches the mappers that inherit from this one)
    for (const sub of this._self_and_descendants().slice(1)) {
      if (sub._props.has(prop.key)) continue;
      sub._props.set(prop.key, prop);
      sub._relationships.push(prop);
      Object.defineProperty(sub.class_, prop.key, {
        value: new InstrumentedAttribute(sub.class_, prop.key, prop),
        writable: true,
        configurable: true,
        enumerable: false,
      });
    }
  }

  /** Class attribute `User.name` and the instance accessor that reads/writes through the state. */
  _instrument(key: string, prop: ColumnProperty | RelationshipProperty): void {
    const cls = this.class_;
    Object.defineProperty(cls, key, {
      value: new InstrumentedAttribute(cls, key, prop),
      writable: true,
      configurable: true,
      enumerable: false,
    });
    if (prop instanceof ColumnProperty) {
      const impl = prop.impl;
      Object.defineProperty(cls.prototype, key, {
        get(this: { [STATE_ATTR]: InstanceState }) {
          return impl.get(this[STATE_ATTR]!);
        },
        set(this: { [STATE_ATTR]: InstanceState }, value: unknown) {
          impl.set(this[STATE_ATTR]!, value, null);
        },
        configurable: true,
        enumerable: false,
      });
      return;
    }
    Object.defineProperty(cls.prototype, key, {
      get(this: { [STATE_ATTR]: InstanceState }) {
        return prop.impl.get(this[STATE_ATTR]!);
      },
      set(this: { [STATE_ATTR]: InstanceState }, value: unknown) {
        prop.impl.set(this[STATE_ATTR]!, value, null);
      },
      configurable: true,
      enumerable: false,
    });
  }

  /* ------------------------------------------------------------------ identity -- */

  /** A new, empty instance without calling the class's constructor (as loading does). */
  _new_instance(): object {
    const obj = Object.create(this.class_.prototype) as { [STATE_ATTR]?: InstanceState };
    obj[STATE_ATTR] = new InstanceState(obj, this);
    return obj;
  }

  identity_key_from_primary_key(pk: readonly unknown[]): IdentityKey {
    return identityKey(this, pk);
  }

  /** The identity key of `obj` from its primary key attributes (loading expired ones). */
  identity_key_from_instance(obj: object): IdentityKey {
    return identityKeyOfOwn(
      this,
      this._pk_keys.map((k) => {
        const v = (obj as Record<string, unknown>)[k];
        return v === undefined ? null : v;
      }),
    );
  }

  _identity_key_from_state(state: InstanceState): IdentityKey {
    const keys = this._pk_keys;
    const pk: unknown[] = new Array(keys.length);
    for (let i = 0; i < keys.length; i++) {
      const v = state.dict[keys[i]!];
      pk[i] = v === undefined ? null : v;
    }
    return identityKeyOfOwn(this, pk);
  }

  /** The attribute keys of `table`'s primary key columns (`_pk_keys` for the mapper's own table). */
  _pk_keys_for(table: Table): readonly string[] {
    if (table === this.tables[0] || this.single) return this._pk_keys;
    return (
      (this.__pk_keys_by_table ??= new Map<Table, readonly string[]>()).get(table) ??
      this._set_pk_keys_for(table)
    );
  }
  private _set_pk_keys_for(table: Table): readonly string[] {
    const keys = this._pks_by_table.get(table)!.map((c) => this._columntoproperty.get(c)!.key);
    this.__pk_keys_by_table!.set(table, keys);
    return keys;
  }
  private __pk_keys_by_table: Map<Table, readonly string[]> | null = null;

  private __cols_by_table: Map<Table, readonly (readonly [ColumnProperty, Column])[]> | null = null;
  private __cols_by_table_n = -1;
  /**
   * Per table of the mapper, its column attributes there, each with its column of that table (a
   * flush writes these); remade when a column property is added.
   */
  get _cols_by_table(): Map<Table, readonly (readonly [ColumnProperty, Column])[]> {
    if (this.__cols_by_table && this.__cols_by_table_n === this._column_props.length)
      return this.__cols_by_table;
    const m = new Map<Table, (readonly [ColumnProperty, Column])[]>();
    for (const t of this.tables) m.set(t, []);
    for (const prop of this._column_props)
      for (const col of prop.columns) {
        const list = m.get(col.table as Table);
        if (list && !list.some(([p]) => p === prop)) list.push([prop, col]);
      }
    this.__cols_by_table = m;
    this.__cols_by_table_n = this._column_props.length;
    return m;
  }

  /**
   * The tables of this mapper and of every mapper inheriting from it, parents first: the order in
   * which a flush of the hierarchy's objects writes them.
   */
  get _sorted_tables(): Table[] {
    if (this._inheriting_mappers.length === 0) return this.tables;
    const out: Table[] = [];
    for (const m of this._self_and_descendants()) for (const t of m.tables) if (!out.includes(t)) out.push(t);
    return out;
  }

  private __pk_keys: readonly string[] | null = null;
  /** The attribute keys of the primary key columns, in `primary_key` order. */
  get _pk_keys(): readonly string[] {
    this.__pk_keys ??= this.primary_key.map((c) => this._columntoproperty.get(c)!.key);
    return this.__pk_keys;
  }

  /**
   * The identity map's short stand-in for `_identity_class` (see orm/identity.ts): a number per
   * mapper, so that a class declared again for the same table has identities of its own.
   */
  readonly _key_prefix: string;
  /** The class that identity keys name (the base mapper's class, as in SQLAlchemy). */
  readonly _identity_class: Function;
  private __compiled_cache: LRUCache<unknown, unknown> | null = null;
  /**
   * The compiled statements of this mapper's flushes (SQLAlchemy's `Mapper._compiled_cache`, 100
   * entries): the flush's INSERT / UPDATE / DELETE are cached apart from the engine's statements.
   */
  get _compiled_cache(): LRUCache<unknown, unknown> {
    this.__compiled_cache ??= new LRUCache(100);
    return this.__compiled_cache;
  }

  /** Identity map key strings of small integer ids, by id (see orm/identity.ts). */
  _small_id_keys: string[] | null = null;

  primary_key_from_instance(obj: object): unknown[] {
    const state = stateOf(obj);
    return this.primary_key.map((c) => {
      const key = this._columntoproperty.get(c)!.key;
      return key in state.dict ? state.dict[key] : NO_VALUE;
    });
  }

  _check_configure(): void {
    if (_new_mappers) configure_mappers();
  }

  toString(): string {
    return `Mapper[${this.class_name}(${this.local_table.name})]`;
  }
  __repr__(): string {
    return this.toString();
  }
  __str__(): string {
    return this.toString();
  }
}

/** Resolves every relationship of every mapper not configured yet (SQLAlchemy's configure_mappers()). */
export function configure_mappers(): void {
  if (!_new_mappers) return;
  _new_mappers = false;
  try {
    for (const m of allMappers) {
      if (m.configured) continue;
      for (const rel of m._relationships) if (rel.parent === m) rel._setup_target();
    }
    for (const m of allMappers) {
      if (m.configured) continue;
      for (const rel of [...m._relationships]) if (rel.parent === m) rel._generate_backref();
    }
    for (const m of allMappers) {
      if (m.configured) continue;
      for (const rel of m._relationships) if (rel.parent === m) rel._setup_join_and_direction();
    }
    for (const m of allMappers) {
      if (m.configured) continue;
      for (const rel of m._relationships) {
        if (rel.parent === m) rel._setup_backref();
        else m._impls.set(rel.key, rel.impl);
      }
      m._collection_impls = m._relationships.filter((r) => r.uselist).map((r) => r.impl);
      m._has_cycles = m._relationships.some((r) => r.mapper === m);
      m.configured = true;
    }
    // a hierarchy's rows are saved together: a relationship between two of its classes orders them
    for (const m of allMappers)
      if (m.inherits === null && m._inheriting_mappers.length)
        m._has_cycles = m
          ._self_and_descendants()
          .some((sub) => sub._relationships.some((r) => r.mapper.base_mapper === m));
    // relationships a mapper inherits, added to its parent after it was configured (a backref)
    for (const m of allMappers) {
      if (m.inherits === null) continue;
      let added = false;
      for (const rel of m._relationships)
        if (rel.parent !== m && rel.parent.configured && !m._impls.has(rel.key)) {
          m._impls.set(rel.key, rel.impl);
          added = true;
        }
      if (added) m._collection_impls = m._relationships.filter((r) => r.uselist).map((r) => r.impl);
    }
  } catch (err) {
    _new_mappers = true;
    throw err;
  }
}

/** A mapper that fails to configure must not stop later mappers (a cell may redefine classes). */
export function _dispose_mapper(m: Mapper): void {
  const i = allMappers.indexOf(m);
  if (i >= 0) allMappers.splice(i, 1);
}

export function _mapper_for_class(cls: unknown): Mapper | null {
  if (typeof cls !== "function") return null;
  const m = Object.hasOwn(cls, "__mapper__") ? (cls as unknown as { __mapper__: Mapper }).__mapper__ : null;
  return m instanceof Mapper ? m : null;
}

defineModule("sqlalchemy.orm.mapper", Mapper);
defineModule("sqlalchemy.orm.properties", ColumnProperty);
