/**
 * `sqlalchemy.dialects.postgresql.dml`: PostgreSQL's `insert()`, an INSERT with
 * `on_conflict_do_update()` / `on_conflict_do_nothing()` (INSERT … ON CONFLICT, "upsert") and the
 * `excluded` row. The conflict target is a constraint (`constraint=`: its name, or a
 * UniqueConstraint / PrimaryKeyConstraint / Index object) or the columns of a unique index
 * (`index_elements=`, with `index_where=` for a partial one).
 *
 * As in SQLAlchemy, this Insert has no cache key (its class sets `inherit_cache = False`): each
 * execution compiles it anew and the log shows `[no key …]`.
 */
import { InvalidRequestError } from "../../exc.ts";
import { Insert as StandardInsert } from "../../sql/dml.ts";
import { type CacheKeyBuilder, ClauseElement, type ColumnElement, coerce } from "../../sql/elements.ts";
import { type Column, type ColumnCollection, Constraint, Index } from "../../sql/schema.ts";
import type { SubqueryColumn } from "../../sql/selectable.ts";
import { ValueError } from "../../util/builtins.ts";
import { _update_values_to_set, type OnConflictSet } from "../_upsert.ts";
import { PGDialect_psycopg2 } from "./psycopg2.ts";

export interface OnConflictDoNothingArgs {
  constraint?: string | Constraint | Index | null;
  index_elements?: readonly unknown[] | null;
  index_where?: unknown;
}
export interface OnConflictDoUpdateArgs extends OnConflictDoNothingArgs {
  set_?: OnConflictSet | ColumnCollection<ColumnElement> | null;
  where?: unknown;
}

/** `insert(table)`: PostgreSQL's INSERT, with ON CONFLICT. */
export function insert(table: unknown): Insert {
  return new Insert(table);
}

export class Insert extends StandardInsert {
  readonly stringify_dialect = "postgresql";
  private _excluded: ColumnCollection<SubqueryColumn> | undefined;

  /** The row that would have been inserted (`excluded.<column>`), for the ON CONFLICT's SET and WHERE. */
  get excluded(): ColumnCollection<SubqueryColumn> {
    this._excluded ??= this.table.alias("excluded").c as unknown as ColumnCollection<SubqueryColumn>;
    return this._excluded;
  }

  override get _no_cache_key(): boolean {
    return true;
  }

  /** `str(stmt)` / `stmt.compile()` without a dialect compile for PostgreSQL (SQLAlchemy's stringify_dialect). */
  override compile(bind?: unknown, options: { compile_kwargs?: { literal_binds?: boolean } } = {}) {
    return super.compile(bind ?? new PGDialect_psycopg2(), options);
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

  /** `ON CONFLICT <target> DO UPDATE SET …`: the `set_` values for the row already there. */
  on_conflict_do_update(args: OnConflictDoUpdateArgs = {}): this {
    return this._on_conflict(new OnConflictDoUpdate(args));
  }

  /** `ON CONFLICT [<target>] DO NOTHING`. */
  on_conflict_do_nothing(args: OnConflictDoNothingArgs = {}): this {
    return this._on_conflict(new OnConflictDoNothing(args));
  }
}

export abstract class OnConflictClause extends ClauseElement {
  readonly stringify_dialect = "postgresql";
  /** `ON CONFLICT ON CONSTRAINT <name>`. */
  readonly constraint_target: string | null = null;
  /** The columns (or column names) that name the unique index the conflict is on. */
  readonly inferred_target_elements: (string | ClauseElement)[] | null = null;
  readonly inferred_target_whereclause: ClauseElement | null = null;

  constructor({ constraint, index_elements, index_where }: OnConflictDoNothingArgs) {
    super();
    let elements = index_elements ?? null;
    let where = index_where;
    if (constraint !== undefined && constraint !== null) {
      if (elements !== null) throw new ValueError("'constraint' and 'index_elements' are mutually exclusive");
      // a named constraint is named; an unnamed one (or an Index) gives its columns
      const name = constraint instanceof Constraint ? constraint.name : null;
      if (typeof constraint === "string" || name) {
        this.constraint_target = typeof constraint === "string" ? constraint : name;
        return;
      }
      elements =
        constraint instanceof Index
          ? constraint.expressions
          : (constraint as Constraint & { columns: Column[] }).columns;
      where = null;
    }
    if (elements !== null) {
      this.inferred_target_elements = elements.map((c) => (typeof c === "string" ? c : coerce(c)));
      this.inferred_target_whereclause = where !== undefined && where !== null ? coerce(where) : null;
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
