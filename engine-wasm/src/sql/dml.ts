/**
 * `sqlalchemy.sql.dml`: insert(), update(), delete().
 */
import type { Connection, ExecutionOptions } from "../engine/base.ts";
import type { CursorResult } from "../engine/cursor.ts";
import { ArgumentError, InvalidRequestError } from "../exc.ts";
import { defineModule, repr } from "../util/repr.ts";
import {
  _execute_statement_on_connection,
  BindParameter,
  type CacheKeyBuilder,
  ClauseElement,
  ColumnElement,
  coerce,
} from "./elements.ts";
import { Column, type Table, tableHooks } from "./schema.ts";
import { expandColumnArg, FromClause, select, selectPlugins } from "./selectable.ts";

function isPlainObject(x: unknown): x is Record<string, unknown> {
  return x !== null && typeof x === "object" && Object.getPrototypeOf(x) === Object.prototype;
}

export function _cant_mix_formats_error(): never {
  throw new InvalidRequestError(
    "Can't mix single and multiple VALUES formats in one INSERT statement; one style appends to a list while the other replaces values, so the intent is ambiguous.",
  );
}

/** The SELECT of an INSERT … SELECT (roles.DMLSelectRole): a SELECT-like statement. */
function _dml_select(arg: unknown): ClauseElement {
  const ce = (arg as { __clause_element__?: () => unknown } | null)?.__clause_element__;
  const s = typeof ce === "function" ? ce.call(arg) : arg;
  if (s instanceof ClauseElement && !(s instanceof FromClause) && "_exported_columns" in s) return s;
  if (s instanceof FromClause) return select(s);
  throw new ArgumentError(`SELECT construct or equivalent text() construct expected, got ${repr(arg)}.`);
}

function asTable(t: unknown): Table {
  if (t instanceof FromClause && "c" in t && "metadata" in t) return t as Table;
  const resolved = selectPlugins.resolveEntity?.(t);
  // a mapped class's DML acts on its own table (not the JOIN of a joined subclass's tables)
  if (resolved) return (resolved.table ?? resolved.from) as Table;
  throw new ArgumentError(`Table or mapped class expected, got ${String(t)}`);
}

/**
 * `.values()` / `ordered_values()` pairs keyed by the statement's column keys
 * (DMLState._get_crud_kv_pairs): a string stays as given, a Column or ORM attribute becomes its key;
 * a column of another table is kept aside (only MySQL can SET it).
 */
function _kv_pairs(
  stmt: UpdateBase,
  values: Record<string, unknown> | ReadonlyMap<unknown, unknown> | Iterable<readonly [unknown, unknown]>,
): [string, unknown][] {
  const entries: Iterable<readonly [unknown, unknown]> =
    values instanceof Map || Symbol.iterator in (values as object)
      ? (values as Iterable<readonly [unknown, unknown]>)
      : Object.entries(values as Record<string, unknown>);
  const out: [string, unknown][] = [];
  for (const [k, v] of entries) {
    if (typeof k === "string") {
      out.push([stmt.table.c.get(k)?.key ?? k, v]);
      continue;
    }
    const col = coerce(k);
    if (!(col instanceof Column)) throw new ArgumentError(`DML column expected, got ${repr(k)}`);
    if (col.table !== stmt.table) {
      if (!stmt._foreign_set_columns.includes(col)) stmt._foreign_set_columns.push(col);
      stmt._foreign_values.set(col, v);
      continue;
    }
    out.push([col.key, v]);
    stmt._column_keyed.add(col.key);
  }
  return out;
}

/** What the ORM tells of its statements (orm/context.ts sets them). */
export const dmlPlugins: {
  entityDescription?: (stmt: UpdateBase) => Record<string, unknown> | null;
  returningColumnDescriptions?: (stmt: UpdateBase) => Record<string, unknown>[] | null;
} = {};

