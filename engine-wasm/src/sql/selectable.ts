/**
 * `sqlalchemy.sql.selectable`: FROM clauses (Table is in schema.ts), Join, Subquery and Select.
 * Every generative method returns a new statement, as in SQLAlchemy.
 */
import type { Connection, ExecutionOptions } from "../engine/base.ts";
import type { CursorResult } from "../engine/cursor.ts";
import { ArgumentError, InvalidRequestError, NoForeignKeysError } from "../exc.ts";
import { AssertionError, AttributeError } from "../util/builtins.ts";
import { defineModule, objectAddress, repr } from "../util/repr.ts";
import {
  _execute_statement_on_connection,
  and_,
  BindParameter,
  type CacheKeyBuilder,
  ClauseElement,
  ColumnClause,
  ColumnElement,
  coerce,
  coerceColumn,
  Label,
  objectId,
  Star,
  TextualLabelReference,
} from "./elements.ts";
import { BOOLEANTYPE, INTEGERTYPE, to_instance } from "./sqltypes.ts";

export abstract class FromClause extends ClauseElement {
  /** The columns this FROM offers (a Table's columns, a subquery's labels …). */
  abstract get _columns(): ColumnElement[];
  join(right: FromClause, onclause?: unknown, options: { isouter?: boolean; full?: boolean } = {}): Join {
    return new Join(this, right, onclause, options.isouter ?? false, options.full ?? false);
  }
  outerjoin(right: FromClause, onclause?: unknown, options: { full?: boolean } = {}): Join {
    return new Join(this, right, onclause, true, options.full ?? false);
  }
  /** Tables that this FROM contains (a Join contains both sides). */
  _from_objects(): FromClause[] {
    return [this];
  }
  alias(name?: string): Subquery {
    return new Subquery(this, name ?? null, true);
  }
}

interface ForeignKeyLike {
  parent: ColumnElement;
  _resolve_column(raise?: boolean): ColumnElement | null;
}

/** The table column a FROM's column stands for (through aliases and subqueries). */
function baseColumn(c: ColumnElement): ColumnElement {
  let col = c;
  while (col instanceof SubqueryColumn) col = col.element;
  return col;
}

/** The foreign keys of a FROM's columns, each with the column of that FROM that holds it. */
function foreignKeysOf(f: FromClause): [ForeignKeyLike, ColumnElement][] {
  const out: [ForeignKeyLike, ColumnElement][] = [];
  for (const c of f._columns) {
    const fks = (baseColumn(c) as unknown as { foreign_keys?: Set<ForeignKeyLike> }).foreign_keys;
    if (fks) for (const fk of fks) out.push([fk, c]);
  }
  return out;
}

/** `col` as `f` exposes it (SQLAlchemy's corresponding_column): itself, or the alias's / subquery's column for it. */
export function correspondingColumn(f: FromClause, col: ColumnElement | null): ColumnElement | null {
  if (!col) return null;
  for (const c of f._columns) if (c === col || baseColumn(c) === col) return c;
  return null;
}

/** The ON clause from the foreign keys between two FROMs (SQLAlchemy's join_condition). */
export function joinCondition(left: FromClause, right: FromClause): ColumnElement {
  for (const r of right._from_objects()) {
    for (const l of left._from_objects()) {
      const crit: ColumnElement[] = [];
      for (const [fk, parent] of foreignKeysOf(r)) {
        const col = correspondingColumn(l, fk._resolve_column(false));
        if (col) crit.push(col.eq(parent));
      }
      if (l !== r) {
        for (const [fk, parent] of foreignKeysOf(l)) {
          const col = correspondingColumn(r, fk._resolve_column(false));
          if (col) crit.push(col.eq(parent));
        }
      }
      if (crit.length) return and_(...crit);
    }
  }
  const name = (f: FromClause) => (f as unknown as { name?: string }).name ?? String(f);
  throw new NoForeignKeysError(
    `Can't find any foreign key relationships between '${name(left)}' and '${name(right)}'.`,
  );
}

export class Join extends FromClause {
  readonly __visit_name__ = "join";
  readonly left: FromClause;
  readonly right: FromClause;
  readonly onclause: ClauseElement;
  readonly isouter: boolean;
  readonly full: boolean;
  constructor(left: FromClause, right: FromClause, onclause: unknown, isouter: boolean, full: boolean) {
    super();
    this.left = left;
    this.right = right;
    this.onclause =
      onclause === undefined || onclause === null ? joinCondition(left, right) : coerce(onclause);
    this.isouter = isouter;
    this.full = full;
  }
  _ck(k: CacheKeyBuilder): void {
    k.push("join(", this.isouter ? "o" : "", this.full ? "f" : "");
    this.left._ck(k);
    this.right._ck(k);
    this.onclause._ck(k);
    k.push(")");
  }
  override _from_objects(): FromClause[] {
    return [...this.left._from_objects(), ...this.right._from_objects()];
  }
  get _columns(): ColumnElement[] {
    return [...this.left._columns, ...this.right._columns];
  }
}

