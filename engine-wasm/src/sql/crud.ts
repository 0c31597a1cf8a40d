/**
 * `sqlalchemy.sql.crud`: the columns and values an INSERT or UPDATE sets, and what its RETURNING
 * carries, worked out for SQLCompiler's visit_insert / visit_update.
 *
 * The columns set are the `.values()` keys and the execution's parameter keys, in table order; an
 * INSERT adds the Python-side defaults of columns not given. Each value is rendered by the
 * compiler: an expression as is, a literal as its `.values()` bind, anything else as a bind named
 * after the column that takes the execution's parameter.
 */
import { CompileError } from "../exc.ts";
import type { SQLCompiler } from "./compiler.ts";
import { type Insert, type UpdateBase, valueBind } from "./dml.ts";
import { BinaryExpression, BindParameter, ClauseElement, Grouping, UnaryExpression } from "./elements.ts";
import type { Column } from "./schema.ts";
import type { CompileKw } from "./visitors.ts";

/** One column an INSERT / UPDATE sets, with its value as rendered. */
export interface CrudParam {
  readonly column: Column;
  readonly value: string;
}

/** `_get_crud_params`: the SET / VALUES list of an INSERT or UPDATE. */
export function _get_crud_params(compiler: SQLCompiler, stmt: UpdateBase, kw: CompileKw): CrudParam[] {
  // compiled with no parameters and no values(): every column, as a required bind (`str(insert(t))`)
  if (compiler._no_column_keys && !stmt._values && !(stmt as Insert)._multi_values) {
    return stmt.table.columns.map((c) => ({
      column: c,
      value: compiler.process(_create_bind_param(c, undefined), kw),
    }));
  }
  const cols = _scan_cols(compiler, stmt);
  const isInsert = stmt.__visit_name__ === "insert";
  if (isInsert) {
    const table = stmt.table;
    // Python-side scalar / callable defaults of columns not given
    for (const c of table.columns) {
      if (!cols.includes(c) && c.default !== undefined && !stmt._values?.has(c.key)) cols.push(c);
    }
    cols.sort((a, b) => table.columns.indexOf(a) - table.columns.indexOf(b));
  }
  return cols.map((c) => ({
    column: c,
    value:
      isInsert && _is_insert_default(compiler, stmt, c)
        ? _append_param_insert_hasdefault(compiler, c, kw)
        : _append_param_parameter(compiler, stmt, c, kw),
  }));
}

/** The columns named by `.values()` and the parameter keys, in table order (`_scan_cols`). */
function _scan_cols(compiler: SQLCompiler, stmt: UpdateBase): Column[] {
  const unconsumed = [...(stmt._values?.keys() ?? [])].filter((k) => !stmt.table.c.has(k));
  if (unconsumed.length) throw new CompileError(`Unconsumed column names: ${unconsumed.join(", ")}`);
  const keys = new Set<string>([...(stmt._values?.keys() ?? []), ...compiler.column_keys]);
  return stmt.table.columns.filter((c) => keys.has(c.key));
}

function _is_insert_default(compiler: SQLCompiler, stmt: UpdateBase, c: Column): boolean {
  return !stmt._values?.has(c.key) && !compiler.column_keys.includes(c.key) && c.default !== undefined;
}

/** A column given by `.values()` or by the parameters (`_append_param_parameter`). */
export function _append_param_parameter(
  compiler: SQLCompiler,
  stmt: UpdateBase,
  col: Column,
  kw: CompileKw,
): string {
  if (stmt._values?.has(col.key)) {
    const v = stmt._values.get(col.key);
    if (v instanceof ClauseElement) return compiler.process(self_group(v), kw);
    return compiler.process(valueBind(stmt, col.key, v), kw);
  }
  return compiler.process(_create_bind_param(col, undefined), kw);
}

/**
 * A SQL expression as a SET / VALUES value: `value.self_group()` — an operator expression goes in
 * parentheses (`SET age=(user_account.age + ?)`).
 */
function self_group(v: ClauseElement): ClauseElement {
  if (v instanceof BinaryExpression || (v instanceof UnaryExpression && v.operator)) return new Grouping(v);
  return v;
}

/** A column's Python-side default: its value, or its callable run per row (`_append_param_insert_hasdefault`). */
function _append_param_insert_hasdefault(compiler: SQLCompiler, c: Column, kw: CompileKw): string {
  const d = c.default;
  const callable_ = typeof d === "function" ? (d as () => unknown) : undefined;
  return compiler.process(_create_bind_param(c, callable_ ? undefined : d, callable_), kw);
}

/** The bind named after its column (`_create_bind_param`). */
function _create_bind_param(col: Column, value: unknown, callable_?: () => unknown): BindParameter {
  return new BindParameter(col.key, value, { type_: col.type, unique: false, callable_ });
}

/** What an INSERT's RETURNING carries (`_get_returning_modifiers`). */
export interface ReturningModifiers {
  /** Several parameter sets go out as multi-row VALUES batches. */
  readonly use_insertmanyvalues: boolean;
  /** Columns appended to RETURNING to sort an ordered batch's rows on, or null. */
  readonly sentinel: Column[] | null;
  /** The dialect fetches a new autoincrement primary key with RETURNING. */
  readonly implicit_returning: boolean;
}

export function _get_returning_modifiers(
  compiler: SQLCompiler,
  stmt: Insert,
  cols: readonly Column[],
): ReturningModifiers {
  const dialect = compiler.dialect;
  const use_insertmanyvalues =
    compiler.for_executemany &&
    cols.length > 0 &&
    !!dialect.use_insertmanyvalues &&
    (stmt._returning.length > 0 || !!dialect.use_insertmanyvalues_wo_returning);
  // an ordered RETURNING over several rows needs a sentinel: a server-generated key to sort on
  let sentinel: Column[] | null = null;
  if (use_insertmanyvalues && stmt._returning.length && stmt._sort_by_parameter_order) {
    sentinel = compiler._get_sentinel_column_for_table(stmt.table);
    if (sentinel?.some((c) => cols.includes(c))) sentinel = null;
  }
  const implicit_returning =
    stmt._returning.length === 0 &&
    !!dialect.implicit_returning &&
    !compiler.for_executemany &&
    stmt.table.primary_key.columns.some((c) => c._is_autoincrement && !cols.includes(c));
  return { use_insertmanyvalues, sentinel, implicit_returning };
}
