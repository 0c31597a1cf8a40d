/**
 * `sqlalchemy.orm.decl_api` / `decl_base`: declarative mapping.
 *
 *     class Base extends DeclarativeBase {}
 *     class User extends Base {
 *       static __tablename__ = "user_account";
 *       @mapped_column({ primary_key: true }) accessor id!: number;
 *       @mapped_column(String(30)) accessor name!: string;
 *       @relationship(() => Address, { back_populates: "user" }) accessor addresses!: Address[];
 *     }
 *
 * `mapped_column` and `relationship` are standard (TC39) accessor decorators. They leave a marker on
 * the accessor. The cell compiler gives each class its annotations (`static __annotations__`, the
 * accessors' TypeScript types as text) and calls `__init_subclass__` once the class body has run,
 * as Python does: that maps the class (SQLAlchemy's `DeclarativeBase.__init_subclass__`), with each
 * column's type and NULL / NOT NULL read from its annotation as `Mapped[...]` is (annotations.ts:
 * `string | null` is `Mapped[Optional[str]]`), and raises the class-creation errors.
 * Code compiled without that step maps the class when `static __tablename__ = …` is assigned (an
 * inherited static setter), its columns NOT NULL unless they say `{ nullable: true }`, a primary key
 * with no type an Integer. A ForeignKey column with no type takes the type of the column it
 * references.
 */
// biome-ignore-all lint/complexity/noThisInStatic: static setters act on the subclass being mapped (`this`), not on DeclarativeBase
import { ArgumentError, InvalidRequestError } from "../exc.ts";
import { coerce, null_ } from "../sql/elements.ts";
import { Column, ForeignKey, MetaData, Table } from "../sql/schema.ts";
import { Integer, NULLTYPE, TypeEngine } from "../sql/sqltypes.ts";
import { defineModule, repr, str } from "../util/repr.ts";
import { type MappedAnnotation, parse_annotation, type_for_annotation } from "./annotations.ts";
import { className, objectAddress, STATE_ATTR } from "./base.ts";
import { _dispose_mapper, configure_mappers, Mapper } from "./mapper.ts";
import { type RelationshipOptions, RelationshipProperty } from "./relationships.ts";
import { InstanceState } from "./state.ts";

/* ------------------------------------------------------------------------------------------------
 * Mapped[...] typing helpers
 * ---------------------------------------------------------------------------------------------- */

/** Python's `Mapped[T]`: in TypeScript the accessor's own type says it (`accessor name!: string`). */
export type Mapped<T> = T;
/** Python's `WriteOnlyMapped[T]` / `DynamicMapped[T]` (not supported as loaders; typing only). */
export type MappedColumn<T> = T;

/* ------------------------------------------------------------------------------------------------
 * decorators
 * ---------------------------------------------------------------------------------------------- */

export interface MappedColumnOptions {
  primary_key?: boolean;
  nullable?: boolean;
  unique?: boolean;
  index?: boolean;
  default?: unknown;
  insert_default?: unknown;
  server_default?: unknown;
  onupdate?: unknown;
  autoincrement?: boolean | "auto";
  name?: string;
  comment?: string;
  info?: Record<string, unknown>;
  doc?: string;
  init?: boolean;
  repr?: boolean;
  sort_order?: number;
  /** Leave the column out of its entity's SELECT; it loads when first read. */
  deferred?: boolean;
  /** Deferred columns of one group load together (implies `deferred`). */
  deferred_group?: string;
  /** Reading the deferred column raises instead of loading it (implies `deferred`). */
  deferred_raiseload?: boolean;
}

interface ColumnSpec {
  kind: "column";
  name: string | null;
  type_: unknown;
  foreign_keys: ForeignKey[];
  options: MappedColumnOptions;
}
interface RelationshipSpec {
  kind: "relationship";
  argument: unknown;
  options: RelationshipOptions;
}
interface ExpressionSpec {
  kind: "expression";
  default_expr: unknown;
}
type Spec = ColumnSpec | RelationshipSpec | ExpressionSpec;

