/**
 * The type compiler (SQLAlchemy's sql/compiler.py GenericTypeCompiler): a type's name in DDL and
 * in `CAST(… AS …)`. Dialects subclass it (PGTypeCompiler) and override its `visit_<name>` methods;
 * dispatch goes through a table over every TypeEngine `__visit_name__`.
 */
import { CompileError } from "../exc.ts";
import { defineModule } from "../util/repr.ts";
import type { CompilerDialect } from "./compiler.ts";
import type { DateTime, Enum, Float, Numeric, String as SAString, TypeEngine, Unicode } from "./sqltypes.ts";
import type { TypeVisitName } from "./visitors.ts";

type TypeVisitorTable = {
  readonly [K in TypeVisitName]: (compiler: GenericTypeCompiler, type_: TypeEngine) => string;
};

const TYPE_VISITORS: TypeVisitorTable = {
  null: (c, t) => c.visit_null(t),
  integer: (c, t) => c.visit_integer(t),
  small_integer: (c, t) => c.visit_small_integer(t),
  big_integer: (c, t) => c.visit_big_integer(t),
  string: (c, t) => c.visit_string(t as SAString),
  text: (c, t) => c.visit_text(t),
  unicode: (c, t) => c.visit_unicode(t as Unicode),
  unicode_text: (c, t) => c.visit_unicode_text(t),
  boolean: (c, t) => c.visit_boolean(t),
  numeric: (c, t) => c.visit_numeric(t as Numeric),
  float: (c, t) => c.visit_float(t as Float),
  double: (c, t) => c.visit_double(t),
  date: (c, t) => c.visit_date(t),
  datetime: (c, t) => c.visit_datetime(t as DateTime),
  time: (c, t) => c.visit_time(t),
  interval: (c, t) => c.visit_interval(t),
  large_binary: (c, t) => c.visit_large_binary(t),
  JSON: (c, t) => c.visit_JSON(t),
  json_int_index: (c, t) => c.visit_json_int_index(t),
  json_str_index: (c, t) => c.visit_json_str_index(t),
  uuid: (c, t) => c.visit_uuid(t),
  enum: (c, t) => c.visit_enum(t as Enum),
  INTEGER: (c, t) => c.visit_INTEGER(t),
  SMALLINT: (c, t) => c.visit_SMALLINT(t),
  BIGINT: (c, t) => c.visit_BIGINT(t),
  VARCHAR: (c, t) => c.visit_VARCHAR(t),
  CHAR: (c, t) => c.visit_CHAR(t),
  NVARCHAR: (c, t) => c.visit_NVARCHAR(t),
  NCHAR: (c, t) => c.visit_NCHAR(t),
  TEXT: (c, t) => c.visit_TEXT(t),
  CLOB: (c, t) => c.visit_CLOB(t),
  BOOLEAN: (c, t) => c.visit_BOOLEAN(t),
  NUMERIC: (c, t) => c.visit_NUMERIC(t),
  DECIMAL: (c, t) => c.visit_DECIMAL(t),
  FLOAT: (c, t) => c.visit_FLOAT(t),
  REAL: (c, t) => c.visit_REAL(t),
  DOUBLE: (c, t) => c.visit_DOUBLE(t),
  DATE: (c, t) => c.visit_DATE(t),
  DATETIME: (c, t) => c.visit_DATETIME(t),
  TIMESTAMP: (c, t) => c.visit_TIMESTAMP(t),
  TIME: (c, t) => c.visit_TIME(t),
  BLOB: (c, t) => c.visit_BLOB(t),
};

