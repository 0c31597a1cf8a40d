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
import { KeyError, NotImplementedError } from "../util/builtins.ts";
import { repr } from "../util/repr.ts";
import type { SQLCompiler } from "./compiler.ts";
import { foreignValueBind, type Insert, type UpdateBase, valueBind } from "./dml.ts";
import {
  BinaryExpression,
  BindParameter,
  BooleanClauseList,
  ClauseElement,
  Grouping,
  UnaryExpression,
} from "./elements.ts";
import type { Column, Table } from "./schema.ts";
import { type FromClause, Select } from "./selectable.ts";
import type { CompileKw } from "./visitors.ts";

/** One column an INSERT / UPDATE sets, with its value as rendered. */
export interface CrudParam {
  readonly column: Column;
  readonly value: string;
  /** The dialect's DEFAULT (or NULL) standing in for an INSERT that has no values. */
  readonly is_default_metavalue?: boolean;
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
export function _get_crud_params(
  compiler: SQLCompiler,
  stmt: UpdateBase,
  kw: CompileKw,
  extra_froms: readonly FromClause[] = [],
): CrudParam[] {
  // a multiple-table UPDATE sets other tables' columns where the backend names them (MySQL)
  const include_table = extra_froms.length > 0 && compiler.render_table_with_column_in_update_from;
  let multitable: CrudParam[] = [];
  if (stmt._foreign_set_columns.length) {
    const tables = [...new Set(stmt._foreign_set_columns.map((c) => c.table!))];
    if (!include_table)
      throw new CompileError(
        `Backend does not support additional tables in the SET clause; cannot include columns from table(s) ${tables.map((t) => `'${t.name}'`).join(", ")} in SET clause`,
      );
    const unconsumed = stmt._foreign_set_columns.filter((c) => !extra_froms.includes(c.table!));
    if (unconsumed.length)
      throw new CompileError(
        `Unconsumed column names: ${unconsumed.map((c) => `${c.table!.name}_${c.key}`).join(", ")}`,
      );
    multitable = _get_update_multitable_params(compiler, stmt, extra_froms, kw);
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
  const given = new Set(_scan_cols(compiler, stmt));
  const out: CrudParam[] = multitable;
  const isInsert = stmt.__visit_name__ === "insert";
  const returnDefaults = _implicit_return_defaults(compiler, stmt);
  const fetched = (c: Column) => {
    if (returnDefaults?.has(c)) compiler.implicit_returning.push(c);
    else if (!c.primary_key) compiler.postfetch.push(c);
  };
  for (const c of _column_order(stmt)) {
    if (given.has(c)) {
      out.push({ column: c, value: _append_param_parameter(compiler, stmt, c, kw) });
      const v = stmt._values?.get(c.key);
      if (v instanceof ClauseElement && !(v instanceof BindParameter)) fetched(c);
      continue;
    }
    const d = isInsert ? c.default : c.onupdate;
    if (d instanceof ClauseElement) {
      out.push({ column: c, value: compiler.process(_self_group(d), kw) });
      fetched(c);
    } else if (d !== undefined) {
      out.push({ column: c, value: _append_param_hasdefault(compiler, c, d, kw) });
      (isInsert ? compiler.insert_prefetch : compiler.update_prefetch).push(c);
    } else if (isInsert && c.server_default !== undefined) fetched(c);
  }
  const dialect = compiler.dialect as {
    supports_default_metavalue?: boolean;
    default_metavalue_token?: string;
  };
  if (isInsert && out.length === 0 && compiler.for_executemany && dialect.supports_default_metavalue) {
    // "INSERT … DEFAULT VALUES" as "INSERT … (firstcol) VALUES (DEFAULT)", which an executemany
    // can batch with RETURNING (insertmanyvalues)
    out.push({
      column: stmt.table.columns[0]!,
      value: dialect.default_metavalue_token!,
      is_default_metavalue: true,
    });
  }
  return out;
}

/**
 * The other tables' columns a multiple-table UPDATE sets (`_get_update_multitable_params`), table by
 * table in column order, then the `onupdate` of those tables' other columns.
 */
function _get_update_multitable_params(
  compiler: SQLCompiler,
  stmt: UpdateBase,
  extra_froms: readonly FromClause[],
  kw: CompileKw,
): CrudParam[] {
  const out: CrudParam[] = [];
  const affected: FromClause[] = [];
  for (const t of extra_froms) {
    for (const c of (t as Table).columns ?? []) {
      if (!stmt._foreign_values.has(c)) continue;
      if (!affected.includes(t)) affected.push(t);
      const v = stmt._foreign_values.get(c);
      let value: string;
      if (v instanceof ClauseElement && !(v instanceof BindParameter)) {
        compiler.postfetch.push(c);
        value = compiler.process(_self_group(v), kw);
      } else if (v instanceof ClauseElement) value = compiler.process(v, kw);
      else value = compiler.process(foreignValueBind(stmt, c, v), kw);
      out.push({ column: c, value });
    }
  }
  for (const t of affected) {
    for (const c of (t as Table).columns) {
      if (stmt._foreign_values.has(c) || c.onupdate === undefined) continue;
      if (c.onupdate instanceof ClauseElement) {
        out.push({ column: c, value: compiler.process(_self_group(c.onupdate), kw) });
        compiler.postfetch.push(c);
      } else
        throw new NotImplementedError(
          `a Python-side onupdate of '${(t as Table).name}.${c.name}' in a multiple-table UPDATE is not rendered by this port`,
        );
    }
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

/** Every column, those of `ordered_values()` first in the order given (`_scan_cols`' ordering). */
function _column_order(stmt: UpdateBase): readonly Column[] {
  if (!stmt._ordered_values) return stmt.table.columns;
  const ordered = [...stmt._values!.keys()].map((k) => stmt.table.c.get(k)!);
  return [...ordered, ...stmt.table.columns.filter((c) => !ordered.includes(c))];
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
 * A SQL expression set as a value is parenthesised as a whole (`SET x=(x + :x_1)`, `(-x)`,
 * `VALUES ((SELECT …), …)`): Python's `value.self_group()` against no operator.
 */
export function _self_group(e: ClauseElement): ClauseElement {
  // a SELECT as a value renders in parentheses (SelectBase.self_group(): SelectStatementGrouping)
  if (e instanceof Select) return e.scalar_subquery();
  if (e instanceof BinaryExpression || e instanceof BooleanClauseList) return new Grouping(e);
  if (e instanceof UnaryExpression && e.operator) return new Grouping(e);
  return e;
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
export function _create_bind_param(col: Column, value: unknown, callable_?: () => unknown): BindParameter {
  return new BindParameter(col.key, value, { type_: col.type, unique: false, callable_ });
}

/** What an INSERT's RETURNING carries (`_get_returning_modifiers`). */
export interface ReturningModifiers {
  /** Several parameter sets go out as multi-row VALUES batches. */
  readonly use_insertmanyvalues: boolean;
  /** Columns appended to RETURNING to sort an ordered batch's rows on, or null. */
  readonly sentinel: Column[] | null;
  /**
   * A client-side sentinel: the primary key columns whose values the parameters give (no
   * autoincrement); an ordered RETURNING returns them too, and each batch's rows are put back in
   * the order of its parameters by their values.
   */
  readonly client_sentinel: Column[] | null;
  /** The dialect fetches a new autoincrement primary key with RETURNING. */
  readonly implicit_returning: boolean;
  /** The VALUES are the dialect's DEFAULT stand-in alone (rows with no values). */
  readonly metavalue_only: boolean;
}

export function _get_returning_modifiers(
  compiler: SQLCompiler,
  stmt: Insert,
  crud_params: readonly CrudParam[],
): ReturningModifiers {
  const dialect = compiler.dialect;
  // a DEFAULT stand-in gives no value: its column still comes back by RETURNING
  const metavalue_only = crud_params.length === 1 && !!crud_params[0]!.is_default_metavalue;
  const cols = metavalue_only ? [] : crud_params.map((p) => p.column);
  const use_insertmanyvalues =
    compiler.for_executemany &&
    (cols.length > 0 || metavalue_only) &&
    !!dialect.use_insertmanyvalues &&
    (stmt._returning.length > 0 || !!dialect.use_insertmanyvalues_wo_returning);
  // an ordered RETURNING over several rows needs a sentinel: a server-generated key to sort on
  let sentinel: Column[] | null = null;
  if (use_insertmanyvalues && stmt._returning.length && stmt._sort_by_parameter_order) {
    sentinel = compiler._get_sentinel_column_for_table(stmt.table);
    if (sentinel?.some((c) => cols.includes(c))) sentinel = null;
  }
  let client_sentinel: Column[] | null = null;
  if (use_insertmanyvalues && stmt._returning.length && stmt._sort_by_parameter_order && !sentinel) {
    const pk = stmt.table.primary_key.columns;
    if (pk.length && pk.every((c) => !c._is_autoincrement && cols.includes(c))) client_sentinel = pk;
  }
  // a new autoincrement key comes back by RETURNING where the dialect prefers it to lastrowid, or
  // where RETURNING is used anyway for return_defaults()
  const implicit_returning =
    stmt._returning.length === 0 &&
    (!!dialect.implicit_returning || (stmt._return_defaults && !!dialect.insert_returning)) &&
    (!compiler.for_executemany || (stmt._return_defaults && !!dialect.use_insertmanyvalues)) &&
    stmt.table.primary_key.columns.some((c) => c._is_autoincrement && !cols.includes(c));
  return { use_insertmanyvalues, sentinel, client_sentinel, implicit_returning, metavalue_only };
}