/** The marker that a decorated accessor leaves: the accessor's getter → its spec. */
const specs = new WeakMap<Function, Spec>();

/** A standard accessor decorator (`@mapped_column(...) accessor name!: string;`). */
export type AccessorDecorator = <This, V>(
  value: ClassAccessorDecoratorTarget<This, V>,
  context: ClassAccessorDecoratorContext<This, V>,
) => ClassAccessorDecoratorResult<This, V>;

function accessorDecorator(spec: Spec, what: string): AccessorDecorator {
  return (<This, V>(_value: unknown, ctx: ClassAccessorDecoratorContext<This, V>) => {
    const context = ctx as unknown as
      | { kind: string; name: string | symbol; static?: boolean; private?: boolean }
      | undefined;
    if (!context || context.kind !== "accessor" || context.static || context.private) {
      throw new ArgumentError(
        `${what}() decorates an instance 'accessor' field: write '@${what}(...) accessor name!: type;' (got a ${context?.static ? "static " : ""}${context?.kind ?? "call outside a class"})`,
      );
    }
    const key = String(context.name);
    function get(this: unknown): unknown {
      const state = (this as { [STATE_ATTR]?: InstanceState })[STATE_ATTR];
      const impl = state?.mapper._impls.get(key);
      if (!state || !impl)
        throw new InvalidRequestError(`Class '${(this as object).constructor.name}' is not mapped`);
      return impl.get(state);
    }
    function set(this: unknown, v: unknown): void {
      const state = (this as { [STATE_ATTR]?: InstanceState })[STATE_ATTR];
      const impl = state?.mapper._impls.get(key);
      if (!state || !impl)
        throw new InvalidRequestError(`Class '${(this as object).constructor.name}' is not mapped`);
      impl.set(state, v, null);
    }
    specs.set(get, spec);
    // no `init`: the accessor's own storage is never read (the mapper instruments the attribute)
    return { get, set } as unknown as ClassAccessorDecoratorResult<This, V>;
  }) as AccessorDecorator;
}

/**
 * `mapped_column(name?, type?, *ForeignKey, { primary_key, nullable, unique, index, default, … })`,
 * used as an accessor decorator.
 */
export function mapped_column(...args: unknown[]): AccessorDecorator {
  const spec: ColumnSpec = { kind: "column", name: null, type_: undefined, foreign_keys: [], options: {} };
  args.forEach((a, i) => {
    if (typeof a === "string" && i === 0) spec.name = a;
    else if (a instanceof ForeignKey) spec.foreign_keys.push(a);
    else if (a instanceof TypeEngine || typeof a === "function") spec.type_ = a;
    else if (a !== null && typeof a === "object" && Object.getPrototypeOf(a) === Object.prototype) {
      spec.options = a as MappedColumnOptions;
    } else {
      throw new ArgumentError(`mapped_column(): unexpected argument ${String(a)}`);
    }
  });
  return accessorDecorator(spec, "mapped_column");
}

/**
 * `deferred(Text, { group, raiseload })`: a mapped column left out of its entity's SELECT and loaded
 * when first read (SQLAlchemy's `deferred(Column(...))`); the arguments are mapped_column()'s.
 */
export function deferred(...args: unknown[]): AccessorDecorator {
  const last = args[args.length - 1];
  const given =
    last !== null && typeof last === "object" && Object.getPrototypeOf(last) === Object.prototype
      ? (args.pop() as MappedColumnOptions & { group?: string; raiseload?: boolean })
      : {};
  const { group, raiseload, ...rest } = given;
  return mapped_column(...args, {
    ...rest,
    deferred: true,
    ...(group !== undefined ? { deferred_group: group } : {}),
    ...(raiseload !== undefined ? { deferred_raiseload: raiseload } : {}),
  });
}

