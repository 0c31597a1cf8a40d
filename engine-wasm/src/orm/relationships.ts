/**
 * `sqlalchemy.orm.relationships`: RelationshipProperty — `relationship(() => Address, {...})`.
 * Resolves its target class when mappers are configured, works out the join condition and the
 * direction (one-to-many / many-to-one) from the tables' foreign keys, pairs the columns whose values
 * the flush copies from parent to child (synchronize pairs), and links back_populates sides.
 */
import { AmbiguousForeignKeysError, ArgumentError, InvalidRequestError, NoForeignKeysError } from "../exc.ts";
import { and_, BindParameter, type ClauseElement, type ColumnElement, or_ } from "../sql/elements.ts";
import type { Column, ForeignKey, Table } from "../sql/schema.ts";
import { defineModule } from "../util/repr.ts";
import {
  AttributeDispatch,
  backref_listeners,
  CollectionAttributeImpl,
  type RelationshipAttributeImpl,
  ScalarObjectAttributeImpl,
  stateOf,
} from "./attributes.ts";
import { className } from "./base.ts";
import { _mapper_for_class, type Mapper } from "./mapper.ts";
import { track_cascade_events } from "./unitofwork.ts";

export type LazyStrategy =
  | "select"
  | "selectin"
  | "joined"
  | "subquery"
  | "raise"
  | "raise_on_sql"
  | "noload"
  | "immediate"
  | "dynamic"
  | "write_only"
  | boolean;

export interface RelationshipOptions {
  back_populates?: string;
  /** The name of the relationship to create on the target class (or `backref(name, {...})`). */
  backref?: string | BackrefSpec;
  lazy?: LazyStrategy;
  cascade?: string;
  uselist?: boolean;
  order_by?: unknown;
  secondary?: unknown;
  foreign_keys?: unknown;
  remote_side?: unknown;
  primaryjoin?: unknown;
  viewonly?: boolean;
  /** Leave unloaded children to the database's ON DELETE (true), or all children ("all"). */
  passive_deletes?: boolean | "all";
  single_parent?: boolean;
  innerjoin?: boolean;
  post_update?: boolean;
  cascade_backrefs?: boolean;
  info?: Record<string, unknown>;
  doc?: string;
}

/** `backref("user", { lazy: "joined" })`: a backref's name and the options of the relationship it creates. */
export type BackrefSpec = readonly [string, RelationshipOptions];

/** `sqlalchemy.orm.backref(name, **kwargs)`. */
export function backref(name: string, kwargs: RelationshipOptions = {}): BackrefSpec {
  return [name, kwargs];
}

const ALL_CASCADES = ["save-update", "merge", "refresh-expire", "expunge", "delete"];
const KNOWN_CASCADES = new Set([...ALL_CASCADES, "delete-orphan", "all", "none"]);

/** A relationship's cascade options (SQLAlchemy's `CascadeOptions`, a frozenset that prints sorted). */
export class CascadeOptions extends Set<string> {
  __repr__(): string {
    return `CascadeOptions('${[...this].sort().join(",")}')`;
  }
  __str__(): string {
    return this.__repr__();
  }
}

export function parseCascade(text: string | undefined): Set<string> {
  const out = new CascadeOptions();
  const parts = (text ?? "save-update, merge")
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean);
  for (const p of parts) {
    if (!KNOWN_CASCADES.has(p)) {
      throw new ArgumentError(
        `Invalid cascade option(s): ${JSON.stringify(p).replace(/"/g, "'")}; valid options are ${[
          ...KNOWN_CASCADES,
        ]
          .sort()
          .map((c) => `'${c}'`)
          .join(", ")}`,
      );
    }
    if (p === "all") for (const c of ALL_CASCADES) out.add(c);
    else if (p !== "none") out.add(p);
  }
  return out;
}

export type Direction = "ONETOMANY" | "MANYTOONE" | "MANYTOMANY";

