/**
 * `sqlalchemy.sql.dml`: insert(), update(), delete().
 */
import type { Connection, ExecutionOptions } from "../engine/base.ts";
import type { CursorResult } from "../engine/cursor.ts";
import { ArgumentError } from "../exc.ts";
import { mergeOptions } from "../util/collections.ts";
import { defineModule } from "../util/repr.ts";
import {
  BindParameter,
  type CacheKeyBuilder,
  ClauseElement,
  type ColumnElement,
  coerce,
} from "./elements.ts";
import { type Table, tableHooks } from "./schema.ts";
import { expandColumnArg, FromClause, select, selectPlugins } from "./selectable.ts";

function asTable(t: unknown): Table {
  if (t instanceof FromClause && "c" in t && "metadata" in t) return t as Table;
  const resolved = selectPlugins.resolveEntity?.(t);
  if (resolved) return resolved.from as Table;
  throw new ArgumentError(`Table or mapped class expected, got ${String(t)}`);
}

export abstract class UpdateBase extends ClauseElement {
  readonly table: Table;
  /** The entity given (a mapped class for ORM-enabled statements), else the table. */
  readonly _entity: unknown;
  _returning: ColumnElement[] = [];
  _execution_options: ExecutionOptions = {};
  /** column key → value (a literal or an expression) from `.values()`. */
  _values: Map<string, unknown> | null = null;
  _where_criteria: ClauseElement[] = [];
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
    c._where_criteria = [...this._where_criteria];
    c._values = this._values ? new Map(this._values) : null;
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

  /** `.values(name="x")` → `.values({ name: "x" })`. */
  values(values: Record<string, unknown>): this {
    const c = this._clone();
    c._values ??= new Map();
    for (const [k, v] of Object.entries(values)) c._values.set(this.table.c.get(k)?.key ?? k, v);
    return c;
  }

  returning(...cols: unknown[]): this {
    const c = this._clone();
    for (const col of cols) c._returning.push(...expandColumnArg(col));
    return c;
  }

  execution_options(options: Record<string, unknown>): this {
    const c = this._clone();
    c._execution_options = { ...this._execution_options, ...options };
    return c;
  }

  protected _ck_common(k: CacheKeyBuilder): void {
    this.table._ck(k);
    // an ORM-enabled statement (`update(User)`) is compiled apart from the Core one on its table
    // (SQLAlchemy's `_propagate_attrs` in the cache key)
    if (this._entity !== this.table) k.push("|e", entityId(this._entity));
    k.push("|v");
    if (this._values) {
      for (const [key, v] of this._values) {
        k.push(key);
        if (v instanceof ClauseElement) v._ck(k);
        else {
          k.binds.push(valueBind(this, key, v));
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
    return connection._execute_clauseelement(
      this as never,
      distilled_params,
      mergeOptions(this._execution_options, execution_options),
    );
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

export class Insert extends UpdateBase {
  readonly __visit_name__ = "insert";
  _inline = false;
  /** `values([{…}, {…}])`: one multi-row VALUES (binds `<col>_m<i>`); such a statement has no cache key. */
  _multi_values: Map<string, unknown>[] | null = null;

  /** `.values({…})`, or `.values([{…}, …])` for several rows in one INSERT. */
  override values(values: Record<string, unknown> | readonly Record<string, unknown>[]): this {
    if (!Array.isArray(values)) return super.values(values as Record<string, unknown>);
    const c = this._clone();
    c._multi_values = [
      ...(this._multi_values ?? []),
      ...values.map(
        (row) => new Map(Object.entries(row).map(([k, v]) => [this.table.c.get(k)?.key ?? k, v])),
      ),
    ];
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
    k.push("insert(", this._sort_by_parameter_order ? "s" : "");
    this._ck_common(k);
    k.push(")");
  }
}

export class Update extends UpdateBase {
  readonly __visit_name__ = "update";
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