/** A SELECT (or any FROM) used as a named FROM: `(SELECT …) AS anon_1`. */
export class Subquery extends FromClause {
  readonly __visit_name__: "subquery" | "cte" | "lateral" | "table_valued_alias" = "subquery";
  readonly element: ClauseElement;
  readonly name: string | null;
  readonly isAlias: boolean;
  readonly c: Record<string, SubqueryColumn> & { keys(): string[] };
  private readonly _cols: SubqueryColumn[];
  constructor(element: ClauseElement, name: string | null, isAlias = false, columns?: ColumnElement[]) {
    super();
    this.element = element;
    this.name = name;
    this.isAlias = isAlias;
    const inner =
      columns ??
      (element instanceof Select || element instanceof CompoundSelect
        ? element._exported_columns()
        : element instanceof FromClause
          ? element._columns
          : typeof (element as Partial<Select>)._exported_columns === "function"
            ? (element as Select)._exported_columns()
            : []);
    // a SELECT in LABEL_STYLE_TABLENAME_PLUS_COL names its table columns `<table>_<col>`
    const plusCol = element instanceof Select && element._label_style === "tablename_plus_col";
    this._cols = inner.map((c) => {
      // (a table's Column: its `table` is the Table, with a name; sql/schema.ts imports this module)
      const col = c as ColumnElement & {
        table?: { name?: unknown; __visit_name__?: string } | null;
        name?: string;
      };
      return plusCol && col.__visit_name__ === "column" && col.table?.__visit_name__ === "table"
        ? new SubqueryColumn(this, c, `${String(col.table.name)}_${col.name}`)
        : new SubqueryColumn(this, c);
    });
    const c: Record<string, SubqueryColumn> = {};
    // a second column of a name already taken is exported under the name its SELECT labels it
    // with (`address.id AS id_1` after `user_account.id`), as SQLAlchemy's disambiguating labels do
    const taken = new Map<string, ColumnElement>();
    const counts = new Map<string, number>();
    for (const col of this._cols) {
      const e = col.element;
      // a table's Column or a column() (their __visit_name__ is "column"), not literal text
      const named =
        (e as { __visit_name__?: string }).__visit_name__ === "column" && !(e as ColumnClause).is_literal;
      const name = named ? (e as ColumnClause).name : col.key;
      const disambiguates =
        element instanceof Select && element._label_style === LABEL_STYLE_DISAMBIGUATE_ONLY;
      if (named && disambiguates && taken.has(name) && taken.get(name) !== e) {
        const n = (counts.get(name) ?? 0) + 1;
        counts.set(name, n);
        col._dedupe = { name, key: `${name}_${n}` };
      } else if (!taken.has(name)) taken.set(name, e);
    }
    for (const col of this._cols) if (!(col.key in c)) c[col.key] = col;
    Object.defineProperty(c, "keys", { value: () => Object.keys(c), enumerable: false });
    this.c = c as Subquery["c"];
  }
  /**
   * An alias the ORM makes (aliased(), joins through a secondary table, eager loads): in a
   * cache key by its position, as SQLAlchemy's anon_map keys it, so that a statement built again with
   * a new one is the same statement (the ORM finds its columns in the rows by position). Other
   * unnamed subqueries are keyed by identity: Core results look their columns up by object.
   */
  _anon_positional = false;
  _ck(k: CacheKeyBuilder): void {
    k.ref(this, () => {
      k.push("subq(", this.__visit_name__, this.name ?? "~", this.isAlias ? "a" : "");
      this._ck_extra(k);
      this.element._ck(k);
      k.push(")");
    });
  }
  /** What a subclass adds to the cache key (a CTE's recursion, a lateral's …). */
  protected _ck_extra(_k: CacheKeyBuilder): void {}
  get _columns(): ColumnElement[] {
    return this._cols;
  }
}

/**
 * `values(column("a", Integer), …, { name: "v" }).data([[1, "x"], …])`: a VALUES list as a FROM
 * (`(VALUES (:param_1, :param_2), …) AS v (a, b)`) or, through scalar_values(), as an expression.
 * Its columns belong to it (`v.a`); a table's column given is proxied. A statement holding one has
 * no cache key, as in SQLAlchemy (its rows are not cacheable).
 */
export class Values extends FromClause {
  readonly __visit_name__ = "values";
  readonly name: string | null;
  readonly literal_binds: boolean;
  _data: readonly (readonly unknown[])[][] = [];
  _is_lateral = false;
  readonly _column_args: readonly ColumnElement[];

  /** `Values(col, …, { name, literal_binds })` (Python's keyword arguments as a trailing object). */
  constructor(...args: unknown[]) {
    super();
    const last = args[args.length - 1];
    let options: { name?: string | null; literal_binds?: boolean } = {};
    if (last !== null && typeof last === "object" && Object.getPrototypeOf(last) === Object.prototype) {
      options = last as typeof options;
      args = args.slice(0, -1);
    }
    this.name = options.name ?? null;
    this.literal_binds = options.literal_binds ?? false;
    this._column_args = args.map((arg) => {
      const col = coerceColumn(arg);
      if (col.key === null)
        throw new ArgumentError(`A named column expression is expected, got ${String(arg)}`);
      return col;
    });
  }

  private _c: (Record<string, ColumnClause> & { keys(): string[] }) | undefined;
  /**
   * The columns, as this VALUES' own (`_populate_column_collection`): a bare column() becomes
   * this one's (as in SQLAlchemy, the last VALUES whose `.c` was read), a table's is proxied.
   */
  get c(): Record<string, ColumnClause> & { keys(): string[] } {
    if (this._c === undefined) {
      const c: Record<string, ColumnClause> = {};
      for (const col of this._column_args) {
        let own: ColumnClause;
        if (col instanceof ColumnClause && (col.table === null || col.table instanceof Values)) {
          col.table = this;
          own = col;
        } else {
          own = new ColumnClause(col.key!, col.type);
          own.table = this;
        }
        if (!(own.key in c)) c[own.key] = own;
      }
      Object.defineProperty(c, "keys", { value: () => Object.keys(c), enumerable: false });
      this._c = c as Values["c"];
    }
    return this._c;
  }

  /** Unnamed VALUES render their columns without a table name and no ` AS name (…)`. */
  get _unnamed(): boolean {
    return this.name === null;
  }
  get named_with_column(): boolean {
    return this.name !== null;
  }
  get _columns(): ColumnElement[] {
    return Object.values(this.c) as ColumnClause[];
  }

  private _copy(changes: Partial<Pick<Values, "_data" | "_is_lateral">> & { name?: string | null }): Values {
    const v = Object.create(Values.prototype) as Values;
    Object.assign(v, this, changes);
    v._cache_key_builder = undefined;
    v._c = undefined;
    return v;
  }

  /** `.data([[1, "x"], [2, "y"]])`: rows appended (Python's list of tuples). */
  data(rows: readonly (readonly unknown[])[]): Values {
    return this._copy({ _data: [...this._data, rows.map((r) => [...r])] });
  }
  /** A copy of this VALUES under another name (Values.alias; typed loosely: FromClause's is a Subquery). */
  override alias(name?: string): any {
    return this._copy({ name: name ?? `anon_${objectId(this)}` });
  }
  lateral(name?: string): Values {
    return this._copy({ _is_lateral: true, name: name ?? this.name });
  }
  /** The VALUES as a column expression (`x IN (VALUES (…), …)`). */
  scalar_values(): ScalarValues {
    return new ScalarValues(this);
  }

