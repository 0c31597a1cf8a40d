/**
 * MySQL's SQL, DDL and type compilers (SQLAlchemy's dialects/mysql/base.py MySQLCompiler,
 * MySQLDDLCompiler, MySQLTypeCompiler, MySQLIdentifierPreparer): backquoted identifiers, `concat()`
 * for `||`, `LIMIT offset, limit`, the multiple-table `UPDATE a, b SET a.x=…` and
 * `DELETE FROM a USING a, b`, `JSON_EXTRACT` for JSON elements, `FROM DUAL` for a SELECT with WHERE
 * and no FROM, CAST only to the types MySQL casts to.
 *
 * The dialect is compile-only (there is no MySQL in the page): what this port does not render for
 * MySQL raises NotImplementedError rather than rendering something MySQL would not be sent.
 */

import { GenericTypeCompiler, SQLCompiler } from "../../sql/compiler.ts";
import { DDLCompiler } from "../../sql/ddl_compiler.ts";
import type { Delete, Update } from "../../sql/dml.ts";
import {
  type BinaryExpression,
  type BindParameter,
  type Cast,
  type ClauseElement,
  Grouping,
} from "../../sql/elements.ts";
import type { FunctionElement } from "../../sql/functions.ts";
import type { Table } from "../../sql/schema.ts";
import type { CompoundSelect, FromClause, Join, Select } from "../../sql/selectable.ts";
import {
  DateTime,
  Enum,
  Float,
  Integer,
  LargeBinary,
  Numeric,
  Boolean as SABoolean,
  Date as SADate,
  JSON as SAJSON,
  String as SAString,
  TIMESTAMP,
  Time,
  type TypeEngine,
} from "../../sql/sqltypes.ts";
import type { CompileKw } from "../../sql/visitors.ts";
import { NotImplementedError } from "../../util/builtins.ts";
import { defineModule } from "../../util/repr.ts";
import { sa_warn } from "../../util/warnings.ts";
import { RESERVED_WORDS_MYSQL } from "./reserved_words.ts";

const LEGAL = /^[a-z_][a-z0-9_$]*$/;

/** A name as MySQLIdentifierPreparer renders it: backquoted when reserved or not a plain lower-case name. */
export function quoteMySQL(name: string): string {
  return LEGAL.test(name) && !RESERVED_WORDS_MYSQL.has(name) ? name : `\`${name.replace(/`/g, "``")}\``;
}

export class MySQLCompiler extends SQLCompiler {
  override get render_table_with_column_in_update_from(): boolean {
    return true;
  }

  override quote(name: string): string {
    return quoteMySQL(name);
  }

  /** A string literal's backslashes are doubled: MySQL reads them as escapes (render_literal_value). */
  override visit_bindparam(b: BindParameter, kw: CompileKw = {}): string {
    const text = super.visit_bindparam(b, kw);
    const literal = this.literal_binds || kw.literal_binds;
    return literal && typeof b.effective_value() === "string" ? text.replace(/\\/g, "\\\\") : text;
  }

  /** A SELECT with WHERE and no FROM needs MySQL's `FROM DUAL`. */
  override default_from(s: Select): string {
    return s._where_criteria.length ? " FROM DUAL" : "";
  }

  /** `||` is MySQL's `concat(a, b)` (visit_concat_op_binary). */
  override visit_binary(b: BinaryExpression, kw: CompileKw = {}): string {
    if (b.operator === "||" && !b.modifiers.pattern && !b.modifiers.ilike)
      return this.concat_op(this.process(b.left, kw), this.process(b.right, kw));
    return super.visit_binary(b, kw);
  }

  override concat_op(left: string, right: string): string {
    return `concat(${left}, ${right})`;
  }

  /** MySQL writes an inner join as `INNER JOIN`. */
  override visit_join(j: Join, kw: CompileKw = {}): string {
    const kind = j.full ? " FULL OUTER JOIN " : j.isouter ? " LEFT OUTER JOIN " : " INNER JOIN ";
    const from = { ...kw, asfrom: true };
    return `${this.process(j.left, from)}${kind}${this.process(j.right, from)} ON ${this.process(j.onclause, { ...kw, asfrom: false })}`;
  }

  /** `LIMIT <limit>`, `LIMIT <offset>, <limit>` (an OFFSET alone has MySQL's largest LIMIT). */
  override limit_clause(s: Select | CompoundSelect, kw: CompileKw): string {
    if (s._limit === null && s._offset === null) return "";
    if (s._offset !== null) {
      const limit = s._limit === null ? "18446744073709551615" : this.process(s._limit as ClauseElement, kw);
      return ` \n LIMIT ${this.process(s._offset as ClauseElement, kw)}, ${limit}`;
    }
    return ` \n LIMIT ${this.process(s._limit as ClauseElement, kw)}`;
  }

  /** A multiple-table UPDATE lists every table: `UPDATE a, b SET …`. */
  override update_tables_clause(
    _stmt: Update,
    from_table: Table,
    extra_froms: FromClause[],
    kw: CompileKw,
  ): string {
    return [from_table, ...extra_froms].map((t) => this.process(t, { ...kw, asfrom: true })).join(", ");
  }

  /** …and so has no UPDATE … FROM. */
  override update_from_clause(): string {
    return "";
  }

