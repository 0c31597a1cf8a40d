/**
 * `sqlalchemy.sql.compiler`: SQLCompiler renders a statement for one dialect — a visitor over the
 * expression tree, dispatched through a table keyed by every element's `__visit_name__` (see
 * visitors.ts), with the dialect's subclasses overriding hooks (RETURNING, LIMIT/OFFSET, ILIKE, bind
 * casts). Bind parameters are first written as markers, then rendered in the driver's paramstyle
 * (bindmarkers.ts); that also lets an expanding IN be rendered per execution. What an INSERT /
 * UPDATE sets is crud.ts's; insertmanyvalues batching is insertmanyvalues.ts's; type names are the
 * type compiler's (type_compiler.ts); DDL is DDLCompiler's (ddl_compiler.ts).
 */
import type {
  BindProcessor,
  CompiledLike,
  CompileWithCacheResult,
  DBAPIParameters,
  InsertManyValuesBatch,
  Paramstyle,
  ResultColumn,
} from "../engine/interfaces.ts";
import { CompileError, InvalidRequestError, UnsupportedCompilationError } from "../exc.ts";
import { NotImplementedError } from "../util/builtins.ts";
import type { CompiledCache } from "../util/collections.ts";
import { defineModule, repr } from "../util/repr.ts";
import { bindMarker, COUNTER_MARK, type RenderedBinds, renderBindMarkers } from "./bindmarkers.ts";
import { _get_crud_params, _get_returning_modifiers, _self_group } from "./crud.ts";
import type { DDLCompiler } from "./ddl_compiler.ts";
import { _cant_mix_formats_error, type Delete, type Insert, type Update } from "./dml.ts";
import {
  _non_anon_label,
  _setCacheHook,
  _setCompileHooks,
  BinaryExpression,
  BindParameter,
  BooleanClauseList,
  CacheKeyBuilder,
  type Case,
  type Cast,
  ClauseElement,
  type ClauseList,
  ColumnClause,
  type ColumnElement,
  type FunctionFilter,
  type Grouping,
  Label,
  literal,
  type Over,
  Star,
  type TextualLabelReference,
  type TypeCoerce,
  type UnaryExpression,
  type WithinGroup,
} from "./elements.ts";
import type { FunctionElement } from "./functions.ts";
import { _deliver_insertmanyvalues_batches, type InsertManyValues } from "./insertmanyvalues.ts";
import { Column, type Table } from "./schema.ts";
import {
  CompoundSelect,
  CTE,
  type Exists,
  FromClause,
  GenerativeSelect,
  Join,
  type Lateral,
  ScalarFunctionColumn,
  type ScalarSelect,
  type ScalarValues,
  type Select,
  Subquery,
  SubqueryColumn,
  selectPlugins,
  type TableValuedAlias,
  TableValuedColumn,
  type TextualSelect,
  type Values,
} from "./selectable.ts";
import { type TypeDialect, type TypeEngine, typeCompileHook } from "./sqltypes.ts";
import type { TextClause } from "./text.ts";
import { GenericTypeCompiler, type TypeCompilerClass, typeCompilerFor } from "./type_compiler.ts";
import type { CompileKw, SQLVisitName, VisitName, VisitorTable } from "./visitors.ts";

export { GenericTypeCompiler, typeCompilerFor };

/** What the compiler needs from a dialect (engine/default.ts's DefaultDialect provides it). */
export interface CompilerDialect extends TypeDialect {
  readonly name: string;
  readonly paramstyle: Paramstyle;
  readonly positional: boolean;
  readonly _cache_token?: string;
  readonly insert_returning?: boolean;
  readonly update_returning?: boolean;
  readonly use_insertmanyvalues?: boolean;
  readonly use_insertmanyvalues_wo_returning?: boolean;
  readonly insertmanyvalues_page_size?: number;
  /** Render `::TYPE` after each typed bind (asyncpg, psycopg 3). */
  readonly render_bind_casts?: boolean;
  /** Whether a single-row INSERT fetches the new primary key with RETURNING (PostgreSQL). */
  readonly implicit_returning?: boolean;
  readonly statement_compiler?: SQLCompilerClass;
  readonly ddl_compiler?: DDLCompilerClass;
  readonly type_compiler_cls?: TypeCompilerClass;
  /** The names the dialect's IdentifierPreparer quotes (SQLAlchemy's `reserved_words`). */
  readonly reserved_words?: ReadonlySet<string>;
}

/** A statement compiler class: SQLCompiler or a dialect's subclass (`dialect.statement_compiler`). */
export type SQLCompilerClass = new (
  dialect: CompilerDialect,
  statement: ClauseElement,
  options?: CompileOptions,
) => SQLCompiler;
/** A DDL compiler class: DDLCompiler or a dialect's subclass (`dialect.ddl_compiler`). */
export type DDLCompilerClass = new (
  dialect: CompilerDialect,
  statement: ClauseElement,
  options?: CompileOptions,
) => DDLCompiler;

export const DEFAULT_DIALECT: CompilerDialect = {
  name: "default",
  paramstyle: "named",
  positional: false,
  _cache_token: "default",
};

const RESERVED = new Set(
  "all analyse analyze and any array as asc asymmetric authorization between binary both case cast check collate column constraint create cross current_date current_role current_time current_timestamp current_user default deferrable desc distinct do else end except false for foreign freeze from full grant group having ilike in initially inner intersect into is isnull join leading left like limit localtime localtimestamp natural new not notnull null off offset old on only or order outer overlaps placing primary references right select session_user similar some symmetric table then to trailing true union unique user using verbose when where".split(
    " ",
  ),
);
const LEGAL = /^[a-z_][a-z0-9_$]*$/;

/** A name as the dialect's IdentifierPreparer renders it: quoted when reserved or not a plain lower-case name. */
export function quoteIdentifier(name: string, reserved: ReadonlySet<string> = RESERVED): string {
  return LEGAL.test(name) && !reserved.has(name) ? name : `"${name.replace(/"/g, '""')}"`;
}

/** Options a compile runs with. */
export interface CompileOptions {
  column_keys?: readonly string[];
  for_executemany?: boolean;
  /** Binds in cache-key order: lets a cached compiled form take another statement's values. */
  key_binds?: readonly BindParameter[];
  literal_binds?: boolean;
}

interface BindInfo {
  name: string;
  bind: BindParameter;
  cast: string | null;
}

/**
 * A `:name` in a text() (SQLAlchemy's BIND_PARAMS / BIND_PARAMS_ESC): a name of Unicode word
 * characters or `$`, not preceded by one or by a colon or backslash; `\:name` is a literal colon.
 * Python's `\w` on str is a Unicode letter, digit or underscore.
 */
const BIND_PARAMS = /(?<![:\p{L}\p{N}_$\\]):([\p{L}\p{N}_$]+)(?![:\p{L}\p{N}_$])/gu;
const BIND_PARAMS_ESC = /\\(:[\p{L}\p{N}_$]*)(?![:\p{L}\p{N}_$])/gu;

const EMPTY_FROMS: ReadonlySet<FromClause> = new Set();

const NO_OPTIONS: { for_executemany?: boolean; _check?: boolean } = Object.freeze({});

/** A bind as construct_params() resolves it: its name, its parameter, its place among the extracted values. */
interface BindPlan {
  readonly name: string;
  readonly bind: BindParameter;
  readonly idx: number | undefined;
}

/** Whether a SELECT gives this column an anonymous label (`count(x) AS count_1`, `x % :p AS anon_1`). */
function _takes_anon_label(c: ColumnElement): boolean {
  return (
    !(c instanceof Label) &&
    !(c instanceof Column) &&
    !(c instanceof SubqueryColumn) &&
    !(c instanceof ColumnClause) &&
    !(c instanceof TableValuedColumn) &&
    !(c instanceof ScalarFunctionColumn) &&
    !(c instanceof Star) &&
    _non_anon_label(c) === null
  );
}

/**
 * A bind's value for one execution: the given parameter (by name, or by key for a non-unique bind),
 * else the extracted or compile-time value; a bind with none raises cd3x (when `check`).
 */
function bindValue(
  p: BindPlan,
  params: Readonly<Record<string, unknown>> | null | undefined,
  extracted: readonly unknown[] | null | undefined,
  check: boolean,
): unknown {
  const { name, bind: b, idx } = p;
  if (params) {
    const given = params[name];
    // (a value that is no function is the caller's own: of Object.prototype's properties only
    // `__proto__` reads as something else)
    if (given !== undefined && typeof given !== "function" && name !== "__proto__") return given;
    if (Object.hasOwn(params, name)) return given;
    if (!b.unique && Object.hasOwn(params, b.key)) return params[b.key];
  }
  let v = extracted && idx !== undefined ? extracted[idx] : b.effective_value();
  if (v === undefined && !b.required) v = null;
  if (v === undefined) {
    if (check)
      throw new InvalidRequestError(`A value is required for bind parameter '${b.key}'`, { code: "cd3x" });
    v = null;
  }
  return v;
}

export class SQLCompiler implements CompiledLike {
  readonly dialect: CompilerDialect;
  readonly statement: ClauseElement;
  readonly column_keys: readonly string[];
  /** Compiled with no parameter keys at all (`str(stmt)`, `.compile()`), not for an execution. */
  readonly _no_column_keys: boolean;
  readonly for_executemany: boolean;
  string = "";
  positiontup: string[] | null = null;
  isddl = false;
  isinsert = false;
  isupdate = false;
  isdelete = false;
  returns_rows = false;
  _result_columns: ResultColumn[] = [];
  /** A TextualSelect's columns, given in order: the cursor's columns are theirs by position. */
  _textual_ordered_columns = false;
  /** A TextualSelect's columns, given by name only: matched to the cursor's columns by name. */
  _loose_column_name_matching = false;
  _bind_processors: Record<string, BindProcessor> = {};
  _has_bind_processors: boolean | undefined = undefined;
  readonly _gen_time: number;
  /** Bind names in order of first appearance → their parameter. */
  readonly binds = new Map<string, BindInfo>();
  /** Bind name → index of its value in the cache key's extracted parameters. */
  private readonly _extract_index = new Map<string, number>();
  private readonly anon_map = new Map<object, string>();
  private readonly counters = new Map<string, number>();
  /** The statement with bind markers, rendered to `string` / per execution. */
  private _template = "";
  private _has_expanding = false;
  _primary_key_keys?: string[];
  /** RETURNING was added by the compiler (a new primary key, return_defaults()): the context reads its row. */
  _implicit_returning = false;
  /** Columns whose Python-side default / onupdate value an execution computes (crud.ts). */
  insert_prefetch: Column[] = [];
  update_prefetch: Column[] = [];
  /** Columns the server generates and RETURNING does not carry: read them afterwards. */
  postfetch: Column[] = [];
  /** Server-generated columns the implicit RETURNING carries (return_defaults()). */
  implicit_returning: Column[] = [];
  /** A default is a callable: each execution's values are computed once, into compiled_parameters. */
  _has_callable_defaults = false;
  /** Multi-row INSERT pieces: `prefix` + one `row` per parameter set (binds renamed `x__<i>`) + `suffix`. */
  _insertmanyvalues?: InsertManyValues;
  _sort_by_parameter_order = false;
  /** Trailing RETURNING columns that are sentinels only: sort each batch's rows on them, then drop them. */
  _num_sentinel_cols = 0;
  /** A client-side sentinel's bind names: each batch's rows are sorted by the order of these values. */
  _sentinel_param_keys: string[] | null = null;
  effective_returning: ColumnElement[] | null = null;
  /** The SELECT of an INSERT … SELECT, with any default-holding columns added (set by crud.ts). */
  _insert_from_select: ClauseElement | null = null;
  readonly literal_binds: boolean;
  private readonly keyBindIndex: Map<BindParameter, number>;
  protected stack: ClauseElement[] = [];