export class RelationshipProperty {
  readonly key: string;
  readonly argument: unknown;
  readonly options: RelationshipOptions;
  parent!: Mapper;
  /** The target mapper (after configure). */
  mapper!: Mapper;
  direction!: Direction;
  uselist!: boolean;
  /** [column on the "one" side, foreign key column on the "many" side] pairs. */
  synchronize_pairs: [Column, Column][] = [];
  /** Many-to-many: the association table (`secondary=`), and its [target column, secondary column] pairs. */
  secondary: Table | null = null;
  secondary_synchronize_pairs: [Column, Column][] = [];
  readonly cascade: Set<string>;
  readonly lazy: LazyStrategy;
  back_populates: string | null;
  /** The attribute's event listeners (AttributeEvents on `User.addresses`). */
  readonly dispatch = new AttributeDispatch();
  private _impl: RelationshipAttributeImpl | null = null;

  constructor(key: string, argument: unknown, options: RelationshipOptions) {
    this.key = key;
    this.argument = argument;
    this.options = options;
    this.cascade = parseCascade(options.cascade);
    if (this.cascade.has("delete-orphan") && !this.cascade.has("delete")) {
      // SQLAlchemy accepts delete-orphan alone; it implies nothing else
    }
    this.lazy = options.lazy ?? "select";
    this.back_populates = options.back_populates ?? null;
  }

  get _save_update(): boolean {
    return this.cascade.has("save-update");
  }
  get _delete(): boolean {
    return this.cascade.has("delete");
  }
  get _delete_orphan(): boolean {
    return this.cascade.has("delete-orphan");
  }
  get viewonly(): boolean {
    return !!this.options.viewonly;
  }
  get entity(): Mapper {
    this.parent._check_configure();
    return this.mapper;
  }
  get target(): Table {
    return this.entity.local_table;
  }
  get class_attribute(): unknown {
    return (this.parent.class_ as unknown as Record<string, unknown>)[this.key];
  }

  /** The attribute behaviour (one-to-many list or scalar reference), once mappers are configured. */
  get impl(): RelationshipAttributeImpl {
    if (!this._impl) {
      this.parent._check_configure();
      if (!this._impl) throw new InvalidRequestError(`relationship ${this} is not configured`);
    }
    return this._impl;
  }

  toString(): string {
    return `${this.parent ? className(this.parent.class_) : "?"}.${this.key}`;
  }
  __repr__(): string {
    return `<_RelationshipDeclared at 0x7f3a5e0001c0; ${this.key}>`;
  }

  /* ------------------------------------------------------------------ configure -- */

  _setup_target(): void {
    let target = this.argument;
    const registry = this.parent.registry as { _class_registry: Map<string, Function> };
    const resolveName = (name: string): Function => {
      const cls = registry._class_registry.get(name);
      if (!cls) {
        throw new InvalidRequestError(
          `When initializing mapper ${this.parent}, expression '${name}' failed to locate a name ('${name}'). If this is a class name, consider adding this relationship() to the <class '__main__.${className(this.parent.class_)}'> class after both dependent classes have been defined.`,
        );
      }
      return cls;
    };
    if (typeof target === "string") target = resolveName(target);
    else if (
      typeof target === "function" &&
      !_mapper_for_class(target) &&
      !/^class\s/.test(Function.prototype.toString.call(target))
    ) {
      try {
        target = (target as () => unknown)();
      } catch (err) {
        if (err instanceof ReferenceError) {
          throw new InvalidRequestError(
            `When initializing mapper ${this.parent}, the target of relationship '${this.key}' could not be resolved: ${err.message}. Define the target class before using the mapped classes.`,
          );
        }
        throw err;
      }
      if (typeof target === "string") target = resolveName(target);
    }
    const m = _mapper_for_class(target);
    if (!m) {
      throw new ArgumentError(
        `relationship '${this.key}' expects a class or a mapper argument (received: ${typeof target === "function" ? `<class '${(target as Function).name}'>` : String(target)})`,
      );
    }
    this.mapper = m;
  }

  private _columns_of(spec: unknown): Column[] {
    // a list, one column, or a function returning either (the classes may not exist yet)
    if (spec === undefined || spec === null) return [];
    if (typeof spec === "function" && !("__clause_element__" in spec)) spec = (spec as () => unknown)();
    const list = Array.isArray(spec) ? spec : [spec];
    return list.map((c) => {
      const ce = (c as { __clause_element__?: () => Column }).__clause_element__;
      return (typeof ce === "function" ? ce.call(c) : c) as Column;
    });
  }