  _ck(k: CacheKeyBuilder): void {
    k.push(
      "values(",
      this.name ?? `~${objectId(this)}`,
      this.literal_binds ? "lb" : "",
      this._is_lateral ? "lat" : "",
    );
    for (const c of this._column_args) k.push(c.key!, c.type.constructor.name);
    if (this._data.length) k.no_cache = true;
    k.push(")");
  }

  __repr__(): string {
    return `<sqlalchemy.sql.selectable.Values at 0x${objectAddress(this)}; ${this.name ?? `anon_${objectId(this)}`}>`;
  }
}

/** `Values.scalar_values()`: `(VALUES (…), …)` as an expression. */
export class ScalarValues extends ColumnElement {
  readonly __visit_name__ = "scalar_values";
  readonly element: Values;
  constructor(element: Values) {
    super();
    this.element = element;
  }
  _ck(k: CacheKeyBuilder): void {
    k.push("scalar_values(");
    this.element._ck(k);
    k.push(")");
  }
}

/** `values(col, …, { name, literal_binds })`. */
export function values(...args: unknown[]): Values {
  return new Values(...args);
}

export class SubqueryColumn extends ColumnElement {
  readonly __visit_name__ = "subquery_column";
  readonly subquery: Subquery;
  readonly element: ColumnElement;
  /** The name the SELECT gives the column when not its own (`user_account_id`). */
  private readonly _name: string | null;
  /**
   * A column whose name an earlier column of the SELECT has: the SELECT labels it anonymously from
   * `name` (`id_1`), and the subquery exports it under `key`.
   */
  _dedupe: { readonly name: string; readonly key: string } | null = null;
  constructor(subquery: Subquery, element: ColumnElement, name: string | null = null) {
    super();
    this.subquery = subquery;
    this.element = element;
    this.type = element.type;
    this._name = name;
  }
  override get key(): string {
    return this._dedupe?.key ?? this._name ?? this.element.key ?? "anon";
  }
  override get _bind_key(): string {
    return this.key;
  }
  _ck(k: CacheKeyBuilder): void {
    k.push("sqcol");
    this.subquery._ck(k);
    k.push(this.key);
  }
}

export type LabelStyle = "disambiguate_only" | "tablename_plus_col" | "none";
export const LABEL_STYLE_DISAMBIGUATE_ONLY: LabelStyle = "disambiguate_only";
export const LABEL_STYLE_TABLENAME_PLUS_COL: LabelStyle = "tablename_plus_col";
export const LABEL_STYLE_NONE: LabelStyle = "none";

interface SetupJoin {
  target: FromClause;
  onclause: unknown;
  left: FromClause | null;
  isouter: boolean;
  full: boolean;
}

/** The entities of a select() resolve through hooks the ORM installs (SQLAlchemy's plugins). */
export const selectPlugins: {
  /** A non-Core argument to select() (a mapped class, an aliased class …) → its columns and FROM. */
  resolveEntity?: (
    entity: unknown,
  ) => { columns: ColumnElement[]; from: FromClause; table?: FromClause } | null;
  /** An ORM statement as it compiles: with its eager loads' joins and columns (else itself). */
  ormStatement?: (stmt: Select) => Select;
  /** `select(User).from_statement(text(...))`: the ORM's FromStatement. */
  fromStatement?: (entities: readonly unknown[], statement: unknown) => unknown;
  /** `join(User.addresses)`: the joins a relationship stands for (left, target and ON of each). */
  resolveJoin?: (
    target: unknown,
    onclause: unknown,
  ) => readonly { left: FromClause; target: FromClause; onclause: ClauseElement }[] | null;
  /** `stmt.column_descriptions` of an ORM statement (null: not one). */
  columnDescriptions?: (stmt: Select) => Record<string, unknown>[] | null;
} = {};

/** Each column with the name a SELECT gives it: its key, a repeated one numbered (`id_1`, `id_2`). */
export function _column_names(cols: readonly ColumnElement[]): [string, ColumnElement][] {
  const used = new Set<string>();
  const counters = new Map<string, number>();
  return cols.map((c) => {
    const key = c.key ?? "anon";
    let name = key;
    while (used.has(name)) {
      const n = (counters.get(key) ?? 0) + 1;
      counters.set(key, n);
      name = `${key}_${n}`;
    }
    used.add(name);
    return [name, c];
  });
}

export function expandColumnArg(arg: unknown): ColumnElement[] {
  if (arg instanceof FromClause) return arg._columns;
  if (arg instanceof ColumnElement) return [arg];
  const resolved = selectPlugins.resolveEntity?.(arg);
  if (resolved) return resolved.columns;
  const ce = (arg as { __clause_element__?: () => unknown } | null)?.__clause_element__;
  if (typeof ce === "function") return expandColumnArg(ce.call(arg));
  if (typeof arg === "string") return [new ColumnClause(arg, undefined, true)];
  // text() in the columns clause renders as written (SQLAlchemy keeps it a TextClause)
  if (
    arg instanceof ClauseElement &&
    arg.__visit_name__ === "textclause" &&
    (arg as unknown as { _bindparams: Map<string, unknown> })._bindparams.size === 0
  )
    return [new ColumnClause((arg as unknown as { text: string }).text, undefined, true)];
  throw new ArgumentError(
    `Column expression, FROM clause, or other columns clause element expected, got ${String(arg)}.`,
  );
}

/**
 * SQLAlchemy's SelectBase: a statement that returns rows (a SELECT, a compound of SELECTs, textual
 * SQL with columns) — what it can become (a subquery, a CTE, a scalar subquery, a label) and how it
 * executes, with its execution options.
 */
export abstract class SelectBase extends ClauseElement {
  _execution_options: ExecutionOptions = {};

