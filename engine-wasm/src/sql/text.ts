/**
 * `text()`: a textual SQL statement with `:name` bound parameters (SQLAlchemy's TextClause).
 *
 * Binds are found with SQLAlchemy's pattern (`:name` not preceded by a word character, a colon or a
 * backslash, not followed by a colon; `\:` escapes a colon) and rendered in the dialect's
 * paramstyle: `?` (qmark), `%(name)s` (pyformat, with `%` doubled), `$1` (numeric_dollar). An
 * expanding parameter (`bindparam("ids", { expanding: true })`, `IN :ids`) is rendered per execution.
 */
import type { Connection, ExecutionOptions } from "../engine/base.ts";
import type { CursorResult } from "../engine/cursor.ts";
import type { CompileWithCacheResult, CompiledLike, DBAPIParameters, Paramstyle } from "../engine/interfaces.ts";
import { ArgumentError, InvalidRequestError } from "../exc.ts";
import { defineModule, repr } from "../util/repr.ts";

const BIND_PARAMS = /(?<![:\w\\]):(\w+)(?!:)/gu;
const BIND_PARAMS_ESC = /\\(:[\w$]*)(?!:)/gu;

/** The part of a dialect the text compiler needs. */
export interface TextDialect {
  readonly name: string;
  readonly paramstyle: Paramstyle;
  readonly _cache_token?: string;
}

const DEFAULT_DIALECT: TextDialect = { name: "default", paramstyle: "named" };

export class BindParameter {
  readonly key: string;
  value: unknown;
  readonly expanding: boolean;
  readonly required: boolean;
  readonly type: unknown;
  constructor(key: string, value: unknown = undefined, options: { expanding?: boolean; required?: boolean; type_?: unknown } = {}) {
    this.key = key;
    this.value = value;
    this.expanding = options.expanding ?? false;
    this.required = options.required ?? value === undefined;
    this.type = options.type_ ?? null;
  }
  __repr__(): string {
    return `BindParameter(${repr(this.key)}, ${repr(this.value ?? null)})`;
  }
}

/** `bindparam(key, value?, { expanding, type_ })`. */
export function bindparam(key: string, value?: unknown, options: { expanding?: boolean; required?: boolean; type_?: unknown } = {}): BindParameter {
  return new BindParameter(key, value, options);
}

function placeholder(style: Paramstyle, name: string, position: number): string {
  switch (style) {
    case "qmark":
      return "?";
    case "format":
      return "%s";
    case "pyformat":
      return `%(${name})s`;
    case "numeric":
      return `:${position}`;
    case "numeric_dollar":
      return `$${position}`;
    default:
      return `:${name}`;
  }
}

interface Rendered {
  string: string;
  positiontup: string[] | null;
}

/** Renders the text for a paramstyle; `expand` gives the names an expanding bind becomes. */
function render(clause: TextClause, style: Paramstyle, expand?: (key: string) => string[]): Rendered {
  const positional = style === "qmark" || style === "format" || style === "numeric" || style === "numeric_dollar";
  const numbered = style === "numeric" || style === "numeric_dollar";
  const names: string[] = [];
  const numberOf = new Map<string, number>();
  const bind = (name: string): string => {
    if (numbered) {
      let n = numberOf.get(name);
      if (n === undefined) {
        names.push(name);
        n = names.length;
        numberOf.set(name, n);
      }
      return placeholder(style, name, n);
    }
    if (positional) names.push(name);
    return placeholder(style, name, names.length);
  };
  let text = clause.text;
  if (style === "pyformat" || style === "format") text = text.replace(/%/g, "%%");
  let out = text.replace(BIND_PARAMS, (_m, key: string) => {
    const bp = clause._bindparams.get(key);
    if (bp?.expanding) {
      if (!expand) return `(__[POSTCOMPILE_${key}])`;
      const parts = expand(key);
      return `(${parts.map(bind).join(", ")})`;
    }
    return bind(key);
  });
  out = out.replace(BIND_PARAMS_ESC, "$1");
  return { string: out, positiontup: positional ? names : null };
}

export class TextCompiled implements CompiledLike {
  readonly string: string;
  readonly positiontup: readonly string[] | null;
  readonly isddl = false;
  readonly isinsert: boolean;
  readonly isupdate: boolean;
  readonly isdelete: boolean;
  readonly returns_rows = true;
  readonly _result_columns = [];
  readonly _bind_processors = {};
  readonly _gen_time: number;
  readonly statement: TextClause;
  readonly dialect: TextDialect;
  private readonly _hasExpanding: boolean;

  constructor(statement: TextClause, dialect: TextDialect) {
    const started = performance.now();
    this.statement = statement;
    this.dialect = dialect;
    const r = render(statement, dialect.paramstyle);
    this.string = r.string;
    this.positiontup = r.positiontup;
    const kw = /^\s*(\w+)/.exec(statement.text)?.[1]?.toLowerCase();
    this.isinsert = kw === "insert";
    this.isupdate = kw === "update";
    this.isdelete = kw === "delete";
    this._hasExpanding = [...statement._bindparams.values()].some((b) => b.expanding);
    this._gen_time = started;
    if (this._hasExpanding) {
      (this as { _process_parameters_for_postcompile?: unknown })._process_parameters_for_postcompile = (
        params: Record<string, unknown>,
      ) => this.expandFor(params);
    }
  }

  /** Bind names and their values as compiled (`{'y': None}` for binds without a value). */
  get params(): Record<string, unknown> {
    return this.construct_params(null, null, { _check: false });
  }