  constructor(dialect: CompilerDialect, statement: ClauseElement, options: CompileOptions = {}) {
    this._gen_time = performance.now();
    this.dialect = dialect;
    this.statement = statement;
    this.column_keys = options.column_keys ?? [];
    this._no_column_keys = options.column_keys === undefined;
    this.for_executemany = options.for_executemany ?? false;
    this.literal_binds = options.literal_binds ?? false;
    this.keyBindIndex = new Map((options.key_binds ?? []).map((b, i) => [b, i]));
    this._template = this.process(statement, { toplevel: true });
    // CTEs of an INSERT … SELECT, UPDATE or DELETE: `WITH …` before the statement (cte_follows_insert False)
    if (this.ctes.size) this._template = this._render_cte_clause() + this._template;
    this._finish();
  }

  /* ---------------------------------------------------------------- rendering helpers -- */

  /** The visitors this compiler dispatches to, by `__visit_name__` (set on the prototype below). */
  declare readonly _visitors: Readonly<Partial<Record<VisitName, AnyVisitor>>>;

  process(e: ClauseElement, kw: CompileKw = {}): string {
    const visit = this._visitors[e.__visit_name__] as
      | ((compiler: SQLCompiler, element: ClauseElement, kw: CompileKw) => string)
      | undefined;
    if (visit === undefined)
      throw new CompileError(`No compile rule for ${e.constructor.name} (${e.__visit_name__})`);
    this.stack.push(e);
    try {
      return visit(this, e, kw);
    } finally {
      this.stack.pop();
    }
  }

  /** `<base>_<n>` names for anonymous binds and labels, counted per base name. */
  anon(obj: object, base: string): string {
    let n = this.anon_map.get(obj);
    if (!n) {
      const c = (this.counters.get(base) ?? 0) + 1;
      this.counters.set(base, c);
      n = `${base}_${c}`;
      this.anon_map.set(obj, n);
    }
    return n;
  }

  quote(name: string): string {
    return quoteIdentifier(name, this.dialect.reserved_words);
  }

  /** The dialect's name for a type in a `CAST` / bind cast. */
  type_name(t: TypeEngine): string {
    return typeCompilerFor(this.dialect).process(t);
  }

  protected _registerBind(bind: BindParameter, name: string): void {
    const existing = this.binds.get(name);
    if (
      existing &&
      existing.bind !== bind &&
      !bind.unique &&
      existing.bind.value !== bind.value &&
      existing.bind.value !== undefined &&
      bind.value !== undefined
    ) {
      throw new CompileError(
        `Bind parameter '${name}' conflicts with unique bind parameter of the same name`,
      );
    }
    if (!existing) {
      const cast =
        this.dialect.render_bind_casts && bind.type.render_bind_cast
          ? this.render_bind_cast(bind.type)
          : null;
      this.binds.set(name, { name, bind, cast });
      const idx = this.keyBindIndex.get(bind);
      if (idx !== undefined) this._extract_index.set(name, idx);
      const proc = bind.type.bind_processor(this.dialect);
      if (proc) this._bind_processors[name] = proc;
    }
  }

  /** The type name in a bind cast (`%(x)s::VARCHAR`), for drivers that render them. */
  render_bind_cast(type_: TypeEngine): string {
    return this.type_name(type_);
  }

  bindparam_string(name: string, expanding = false): string {
    return bindMarker(name, expanding);
  }

  visit_bindparam(b: BindParameter, kw: Record<string, unknown> = {}): string {
    if (this.literal_binds || kw.literal_binds) return renderLiteral(b.effective_value());
    const name = b.unique ? this.anon(b, b.key) : b.key;
    this._registerBind(b, name);
    if (b.expanding) this._has_expanding = true;
    return this.bindparam_string(name, b.expanding);
  }

  /** Turns markers into paramstyle placeholders; `expand` gives the names an expanding bind takes. */
  protected _render(template: string, expand?: (name: string) => string[]): RenderedBinds {
    return renderBindMarkers(
      this.dialect.paramstyle,
      this.dialect.positional,
      template,
      this._castOf,
      expand,
      this._emptySet,
    );
  }

  /** The operator (IN / NOT IN) of each expanding bind, for an empty list's rendering. */
  private readonly _expanding_ops = new Map<string, string>();
  private readonly _emptySet = (name: string): string =>
    this.visit_empty_set_op_expr(this._expanding_ops.get(name) ?? "IN");

  /** An expanding IN of no values (SQLCompiler.visit_empty_set_op_expr): always false, NOT IN always true. */
  visit_empty_set_op_expr(op: string): string {
    return op === "NOT IN" ? "NULL) OR (1 = 1" : "NULL) AND (1 != 1";
  }

  /** SQLCompiler.visit_empty_set_expr: a SELECT of no rows. */
  visit_empty_set_expr(): string {
    return "SELECT 1 WHERE 1!=1";
  }

  private readonly _castOf = (name: string): string | null => this.binds.get(name)?.cast ?? null;

  /** Bind names in order of first appearance (insertmanyvalues renames each per row). */
  bindNames(): Iterable<string> {
    return this.binds.keys();
  }

  /** A bind's `::TYPE` cast, for drivers that render them. */
  bindCast(name: string): string | null {
    return this._castOf(name);
  }

  private _finish(): void {
    const r = this._render(this._template);
    this.string = r.string;
    this.positiontup = r.positiontup;
    if (this._has_expanding) {
      (this as { _process_parameters_for_postcompile?: unknown })._process_parameters_for_postcompile = (
        params: Record<string, unknown>,
      ) => {
        const values: Record<string, unknown> = {};
        for (const [k, v] of Object.entries(params)) if (!this.binds.get(k)?.bind.expanding) values[k] = v;
        // this execution's processors: the compiled ones plus one per expanded name
        let processors: Record<string, BindProcessor> | null = null;
        const expanded = this._render(this._template, (name) => {
          const v = params[name];
          const list = v === null || v === undefined ? [] : Array.from(v as Iterable<unknown>);
          const proc = this._bind_processors[name] as BindProcessor | undefined;
          if (proc && list.length) processors ??= { ...this._bind_processors };
          return list.map((item, i) => {
            const n = `${name}_${i + 1}`;
            values[n] = item;
            if (proc) processors![n] = proc;
            return n;
          });
        });
        return {
          statement: expanded.string,
          positiontup: expanded.positiontup,
          parameters: values,
          processors: processors ?? this._bind_processors,
        };
      };
    }
  }

  /** `{'name_1': 'spongebob'}`: the binds and their values as compiled. */
  get params(): Record<string, unknown> {
    return this.construct_params(null, null, { _check: false } as never);
  }

  /** The binds as construct_params() walks them: made once `binds` is complete. */
  private _bind_plan: BindPlan[] | null = null;
  private _position_plan: BindPlan[] | null = null;

  /** The binds as construct_params() walks them: made once `binds` is complete. */
  private _plan(): BindPlan[] {
    let plan = this._bind_plan;
    if (plan === null || plan.length !== this.binds.size) {
      plan = [...this.binds].map(([name, info]) => ({
        name,
        bind: info.bind,
        idx: this._extract_index.get(name),
      }));
      this._bind_plan = plan;
      this._position_plan = null;
    }
    return plan;
  }

