/**
 * `sqlalchemy.sql.functions`: SQL functions. `func.<name>(…)` builds a Function; a name SQLAlchemy
 * knows as a generic function (count, max, coalesce, now …, case-insensitively) builds that class,
 * which fixes the return type (count → Integer, max → its argument's type, now → DateTime) and may
 * render per dialect (`now()` is `CURRENT_TIMESTAMP` on SQLite). Any other name is a plain Function
 * of NullType unless `{ type_ }` is given. Literal arguments become binds named after the function
 * (`coalesce(x, :coalesce_1)`).
 */
import { ArgumentError } from "../exc.ts";
import { defineModule } from "../util/repr.ts";
import {
  BindParameter,
  type CacheKeyBuilder,
  ClauseElement,
  ColumnClause,
  ColumnElement,
  FunctionFilter,
  Null,
  Over,
  type OverOptions,
  WithinGroup,
} from "./elements.ts";
import { ScalarFunctionColumn, Select, TableValuedAlias } from "./selectable.ts";
import {
  DateTime,
  Date as DateType,
  Integer,
  NULLTYPE,
  Numeric,
  String as SAString,
  Time,
  type TypeEngine,
  to_instance,
  typeForValue,
} from "./sqltypes.ts";

export interface FunctionOptions {
  type_?: unknown;
}

/** A function argument: a clause element as is, a Python value as a bind named after the function. */
function coerceArg(name: string, value: unknown): ClauseElement {
  if (value instanceof ClauseElement) return value;
  const ce = (value as { __clause_element__?: () => ClauseElement } | null)?.__clause_element__;
  if (typeof ce === "function") return ce.call(value);
  if (value === null || value === undefined) return new Null();
  return new BindParameter(name, value, { type_: typeForValue(value), unique: true });
}

/** The first argument type that is not NullType (functions._type_from_args). */
function typeFromArgs(args: readonly ClauseElement[]): TypeEngine {
  for (const a of args)
    if (a instanceof ColumnElement && a.type !== NULLTYPE && a.type.__visit_name__ !== "null") return a.type;
  return NULLTYPE;
}

/** SQLAlchemy's FunctionElement / Function: `name(arg, …)`, optionally inside packages (`pg_catalog.version()`). */
export class FunctionElement extends ColumnElement {
  readonly __visit_name__ = "function";
  readonly name: string;
  readonly packagenames: readonly string[];
  readonly clauses: ClauseElement[];
  /** Rendered with parentheses even when there are no arguments (ANSI functions are not). */
  readonly _has_args: boolean;
  constructor(
    name: string,
    args: readonly unknown[],
    options: FunctionOptions = {},
    packagenames: readonly string[] = [],
  ) {
    super();
    this.name = name;
    this.packagenames = packagenames;
    this.clauses = args.map((a) => coerceArg(name, a));
    this._has_args = (this.constructor as typeof FunctionElement)._has_args_always || this.clauses.length > 0;
    this.type =
      options.type_ !== undefined && options.type_ !== null
        ? to_instance(options.type_)
        : this._default_type();
  }
  static _has_args_always = true;
  /** The return type when no `type_` is given. */
  protected _default_type(): TypeEngine {
    return NULLTYPE;
  }
  _ck(k: CacheKeyBuilder): void {
    k.push(
      "fn(",
      this.constructor.name,
      [...this.packagenames, this.name].join("."),
      this.type.__repr__(),
      this._with_ordinality ? "ord" : "",
    );
    for (const c of this.clauses) c._ck(k);
    k.push(")");
  }
  /** `count_1`: the name with what a label cannot hold made `_` (`"my fn"(x) AS my_fn_1`). */
  override get _anon_label_base(): string {
    return this.name.replace(/[%() $]+/g, "_").replace(/^_+|_+$/g, "");
  }
  override get key(): string {
    return this.name;
  }
  /** Binds compared with a function are named after it (`count(*) > :count_1`). */
  override get _bind_key(): string {
    return this.name;
  }
  /** `OVER (PARTITION BY … ORDER BY … ROWS/RANGE BETWEEN …)`. */
  over(options: OverOptions = {}): Over {
    checkOptions("FunctionElement.over", options, ["partition_by", "order_by", "rows", "range_", "groups"]);
    return new Over(this, options);
  }
  /** `FILTER (WHERE …)`. */
  filter(...criterion: unknown[]): FunctionFilter | this {
    if (!criterion.length) return this;
    return new FunctionFilter(this, ...criterion);
  }
  /** `WITHIN GROUP (ORDER BY …)`. */
  within_group(...order_by: unknown[]): WithinGroup {
    return new WithinGroup(this, ...order_by);
  }
  /**
   * The function as a FROM whose columns are named (`json_each(x) AS anon_1`, `anon_1.value`).
   * Columns are names or `column(name, type)`; the last argument may be `{ name, joins_implicitly }`.
   */
  table_valued(...args: unknown[]): TableValuedAlias {
    let options: { name?: string; joins_implicitly?: boolean; with_ordinality?: string } = {};
    const last = args[args.length - 1];
    if (last !== null && typeof last === "object" && Object.getPrototypeOf(last) === Object.prototype) {
      options = last as typeof options;
      args = args.slice(0, -1);
    }
    checkOptions("FunctionElement.table_valued", options, ["name", "joins_implicitly", "with_ordinality"]);
    if (options.with_ordinality) args = [...args, options.with_ordinality];
    const cols = args.map((c) =>
      typeof c === "string" ? new ColumnClause(c) : c instanceof ColumnClause ? c : badColumn(c),
    );
    let fn: FunctionElement = this;
    if (options.with_ordinality) {
      fn = Object.assign(Object.create(Object.getPrototypeOf(this)) as FunctionElement, this, {
        _with_ordinality: true,
        _cache_key_builder: undefined,
      });
    }
    return new TableValuedAlias(fn, options.name ?? null, cols, options.joins_implicitly ?? false);
  }
  /** `f(x) WITH ORDINALITY` (table_valued({ with_ordinality })). */
  readonly _with_ordinality: boolean = false;
  /** The function as a FROM of one column, used as that column (`SELECT anon_1 FROM json_array_elements(x) AS anon_1`). */
  column_valued(name?: string, options: { joins_implicitly?: boolean } = {}): ColumnElement {
    const tva = new TableValuedAlias(
      this,
      name ?? null,
      [new ColumnClause(name ?? "anon", this.type)],
      options.joins_implicitly ?? false,
    );
    return tva.render_derived_column();
  }
  /** `(func(x)).name`: a column of a function returning a composite (FunctionElement.scalar_table_valued). */
  scalar_table_valued(name: string, type_?: unknown): ScalarFunctionColumn {
    return new ScalarFunctionColumn(this, name, type_);
  }
  /** `func.x().alias("name")`: the function as a FROM named `name`, with one column of that name. */
  alias(name?: string, options: { joins_implicitly?: boolean } = {}): TableValuedAlias {
    return new TableValuedAlias(
      this,
      name ?? null,
      [new ColumnClause(name ?? "anon", this.type)],
      options.joins_implicitly ?? false,
    );
  }
  /** `select(func.x())`. */
  select(): Select {
    return new Select(this);
  }
}

