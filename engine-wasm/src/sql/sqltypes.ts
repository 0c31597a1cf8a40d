/**
 * `sqlalchemy.types`: SQL types with their Python-side conversions. Each type is callable with or
 * without `new`, as in Python (`String(30)`, `Integer`, `Numeric(10, 2)`), prints as SQLAlchemy's repr
 * (`String(length=30)`) and compiles per dialect (the dialect's type compiler decides the DDL name).
 */
import type { BindProcessor, ResultProcessor } from "../engine/interfaces.ts";
import { formatF } from "../util/pyformat.ts";
import { Decimal, date, datetime } from "../util/pytypes.ts";
import { defineModule, repr } from "../util/repr.ts";
import type { TypeVisitName } from "./visitors.ts";

/** What a type needs to know about the dialect to convert values. */
export interface TypeDialect {
  readonly name: string;
  readonly driver?: string;
}

/** Set by compiler.ts, which knows the dialects' type compilers. */
export const typeCompileHook: { fn: (t: TypeEngine, dialect: unknown) => string } = {
  fn: () => {
    throw new Error("the SQL compiler is not loaded");
  },
};

export class TypeEngine {
  /** Name used in DDL by the generic type compiler (`visit_<name>`). */
  readonly __visit_name__: TypeVisitName = "null";
  /** True for types whose driver value needs a cast in asyncpg / psycopg 3 bind rendering. */
  get render_bind_cast(): boolean {
    return false;
  }
  bind_processor(_dialect: TypeDialect): BindProcessor | null {
    return null;
  }
  result_processor(_dialect: TypeDialect, _coltype?: unknown): ResultProcessor | null {
    return null;
  }
  /** Python's repr, with only the arguments that differ from the defaults. */
  protected _repr_args(): string[] {
    return [];
  }
  __repr__(): string {
    return `${this.constructor.name}(${this._repr_args().join(", ")})`;
  }
  /** `str(type)`: the type compiled for the default dialect, as SQLAlchemy's `TypeEngine.__str__`. */
  __str__(): string {
    return this.compile();
  }
  toString(): string {
    return this.__repr__();
  }
  /** The type's name in DDL for a dialect (an engine, or the default dialect): `VARCHAR(30)`. */
  compile(dialect?: unknown): string {
    return typeCompileHook.fn(this, dialect);
  }
  /** The type a comparison with this type produces (Boolean); arithmetic keeps the type. */
  get python_type(): string {
    return "object";
  }
}

export class NullType extends TypeEngine {
  override readonly __visit_name__: TypeVisitName = "null";
}

export class Integer extends TypeEngine {
  override readonly __visit_name__: TypeVisitName = "integer";
  override get render_bind_cast(): boolean {
    return true;
  }
  override get python_type(): string {
    return "int";
  }
}
export class SmallInteger extends Integer {
  override readonly __visit_name__: TypeVisitName = "small_integer";
}
export class BigInteger extends Integer {
  override readonly __visit_name__: TypeVisitName = "big_integer";
}

// biome-ignore lint/suspicious/noShadowRestrictedNames: SQLAlchemy's type name
export class String extends TypeEngine {
  override readonly __visit_name__: TypeVisitName = "string";
  readonly length: number | null;
  readonly collation: string | null;
  constructor(length?: number | null, options: { collation?: string } = {}) {
    super();
    this.length = length ?? null;
    this.collation = options.collation ?? null;
  }
  override get render_bind_cast(): boolean {
    return true;
  }
  protected override _repr_args(): string[] {
    const args: string[] = [];
    if (this.length !== null) args.push(`length=${this.length}`);
    if (this.collation !== null) args.push(`collation=${repr(this.collation)}`);
    return args;
  }
  override get python_type(): string {
    return "str";
  }
}
export class Text extends String {
  override readonly __visit_name__: TypeVisitName = "text";
}
export class Unicode extends String {
  override readonly __visit_name__: TypeVisitName = "unicode";
}
export class UnicodeText extends Text {
  override readonly __visit_name__: TypeVisitName = "unicode_text";
}

// biome-ignore lint/suspicious/noShadowRestrictedNames: SQLAlchemy's type name
export class Boolean extends TypeEngine {
  override readonly __visit_name__: TypeVisitName = "boolean";
  override get render_bind_cast(): boolean {
    return true;
  }
  override result_processor(dialect: TypeDialect): ResultProcessor | null {
    if (dialect.name === "sqlite") return (v) => (v === null || v === undefined ? null : Boolean_(v));
    return null;
  }
  override bind_processor(dialect: TypeDialect): BindProcessor | null {
    if (dialect.name === "sqlite") return (v) => (v === null || v === undefined ? null : v ? 1 : 0);
    return null;
  }
}
const Boolean_ = (v: unknown) => !!v;