/**
 * `query_expression(default_expr = null())`: an attribute that a query fills from a SQL expression
 * of its own with `with_expression(User.attr, expr)`; else it holds the default (NULL: null).
 */
export function query_expression(default_expr: unknown = null_()): AccessorDecorator {
  return accessorDecorator({ kind: "expression", default_expr }, "query_expression");
}

/** `relationship(() => Address, { back_populates, lazy, cascade, uselist, order_by, … })`. */
export function relationship(argument: unknown, options: RelationshipOptions = {}): AccessorDecorator {
  if (argument === undefined) {
    throw new ArgumentError("relationship() needs its target: relationship(() => Address, { ... })");
  }
  return accessorDecorator({ kind: "relationship", argument, options }, "relationship");
}

/* ------------------------------------------------------------------------------------------------
 * registry and DeclarativeBase
 * ---------------------------------------------------------------------------------------------- */

export class registry {
  readonly metadata: MetaData;
  readonly _class_registry = new Map<string, Function>();
  readonly mappers = new Set<Mapper>();
  constructor(options: { metadata?: MetaData } = {}) {
    this.metadata = options.metadata ?? new MetaData();
  }
  configure(): void {
    configure_mappers();
  }
  dispose(): void {
    for (const m of this.mappers) _dispose_mapper(m);
    this.mappers.clear();
    this._class_registry.clear();
  }
  __repr__(): string {
    return `<sqlalchemy.orm.decl_api.registry object at 0x${objectAddress(this)}>`;
  }
}

/** Classes that are not the declarative base themselves (mixins such as AsyncAttrs). */
const NOT_A_BASE = Symbol.for("sqlalchemy.orm.not_a_base");

/** The declarative base of `cls`: the class right below DeclarativeBase (mixins skipped). */
function declarativeBaseOf(cls: Function): Function {
  let base: Function | null = null;
  for (let c: Function | null = cls; c && c !== DeclarativeBase; c = Object.getPrototypeOf(c)) {
    if (!Object.hasOwn(c, NOT_A_BASE)) base = c;
  }
  if (!base)
    throw new InvalidRequestError(
      "DeclarativeBase itself cannot be mapped; subclass it: class Base extends DeclarativeBase {}",
    );
  return base;
}

function registryOf(cls: Function): registry {
  const base = declarativeBaseOf(cls) as unknown as { _sa_registry?: registry };
  if (!Object.hasOwn(base, "_sa_registry")) {
    const ownMetadata = Object.hasOwn(base, "_sa_metadata")
      ? (base as { _sa_metadata?: MetaData })._sa_metadata
      : undefined;
    Object.defineProperty(base, "_sa_registry", {
      value: new registry({ metadata: ownMetadata }),
      enumerable: false,
    });
  }
  return base._sa_registry!;
}

/** The class the DeclarativeBase constructor last built an object of, and its mapper (objects come in runs). */
const lastConstructed: { cls: Function | null; mapper: Mapper | null } = { cls: null, mapper: null };

/** Marks a mixin class factory's class so that it is not taken for the declarative base. */
export function _declarative_mixin<T extends Function>(cls: T): T {
  Object.defineProperty(cls, NOT_A_BASE, { value: true, enumerable: false });
  return cls;
}

export class DeclarativeBase {
  /** `Base.metadata`: the MetaData every mapped class of this base puts its Table in. */
  static get metadata(): MetaData {
    return registryOf(this).metadata;
  }
  static set metadata(md: MetaData) {
    Object.defineProperty(this, "_sa_metadata", { value: md, enumerable: false, configurable: true });
  }
  static get registry(): registry {
    return registryOf(this);
  }
  /** Python's `type(obj).__name__`: the class's name even when a mapped attribute is called `name`. */
  static get __name__(): string {
    return className(this);
  }