  /** `secondary=`: a Table, its name in the parent's MetaData, or a function returning either. */
  private _resolve_secondary(): Table {
    let sec = this.options.secondary;
    if (typeof sec === "function" && !("c" in sec)) sec = (sec as () => unknown)();
    if (typeof sec === "string") {
      const md = (this.parent.registry as { metadata: { tables: Map<string, Table> } }).metadata;
      const found = md.tables.get(sec);
      if (!found)
        throw new InvalidRequestError(
          `When initializing mapper ${this.parent}, expression '${sec}' failed to locate a name ('${sec}').`,
        );
      sec = found;
    }
    return sec as Table;
  }

  /** Many-to-many: the secondary table's foreign keys to the parent and to the target. */
  private _setup_secondary(): void {
    const sec = this._resolve_secondary();
    this.secondary = sec;
    const pairsTo = (table: Table): [Column, Column][] =>
      [...sec.foreign_keys]
        .filter((fk) => fk.parent && fk._resolve_column(false)?.table === table)
        .map((fk) => [fk._resolve_column(false)!, fk.parent!]);
    this.synchronize_pairs = pairsTo(this.parent.local_table);
    this.secondary_synchronize_pairs = pairsTo(this.mapper.local_table);
    if (!this.synchronize_pairs.length || !this.secondary_synchronize_pairs.length) {
      throw new NoForeignKeysError(
        `Could not determine join condition between parent/child tables on relationship ${this} - there are no foreign keys linking these tables via secondary table '${sec.name}'.  Ensure that referencing columns are associated with a ForeignKey or ForeignKeyConstraint, or specify 'primaryjoin' and 'secondaryjoin' expressions.`,
      );
    }
    this.direction = "MANYTOMANY";
    this.uselist = this.options.uselist ?? true;
    const impl = this.uselist
      ? new CollectionAttributeImpl(this.parent, this.key, this, this.dispatch)
      : new ScalarObjectAttributeImpl(this.parent, this.key, this, this.dispatch);
    this._impl = impl;
    this.parent._impls.set(this.key, impl);
    track_cascade_events(impl, this);
    if (this.back_populates && !this.viewonly) backref_listeners(impl, this.back_populates, this.uselist);
  }

  _setup_join_and_direction(): void {
    if (this.options.secondary !== undefined && this.options.secondary !== null) {
      this._setup_secondary();
      return;
    }
    const parentTable = this.parent.local_table;
    const targetTable = this.mapper.local_table;
    const restrict = this._columns_of(this.options.foreign_keys);
    const fksFrom = (from: Table, to: Table): ForeignKey[] =>
      [...from.foreign_keys].filter(
        (fk) =>
          fk.parent &&
          fk._resolve_column(false)?.table === to &&
          (restrict.length === 0 || restrict.includes(fk.parent)),
      );
    const noFks = () =>
      new NoForeignKeysError(
        `Could not determine join condition between parent/child tables on relationship ${this} - there are no foreign keys linking these tables.  Ensure that referencing columns are associated with a ForeignKey or ForeignKeyConstraint, or specify a 'primaryjoin' expression.`,
      );
    const ambiguous = () =>
      new AmbiguousForeignKeysError(
        `Could not determine join condition between parent/child tables on relationship ${this} - there are multiple foreign key paths linking the tables.  Specify the 'foreign_keys' argument, providing a list of those columns which should be counted as containing a foreign key reference to the parent table.`,
      );
    let fks: ForeignKey[];
    if (parentTable === targetTable) {
      fks = fksFrom(parentTable, parentTable);
      if (!fks.length) throw noFks();
      const remote = this._columns_of(this.options.remote_side);
      const pointsToRemote =
        remote.length > 0 && fks.every((fk) => remote.includes(fk._resolve_column(false)!));
      this.direction = pointsToRemote ? "MANYTOONE" : "ONETOMANY";
    } else {
      const toParent = fksFrom(targetTable, parentTable);
      const toTarget = fksFrom(parentTable, targetTable);
      if (toParent.length && toTarget.length) throw ambiguous();
      if (!toParent.length && !toTarget.length) throw noFks();
      this.direction = toParent.length ? "ONETOMANY" : "MANYTOONE";
      fks = toParent.length ? toParent : toTarget;
    }
    if (fks.length > 1 && new Set(fks.map((fk) => fk._resolve_column(false)!.table)).size === 1) {
      const referenced = new Set(fks.map((fk) => fk._resolve_column(false)));
      if (referenced.size < fks.length) throw ambiguous();
    }
    this.synchronize_pairs = fks.map((fk) => [fk._resolve_column(false)!, fk.parent!]);
    this.uselist = this.options.uselist ?? this.direction === "ONETOMANY";
    const impl = this.uselist
      ? new CollectionAttributeImpl(this.parent, this.key, this, this.dispatch)
      : new ScalarObjectAttributeImpl(this.parent, this.key, this, this.dispatch);
    this._impl = impl;
    this.parent._impls.set(this.key, impl);
    // listeners after the ones the application registered before configuration (strategies.py's
    // _register_attribute): the save-update cascade, then the backref
    track_cascade_events(impl, this);
    if (this.back_populates && !this.viewonly) backref_listeners(impl, this.back_populates, this.uselist);
  }

