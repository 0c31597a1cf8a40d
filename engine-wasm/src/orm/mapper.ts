/**
 * `sqlalchemy.orm.mapper`: Mapper — the link between a class and its Table: its properties (one
 * ColumnProperty per mapped column, one RelationshipProperty per relationship), primary key, identity
 * keys, and `configure_mappers()` (relationships are resolved lazily, once every class exists).
 */
import { ArgumentError, InvalidRequestError } from "../exc.ts";
import { ClauseElement, type ColumnElement, Null } from "../sql/elements.ts";
import type { Column, Table } from "../sql/schema.ts";
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

  /** Whether an INSERT's flush asks for the server defaults by RETURNING (Mapper._prefer_eager_defaults). */
  _prefer_eager_defaults(dialect: { insert_returning?: boolean; use_insertmanyvalues?: boolean }): boolean {
    if (this.eager_defaults !== "auto") return this.eager_defaults;
    return (
      (this.local_table as { implicit_returning?: boolean }).implicit_returning !== false &&
      this._server_default_cols.length > 0 &&
      !!dialect.insert_returning &&
      !!dialect.use_insertmanyvalues
    );
  }

  /** `__mapper_args__` of the declarative class. */
  _configure_mapper_args(args: { eager_defaults?: boolean | "auto" } | undefined): void {
    if (args?.eager_defaults !== undefined) this.eager_defaults = args.eager_defaults;
  }

  constructor(class_: Function, table: Table, class_name: string, registry: unknown) {
    this.class_ = class_;
    this.class_name = class_name;
    this.local_table = table;
    this.registry = registry;
    this.primary_key = table.primary_key.columns;
    this._identity_class = this.base_mapper.class_;
    this._key_prefix = String(mapperCount++);
    if (this.primary_key.length === 0) {
      throw new ArgumentError(
        `Mapper ${this} could not assemble any primary key columns for mapped table '${table.name}'`,
      );
    }
    allMappers.push(this);
    _mapped_tables.add(table);
    _new_mappers = true;
  }

  get persist_selectable(): Table {
    return this.local_table;
  }
  get mapped_table(): Table {
    return this.local_table;
  }
  get base_mapper(): Mapper {
    return this;
  }
  get entity(): Function {
    return this.class_;
  }
  get mapper(): Mapper {
    return this;
  }
  get tables(): Table[] {
    return [this.local_table];
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

  get_property(key: string): ColumnProperty | RelationshipProperty {
    const p = this._props.get(key);
    if (!p) throw new InvalidRequestError(`Mapper '${this}' has no property '${key}'.`);
    return p;
  }

  _add_column_property(key: string, column: Column, options: ColumnPropertyOptions = {}): ColumnProperty {
    const prop = new ColumnProperty(key, column, options);
    prop.parent = this;
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
      for (const rel of m._relationships) rel._setup_target();
    }
    for (const m of allMappers) {
      if (m.configured) continue;
      for (const rel of [...m._relationships]) rel._generate_backref();
    }
    for (const m of allMappers) {
      if (m.configured) continue;
      for (const rel of m._relationships) rel._setup_join_and_direction();
    }
    for (const m of allMappers) {
      if (m.configured) continue;
      for (const rel of m._relationships) rel._setup_backref();
      m._collection_impls = m._relationships.filter((r) => r.uselist).map((r) => r.impl);
      m._has_cycles = m._relationships.some((r) => r.mapper === m);
      m.configured = true;
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