  /**
   * `static __tablename__ = "users"`. Maps the class at once unless the cell compiler gave it its
   * annotations: then `__init_subclass__`, at the end of the class body, maps it.
   */
  static set __tablename__(name: string) {
    Object.defineProperty(this, "__tablename__", {
      value: name,
      writable: true,
      configurable: true,
      enumerable: false,
    });
    if (!Object.hasOwn(this, "__annotations__")) _as_declarative(this);
  }
  static get __tablename__(): string | undefined {
    return undefined;
  }
  /** `static __table_args__ = [UniqueConstraint(...), { schema: ... }]` (after `__tablename__` is fine too). */
  static set __table_args__(args: unknown) {
    Object.defineProperty(this, "__table_args__", {
      value: args,
      writable: true,
      configurable: true,
      enumerable: false,
    });
    const table = Object.hasOwn(this, "__table__")
      ? (this as unknown as { __table__: Table }).__table__
      : null;
    if (table) _apply_table_args(table, args);
  }
  static get __table_args__(): unknown {
    return undefined;
  }
  /** `static __mapper_args__ = { eager_defaults: true }` (before or after `__tablename__`). */
  static set __mapper_args__(args: Record<string, unknown>) {
    Object.defineProperty(this, "__mapper_args__", {
      value: args,
      writable: true,
      configurable: true,
      enumerable: false,
    });
    if (Object.hasOwn(this, "__mapper__"))
      (this as unknown as { __mapper__: Mapper }).__mapper__._configure_mapper_args(args);
    else if (
      !Object.hasOwn(this, "__annotations__") &&
      !Object.hasOwn(this, "__tablename__") &&
      !Object.hasOwn(this, "__table__") &&
      inheritedClass(this)
    )
      // a single-table subclass (no table of its own) compiled without the class step
      _as_declarative(this);
  }
  static get __mapper_args__(): Record<string, unknown> | undefined {
    return undefined;
  }
  /** Imperative table: `static __table__ = new Table(...)`. */
  static set __table__(table: Table) {
    Object.defineProperty(this, "__table__", {
      value: table,
      writable: true,
      configurable: true,
      enumerable: false,
    });
    if (!Object.hasOwn(this, "__annotations__")) _as_declarative(this, table);
  }
  /**
   * Python calls this on the base once a subclass's body has run (the cell compiler adds the call):
   * the declarative base itself is set up, an `__abstract__` class is left unmapped, any other
   * class is mapped — or SQLAlchemy's error is raised, at class creation.
   */
  static __init_subclass__(): void {
    const cls = this as Function;
    if (Object.hasOwn(cls, "__mapper__") || declarativeBaseOf(cls) === cls) return;
    if (Object.hasOwn(cls, "__abstract__") && (cls as { __abstract__?: unknown }).__abstract__) return;
    if (Object.hasOwn(cls, "__table__")) {
      _as_declarative(cls, (cls as unknown as { __table__: Table }).__table__);
      return;
    }
    if (!Object.hasOwn(cls, "__tablename__") && !inheritedClass(cls)) {
      throw new InvalidRequestError(
        `Class ${repr(cls)} does not have a __table__ or __tablename__ specified and does not inherit from an existing table-mapped class.`,
      );
    }
    _as_declarative(cls);
  }
  static get __table__(): Table | undefined {
    return undefined;
  }
  static get __mapper__(): Mapper | undefined {
    return undefined;
  }

  /**
   * Python's `obj.__dict__`: the loaded attribute values, which is `inspect(obj).dict`. As in Python
   * it also holds the instance state under `_sa_instance_state` (a key that is not enumerated, so
   * that the values read as the attributes alone).
   */
  get __dict__(): Record<string, unknown> {
    const state = (this as { [STATE_ATTR]?: InstanceState })[STATE_ATTR]!;
    const d = state.dict;
    if (!Object.hasOwn(d, "_sa_instance_state"))
      Object.defineProperty(d, "_sa_instance_state", { value: state, enumerable: false, configurable: true });
    return d;
  }

