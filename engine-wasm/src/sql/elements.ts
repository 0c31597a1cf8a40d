/**
 * `sqlalchemy.sql.elements`: the expression tree. Every element has a `__visit_name__` (the compiler's
 * `visit_<name>` renders it) and writes its structure into a cache key (`_ck`): literal values are not
 * part of the key but collected as "extracted parameters", so `col.eq(5)` and `col.eq(6)` share one
 * compiled form, as in SQLAlchemy.
 *
 * Python's operators become methods named after them: `col.eq(5)` (`==`), `.ne`, `.lt`, `.le`, `.gt`,
 * `.ge`, `.in_([...])`, `.like`, `.is_(null())`, `.add` (`+`), … on table columns and ORM attributes alike.
 */
import type { Connection, ExecutionOptions } from "../engine/base.ts";
import type { CursorResult } from "../engine/cursor.ts";
import { ArgumentError, InvalidRequestError } from "../exc.ts";
import { AttributeError, NotImplementedError } from "../util/builtins.ts";
import { type CompiledCache, mergeOptions } from "../util/collections.ts";
import { defineModule, repr } from "../util/repr.ts";
import {
  BOOLEANTYPE,
  Float,
  Integer,
  JSONIntIndexType,
  JSONPathType,
  JSONStrIndexType,
  NULLTYPE,
  Numeric,
  Boolean as SABoolean,
  JSON as SAJSON,
  String as SAString,
  STRINGTYPE,
  type TypeEngine,
  to_instance,
  typeForValue,
} from "./sqltypes.ts";
import type { VisitName } from "./visitors.ts";

/* ------------------------------------------------------------------------------------------------
 * cache keys
 * ---------------------------------------------------------------------------------------------- */

const ids = new WeakMap<object, number>();
let nextId = 1;
/** A stable identity for an object inside cache keys. */
export function objectId(o: object): number {
  let id = ids.get(o);
  if (id === undefined) {
    id = nextId++;
    ids.set(o, id);
  }
  return id;
}

