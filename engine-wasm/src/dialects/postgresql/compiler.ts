/**
 * PostgreSQL's SQL, DDL and type compilers (SQLAlchemy's dialects/postgresql/base.py PGCompiler,
 * PGDDLCompiler, PGTypeCompiler): ILIKE, UPDATE … FROM, DELETE … USING, SERIAL primary keys,
 * PostgreSQL's type names.
 */

import { GenericTypeCompiler, SQLCompiler } from "../../sql/compiler.ts";
import { DDLCompiler } from "../../sql/ddl_compiler.ts";
import type { Delete, Insert, Update } from "../../sql/dml.ts";
import { type BinaryExpression, Cast, type ClauseElement } from "../../sql/elements.ts";
import type { FunctionElement } from "../../sql/functions.ts";
import type { Column, Table } from "../../sql/schema.ts";
import type { CompoundSelect, FromClause, Select } from "../../sql/selectable.ts";
import { JSON as SAJSON, String as SAString, STRINGTYPE, type TypeEngine } from "../../sql/sqltypes.ts";
import type { CompileKw } from "../../sql/visitors.ts";
import { _on_conflict_set } from "../_upsert.ts";
import type { OnConflictClause, OnConflictDoUpdate } from "./dml.ts";

export class PGCompiler extends SQLCompiler {
  override limit_clause(s: Select | CompoundSelect, kw: Record<string, unknown>): string {
    let text = "";
    if (s._limit !== null) text += ` \n LIMIT ${this.process(s._limit as ClauseElement, kw)}`;
    if (s._offset !== null) {
      if (s._limit === null) text += "\n LIMIT ALL";
      text += ` OFFSET ${this.process(s._offset as ClauseElement, kw)}`;
    }
    return text;
  }

  override update_from_clause(_stmt: Update, _t: Table, extra_froms: FromClause[], kw: CompileKw): string {
    return `FROM ${extra_froms.map((f) => this.process(f, { ...kw, asfrom: true })).join(", ")}`;
  }

  /** PostgreSQL's DELETE … USING for the other tables a DELETE names. */
  override delete_extra_from_clause(
    _stmt: Delete,
    _t: Table,
    extra_froms: FromClause[],
    kw: CompileKw,
  ): string {
    return `USING ${extra_froms.map((f) => this.process(f, { ...kw, asfrom: true })).join(", ")}`;
  }

  /** The table's server-generated integer key orders a multi-row INSERT … RETURNING (imp_sen form). */
  override _get_sentinel_column_for_table(table: Table): Column[] | null {
    const auto = table.primary_key.columns.filter((c) => c._is_autoincrement);
    return auto.length === 1 ? auto : null;
  }

  /** A string bind is cast to VARCHAR without its length (SQLAlchemy #9511). */
  override render_bind_cast(type_: TypeEngine): string {
    if (type_ instanceof SAString && type_.__visit_name__ !== "text" && type_.length !== null) {
      return this.type_name(STRINGTYPE);
    }
    return this.type_name(type_);
  }
  override visit_ilike(b: BinaryExpression, kw: Record<string, unknown>): string {
    const op = b.operator === "NOT LIKE" ? "NOT ILIKE" : "ILIKE";
    return `${this.process(b.left, kw)} ${op} ${this.process(b.right, kw)}`;
  }

  /**
   * A JSON element: `x -> key` (a path: `x #> '{a, 1}'`); read as another type (`.as_string()`,
   * `.as_integer()`) it is the text form cast to that type: `CAST(x ->> key AS INTEGER)`.
   */
  override visit_json_getitem_op_binary(b: BinaryExpression, kw: CompileKw): string {
    return this._json_getitem(b, kw, " -> ", " ->> ");
  }
  override visit_json_path_getitem_op_binary(b: BinaryExpression, kw: CompileKw): string {
    return this._json_getitem(b, kw, " #> ", " #>> ");
  }
  private _json_getitem(b: BinaryExpression, kw: CompileKw, op: string, textOp: string): string {
    if (!kw._cast_applied && !(b.type instanceof SAJSON))
      return this.process(new Cast(b, b.type), { ...kw, _cast_applied: true });
    const inner = { ...kw, _cast_applied: false, _in_operator_expression: true };
    const text = `${this.operand(b.left, 15, inner)}${kw._cast_applied ? textOp : op}${this.operand(b.right, 15, inner)}`;
    // inside another operator the element is grouped (eager_grouping): `(x -> k) = y`
    return kw._in_operator_expression ? `(${text})` : text;
  }