  /** `User({ name: "x" })`: keyword arguments set mapped attributes (SQLAlchemy's default constructor). */
  constructor(kwargs?: Record<string, unknown>) {
    const cls = new.target as Function;
    let mapper: Mapper | null;
    if (cls === lastConstructed.cls) mapper = lastConstructed.mapper;
    else {
      mapper = Object.hasOwn(cls, "__mapper__")
        ? (cls as unknown as { __mapper__: Mapper }).__mapper__
        : null;
      if (mapper) {
        lastConstructed.cls = cls;
        lastConstructed.mapper = mapper;
      }
    }
    if (!mapper) {
      throw new InvalidRequestError(
        `Class '${cls.name}' is not mapped; give it a table name: static __tablename__ = "${cls.name.toLowerCase()}";`,
      );
    }
    mapper._check_configure();
    const state = new InstanceState(this, mapper);
    (this as { [STATE_ATTR]?: InstanceState })[STATE_ATTR] = state;
    // the discriminator of a polymorphic class, as SQLAlchemy's init event sets it
    if (mapper.polymorphic_map !== null) mapper._set_polymorphic_identity(state);
    if (kwargs !== undefined && kwargs !== null) {
      if (typeof kwargs !== "object") {
        throw new TypeError(
          `${className(cls)}() takes keyword arguments only: new ${className(cls)}({ name: ... })`,
        );
      }
      for (const k of Object.keys(kwargs)) {
        const value = (kwargs as Record<string, unknown>)[k];
        // a mapped attribute: what its instrumented setter does, without the keyed store through
        // the prototype's accessor (a slow path in V8 when the key varies)
        const impl = mapper._impls.get(k);
        if (impl !== undefined) impl.set(state, value, null);
        else if (k in this) (this as Record<string, unknown>)[k] = value;
        else throw new TypeError(`'${k}' is an invalid keyword argument for ${className(cls)}`);
      }
    }
  }

  /** SQLAlchemy's `instance._sa_instance_state` (what `inspect(obj)` returns). */
  get _sa_instance_state(): InstanceState | undefined {
    return (this as { [STATE_ATTR]?: InstanceState })[STATE_ATTR];
  }

  /** Python's default object repr, `<__main__.User object at 0x7f…>`, unless the class defines `__repr__`. */
  __repr__(): string {
    return `<__main__.${className(this.constructor)} object at 0x${objectAddress(this)}>`;
  }

  /** Python's `str(obj)` (what an f-string shows): `__str__` if the class defines it, else `__repr__`. */
  toString(): string {
    return str(this);
  }
}
_declarative_mixin(DeclarativeBase);

/** Python's `declarative_base()`: a new base class. */
export function declarative_base(options: { metadata?: MetaData } = {}): typeof DeclarativeBase {
  const Base = class Base extends DeclarativeBase {};
  if (options.metadata) Base.metadata = options.metadata;
  return Base;
}

/* ------------------------------------------------------------------------------------------------
 * mapping a class
 * ---------------------------------------------------------------------------------------------- */

function _apply_table_args(table: Table, args: unknown): void {
  const list = Array.isArray(args) ? args : args ? [args] : [];
  for (const a of list) {
    if (a && typeof a === "object" && Object.getPrototypeOf(a) === Object.prototype) continue;
    if ((a as { constructor?: { name?: string } })?.constructor?.name === "Index")
      table.append_index(a as never);
    else table.append_constraint(a as never);
  }
}

/** The mapped class `cls` extends (the nearest ancestor with a mapper of its own), or null. */
function inheritedClass(cls: Function): Function | null {
  for (
    let c: Function | null = Object.getPrototypeOf(cls);
    c && c !== DeclarativeBase;
    c = Object.getPrototypeOf(c)
  )
    if (Object.hasOwn(c, "__mapper__")) return c;
  return null;
}

/**
 * Collects the decorated accessors of `cls` and its unmapped ancestors, base-most first (those of
 * a mapped ancestor are its mapper's, which the subclass's mapper inherits).
 */