  /**
   * `relationship(..., backref="user")`: creates the reverse relationship on the target class, each
   * side the other's back_populates (RelationshipProperty._generate_backref).
   */
  _generate_backref(): RelationshipProperty | null {
    const spec = this.options.backref;
    if (spec === undefined || this.back_populates) return null;
    const [backref_key, kwargs] = typeof spec === "string" ? [spec, {}] : spec;
    if (this.mapper._props.has(backref_key)) {
      throw new ArgumentError(
        `Error creating backref '${backref_key}' on relationship '${this}': property of that name exists on mapper '${this.mapper}'`,
      );
    }
    const parent = this.parent.class_;
    const prop = new RelationshipProperty(backref_key, parent, {
      foreign_keys: this.options.foreign_keys,
      remote_side: this.options.remote_side,
      post_update: this.options.post_update,
      viewonly: this.options.viewonly,
      ...kwargs,
      back_populates: this.key,
    });
    this.back_populates = backref_key;
    this.mapper._add_relationship(prop);
    prop._setup_target();
    return prop;
  }

  _setup_backref(): void {
    if (!this.back_populates) return;
    const other = this.mapper._props.get(this.back_populates);
    if (!(other instanceof RelationshipProperty)) {
      throw new InvalidRequestError(
        `Mapper '${this.mapper}' has no property '${this.back_populates}'.  If this property was indicated from other mappers or configure events, ensure registry.configure() has been called.`,
      );
    }
    this.impl.backref = other.impl;
  }

  /* ------------------------------------------------------------------ SQL -- */

  /**
   * The relationship's `order_by`, resolved: a column, a list, a function returning either, or a
   * string evaluated against the registry's classes (`"Address.id"`, `"Address.id, Address.email"`).
   */
  get order_by(): unknown[] {
    const ob = this.options.order_by;
    if (ob === undefined || ob === null || ob === false) return [];
    const resolve = (o: unknown): unknown[] => {
      if (typeof o === "string") return o.split(",").map((part) => this._resolve_name_expr(part.trim()));
      if (typeof o === "function" && !("__clause_element__" in o) && !_mapper_for_class(o))
        return resolve((o as () => unknown)());
      if (Array.isArray(o)) return o.flatMap(resolve);
      return [o];
    };
    return resolve(ob);
  }

  /** `"Address.id"` → the class attribute (declarative's string arguments to relationship()). */
  private _resolve_name_expr(text: string): unknown {
    const registry = this.parent.registry as { _class_registry: Map<string, Function> };
    const [clsName, ...attrs] = text.split(".");
    const cls = registry._class_registry.get(clsName!);
    if (!cls) {
      throw new InvalidRequestError(
        `When initializing mapper ${this.parent}, expression '${text}' failed to locate a name ('${clsName}'). If this is a class name, consider adding this relationship() to the <class '__main__.${className(this.parent.class_)}'> class after both dependent classes have been defined.`,
      );
    }
    let v: unknown = cls;
    for (const a of attrs) v = (v as Record<string, unknown>)[a];
    return v;
  }