  /** The column expressions of the rows it returns. */
  abstract _exported_columns(): ColumnElement[];
  /** A copy to change (the generative methods return it). */
  protected abstract _clone(): this;

  /** The columns of its rows as a column collection (`.keys()`, by name, iterable). */
  get selected_columns(): SelectedColumns {
    return selectedColumns(this._exported_columns());
  }
  execution_options(options: Record<string, unknown>): this {
    const c = this._clone();
    c._execution_options = { ...this._execution_options, ...options };
    return c;
  }
  get_execution_options(): ExecutionOptions {
    return this._execution_options;
  }
  subquery(name?: string): Subquery {
    return new Subquery(this, name ?? null);
  }
  alias(name?: string): Subquery {
    return new Subquery(this, name ?? null);
  }
  /** `WITH name AS (…)`: this statement as a common table expression (anonymous without a name). */
  cte(name?: string | null, options: CTEOptions = {}): CTE {
    return new CTE(this, name ?? null, options);
  }
  /** `LATERAL (…) AS name`: a subquery that may refer to the FROMs before it. */
  lateral(name?: string): Lateral {
    return new Lateral(this, name ?? null);
  }
  scalar_subquery(): ScalarSelect {
    return new ScalarSelect(this);
  }
  label(name: string): Label {
    return new Label(name, this.scalar_subquery());
  }

  _execute_on_connection(
    connection: Connection,
    distilled_params: readonly Record<string, unknown>[],
    execution_options: ExecutionOptions,
  ): CursorResult {
    return _execute_statement_on_connection(this, connection, distilled_params, execution_options);
  }

  /** Python's default repr: `<sqlalchemy.sql.selectable.Select object at 0x…>`. */
  __repr__(): string {
    const mod = (this.constructor as { __module__?: string }).__module__ ?? "sqlalchemy.sql.selectable";
    return `<${mod}.${this.constructor.name} object at 0x${objectAddress(this)}>`;
  }
}

/**
 * SQLAlchemy's GenerativeSelect: a SELECT or a compound of SELECTs, with its own ORDER BY,
 * GROUP BY, LIMIT and OFFSET.
 */
export abstract class GenerativeSelect extends SelectBase {
  _order_by: ClauseElement[] = [];
  _group_by: ClauseElement[] = [];
  _limit: number | ClauseElement | null = null;
  _offset: number | ClauseElement | null = null;

  protected _clone(): this {
    const c = Object.create(Object.getPrototypeOf(this)) as this;
    Object.assign(c, this);
    c._cache_key_builder = undefined; // the copy is about to change: its key is made anew
    c._order_by = [...this._order_by];
    c._group_by = [...this._group_by];
    return c;
  }

  /** `order_by(None)` (here `null`) takes the ORDER BY away; a string names a label. */
  order_by(...clauses: unknown[]): this {
    const c = this._clone();
    if (clauses.length === 1 && clauses[0] === null) c._order_by = [];
    else
      for (const o of clauses)
        c._order_by.push(typeof o === "string" ? new TextualLabelReference(o) : coerce(o));
    return c;
  }
  group_by(...clauses: unknown[]): this {
    const c = this._clone();
    for (const g of clauses)
      c._group_by.push(typeof g === "string" ? new TextualLabelReference(g) : coerce(g));
    return c;
  }
  limit(n: number | null): this {
    const c = this._clone();
    c._limit = n === null ? null : new BindParameter("param", n, { type_: INTEGERTYPE, unique: true });
    return c;
  }
  offset(n: number | null): this {
    const c = this._clone();
    c._offset = n === null ? null : new BindParameter("param", n, { type_: INTEGERTYPE, unique: true });
    return c;
  }
}

export class Select extends GenerativeSelect {
  readonly __visit_name__ = "select";
  _raw_columns: unknown[] = [];
  _where_criteria: ClauseElement[] = [];
  _having_criteria: ClauseElement[] = [];
  _distinct = false;
  _setup_joins: SetupJoin[] = [];
  _from_obj: FromClause[] = [];
  _label_style: LabelStyle = LABEL_STYLE_DISAMBIGUATE_ONLY;
  _for_update: { nowait?: boolean; read?: boolean; skip_locked?: boolean } | null = null;
  /** Loader options (ORM): selectinload(), joinedload() … */
  _with_options: unknown[] = [];
  /** Free slot for the ORM's compile state. */
  _propagate_attrs: Record<string, unknown> = {};
  /** Correlation (SQLAlchemy's _correlate / _correlate_except / _auto_correlate). */
  _correlate: FromClause[] = [];
  _correlate_except: FromClause[] | null = null;
  _auto_correlate = true;

  constructor(...entities: unknown[]) {
    super();
    const given = entities.length === 1 && Array.isArray(entities[0]) ? (entities[0] as unknown[]) : entities;
    // a column collection (`table.c["a", "b"]`) stands for its columns
    const flat = given.flatMap(
      (e) => (e as { _select_iterable?: unknown[] } | null)?._select_iterable ?? [e],
    );
    this._raw_columns = flat;
    for (const e of flat) expandColumnArg(e);
  }

  protected override _clone(): this {
    const c = super._clone();
    c._raw_columns = [...this._raw_columns];
    c._where_criteria = [...this._where_criteria];
    c._having_criteria = [...this._having_criteria];
    c._setup_joins = [...this._setup_joins];
    c._from_obj = [...this._from_obj];
    c._with_options = [...this._with_options];
    c._correlate = [...this._correlate];
    return c;
  }

  /**
   * `correlate(t, …)`: these FROMs are left out when the enclosing SELECT has them;
   * `correlate(null)` turns correlation off (the subquery keeps all its FROMs).
   */
  correlate(...froms: unknown[]): this {
    const c = this._clone();
    c._auto_correlate = false;
    if (froms.length === 0 || (froms.length === 1 && (froms[0] === null || froms[0] === undefined)))
      c._correlate = [];
    else for (const f of froms) c._correlate.push(asFrom(f));
    return c;
  }

