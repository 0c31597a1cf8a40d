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
import { CompileError, InvalidRequestError } from "../exc.ts";
import type { CompiledCache } from "../util/collections.ts";
import { defineModule, repr } from "../util/repr.ts";
import { bindMarker, COUNTER_MARK, type RenderedBinds, renderBindMarkers } from "./bindmarkers.ts";
import { _get_crud_params, _get_returning_modifiers } from "./crud.ts";
import type { DDLCompiler } from "./ddl_compiler.ts";
import type { Delete, Insert, Update } from "./dml.ts";
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
  type FunctionCall,
  type Grouping,
  Label,
  Star,
  type TextualLabelReference,
  type UnaryExpression,
} from "./elements.ts";
import { _deliver_insertmanyvalues_batches, type InsertManyValues } from "./insertmanyvalues.ts";
import { Column, type Table } from "./schema.ts";
import {
  type Exists,
  FromClause,
  Join,
  type ScalarSelect,
  type Select,
  Subquery,
  SubqueryColumn,
  selectPlugins,
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

export function quoteIdentifier(name: string): string {
  return LEGAL.test(name) && !RESERVED.has(name) ? name : `"${name.replace(/"/g, '""')}"`;
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
  _implicit_returning = false;
  /** Multi-row INSERT pieces: `prefix` + one `row` per parameter set (binds renamed `x__<i>`) + `suffix`. */
  _insertmanyvalues?: InsertManyValues;
  _sort_by_parameter_order = false;
  /** Trailing RETURNING columns that are sentinels only: sort each batch's rows on them, then drop them. */
  _num_sentinel_cols = 0;
  effective_returning: ColumnElement[] | null = null;
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
    return quoteIdentifier(name);
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
      return c.table ? `${this.quote(c.table.name)}.${this.quote(c.name)}` : this.quote(c.name);
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
    return `${this.quote(this.subqueryName(c.subquery))}.${this.quote(c.key)}`;
  }

  /** An unnamed alias of a table is `<table>_<n>`; of a SELECT, `anon_<n>`. */
  subqueryName(s: Subquery): string {
    if (s.name) return s.name;
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
    return `${inner} AS ${this.quote(this.subqueryName(s))}`;
  }

  visit_join(j: Join, kw: Record<string, unknown> = {}): string {
    const kind = j.full ? " FULL OUTER JOIN " : j.isouter ? " LEFT OUTER JOIN " : " JOIN ";
    return `${this.process(j.left, kw)}${kind}${this.process(j.right, kw)} ON ${this.process(j.onclause, kw)}`;
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
    const prec = SQLCompiler.PRECEDENCE[b.operator] ?? 5;
    const left = this.operand(b.left, prec, kw);
    if (b.modifiers.pattern) {
      const pct =
        this.dialect.paramstyle === "pyformat" || this.dialect.paramstyle === "format" ? "'%%'" : "'%'";
      const right = this.process(b.right, kw);
      const pattern =
        b.modifiers.pattern === "contains"
          ? `${pct} || ${right} || ${pct}`
          : b.modifiers.pattern === "startswith"
            ? `${right} || ${pct}`
            : `${pct} || ${right}`;
      return `${left} LIKE ${pattern}`;
    }
    if (b.modifiers.ilike) return this.visit_ilike(b, kw);
    if (b.operator === "IN" || b.operator === "NOT IN") {
      const r = b.right;
      const expanding = r instanceof BindParameter && r.expanding;
      const right = expanding ? this.process(r, kw) : `(${this.process(r, kw)})`;
      if (expanding && !this.literal_binds && !kw.literal_binds)
        this._expanding_ops.set(r.unique ? this.anon(r, r.key) : r.key, b.operator);
      // NOT IN is a negated IN, which SQLAlchemy groups
      return b.operator === "NOT IN" ? `(${left} NOT IN ${right})` : `${left} IN ${right}`;
    }
    const right = this.operand(b.right, prec + (b.operator === "-" || b.operator === "/" ? 1 : 0), kw);
    return `${left} ${b.operator} ${right}`;
  }

  visit_ilike(b: BinaryExpression, kw: Record<string, unknown>): string {
    return `${this.process(b.left, kw)} LIKE ${this.process(b.right, kw)}`;
  }

  visit_clauselist(l: ClauseList, kw: Record<string, unknown> = {}): string {
    return l.clauses.map((c) => this.process(c, kw)).join(l.separator);
  }

  visit_boolean_clauselist(l: BooleanClauseList, kw: Record<string, unknown> = {}): string {
    const prec = SQLCompiler.PRECEDENCE[l.operator]!;
    return l.clauses.map((c) => this.operand(c, prec + 1, kw)).join(` ${l.operator} `);
  }

  visit_unary(u: UnaryExpression, kw: Record<string, unknown> = {}): string {
    let s = this.process(u.element, kw);
    if (u.operator === "NOT") s = `NOT (${s})`;
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

  visit_function(f: FunctionCall, kw: Record<string, unknown> = {}): string {
    const name = [...f.packagenames, f.name].join(".");
    const args = f.clauses.length
      ? f.clauses.map((c) => this.process(c, kw)).join(", ")
      : f.name.toLowerCase() === "count"
        ? "*"
        : "";
    return `${name}(${args})`;
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
    if (entry) {
      const s = entry.selectable;
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

  /** SELECTs being compiled, outermost first: the FROMs each offers to correlate (compiler.stack entries). */
  private readonly _select_stack: {
    correlate_froms: Set<FromClause>;
    asfrom_froms: Set<FromClause>;
    selectable: Select;
  }[] = [];

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
    return froms;
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
        if (seen.has(keyname)) {
          label =
            seen.get(keyname) === c
              ? this.anon({ dedupe: c, n: dedupe++ }, `${keyname}_`)
              : this.anon(c, keyname);
          keyname = label;
        }
      } else if (c instanceof ColumnClause && c.is_literal) {
        keyname = c.name;
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
    const froms = asfrom
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
      return this._compose_select_body(s, froms, toplevel, { ...kw, toplevel: false, asfrom: false }, asfrom);
    } finally {
      this._select_stack.pop();
    }
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
    if (froms.length) text += ` \nFROM ${froms.map((f) => this.process(f, inner)).join(", ")}`;
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

  limit_clause(s: Select, kw: Record<string, unknown>): string {
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

  protected _set_returning(cols: ColumnElement[], kw: Record<string, unknown>): string {
    this.effective_returning = cols;
    this.returns_rows = true;
    const seen = new Set<ColumnElement>();
    let dedupe = 1;
    const labels = cols.map((c) => {
      if (!seen.has(c)) {
        seen.add(c);
        return null;
      }
      return this.anon({ dedupe: c, n: dedupe++ }, `${c.key ?? "anon"}_`);
    });
    this._result_columns = cols.map((c, i) => ({
      keyname: labels[i] ?? c.key ?? "anon",
      name: labels[i] ?? c.key ?? "anon",
      objects: [c],
      processor: c.type.result_processor(this.dialect),
    }));
    return this.returning_clause(cols, kw, labels);
  }

  visit_insert(stmt: Insert, kw: CompileKw = {}): string {
    this.isinsert = true;
    const table = stmt.table;
    this._primary_key_keys = table.primary_key.columns.map((c) => c.key);
    if (stmt._multi_values) return this._visit_insert_multi_values(stmt, kw);
    const crud_params = _get_crud_params(this, stmt, kw);
    const cols = crud_params.map((p) => p.column);
    const values = crud_params.map((p) => p.value);
    const prefix = `INSERT INTO ${this.format_table(table)}`;
    const colnames = cols.map((c) => this.quote(c.name)).join(", ");
    const { use_insertmanyvalues, sentinel, implicit_returning } = _get_returning_modifiers(this, stmt, cols);
    let returning = "";
    if (stmt._returning.length) {
      returning = this._set_returning([...stmt._returning, ...(sentinel ?? [])], { ...kw, returning: true });
      if (sentinel) {
        this._num_sentinel_cols = sentinel.length;
        this._result_columns = this._result_columns.slice(0, -sentinel.length);
      }
    } else if (implicit_returning) {
      const pk = table.primary_key.columns;
      returning = this.returning_clause(pk, { ...kw, returning: true });
      this._implicit_returning = true;
    }
    const single = values.join(", ");
    let text: string;
    if (!cols.length) text = `${prefix} DEFAULT VALUES`;
    else if (sentinel) {
      // PostgreSQL's orderable form: the VALUES rows carry a counter that the SELECT sorts on
      const casts = cols.map((c, i) => this.render_bind_cast_text(c.type, `p${i}`)).join(", ");
      const names = cols.map((_c, i) => `p${i}`).join(", ");
      const head = `${prefix} (${colnames}) SELECT ${casts} FROM (VALUES `;
      const tail = `) AS imp_sen(${names}, sen_counter) ORDER BY sen_counter`;
      text = `${head}(${single})${tail}`;
      this._insertmanyvalues = {
        prefix: head,
        row: `(${single}, ${COUNTER_MARK})`,
        suffix: tail + returning,
      };
    } else {
      text = `${prefix} (${colnames}) VALUES (${single})`;
      if (use_insertmanyvalues) {
        this._insertmanyvalues = {
          prefix: `${prefix} (${colnames}) VALUES `,
          row: `(${single})`,
          suffix: returning,
        };
      }
    }
    if (this._insertmanyvalues) this._sort_by_parameter_order = stmt._sort_by_parameter_order;
    return text + returning;
  }

  /** `insert().values([{…}, {…}])`: one VALUES row per dict, binds `<col>_m<i>` (crud._extend_values_for_multiparams). */
  protected _visit_insert_multi_values(stmt: Insert, kw: CompileKw): string {
    const table = stmt.table;
    const rows = stmt._multi_values!;
    const unconsumed = [...new Set(rows.flatMap((r) => [...r.keys()]))].filter((k) => !table.c.has(k));
    if (unconsumed.length) throw new CompileError(`Unconsumed column names: ${unconsumed.join(", ")}`);
    const cols = table.columns.filter((c) => rows[0]!.has(c.key));
    const rendered = rows.map((row, i) =>
      cols
        .map((c) => {
          const v = row.get(c.key);
          if (v instanceof ClauseElement) return this.process(v, kw);
          return this.process(
            new BindParameter(`${c.key}_m${i}`, v ?? null, { type_: c.type, unique: false }),
            kw,
          );
        })
        .join(", "),
    );
    let text = `INSERT INTO ${this.format_table(table)} (${cols.map((c) => this.quote(c.name)).join(", ")}) VALUES ${rendered.map((r) => `(${r})`).join(", ")}`;
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

  visit_update(stmt: Update, kw: CompileKw = {}): string {
    this.isupdate = true;
    const table = stmt.table;
    const crud_params = _get_crud_params(this, stmt, kw);
    if (!crud_params.length) throw new CompileError("Unconsumed column names or no values given for UPDATE");
    const sets = crud_params.map((p) => `${this.quote(p.column.name)}=${p.value}`);
    let text = `UPDATE ${this.format_table(table)} SET ${sets.join(", ")}`;
    if (stmt._where_criteria.length) {
      const w =
        stmt._where_criteria.length === 1
          ? stmt._where_criteria[0]!
          : new BooleanClauseList("AND", stmt._where_criteria);
      text += ` WHERE ${this.process(w, kw)}`;
    }
    if (stmt._returning.length) text += this._set_returning(stmt._returning, { ...kw, returning: true });
    return text;
  }

  visit_delete(stmt: Delete, kw: Record<string, unknown> = {}): string {
    this.isdelete = true;
    let text = `DELETE FROM ${this.format_table(stmt.table)}`;
    if (stmt._where_criteria.length) {
      const w =
        stmt._where_criteria.length === 1
          ? stmt._where_criteria[0]!
          : new BooleanClauseList("AND", stmt._where_criteria);
      text += ` WHERE ${this.process(w, kw)}`;
    }
    if (stmt._returning.length) text += this._set_returning(stmt._returning, { ...kw, returning: true });
    return text;
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
  column: (c, e, kw) => c.visit_column(e, kw),
  function: (c, e, kw) => c.visit_function(e, kw),
  star: (c) => c.visit_star(),
  textclause: (c, e, kw) => c.visit_textclause(e, kw),
  table: (c, e) => c.visit_table(e),
  join: (c, e, kw) => c.visit_join(e, kw),
  subquery: (c, e, kw) => c.visit_subquery(e, kw),
  subquery_column: (c, e) => c.visit_subquery_column(e),
  select: (c, e, kw) => c.visit_select(e, kw),
  scalar_select: (c, e, kw) => c.visit_scalar_select(e, kw),
  exists: (c, e, kw) => c.visit_exists(e, kw),
  case: (c, e, kw) => c.visit_case(e, kw),
  textual_label_reference: (c, e, kw) => c.visit_textual_label_reference(e, kw),
  insert: (c, e, kw) => c.visit_insert(e, kw),
  update: (c, e, kw) => c.visit_update(e, kw),
  delete: (c, e, kw) => c.visit_delete(e, kw),
};
Object.defineProperty(SQLCompiler.prototype, "_visitors", { value: SQL_VISITORS, writable: false });

function collectFroms(e: unknown, out: FromClause[]): void {
  if (e instanceof Column) {
    if (e.table && !out.includes(e.table)) out.push(e.table);
    return;
  }
  if (e instanceof SubqueryColumn) {
    if (!out.includes(e.subquery)) out.push(e.subquery);
    return;
  }
  if (!(e instanceof ClauseElement)) {
    const ce = (e as { __clause_element__?: () => unknown } | null)?.__clause_element__;
    if (typeof ce === "function") collectFroms(ce.call(e), out);
    return;
  }
  if (e instanceof FromClause || (e as { __visit_name__?: string }).__visit_name__ === "select") return;
  for (const key of ["left", "right", "element", "clause", "clauses"]) {
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