export class Numeric extends TypeEngine {
  override readonly __visit_name__: TypeVisitName = "numeric";
  readonly precision: number | null;
  readonly scale: number | null;
  readonly asdecimal: boolean;
  constructor(precision?: number | null, scale?: number | null, options: { asdecimal?: boolean } = {}) {
    super();
    this.precision = precision ?? null;
    this.scale = scale ?? null;
    this.asdecimal = options.asdecimal ?? true;
  }
  override get render_bind_cast(): boolean {
    return true;
  }
  protected override _repr_args(): string[] {
    const args: string[] = [];
    if (this.precision !== null) args.push(`precision=${this.precision}`);
    if (this.scale !== null) args.push(`scale=${this.scale}`);
    return args;
  }
  override bind_processor(dialect: TypeDialect): BindProcessor | null {
    if (dialect.name === "sqlite") return (v) => (v instanceof Decimal ? Number(v.text) : v);
    return null;
  }
  override result_processor(dialect: TypeDialect): ResultProcessor | null {
    if (!this.asdecimal) return (v) => (v instanceof Decimal ? Number(v.text) : v);
    if (dialect.name === "sqlite") {
      const scale = this.scale ?? 10;
      return (v) => (v === null || v === undefined ? null : new Decimal(formatF(Number(v), scale)));
    }
    return null;
  }
}
export class Float extends Numeric {
  override readonly __visit_name__: TypeVisitName = "float";
  constructor(precision?: number | null, options: { asdecimal?: boolean } = {}) {
    super(precision, null, { asdecimal: options.asdecimal ?? false });
  }
  override result_processor(_dialect?: TypeDialect): ResultProcessor | null {
    return this.asdecimal
      ? (v) => (v === null ? null : new Decimal(globalThis.String(v)))
      : (v) => (v instanceof Decimal ? Number(v.text) : v);
  }
}
export class Double extends Float {
  override readonly __visit_name__: TypeVisitName = "double";
}

function toDate(v: unknown): unknown {
  if (typeof v === "string") return date.fromisoformat(v);
  return v;
}
function toDatetime(v: unknown): unknown {
  if (typeof v === "string") return datetime.fromisoformat(v);
  return v;
}

// biome-ignore lint/suspicious/noShadowRestrictedNames: SQLAlchemy's type name
export class Date extends TypeEngine {
  override readonly __visit_name__: TypeVisitName = "date";
  override get render_bind_cast(): boolean {
    return true;
  }
  override bind_processor(dialect: TypeDialect): BindProcessor | null {
    if (dialect.name !== "sqlite") return null;
    return (v) =>
      v instanceof date
        ? v.isoformat()
        : v instanceof globalThis.Date
          ? datetime.fromDate(v).isoformat().slice(0, 10)
          : v;
  }
  override result_processor(dialect: TypeDialect): ResultProcessor | null {
    return dialect.name === "sqlite" ? (v) => (v === null ? null : toDate(v)) : null;
  }
}

export class DateTime extends TypeEngine {
  override readonly __visit_name__: TypeVisitName = "datetime";
  readonly timezone: boolean;
  constructor(timezone = false) {
    super();
    this.timezone = typeof timezone === "object" ? !!(timezone as { timezone?: boolean }).timezone : timezone;
  }
  override get render_bind_cast(): boolean {
    return true;
  }
  protected override _repr_args(): string[] {
    return this.timezone ? ["timezone=True"] : [];
  }
  override bind_processor(dialect: TypeDialect): BindProcessor | null {
    if (dialect.name !== "sqlite") return null;
    const fmt = (d: datetime) =>
      `${d.isoformat(" ").slice(0, 19)}.${globalThis.String(d.microsecond).padStart(6, "0")}`;
    return (v) =>
      v instanceof datetime ? fmt(v) : v instanceof globalThis.Date ? fmt(datetime.fromDate(v)) : v;
  }
  override result_processor(dialect: TypeDialect): ResultProcessor | null {
    return dialect.name === "sqlite" ? (v) => (v === null ? null : toDatetime(v)) : null;
  }
}

export class Time extends TypeEngine {
  override readonly __visit_name__: TypeVisitName = "time";
}
export class Interval extends TypeEngine {
  override readonly __visit_name__: TypeVisitName = "interval";
}
export class LargeBinary extends TypeEngine {
  override readonly __visit_name__: TypeVisitName = "large_binary";
}
/**
 * Python's `json.dumps(value)` with its default separators (`", "`, `": "`) and `ensure_ascii`: what
 * SQLAlchemy's JSON type sends for a value.
 */