  construct_params(
    params?: Readonly<Record<string, unknown>> | null,
    extracted?: readonly unknown[] | null,
    options: { for_executemany?: boolean; _check?: boolean } = NO_OPTIONS,
  ): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    const check = options._check !== false;
    const plan = this._plan();
    for (let i = 0; i < plan.length; i++) {
      const p = plan[i]!;
      out[p.name] = bindValue(p, params, extracted, check);
    }
    return out;
  }

  /**
   * One execution's values in `positiontup` order, as construct_params() and then the positions
   * would give them (null for None), without the intermediate dict.
   */
  construct_positional(
    params: Readonly<Record<string, unknown>> | null,
    extracted: readonly unknown[] | null,
  ): unknown[] {
    const plan = this._plan();
    let positions = this._position_plan;
    if (positions === null) {
      const byName = new Map(plan.map((p) => [p.name, p]));
      positions = (this.positiontup ?? []).map((name) => byName.get(name)!);
      this._position_plan = positions;
    }
    const n = positions.length;
    const out: unknown[] = new Array(n);
    for (let i = 0; i < n; i++) out[i] = bindValue(positions[i]!, params, extracted, true) ?? null;
    return out;
  }

  toString(): string {
    return this.string;
  }
  __str__(): string {
    return this.string;
  }

  /* ---------------------------------------------------------------- elements -- */

  visit_column(c: Column | ColumnClause, kw: Record<string, unknown> = {}): string {
    if (c instanceof ColumnClause) {
      if (c.is_literal) return c.name;
      return c.table?.name && c.table.named_with_column !== false && !kw.include_table_false
        ? `${this.quote(c.table.name)}.${this.quote(c.name)}`
        : this.quote(c.name);
    }
    const col = c as Column;
    if (col.table && !kw.include_table_false)
      return `${this.format_table(col.table)}.${this.quote(col.name)}`;
    return this.quote(col.name);
  }

  format_table(t: Table): string {
    return t.schema ? `${this.quote(t.schema)}.${this.quote(t.name)}` : this.quote(t.name);
  }

  visit_table(t: Table): string {
    return this.format_table(t);
  }

  visit_subquery_column(c: SubqueryColumn): string {
    // a disambiguated column: the anonymous label its SELECT gives it (columns_clause names it alike)
    // an expression its SELECT labels anonymously: that label (`anon_1.count_1`), named by the
    // same anonymous-name map, so whichever is rendered first is numbered first
    const el = c.element;
    const name = c._dedupe
      ? this.anon(el, c._dedupe.name)
      : _takes_anon_label(el)
        ? this.anon(el, el._anon_label_base ?? "anon")
        : c.key;
    return `${this.quote(this.subqueryName(c.subquery))}.${this.quote(name)}`;
  }

  /** An unnamed alias of a table is `<table>_<n>`; of a SELECT, `anon_<n>`. */
  subqueryName(s: Subquery): string {
    if (s.name) return s.name;
    if (s instanceof CTE && s._restates) return this.subqueryName(s._get_reference_cte());
    const el = s.element as { name?: unknown };
    const base = s.element instanceof FromClause && typeof el.name === "string" ? el.name : "anon";
    return this.anon(s, base);
  }

  visit_subquery(s: Subquery, kw: Record<string, unknown> = {}): string {
    // `str(subq)`: a subquery compiled by itself is its SELECT, as SQLAlchemy's visit_alias renders
    // an alias that is not in a FROM clause
    if (kw.toplevel) return this.process(s.element, kw);
    const inner =
      s.element instanceof FromClause &&
      !(s.element instanceof Subquery) &&
      !(s.element instanceof Join) &&
      !("_raw_columns" in s.element)
        ? this.process(s.element, kw)
        : `(${this.process(s.element, { ...kw, subquery: true, asfrom: true })})`;
    return inner + this.get_render_as_alias_suffix(this.quote(this.subqueryName(s)));
  }

  visit_join(j: Join, kw: Record<string, unknown> = {}): string {
    const kind = j.full ? " FULL OUTER JOIN " : j.isouter ? " LEFT OUTER JOIN " : " JOIN ";
    const from = { ...kw, asfrom: true };
    return `${this.process(j.left, from)}${kind}${this.process(j.right, from)} ON ${this.process(j.onclause, { ...kw, asfrom: false })}`;
  }

  private static PRECEDENCE: Record<string, number> = {
    OR: 2,
    AND: 3,
    NOT: 4,
    IS: 5,
    "IS NOT": 5,
    "=": 5,
    "!=": 5,
    "<": 5,
    ">": 5,
    "<=": 5,
    ">=": 5,
    LIKE: 5,
    "NOT LIKE": 5,
    IN: 5,
    "NOT IN": 5,
    BETWEEN: 5,
    "||": 6,
    "+": 7,
    "-": 7,
    "*": 8,
    "/": 8,
    "%": 8,
    json_getitem_op: 15,
    json_path_getitem_op: 15,
  };

  protected precedenceOf(e: ClauseElement): number {
    if (e instanceof BinaryExpression) return SQLCompiler.PRECEDENCE[e.operator] ?? 5;
    if (e instanceof BooleanClauseList) return SQLCompiler.PRECEDENCE[e.operator]!;
    return 100;
  }

  protected operand(e: ClauseElement, parentPrecedence: number, kw: Record<string, unknown>): string {
    const s = this.process(e, kw);
    return this.precedenceOf(e) < parentPrecedence ? `(${s})` : s;
  }

  visit_binary(b: BinaryExpression, kw: Record<string, unknown> = {}): string {
    if (b.operator === "json_getitem_op") return this.visit_json_getitem_op_binary(b, kw);
    if (b.operator === "json_path_getitem_op") return this.visit_json_path_getitem_op_binary(b, kw);
    const prec = SQLCompiler.PRECEDENCE[b.operator] ?? 5;
    if (!b.modifiers.pattern && !b.modifiers.ilike && b.operator !== "IN" && b.operator !== "NOT IN") {
      // (operands know they are inside an operator: PostgreSQL groups a JSON element there)
      const okw = { ...kw, _in_operator_expression: true };
      const left = this.operand(b.left, prec, okw);
      const right = this.operand(b.right, prec + (b.operator === "-" || b.operator === "/" ? 1 : 0), okw);
      return `${left} ${b.operator} ${right}`;
    }
    const left = this.operand(b.left, prec, kw);
    if (b.modifiers.pattern) {
      const pct =
        this.dialect.paramstyle === "pyformat" || this.dialect.paramstyle === "format" ? "'%%'" : "'%'";
      const right = this.process(b.right, kw);
      const pattern =
        b.modifiers.pattern === "contains"
          ? this.concat_op(this.concat_op(pct, right), pct)
          : b.modifiers.pattern === "startswith"
            ? this.concat_op(right, pct)
            : this.concat_op(pct, right);
      return `${left} LIKE ${pattern}`;
    }
    if (b.modifiers.ilike) return this.visit_ilike(b, kw);
    if (b.operator === "IN" || b.operator === "NOT IN") {
      const r = b.right;
      const expanding = r instanceof BindParameter && r.expanding;
      // a scalar subquery or scalar VALUES brings its own parentheses
      const grouped = r.__visit_name__ === "scalar_select" || r.__visit_name__ === "scalar_values";
      const right = expanding || grouped ? this.process(r, kw) : `(${this.process(r, kw)})`;
      if (expanding && !this.literal_binds && !kw.literal_binds)
        this._expanding_ops.set(r.unique ? this.anon(r, r.key) : r.key, b.operator);
      // NOT IN is a negated IN, which SQLAlchemy groups
      return b.operator === "NOT IN" ? `(${left} NOT IN ${right})` : `${left} IN ${right}`;
    }
    return `${left} ${b.operator} ${this.operand(b.right, prec, kw)}`;
  }

  /** `a || b`, as the LIKE patterns of contains() / startswith() / endswith() join their parts. */
  concat_op(left: string, right: string): string {
    return `${left} || ${right}`;
  }

  /** A JSON element (`expr[key]`): each dialect has its own spelling; SQLCompiler has none. */
  visit_json_getitem_op_binary(_b: BinaryExpression, _kw: CompileKw): string {
    throw new UnsupportedCompilationError(
      `Compiler <${defineModuleName(this)}> can't render element of type json_getitem_op`,
    );
  }

  /** A JSON element at a path (`expr[("a", 1)]`). */
  visit_json_path_getitem_op_binary(_b: BinaryExpression, _kw: CompileKw): string {
    throw new UnsupportedCompilationError(
      `Compiler <${defineModuleName(this)}> can't render element of type json_path_getitem_op`,
    );
  }

  /** `a[b]` (SQLCompiler.visit_getitem_binary). */
  visit_getitem_binary(b: BinaryExpression, kw: CompileKw): string {
    return `${this.process(b.left, kw)}[${this.process(b.right, kw)}]`;
  }

  /** `lower(a) LIKE lower(b)` (SQLCompiler.visit_ilike_op_binary). */
  visit_ilike(b: BinaryExpression, kw: Record<string, unknown>): string {
    return `lower(${this.process(b.left, kw)}) ${b.operator} lower(${this.process(b.right, kw)})`;
  }

  visit_clauselist(l: ClauseList, kw: Record<string, unknown> = {}): string {
    return l.clauses.map((c) => this.process(c, kw)).join(l.separator);
  }

  visit_boolean_clauselist(l: BooleanClauseList, kw: Record<string, unknown> = {}): string {
    const prec = SQLCompiler.PRECEDENCE[l.operator]!;
    return l.clauses.map((c) => this.operand(c, prec + 1, kw)).join(` ${l.operator} `);
  }

  visit_unary(u: UnaryExpression, kw: Record<string, unknown> = {}): string {
    // unary minus binds tighter than any binary operator: `-(a + b)`, `-a`
    let s =
      u.operator === "-"
        ? this.operand(u.element, SQLCompiler.PRECEDENCE["*"]! + 1, kw)
        : this.process(u.element, kw);
    if (u.operator === "NOT") s = `NOT (${s})`;
    else if (u.operator === "-") s = `-${s}`;
    else if (u.operator) s = `${u.operator} ${s}`;
    if (u.modifier) s = `${s} ${u.modifier}`;
    return s;
  }

  visit_label(l: Label, kw: Record<string, unknown> = {}): string {
    const asLabel = kw.render_label_as_label as ReadonlySet<unknown> | undefined;
    if (asLabel?.has(l) && !kw.within_columns_clause) return this.quote(l.name ?? this.anon(l, "anon"));
    const inner = this.process(l.element, { ...kw, within_label: true });
    if (kw.within_columns_clause) return `${inner} AS ${this.quote(l.name ?? this.anon(l, "anon"))}`;
    return inner;
  }

  visit_grouping(g: Grouping, kw: Record<string, unknown> = {}): string {
    return `(${this.process(g.element, kw)})`;
  }

  visit_null(): string {
    return "NULL";
  }
  visit_true(): string {
    return "true";
  }
  visit_false(): string {
    return "false";
  }
  visit_star(): string {
    return "*";
  }

  visit_cast(c: Cast, kw: Record<string, unknown> = {}): string {
    return `CAST(${this.process(c.clause, kw)} AS ${this.type_name(c.type)})`;
  }

  /** ` AS name` after an alias in FROM (Oracle writes no AS: SQLCompiler.get_render_as_alias_suffix). */
  get_render_as_alias_suffix(alias_name_text: string): string {
    return ` AS ${alias_name_text}`;
  }

  /** What a SELECT without FROM ends with (Oracle's ` FROM DUAL`). */
  default_from(_s: Select): string {
    return "";
  }

  /** `type_coerce(x, T)` renders x (a literal as a bind of type T): no CAST. */
  visit_type_coerce(t: TypeCoerce, kw: CompileKw = {}): string {
    return this.process(t.typed_expression, kw);
  }

  /**
   * `name(args)`: a dialect's `visit_<name>_func` renders it when it has one (SQLite's `now()` is
   * `CURRENT_TIMESTAMP`); ANSI functions render their SQL spelling, without parentheses when they
   * take no arguments; names with characters SQL does not allow bare are quoted.
   */
  visit_function(f: FunctionElement, kw: CompileKw = {}): string {
    const disp = (this as unknown as Record<string, unknown>)[`visit_${f.name.toLowerCase()}_func`];
    if (typeof disp === "function") return disp.call(this, f, kw) as string;
    const ansi = (f.constructor as { ansiName?: string | null }).ansiName;
    const quoteIllegal = (tok: string) =>
      /^[A-Za-z_][A-Za-z0-9_$]*$/.test(tok) ? tok : `"${tok.replace(/"/g, '""')}"`;
    let name: string;
    if (ansi) name = f._has_args ? ansi + this.function_argspec(f, kw) : ansi;
    else name = quoteIllegal(f.name) + this.function_argspec(f, kw);
    const text = [...f.packagenames.map(quoteIllegal), name].join(".");
    return f._with_ordinality ? `${text} WITH ORDINALITY` : text;
  }

  /** `(a, b)`: a function's arguments. */
  function_argspec(f: FunctionElement, kw: CompileKw = {}): string {
    return `(${f.clauses.map((c) => this.process(c, kw)).join(", ")})`;
  }

  /** A window frame bound: UNBOUNDED PRECEDING / CURRENT ROW / `:param_1 PRECEDING` (SQLCompiler._format_frame_clause). */
  protected _format_frame_clause(range: readonly (string | number)[], kw: CompileKw): string {
    // one bind per frame value, however often the expression is rendered (the value is in the cache key)
    let binds = this._frame_binds.get(range);
    if (!binds) {
      binds = range.map((b) => (typeof b === "number" ? literal(Math.abs(b)) : null));
      this._frame_binds.set(range, binds);
    }
    const bound = (i: number, unbounded: string) => {
      const b = range[i]!;
      if (b === "UNBOUNDED") return unbounded;
      if (b === "CURRENT") return "CURRENT ROW";
      return `${this.process(binds[i]!, kw)} ${(b as number) < 0 ? "PRECEDING" : "FOLLOWING"}`;
    };
    return `${bound(0, "UNBOUNDED PRECEDING")} AND ${bound(1, "UNBOUNDED FOLLOWING")}`;
  }
  private readonly _frame_binds = new WeakMap<object, (BindParameter | null)[]>();

  visit_over(o: Over, kw: CompileKw = {}): string {
    const text = this.process(o.element, kw);
    const parts: string[] = [];
    if (o.partition_by?.clauses.length) parts.push(`PARTITION BY ${this.process(o.partition_by, kw)}`);
    if (o.order_by?.clauses.length) parts.push(`ORDER BY ${this.process(o.order_by, kw)}`);
    if (o.range_) parts.push(`RANGE BETWEEN ${this._format_frame_clause(o.range_, kw)}`);
    else if (o.rows) parts.push(`ROWS BETWEEN ${this._format_frame_clause(o.rows, kw)}`);
    else if (o.groups) parts.push(`GROUPS BETWEEN ${this._format_frame_clause(o.groups, kw)}`);
    return `${text} OVER (${parts.join(" ")})`;
  }

  visit_funcfilter(f: FunctionFilter, kw: CompileKw = {}): string {
    return `${this.process(f.func, kw)} FILTER (WHERE ${f.criterion ? this.process(f.criterion, kw) : ""})`;
  }

  visit_withingroup(w: WithinGroup, kw: CompileKw = {}): string {
    return `${this.process(w.element, kw)} WITHIN GROUP (ORDER BY ${this.process(w.order_by, kw)})`;
  }

  visit_scalar_function_column(c: ScalarFunctionColumn, kw: CompileKw = {}): string {
    return `(${this.process(c.fn, kw)}).${this.quote(c.name)}`;
  }

  visit_textclause(t: TextClause, kw: CompileKw = {}): string {
    let text = t.text;
    if (this.dialect.paramstyle === "pyformat" || this.dialect.paramstyle === "format")
      text = text.replace(/%/g, "%%");
    return text
      .replace(BIND_PARAMS, (_m, key: string) =>
        this.process(t._bindparams.get(key) ?? new BindParameter(key, undefined, { unique: false }), kw),
      )
      .replace(BIND_PARAMS_ESC, "$1");
  }

  /**
   * `text(...).columns(...)`: the text as written; at the top level its columns are the result's
   * (matched by position when given in order, else by name: `_textual_ordered_columns`).
   */
  visit_textual_select(ts: TextualSelect, kw: CompileKw = {}): string {
    if (kw.toplevel) {
      this.returns_rows = true;
      this._textual_ordered_columns = ts.positional;
      this._loose_column_name_matching = !ts.positional && ts.column_args.length > 0;
      this._result_columns = ts.column_args.map((c) => ({
        keyname: c.key!,
        name: c.key!,
        objects: [c],
        processor: c.type.result_processor(this.dialect),
      }));
    }
    this._select_stack.push({ correlate_froms: new Set(), asfrom_froms: new Set(), selectable: ts });
    try {
      return this.process(ts.element, { ...kw, toplevel: false });
    } finally {
      this._select_stack.pop();
    }
  }

  /** `VALUES (…), (…)`; each value a bind of its column's type (`param_<n>`), or literal. */
  protected _render_values(v: Values, kw: CompileKw): string {
    const lb = { ...kw, literal_binds: kw.literal_binds || v.literal_binds };
    const types = v._column_args.map((c) => c.type);
    const rows = v._data.flatMap((chunk) =>
      chunk.map((row) => {
        const items = row.map((value, i) =>
          this.process(
            value instanceof ClauseElement
              ? value
              : new BindParameter(null, value, { type_: types[i], unique: true }),
            lb,
          ),
        );
        return `(${items.join(", ")})`;
      }),
    );
    return `VALUES ${rows.join(", ")}`;
  }

  /** A VALUES as a FROM: `(VALUES …) AS name (a, b)`, `LATERAL` first when lateral. */
  visit_values(v: Values, kw: CompileKw = {}): string {
    let text = this._render_values(v, { ...kw, asfrom: false });
    if (kw.asfrom) {
      const lateral = v._is_lateral ? "LATERAL " : "";
      if (v.name !== null) {
        const cols = v._column_args.map((c) => this.quote(c.key!)).join(", ");
        text = `${lateral}(${text})${this.get_render_as_alias_suffix(this.quote(v.name))} (${cols})`;
      } else text = `${lateral}(${text})`;
    }
    return text;
  }

  visit_scalar_values(v: ScalarValues, kw: CompileKw = {}): string {
    return `(${this._render_values(v.element, kw)})`;
  }

  visit_case(c: Case, kw: CompileKw = {}): string {
    let x = "CASE ";
    if (c.value) x += `${this.process(c.value, kw)} `;
    for (const [cond, result] of c.whens) {
      const grouped =
        !c.value && (cond instanceof BinaryExpression || cond instanceof BooleanClauseList)
          ? `(${this.process(cond, kw)})`
          : this.process(cond, kw);
      x += `WHEN ${grouped} THEN ${this.process(result, kw)} `;
    }
    if (c.else_) x += `ELSE ${this.process(c.else_, kw)} `;
    return `${x}END`;
  }

  /** A name given as a string to ORDER BY / GROUP BY: the SELECT's label or column of that name. */
  visit_textual_label_reference(r: TextualLabelReference, kw: CompileKw = {}): string {
    const entry = this._select_stack[this._select_stack.length - 1];
    let col: ClauseElement | undefined;
    if (entry?.selectable instanceof CompoundSelect) {
      // a compound's names are those of its columns, rendered bare (`ORDER BY city`)
      if (entry.selectable._exported_columns().some((c) => c.key === r.element)) return this.quote(r.element);
    } else if (entry && entry.selectable.__visit_name__ === "select") {
      const s = entry.selectable as Select;
      for (const c of s._exported_columns()) {
        if ((c instanceof Label && c.name === r.element) || (!(c instanceof Label) && c.key === r.element)) {
          col = c;
          break;
        }
      }
      if (!col)
        for (const f of this._froms_of(s))
          for (const c of f._columns) if (!col && c.key === r.element) col = c;
    }
    if (!col)
      throw new CompileError(
        `Can't resolve label reference for ORDER BY / GROUP BY / DISTINCT etc. Textual SQL expression ${repr(r.element)} should be explicitly declared as text(${repr(r.element)})`,
      );
    return this.process(col, { ...kw, render_label_as_label: new Set([col]) });
  }

  visit_scalar_select(s: ScalarSelect, kw: Record<string, unknown> = {}): string {
    return `(${this.process(s.element, { ...kw, subquery: true })})`;
  }

  visit_exists(e: Exists, kw: Record<string, unknown> = {}): string {
    return `EXISTS (${this.process(e.element, { ...kw, subquery: true })})`;
  }

  /* ---------------------------------------------------------------- SELECT -- */

  /** FROM objects of a SELECT: explicit ones and joins first, then the tables its columns and criteria use. */
  protected display_froms(s: Select): FromClause[] {
    return this._get_display_froms(s, this._froms_of(s), EMPTY_FROMS, EMPTY_FROMS);
  }

  /**
   * The FROM list after correlation (SelectState._get_display_froms): explicit `correlate()` FROMs
   * the enclosing SELECTs have are left out; with auto-correlation, a SELECT of two or more FROMs
   * leaves out those the enclosing SELECT has, and raises if none is left.
   */
  protected _get_display_froms(
    s: Select,
    all: FromClause[],
    explicit_correlate_froms: ReadonlySet<FromClause>,
    implicit_correlate_froms: ReadonlySet<FromClause>,
  ): FromClause[] {
    let froms = all;
    if (s._correlate.length)
      froms = froms.filter((f) => !(explicit_correlate_froms.has(f) && s._correlate.includes(f)));
    if (s._correlate_except !== null)
      froms = froms.filter((f) => !(explicit_correlate_froms.has(f) && !s._correlate_except!.includes(f)));
    if (s._auto_correlate && implicit_correlate_froms.size && froms.length > 1) {
      froms = froms.filter((f) => !implicit_correlate_froms.has(f));
      if (!froms.length)
        throw new InvalidRequestError(
          `Select statement '${repr(s)}' returned no FROM clauses due to auto-correlation; specify correlate(<tables>) to control correlation manually.`,
        );
    }
    return froms;
  }

  /**
   * SELECTs (and INSERT / UPDATE / DELETE) being compiled, outermost first: the FROMs each offers
   * to correlate (compiler.stack entries).
   */
  private readonly _select_stack: {
    correlate_froms: ReadonlySet<FromClause>;
    asfrom_froms: ReadonlySet<FromClause>;
    selectable: Select | CompoundSelect | Insert | Update | Delete | TextualSelect;
  }[] = [];

  /** CTEs met so far, in the order their `WITH` entries render (SQLCompiler.ctes), and by name. */
  readonly ctes = new Map<CTE, string>();
  private readonly ctes_by_name = new Map<string, CTE>();

  /** The FROMs a SELECT's columns, criteria and joins name, before correlation (SelectState.froms). */
  protected _froms_of(s: Select): FromClause[] {
    const froms: FromClause[] = [];
    const add = (f: FromClause) => {
      if (!froms.includes(f)) froms.push(f);
    };
    for (const f of s._from_obj) add(f);
    const implicit: FromClause[] = [];
    const collect = (e: unknown) => collectFroms(e, implicit);
    for (const c of s._raw_columns) {
      const resolved = !(c instanceof ClauseElement) ? selectPlugins.resolveEntity?.(c) : null;
      if (resolved) implicit.push(resolved.from);
      else if (c instanceof FromClause) implicit.push(c);
      else collect(c);
    }
    for (const w of s._where_criteria) collect(w);
    for (const o of s._order_by) collect(o);
    // joins: attach each to the FROM it starts from (or the first that can join)
    for (const j of s._setup_joins) {
      let left = j.left;
      const pool = [...froms, ...implicit.filter((f) => !froms.includes(f))];
      if (!left && j.onclause === undefined && pool.length) {
        // the FROMs the target can join to through a foreign key (_join_determine_implicit_left_side)
        const uncovered = pool.filter(
          (f) => froms.includes(f) || !froms.some((x) => x !== f && x._from_objects().includes(f)),
        );
        const candidates = uncovered.filter((f) => {
          try {
            new Join(f, j.target, undefined, false, false);
            return true;
          } catch {
            return false;
          }
        });
        if (candidates.length === 0)
          throw new InvalidRequestError(
            `Don't know how to join to ${repr(j.target)}. Please use the .select_from() method to establish an explicit left side, as well as providing an explicit ON clause if not present already to help resolve the ambiguity.`,
          );
        if (candidates.length === 1) left = candidates[0]!;
      }
      if (!left) left = pool.find((f) => !(f instanceof Join)) ?? pool[0] ?? null;
      if (!left)
        throw new InvalidRequestError(
          "Don't know how to join; please use select_from() to establish the left side",
        );
      const existing = froms.find(
        (f) => f === left || f._from_objects().some((x) => left!._from_objects().includes(x)),
      );
      const base = existing ?? left;
      const joined = new Join(
        base,
        j.target,
        j.onclause === undefined ? joinOn(base, j.left ?? base, j.target) : j.onclause,
        j.isouter,
        j.full,
      );
      if (existing) froms[froms.indexOf(existing)] = joined;
      else froms.push(joined);
    }
    for (const f of implicit) {
      const covered = froms.some((x) => x === f || x._from_objects().includes(f));
      if (!covered) add(f);
    }
    // a FROM that a JOIN of the list already renders goes (SelectState._normalize_froms, Join._hide_froms):
    // `select_from(user).select_from(address.join(user))` is FROM address JOIN user
    const hidden = new Set(
      froms.flatMap((f) => (f instanceof Join ? f._from_objects().filter((x) => x !== f) : [])),
    );
    return hidden.size ? froms.filter((f) => !hidden.has(f)) : froms;
  }

  /**
   * The SELECT list (SelectBase._generate_columns_plus_names): table columns render bare, or as
   * `<table>_<col>` in LABEL_STYLE_TABLENAME_PLUS_COL; a second column with a name already used gets
   * an anonymous label (`id_1`), the same column repeated a "dedupe" label (`id__1`); other
   * expressions get an anonymous label from their name (`count_1`).
   */
  protected columns_clause(
    s: Select,
    kw: Record<string, unknown>,
    asfrom = false,
  ): { sql: string[]; cols: ResultColumn[] } {
    const sql: string[] = [];
    const cols: ResultColumn[] = [];
    const seen = new Map<string, unknown>();
    let dedupe = 1;
    const tablenamePlusCol = s._label_style === "tablename_plus_col";
    for (const c of s._exported_columns()) {
      // an anonymous label is named before the expression's binds are (`lower(:lower_2) AS lower_1`)
      if (_takes_anon_label(c)) this.anon(c, c._anon_label_base ?? "anon");
      let rendered = this.process(c, { ...kw, within_columns_clause: false });
      let keyname: string;
      let label: string | null = null;
      const objects: unknown[] = [c];
      if (c instanceof Label) {
        keyname = c.name ?? this.anon(c, "anon");
        label = keyname;
        rendered = this.process(c.element, kw);
      } else if (
        c instanceof Column ||
        c instanceof SubqueryColumn ||
        (c instanceof ColumnClause && !c.is_literal)
      ) {
        const name = c instanceof Column ? c.name : c.key;
        const tableName =
          c instanceof Column
            ? (c.table?.name ?? null)
            : c instanceof SubqueryColumn
              ? this.subqueryName(c.subquery)
              : null;
        keyname = tablenamePlusCol && tableName ? `${tableName}_${name}` : name;
        if (tablenamePlusCol && tableName) {
          label = keyname;
          objects.push(name);
        } else if (asfrom && tableName) {
          // a SELECT used as a FROM names each of its columns (`address.user_id AS user_id`)
          label = keyname;
        }
        if (seen.has(keyname) && !kw.returning_no_disambiguate) {
          label =
            seen.get(keyname) === c
              ? this.anon({ dedupe: c, n: dedupe++ }, `${keyname}_`)
              : this.anon(c, keyname);
          keyname = label;
        }
      } else if (c instanceof ColumnClause && c.is_literal) {
        keyname = c.name;
      } else if (c instanceof ScalarFunctionColumn) {
        // a named column of the function's row: selected bare (`SELECT (f(x)).name`)
        keyname = c.name;
      } else if (c instanceof TableValuedColumn) {
        // a column-valued function is selected by its alias's name (`SELECT anon_1 FROM … AS anon_1`)
        keyname = this.subqueryName(c.scalar_alias);
      } else if (c instanceof Star) {
        keyname = "*";
      } else if (_non_anon_label(c) !== null) {
        // an expression wrapping a column is named after it (`CAST(t.amount AS VARCHAR) AS amount`)
        keyname = _non_anon_label(c)!;
        label = keyname;
        if (seen.has(keyname)) {
          label = this.anon(c, keyname);
          keyname = label;
        }
      } else {
        const base = c._anon_label_base ?? "anon";
        label = this.anon(c, base);
        keyname = label;
      }
      if (!seen.has(keyname)) seen.set(keyname, c);
      sql.push(label ? `${rendered} AS ${this.quote(label)}` : rendered);
      cols.push({
        keyname,
        name: label ?? keyname,
        objects,
        processor: c.type.result_processor(this.dialect),
      });
    }
    return { sql, cols };
  }

  visit_select(s: Select, kw: Record<string, unknown> = {}): string {
    const toplevel = !!kw.toplevel;
    const asfrom = !!kw.asfrom;
    const entry = this._select_stack[this._select_stack.length - 1];
    const correlate_froms = entry?.correlate_froms ?? EMPTY_FROMS;
    const asfrom_froms = entry?.asfrom_froms ?? EMPTY_FROMS;
    const all = this._froms_of(s);
    // a LATERAL subquery correlates to the FROMs of the enclosing SELECT, as a scalar subquery does
    const froms =
      asfrom && !kw.lateral
        ? this._get_display_froms(
            s,
            all,
            new Set([...correlate_froms].filter((f) => !asfrom_froms.has(f))),
            EMPTY_FROMS,
          )
        : this._get_display_froms(s, all, correlate_froms, asfrom_froms);
    const new_correlate_froms = new Set<FromClause>();
    for (const f of froms) {
      new_correlate_froms.add(f);
      for (const x of f._from_objects()) new_correlate_froms.add(x);
    }
    this._select_stack.push({
      selectable: s,
      asfrom_froms: new_correlate_froms,
      correlate_froms: new Set([...new_correlate_froms, ...correlate_froms]),
    });
    try {
      const inner = {
        ...kw,
        toplevel: false,
        asfrom: false,
        lateral: false,
        compound_result: false,
        compound_member: false,
      };
      const text = this._compose_select_body(s, froms, toplevel || !!kw.compound_result, inner, asfrom);
      // a SELECT inside a compound leaves its nesting CTEs to the compound
      if (!this.ctes.size || (!toplevel && kw.compound_member)) return text;
      return this._render_cte_clause(toplevel ? null : this._select_stack.length) + text;
    } finally {
      this._select_stack.pop();
    }
  }

  /**
   * `SELECT … UNION SELECT … ORDER BY …`: a SELECT with ORDER BY / LIMIT / OFFSET, or a compound,
   * inside a compound is parenthesised; the first SELECT gives the result columns.
   */
  visit_compound_select(cs: CompoundSelect, kw: CompileKw = {}): string {
    const toplevel = !!kw.toplevel;
    const n = cs.selects[0]!._exported_columns().length;
    cs.selects.forEach((sel, i) => {
      const m = sel._exported_columns().length;
      if (m !== n)
        throw new CompileError(
          `All selectables passed to CompoundSelect must have identical numbers of columns; select #1 has ${n} columns, select #${i + 1} has ${m}`,
        );
    });
    const entry = this._select_stack[this._select_stack.length - 1];
    this._select_stack.push({
      selectable: cs,
      correlate_froms: entry?.correlate_froms ?? EMPTY_FROMS,
      asfrom_froms: entry?.asfrom_froms ?? EMPTY_FROMS,
    });
    try {
      const parts = cs.selects.map((sel, i) => {
        const text = this.process(sel, {
          ...kw,
          toplevel: false,
          compound_result: (toplevel || !!kw.compound_result) && i === 0,
          compound_member: true,
        });
        const grouped =
          sel instanceof CompoundSelect ||
          (sel instanceof GenerativeSelect &&
            (sel._order_by.length > 0 || sel._limit !== null || sel._offset !== null));
        return grouped ? `(${text})` : text;
      });
      if (toplevel) this.returns_rows = true;
      let text = parts.join(` ${this.compound_keyword(cs.keyword)} `);
      const inner = {
        ...kw,
        toplevel: false,
        asfrom: false,
        compound_result: false,
        compound_member: false,
        include_table_false: true,
      };
      if (cs._group_by.length)
        text += ` GROUP BY ${cs._group_by.map((g) => this.process(g, inner)).join(", ")}`;
      if (cs._order_by.length)
        text += ` ORDER BY ${cs._order_by.map((o) => this.process(o, inner)).join(", ")}`;
      if (cs._limit !== null || cs._offset !== null) text += this.limit_clause(cs, inner);
      if (!this.ctes.size || (!toplevel && kw.compound_member)) return text;
      return this._render_cte_clause(toplevel ? null : this._select_stack.length, true) + text;
    } finally {
      this._select_stack.pop();
    }
  }

  /**
   * `WITH [RECURSIVE] a AS \n(…), \nb AS \n(…)\n ` (SQLCompiler._render_cte_clause): every CTE met, or
   * below the outermost statement only the nesting CTEs of this level (and the next one, for a
   * compound's SELECTs). Rendered CTEs are forgotten: a nesting CTE used again elsewhere renders again.
   */
  protected _render_cte_clause(nesting_level: number | null = null, include_following_stack = false): string {
    if (!this.ctes.size) return "";
    let ctes = [...this.ctes.keys()];
    if (nesting_level !== null && nesting_level > 1)
      ctes = ctes.filter((c) => {
        const level = this._cte_levels.get(c) ?? 1;
        return (
          c.nesting && (level === nesting_level || (include_following_stack && level === nesting_level + 1))
        );
      });
    if (!ctes.length) return "";
    const recursive = ctes.some((c) => c.recursive);
    const text = `${this.get_cte_preamble(recursive)} ${ctes.map((c) => this.ctes.get(c)).join(", \n")}\n `;
    for (const c of ctes) {
      this.ctes.delete(c);
      if (nesting_level !== null && nesting_level > 1) {
        this._cte_levels.delete(c);
        for (const [name, x] of this.ctes_by_name) if (x === c) this.ctes_by_name.delete(name);
      }
    }
    return text;
  }
  /** The SELECT depth whose WITH renders each CTE (1: the outermost statement). */
  private readonly _cte_levels = new Map<CTE, number>();

  /** UNION / EXCEPT … as the backend spells it (SQLCompiler.compound_keywords; Oracle's EXCEPT is MINUS). */
  compound_keyword(keyword: string): string {
    return keyword;
  }

  get_cte_preamble(recursive: boolean): string {
    return recursive ? "WITH RECURSIVE" : "WITH";
  }

  /**
   * A CTE where it is used: its name (or `name AS alias`); the first time, its `name AS (…)` entry
   * is recorded for the WITH clause. A CTE restating another (a recursive `union_all()`) replaces it
   * under the same name; two unrelated CTEs of one name are an error (SQLCompiler.visit_cte).
   */
  visit_cte(cte: CTE, kw: CompileKw = {}): string {
    const name = this.subqueryName(cte);
    let is_new = true;
    const existing = this.ctes_by_name.get(name);
    if (existing !== undefined) {
      if (cte === existing || cte === existing._restates) is_new = false;
      else if (existing === cte._restates) this.ctes.delete(existing);
      else if (!this._same_structure(cte, existing))
        throw new CompileError(`Multiple, unrelated CTEs found with the same name: ${repr(name)}`);
      else is_new = false;
    }
    const pre = cte._cte_alias;
    // the depth of the SELECT that uses a nesting CTE, before its own SELECT is compiled
    const level = cte.nesting ? this._select_stack.length : 1;
    if (is_new) {
      this.ctes_by_name.set(name, cte);
      if (pre) {
        if (!this.ctes_by_name.has(this.subqueryName(pre))) this.visit_cte(pre, kw);
      } else {
        let text = this.quote(name);
        if (cte.recursive) text += `(${cte._columns.map((c) => this.quote(c.key ?? "anon")).join(", ")})`;
        const inner = this.process(cte.element, {
          ...kw,
          toplevel: false,
          asfrom: true,
          lateral: false,
          compound_result: false,
          subquery: false,
        });
        text += ` AS \n(${inner})`;
        this.ctes.set(cte, text);
        this._cte_levels.set(cte, level);
      }
    }
    if (pre) return this.quote(this.subqueryName(pre)) + this.get_render_as_alias_suffix(this.quote(name));
    return this.quote(name);
  }

  private _same_structure(a: ClauseElement, b: ClauseElement): boolean {
    const ka = new CacheKeyBuilder();
    a._ck(ka);
    const kb = new CacheKeyBuilder();
    b._ck(kb);
    return ka.key() === kb.key();
  }

  visit_lateral(l: Lateral, kw: CompileKw = {}): string {
    return `LATERAL (${this.process(l.element, { ...kw, subquery: true, asfrom: true, lateral: true })})${this.get_render_as_alias_suffix(this.quote(this.subqueryName(l)))}`;
  }

  /** `json_each(x) AS anon_1`, `AS anon_1(a, b)` when derived, `LATERAL …` when lateral. */
  visit_table_valued_alias(t: TableValuedAlias, kw: CompileKw = {}): string {
    let text =
      this.process(t.element, kw) + this.get_render_as_alias_suffix(this.quote(this.subqueryName(t)));
    if (t._render_derived) {
      const cols = t._names.map((c) =>
        t._render_derived_w_types ? `${this.quote(c.name)} ${this.type_name(c.type)}` : this.quote(c.name),
      );
      text += `(${cols.join(", ")})`;
    }
    return t._is_lateral ? `LATERAL ${text}` : text;
  }

  visit_table_valued_column(c: TableValuedColumn): string {
    return this.quote(this.subqueryName(c.scalar_alias));
  }

  protected _compose_select_body(
    s: Select,
    froms: FromClause[],
    toplevel: boolean,
    inner: Record<string, unknown>,
    asfrom: boolean,
  ): string {
    const { sql: columns, cols } = this.columns_clause(s, inner, asfrom);
    if (toplevel) {
      this._result_columns = cols;
      this.returns_rows = true;
    }
    let text = `SELECT ${s._distinct ? "DISTINCT " : ""}${columns.join(", ")}`;
    if (froms.length)
      text += ` \nFROM ${froms.map((f) => this.process(f, { ...inner, asfrom: true })).join(", ")}`;
    else text += this.default_from(s);
    if (s._where_criteria.length) {
      const w =
        s._where_criteria.length === 1
          ? s._where_criteria[0]!
          : new BooleanClauseList("AND", s._where_criteria);
      text += ` \nWHERE ${this.process(w, inner)}`;
    }
    // a label of the columns clause named in GROUP BY / ORDER BY renders as its name
    const byLabel = {
      ...inner,
      render_label_as_label: new Set(s._exported_columns().filter((c) => c instanceof Label)),
    };
    if (s._group_by.length)
      text += ` GROUP BY ${s._group_by.map((g) => this.process(g, byLabel)).join(", ")}`;
    if (s._having_criteria.length) {
      const h =
        s._having_criteria.length === 1
          ? s._having_criteria[0]!
          : new BooleanClauseList("AND", s._having_criteria);
      text += ` \nHAVING ${this.process(h, inner)}`;
    }
    if (s._order_by.length)
      text += ` ORDER BY ${s._order_by.map((o) => this.process(o, byLabel)).join(", ")}`;
    if (s._limit !== null || s._offset !== null) text += this.limit_clause(s, inner);
    if (s._for_update) text += this.for_update_clause(s);
    return text;
  }

  limit_clause(s: Select | CompoundSelect, kw: Record<string, unknown>): string {
    let text = "";
    if (s._limit !== null) text += `\n LIMIT ${this.process(s._limit as ClauseElement, kw)}`;
    if (s._offset !== null) {
      if (s._limit === null) text += "\n LIMIT -1";
      text += ` OFFSET ${this.process(s._offset as ClauseElement, kw)}`;
    }
    return text;
  }

  for_update_clause(s: Select): string {
    return s._for_update?.read ? " FOR SHARE" : " FOR UPDATE";
  }

  /* ---------------------------------------------------------------- DML -- */

  /** ` RETURNING a, b`; `labels[i]` names a repeated column (`id AS id__1`). */
  protected returning_clause(
    cols: ColumnElement[],
    kw: Record<string, unknown>,
    labels: readonly (string | null)[] = [],
  ): string {
    const rendered = cols.map((c, i) => {
      const sql = this.returning_column(c, kw);
      const label = labels[i];
      return label ? `${sql} AS ${this.quote(label)}` : sql;
    });
    return ` RETURNING ${rendered.join(", ")}`;
  }

  protected returning_column(c: ColumnElement, kw: Record<string, unknown>): string {
    return this.process(c, kw);
  }

  /**
   * An explicit RETURNING (`returning_clause` through `_label_returning_column`): labelled as a
   * SELECT's columns are (`x + :x_1 AS anon_1`, `lower(x) AS lower_1`, a repeated column
   * `id AS id__1`), and the result's columns.
   */
  protected _set_returning(cols: ColumnElement[], kw: Record<string, unknown>): string {
    this.effective_returning = cols;
    this.returns_rows = true;
    const asSelect = {
      _exported_columns: () => cols,
      _label_style: "disambiguate_only",
    } as unknown as Select;
    const { sql, cols: result } = this.columns_clause(asSelect, { ...kw, ...this.returning_kw() });
    this._result_columns = result;
    return ` RETURNING ${sql.join(", ")}`;
  }

  /** Keyword arguments RETURNING's columns are compiled with (SQLite: `include_table=False`). */
  protected returning_kw(): CompileKw {
    return {};
  }

  visit_insert(stmt: Insert, kw: CompileKw = {}): string {
    this.isinsert = true;
    const table = stmt.table;
    this._primary_key_keys = table.primary_key.columns.map((c) => c.key);
    kw = { ...kw, toplevel: false };
    if (stmt._multi_values && stmt._values) _cant_mix_formats_error();
    if (stmt._multi_values) return this._visit_insert_multi_values(stmt, kw);
    if (stmt._select_names) return this._visit_insert_from_select(stmt, kw);
    const crud_params = _get_crud_params(this, stmt, kw);
    const cols = crud_params.map((p) => p.column);
    const values = crud_params.map((p) => p.value);
    const prefix = `INSERT INTO ${this.format_table(table)}`;
    const colnames = cols.map((c) => this.quote(c.name)).join(", ");
    const { use_insertmanyvalues, sentinel, client_sentinel, implicit_returning, metavalue_only } =
      _get_returning_modifiers(this, stmt, crud_params);
    let returning = "";
    if (stmt._returning.length) {
      const sentinels = sentinel ?? client_sentinel;
      returning = this._set_returning([...stmt._returning, ...(sentinels ?? [])], { ...kw, returning: true });
      if (sentinels) {
        this._num_sentinel_cols = sentinels.length;
        this._result_columns = this._result_columns.slice(0, -sentinels.length);
      }
      if (client_sentinel) this._sentinel_param_keys = client_sentinel.map((c) => c.key);
    } else if (implicit_returning || this.implicit_returning.length) {
      // the new primary key and the defaults return_defaults() asked for, in table order
      const wanted = new Set<Column>([
        ...(implicit_returning ? table.primary_key.columns : []),
        ...this.implicit_returning,
      ]);
      const cols = table.columns.filter((c) => wanted.has(c));
      returning = this.returning_clause(cols, { ...kw, returning: true });
      this.effective_returning = cols;
      this._implicit_returning = true;
    }
    const single = values.join(", ");
    const post = this._post_values(stmt, kw);
    let text: string;
    if (!cols.length) text = `${prefix} DEFAULT VALUES`;
    else if (sentinel && !metavalue_only) {
      // PostgreSQL's orderable form: the VALUES rows carry a counter that the SELECT sorts on
      // (rows of DEFAULT alone are sorted by the sentinel the database returns)
      const casts = cols.map((c, i) => this.render_bind_cast_text(c.type, `p${i}`)).join(", ");
      const names = cols.map((_c, i) => `p${i}`).join(", ");
      const head = `${prefix} (${colnames}) SELECT ${casts} FROM (VALUES `;
      const tail = `) AS imp_sen(${names}, sen_counter) ORDER BY sen_counter`;
      text = `${head}(${single})${tail}`;
      this._insertmanyvalues = {
        prefix: head,
        row: `(${single}, ${COUNTER_MARK})`,
        suffix: tail + post + returning,
      };
    } else {
      text = `${prefix} (${colnames}) VALUES (${single})`;
      if (use_insertmanyvalues) {
        this._insertmanyvalues = {
          prefix: `${prefix} (${colnames}) VALUES `,
          row: `(${single})`,
          suffix: post + returning,
        };
      }
    }
    if (this._insertmanyvalues) this._sort_by_parameter_order = stmt._sort_by_parameter_order;
    return text + post + returning;
  }

  /** ` ON CONFLICT …`: the INSERT's clause after VALUES, if it has one. */
  protected _post_values(stmt: Insert, kw: CompileKw): string {
    if (!stmt._post_values_clause) return "";
    this._select_stack.push({ correlate_froms: new Set(), asfrom_froms: new Set(), selectable: stmt });
    try {
      const text = this.process(stmt._post_values_clause, { ...kw, insert_statement: stmt });
      return text ? ` ${text}` : "";
    } finally {
      this._select_stack.pop();
    }
  }

  /** ON CONFLICT is the sqlite and postgresql dialects' (SQLCompiler has no rule for it). */
  visit_on_conflict_do_nothing(e: ClauseElement, _kw: CompileKw): string {
    throw new UnsupportedCompilationError(
      `Compiler ${this.constructor.name} can't render element of type ${e.constructor.name}`,
    );
  }
  visit_on_conflict_do_update(e: ClauseElement, kw: CompileKw): string {
    return this.visit_on_conflict_do_nothing(e, kw);
  }

  /** `insert().from_select(names, select)`: `INSERT INTO t (a, b) SELECT …` (the SELECT correlates nothing). */
  protected _visit_insert_from_select(stmt: Insert, kw: CompileKw): string {
    const cols = _get_crud_params(this, stmt, kw).map((p) => p.column);
    this._select_stack.push({ correlate_froms: new Set(), asfrom_froms: new Set(), selectable: stmt });
    try {
      const returning = stmt._returning.length
        ? this._set_returning(stmt._returning, { ...kw, returning: true })
        : "";
      const select = this.process(this._insert_from_select!, { ...kw, insert_into: true });
      const colnames = cols.map((c) => this.quote(c.name)).join(", ");
      const post = this._post_values(stmt, kw);
      return `INSERT INTO ${this.format_table(stmt.table)} (${colnames}) ${select}${post}${returning}`;
    } finally {
      this._select_stack.pop();
    }
  }

  /**
   * `insert().values([{…}, {…}])`: one VALUES row per dict, binds `<col>_m<i>`; the columns are the
   * first row's plus those with a Python-side default (crud._extend_values_for_multiparams). A
   * later row without a column takes its default (`<col>_m<i>`), or fails if it has none.
   */
  protected _visit_insert_multi_values(stmt: Insert, kw: CompileKw): string {
    const table = stmt.table;
    const rows = stmt._multi_values!;
    const first = rows[0]!;
    const unconsumed = [...first.keys()].filter((k) => !table.c.has(k));
    if (unconsumed.length) throw new CompileError(`Unconsumed column names: ${unconsumed.join(", ")}`);
    const hasDefault = (c: Column) => c.default !== undefined && c.default !== null;
    const cols = table.columns.filter((c) => first.has(c.key) || hasDefault(c));
    const rendered = rows.map((row, i) =>
      cols
        .map((c) => {
          if (!row.has(c.key)) {
            if (i > 0 && !hasDefault(c))
              throw new CompileError(
                `INSERT value for column ${c.table?.name}.${c.name} is explicitly rendered as a boundparameter in the VALUES clause; a Python-side value or SQL expression is required`,
              );
            const d = c.default;
            const callable_ = typeof d === "function" ? (d as () => unknown) : undefined;
            const name = i === 0 ? c.key : `${c.key}_m${i}`;
            return this.process(
              new BindParameter(name, callable_ ? undefined : d, { type_: c.type, unique: false, callable_ }),
              kw,
            );
          }
          const v = row.get(c.key);
          if (v instanceof ClauseElement) return this.process(_self_group(v), kw);
          return this.process(
            new BindParameter(`${c.key}_m${i}`, v ?? null, { type_: c.type, unique: false }),
            kw,
          );
        })
        .join(", "),
    );
    let text = `INSERT INTO ${this.format_table(table)} (${cols.map((c) => this.quote(c.name)).join(", ")}) VALUES ${rendered.map((r) => `(${r})`).join(", ")}`;
    text += this._post_values(stmt, kw);
    if (stmt._returning.length) text += this._set_returning(stmt._returning, { ...kw, returning: true });
    return text;
  }

  /**
   * The column(s) an ordered multi-row INSERT … RETURNING sorts its rows on, if the dialect can use
   * them (SQLCompiler._get_sentinel_column_for_table); null means one statement per row.
   */
  _get_sentinel_column_for_table(_table: Table): Column[] | null {
    return null;
  }

  /** `p0::VARCHAR`: an expression cast as a bind of that type would be. */
  render_bind_cast_text(type_: TypeEngine, sqltext: string): string {
    return `${sqltext}::${this.render_bind_cast(type_)}`;
  }

  /**
   * UPDATE: the SET list from crud.ts; other tables that WHERE or SET name become the dialect's
   * UPDATE … FROM (update_from_clause); a subquery in SET or WHERE correlates to the table updated.
   */
  visit_update(stmt: Update, kw: CompileKw = {}): string {
    this.isupdate = true;
    kw = { ...kw, toplevel: false };
    const table = stmt.table;
    const extra_froms = _make_extra_froms(stmt);
    const correlate_froms = new Set<FromClause>([table, ...extra_froms]);
    this._select_stack.push({ correlate_froms, asfrom_froms: correlate_froms, selectable: stmt });
    try {
      const crud_params = _get_crud_params(this, stmt, kw, extra_froms);
      if (!crud_params.length)
        throw new CompileError("Unconsumed column names or no values given for UPDATE");
      // a multiple-table UPDATE names each column's table where the backend lists the tables (MySQL)
      const include_table = extra_froms.length > 0 && this.render_table_with_column_in_update_from;
      const sets = crud_params.map(
        (p) => `${include_table ? this.visit_column(p.column) : this.quote(p.column.name)}=${p.value}`,
      );
      let text = `UPDATE ${this.update_tables_clause(stmt, table, extra_froms, kw)} SET ${sets.join(", ")}`;
      if (extra_froms.length) {
        const extra = this.update_from_clause(stmt, table, extra_froms, kw);
        if (extra) text += ` ${extra}`;
      }
      text += this._dml_where(stmt, kw);
      if (stmt._returning.length) text += this._set_returning(stmt._returning, { ...kw, returning: true });
      else if (this.implicit_returning.length) {
        text += this.returning_clause(this.implicit_returning, { ...kw, returning: true });
        this.effective_returning = this.implicit_returning;
        this._implicit_returning = true;
      }
      return text;
    } finally {
      this._select_stack.pop();
    }
  }

  /** A multiple-table UPDATE's SET names the table of each column (MySQL: `SET t.x=…`). */
  get render_table_with_column_in_update_from(): boolean {
    return false;
  }

  /** The table of `UPDATE <table> SET` (MySQL lists every table there). */
  update_tables_clause(_stmt: Update, from_table: Table, _extra_froms: FromClause[], kw: CompileKw): string {
    return this.process(from_table, { ...kw, asfrom: true });
  }

  /** UPDATE … FROM: no backend by default (SQLCompiler.update_from_clause). */
  update_from_clause(_stmt: Update, _from_table: Table, _extra_froms: FromClause[], _kw: CompileKw): string {
    throw new NotImplementedError("This backend does not support multiple-table criteria within UPDATE");
  }

  /** DELETE: other tables that WHERE names become the dialect's extra FROM (PostgreSQL's USING). */
  visit_delete(stmt: Delete, kw: CompileKw = {}): string {
    this.isdelete = true;
    kw = { ...kw, toplevel: false };
    const table = stmt.table;
    const extra_froms = _make_extra_froms(stmt);
    const correlate_froms = new Set<FromClause>([table, ...extra_froms]);
    this._select_stack.push({ correlate_froms, asfrom_froms: correlate_froms, selectable: stmt });
    try {
      let text = `DELETE FROM ${this.delete_table_clause(stmt, table, extra_froms, kw)}`;
      if (extra_froms.length) {
        const extra = this.delete_extra_from_clause(stmt, table, extra_froms, kw);
        if (extra) text += ` ${extra}`;
      }
      text += this._dml_where(stmt, kw);
      if (stmt._returning.length) text += this._set_returning(stmt._returning, { ...kw, returning: true });
      return text;
    } finally {
      this._select_stack.pop();
    }
  }

  delete_table_clause(_stmt: Delete, from_table: Table, _extra_froms: FromClause[], kw: CompileKw): string {
    return this.process(from_table, { ...kw, asfrom: true });
  }

  /** DELETE with other tables: no backend by default (SQLCompiler.delete_extra_from_clause). */
  delete_extra_from_clause(
    _stmt: Delete,
    _from_table: Table,
    _extra_froms: FromClause[],
    _kw: CompileKw,
  ): string {
    throw new NotImplementedError("This backend does not support multiple-table criteria within DELETE");
  }

  /** ` WHERE a AND b` of an UPDATE / DELETE. */
  protected _dml_where(stmt: Update | Delete, kw: CompileKw): string {
    if (!stmt._where_criteria.length) return "";
    const w =
      stmt._where_criteria.length === 1
        ? stmt._where_criteria[0]!
        : new BooleanClauseList("AND", stmt._where_criteria);
    return ` WHERE ${this.process(w, kw)}`;
  }

  /* ---------------------------------------------------------------- insertmanyvalues -- */

  _deliver_insertmanyvalues_batches(
    _statement: string,
    parameters: readonly DBAPIParameters[],
    compiled_parameters: readonly Record<string, unknown>[],
    batch_size: number,
  ): InsertManyValuesBatch[] {
    return _deliver_insertmanyvalues_batches(this, parameters, compiled_parameters, batch_size);
  }
}

