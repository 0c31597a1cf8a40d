/**
 * `text()`: a textual SQL statement with `:name` bound parameters (SQLAlchemy's TextClause).
 *
 * Binds are found with SQLAlchemy's pattern (`:name` not preceded by a word character, a colon or a
 * backslash, not followed by a colon; `\:` escapes a colon) and rendered by the compiler in the
 * dialect's paramstyle: `?` (qmark), `%(name)s` (pyformat, `%` doubled), `$1` (numeric_dollar). An
 * expanding parameter (`bindparam("ids", undefined, { expanding: true })` with `IN :ids`) is
 * rendered per execution. `columns()` makes it a TextualSelect (selectable.ts) with typed columns.
 */
import type { Connection, ExecutionOptions } from "../engine/base.ts";
import type { CursorResult } from "../engine/cursor.ts";
import { ArgumentError } from "../exc.ts";
import { defineModule, repr } from "../util/repr.ts";
import {
  _execute_statement_on_connection,
  BindParameter,
  type CacheKeyBuilder,
  ClauseElement,
  ColumnClause,
  ColumnElement,
  coerce,
} from "./elements.ts";
import { TextualSelect } from "./selectable.ts";
import { NULLTYPE } from "./sqltypes.ts";

/** SQLAlchemy's TextClause._bind_params_regex; Python's `\w` on str: a Unicode letter, digit or underscore. */
const BIND_PARAMS = /(?<![:\p{L}\p{N}_\\]):([\p{L}\p{N}_]+)(?!:)/gu;

export class TextClause extends ClauseElement {
  readonly __visit_name__ = "textclause";
  readonly text: string;
  readonly _bindparams: Map<string, BindParameter>;
  _execution_options: ExecutionOptions = {};

  constructor(text: string, bindparams?: Map<string, BindParameter>) {
    super();
    this.text = text;
    this._bindparams = new Map();
    for (const m of text.matchAll(BIND_PARAMS)) {
      const key = m[1]!;
      if (!this._bindparams.has(key)) {
        this._bindparams.set(
          key,
          bindparams?.get(key) ?? new BindParameter(key, undefined, { unique: false }),
        );
      }
    }
  }

  /** `text(...).bindparams({ x: 1 })` / `.bindparams(bindparam("ids", undefined, { expanding: true }))`. */
  bindparams(...args: (BindParameter | Record<string, unknown>)[]): TextClause {
    const binds = new Map(this._bindparams);
    for (const arg of args) {
      if (arg instanceof BindParameter) {
        if (!binds.has(arg.key)) {
          throw new ArgumentError(
            `This text() construct doesn't define a bound parameter named ${repr(arg.key)}`,
          );
        }
        binds.set(arg.key, arg);
      } else {
        for (const [k, v] of Object.entries(arg)) {
          const existing = binds.get(k);
          if (!existing)
            throw new ArgumentError(
              `This text() construct doesn't define a bound parameter named ${repr(k)}`,
            );
          // BindParameter._with_value(): an untyped bind takes the type of its value, which is
          // part of the cache key (`bindparams(x=5)` is not `text(":x")` executed with 5)
          binds.set(
            k,
            new BindParameter(k, v, {
              expanding: existing.expanding,
              type_: existing.type === NULLTYPE ? undefined : existing.type,
              unique: false,
              required: false,
            }),
          );
        }
      }
    }
    const copy = new TextClause(this.text, binds);
    copy._execution_options = this._execution_options;
    return copy;
  }

  /**
   * `text(...).columns(column("id", Integer), t.c.name)` / `.columns({ id: Integer })` (Python's
   * `columns(*cols, **types)`): a TextualSelect whose result columns have those names and types.
   * Columns given in order are matched to the result by position, types by name alone by name.
   */
  columns(...args: unknown[]): TextualSelect {
    let types: Record<string, unknown> = {};
    const last = args[args.length - 1];
    if (last !== null && typeof last === "object" && Object.getPrototypeOf(last) === Object.prototype) {
      types = { ...(last as Record<string, unknown>) };
      args = args.slice(0, -1);
    }
    const input = args.map((c) => {
      const col = coerce(c);
      if (!(col instanceof ColumnElement) || col.key === null)
        throw new ArgumentError(`Column expression or ORM attribute expected, got ${repr(c)}`);
      return col;
    });
    const positional = input.map((col) => {
      const key = col.key!;
      if (!(key in types)) return col;
      const c = new ColumnClause(key, types[key]);
      delete types[key];
      return c;
    });
    const keyed = Object.entries(types).map(([key, type_]) => new ColumnClause(key, type_));
    return new TextualSelect(this, [...positional, ...keyed], positional.length > 0 && keyed.length === 0);
  }

  execution_options(options: Record<string, unknown>): TextClause {
    const copy = new TextClause(this.text, this._bindparams);
    copy._execution_options = { ...this._execution_options, ...options };
    return copy;
  }

  _ck(k: CacheKeyBuilder): void {
    k.push("text", this.text);
    for (const b of this._bindparams.values()) b._ck(k);
  }

  _execute_on_connection(
    connection: Connection,
    distilled_params: readonly Record<string, unknown>[],
    execution_options: ExecutionOptions,
  ): CursorResult {
    return _execute_statement_on_connection(this, connection, distilled_params, execution_options);
  }

  override toString(): string {
    return this.text.replace(/\\(:[\w$]*)(?!:)/gu, "$1");
  }
  override __str__(): string {
    return this.toString();
  }
  __repr__(): string {
    return "<sqlalchemy.sql.elements.TextClause object at 0x7f0a1c2e4b50>";
  }
}

/** `sqlalchemy.text()`. */
export function text(sql: string): TextClause {
  if (typeof sql !== "string") throw new ArgumentError(`text() takes a string, got ${repr(sql)}`);
  return new TextClause(sql);
}

defineModule("sqlalchemy.sql.elements", TextClause);