function collectSpecs(cls: Function): [string, Spec][] {
  const chain: Function[] = [];
  for (
    let c: Function | null = cls;
    c && c !== DeclarativeBase && c !== Function.prototype;
    c = Object.getPrototypeOf(c)
  ) {
    if (c !== cls && Object.hasOwn(c, "__mapper__")) break;
    chain.unshift(c);
  }
  const out = new Map<string, Spec>();
  for (const c of chain) {
    for (const key of Object.getOwnPropertyNames(c.prototype)) {
      const d = Object.getOwnPropertyDescriptor(c.prototype, key);
      const spec = d?.get ? specs.get(d.get) : undefined;
      if (spec) {
        out.delete(key);
        out.set(key, spec);
      }
    }
  }
  return [...out];
}

/**
 * The `__mapper_args__` of `cls`: its own, or those of an unmapped class between it and the mapped
 * class it extends (a mapped superclass's arguments are its own, as in SQLAlchemy's declarative scan).
 */
function mapperArgsOf(cls: Function): Record<string, unknown> | undefined {
  for (let c: Function | null = cls; c && c !== DeclarativeBase; c = Object.getPrototypeOf(c)) {
    if (c !== cls && Object.hasOwn(c, "__mapper__")) return undefined;
    if (Object.hasOwn(c, "__mapper_args__"))
      return (c as unknown as { __mapper_args__: Record<string, unknown> }).__mapper_args__;
  }
  return undefined;
}

/** The annotation the cell compiler recorded for `key` on `cls` or the unmapped classes it extends. */
function annotationFor(cls: Function, key: string): MappedAnnotation | null {
  for (let c: Function | null = cls; c && c !== DeclarativeBase; c = Object.getPrototypeOf(c)) {
    if (!Object.hasOwn(c, "__annotations__")) continue;
    const own = (c as unknown as { __annotations__: Record<string, unknown> }).__annotations__;
    if (own && Object.hasOwn(own, key) && typeof own[key] === "string") return parse_annotation(own[key]);
  }
  return null;
}

function buildColumn(
  key: string,
  spec: ColumnSpec,
  clsName: string,
  annotation: MappedAnnotation | null,
): Column {
  const o = spec.options;
  let type_ = spec.type_;
  // the annotation's type, as type_annotation_map picks it (a ForeignKey column keeps its target's)
  if (type_ === undefined && annotation && !spec.foreign_keys.length) {
    const picked = type_for_annotation(annotation);
    if (picked === null) {
      throw new ArgumentError(
        `Could not locate SQLAlchemy Core type when resolving for the type indicated by '${annotation.inner}' inside the annotation for the '${key}' attribute of ${clsName}; give one, e.g. @mapped_column(String) accessor ${key}!: string;`,
      );
    }
    type_ = picked;
  }
  if (type_ === undefined) {
    if (spec.foreign_keys.length) type_ = NULLTYPE;
    else if (o.primary_key) type_ = "Integer";
    else {
      throw new ArgumentError(
        `Could not locate SQLAlchemy Core type for the mapped column '${key}' of ${clsName}: TypeScript types are not visible at runtime, so give one, e.g. @mapped_column(String) accessor ${key}!: string;`,
      );
    }
  }
  const args: unknown[] = [];
  if (type_ === "Integer") args.push(new Integer());
  else if (type_ !== NULLTYPE) args.push(type_);
  args.push(...spec.foreign_keys.map((fk) => fk._copy()));
  args.push({
    key: spec.name && spec.name !== key ? key : undefined,
    primary_key: o.primary_key ?? false,
    nullable: o.nullable ?? (!!annotation?.optional && !o.primary_key),
    unique: o.unique,
    index: o.index,
    default: o.default ?? o.insert_default,
    server_default: o.server_default,
    onupdate: o.onupdate,
    autoincrement: o.autoincrement,
    comment: o.comment,
    info: o.info,
  });
  return new Column(spec.name ?? key, ...args);
}

