/**
 * Oracle Database's SQL, DDL and type compilers (SQLAlchemy's dialects/oracle/base.py
 * OracleCompiler, OracleDDLCompiler, OracleTypeCompiler, OracleIdentifierPreparer): `FROM DUAL`
 * for a SELECT without FROM, `CURRENT_TIMESTAMP` for `now()`, aliases without AS, a function in
 * FROM as `TABLE (f(x))` and its column as `alias.COLUMN_VALUE`, MINUS for EXCEPT, `mod(a, b)`,
 * 1 / 0 for true / false, Oracle's type names.
 *
 * The dialect is compile-only (there is no Oracle Database in the page): what this port does not
 * render for Oracle (LIMIT / OFFSET as FETCH FIRST, RETURNING … INTO, JSON, DDL) raises
 * NotImplementedError rather than rendering SQL Oracle would not take.
 */

import { ArgumentError } from "../../exc.ts";
import { GenericTypeCompiler, SQLCompiler } from "../../sql/compiler.ts";
import { DDLCompiler } from "../../sql/ddl_compiler.ts";
import type { Insert } from "../../sql/dml.ts";
import {
  type BinaryExpression,
  BindParameter,
  type ClauseElement,
  type ColumnElement,
} from "../../sql/elements.ts";
import type { FunctionElement } from "../../sql/functions.ts";
import type { CompoundSelect, Select, TableValuedColumn } from "../../sql/selectable.ts";
import type { DateTime, Float, String as SAString, TypeEngine } from "../../sql/sqltypes.ts";
import type { CompileKw } from "../../sql/visitors.ts";
import { NotImplementedError } from "../../util/builtins.ts";
import { defineModule } from "../../util/repr.ts";

/** Oracle's reserved words (SQLAlchemy's oracle RESERVED_WORDS): a name among them is quoted. */
export const RESERVED_WORDS: ReadonlySet<string> = new Set(
  (
    "SHARE RAW DROP BETWEEN FROM DESC OPTION PRIOR LONG THEN DEFAULT ALTER IS INTO MINUS INTEGER " +
    "NUMBER GRANT IDENTIFIED ALL TO ORDER ON FLOAT DATE HAVING CLUSTER NOWAIT RESOURCE ANY TABLE " +
    "INDEX FOR UPDATE WHERE CHECK SMALLINT WITH DELETE BY ASC REVOKE LIKE SIZE RENAME NOCOMPRESS " +
    "NULL GROUP VALUES AS IN VIEW EXCLUSIVE COMPRESS SYNONYM SELECT INSERT EXISTS NOT TRIGGER ELSE " +
    "CREATE INTERSECT PCTFREE DISTINCT USER CONNECT SET MODE OF UNIQUE VARCHAR2 VARCHAR LOCK OR " +
    "CHAR DECIMAL UNION PUBLIC AND START UID COMMENT CURRENT LEVEL"
  )
    .toLowerCase()
    .split(" "),
);

/** Functions Oracle calls without parentheses when they have no arguments. */
const NO_ARG_FNS = new Set(["UID", "CURRENT_DATE", "SYSDATE", "USER", "CURRENT_TIME", "CURRENT_TIMESTAMP"]);

const LEGAL = /^[a-z0-9_$]+$/;
const ILLEGAL_INITIAL = /^[0-9_$]/;

/** A name as OracleIdentifierPreparer renders it: quoted when reserved, upper-case or not a plain name. */
export function quoteOracle(name: string): string {
  const plain = LEGAL.test(name) && !ILLEGAL_INITIAL.test(name) && !RESERVED_WORDS.has(name);
  return plain ? name : `"${name.replace(/"/g, '""')}"`;
}

function unsupported(what: string): never {
  throw new NotImplementedError(
    `${what} for the oracle dialect is not rendered by this port (compile-only dialect)`,
  );
}

export class OracleCompiler extends SQLCompiler {
  override quote(name: string): string {
    return quoteOracle(name);
  }

  /**
   * `:name`; a reserved word or a name Oracle would not take bare (`_x`, `1x`) is quoted: `:"uid"`
   * (the cx_Oracle compiler's bindparam_string).
   */
  override bindparam_string(name: string, expanding = false): string {
    const requires_quotes =
      RESERVED_WORDS.has(name.toLowerCase()) || ILLEGAL_INITIAL.test(name) || !/^[A-Za-z0-9_$]+$/.test(name);
    return super.bindparam_string(requires_quotes && !expanding ? `"${name}"` : name, expanding);
  }

  override default_from(): string {
    return " FROM DUAL";
  }

  /** Oracle takes no AS before an alias in FROM. */
  override get_render_as_alias_suffix(alias_name_text: string): string {
    return ` ${alias_name_text}`;
  }

  override compound_keyword(keyword: string): string {
    return keyword === "EXCEPT" ? "MINUS" : keyword;
  }

  override get_cte_preamble(): string {
    return "WITH";
  }

  /** `a % b` is Oracle's `mod(a, b)`. */
  override visit_binary(b: BinaryExpression, kw: CompileKw = {}): string {
    if (b.operator === "%") return `mod(${this.process(b.left, kw)}, ${this.process(b.right, kw)})`;
    return super.visit_binary(b, kw);
  }

  visit_now_func(): string {
    return "CURRENT_TIMESTAMP";
  }

  visit_char_length_func(fn: FunctionElement, kw: CompileKw): string {
    return `LENGTH${this.function_argspec(fn, kw)}`;
  }

  /** `aggregate_strings(x, sep)` is Oracle's `LISTAGG(x, sep)`. */
  visit_aggregate_strings_func(fn: FunctionElement, kw: CompileKw): string {
    return `LISTAGG${this.function_argspec(fn, kw)}`;
  }