/** Any table's visitor, as the dispatcher holds it (it calls each with the element of its name). */
type AnyVisitor = (compiler: never, element: never, kw: CompileKw) => string;

/** SQLCompiler's visitors: one per statement element's `__visit_name__` (a missing one is a type error). */
export const SQL_VISITORS: VisitorTable<SQLCompiler, SQLVisitName> = {
  bindparam: (c, e, kw) => c.visit_bindparam(e, kw),
  binary: (c, e, kw) => c.visit_binary(e, kw),
  clauselist: (c, e, kw) => c.visit_clauselist(e, kw),
  boolean_clauselist: (c, e, kw) => c.visit_boolean_clauselist(e, kw),
  unary: (c, e, kw) => c.visit_unary(e, kw),
  label: (c, e, kw) => c.visit_label(e, kw),
  grouping: (c, e, kw) => c.visit_grouping(e, kw),
  null: (c) => c.visit_null(),
  true: (c) => c.visit_true(),
  false: (c) => c.visit_false(),
  cast: (c, e, kw) => c.visit_cast(e, kw),
  type_coerce: (c, e, kw) => c.visit_type_coerce(e, kw),
  column: (c, e, kw) => c.visit_column(e, kw),
  function: (c, e, kw) => c.visit_function(e, kw),
  over: (c, e, kw) => c.visit_over(e, kw),
  funcfilter: (c, e, kw) => c.visit_funcfilter(e, kw),
  withingroup: (c, e, kw) => c.visit_withingroup(e, kw),
  scalar_function_column: (c, e, kw) => c.visit_scalar_function_column(e, kw),
  star: (c) => c.visit_star(),
  textclause: (c, e, kw) => c.visit_textclause(e, kw),
  textual_select: (c, e, kw) => c.visit_textual_select(e, kw),
  values: (c, e, kw) => c.visit_values(e, kw),
  scalar_values: (c, e, kw) => c.visit_scalar_values(e, kw),
  table: (c, e) => c.visit_table(e),
  join: (c, e, kw) => c.visit_join(e, kw),
  subquery: (c, e, kw) => c.visit_subquery(e, kw),
  subquery_column: (c, e) => c.visit_subquery_column(e),
  select: (c, e, kw) => c.visit_select(e, kw),
  compound_select: (c, e, kw) => c.visit_compound_select(e, kw),
  cte: (c, e, kw) => c.visit_cte(e, kw),
  lateral: (c, e, kw) => c.visit_lateral(e, kw),
  table_valued_alias: (c, e, kw) => c.visit_table_valued_alias(e, kw),
  table_valued_column: (c, e) => c.visit_table_valued_column(e),
  scalar_select: (c, e, kw) => c.visit_scalar_select(e, kw),
  exists: (c, e, kw) => c.visit_exists(e, kw),
  case: (c, e, kw) => c.visit_case(e, kw),
  textual_label_reference: (c, e, kw) => c.visit_textual_label_reference(e, kw),
  insert: (c, e, kw) => c.visit_insert(e, kw),
  update: (c, e, kw) => c.visit_update(e, kw),
  delete: (c, e, kw) => c.visit_delete(e, kw),
  on_conflict_do_nothing: (c, e, kw) => c.visit_on_conflict_do_nothing(e, kw),
  on_conflict_do_update: (c, e, kw) => c.visit_on_conflict_do_update(e, kw),
};
Object.defineProperty(SQLCompiler.prototype, "_visitors", { value: SQL_VISITORS, writable: false });

