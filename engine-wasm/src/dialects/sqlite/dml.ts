/**
 * `sqlalchemy.dialects.sqlite.dml`: SQLite's `insert()`, an INSERT with `on_conflict_do_update()` /
 * `on_conflict_do_nothing()` (INSERT … ON CONFLICT, "upsert") and the `excluded` row.
 *
 * As in SQLAlchemy, this Insert has no cache key (its class sets `inherit_cache = False`): each
 * execution compiles it anew and the log shows `[no key …]`.
 */
import { InvalidRequestError } from "../../exc.ts";
import { Insert as StandardInsert } from "../../sql/dml.ts";
import { type CacheKeyBuilder, ClauseElement, type ColumnElement, coerce } from "../../sql/elements.ts";
import type { ColumnCollection } from "../../sql/schema.ts";
import type { SubqueryColumn } from "../../sql/selectable.ts";
import { _update_values_to_set, type OnConflictSet } from "../_upsert.ts";
import { SQLiteDialect_pysqlite } from "./pysqlite.ts";

export interface OnConflictDoNothingArgs {
  index_elements?: readonly unknown[] | null;
  index_where?: unknown;
}
export interface OnConflictDoUpdateArgs extends OnConflictDoNothingArgs {
  set_?: OnConflictSet | ColumnCollection<ColumnElement> | null;
  where?: unknown;
}

/** `insert(table)`: SQLite's INSERT, with ON CONFLICT. */
export function insert(table: unknown): Insert {
  return new Insert(table);
}

export class Insert extends StandardInsert {
  readonly stringify_dialect = "sqlite";
  private _excluded: ColumnCollection<SubqueryColumn> | undefined;

  /** The row that would have been inserted (`excluded.<column>`), for the ON CONFLICT's SET and WHERE. */
  get excluded(): ColumnCollection<SubqueryColumn> {
    this._excluded ??= this.table.alias("excluded").c as unknown as ColumnCollection<SubqueryColumn>;
    return this._excluded;
  }

  override get _no_cache_key(): boolean {
    return true;
  }

  /** `str(stmt)` / `stmt.compile()` without a dialect compile for SQLite (SQLAlchemy's stringify_dialect). */
  override compile(bind?: unknown, options: { compile_kwargs?: { literal_binds?: boolean } } = {}) {
    return super.compile(bind ?? new SQLiteDialect_pysqlite(), options);
  }
  override toString(): string {
    return this.compile().string;
  }

  private _on_conflict(clause: ClauseElement): this {
    if (this._post_values_clause)
      throw new InvalidRequestError("This Insert construct already has an ON CONFLICT clause established");
    const c = this._clone();
    c._post_values_clause = clause;
    c._excluded = this._excluded;
    return c;
  }

  /** `ON CONFLICT (<index_elements>) DO UPDATE SET …`: the `set_` values for the row already there. */
  on_conflict_do_update(args: OnConflictDoUpdateArgs = {}): this {
    return this._on_conflict(new OnConflictDoUpdate(args));
  }

  /** `ON CONFLICT [(<index_elements>)] DO NOTHING`. */
  on_conflict_do_nothing(args: OnConflictDoNothingArgs = {}): this {
    return this._on_conflict(new OnConflictDoNothing(args));
  }
}

export abstract class OnConflictClause extends ClauseElement {
  readonly stringify_dialect = "sqlite";
  /** The columns (or column names) that name the unique index the conflict is on. */
  readonly inferred_target_elements: (string | ClauseElement)[] | null;
  readonly inferred_target_whereclause: ClauseElement | null;

  constructor({ index_elements, index_where }: OnConflictDoNothingArgs) {
    super();
    if (index_elements !== undefined && index_elements !== null) {
      this.inferred_target_elements = index_elements.map((c) => (typeof c === "string" ? c : coerce(c)));
      this.inferred_target_whereclause =
        index_where !== undefined && index_where !== null ? coerce(index_where) : null;
    } else {
      this.inferred_target_elements = null;
      this.inferred_target_whereclause = null;
    }
  }

  /** Never part of a cache key: the Insert holding it has none. */
  _ck(k: CacheKeyBuilder): void {
    k.no_cache = true;
  }
}

export class OnConflictDoNothing extends OnConflictClause {
  readonly __visit_name__ = "on_conflict_do_nothing";
}

export class OnConflictDoUpdate extends OnConflictClause {
  readonly __visit_name__ = "on_conflict_do_update";
  /** (column key or Column, value) in the order given; the SET renders them in table order. */
  readonly update_values_to_set: [string | ClauseElement, unknown][];
  readonly update_whereclause: ClauseElement | null;

  constructor(args: OnConflictDoUpdateArgs) {
    super(args);
    this.update_values_to_set = _update_values_to_set(args.set_);
    this.update_whereclause = args.where !== undefined && args.where !== null ? coerce(args.where) : null;
  }
}
