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
import { KeyError } from "../util/builtins.ts";
import { repr } from "../util/repr.ts";
import type { SQLCompiler } from "./compiler.ts";
import { type Insert, type UpdateBase, valueBind } from "./dml.ts";
import {
  BinaryExpression,
  BindParameter,
  BooleanClauseList,
  ClauseElement,
  Grouping,
  UnaryExpression,
} from "./elements.ts";
import type { Column } from "./schema.ts";
import { Select } from "./selectable.ts";
import type { CompileKw } from "./visitors.ts";

/** One column an INSERT / UPDATE sets, with its value as rendered. */
export interface CrudParam {
  readonly column: Column;
  readonly value: string;
}

/** `_get_crud_params`: the SET / VALUES list of an INSERT or UPDATE. */
export function _get_crud_params(compiler: SQLCompiler, stmt: UpdateBase, kw: CompileKw): CrudParam[] {
  if (stmt._foreign_set_columns.length) {
    const tables = [...new Set(stmt._foreign_set_columns.map((c) => c.table!))];
    throw new CompileError(
      `Backend does not support additional tables in the SET clause; cannot include columns from table(s) ${tables.map((t) => `'${t.name}'`).join(", ")} in SET clause`,
    );
  }
  const insert = stmt as Insert;
  // compiled with no parameters and no values(): every column, as a required bind (`str(insert(t))`)
  if (compiler._no_column_keys && !stmt._values && !insert._multi_values && !insert._select_names) {
    return stmt.table.columns.map((c) => ({
      column: c,
      value: compiler.process(_create_bind_param(c, undefined), kw),
    }));
  }
  if (insert._select_names) return _scan_insert_from_select_cols(compiler, insert);
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

/**
 * The columns named by `.values()` and the parameter keys (`_scan_cols`): in table order, or after
 * `ordered_values()` those first in the order given.
 */
function _scan_cols(compiler: SQLCompiler, stmt: UpdateBase): Column[] {
  const unconsumed = [...(stmt._values?.keys() ?? [])].filter((k) => !stmt.table.c.has(k));
  if (unconsumed.length) throw new CompileError(`Unconsumed column names: ${unconsumed.join(", ")}`);
  const keys = new Set<string>([...(stmt._values?.keys() ?? []), ...compiler.column_keys]);
  let cols = stmt.table.columns;
  if (stmt._ordered_values) {
    const ordered = [...stmt._values!.keys()].map((k) => stmt.table.c.get(k)!);
    cols = [...ordered, ...cols.filter((c) => !ordered.includes(c))];
  }
  return cols.filter((c) => keys.has(c.key));
}

/**
 * INSERT … SELECT (`_scan_insert_from_select_cols`): the named columns, then, with
 * include_defaults, each other column with a Python-side default, whose value the SELECT gets as
 * an extra column (a scalar, or the callable's result, computed once for the statement).
 */
function _scan_insert_from_select_cols(compiler: SQLCompiler, stmt: Insert): CrudParam[] {
  const cols = stmt._select_names!.map((name) => {
    const col = stmt.table.c.get(name);
    if (!col) throw new KeyError(name);
    return col;
  });
  const params: CrudParam[] = cols.map((c) => ({ column: c, value: "" }));
  const add_select_cols: BindParameter[] = [];
  if (stmt.include_insert_from_select_defaults) {
    for (const c of stmt.table.columns) {
      if (cols.includes(c) || c.default === undefined || c.default === null) continue;
      const d = c.default;
      const callable_ = typeof d === "function" ? (d as () => unknown) : undefined;
      params.push({ column: c, value: "" });
      add_select_cols.push(_create_bind_param(c, callable_ ? undefined : d, callable_));
    }
  }
  let select = stmt.select!;
  if (add_select_cols.length) {
    if (!(select instanceof Select))
      throw new CompileError(
        `Can't extend statement for INSERT..FROM SELECT to include additional default-holding column(s) ${params
          .slice(cols.length)
          .map((p) => repr(p.column.name))
          .join(
            ", ",
          )}.  Convert the selectable to a subquery() first, or pass include_defaults=False to Insert.from_select() to skip these columns.`,
      );
    select = select.add_columns(...add_select_cols);
  }
  compiler._insert_from_select = select;
  return params;
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
    if (v instanceof ClauseElement && !(v instanceof BindParameter))
      return compiler.process(_self_group(v), kw);
    if (v instanceof ClauseElement) return compiler.process(v, kw);
    return compiler.process(valueBind(stmt, col.key, v), kw);
  }
  return compiler.process(_create_bind_param(col, undefined), kw);
}

/**
 * A SQL expression set as a value is parenthesised as a whole (`SET x=(x + :x_1)`, `(-x)`): Python's
 * `value.self_group()` against no operator.
 */
export function _self_group(e: ClauseElement): ClauseElement {
  if (e instanceof BinaryExpression || e instanceof BooleanClauseList) return new Grouping(e);
  if (e instanceof UnaryExpression && e.operator) return new Grouping(e);
  return e;
}

/** A column's Python-side default: its value, or its callable run per row (`_append_param_insert_hasdefault`). */
function _append_param_insert_hasdefault(compiler: SQLCompiler, c: Column, kw: CompileKw): string {
  const d = c.default;
  const callable_ = typeof d === "function" ? (d as () => unknown) : undefined;
  return compiler.process(_create_bind_param(c, callable_ ? undefined : d, callable_), kw);
}

/** The bind named after its column (`_create_bind_param`). */
export function _create_bind_param(col: Column, value: unknown, callable_?: () => unknown): BindParameter {
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