  /** `correlate_except(t, …)`: every FROM the enclosing SELECT has is left out, except these. */
  correlate_except(...froms: unknown[]): this {
    const c = this._clone();
    c._auto_correlate = false;
    c._correlate_except =
      froms.length === 1 && (froms[0] === null || froms[0] === undefined)
        ? []
        : [...(this._correlate_except ?? []), ...froms.map(asFrom)];
    return c;
  }

  /** The column expressions of the SELECT list (entities expanded). */
  _exported_columns(): ColumnElement[] {
    return this._raw_columns.flatMap(expandColumnArg);
  }

  /**
   * What each entry of the SELECT list is: `{ name, type, expr }` per column (a repeated name
   * numbered, `id_1`, as the SELECT labels it); an ORM statement describes its entities
   * (`{ name, type, aliased, expr, entity }`, orm/context.ts).
   */
  get column_descriptions(): Record<string, unknown>[] {
    const orm = selectPlugins.columnDescriptions?.(this);
    if (orm) return orm;
    return _column_names(this._exported_columns()).map(([name, c]) => ({ name, type: c.type, expr: c }));
  }

  where(...criteria: unknown[]): this {
    const c = this._clone();
    for (const w of criteria) c._where_criteria.push(coerce(w));
    return c;
  }
  filter(...criteria: unknown[]): this {
    return this.where(...criteria);
  }
  /** `filter_by(name="x")` against the first entity / table. */
  filter_by(kwargs: Record<string, unknown>): this {
    const first = this._raw_columns[0];
    const cols = expandColumnArg(first);
    const crit = Object.entries(kwargs).map(([k, v]) => {
      const col = cols.find((c) => c.key === k);
      if (!col)
        throw new InvalidRequestError(`Entity namespace for "${String(first)}" has no property "${k}"`);
      return col.eq(v);
    });
    return this.where(...crit);
  }
  having(...criteria: unknown[]): this {
    const c = this._clone();
    for (const w of criteria) c._having_criteria.push(coerce(w));
    return c;
  }
  distinct(): this {
    const c = this._clone();
    c._distinct = true;
    return c;
  }
  select_from(...froms: unknown[]): this {
    const c = this._clone();
    for (const f of froms) c._from_obj.push(asFrom(f));
    return c;
  }
  join(target: unknown, onclause?: unknown, options: { isouter?: boolean; full?: boolean } = {}): this {
    const c = this._clone();
    const orm = selectPlugins.resolveJoin?.(target, onclause);
    if (orm) {
      for (const j of orm)
        c._setup_joins.push({ ...j, isouter: options.isouter ?? false, full: options.full ?? false });
      return c;
    }
    c._setup_joins.push({
      target: asFrom(target),
      onclause,
      left: null,
      isouter: options.isouter ?? false,
      full: options.full ?? false,
    });
    return c;
  }
  outerjoin(target: unknown, onclause?: unknown, options: { full?: boolean } = {}): this {
    return this.join(target, onclause, { isouter: true, full: options.full });
  }
  join_from(
    left: unknown,
    right: unknown,
    onclause?: unknown,
    options: { isouter?: boolean; full?: boolean } = {},
  ): this {
    const c = this._clone();
    const orm = selectPlugins.resolveJoin?.(right, onclause);
    if (orm) {
      for (const j of orm)
        c._setup_joins.push({ ...j, isouter: options.isouter ?? false, full: options.full ?? false });
      return c;
    }
    c._setup_joins.push({
      target: asFrom(right),
      onclause,
      left: asFrom(left),
      isouter: options.isouter ?? false,
      full: options.full ?? false,
    });
    return c;
  }
  outerjoin_from(left: unknown, right: unknown, onclause?: unknown): this {
    return this.join_from(left, right, onclause, { isouter: true });
  }
  /**
   * `select(User).from_statement(text("SELECT …"))`: the entities loaded from the rows of another
   * statement, which runs as written (the ORM matches its columns to the entities by name).
   */
  from_statement(statement: unknown): unknown {
    if (!selectPlugins.fromStatement)
      throw new InvalidRequestError("from_statement() is an ORM feature: import sqlalchemy/orm");
    return selectPlugins.fromStatement(this._raw_columns, statement);
  }
  with_only_columns(...cols: unknown[]): this {
    const c = this._clone();
    c._raw_columns = cols;
    return c;
  }
  add_columns(...cols: unknown[]): this {
    const c = this._clone();
    c._raw_columns.push(...cols);
    return c;
  }
  set_label_style(style: LabelStyle): this {
    const c = this._clone();
    c._label_style = style;
    return c;
  }
  options(...opts: unknown[]): this {
    const c = this._clone();
    c._with_options.push(...opts);
    return c;
  }
  with_for_update(options: { nowait?: boolean; read?: boolean; skip_locked?: boolean } = {}): this {
    const c = this._clone();
    c._for_update = options;
    return c;
  }
  union(...other: SelectBase[]): CompoundSelect {
    return new CompoundSelect("UNION", [this, ...other]);
  }
  union_all(...other: SelectBase[]): CompoundSelect {
    return new CompoundSelect("UNION ALL", [this, ...other]);
  }
  except_(...other: SelectBase[]): CompoundSelect {
    return new CompoundSelect("EXCEPT", [this, ...other]);
  }
  except_all(...other: SelectBase[]): CompoundSelect {
    return new CompoundSelect("EXCEPT ALL", [this, ...other]);
  }
  intersect(...other: SelectBase[]): CompoundSelect {
    return new CompoundSelect("INTERSECT", [this, ...other]);
  }
  intersect_all(...other: SelectBase[]): CompoundSelect {
    return new CompoundSelect("INTERSECT ALL", [this, ...other]);
  }
  exists(): Exists {
    return new Exists(this);
  }