/**
 * The compiler `str(stmt)` and `.compile()` without a dialect use (StrSQLCompiler): it renders what
 * no one backend would, such as UPDATE … FROM and a DELETE naming several tables.
 */
export class StrSQLCompiler extends SQLCompiler {
  /** StrSQLCompiler.returning_clause labels each column alone: a repeated column is not relabelled. */
  protected override returning_kw(): CompileKw {
    return { returning_no_disambiguate: true };
  }

  /** StrSQLCompiler renders a JSON element as `x[key]`. */
  override visit_json_getitem_op_binary(b: BinaryExpression, kw: CompileKw): string {
    return this.visit_getitem_binary(b, kw);
  }
  override visit_json_path_getitem_op_binary(b: BinaryExpression, kw: CompileKw): string {
    return this.visit_getitem_binary(b, kw);
  }

  override update_from_clause(_stmt: Update, _t: Table, extra_froms: FromClause[], kw: CompileKw): string {
    return `FROM ${extra_froms.map((f) => this.process(f, { ...kw, asfrom: true })).join(", ")}`;
  }
  override delete_extra_from_clause(
    _stmt: Delete,
    _t: Table,
    extra_froms: FromClause[],
    kw: CompileKw,
  ): string {
    return `, ${extra_froms.map((f) => this.process(f, { ...kw, asfrom: true })).join(", ")}`;
  }
}
(DEFAULT_DIALECT as { statement_compiler?: SQLCompilerClass }).statement_compiler = StrSQLCompiler;

