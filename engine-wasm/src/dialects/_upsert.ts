/**
 * What the sqlite and postgresql dialects' INSERT … ON CONFLICT DO UPDATE share (SQLAlchemy writes
 * it in each of dialects/sqlite/ and dialects/postgresql/): the `set_` argument as (key, value)
 * pairs, and the SET list their compilers render from it.
 */
import { SAWarning } from "../exc.ts";
import type { SQLCompiler } from "../sql/compiler.ts";
import { _self_group } from "../sql/crud.ts";
import type { Insert } from "../sql/dml.ts";
import { BindParameter, ClauseElement, coerce } from "../sql/elements.ts";
import type { ColumnCollection } from "../sql/schema.ts";
import type { CompileKw } from "../sql/visitors.ts";
import { ValueError } from "../util/builtins.ts";
import { str } from "../util/repr.ts";
import { warn } from "../util/warnings.ts";

/** `set_`: a mapping of column names (or columns, ORM attributes) to values or expressions. */
export type OnConflictSet = Record<string, unknown> | ReadonlyMap<unknown, unknown>;

/** An ON CONFLICT DO UPDATE clause as the SET list needs it. */
export interface UpsertSet {
  readonly update_values_to_set: readonly (readonly [string | ClauseElement, unknown])[];
}

/** `set_` as (key, value) pairs: names stay names, columns and ORM attributes become columns. */
export function _update_values_to_set(set_: unknown): [string | ClauseElement, unknown][] {
  let entries: [unknown, unknown][];
  if (set_ instanceof Map) entries = [...set_.entries()];
  else if (set_ && typeof set_ === "object" && "_select_iterable" in set_) {
    // a ColumnCollection (`table.c`): each column by its key
    entries = (set_ as ColumnCollection)._select_iterable.map((c) => [c.key, c]);
  } else if (set_ && typeof set_ === "object" && Object.getPrototypeOf(set_) === Object.prototype) {
    entries = Object.entries(set_);
  } else {
    throw new ValueError(
      "set parameter must be a non-empty dictionary or a ColumnCollection such as the `.c.` collection of a Table object",
    );
  }
  if (!entries.length) throw new ValueError("set parameter dictionary must not be empty");
  return entries.map(([k, v]) => [typeof k === "string" ? k : coerce(k), v]);
}

/**
 * The `SET col = value, …` of ON CONFLICT DO UPDATE, in the table's column order; a literal is a
 * bind of the column's type; a name that is no column of the table is rendered as given, after a
 * warning.
 */
export function _on_conflict_set(
  compiler: SQLCompiler,
  clause: UpsertSet,
  insert: Insert,
  kw: CompileKw,
): string[] {
  const params = new Map<unknown, unknown>(clause.update_values_to_set);
  const out: string[] = [];
  for (const c of insert.table.columns) {
    let value: unknown;
    if (params.has(c.key)) {
      value = params.get(c.key);
      params.delete(c.key);
    } else if (params.has(c)) {
      value = params.get(c);
      params.delete(c);
    } else continue;
    let v: ClauseElement;
    if (value instanceof ClauseElement) v = value;
    else {
      const ce = (value as { __clause_element__?: () => ClauseElement } | null)?.__clause_element__;
      v =
        typeof ce === "function" ? ce.call(value) : new BindParameter(null, value ?? null, { type_: c.type });
    }
    out.push(`${compiler.quote(c.name)} = ${compiler.process(_self_group(v), kw)}`);
  }
  if (params.size) {
    const names = [...params.keys()].map((k) => `'${typeof k === "string" ? k : str(k)}'`).join(", ");
    warn(
      `Additional column names not matching any column keys in table '${insert.table.name}': ${names}`,
      SAWarning,
    );
    for (const [k, v] of params) {
      const key = typeof k === "string" ? compiler.quote(k) : compiler.process(k as ClauseElement, kw);
      out.push(`${key} = ${compiler.process(coerce(v), kw)}`);
    }
  }
  return out;
}