  _ck(k: CacheKeyBuilder): void {
    k.push("select(", this._label_style, this._distinct ? "d" : "", this._auto_correlate ? "" : "nc");
    if (this._correlate.length) {
      k.push("corr");
      for (const f of this._correlate) f._ck(k);
    }
    if (this._correlate_except) {
      k.push("corrx");
      for (const f of this._correlate_except) f._ck(k);
    }
    for (const c of this._raw_columns) {
      if (c instanceof ClauseElement) c._ck(k);
      else {
        const ck = (c as { _ck?: (k: CacheKeyBuilder) => void })._ck;
        if (typeof ck === "function") ck.call(c, k);
        else k.push(`ent${objectId(c as object)}`);
      }
    }
    k.push("|w");
    for (const w of this._where_criteria) w._ck(k);
    k.push("|j");
    for (const j of this._setup_joins) {
      k.push(j.isouter ? "o" : "i");
      j.left?._ck(k);
      j.target._ck(k);
      if (j.onclause instanceof ClauseElement) j.onclause._ck(k);
    }
    k.push("|f");
    for (const f of this._from_obj) f._ck(k);
    k.push("|o");
    for (const o of this._order_by) o._ck(k);
    k.push("|g");
    for (const g of this._group_by) g._ck(k);
    k.push("|h");
    for (const h of this._having_criteria) h._ck(k);
    k.push("|l");
    if (this._limit instanceof ClauseElement) this._limit._ck(k);
    k.push("|of");
    if (this._offset instanceof ClauseElement) this._offset._ck(k);
    if (this._for_update) k.push("fu", JSON.stringify(this._for_update));
    // populate_existing given to a statement with loader options (selectinload() …) keeps its own
    // compiled entry, as SQLAlchemy 2.0.52 shows; without loader options it shares the entry
    if (
      this._execution_options.populate_existing &&
      this._with_options.some((o) => (o as { _is_loader_option?: boolean })._is_loader_option)
    )
      k.push("pe");
    for (const o of this._with_options) {
      const ck = (o as { _ck?: (k: CacheKeyBuilder) => void })._ck;
      if (typeof ck === "function") ck.call(o, k);
    }
    k.push(")");
  }

  /** `str(stmt)` / `stmt.compile()`: an ORM statement shows its eager loads, as SQLAlchemy compiles it. */
  override toString(): string {
    const s = selectPlugins.ormStatement?.(this) ?? this;
    return s === this ? super.toString() : s.toString();
  }
  override compile(
    bind?: unknown,
    options: { compile_kwargs?: { literal_binds?: boolean } } = {},
  ): ReturnType<ClauseElement["compile"]> {
    const s = selectPlugins.ormStatement?.(this) ?? this;
    return s === this ? super.compile(bind, options) : s.compile(bind, options);
  }
}

/**
 * `text("SELECT …").columns(...)`: textual SQL that serves as a SELECT (SQLAlchemy's TextualSelect):
 * its `selected_columns` are the columns given, which type the result and name a subquery's `.c`.
 */
export class TextualSelect extends SelectBase {
  readonly __visit_name__ = "textual_select";
  /** The TextClause. */
  readonly element: ClauseElement & { bindparams(...args: unknown[]): ClauseElement };
  readonly column_args: readonly ColumnElement[];
  /** The columns were given in order: the result is matched to them by position, else by name. */
  readonly positional: boolean;

  constructor(
    element: ClauseElement & { bindparams(...args: unknown[]): ClauseElement },
    columns: readonly ColumnElement[],
    positional = false,
  ) {
    super();
    this.element = element;
    this.column_args = columns;
    this.positional = positional;
  }

  _exported_columns(): ColumnElement[] {
    return [...this.column_args];
  }
  override get selected_columns(): SelectedColumns {
    return selectedColumns(this._exported_columns());
  }
  get exported_columns(): ColumnElement[] {
    return this._exported_columns();
  }

  /** `.bindparams(...)` of the text, keeping the columns. */
  bindparams(...args: unknown[]): TextualSelect {
    const c = new TextualSelect(
      this.element.bindparams(...args) as TextualSelect["element"],
      this.column_args,
      this.positional,
    );
    c._execution_options = this._execution_options;
    return c;
  }
  protected _clone(): this {
    const c = Object.create(Object.getPrototypeOf(this)) as this;
    Object.assign(c, this);
    c._cache_key_builder = undefined;
    return c;
  }
  /** Label styles do not apply to textual SQL (TextualSelect.set_label_style returns itself). */
  set_label_style(_style: LabelStyle): this {
    return this;
  }

  _ck(k: CacheKeyBuilder): void {
    k.push("textsel(", this.positional ? "p" : "");
    this.element._ck(k);
    for (const c of this.column_args) c._ck(k);
    k.push(")");
  }
}

function asFrom(f: unknown): FromClause {
  if (f instanceof FromClause) return f;
  const resolved = selectPlugins.resolveEntity?.(f);
  if (resolved) return resolved.from;
  const ce = (f as { __clause_element__?: () => unknown } | null)?.__clause_element__;
  if (typeof ce === "function") return asFrom(ce.call(f));
  throw new ArgumentError(`FROM expression expected, got ${String(f)}`);
}

export class ScalarSelect extends ColumnElement {
  readonly __visit_name__ = "scalar_select";
  readonly element: SelectBase;
  constructor(element: SelectBase) {
    super();
    this.element = element;
    this.type = element._exported_columns()[0]?.type ?? this.type;
  }
  /** `scalar_subquery().where(…)`: criteria added to the SELECT inside. */
  where(...criteria: unknown[]): ScalarSelect {
    return new ScalarSelect(this._select("where").where(...criteria));
  }
  correlate(...froms: unknown[]): ScalarSelect {
    return new ScalarSelect(this._select("correlate").correlate(...froms));
  }
  correlate_except(...froms: unknown[]): ScalarSelect {
    return new ScalarSelect(this._select("correlate_except").correlate_except(...froms));
  }
  /** The SELECT inside; a compound has none of its methods (Python's AttributeError). */
  private _select(method: string): Select {
    if (this.element instanceof Select) return this.element;
    throw new AttributeError(`'${this.element.constructor.name}' object has no attribute '${method}'`);
  }
  _ck(k: CacheKeyBuilder): void {
    k.push("scalar(");
    this.element._ck(k);
    k.push(")");
  }
}