/** Python's TypeError for a keyword argument the method does not take. */
export function checkOptions(method: string, options: object, allowed: readonly string[]): void {
  for (const k of Object.keys(options))
    if (!allowed.includes(k)) throw new TypeError(`${method}() got an unexpected keyword argument '${k}'`);
}

function badColumn(c: unknown): never {
  throw new ArgumentError(`table_valued() takes column names or column() objects, got ${String(c)}`);
}

// biome-ignore lint/suspicious/noShadowRestrictedNames: SQLAlchemy's class name
export class Function extends FunctionElement {}

/** A function SQLAlchemy knows by name: its class fixes the return type and may render per dialect. */
export class GenericFunction extends Function {
  /** The function's SQL name (the class name, as SQLAlchemy registers it). */
  static sqlName: string;
  /** The fixed return type, if the function has one. */
  static returnType: (() => TypeEngine) | null = null;
  /** The ANSI spelling the compiler renders (`CURRENT_TIMESTAMP`, `coalesce`), as SQLCompiler's FUNCTIONS. */
  static ansiName: string | null = null;
  constructor(args: readonly unknown[], options: FunctionOptions = {}) {
    super((new.target as typeof GenericFunction).sqlName, args, options);
  }
  protected override _default_type(): TypeEngine {
    return (this.constructor as typeof GenericFunction).returnType?.() ?? NULLTYPE;
  }
}

/** A function whose return type is its first typed argument's (max, min, sum, coalesce). */
export class ReturnTypeFromArgs extends GenericFunction {
  protected override _default_type(): TypeEngine {
    return typeFromArgs(this.clauses);
  }
}

/** An ANSI function rendered without parentheses when it has no arguments (`CURRENT_DATE`). */
export class AnsiFunction extends GenericFunction {
  static override _has_args_always = false;
}

/** An ordered-set aggregate: its type is the WITHIN GROUP expression's (mode, percentile_cont). */
export class OrderedSetAgg extends GenericFunction {
  within_group_type(w: WithinGroup): TypeEngine | null {
    const first = w.order_by.clauses[0] as ColumnElement | undefined;
    if (!first) return null;
    const inner = (first as { element?: unknown }).element;
    return first.__visit_name__ === "unary" && inner instanceof ColumnElement ? inner.type : first.type;
  }
}

const integer = () => new Integer();
function generic<B extends typeof GenericFunction>(
  base: B,
  name: string,
  spec: { type?: () => TypeEngine; ansi?: string; hasArgs?: boolean; defaultArgs?: () => unknown[] } = {},
): typeof GenericFunction {
  const cls = {
    [name]: class extends (base as typeof GenericFunction) {
      static override sqlName = name;
      static override returnType = spec.type ?? base.returnType;
      static override ansiName = spec.ansi ?? null;
      static override _has_args_always = spec.hasArgs ?? base._has_args_always;
      constructor(args: readonly unknown[], options: FunctionOptions = {}) {
        super(args.length === 0 && spec.defaultArgs ? spec.defaultArgs() : args, options);
      }
    },
  }[name]!;
  return cls;
}