export class GenericTypeCompiler {
  process(t: TypeEngine): string {
    const visit = TYPE_VISITORS[t.__visit_name__];
    if (visit === undefined) throw new CompileError(`Don't know how to render type ${t.__repr__()}`);
    return visit(this, t);
  }
  visit_integer(_t: TypeEngine): string {
    return "INTEGER";
  }
  visit_small_integer(_t: TypeEngine): string {
    return "SMALLINT";
  }
  visit_big_integer(_t: TypeEngine): string {
    return "BIGINT";
  }
  visit_string(t: SAString): string {
    return t.length ? `VARCHAR(${t.length})` : "VARCHAR";
  }
  visit_unicode(t: Unicode): string {
    return this.visit_string(t);
  }
  visit_text(_t: TypeEngine): string {
    return "TEXT";
  }
  visit_unicode_text(_t: TypeEngine): string {
    return "TEXT";
  }
  visit_enum(t: Enum): string {
    return this.visit_string(t);
  }
  visit_boolean(_t: TypeEngine): string {
    return "BOOLEAN";
  }
  visit_numeric(t: Numeric): string {
    return this.render_numeric_type("NUMERIC", t);
  }
  /** `NUMERIC`, `NUMERIC(10)`, `NUMERIC(10, 2)`. */
  render_numeric_type(name: string, t: Numeric): string {
    if (t.precision === null) return name;
    return t.scale === null ? `${name}(${t.precision})` : `${name}(${t.precision}, ${t.scale})`;
  }
  /** `VARCHAR`, `VARCHAR(30)` (SQLAlchemy's _render_string_type, without collation). */
  render_string_type(name: string, t: SAString): string {
    return t.length ? `${name}(${t.length})` : name;
  }
  visit_float(t: Float): string {
    return t.precision ? `FLOAT(${t.precision})` : "FLOAT";
  }
  visit_double(_t: TypeEngine): string {
    return "DOUBLE";
  }
  visit_date(_t: TypeEngine): string {
    return "DATE";
  }
  visit_datetime(_t: DateTime): string {
    return "DATETIME";
  }
  visit_time(_t: TypeEngine): string {
    return "TIME";
  }
  visit_interval(_t: TypeEngine): string {
    return "INTERVAL";
  }
  visit_large_binary(_t: TypeEngine): string {
    return "BLOB";
  }
  visit_JSON(_t: TypeEngine): string {
    return "JSON";
  }
  /** A JSON index bind's cast type: only PostgreSQL's drivers that cast binds name one. */
  visit_json_int_index(t: TypeEngine): string {
    throw new CompileError(`Don't know how to render type ${t.__repr__()}`);
  }
  visit_json_str_index(t: TypeEngine): string {
    throw new CompileError(`Don't know how to render type ${t.__repr__()}`);
  }
  visit_uuid(_t: TypeEngine): string {
    return "CHAR(32)";
  }
  /* The SQL standard's names (sqltypes' uppercase types). */
  visit_INTEGER(_t: TypeEngine): string {
    return "INTEGER";
  }
  visit_SMALLINT(_t: TypeEngine): string {
    return "SMALLINT";
  }
  visit_BIGINT(_t: TypeEngine): string {
    return "BIGINT";
  }
  visit_VARCHAR(t: TypeEngine): string {
    return this.render_string_type("VARCHAR", t as SAString);
  }
  visit_CHAR(t: TypeEngine): string {
    return this.render_string_type("CHAR", t as SAString);
  }
  visit_NVARCHAR(t: TypeEngine): string {
    return this.render_string_type("NVARCHAR", t as SAString);
  }
  visit_NCHAR(t: TypeEngine): string {
    return this.render_string_type("NCHAR", t as SAString);
  }
  visit_TEXT(t: TypeEngine): string {
    return this.render_string_type("TEXT", t as SAString);
  }
  visit_CLOB(_t: TypeEngine): string {
    return "CLOB";
  }
  visit_BOOLEAN(_t: TypeEngine): string {
    return "BOOLEAN";
  }
  visit_NUMERIC(t: TypeEngine): string {
    return this.render_numeric_type("NUMERIC", t as Numeric);
  }
  visit_DECIMAL(t: TypeEngine): string {
    return this.render_numeric_type("DECIMAL", t as Numeric);
  }
  visit_FLOAT(t: TypeEngine): string {
    const f = t as Float;
    return f.precision ? `FLOAT(${f.precision})` : "FLOAT";
  }
  visit_REAL(_t: TypeEngine): string {
    return "REAL";
  }
  visit_DOUBLE(_t: TypeEngine): string {
    return "DOUBLE";
  }
  visit_DATE(_t: TypeEngine): string {
    return "DATE";
  }
  visit_DATETIME(_t: TypeEngine): string {
    return "DATETIME";
  }
  visit_TIMESTAMP(_t: TypeEngine): string {
    return "TIMESTAMP";
  }
  visit_TIME(_t: TypeEngine): string {
    return "TIME";
  }
  visit_BLOB(_t: TypeEngine): string {
    return "BLOB";
  }
  visit_null(t: TypeEngine): string {
    throw new CompileError(
      `Can't generate DDL for ${t.__repr__()}; did you forget to specify a type on this Column?`,
    );
  }
}

export type TypeCompilerClass = new () => GenericTypeCompiler;

const typeCompilers = new WeakMap<object, GenericTypeCompiler>();

/** The dialect's type compiler (`dialect.type_compiler_instance`), made once per dialect. */
export function typeCompilerFor(dialect: CompilerDialect): GenericTypeCompiler {
  let tc = typeCompilers.get(dialect);
  if (!tc) {
    const Cls = dialect.type_compiler_cls ?? GenericTypeCompiler;
    tc = new Cls();
    typeCompilers.set(dialect, tc);
  }
  return tc;
}

defineModule("sqlalchemy.sql.compiler", GenericTypeCompiler);