/**
 * The FROMs an UPDATE's / DELETE's WHERE criteria and SET values name besides the target table, in
 * order of appearance (DMLState._make_extra_froms); a subquery inside them adds none.
 */
export function _make_extra_froms(stmt: Update | Delete): FromClause[] {
  const seen = new Set<FromClause>([stmt.table]);
  const froms: FromClause[] = [];
  const consider: unknown[] = [...stmt._where_criteria, ...(stmt._values?.values() ?? [])];
  for (const crit of consider) {
    const found: FromClause[] = [];
    collectFroms(crit, found);
    for (const f of found) {
      if (!seen.has(f)) froms.push(f);
      seen.add(f);
    }
  }
  return froms;
}

function collectFroms(e: unknown, out: FromClause[]): void {
  if (e instanceof Column) {
    if (e.table && !out.includes(e.table)) out.push(e.table);
    return;
  }
  if (e instanceof SubqueryColumn) {
    if (!out.includes(e.subquery)) out.push(e.subquery);
    return;
  }
  if (e instanceof TableValuedColumn) {
    if (!out.includes(e.scalar_alias)) out.push(e.scalar_alias);
    return;
  }
  // `(f(x)).name` names no FROM of its own, as in SQLAlchemy (a column without a table)
  if (e instanceof ScalarFunctionColumn) return;
  if (e instanceof ColumnClause && e.table instanceof FromClause) {
    if (!out.includes(e.table)) out.push(e.table);
    return;
  }
  if (!(e instanceof ClauseElement)) {
    const ce = (e as { __clause_element__?: () => unknown } | null)?.__clause_element__;
    if (typeof ce === "function") collectFroms(ce.call(e), out);
    return;
  }
  const visitName = (e as { __visit_name__?: string }).__visit_name__;
  if (e instanceof FromClause || visitName === "select" || visitName === "compound_select") return;
  for (const key of [
    "left",
    "right",
    "element",
    "clause",
    "clauses",
    "func",
    "criterion",
    "partition_by",
    "order_by",
  ]) {
    const v = (e as unknown as Record<string, unknown>)[key];
    if (Array.isArray(v)) for (const x of v) collectFroms(x, out);
    else if (v) collectFroms(v, out);
  }
}