export abstract class UpdateBase extends ClauseElement {
  readonly table: Table;
  /** The entity given (a mapped class for ORM-enabled statements), else the table. */
  readonly _entity: unknown;
  _returning: ColumnElement[] = [];
  /** What returning() was given (an ORM statement loads the rows of an entity given as objects). */
  _returning_raw: unknown[] = [];
  _execution_options: ExecutionOptions = {};
  /** column key → value (a literal or an expression) from `.values()`. */
  _values: Map<string, unknown> | null = null;
  _where_criteria: ClauseElement[] = [];
  /** `ordered_values()` was used: the SET clause follows `_values`' order, not the table's. */
  _ordered_values = false;
  /** Columns of other tables given as `.values()` keys (only MySQL can SET those). */
  _foreign_set_columns: Column[] = [];
  /** Their values (a multiple-table UPDATE sets them: MySQL's `UPDATE a, b SET b.x=…`). */
  _foreign_values = new Map<Column, unknown>();
  /**
   * The `.values()` keys given as Column objects rather than names: SQLAlchemy's cache key tells
   * `values(x=1)` from `values({t.c.x: 1})` apart (the same SQL is compiled once for each).
   */
  _column_keyed = new Set<string>();
  /** `return_defaults()`: the server-generated values come back by RETURNING where the dialect can. */
  _return_defaults = false;
  /** The columns named by `return_defaults(...)` (none: every column). */
  _return_defaults_columns: ColumnElement[] = [];

  constructor(table: unknown) {
    super();
    this.table = asTable(table);
    this._entity = table;
  }

  protected _clone(): this {
    const c = Object.create(Object.getPrototypeOf(this)) as this;
    Object.assign(c, this);
    c._cache_key_builder = undefined; // the copy is about to change: its key is made anew
    c._returning = [...this._returning];
    c._returning_raw = [...this._returning_raw];
    c._where_criteria = [...this._where_criteria];
    c._values = this._values ? new Map(this._values) : null;
    c._foreign_set_columns = [...this._foreign_set_columns];
    c._foreign_values = new Map(this._foreign_values);
    c._column_keyed = new Set(this._column_keyed);
    c._return_defaults_columns = [...this._return_defaults_columns];
    return c;
  }

  /**
   * `return_defaults(*cols)`: fetch server-generated defaults (and a new primary key) with the
   * statement, as `result.returned_defaults`, where the dialect supports RETURNING; the ORM's flush
   * uses it for eager_defaults.
   */
  return_defaults(...cols: unknown[]): this {
    const c = this._clone();
    const last = cols[cols.length - 1];
    const given =
      last && typeof last === "object" && "sort_by_parameter_order" in (last as object)
        ? cols.slice(0, -1)
        : cols;
    if (given.length !== cols.length && c instanceof Insert)
      c._sort_by_parameter_order = !!(last as { sort_by_parameter_order: boolean }).sort_by_parameter_order;
    c._return_defaults = true;
    for (const col of given) {
      for (const e of expandColumnArg(col))
        if (!c._return_defaults_columns.includes(e)) c._return_defaults_columns.push(e);
    }
    return c;
  }

  /**
   * `.values(name="x")` → `.values({ name: "x" })`; keyed by Column objects (or ORM attributes),
   * Python's `{t.c.name: "x"}`, → `.values(new Map([[t.c.name, "x"]]))`. `.values()` with nothing
   * sets no column (an INSERT of the defaults).
   */
  values(values?: Record<string, unknown> | ReadonlyMap<unknown, unknown>): this {
    this._exclusive_values();
    const c = this._clone();
    c._values ??= new Map();
    for (const [k, v] of _kv_pairs(c, values ?? {})) c._values.set(k, v);
    return c;
  }

  /** `values()` cannot follow `ordered_values()` / `from_select()` (SQLAlchemy's _exclusive_against). */
  protected _exclusive_values(): void {}

  returning(...cols: unknown[]): this {
    const c = this._clone();
    c._returning_raw.push(...cols);
    for (const col of cols) c._returning.push(...expandColumnArg(col));
    return c;
  }

  execution_options(options: Record<string, unknown>): this {
    const c = this._clone();
    c._execution_options = { ...this._execution_options, ...options };
    return c;
  }

  /**
   * The table (or ORM entity) the statement is against: `{ name, table }`; an ORM-enabled one adds
   * `type`, `expr` and `entity` (orm/context.ts).
   */
  get entity_description(): Record<string, unknown> {
    return dmlPlugins.entityDescription?.(this) ?? { name: this.table.name, table: this.table };
  }

  /** What each RETURNING column is: `{ name, type, expr }` (ORM-enabled: with `aliased` and `entity`). */
  get returning_column_descriptions(): Record<string, unknown>[] {
    const orm = dmlPlugins.returningColumnDescriptions?.(this);
    if (orm) return orm;
    return this._returning.map((c) => ({ name: c.key, type: c.type, expr: c }));
  }