  /** `aggregate_strings(x, sep)` is PostgreSQL's `string_agg`. */
  visit_aggregate_strings_func(fn: FunctionElement, kw: Record<string, unknown>): string {
    return `string_agg${this.function_argspec(fn, kw)}`;
  }

  /** `ON CONSTRAINT <name>`, or `(name, …) [WHERE …]`: the index the conflict is on. */
  protected _on_conflict_target(clause: OnConflictClause, kw: CompileKw): string {
    // (a clause of the sqlite dialect's insert() has no constraint target)
    if (clause.constraint_target) return `ON CONSTRAINT ${this.quote(clause.constraint_target)}`;
    if (clause.inferred_target_elements === null) return "";
    const cols = clause.inferred_target_elements.map((c) =>
      typeof c === "string" ? this.quote(c) : this.process(c, { include_table_false: true }),
    );
    let text = `(${cols.join(", ")})`;
    if (clause.inferred_target_whereclause) {
      const where = this.process(clause.inferred_target_whereclause, { ...kw, include_table_false: true });
      text += ` WHERE ${where}`;
    }
    return text;
  }

  override visit_on_conflict_do_nothing(clause: ClauseElement, kw: CompileKw): string {
    const target = this._on_conflict_target(clause as OnConflictClause, kw);
    return target ? `ON CONFLICT ${target} DO NOTHING` : "ON CONFLICT DO NOTHING";
  }

  override visit_on_conflict_do_update(e: ClauseElement, kw: CompileKw): string {
    const clause = e as OnConflictDoUpdate;
    const target = this._on_conflict_target(clause, kw);
    const set = _on_conflict_set(this, clause, kw.insert_statement as Insert, kw);
    let action = set.join(", ");
    if (clause.update_whereclause) action += ` WHERE ${this.process(clause.update_whereclause, kw)}`;
    return `ON CONFLICT ${target} DO UPDATE SET ${action}`;
  }
}

export class PGDDLCompiler extends DDLCompiler {
  override get_column_specification(col: Column): string {
    let type: string;
    if (col._is_autoincrement && col.table?.primary_key.columns[0] === col) {
      const v = col.type.__visit_name__;
      type = v === "big_integer" ? "BIGSERIAL" : v === "small_integer" ? "SMALLSERIAL" : "SERIAL";
    } else type = this.type_name(col.type);
    let s = `${this.quote(col.name)} ${type}`;
    const d = this.get_column_default_string(col);
    if (d !== null) s += ` DEFAULT ${d}`;
    if (!col.nullable) s += " NOT NULL";
    return s;
  }
}

export class PGTypeCompiler extends GenericTypeCompiler {
  override visit_double(): string {
    return "DOUBLE PRECISION";
  }
  override visit_datetime(t?: { timezone?: boolean }): string {
    return t?.timezone ? "TIMESTAMP WITH TIME ZONE" : "TIMESTAMP WITHOUT TIME ZONE";
  }
  override visit_time(): string {
    return "TIME WITHOUT TIME ZONE";
  }
  override visit_large_binary(): string {
    return "BYTEA";
  }
  override visit_uuid(): string {
    return "UUID";
  }
  /** PostgreSQL's TIMESTAMP and TIME say whether they have a time zone. */
  override visit_TIMESTAMP(t: TypeEngine): string {
    return this.visit_datetime(t as { timezone?: boolean });
  }
  override visit_TIME(): string {
    return this.visit_time();
  }
  override visit_DOUBLE(): string {
    return "DOUBLE PRECISION";
  }
  /** The casts asyncpg / psycopg give a JSON index bind (`-> $1::TEXT`). */
  override visit_json_int_index(): string {
    return "INT";
  }
  override visit_json_str_index(): string {
    return "TEXT";
  }
}