/** Maps `cls` to a Table (SQLAlchemy's `_as_declarative` / `_MapperConfig`). */
export function _as_declarative(cls: Function, given?: Table): Mapper {
  if (Object.hasOwn(cls, "__mapper__")) {
    throw new InvalidRequestError(`Class '${className(cls)}' is already mapped`);
  }
  const reg = registryOf(cls);
  const name = cls.name;
  const specList = collectSpecs(cls);
  const parentClass = inheritedClass(cls);
  const inherits = parentClass ? (parentClass as unknown as { __mapper__: Mapper }).__mapper__ : null;
  let table: Table;
  const columnKeys: [string, Column][] = [];
  if (inherits && !given && !Object.hasOwn(cls, "__tablename__")) {
    // single-table inheritance: the subclass's columns go on the inherited table
    table = inherits.local_table;
    for (const [key, spec] of specList) {
      if (spec.kind !== "column") continue;
      const col = buildColumn(key, spec, name, annotationFor(cls, key));
      const existing = table.c.get(col.key);
      if (existing) {
        if (existing !== col)
          throw new ArgumentError(
            `Column '${col.key}' on class ${name} conflicts with existing column '${table.name}.${col.key}'.  If using Declarative, consider using the use_existing_column parameter of mapped_column() to resolve conflicts.`,
          );
        continue;
      }
      table.append_column(col);
      columnKeys.push([key, col]);
    }
  } else if (given) {
    table = given;
    for (const [key, spec] of specList) {
      if (spec.kind === "column")
        throw new ArgumentError(
          `Can't add mapped_column '${key}' to ${name}: it is mapped to an existing __table__`,
        );
    }
    for (const col of table.columns) columnKeys.push([col.key, col]);
  } else {
    const tablename = (cls as unknown as { __tablename__: string }).__tablename__;
    const columns: Column[] = [];
    for (const [key, spec] of specList) {
      if (spec.kind !== "column") continue;
      const col = buildColumn(key, spec, name, annotationFor(cls, key));
      columns.push(col);
      columnKeys.push([key, col]);
    }
    const ownArgs = Object.hasOwn(cls, "__table_args__")
      ? (cls as unknown as { __table_args__: unknown }).__table_args__
      : undefined;
    const args = Array.isArray(ownArgs) ? ownArgs : ownArgs ? [ownArgs] : [];
    table = new Table(tablename, reg.metadata, ...columns, ...args);
  }
  Object.defineProperty(cls, "__sa_name__", { value: name, enumerable: false });
  // Python's `cls.__name__` (`name` may be a mapped column)
  Object.defineProperty(cls, "__name__", { value: name, enumerable: false, configurable: true });
  let mapper: Mapper;
  try {
    mapper = new Mapper(cls, table, name, reg, inherits);
  } catch (err) {
    if (!inherits || table !== inherits.local_table) reg.metadata.remove(table);
    throw err;
  }
  Object.defineProperty(cls, "__table__", {
    value: table,
    writable: true,
    configurable: true,
    enumerable: false,
  });
  Object.defineProperty(cls, "__mapper__", { value: mapper, configurable: true, enumerable: false });
  mapper._configure_mapper_args(mapperArgsOf(cls));
  for (const [key, col] of columnKeys) {
    const spec = specList.find(([k]) => k === key)?.[1];
    const o = spec?.kind === "column" ? spec.options : {};
    mapper._add_column_property(key, col, {
      deferred: o.deferred,
      group: o.deferred_group ?? null,
      raiseload: o.deferred_raiseload,
    });
  }
  for (const [key, spec] of specList) {
    if (spec.kind === "relationship")
      mapper._add_relationship(new RelationshipProperty(key, spec.argument, spec.options));
    else if (spec.kind === "expression") mapper._add_query_expression(key, coerce(spec.default_expr));
  }
  reg._class_registry.set(name, cls);
  reg.mappers.add(mapper);
  return mapper;
}

defineModule("sqlalchemy.orm.decl_api", DeclarativeBase, registry);