export class Exists extends ColumnElement {
  readonly __visit_name__ = "exists";
  readonly element: Select;
  constructor(element: Select) {
    super();
    this.element = element;
    this.type = BOOLEANTYPE;
  }
  /** `exists().where(…)`: criteria of the SELECT inside. */
  where(...criteria: unknown[]): Exists {
    return new Exists(this.element.where(...criteria));
  }
  correlate(...froms: unknown[]): Exists {
    return new Exists(this.element.correlate(...froms));
  }
  correlate_except(...froms: unknown[]): Exists {
    return new Exists(this.element.correlate_except(...froms));
  }
  select_from(...froms: unknown[]): Exists {
    return new Exists(this.element.select_from(...froms));
  }
  _ck(k: CacheKeyBuilder): void {
    k.push("exists(");
    this.element._ck(k);
    k.push(")");
  }
}

/** A SELECT list as SQLAlchemy's ColumnCollection shows it: `.keys()`, access by name, iteration. */
export type SelectedColumns = Record<string, ColumnElement> & {
  keys(): string[];
  readonly length: number;
  [Symbol.iterator](): Iterator<ColumnElement>;
};

function selectedColumns(cols: ColumnElement[]): SelectedColumns {
  const out: Record<string, ColumnElement> = {};
  const keys: string[] = [];
  for (const c of cols) {
    const key = c.key ?? "anon";
    if (!(key in out)) {
      out[key] = c;
      keys.push(key);
    }
  }
  Object.defineProperties(out, {
    keys: { value: () => [...keys], enumerable: false },
    length: { value: cols.length, enumerable: false },
    [Symbol.iterator]: { value: () => cols[Symbol.iterator](), enumerable: false },
  });
  return out as SelectedColumns;
}

export type CompoundKeyword = "UNION" | "UNION ALL" | "EXCEPT" | "EXCEPT ALL" | "INTERSECT" | "INTERSECT ALL";

/**
 * `union(s1, s2, …)`, `s1.union_all(s2)`, `except_()`, `intersect()` …: SELECTs joined by a set
 * operator, with its own ORDER BY / GROUP BY / LIMIT / OFFSET. Its columns are the first SELECT's.
 */
export class CompoundSelect extends GenerativeSelect {
  readonly __visit_name__ = "compound_select";
  readonly keyword: CompoundKeyword;
  readonly selects: SelectBase[];
  constructor(keyword: CompoundKeyword, selects: SelectBase[]) {
    super();
    this.keyword = keyword;
    for (const s of selects)
      if (!(s instanceof Select || s instanceof CompoundSelect))
        throw new ArgumentError(
          `SELECT construct for inclusion in a UNION or other set construct expected, got ${repr(s)}.`,
        );
    this.selects = selects;
  }
  _exported_columns(): ColumnElement[] {
    return this.selects[0]!._exported_columns();
  }
  _ck(k: CacheKeyBuilder): void {
    k.push("compound(", this.keyword);
    for (const s of this.selects) s._ck(k);
    k.push("|o");
    for (const o of this._order_by) o._ck(k);
    k.push("|g");
    for (const g of this._group_by) g._ck(k);
    k.push("|l");
    if (this._limit instanceof ClauseElement) this._limit._ck(k);
    k.push("|of");
    if (this._offset instanceof ClauseElement) this._offset._ck(k);
    k.push(")");
  }
}

export function union(...selects: SelectBase[]): CompoundSelect {
  return new CompoundSelect("UNION", selects);
}
export function union_all(...selects: SelectBase[]): CompoundSelect {
  return new CompoundSelect("UNION ALL", selects);
}
export function except_(...selects: SelectBase[]): CompoundSelect {
  return new CompoundSelect("EXCEPT", selects);
}
export function except_all(...selects: SelectBase[]): CompoundSelect {
  return new CompoundSelect("EXCEPT ALL", selects);
}
export function intersect(...selects: SelectBase[]): CompoundSelect {
  return new CompoundSelect("INTERSECT", selects);
}
export function intersect_all(...selects: SelectBase[]): CompoundSelect {
  return new CompoundSelect("INTERSECT ALL", selects);
}

export interface CTEOptions {
  recursive?: boolean;
  nesting?: boolean;
}

/**
 * `select(…).cte(name)`: a common table expression. The outermost statement renders it in its
 * `WITH` clause (`WITH RECURSIVE` when one is recursive), or with `{ nesting: true }` the SELECT
 * that uses it (SQLCompiler's CTE levels); where it is used as a FROM, only its name
 * (or `name AS alias` for `cte.alias(alias)`). A recursive CTE's `union_all()` gives the CTE that
 * restates it, with both parts, under the same name.
 */
export class CTE extends Subquery {
  override readonly __visit_name__ = "cte";
  readonly recursive: boolean;
  /** Rendered in a WITH of the SELECT that uses it, not of the outermost statement. */
  readonly nesting: boolean;
  /** The CTE this one is an alias of (`cte.alias("other")`). */
  readonly _cte_alias: CTE | null;
  /** The CTE this one restates with more SELECTs (`cte.union_all(…)`). */
  readonly _restates: CTE | null;
  constructor(
    element: SelectBase,
    name: string | null,
    options: CTEOptions = {},
    extra: { cte_alias?: CTE; restates?: CTE } = {},
  ) {
    super(element, name);
    for (const k of Object.keys(options))
      if (k !== "recursive" && k !== "nesting")
        throw new TypeError(`HasCTE.cte() got an unexpected keyword argument '${k}'`);
    this.recursive = options.recursive ?? false;
    this.nesting = options.nesting ?? false;
    this._cte_alias = extra.cte_alias ?? null;
    this._restates = extra.restates ?? null;
  }
  /** The CTE every restatement goes back to: it names them all. */
  _get_reference_cte(): CTE {
    let c: CTE = this;
    while (c._restates) c = c._restates;
    return c;
  }
  override alias(name?: string): CTE {
    return new CTE(
      this.element as SelectBase,
      name ?? null,
      { recursive: this.recursive, nesting: this.nesting },
      { cte_alias: this },
    );
  }
  private _restate(keyword: CompoundKeyword, method: string, other: SelectBase[]): CTE {
    const el = this.element;
    if (!(el instanceof Select))
      throw new AssertionError(`CTE element f${String(el)} does not support ${method}()`);
    const compound = new CompoundSelect(keyword, [el, ...other]);
    return new CTE(
      compound,
      this.name,
      { recursive: this.recursive, nesting: this.nesting },
      { restates: this },
    );
  }
  union(...other: SelectBase[]): CTE {
    return this._restate("UNION", "union", other);
  }
  union_all(...other: SelectBase[]): CTE {
    return this._restate("UNION ALL", "union_all", other);
  }
  protected override _ck_extra(k: CacheKeyBuilder): void {
    k.push(this.recursive ? "rec" : "", this.nesting ? "nest" : "");
    if (this._cte_alias) {
      k.push("aliasof");
      this._cte_alias._ck(k);
    }
    if (this._restates) {
      k.push("restates");
      this._restates._ck(k);
    }
  }
}