  /** `DELETE FROM a USING a, b WHERE …`. */
  override delete_extra_from_clause(
    _stmt: Delete,
    from_table: Table,
    extra_froms: FromClause[],
    kw: CompileKw,
  ): string {
    return `USING ${[from_table, ...extra_froms].map((t) => this.process(t, { ...kw, asfrom: true })).join(", ")}`;
  }

  /** A JSON element is `JSON_EXTRACT(x, '$."key"')`; read as another type, CASE … END turns JSON null into NULL. */
  override visit_json_getitem_op_binary(b: BinaryExpression, kw: CompileKw): string {
    return this._render_json_extract_from_binary(b, kw);
  }
  override visit_json_path_getitem_op_binary(b: BinaryExpression, kw: CompileKw): string {
    return this._render_json_extract_from_binary(b, kw);
  }

  private _render_json_extract_from_binary(b: BinaryExpression, kw: CompileKw): string {
    // each process() call in the order the parts appear: the positional binds follow it
    const extract = () => `JSON_EXTRACT(${this.process(b.left, kw)}, ${this.process(b.right, kw)})`;
    const t = b.type;
    if (t instanceof SAJSON) return extract();
    const caseExpr = `CASE ${extract()} WHEN 'null' THEN NULL`;
    let typeExpr: string;
    if (t instanceof Integer) typeExpr = `ELSE CAST(${extract()} AS SIGNED INTEGER)`;
    else if (t instanceof Numeric && !(t instanceof Float) && t.scale !== null && t.precision !== null)
      typeExpr = `ELSE CAST(${extract()} AS DECIMAL(${t.precision}, ${t.scale}))`;
    else if (t instanceof Numeric) typeExpr = `ELSE ${extract()}+0.0000000000000000000000`;
    else if (t instanceof SABoolean) typeExpr = "WHEN true THEN true ELSE false";
    else if (t instanceof SAString) typeExpr = `ELSE JSON_UNQUOTE(${extract()})`;
    else typeExpr = `ELSE ${extract()}`;
    return `${caseExpr} ${typeExpr} END`;
  }

  /** CAST to the types MySQL casts to; to another the CAST is left out, with a warning (visit_cast). */
  override visit_cast(c: Cast, kw: CompileKw = {}): string {
    const type_ = this._cast_type(c.type);
    if (type_ === null) {
      sa_warn(
        `Datatype ${this.type_name(c.type)} does not support CAST on MySQL/MariaDb; the CAST will be skipped.`,
      );
      const inner = c.clause;
      return this.process(
        inner.__visit_name__ === "binary" ? new Grouping(inner as BinaryExpression) : inner,
        kw,
      );
    }
    return `CAST(${this.process(c.clause, kw)} AS ${type_})`;
  }

  /** MySQL's CAST target for a type (visit_typeclause), or null. */
  private _cast_type(t: TypeEngine): string | null {
    if (t instanceof Integer) return "SIGNED INTEGER";
    if (t instanceof TIMESTAMP) return "DATETIME";
    if (t instanceof DateTime || t instanceof SADate || t instanceof Time) return this.type_name(t);
    if (t instanceof SAString && !(t instanceof Enum))
      return t.length === null ? "CHAR" : `CHAR(${t.length})`;
    if (t instanceof LargeBinary) return "BINARY";
    if (t instanceof SAJSON) return "JSON";
    if (t instanceof Numeric && !(t instanceof Float)) return this.type_name(t).replace("NUMERIC", "DECIMAL");
    // FLOAT casts need MySQL 8.0.17, which a dialect with no server version does not assume
    return null;
  }

  /** A shared lock is MySQL's `LOCK IN SHARE MODE`. */
  override for_update_clause(s: Select): string {
    const f = s._for_update ?? {};
    let text = f.read ? " LOCK IN SHARE MODE" : " FOR UPDATE";
    if (f.nowait) text += " NOWAIT";
    if (f.skip_locked) text += " SKIP LOCKED";
    return text;
  }

  override visit_true(): string {
    return "true";
  }
  override visit_false(): string {
    return "false";
  }

  /** `aggregate_strings(x, sep)` is MySQL's `group_concat(x SEPARATOR sep)`. */
  visit_aggregate_strings_func(fn: FunctionElement, kw: CompileKw): string {
    const [expr, delimiter] = fn.clauses.map((c) => this.process(c, kw));
    return `group_concat(${expr} SEPARATOR ${delimiter})`;
  }

  visit_random_func(fn: FunctionElement, kw: CompileKw): string {
    return `rand${this.function_argspec(fn, kw)}`;
  }

  /** An empty IN is a subquery of no rows (one column: `_in_0`). */
  override visit_empty_set_expr(): string {
    return "SELECT _in_0 FROM (SELECT 1 AS _in_0) as _empty_set WHERE 1!=1";
  }
}

/** DDL for MySQL (its column types, AUTO_INCREMENT, table options) is not rendered by this port. */
export class MySQLDDLCompiler extends DDLCompiler {
  override process(e: ClauseElement, kw: CompileKw = {}): string {
    if (kw.toplevel)
      throw new NotImplementedError(
        "DDL for the mysql dialect is not rendered by this port (compile-only dialect)",
      );
    return super.process(e, kw);
  }
}

export class MySQLTypeCompiler extends GenericTypeCompiler {
  override visit_datetime(): string {
    return "DATETIME";
  }
  override visit_boolean(): string {
    return "BOOL";
  }
}

defineModule("sqlalchemy.dialects.mysql.base", MySQLCompiler, MySQLDDLCompiler, MySQLTypeCompiler);