function sameStrings(a: readonly string[], b: readonly string[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

export class CacheKeyBuilder {
  readonly parts: (string | number)[] = [];
  /** Bind parameters in traversal order; their values are the "extracted parameters". */
  readonly binds: BindParameter[] = [];
  /** The statement holds something SQLAlchemy does not cache (VALUES rows): compiled each time. */
  no_cache = false;
  push(...p: (string | number)[]): void {
    this.parts.push(...p);
  }
  visit(e: unknown): void {
    if (e instanceof ClauseElement) e._ck(this);
    else this.parts.push(`?${String(e)}`);
  }
  private readonly _refs = new Map<object, number>();
  /**
   * An element that other parts of the statement refer to (a subquery or CTE and its columns): its
   * structure the first time, then only its place in this key, so two statements built the same way
   * share a key whatever objects they were built from (SQLAlchemy's anon_map in cache keys).
   */
  ref(obj: object, structure: () => void): void {
    const n = this._refs.get(obj);
    if (n !== undefined) {
      this.parts.push(`@${n}`);
      return;
    }
    this._refs.set(obj, this._refs.size + 1);
    this.parts.push(`#${this._refs.size}`);
    structure();
  }
  /**
   * An anonymous element (an unnamed alias) by its position in this key, as SQLAlchemy's anon_map
   * does: two statements built the same way have the same key although their aliases are new objects.
   * `first` is true the first time the element is seen.
   */
  anon(o: object): { n: number; first: boolean } {
    this._anon ??= new Map();
    const n = this._anon.get(o);
    if (n !== undefined) return { n, first: false };
    this._anon.set(o, this._anon.size);
    return { n: this._anon.size - 1, first: true };
  }
  private _anon: Map<object, number> | undefined;
  private _key: string | undefined;
  key(): string {
    this._key ??= this.parts.join("\u0001");
    return this._key;
  }
  private _full: { prefix: string; columns: readonly string[]; many: boolean; key: string } | undefined;
  /**
   * The compiled-cache key: dialect, structure, parameter names, executemany. The last one is kept,
   * so that a statement object executed again (a `text()` in a loop) looks its key up without
   * building a new string.
   */
  cacheKey(prefix: string, columns: readonly string[], many: boolean): string {
    const last = this._full;
    if (
      last !== undefined &&
      last.prefix === prefix &&
      last.many === many &&
      sameStrings(last.columns, columns)
    )
      return last.key;
    const key = `${prefix}\u0002${this.key()}\u0002${columns.join(",")}\u0002${many ? 1 : 0}`;
    this._full = { prefix, columns: columns.slice(), many, key };
    return key;
  }
}

/* ------------------------------------------------------------------------------------------------
 * base
 * ---------------------------------------------------------------------------------------------- */

/**
 * SQLAlchemy's `Executable._execute_on_connection`: a statement runs through the connection's
 * compile-and-execute path, with its own execution options under the ones the call gives.
 */
export function _execute_statement_on_connection(
  statement: ClauseElement & { readonly _execution_options: ExecutionOptions },
  connection: Connection,
  distilled_params: readonly Record<string, unknown>[],
  execution_options: ExecutionOptions,
): CursorResult {
  return connection._execute_clauseelement(
    statement as never,
    distilled_params,
    mergeOptions(statement._execution_options, execution_options),
  );
}

export abstract class ClauseElement {
  abstract readonly __visit_name__: VisitName;
  /** The structural cache key, made on first execution (statements are immutable: it never changes). */
  _cache_key_builder: CacheKeyBuilder | undefined = undefined;
  /** Writes this element's structure into a cache key. */
  abstract _ck(k: CacheKeyBuilder): void;
  /** Python's `str(stmt)`: compiled with the default dialect. */
  toString(): string {
    return compileDefault(this);
  }
  __str__(): string {
    return this.toString();
  }
  /** The SQL string for a dialect (`stmt.compile(engine)` / `.compile()`). */
  compile(
    bind?: unknown,
    options: { compile_kwargs?: { literal_binds?: boolean } } = {},
  ): { string: string; params: Record<string, unknown>; toString(): string } {
    return compileHook!(this, bind, options);
  }
  /** ORM hook: elements that stand for a mapped attribute return their column here. */
  __clause_element__?(): ClauseElement;
  /** The engine's entry point: the compiled form, from the engine's cache when possible. */
  _compile_w_cache(
    dialect: unknown,
    options: {
      compiled_cache: CompiledCache | null;
      column_keys: readonly string[];
      for_executemany: boolean;
    },
  ) {
    return compileWithCacheHook!(this, dialect, options);
  }
}

let compileWithCacheHook: ((e: ClauseElement, dialect: unknown, options: any) => any) | null = null;
export function _setCacheHook(hook: typeof compileWithCacheHook): void {
  compileWithCacheHook = hook;
}

/** Set by compiler.ts (which imports this module) to avoid a cycle. */
let compileHook: ((e: ClauseElement, bind: unknown, options: object) => any) | null = null;
let compileDefault: (e: ClauseElement) => string = () => "";
export function _setCompileHooks(hook: typeof compileHook, def: typeof compileDefault): void {
  compileHook = hook;
  compileDefault = def;
}

/** Turns a Python-side value, a column or an ORM attribute into a clause element. */
export function coerce(value: unknown, against?: ColumnElement): ClauseElement {
  if (value instanceof ClauseElement) return value;
  const ce = (value as { __clause_element__?: () => ClauseElement } | null)?.__clause_element__;
  if (typeof ce === "function") return ce.call(value);
  if (value === null || value === undefined) return new Null();
  return new BindParameter(against?._bind_key ?? null, value, {
    type_: against && against.type !== NULLTYPE ? against.type : typeForValue(value),
    unique: true,
  });
}

export function coerceColumn(value: unknown): ColumnElement {
  const c = coerce(value);
  if (!(c instanceof ColumnElement))
    throw new ArgumentError(`SQL expression element expected, got ${repr(value)}`);
  return c;
}

/* ------------------------------------------------------------------------------------------------
 * column expressions and their operators
 * ---------------------------------------------------------------------------------------------- */

export abstract class ColumnElement extends ClauseElement {
  protected _type: TypeEngine = NULLTYPE;
  get type(): TypeEngine {
    return this._type;
  }
  set type(t: TypeEngine) {
    this._type = t;
  }
  /** Name used for anonymous bind parameters compared with this element (`name_1`). */
  get _bind_key(): string | null {
    return null;
  }
  /** The label this expression gets in a SELECT when it has no name of its own (`count_1`). */
  get _anon_label_base(): string | null {
    return null;
  }
  /** The key of this column in a result row / `.c` collection. */
  get key(): string | null {
    return null;
  }

  protected _compare(op: string, other: unknown): BinaryExpression {
    if ((other === null || other === undefined) && (op === "=" || op === "!=")) {
      return new BinaryExpression(this, new Null(), op === "=" ? "IS" : "IS NOT", BOOLEANTYPE);
    }
    return new BinaryExpression(this, coerce(other, this), op, BOOLEANTYPE);
  }
  protected _math(op: string, other: unknown): BinaryExpression {
    const right = coerce(other, this);
    const type = this._math_type(right);
    // `+` of strings is concatenation (String's comparator: concat_op)
    const operator = op === "+" && type instanceof SAString ? "||" : op;
    return new BinaryExpression(this, right, operator, type);
  }
  /** A reflected operator (`other + self`): the other operand, bound against this one, on the left. */
  protected _rmath(op: string, other: unknown): BinaryExpression {
    const left = coerce(other, this);
    const type = this._math_type(left);
    const operator = op === "+" && type instanceof SAString ? "||" : op;
    return new BinaryExpression(left, this, operator, type);
  }
  /** An untyped expression takes the other operand's type (NullType's comparator defers to it): `upper(x) || :upper_2`. */
  private _math_type(other: ClauseElement): TypeEngine {
    if (this.type.__visit_name__ === "null" && other instanceof ColumnElement) return other.type;
    return this.type;
  }

  /** `==` */
  eq(other: unknown): BinaryExpression {
    return this._compare("=", other);
  }
  /** `!=` */
  ne(other: unknown): BinaryExpression {
    return this._compare("!=", other);
  }
  lt(other: unknown): BinaryExpression {
    return this._compare("<", other);
  }
  le(other: unknown): BinaryExpression {
    return this._compare("<=", other);
  }
  gt(other: unknown): BinaryExpression {
    return this._compare(">", other);
  }
  ge(other: unknown): BinaryExpression {
    return this._compare(">=", other);
  }
  in_(values: unknown): BinaryExpression {
    if (values instanceof ClauseElement) return new BinaryExpression(this, values, "IN", BOOLEANTYPE);
    const list = Array.from(values as Iterable<unknown>);
    const bp = new BindParameter(this._bind_key, list, { type_: this.type, unique: true, expanding: true });
    return new BinaryExpression(this, bp, "IN", BOOLEANTYPE);
  }
  not_in(values: unknown): BinaryExpression {
    const e = this.in_(values);
    return new BinaryExpression(e.left, e.right, "NOT IN", BOOLEANTYPE);
  }
  notin_(values: unknown): BinaryExpression {
    return this.not_in(values);
  }
  is_(other: unknown): BinaryExpression {
    return new BinaryExpression(this, coerce(other, this), "IS", BOOLEANTYPE);
  }
  is_not(other: unknown): BinaryExpression {
    return new BinaryExpression(this, coerce(other, this), "IS NOT", BOOLEANTYPE);
  }
  isnot(other: unknown): BinaryExpression {
    return this.is_not(other);
  }
  like(other: unknown): BinaryExpression {
    return this._compare("LIKE", other);
  }
  not_like(other: unknown): BinaryExpression {
    return this._compare("NOT LIKE", other);
  }
  /** `lower(a) LIKE lower(b)`; PostgreSQL renders `a ILIKE b` (the compilers' visit_ilike). */
  ilike(other: unknown): BinaryExpression {
    return new BinaryExpression(this, coerce(other, this), "LIKE", BOOLEANTYPE, { ilike: true });
  }
  not_ilike(other: unknown): BinaryExpression {
    return new BinaryExpression(this, coerce(other, this), "NOT LIKE", BOOLEANTYPE, { ilike: true });
  }
  contains(other: unknown): BinaryExpression {
    return new BinaryExpression(this, coerce(other, this), "LIKE", BOOLEANTYPE, { pattern: "contains" });
  }
  startswith(other: unknown): BinaryExpression {
    return new BinaryExpression(this, coerce(other, this), "LIKE", BOOLEANTYPE, { pattern: "startswith" });
  }
  endswith(other: unknown): BinaryExpression {
    return new BinaryExpression(this, coerce(other, this), "LIKE", BOOLEANTYPE, { pattern: "endswith" });
  }
  between(lower: unknown, upper: unknown): BinaryExpression {
    return new BinaryExpression(
      this,
      new ClauseList([coerce(lower, this), coerce(upper, this)], " AND "),
      "BETWEEN",
      BOOLEANTYPE,
    );
  }
  /** `+` */
  add(other: unknown): BinaryExpression {
    return this._math("+", other);
  }
  /** `-` */
  sub(other: unknown): BinaryExpression {
    return this._math("-", other);
  }
  /** `*` */
  mul(other: unknown): BinaryExpression {
    return this._math("*", other);
  }
  /** `/` */
  div(other: unknown): BinaryExpression {
    return this._math("/", other);
  }
  /** `%` */
  mod(other: unknown): BinaryExpression {
    return this._math("%", other);
  }
  /** `/` (Python's true division) */
  truediv(other: unknown): BinaryExpression {
    return this._math("/", other);
  }
  /** `other + self` */
  radd(other: unknown): BinaryExpression {
    return this._rmath("+", other);
  }
  /** `other - self` */
  rsub(other: unknown): BinaryExpression {
    return this._rmath("-", other);
  }
  /** `other * self` */
  rmul(other: unknown): BinaryExpression {
    return this._rmath("*", other);
  }
  /** `other / self` */
  rtruediv(other: unknown): BinaryExpression {
    return this._rmath("/", other);
  }
  /** `other % self` */
  rmod(other: unknown): BinaryExpression {
    return this._rmath("%", other);
  }
  /** Python's unary `-a`. */
  neg(): UnaryExpression {
    return new UnaryExpression(this, "-", null);
  }
  concat(other: unknown): BinaryExpression {
    return new BinaryExpression(this, coerce(other, this), "||", STRINGTYPE);
  }
  /** A custom operator: `col.op("->")(other)`. */
  op(operator: string): (other: unknown) => BinaryExpression {
    return (other) => new BinaryExpression(this, coerce(other, this), operator, this.type);
  }
  desc(): UnaryExpression {
    return new UnaryExpression(this, null, "DESC");
  }
  asc(): UnaryExpression {
    return new UnaryExpression(this, null, "ASC");
  }
  nulls_first(): UnaryExpression {
    return new UnaryExpression(this, null, "NULLS FIRST");
  }
  nulls_last(): UnaryExpression {
    return new UnaryExpression(this, null, "NULLS LAST");
  }
  distinct(): UnaryExpression {
    return new UnaryExpression(this, "DISTINCT", null);
  }
  label(name: string | null): Label {
    return new Label(name, this);
  }
  cast(type_: unknown): Cast {
    return new Cast(this, type_);
  }
  /** Python's `~expr` / `not_(expr)`. */
  not(): ClauseElement {
    return not_(this);
  }

  /**
   * Python's `expr[index]`: an element of a JSON value (JSON.Comparator._setup_getitem) — a key or
   * an index (`json_getitem_op`), or a path given as a sequence (`json_path_getitem_op`); the result
   * is of the JSON type. Other types have no index operator.
   */
  getitem(index: unknown): BinaryExpression {
    if (!(this.type instanceof SAJSON))
      throw new NotImplementedError("Operator 'getitem' is not supported on this expression");
    const isPath = Array.isArray(index);
    const operator = isPath ? "json_path_getitem_op" : "json_getitem_op";
    let right: ClauseElement;
    if (index instanceof ClauseElement) right = index;
    else {
      const type_ = isPath
        ? new JSONPathType()
        : typeof index === "number"
          ? new JSONIntIndexType()
          : new JSONStrIndexType();
      right = new BindParameter(this._bind_key, index, { type_, unique: true });
    }
    return new BinaryExpression(this, right, operator, this.type);
  }

  /** `expr[key].as_string()`: the element read as a string (JSON.Comparator.as_string). */
  as_string(): BinaryExpression {
    return this._binary_w_type(new SAString(), "as_string");
  }
  as_integer(): BinaryExpression {
    return this._binary_w_type(new Integer(), "as_integer");
  }
  as_float(): BinaryExpression {
    return this._binary_w_type(new Float(), "as_float");
  }
  as_numeric(precision: number, scale: number, asdecimal = true): BinaryExpression {
    return this._binary_w_type(new Numeric(precision, scale, { asdecimal }), "as_numeric");
  }
  as_boolean(): BinaryExpression {
    return this._binary_w_type(new SABoolean(), "as_boolean");
  }
  as_json(): BinaryExpression {
    return this._binary_w_type(this.type, "as_json");
  }
  /** A copy of a JSON index expression with another type (JSON.Comparator._binary_w_type). */
  private _binary_w_type(typ: TypeEngine, method_name: string): BinaryExpression {
    if (!(this.type instanceof SAJSON))
      throw new AttributeError(
        `Neither '${this.constructor.name}' object nor 'Comparator' object has an attribute '${method_name}'`,
      );
    if (
      !(this instanceof BinaryExpression) ||
      (this.operator !== "json_getitem_op" && this.operator !== "json_path_getitem_op")
    )
      throw new InvalidRequestError(
        `The JSON cast operator JSON.${method_name}() only works with a JSON index expression e.g. col['q'].${method_name}()`,
      );
    return new BinaryExpression(this.left, this.right, this.operator, typ, this.modifiers);
  }
}

export class BindParameter extends ColumnElement {
  readonly __visit_name__ = "bindparam";
  private readonly _bkey: string;
  value: unknown;
  /** Anonymous: renamed `<key>_<n>` at compile time. */
  readonly unique: boolean;
  readonly expanding: boolean;
  readonly required: boolean;
  readonly callable_: (() => unknown) | null;
  constructor(
    key: string | null,
    value: unknown = undefined,
    options: {
      type_?: unknown;
      unique?: boolean;
      expanding?: boolean;
      required?: boolean;
      callable_?: () => unknown;
    } = {},
  ) {
    super();
    this._bkey = key ?? "param";
    this.value = value;
    this.unique = options.unique ?? key === null;
    this.expanding = options.expanding ?? false;
    this.callable_ = options.callable_ ?? null;
    this.required = options.required ?? (value === undefined && !this.callable_);
    this.type =
      options.type_ !== undefined
        ? to_instance(options.type_)
        : value === undefined
          ? NULLTYPE
          : typeForValue(value);
  }
  effective_value(): unknown {
    return this.callable_ ? this.callable_() : this.value;
  }
  _ck(k: CacheKeyBuilder): void {
    k.push("bind", this.unique ? "~" : this.key, this.expanding ? "e" : "", this.type.constructor.name);
    k.binds.push(this);
  }
  override get key(): string {
    return this._bkey;
  }
  override get _bind_key(): string {
    return this._bkey;
  }
  __repr__(): string {
    return `BindParameter(${repr(this.key)}, ${repr(this.value ?? null)}, type_=${this.type.__repr__()})`;
  }
}

/** `bindparam(key, value?, { type_, expanding })`. */
export function bindparam(
  key: string,
  value?: unknown,
  options: { type_?: unknown; expanding?: boolean; required?: boolean; callable_?: () => unknown } = {},
): BindParameter {
  return new BindParameter(key, value, { ...options, unique: false });
}

export class BinaryExpression extends ColumnElement {
  readonly __visit_name__ = "binary";
  readonly left: ClauseElement;
  readonly right: ClauseElement;
  readonly operator: string;
  readonly modifiers: { pattern?: "contains" | "startswith" | "endswith"; ilike?: boolean };
  constructor(
    left: ClauseElement,
    right: ClauseElement,
    operator: string,
    type_: TypeEngine,
    modifiers: BinaryExpression["modifiers"] = {},
  ) {
    super();
    this.left = left;
    this.right = right;
    this.operator = operator;
    this.type = type_;
    this.modifiers = modifiers;
  }
  _ck(k: CacheKeyBuilder): void {
    k.push("bin(", this.operator, this.modifiers.pattern ?? "", this.modifiers.ilike ? "i" : "");
    this.left._ck(k);
    this.right._ck(k);
    k.push(")");
  }
  override get _anon_label_base(): string | null {
    return null;
  }
}

export class ClauseList extends ClauseElement {
  readonly __visit_name__: VisitName = "clauselist";
  readonly clauses: ClauseElement[];
  readonly separator: string;
  constructor(clauses: ClauseElement[], separator = ", ") {
    super();
    this.clauses = clauses;
    this.separator = separator;
  }
  _ck(k: CacheKeyBuilder): void {
    k.push("list(", this.separator);
    for (const c of this.clauses) c._ck(k);
    k.push(")");
  }
}

export class BooleanClauseList extends ColumnElement {
  readonly __visit_name__ = "boolean_clauselist";
  readonly clauses: ClauseElement[];
  readonly operator: "AND" | "OR";
  constructor(operator: "AND" | "OR", clauses: ClauseElement[]) {
    super();
    this.operator = operator;
    this.clauses = clauses;
    this.type = BOOLEANTYPE;
  }
  _ck(k: CacheKeyBuilder): void {
    k.push("bool(", this.operator);
    for (const c of this.clauses) c._ck(k);
    k.push(")");
  }
}

export function and_(...clauses: unknown[]): ColumnElement {
  const list = clauses.filter((c) => c !== undefined).map((c) => coerce(c));
  if (list.length === 1 && list[0] instanceof ColumnElement) return list[0];
  return new BooleanClauseList("AND", list);
}
export function or_(...clauses: unknown[]): ColumnElement {
  const list = clauses.filter((c) => c !== undefined).map((c) => coerce(c));
  if (list.length === 1 && list[0] instanceof ColumnElement) return list[0];
  return new BooleanClauseList("OR", list);
}
export function not_(clause: unknown): ColumnElement {
  const c = coerce(clause);
  if (c instanceof BinaryExpression) {
    const negate: Record<string, string> = {
      "=": "!=",
      "!=": "=",
      "<": ">=",
      ">=": "<",
      ">": "<=",
      "<=": ">",
      IN: "NOT IN",
      "NOT IN": "IN",
      IS: "IS NOT",
      "IS NOT": "IS",
      LIKE: "NOT LIKE",
      "NOT LIKE": "LIKE",
    };
    const op = negate[c.operator];
    if (op) return new BinaryExpression(c.left, c.right, op, c.type, c.modifiers);
  }
  return new UnaryExpression(c, "NOT", null, BOOLEANTYPE);
}

export class UnaryExpression extends ColumnElement {
  readonly __visit_name__ = "unary";
  readonly element: ClauseElement;
  readonly operator: string | null;
  readonly modifier: string | null;
  constructor(element: ClauseElement, operator: string | null, modifier: string | null, type_?: TypeEngine) {
    super();
    this.element = element;
    this.operator = operator;
    this.modifier = modifier;
    this.type = type_ ?? (element instanceof ColumnElement ? element.type : NULLTYPE);
  }
  _ck(k: CacheKeyBuilder): void {
    k.push("unary(", this.operator ?? "", this.modifier ?? "");
    this.element._ck(k);
    k.push(")");
  }
  override get key(): string | null {
    return this.element instanceof ColumnElement ? this.element.key : null;
  }
}

export function desc(e: unknown): UnaryExpression {
  return (typeof e === "string" ? new TextualLabelReference(e) : coerceColumn(e)).desc();
}
export function asc(e: unknown): UnaryExpression {
  return (typeof e === "string" ? new TextualLabelReference(e) : coerceColumn(e)).asc();
}
export function distinct(e: unknown): UnaryExpression {
  return coerceColumn(e).distinct();
}

export class Label extends ColumnElement {
  readonly __visit_name__ = "label";
  readonly name: string | null;
  readonly element: ColumnElement;
  constructor(name: string | null, element: ColumnElement) {
    super();
    this.name = name;
    this.element = element;
    this.type = element.type;
  }
  _ck(k: CacheKeyBuilder): void {
    k.push("label(", this.name ?? "~");
    this.element._ck(k);
    k.push(")");
  }
  override get key(): string | null {
    return this.name;
  }
}

export class Grouping extends ColumnElement {
  readonly __visit_name__ = "grouping";
  readonly element: ClauseElement;
  constructor(element: ClauseElement) {
    super();
    this.element = element;
    this.type = element instanceof ColumnElement ? element.type : NULLTYPE;
  }
  _ck(k: CacheKeyBuilder): void {
    k.push("group(");
    this.element._ck(k);
    k.push(")");
  }
}

export class Null extends ColumnElement {
  readonly __visit_name__ = "null";
  _ck(k: CacheKeyBuilder): void {
    k.push("NULL");
  }
}
export class True_ extends ColumnElement {
  readonly __visit_name__ = "true";
  constructor() {
    super();
    this.type = BOOLEANTYPE;
  }
  _ck(k: CacheKeyBuilder): void {
    k.push("TRUE");
  }
}
export class False_ extends ColumnElement {
  readonly __visit_name__ = "false";
  constructor() {
    super();
    this.type = BOOLEANTYPE;
  }
  _ck(k: CacheKeyBuilder): void {
    k.push("FALSE");
  }
}
export const null_ = () => new Null();
export const true_ = () => new True_();
export const false_ = () => new False_();

export class Cast extends ColumnElement {
  readonly __visit_name__ = "cast";
  readonly clause: ClauseElement;
  constructor(expr: unknown, type_: unknown) {
    super();
    this.type = to_instance(type_);
    this.clause = coerce(expr, undefined);
  }
  _ck(k: CacheKeyBuilder): void {
    k.push("cast(", this.type.__repr__());
    this.clause._ck(k);
    k.push(")");
  }
}
export function cast(expr: unknown, type_: unknown): Cast {
  return new Cast(expr, type_);
}

/**
 * `type_coerce(expr, type)`: the expression with another Python-side type and no CAST in the SQL —
 * the type decides the result's processing, the operators (`type_coerce(x, JSON).getitem(k)`) and,
 * for a literal, its bind processing.
 */
export class TypeCoerce extends ColumnElement {
  readonly __visit_name__ = "type_coerce";
  readonly clause: ClauseElement;
  constructor(expression: unknown, type_: unknown) {
    super();
    this.type = to_instance(type_);
    // a literal becomes a bind of the coerced type (coercions.expect(..., type_=self.type))
    this.clause =
      expression instanceof ClauseElement || hasClauseElement(expression)
        ? coerce(expression)
        : expression === null || expression === undefined
          ? new Null()
          : new BindParameter(null, expression, { type_: this.type, unique: true });
  }
  private _typed: ClauseElement | undefined;
  /** What is rendered: the expression, or a bind given the coerced type (TypeCoerce.typed_expression). */
  get typed_expression(): ClauseElement {
    if (this._typed === undefined) {
      const c = this.clause;
      this._typed =
        c instanceof BindParameter
          ? new BindParameter(c.key, c.value, {
              type_: this.type,
              unique: c.unique,
              expanding: c.expanding,
              required: c.required,
              callable_: c.callable_ ?? undefined,
            })
          : c;
    }
    return this._typed;
  }
  override get key(): string | null {
    return this.clause instanceof ColumnElement ? this.clause.key : null;
  }
  _ck(k: CacheKeyBuilder): void {
    k.push("type_coerce(", this.type.__repr__());
    this.typed_expression._ck(k);
    k.push(")");
  }
}
function hasClauseElement(x: unknown): boolean {
  return typeof (x as { __clause_element__?: unknown } | null)?.__clause_element__ === "function";
}
export function type_coerce(expression: unknown, type_: unknown): TypeCoerce {
  return new TypeCoerce(expression, type_);
}

/** The name of the column an expression wraps (`CAST(t.amount …) AS amount`), if it wraps one. */
export function _non_anon_label(e: ClauseElement): string | null {
  if (e.__visit_name__ === "cast") return _non_anon_label((e as Cast).clause);
  if (e.__visit_name__ === "type_coerce") return _non_anon_label((e as TypeCoerce).clause);
  if (e.__visit_name__ === "column" && !(e as ColumnClause).is_literal) return (e as ColumnClause).name;
  if (e.__visit_name__ === "subquery_column") return (e as ColumnElement).key;
  return null;
}

/**
 * `case((cond, value), …, { else_ })` / `case({ key: value, … }, { value: expr, else_ })`: SQL's CASE.
 * Conditions are grouped (`WHEN (a > :a_1)`); values and keys are anonymous binds (`:param_1`).
 */
export class Case extends ColumnElement {
  readonly __visit_name__ = "case";
  readonly value: ColumnElement | null;
  readonly whens: [ClauseElement, ClauseElement][];
  readonly else_: ClauseElement | null;
  constructor(whens: [unknown, unknown][], value: unknown, else_: unknown) {
    super();
    this.value = value === undefined || value === null ? null : coerceColumn(value);
    this.whens = whens.map(([c, r]) => [coerce(c), coerce(r)]);
    this.else_ = else_ === undefined ? null : coerce(else_);
    const first = this.whens[0]?.[1] ?? this.else_;
    if (first instanceof ColumnElement) this.type = first.type;
  }
  _ck(k: CacheKeyBuilder): void {
    k.push("case(");
    if (this.value) this.value._ck(k);
    for (const [c, r] of this.whens) {
      k.push("w");
      c._ck(k);
      r._ck(k);
    }
    if (this.else_) {
      k.push("e");
      this.else_._ck(k);
    }
    k.push(")");
  }
}
export function case_(...args: unknown[]): Case {
  const isPlain = (a: unknown) =>
    a !== null && typeof a === "object" && !Array.isArray(a) && !(a instanceof ClauseElement);
  let options: { value?: unknown; else_?: unknown } = {};
  const last = args[args.length - 1];
  if (
    isPlain(last) &&
    (args.length > 1 || Object.keys(last as object).every((k) => k === "value" || k === "else_"))
  ) {
    options = last as typeof options;
    args = args.slice(0, -1);
  }
  const whens: [unknown, unknown][] = [];
  for (const a of args) {
    if (isPlain(a)) for (const [k, v] of Object.entries(a as object)) whens.push([k, v]);
    else if (Array.isArray(a)) whens.push([a[0], a[1]]);
    else throw new ArgumentError(`case() takes (condition, value) pairs or a dict, got ${repr(a)}`);
  }
  return new Case(whens, options.value, options.else_);
}

/**
 * A name given as a string to order_by() / group_by() / desc() (SQLAlchemy's
 * _textual_label_reference): resolved at compile time against the SELECT's labels and columns.
 */
export class TextualLabelReference extends ColumnElement {
  readonly __visit_name__ = "textual_label_reference";
  readonly element: string;
  constructor(element: string) {
    super();
    this.element = element;
  }
  _ck(k: CacheKeyBuilder): void {
    k.push("tlr", this.element);
  }
}

/** `literal_column("x")` / `column("x")`: a column named by text, with no table. */
export class ColumnClause extends ColumnElement {
  readonly __visit_name__: VisitName = "column";
  readonly name: string;
  readonly is_literal: boolean;
  /** Its FROM (a Values, `table()`): `named_with_column: false` renders the column without it. */
  table: { name: string | null; named_with_column?: boolean } | null = null;
  constructor(name: string, type_?: unknown, is_literal = false) {
    super();
    this.name = name;
    this.type = to_instance(type_);
    this.is_literal = is_literal;
  }
  _ck(k: CacheKeyBuilder): void {
    k.push("colclause", this.name, this.is_literal ? "L" : "");
    const from = this.table as { _ck?: (k: CacheKeyBuilder) => void } | null;
    if (from?._ck) from._ck(k);
  }
  override get key(): string {
    return this.name;
  }
  override get _bind_key(): string {
    return this.name;
  }
}
export function literal_column(text: string, type_?: unknown): ColumnClause {
  return new ColumnClause(text, type_, true);
}
export function column(name: string, type_?: unknown): ColumnClause {
  return new ColumnClause(name, type_, false);
}
export function literal(value: unknown, type_?: unknown): BindParameter {
  return new BindParameter(null, value, { type_: type_ ?? typeForValue(value), unique: true });
}

/* ------------------------------------------------------------------------------------------------
 * window functions, FILTER, WITHIN GROUP (SQLAlchemy's Over, FunctionFilter, WithinGroup)
 * ---------------------------------------------------------------------------------------------- */

/** A frame bound as SQLAlchemy keeps it: UNBOUNDED (None), CURRENT ROW (0), or n PRECEDING / FOLLOWING. */
export type FrameBound = "UNBOUNDED" | "CURRENT" | number;

function interpretRange(range: readonly [number | null, number | null] | null | undefined, what: string) {
  if (range === null || range === undefined) return null;
  if (!Array.isArray(range) || range.length !== 2)
    throw new ArgumentError(`2-tuple expected for ${what}, got ${repr(range)}`);
  const bound = (v: unknown): FrameBound => {
    if (v === null || v === undefined) return "UNBOUNDED";
    if (typeof v !== "number" || !Number.isInteger(v))
      throw new ArgumentError("Integer or None expected for range value");
    return v === 0 ? "CURRENT" : v;
  };
  return [bound(range[0]), bound(range[1])] as const;
}

function orderList(v: unknown): ClauseList | null {
  if (v === null || v === undefined) return null;
  const items = Array.isArray(v) ? v : [v];
  return new ClauseList(
    items.map((x) => (typeof x === "string" ? new TextualLabelReference(x) : coerce(x))),
    ", ",
  );
}

export interface OverOptions {
  partition_by?: unknown;
  order_by?: unknown;
  rows?: readonly [number | null, number | null] | null;
  range_?: readonly [number | null, number | null] | null;
  groups?: readonly [number | null, number | null] | null;
}

/** `func.x().over({ partition_by, order_by, rows, range_ })`: `x() OVER (PARTITION BY … ORDER BY …)`. */
export class Over extends ColumnElement {
  readonly __visit_name__ = "over";
  readonly element: ColumnElement;
  readonly partition_by: ClauseList | null;
  readonly order_by: ClauseList | null;
  readonly rows: readonly [FrameBound, FrameBound] | null;
  readonly range_: readonly [FrameBound, FrameBound] | null;
  readonly groups: readonly [FrameBound, FrameBound] | null;
  constructor(element: ColumnElement, options: OverOptions = {}) {
    super();
    this.element = element;
    this.type = element.type;
    this.partition_by = orderList(options.partition_by);
    this.order_by = orderList(options.order_by);
    const given = [options.rows, options.range_, options.groups].filter((r) => r !== null && r !== undefined);
    if (given.length > 1)
      throw new ArgumentError("only one of 'rows', 'range_', or 'groups' may be provided");
    this.rows = interpretRange(options.rows, "rows");
    this.range_ = interpretRange(options.range_, "range_");
    this.groups = interpretRange(options.groups, "groups");
  }
  _ck(k: CacheKeyBuilder): void {
    k.push("over(");
    this.element._ck(k);
    k.push("p");
    this.partition_by?._ck(k);
    k.push("o");
    this.order_by?._ck(k);
    k.push(
      `r${this.rows?.join(":") ?? ""}`,
      `g${this.range_?.join(":") ?? ""}`,
      `G${this.groups?.join(":") ?? ""}`,
    );
    k.push(")");
  }
}

/** `func.count(x).filter(crit)`: `count(x) FILTER (WHERE crit)`. */
export class FunctionFilter extends ColumnElement {
  readonly __visit_name__ = "funcfilter";
  readonly func: ColumnElement;
  readonly criterion: ColumnElement | null;
  constructor(func: ColumnElement, ...criterion: unknown[]) {
    super();
    this.func = func;
    this.type = func.type;
    this.criterion = criterion.length ? and_(...criterion) : null;
  }
  /** Further criteria are ANDed to the ones given. */
  filter(...criterion: unknown[]): FunctionFilter {
    return new FunctionFilter(this.func, ...(this.criterion ? [this.criterion] : []), ...criterion);
  }
  over(options: OverOptions = {}): Over {
    return new Over(this, options);
  }
  _ck(k: CacheKeyBuilder): void {
    k.push("filter(");
    this.func._ck(k);
    this.criterion?._ck(k);
    k.push(")");
  }
}

/** `func.percentile_cont(0.5).within_group(col)`: `percentile_cont(:p) WITHIN GROUP (ORDER BY col)`. */
export class WithinGroup extends ColumnElement {
  readonly __visit_name__ = "withingroup";
  readonly element: ColumnElement;
  readonly order_by: ClauseList;
  constructor(element: ColumnElement, ...order_by: unknown[]) {
    super();
    this.element = element;
    this.order_by = orderList(order_by)!;
    const typed = element as { within_group_type?: (w: WithinGroup) => TypeEngine | null };
    this.type = typed.within_group_type?.(this) ?? element.type;
  }
  over(options: OverOptions = {}): Over {
    return new Over(this, options);
  }
  _ck(k: CacheKeyBuilder): void {
    k.push("withingroup(");
    this.element._ck(k);
    this.order_by._ck(k);
    k.push(")");
  }
}

/** `*` in `count(*)`. */
export class Star extends ColumnElement {
  readonly __visit_name__ = "star";
  _ck(k: CacheKeyBuilder): void {
    k.push("*");
  }
}

defineModule(
  "sqlalchemy.sql.elements",
  ClauseElement,
  ColumnElement,
  BindParameter,
  BinaryExpression,
  BooleanClauseList,
  ClauseList,
  UnaryExpression,
  Label,
  Over,
  FunctionFilter,
  WithinGroup,
  Grouping,
  Null,
  True_,
  False_,
  Cast,
  TypeCoerce,
  ColumnClause,
);