export function json_dumps(v: unknown): string {
  if (v === null || v === undefined) return "null";
  if (v === true) return "true";
  if (v === false) return "false";
  if (typeof v === "number") {
    if (Number.isNaN(v)) return "NaN";
    if (!Number.isFinite(v)) return v > 0 ? "Infinity" : "-Infinity";
    return globalThis.String(v);
  }
  if (typeof v === "bigint") return globalThis.String(v);
  if (typeof v === "string")
    return globalThis.JSON.stringify(v).replace(
      /[\u007f-\uffff]/g,
      (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`,
    );
  if (Array.isArray(v)) return `[${v.map(json_dumps).join(", ")}]`;
  const toJSON = (v as { toJSON?: () => unknown }).toJSON;
  if (typeof toJSON === "function") return json_dumps(toJSON.call(v));
  const entries = v instanceof Map ? [...v.entries()] : Object.entries(v as object);
  return `{${entries.map(([k, x]) => `${json_dumps(globalThis.String(k))}: ${json_dumps(x)}`).join(", ")}}`;
}

/**
 * The index or path of a JSON element access (`JSON.JSONElementType`): SQLite and MySQL take a JSON
 * path string (`$."key"`, `$[0]`, `$[0]."a"`), PostgreSQL a key or an index (a path as a text array
 * `{a, 0}`).
 */
export class JSONElementType extends TypeEngine {
  /** The path string SQLite / MySQL's JSON functions take for one index or a path. */
  _format_value(_value: unknown): unknown {
    throw new Error("NotImplementedError");
  }
  override bind_processor(dialect: TypeDialect): BindProcessor | null {
    if (dialect.name === "sqlite" || dialect.name === "mysql") return (v) => this._format_value(v);
    return null;
  }
}
export class JSONIndexType extends JSONElementType {
  override _format_value(value: unknown): unknown {
    return typeof value === "number" ? `$[${value}]` : `$."${globalThis.String(value)}"`;
  }
}
/** An integer index; PostgreSQL's drivers that cast binds cast it to INT. */
export class JSONIntIndexType extends JSONIndexType {
  override readonly __visit_name__: TypeVisitName = "json_int_index";
  override get render_bind_cast(): boolean {
    return true;
  }
}
/** A string key; PostgreSQL's drivers that cast binds cast it to TEXT. */
export class JSONStrIndexType extends JSONIndexType {
  override readonly __visit_name__: TypeVisitName = "json_str_index";
  override get render_bind_cast(): boolean {
    return true;
  }
}
export class JSONPathType extends JSONElementType {
  override _format_value(value: unknown): unknown {
    const path = value as readonly unknown[];
    return `$${path.map((e) => (typeof e === "number" ? `[${e}]` : `."${globalThis.String(e)}"`)).join("")}`;
  }
  override bind_processor(dialect: TypeDialect): BindProcessor | null {
    // asyncpg takes the path as a list of strings (AsyncpgJSONPathType)
    if (dialect.name === "postgresql" && dialect.driver === "asyncpg")
      return (v) => (typeof v === "string" ? v : (v as readonly unknown[]).map((e) => globalThis.String(e)));
    if (dialect.name === "postgresql")
      // PostgreSQL's path is a text array literal; a string is taken as one already
      return (v) =>
        typeof v === "string"
          ? v
          : `{${(v as readonly unknown[]).map((e) => globalThis.String(e)).join(", ")}}`;
    return super.bind_processor(dialect);
  }
}

// biome-ignore lint/suspicious/noShadowRestrictedNames: SQLAlchemy's type name
export class JSON extends TypeEngine {
  override readonly __visit_name__: TypeVisitName = "JSON";
  static readonly JSONElementType = JSONElementType;
  static readonly JSONIndexType = JSONIndexType;
  static readonly JSONIntIndexType = JSONIntIndexType;
  static readonly JSONStrIndexType = JSONStrIndexType;
  static readonly JSONPathType = JSONPathType;
  readonly none_as_null: boolean;
  constructor(options: { none_as_null?: boolean } = {}) {
    super();
    this.none_as_null = options.none_as_null ?? false;
  }
  override bind_processor(): BindProcessor | null {
    return (v) => (v === null || v === undefined ? null : json_dumps(v));
  }
  override result_processor(dialect: TypeDialect): ResultProcessor | null {
    return dialect.name === "sqlite" ? (v) => (typeof v === "string" ? globalThis.JSON.parse(v) : v) : null;
  }
  override get python_type(): string {
    return "dict";
  }
}
export class Uuid extends TypeEngine {
  override readonly __visit_name__: TypeVisitName = "uuid";
}
export class Enum extends String {
  override readonly __visit_name__: TypeVisitName = "enum";
  readonly enums: readonly string[];
  readonly name: string | null;
  constructor(...args: (string | { name?: string })[]) {
    const enums = args.filter((a): a is string => typeof a === "string");
    const opts = (args.find((a) => typeof a === "object") ?? {}) as { name?: string };
    super(Math.max(0, ...enums.map((e) => e.length)));
    this.enums = enums;
    this.name = opts.name ?? null;
  }
  protected override _repr_args(): string[] {
    return this.enums.map((e) => repr(e));
  }
}

/* The SQL standard's type names (SQLAlchemy's uppercase types): the same behaviour as the generic
 * type they extend, rendered in DDL by their own name. Reflection gives these. */
export class INTEGER extends Integer {
  override readonly __visit_name__: TypeVisitName = "INTEGER";
}
export class SMALLINT extends SmallInteger {
  override readonly __visit_name__: TypeVisitName = "SMALLINT";
}
export class BIGINT extends BigInteger {
  override readonly __visit_name__: TypeVisitName = "BIGINT";
}
export class VARCHAR extends String {
  override readonly __visit_name__: TypeVisitName = "VARCHAR";
}
export class CHAR extends String {
  override readonly __visit_name__: TypeVisitName = "CHAR";
}
export class NVARCHAR extends Unicode {
  override readonly __visit_name__: TypeVisitName = "NVARCHAR";
}
export class NCHAR extends Unicode {
  override readonly __visit_name__: TypeVisitName = "NCHAR";
}
export class TEXT extends Text {
  override readonly __visit_name__: TypeVisitName = "TEXT";
}
export class CLOB extends Text {
  override readonly __visit_name__: TypeVisitName = "CLOB";
}
export class BOOLEAN extends Boolean {
  override readonly __visit_name__: TypeVisitName = "BOOLEAN";
}
export class NUMERIC extends Numeric {
  override readonly __visit_name__: TypeVisitName = "NUMERIC";
}
export class DECIMAL extends Numeric {
  override readonly __visit_name__: TypeVisitName = "DECIMAL";
}
export class FLOAT extends Float {
  override readonly __visit_name__: TypeVisitName = "FLOAT";
}
export class REAL extends Float {
  override readonly __visit_name__: TypeVisitName = "REAL";
}
export class DOUBLE extends Double {
  override readonly __visit_name__: TypeVisitName = "DOUBLE";
}
export class DATE extends Date {
  override readonly __visit_name__: TypeVisitName = "DATE";
}
export class DATETIME extends DateTime {
  override readonly __visit_name__: TypeVisitName = "DATETIME";
}
export class TIMESTAMP extends DateTime {
  override readonly __visit_name__: TypeVisitName = "TIMESTAMP";
}
export class TIME extends Time {
  override readonly __visit_name__: TypeVisitName = "TIME";
}
export class BLOB extends LargeBinary {
  override readonly __visit_name__: TypeVisitName = "BLOB";
}

export const BOOLEANTYPE = new Boolean();
export const INTEGERTYPE = new Integer();
export const NULLTYPE = new NullType();
export const STRINGTYPE = new String();

/** The type for a Python value given as a literal (SQLAlchemy's _resolve_value_to_type). */
export function typeForValue(value: unknown): TypeEngine {
  switch (typeof value) {
    case "boolean":
      return BOOLEANTYPE;
    case "number":
      return Number.isInteger(value) ? INTEGERTYPE : new Float();
    case "bigint":
      return new BigInteger();
    case "string":
      return STRINGTYPE;
  }
  if (value instanceof Decimal) return new Numeric();
  if (value instanceof datetime || value instanceof globalThis.Date) return new DateTime();
  if (value instanceof date) return new Date();
  return NULLTYPE;
}

type TypeClass = new (...args: any[]) => TypeEngine;

export { callable } from "../util/callable.ts";

/** A type instance from a class or an instance (`Integer` → `Integer()`). */
export function to_instance(t: unknown): TypeEngine {
  if (t === null || t === undefined) return NULLTYPE;
  if (t instanceof TypeEngine) return t;
  if (typeof t === "function") return new (t as TypeClass)();
  throw new TypeError(`${repr(t)} is not a SQL type`);
}

defineModule(
  "sqlalchemy.sql.sqltypes",
  TypeEngine,
  NullType,
  Integer,
  SmallInteger,
  BigInteger,
  String,
  Text,
  Unicode,
  UnicodeText,
  Boolean,
  Numeric,
  Float,
  Double,
  Date,
  DateTime,
  Time,
  Interval,
  LargeBinary,
  JSON,
  JSONElementType,
  JSONIndexType,
  JSONIntIndexType,
  JSONStrIndexType,
  JSONPathType,
  Uuid,
  Enum,
);
