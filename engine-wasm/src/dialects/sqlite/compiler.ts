/**
 * SQLite's SQL, DDL and type compilers (SQLAlchemy's dialects/sqlite/base.py): RETURNING names bare
 * columns, an OFFSET without LIMIT needs `LIMIT -1`, UPDATE … FROM as PostgreSQL writes it.
 */

import { GenericTypeCompiler, SQLCompiler } from "../../sql/compiler.ts";
import { DDLCompiler } from "../../sql/ddl_compiler.ts";
import type { Insert, Update } from "../../sql/dml.ts";
import {
  type BinaryExpression,
  type ClauseElement,
  type ColumnElement,
  literal,
} from "../../sql/elements.ts";
import type { FunctionElement } from "../../sql/functions.ts";
import { Column, type Table } from "../../sql/schema.ts";
import type { CompoundSelect, FromClause, Select } from "../../sql/selectable.ts";
import { JSON as SAJSON } from "../../sql/sqltypes.ts";
import type { CompileKw } from "../../sql/visitors.ts";
import { _on_conflict_set } from "../_upsert.ts";
import type { OnConflictClause, OnConflictDoUpdate } from "./dml.ts";

export class SQLiteCompiler extends SQLCompiler {
  /** SQLite's RETURNING names bare columns (`RETURNING id`). */
  protected override returning_column(c: ColumnElement, kw: Record<string, unknown>): string {
    return c instanceof Column ? this.quote(c.name) : this.process(c, kw);
  }

  /** …inside expressions too (`RETURNING x + ? AS anon_1`): SQLiteCompiler.returning_clause's include_table=False. */
  protected override returning_kw(): CompileKw {
    return { include_table_false: true };
  }

  /** SQLite needs a LIMIT before OFFSET (`LIMIT -1`) and always renders an OFFSET. */
  override limit_clause(s: Select | CompoundSelect, kw: Record<string, unknown>): string {
    let text = "";
    if (s._limit !== null) text += `\n LIMIT ${this.process(s._limit as ClauseElement, kw)}`;
    if (s._offset !== null) {
      if (s._limit === null) text += `\n LIMIT ${this.process(literal(-1))}`;
      text += ` OFFSET ${this.process(s._offset as ClauseElement, kw)}`;
    } else {
      text += ` OFFSET ${this.process(literal(0), kw)}`;
    }
    return text;
  }

  /** SQLite 3.33+ has PostgreSQL's UPDATE … FROM (a DELETE naming other tables it has not). */
  override update_from_clause(_stmt: Update, _t: Table, extra_froms: FromClause[], kw: CompileKw): string {
    return `FROM ${extra_froms.map((f) => this.process(f, { ...kw, asfrom: true })).join(", ")}`;
  }

  /**
   * A JSON element: `JSON_QUOTE(JSON_EXTRACT(x, '$."key"'))` keeps it JSON (the result is parsed as
   * such); read as another type (`.as_string()`, `.as_integer()`) it is the bare `JSON_EXTRACT`.
   */
  override visit_json_getitem_op_binary(b: BinaryExpression, kw: CompileKw): string {
    const left = this.process(b.left, kw);
    const right = this.process(b.right, kw);
    return b.type instanceof SAJSON
      ? `JSON_QUOTE(JSON_EXTRACT(${left}, ${right}))`
      : `JSON_EXTRACT(${left}, ${right})`;
  }
  override visit_json_path_getitem_op_binary(b: BinaryExpression, kw: CompileKw): string {
    return this.visit_json_getitem_op_binary(b, kw);
  }

  /** SQLite has no `now()`. */
  visit_now_func(): string {
    return "CURRENT_TIMESTAMP";
  }

  visit_localtimestamp_func(): string {
    return "DATETIME(CURRENT_TIMESTAMP, 'localtime')";
  }

  /** SQLite's `char_length` is `length`. */
  visit_char_length_func(fn: FunctionElement, kw: Record<string, unknown>): string {
    return `length${this.function_argspec(fn, kw)}`;
  }

  /** `aggregate_strings(x, sep)` is SQLite's `group_concat`. */
  visit_aggregate_strings_func(fn: FunctionElement, kw: Record<string, unknown>): string {
    return `group_concat${this.function_argspec(fn, kw)}`;
  }

  override for_update_clause(): string {
    return "";
  }

  /** SQLite's empty IN is a subquery of no rows, for IN and NOT IN alike. */
  override visit_empty_set_op_expr(): string {
    return this.visit_empty_set_expr();
  }

  override visit_empty_set_expr(): string {
    return "SELECT 1 FROM (SELECT 1) WHERE 1!=1";
  }

  /** `(name, …) [WHERE …]`: the index the conflict is on (its WHERE with the values inline). */
  protected _on_conflict_target(clause: OnConflictClause, kw: CompileKw): string {
    if (clause.inferred_target_elements === null) return "";
    const cols = clause.inferred_target_elements.map((c) =>
      typeof c === "string" ? this.quote(c) : this.process(c, { include_table_false: true }),
    );
    let text = `(${cols.join(", ")})`;
    if (clause.inferred_target_whereclause) {
      const where = this.process(clause.inferred_target_whereclause, {
        ...kw,
        include_table_false: true,
        literal_binds: true,
      });
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

export class SQLiteDDLCompiler extends DDLCompiler {}

export class SQLiteTypeCompiler extends GenericTypeCompiler {}