  construct_params(
    params?: Readonly<Record<string, unknown>> | null,
    _extracted?: readonly unknown[] | null,
    options: { for_executemany?: boolean; _check?: boolean } = {},
  ): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    const check = options._check !== false;
    for (const key of this.statement._order) {
      if (params && Object.hasOwn(params, key)) out[key] = params[key];
      else {
        const bp = this.statement._bindparams.get(key);
        if (bp && bp.value !== undefined) out[key] = bp.value;
        else if (check) {
          throw new InvalidRequestError(`A value is required for bind parameter '${key}'`, { code: "cd3x" });
        } else out[key] = null;
      }
    }
    return out;
  }

  private expandFor(params: Record<string, unknown>) {
    const values: Record<string, unknown> = {};
    const r = render(this.statement, this.dialect.paramstyle, (key) => {
      const v = params[key];
      const list = Array.isArray(v) ? v : [v];
      return list.map((item, i) => {
        const name = `${key}_${i + 1}`;
        values[name] = item;
        return name;
      });
    });
    for (const [k, v] of Object.entries(params)) {
      if (!this.statement._bindparams.get(k)?.expanding) values[k] = v;
    }
    return { statement: r.string, positiontup: r.positiontup, parameters: values };
  }

  toString(): string {
    return this.string;
  }
  __str__(): string {
    return this.string;
  }
}

export class TextClause {
  readonly text: string;
  readonly _bindparams: Map<string, BindParameter>;
  /** Bind names in order of first appearance. */
  readonly _order: string[];
  _execution_options: ExecutionOptions = {};
  readonly is_text = true;

  constructor(text: string, bindparams?: Map<string, BindParameter>) {
    this.text = text;
    this._bindparams = new Map(bindparams ?? []);
    this._order = [];
    for (const m of text.matchAll(BIND_PARAMS)) {
      const key = m[1]!;
      if (!this._order.includes(key)) this._order.push(key);
      if (!this._bindparams.has(key)) this._bindparams.set(key, new BindParameter(key));
    }
  }

  /** `text(...).bindparams(x=1)` / `.bindparams(bindparam("ids", { expanding: true }))`. */
  bindparams(...args: (BindParameter | Record<string, unknown>)[]): TextClause {
    const binds = new Map(this._bindparams);
    for (const arg of args) {
      if (arg instanceof BindParameter) {
        if (!binds.has(arg.key)) {
          throw new ArgumentError(`This text() construct doesn't define a bound parameter named ${repr(arg.key)}`);
        }
        binds.set(arg.key, arg);
      } else {
        for (const [k, v] of Object.entries(arg)) {
          const existing = binds.get(k);
          if (!existing) throw new ArgumentError(`This text() construct doesn't define a bound parameter named ${repr(k)}`);
          binds.set(k, new BindParameter(k, v, { expanding: existing.expanding, type_: existing.type }));
        }
      }
    }
    const copy = new TextClause(this.text, binds);
    copy._execution_options = this._execution_options;
    return copy;
  }

  execution_options(options: Record<string, unknown>): TextClause {
    const copy = new TextClause(this.text, this._bindparams);
    copy._execution_options = { ...this._execution_options, ...options };
    return copy;
  }

  /** `stmt.compile()` (default dialect: `:name`) or `stmt.compile(engine_or_dialect)`. */
  compile(bind?: { dialect?: TextDialect } | TextDialect | null): TextCompiled {
    const dialect = bind ? ("dialect" in bind && bind.dialect ? bind.dialect : (bind as TextDialect)) : DEFAULT_DIALECT;
    return new TextCompiled(this, dialect);
  }

  private _cacheKey(): string {
    const binds = [...this._bindparams.values()].map((b) => `${b.key}:${b.expanding ? "e" : ""}`).join(",");
    return `text\u0000${this.text}\u0000${binds}`;
  }

  _compile_w_cache(
    dialect: TextDialect,
    options: { compiled_cache: Map<unknown, unknown> | null; column_keys: readonly string[]; for_executemany: boolean },
  ): CompileWithCacheResult {
    const cache = options.compiled_cache;
    if (!cache) return { compiled: new TextCompiled(this, dialect), extracted_params: null, cache_status: "disabled" };
    const key = `${dialect._cache_token ?? dialect.name}\u0000${this._cacheKey()}\u0000${options.column_keys.join(",")}\u0000${options.for_executemany ? 1 : 0}`;
    const hit = cache.get(key) as TextCompiled | undefined;
    if (hit) return { compiled: hit, extracted_params: null, cache_status: "cached" };
    const compiled = new TextCompiled(this, dialect);
    cache.set(key, compiled);
    return { compiled, extracted_params: null, cache_status: "generated" };
  }

  _execute_on_connection(
    connection: Connection,
    distilled_params: readonly Record<string, unknown>[],
    execution_options: ExecutionOptions,
  ): CursorResult {
    return connection._execute_clauseelement(this, distilled_params, { ...this._execution_options, ...execution_options });
  }

  toString(): string {
    return this.text.replace(BIND_PARAMS_ESC, "$1");
  }
  __str__(): string {
    return this.toString();
  }
  __repr__(): string {
    return `<sqlalchemy.sql.elements.TextClause object at 0x7f${(this.text.length * 7919).toString(16).padStart(10, "0")}>`;
  }
}

/** `sqlalchemy.text()`. */
export function text(sql: string): TextClause {
  if (typeof sql !== "string") throw new ArgumentError(`text() takes a string, got ${repr(sql)}`);
  return new TextClause(sql);
}

export type { DBAPIParameters };
defineModule("sqlalchemy.sql.elements", TextClause, BindParameter);
defineModule("sqlalchemy.sql.compiler", TextCompiled);