  protected _ck_common(k: CacheKeyBuilder): void {
    this.table._ck(k);
    // an ORM-enabled statement (`update(User)`) is compiled apart from the Core one on its table
    // (SQLAlchemy's `_propagate_attrs` in the cache key)
    if (this._entity !== this.table) k.push("|e", entityId(this._entity));
    k.push(this._ordered_values ? "|ov" : "|v");
    if (this._values) {
      for (const [key, v] of this._values) {
        k.push(key, this._column_keyed.has(key) ? "#c" : "");
        if (v instanceof ClauseElement) v._ck(k);
        else {
          k.binds.push(valueBind(this, key, v));
          k.push("bind");
        }
      }
    }
    if (this._foreign_values.size) {
      k.push("|fv");
      for (const [col, v] of this._foreign_values) {
        col._ck(k);
        if (v instanceof ClauseElement) v._ck(k);
        else {
          k.binds.push(foreignValueBind(this, col, v));
          k.push("bind");
        }
      }
    }
    k.push("|w");
    for (const w of this._where_criteria) w._ck(k);
    k.push("|r");
    for (const r of this._returning) r._ck(k);
    if (this._return_defaults) {
      k.push("|rd");
      for (const r of this._return_defaults_columns) r._ck(k);
    }
  }

  _execute_on_connection(
    connection: Connection,
    distilled_params: readonly Record<string, unknown>[],
    execution_options: ExecutionOptions,
  ): CursorResult {
    return _execute_statement_on_connection(this, connection, distilled_params, execution_options);
  }
}

const entityIds = new WeakMap<object, number>();
let entityCount = 0;
/** A number standing for the statement's entity in cache keys. */
function entityId(entity: unknown): number {
  let id = entityIds.get(entity as object);
  if (id === undefined) {
    id = ++entityCount;
    entityIds.set(entity as object, id);
  }
  return id;
}

const valueBinds = new WeakMap<UpdateBase, Map<string, BindParameter>>();
/** The bind parameter standing for a literal in `.values()` (one per statement and column). */
export function valueBind(stmt: UpdateBase, key: string, value: unknown): BindParameter {
  let m = valueBinds.get(stmt);
  if (!m) {
    m = new Map();
    valueBinds.set(stmt, m);
  }
  let b = m.get(key);
  if (!b || b.value !== value) {
    const col = stmt.table.c.get(key);
    b = new BindParameter(key, value, { type_: col?.type, unique: false });
    m.set(key, b);
  }
  return b;
}

const foreignValueBinds = new WeakMap<UpdateBase, Map<Column, BindParameter>>();
/**
 * The bind for a literal set on another table's column (`<table>_<key>`, as crud's
 * `_col_bind_name` names a column of a multiple-table UPDATE's other tables).
 */
export function foreignValueBind(stmt: UpdateBase, col: Column, value: unknown): BindParameter {
  let m = foreignValueBinds.get(stmt);
  if (!m) {
    m = new Map();
    foreignValueBinds.set(stmt, m);
  }
  let b = m.get(col);
  if (!b || b.value !== value) {
    b = new BindParameter(`${col.table!.name}_${col.key}`, value, { type_: col.type, unique: false });
    m.set(col, b);
  }
  return b;
}

export class Insert extends UpdateBase {
  readonly __visit_name__ = "insert";
  _inline = false;
  /** `values([{…}, {…}])`: one multi-row VALUES (binds `<col>_m<i>`); such a statement has no cache key. */
  _multi_values: Map<string, unknown>[] | null = null;

  /** `from_select(names, select)`: the column names and the SELECT of an INSERT … SELECT. */
  _select_names: string[] | null = null;
  select: ClauseElement | null = null;
  include_insert_from_select_defaults = false;
  /**
   * A clause rendered after VALUES (before RETURNING): the ON CONFLICT of the sqlite and
   * postgresql dialects' `insert()`.
   */
  _post_values_clause: ClauseElement | null = null;

  /**
   * `.values({…})`; `.values([{…}, …])` (or rows as tuples) for several rows in one INSERT; a
   * tuple `.values([5, "x"])` gives a value for each column of the table in order.
   */
  override values(
    values?: Record<string, unknown> | ReadonlyMap<unknown, unknown> | readonly unknown[],
  ): this {
    if (!Array.isArray(values)) return super.values(values as Record<string, unknown>);
    this._exclusive_values();
    const first = values[0];
    const isRow = (r: unknown) => r instanceof Map || Array.isArray(r) || isPlainObject(r);
    if (values.length && isRow(first)) {
      const c = this._clone();
      c._multi_values = [
        ...(this._multi_values ?? []),
        ...values.map((row) => new Map(_kv_pairs(c, Array.isArray(row) ? this._tuple_pairs(row) : row))),
      ];
      return c;
    }
    return super.values(new Map(this._tuple_pairs(values)));
  }