  /** `user_account.id = address.user_id`. */
  get primaryjoin(): ColumnElement {
    this.parent._check_configure();
    if (this.secondary) {
      return and_(
        ...this.synchronize_pairs.map(([one, many]) => one.eq(many)),
        ...this.secondary_synchronize_pairs.map(([one, many]) => one.eq(many)),
      );
    }
    return and_(...this.synchronize_pairs.map(([one, many]) => one.eq(many)));
  }

  _clause_element(): ClauseElement {
    return this.target;
  }

  /**
   * `Address.user == some_user` → `:param_1 = address.user_id` (the lazy clause with the object's
   * values bound, Comparator._optimized_compare); `Address.user != some_user` →
   * `address.user_id != :user_id_1 OR address.user_id IS NULL`; `User.addresses.contains(a)` →
   * `user_account.id = :param_1`; `Address.user == None` → `address.user_id IS NULL`.
   */
  _compare(op: string, other?: unknown): ClauseElement | null {
    this.parent._check_configure();
    if ((op === "eq" || op === "ne") && !this.uselist) {
      const target = other ? stateOf(other as object) : null;
      const crit = this.synchronize_pairs.map(([one, many]) => {
        if (!target) return op === "eq" ? many.eq(null) : many.ne(null);
        const value = target.dict[this.mapper._columntoproperty.get(one)!.key];
        if (op === "eq") return this._lazy_bind(one, value).eq(many);
        return or_(many.ne(value), many.eq(null));
      });
      return and_(...crit);
    }
    if (op === "contains" && this.uselist) {
      const target = stateOf(other as object);
      return and_(
        ...this.synchronize_pairs.map(([one, many]) =>
          one.eq(this._lazy_bind(many, target.dict[this.mapper._columntoproperty.get(many)!.key])),
        ),
      );
    }
    return null;
  }

  /** `User.addresses.any(criterion)`: EXISTS (SELECT 1 FROM address WHERE join AND criterion). */
  _any(criterion?: unknown): ClauseElement {
    const { exists } = relationshipHooks;
    const crit = criterion === undefined ? this.primaryjoin : and_(this.primaryjoin, criterion);
    return exists!(this.target, crit);
  }

  /**
   * `with_parent(user, User.addresses)`: the criteria `user.addresses` loads with, the parent's values
   * bound (`:param_1 = address.user_id`; many-to-one: `user_account.id = :param_1`).
   */
  _with_parent(instance: object): ClauseElement {
    this.parent._check_configure();
    const state = stateOf(instance);
    const parentValue = (col: Column) => {
      const p = this.parent._columntoproperty.get(col)!;
      return p.key in state.dict ? state.dict[p.key] : (p.impl as { get(s: unknown): unknown }).get(state);
    };
    if (this.direction === "MANYTOONE")
      return and_(
        ...this.synchronize_pairs.map(([one, many]) => one.eq(this._lazy_bind(many, parentValue(many)))),
      );
    return and_(
      ...this.synchronize_pairs.map(([one, many]) => this._lazy_bind(one, parentValue(one)).eq(many)),
      ...this.secondary_synchronize_pairs.map(([one, many]) => one.eq(many)),
    );
  }

  /** The value of the parent's columns that the lazy clause binds (one-to-many) … */
  _lazy_bind(column: Column, value: unknown): BindParameter {
    return new BindParameter(null, value, { type_: column.type, unique: true });
  }
}

/** Filled by context.ts (avoids an import cycle with sql/selectable). */
export const relationshipHooks: { exists?: (table: Table, crit: ClauseElement) => ClauseElement } = {};

defineModule("sqlalchemy.orm.relationships", RelationshipProperty);

defineModule("sqlalchemy.orm.util", CascadeOptions);