function joinOn(base: FromClause, left: FromClause, right: FromClause): ClauseElement {
  try {
    return new Join(left, right, undefined, false, false).onclause;
  } catch (err) {
    if (base !== left) return new Join(base, right, undefined, false, false).onclause;
    throw err;
  }
}

/** `module.Class` of a compiler, as Python's repr names it. */
function defineModuleName(c: SQLCompiler): string {
  const m = (c.constructor as { __module__?: string }).__module__;
  return `${m ?? "sqlalchemy.sql.compiler"}.${c.constructor.name} object`;
}

/** A Python value as an SQL literal (`literal_binds`). */
export function renderLiteral(v: unknown): string {
  if (v === null || v === undefined) return "NULL";
  if (typeof v === "string") return `'${v.replace(/'/g, "''")}'`;
  if (typeof v === "boolean") return v ? "true" : "false";
  return String(v);
}

/* ---------------------------------------------------------------- entry points -- */

function compilerClassFor(dialect: CompilerDialect, statement: ClauseElement): SQLCompilerClass {
  if ((statement as { _is_ddl?: boolean })._is_ddl) return dialect.ddl_compiler ?? ddlFallback.cls!;
  return dialect.statement_compiler ?? SQLCompiler;
}

/** The DDL compiler for dialects that name none (`str(CreateTable(t))`); set by ddl_compiler.ts. */
export const ddlFallback: { cls: DDLCompilerClass | null } = { cls: null };