  override visit_true(): string {
    return "1";
  }
  override visit_false(): string {
    return "0";
  }

  /** `SYSDATE`, `USER` … take no parentheses; arguments are no FROM of their own. */
  override function_argspec(fn: FunctionElement, kw: CompileKw = {}): string {
    if (fn.clauses.length === 0 && NO_ARG_FNS.has(fn.name.toUpperCase())) return "";
    return super.function_argspec(fn, { ...kw, asfrom: false });
  }

  /** A function in FROM is a table collection expression: `TABLE (f(x))`. */
  override visit_function(f: FunctionElement, kw: CompileKw = {}): string {
    const text = super.visit_function(f, kw);
    return kw.asfrom && f.name.toLowerCase() !== "table" ? `TABLE (${text})` : text;
  }

  /** A column-valued function's value is its alias's COLUMN_VALUE. */
  override visit_table_valued_column(c: TableValuedColumn): string {
    return `${super.visit_table_valued_column(c)}.COLUMN_VALUE`;
  }

  override visit_empty_set_expr(): string {
    return "SELECT 1 FROM DUAL WHERE 1!=1";
  }

  /** Oracle's row limiting (FETCH FIRST / ROWNUM) is not rendered by this port. */
  override limit_clause(s: Select | CompoundSelect, _kw: CompileKw): string {
    if (s._limit !== null || s._offset !== null) unsupported("LIMIT / OFFSET (FETCH FIRST … ROWS ONLY)");
    return "";
  }

  override for_update_clause(s: Select): string {
    const f = s._for_update ?? {};
    let text = " FOR UPDATE";
    if (f.nowait) text += " NOWAIT";
    if (f.skip_locked) text += " SKIP LOCKED";
    return text;
  }

  /**
   * Oracle's RETURNING hands its values back in out-parameters: `RETURNING t.id INTO :ret_0`
   * (OracleCompiler.returning_clause). An INSERT's new primary key comes back that way too.
   */
  protected override returning_clause(cols: ColumnElement[], kw: Record<string, unknown>): string {
    return this._returning_into(cols, kw);
  }
  protected override _set_returning(cols: ColumnElement[], kw: Record<string, unknown>): string {
    return this._returning_into(cols, kw);
  }
  private _returning_into(cols: ColumnElement[], kw: Record<string, unknown>): string {
    this.effective_returning = cols;
    this.returns_rows = true;
    const binds = cols.map((c, i) =>
      this.process(
        new BindParameter(`ret_${i}`, undefined, { type_: c.type, unique: false, required: false }),
        kw,
      ),
    );
    const columns = cols.map((c) => this.process(c, { ...kw, within_columns_clause: false }));
    return ` RETURNING ${columns.join(", ")} INTO ${binds.join(", ")}`;
  }

  /** An INSERT of no columns is Oracle's `VALUES (DEFAULT)` form, which this port does not render. */
  override visit_insert(stmt: Insert, kw: CompileKw = {}): string {
    const text = super.visit_insert(stmt, kw);
    if (/^INSERT INTO \S+ DEFAULT VALUES/.test(text))
      unsupported("An INSERT of no values (VALUES (DEFAULT))");
    return text;
  }
}

/** DDL for Oracle (IDENTITY columns, sequences, its type rules) is not rendered by this port. */
export class OracleDDLCompiler extends DDLCompiler {
  override process(e: ClauseElement, kw: CompileKw = {}): string {
    if (kw.toplevel) unsupported("DDL");
    return super.process(e, kw);
  }
}

export class OracleTypeCompiler extends GenericTypeCompiler {
  /** Oracle's DATE holds a time: DateTime is DATE. */
  override visit_datetime(): string {
    return "DATE";
  }
  override visit_float(t: Float): string {
    if (t.precision)
      throw new ArgumentError(
        `Oracle Database FLOAT types use 'binary precision', which does not convert cleanly from decimal 'precision'.  Please specify this type with a separate Oracle Database variant, such as ${t.constructor.name}(precision=${t.precision}).with_variant(oracle.FLOAT(binary_precision=${Math.trunc(t.precision / 0.30103)}), 'oracle'), so that the Oracle Database specific 'binary_precision' may be specified accurately.`,
      );
    return "FLOAT";
  }
  override visit_FLOAT(t: TypeEngine): string {
    return this.visit_float(t as Float);
  }
  override visit_double(): string {
    return "DOUBLE PRECISION";
  }
  override visit_DOUBLE(): string {
    return "DOUBLE PRECISION";
  }
  override visit_string(t: SAString): string {
    return t.length ? `VARCHAR2(${t.length} CHAR)` : "VARCHAR2";
  }
  override visit_VARCHAR(t: TypeEngine): string {
    const s = t as SAString;
    return s.length ? `VARCHAR(${s.length} CHAR)` : "VARCHAR";
  }
  override visit_text(): string {
    return "CLOB";
  }
  override visit_unicode_text(): string {
    return "CLOB";
  }
  override visit_large_binary(): string {
    return "BLOB";
  }
  override visit_big_integer(): string {
    return "NUMBER(19)";
  }
  override visit_boolean(): string {
    return "SMALLINT";
  }
  override visit_TIMESTAMP(t: TypeEngine): string {
    return (t as DateTime & { timezone?: boolean }).timezone ? "TIMESTAMP WITH TIME ZONE" : "TIMESTAMP";
  }
  override visit_JSON(): string {
    return unsupported("the JSON type");
  }
}

defineModule("sqlalchemy.dialects.oracle.base", OracleCompiler, OracleDDLCompiler, OracleTypeCompiler);