  /** A full-table tuple: one value per column, in table order. */
  private _tuple_pairs(row: readonly unknown[]): [string, unknown][] {
    return this.table.columns.slice(0, row.length).map((col, i) => [col.key, row[i]]);
  }

  protected override _exclusive_values(): void {
    if (this._select_names) throw new InvalidRequestError("This construct already inserts from a SELECT");
  }

  /**
   * `insert(t).from_select(["a", "b"], select(...))`: INSERT … SELECT. With `include_defaults`
   * (the default) the Python-side defaults of the other columns are added to both lists.
   */
  from_select(names: readonly unknown[], select: unknown, include_defaults = true): this {
    if (this._values || this._multi_values)
      throw new InvalidRequestError("This construct already inserts value expressions");
    const c = this._clone();
    c._select_names = names.map((n) => {
      if (typeof n === "string") return n;
      const col = coerce(n);
      if (!(col instanceof ColumnElement) || col.key === null)
        throw new ArgumentError(`DML column expected, got ${repr(n)}`);
      return col.key;
    });
    c._inline = true;
    c.include_insert_from_select_defaults = include_defaults;
    c.select = _dml_select(select);
    return c;
  }

  /** A multi-row VALUES is compiled for each execution, as SQLAlchemy's has no cache key. */
  get _no_cache_key(): boolean {
    return this._multi_values !== null;
  }
  /** The ORM asks for rows back in parameter order (insertmanyvalues "ordered"). */
  _sort_by_parameter_order = false;

  override returning(...cols: unknown[]): this {
    const last = cols[cols.length - 1];
    if (last && typeof last === "object" && "sort_by_parameter_order" in (last as object)) {
      const c = super.returning(...cols.slice(0, -1));
      c._sort_by_parameter_order = !!(last as { sort_by_parameter_order: boolean }).sort_by_parameter_order;
      return c;
    }
    return super.returning(...cols);
  }

  inline(): this {
    const c = this._clone();
    c._inline = true;
    return c;
  }

  _ck(k: CacheKeyBuilder): void {
    k.push("insert(", this._sort_by_parameter_order ? "s" : "", this._inline ? "i" : "");
    this._ck_common(k);
    if (this.select) {
      // as in SQLAlchemy, include_defaults is not part of the key (Insert._traverse_internals)
      k.push("|fs", ...this._select_names!);
      this.select._ck(k);
    }
    if (this._post_values_clause) {
      k.push("|pv");
      this._post_values_clause._ck(k);
    }
    k.push(")");
  }
}

export class Update extends UpdateBase {
  readonly __visit_name__ = "update";

  /**
   * `ordered_values(["y", 20], [t.c.x, t.c.y.add(10)])`: the SET clause in this order (Python's
   * tuples of (column, value)).
   */
  ordered_values(...args: readonly (readonly [unknown, unknown])[]): this {
    if (this._values) throw new ArgumentError("This statement already has values present");
    const c = this._clone();
    c._values = new Map(_kv_pairs(c, args));
    c._ordered_values = true;
    return c;
  }

  protected override _exclusive_values(): void {
    if (this._ordered_values)
      throw new InvalidRequestError("This statement already has ordered values present");
  }

  where(...criteria: unknown[]): this {
    const c = this._clone();
    for (const w of criteria) c._where_criteria.push(coerce(w));
    return c;
  }
  filter(...criteria: unknown[]): this {
    return this.where(...criteria);
  }
  _ck(k: CacheKeyBuilder): void {
    k.push("update(");
    this._ck_common(k);
    k.push(")");
  }
}

export class Delete extends UpdateBase {
  readonly __visit_name__ = "delete";
  where(...criteria: unknown[]): this {
    const c = this._clone();
    for (const w of criteria) c._where_criteria.push(coerce(w));
    return c;
  }
  filter(...criteria: unknown[]): this {
    return this.where(...criteria);
  }
  override values(): never {
    throw new ArgumentError("delete() construct does not support values()");
  }
  _ck(k: CacheKeyBuilder): void {
    k.push("delete(");
    this._ck_common(k);
    k.push(")");
  }
}

export function insert(table: unknown): Insert {
  return new Insert(table);
}
export function update(table: unknown): Update {
  return new Update(table);
}
export function delete_(table: unknown): Delete {
  return new Delete(table);
}

tableHooks.insert = (t) => insert(t);
tableHooks.update = (t) => update(t);
tableHooks.delete = (t) => delete_(t);
tableHooks.select = (t) => select(t);

defineModule("sqlalchemy.sql.dml", Insert, Update, Delete);