/** `select(…).lateral(name)` / `lateral(select)`: `LATERAL (SELECT …) AS name`, correlated to the FROMs before it. */
export class Lateral extends Subquery {
  override readonly __visit_name__ = "lateral";
}

export function lateral(
  selectable: SelectBase | TableValuedAlias,
  name?: string,
): Lateral | TableValuedAlias {
  if (selectable instanceof TableValuedAlias) return selectable.lateral(name);
  return new Lateral(selectable, name ?? null);
}

/**
 * A function used as a FROM (`func.json_each(x).table_valued("value")`): `json_each(x) AS anon_1`,
 * its columns `anon_1.value`; `render_derived()` names them in the alias (`AS anon_1(value)`).
 */
export class TableValuedAlias extends Subquery {
  override readonly __visit_name__ = "table_valued_alias";
  readonly _is_lateral: boolean;
  readonly _render_derived: boolean;
  readonly _render_derived_w_types: boolean;
  readonly joins_implicitly: boolean;
  readonly _names: ColumnClause[];
  constructor(
    fn: ColumnElement,
    name: string | null,
    columns: ColumnClause[],
    joins_implicitly: boolean,
    flags: { lateral?: boolean; derived?: boolean; with_types?: boolean } = {},
  ) {
    super(fn, name, false, columns);
    this._names = columns;
    this.joins_implicitly = joins_implicitly;
    this._is_lateral = flags.lateral ?? false;
    this._render_derived = flags.derived ?? false;
    this._render_derived_w_types = flags.with_types ?? false;
  }
  /** The alias itself as a column (`SELECT anon_1 FROM unnest(…) AS anon_1`): FunctionElement.column_valued(). */
  get column(): TableValuedColumn {
    return new TableValuedColumn(this, (this.element as ColumnElement).type);
  }
  render_derived_column(): TableValuedColumn {
    return this.column;
  }
  override alias(name?: string): TableValuedAlias {
    return new TableValuedAlias(
      this.element as ColumnElement,
      name ?? null,
      this._names,
      this.joins_implicitly,
      {
        lateral: this._is_lateral,
        derived: this._render_derived,
        with_types: this._render_derived_w_types,
      },
    );
  }
  lateral(name?: string): TableValuedAlias {
    return new TableValuedAlias(
      this.element as ColumnElement,
      name ?? this.name,
      this._names,
      this.joins_implicitly,
      {
        lateral: true,
        derived: this._render_derived,
        with_types: this._render_derived_w_types,
      },
    );
  }
  /** `AS anon_1(a, b)` (with their types: `AS anon_1(a INTEGER, b VARCHAR)`). */
  render_derived(options: { name?: string; with_types?: boolean } = {}): TableValuedAlias {
    return new TableValuedAlias(
      this.element as ColumnElement,
      options.name ?? this.name,
      this._names,
      this.joins_implicitly,
      {
        lateral: this._is_lateral,
        derived: true,
        with_types: options.with_types ?? false,
      },
    );
  }
  protected override _ck_extra(k: CacheKeyBuilder): void {
    k.push(
      this._is_lateral ? "lat" : "",
      this._render_derived ? "der" : "",
      this._render_derived_w_types ? "typ" : "",
    );
    for (const c of this._names) k.push(c.name, c.type.__repr__());
  }
}

/** A table-valued alias as one column: renders as the alias's name. */
export class TableValuedColumn extends ColumnElement {
  readonly __visit_name__ = "table_valued_column";
  readonly scalar_alias: TableValuedAlias;
  constructor(scalar_alias: TableValuedAlias, type_: unknown) {
    super();
    this.scalar_alias = scalar_alias;
    this.type = type_ as ColumnElement["type"];
  }
  override get key(): string {
    return this.scalar_alias.name ?? "anon";
  }
  _ck(k: CacheKeyBuilder): void {
    k.push("tvcol");
    this.scalar_alias._ck(k);
  }
}

/** `func.x(…).scalar_table_valued("name")`: `(x(…)).name`. */
export class ScalarFunctionColumn extends ColumnElement {
  readonly __visit_name__ = "scalar_function_column";
  readonly fn: ColumnElement;
  readonly name: string;
  constructor(fn: ColumnElement, name: string, type_?: unknown) {
    super();
    this.fn = fn;
    this.name = name;
    this.type = to_instance(type_);
  }
  override get key(): string {
    return this.name;
  }
  _ck(k: CacheKeyBuilder): void {
    k.push("sfcol", this.name);
    this.fn._ck(k);
  }
}

/** `select(col, table, entity, …)`. */
export function select(...entities: unknown[]): Select {
  return new Select(...entities);
}
export function exists(stmt?: Select | unknown): Exists {
  if (stmt instanceof Select) return new Exists(stmt);
  // `exists()` alone is `EXISTS (SELECT * …)`
  return new Exists(new Select(stmt === undefined ? new Star() : coerceColumn(stmt)));
}

defineModule(
  "sqlalchemy.sql.selectable",
  Select,
  Join,
  Subquery,
  ScalarSelect,
  Exists,
  FromClause,
  TextualSelect,
  Values,
  ScalarValues,
  CompoundSelect,
  CTE,
  Lateral,
  TableValuedAlias,
);