/** SQLAlchemy's registry of generic functions, by lower-case name. */
export const _registry = new Map<string, typeof GenericFunction>(
  [
    generic(ReturnTypeFromArgs, "coalesce", { ansi: "coalesce", hasArgs: true }),
    generic(ReturnTypeFromArgs, "max"),
    generic(ReturnTypeFromArgs, "min"),
    generic(ReturnTypeFromArgs, "sum"),
    generic(GenericFunction, "now", { type: () => new DateTime() }),
    generic(GenericFunction, "concat", { type: () => new SAString() }),
    generic(GenericFunction, "char_length", { type: integer }),
    generic(GenericFunction, "random", { ansi: "random", hasArgs: true }),
    generic(GenericFunction, "count", {
      type: integer,
      defaultArgs: () => [new ColumnClause("*", undefined, true)],
    }),
    generic(AnsiFunction, "current_date", { type: () => new DateType(), ansi: "CURRENT_DATE" }),
    generic(AnsiFunction, "current_time", { type: () => new Time(), ansi: "CURRENT_TIME" }),
    generic(AnsiFunction, "current_timestamp", { type: () => new DateTime(), ansi: "CURRENT_TIMESTAMP" }),
    generic(AnsiFunction, "current_user", { type: () => new SAString(), ansi: "CURRENT_USER" }),
    generic(AnsiFunction, "localtime", { type: () => new DateTime(), ansi: "LOCALTIME" }),
    generic(AnsiFunction, "localtimestamp", { type: () => new DateTime(), ansi: "LOCALTIMESTAMP" }),
    generic(AnsiFunction, "session_user", { type: () => new SAString(), ansi: "SESSION_USER" }),
    generic(AnsiFunction, "sysdate", { type: () => new DateTime(), ansi: "sysdate" }),
    generic(AnsiFunction, "user", { type: () => new SAString(), ansi: "USER" }),
    generic(OrderedSetAgg, "mode"),
    generic(OrderedSetAgg, "percentile_cont"),
    generic(OrderedSetAgg, "percentile_disc"),
    generic(GenericFunction, "rank", { type: integer }),
    generic(GenericFunction, "dense_rank", { type: integer }),
    generic(GenericFunction, "percent_rank", { type: () => new Numeric() }),
    generic(GenericFunction, "cume_dist", { type: () => new Numeric() }),
    generic(GenericFunction, "cube", { ansi: "CUBE", hasArgs: true }),
    generic(GenericFunction, "rollup", { ansi: "ROLLUP", hasArgs: true }),
    generic(GenericFunction, "grouping_sets", { ansi: "GROUPING SETS", hasArgs: true }),
    generic(GenericFunction, "aggregate_strings", { type: () => new SAString(), hasArgs: true }),
  ].map((c) => [c.sqlName, c]),
);

/** A trailing plain object in a call is its keyword arguments (`func.max(x, { type_: String })`). */
function splitOptions(args: unknown[]): [unknown[], FunctionOptions] {
  const last = args[args.length - 1];
  if (
    last !== null &&
    typeof last === "object" &&
    Object.getPrototypeOf(last) === Object.prototype &&
    !Array.isArray(last)
  )
    return [args.slice(0, -1), last as FunctionOptions];
  return [args, {}];
}

function makeFunc(packages: readonly string[], name: string): any {
  const fn = (...given: unknown[]) => {
    const [args, options] = splitOptions(given);
    if (packages.length === 0) {
      const Generic = _registry.get(name.toLowerCase());
      if (Generic)
        return new (Generic as unknown as new (a: unknown[], o: FunctionOptions) => GenericFunction)(
          args,
          options,
        );
    }
    return new Function(name, args, options, packages);
  };
  return new Proxy(fn, {
    get(target, prop) {
      // every name is a function of that package (`func.pg_catalog.length`), even ones a JS function has
      if (typeof prop === "symbol" || prop === "prototype") return (target as never)[prop as never];
      return makeFunc([...packages, name], prop);
    },
  });
}

/** `func.count(…)`, `func.lower(…)`, `func.pg_catalog.version()` …: SQLAlchemy's `func` namespace. */
export const func: Record<string, ((...args: unknown[]) => FunctionElement) & Record<string, any>> =
  new Proxy(
    {},
    {
      get(_t, name) {
        if (typeof name === "symbol") return undefined;
        return makeFunc([], name);
      },
    },
  ) as never;

defineModule(
  "sqlalchemy.sql.functions",
  FunctionElement,
  Function,
  GenericFunction,
  ReturnTypeFromArgs,
  AnsiFunction,
  OrderedSetAgg,
);
for (const cls of _registry.values()) defineModule("sqlalchemy.sql.functions", cls);
