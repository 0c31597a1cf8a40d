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

/**
 * `_get_crud_params`: the SET / VALUES list of an INSERT or UPDATE, in table order. Besides the
 * columns given, an INSERT renders the Python-side defaults of the others (their values computed
 * per execution: `compiler.insert_prefetch`) and an UPDATE their `onupdate` (a value:
 * `compiler.update_prefetch`; a SQL expression rendered inline). Server-generated values — a
 * `server_default`, a SQL-expression default or onupdate — go into `compiler.implicit_returning` when
 * `return_defaults()` asks for them and the dialect can RETURNING, else into `compiler.postfetch`
 * (the ORM expires those attributes after the flush).
 */
export function _get_crud_params(compiler: SQLCompiler, stmt: UpdateBase, kw: CompileKw): CrudParam[] {
  // compiled with no parameters and no values(): every column, as a required bind (`str(insert(t))`)
  if (compiler._no_column_keys && !stmt._values && !(stmt as Insert)._multi_values) {
    return stmt.table.columns.map((c) => ({
      column: c,
      value: compiler.process(_create_bind_param(c, undefined), kw),
    }));
  }
  const given = new Set(_scan_cols(compiler, stmt));
  const isInsert = stmt.__visit_name__ === "insert";
  const returnDefaults = _implicit_return_defaults(compiler, stmt);
  const fetched = (c: Column) => {
    if (returnDefaults?.has(c)) compiler.implicit_returning.push(c);
    else if (!c.primary_key) compiler.postfetch.push(c);
  };
  const out: CrudParam[] = [];
  for (const c of stmt.table.columns) {
    if (given.has(c)) {
      out.push({ column: c, value: _append_param_parameter(compiler, stmt, c, kw) });
      const v = stmt._values?.get(c.key);
      if (v instanceof ClauseElement && !(v instanceof BindParameter)) fetched(c);
      continue;
    }
    const d = isInsert ? c.default : c.onupdate;
    if (d instanceof ClauseElement) {
      out.push({ column: c, value: compiler.process(self_group(d), kw) });
      fetched(c);
    } else if (d !== undefined) {
      out.push({ column: c, value: _append_param_hasdefault(compiler, c, d, kw) });
      (isInsert ? compiler.insert_prefetch : compiler.update_prefetch).push(c);
    } else if (isInsert && c.server_default !== undefined) fetched(c);
  }
  return out;
}

/**
 * The columns `return_defaults()` wants back, when RETURNING will carry them (the part of
 * `_get_returning_modifiers` that decides `implicit_return_defaults`); null otherwise.
 */
function _implicit_return_defaults(compiler: SQLCompiler, stmt: UpdateBase): Set<Column> | null {
  if (!stmt._return_defaults || stmt._returning.length) return null;
  const dialect = compiler.dialect;
  const isInsert = stmt.__visit_name__ === "insert";
  const supported = isInsert
    ? !!dialect.insert_returning && (!compiler.for_executemany || !!dialect.use_insertmanyvalues)
    : stmt.__visit_name__ === "update" && !!dialect.update_returning;
  if (!supported) return null;
  const cols = stmt._return_defaults_columns.length
    ? (stmt._return_defaults_columns as unknown as Column[])
    : stmt.table.columns;
  return new Set(cols);
}

/** The columns named by `.values()` and the parameter keys, in table order (`_scan_cols`). */
function _scan_cols(compiler: SQLCompiler, stmt: UpdateBase): Column[] {
  const unconsumed = [...(stmt._values?.keys() ?? [])].filter((k) => !stmt.table.c.has(k));
  if (unconsumed.length) throw new CompileError(`Unconsumed column names: ${unconsumed.join(", ")}`);
  const keys = new Set<string>([...(stmt._values?.keys() ?? []), ...compiler.column_keys]);
  return stmt.table.columns.filter((c) => keys.has(c.key));
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

/**
 * A column's Python-side default (or onupdate) value: a bind holding it, or running the callable
 * once per parameter set (`_append_param_insert_hasdefault` / `_create_update_prefetch_bind_param`).
 */
function _append_param_hasdefault(compiler: SQLCompiler, c: Column, d: unknown, kw: CompileKw): string {
  const callable_ = typeof d === "function" ? (d as () => unknown) : undefined;
  if (callable_) compiler._has_callable_defaults = true;
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
  // a new autoincrement key comes back by RETURNING where the dialect prefers it to lastrowid, or
  // where RETURNING is used anyway for return_defaults()
  const implicit_returning =
    stmt._returning.length === 0 &&
    (!!dialect.implicit_returning || (stmt._return_defaults && !!dialect.insert_returning)) &&
    (!compiler.for_executemany || (stmt._return_defaults && !!dialect.use_insertmanyvalues)) &&
    stmt.table.primary_key.columns.some((c) => c._is_autoincrement && !cols.includes(c));
  return { use_insertmanyvalues, sentinel, implicit_returning };
}