export function compileStatement(
  statement: ClauseElement,
  dialect: CompilerDialect,
  options: CompileOptions = {},
): SQLCompiler {
  const Cls = compilerClassFor(dialect, statement);
  return new Cls(dialect, statement, options);
}

const NO_VALUES: readonly unknown[] = Object.freeze([]);

/** `_compile_w_cache`: the compiled form from the engine's cache when the statement's structure is known. */
export function compileWithCache(
  statement: ClauseElement,
  dialect: CompilerDialect,
  options: {
    compiled_cache: CompiledCache | null;
    column_keys: readonly string[];
    for_executemany: boolean;
  },
): CompileWithCacheResult {
  if ((statement as { _is_ddl?: boolean })._is_ddl) {
    return { compiled: compileStatement(statement, dialect), extracted_params: null, cache_status: "no_key" };
  }
  if ((statement as { _no_cache_key?: boolean })._no_cache_key) {
    const compiled = compileStatement(statement, dialect, {
      column_keys: options.column_keys,
      for_executemany: options.for_executemany,
    });
    return { compiled, extracted_params: null, cache_status: "no_key" };
  }
  // statements are immutable (every generative method copies): the structural key is computed once
  let k = statement._cache_key_builder;
  if (k === undefined) {
    k = new CacheKeyBuilder();
    statement._ck(k);
    statement._cache_key_builder = k;
  }
  if (k.no_cache) {
    const compiled = compileStatement(statement, dialect, {
      column_keys: options.column_keys,
      for_executemany: options.for_executemany,
    });
    return { compiled, extracted_params: null, cache_status: "no_key" };
  }
  const binds = k.binds;
  let extracted: readonly unknown[] = NO_VALUES;
  if (binds.length > 0) {
    const values = new Array(binds.length);
    for (let i = 0; i < binds.length; i++) values[i] = binds[i]!.effective_value();
    extracted = values;
  }
  const cache = options.compiled_cache;
  if (!cache) {
    const compiled = compileStatement(statement, dialect, { ...options, key_binds: k.binds });
    return { compiled, extracted_params: extracted, cache_status: "disabled" };
  }
  const key = k.cacheKey(dialect._cache_token ?? dialect.name, options.column_keys, options.for_executemany);
  const hit = cache.get(key) as SQLCompiler | undefined;
  if (hit) return { compiled: hit, extracted_params: extracted, cache_status: "cached" };
  const compiled = compileStatement(statement, dialect, { ...options, key_binds: k.binds });
  cache.set(key, compiled);
  return { compiled, extracted_params: extracted, cache_status: "generated" };
}

function dialectOf(bind: unknown): CompilerDialect {
  if (!bind) return DEFAULT_DIALECT;
  const b = bind as { dialect?: CompilerDialect; sync_engine?: { dialect: CompilerDialect } };
  if (b.sync_engine) return b.sync_engine.dialect;
  if (b.dialect) return b.dialect;
  return bind as CompilerDialect;
}

typeCompileHook.fn = (t, bind) => typeCompilerFor(dialectOf(bind)).process(t);
_setCacheHook((e, dialect, options) => compileWithCache(e, dialect as CompilerDialect, options));
/** `stmt.compile(engine)`, `stmt.compile({ dialect, compile_kwargs })` (Python's keyword arguments). */
function isCompileOptions(x: unknown): x is { dialect?: unknown; bind?: unknown; compile_kwargs?: object } {
  return x !== null && typeof x === "object" && Object.getPrototypeOf(x) === Object.prototype;
}

_setCompileHooks(
  (e, bind, options) => {
    let opts = options as { compile_kwargs?: { literal_binds?: boolean } };
    if (isCompileOptions(bind)) {
      opts = bind as typeof opts;
      bind = (bind as { dialect?: unknown; bind?: unknown }).dialect ?? (bind as { bind?: unknown }).bind;
    }
    const lb = opts.compile_kwargs?.literal_binds;
    return compileStatement(e, dialectOf(bind), { literal_binds: lb });
  },
  (e) => compileStatement(e, DEFAULT_DIALECT).string,
);

defineModule("sqlalchemy.sql.compiler", SQLCompiler, GenericTypeCompiler);
