/**
 * `sqlalchemy.engine.reflection` (SQLAlchemy's engine/reflection.py): the Inspector, which reads a
 * database's tables through the dialect, and `Table(..., { autoload_with })`'s reflect_table().
 *
 * A dialect reflects one table at a time (`get_columns`, `get_pk_constraint`, `get_foreign_keys`,
 * `get_indexes`, `get_unique_constraints`, `get_check_constraints`); what it cannot reflect raises
 * NotImplementedError. Answers are cached for the Inspector's life in `info_cache`, keyed as
 * SQLAlchemy's `@reflection.cache` keys them (method name, the string arguments, the keyword ones),
 * so the statements sent are the ones SQLAlchemy sends.
 */
import { NoSuchTableError } from "../exc.ts";
import { _inspects } from "../inspection.ts";
import { Column, type Table } from "../sql/schema.ts";
import type { TypeEngine } from "../sql/sqltypes.ts";
import { NotImplementedError } from "../util/builtins.ts";
import { defineModule } from "../util/repr.ts";
import { Connection, Engine } from "./base.ts";

export interface ReflectedColumn {
  name: string;
  type: TypeEngine;
  nullable: boolean;
  default: string | null;
  primary_key?: number;
}
export interface ReflectedPrimaryKey {
  constrained_columns: string[];
  name: string | null;
}
export interface ReflectedForeignKey {
  name: string | null;
  constrained_columns: string[];
  referred_schema: string | null;
  referred_table: string;
  referred_columns: string[];
  options: Record<string, unknown>;
}
export interface ReflectedIndex {
  name: string;
  column_names: string[];
  unique: boolean | number;
  dialect_options: Record<string, unknown>;
}

/** What a dialect reflects, per table; `info_cache` is the Inspector's. */
export interface ReflectionKw {
  info_cache?: Map<string, unknown>;
  [key: string]: unknown;
}

export interface ReflectingDialect {
  get_columns(
    connection: Connection,
    table_name: string,
    schema: string | null,
    kw: ReflectionKw,
  ): ReflectedColumn[];
  get_pk_constraint(
    connection: Connection,
    table_name: string,
    schema: string | null,
    kw: ReflectionKw,
  ): ReflectedPrimaryKey;
  get_foreign_keys(
    connection: Connection,
    table_name: string,
    schema: string | null,
    kw: ReflectionKw,
  ): ReflectedForeignKey[];
  get_indexes(
    connection: Connection,
    table_name: string,
    schema: string | null,
    kw: ReflectionKw,
  ): ReflectedIndex[];
  get_unique_constraints?(
    connection: Connection,
    table_name: string,
    schema: string | null,
    kw: ReflectionKw,
  ): unknown[];
  get_check_constraints?(
    connection: Connection,
    table_name: string,
    schema: string | null,
    kw: ReflectionKw,
  ): unknown[];
  get_table_names?(connection: Connection, schema: string | null, kw: ReflectionKw): string[];
  has_table(connection: Connection, table_name: string, schema?: string | null): boolean;
}

/**
 * SQLAlchemy's `@reflection.cache`: the answer for these arguments from the Inspector's cache, or
 * computed and kept there. Without an `info_cache` nothing is cached.
 */
export function cached<T>(name: string, args: readonly unknown[], kw: ReflectionKw, compute: () => T): T {
  const cache = kw.info_cache;
  if (cache === undefined) return compute();
  const rest = Object.entries(kw).filter(([k]) => k !== "info_cache" && k !== "unreflectable");
  const key = JSON.stringify([name, args.filter((a) => typeof a === "string"), rest]);
  if (cache.has(key)) return cache.get(key) as T;
  const value = compute();
  cache.set(key, value);
  return value;
}

function notImplemented(dialect: { name: string }, what: string): never {
  throw new NotImplementedError(`${what} of ${dialect.name} tables is not implemented in this port`);
}

export class Inspector {
  readonly bind: Engine | Connection;
  readonly info_cache = new Map<string, unknown>();

  constructor(bind: Engine | Connection) {
    this.bind = bind;
    // as SQLAlchemy's _init_engine: the engine connects once (a first connect initializes the dialect)
    if (bind instanceof Engine) bind.connect().close();
  }

  get dialect(): ReflectingDialect & { name: string } {
    return this.bind.dialect as unknown as ReflectingDialect & { name: string };
  }

  /** A connection for one operation: the engine's, checked out and closed after; or the one given. */
  private _operation<T>(fn: (conn: Connection) => T): T {
    if (this.bind instanceof Connection) return fn(this.bind);
    const conn = this.bind.connect();
    try {
      return fn(conn);
    } finally {
      conn.close();
    }
  }

  private _dialectCall<T>(what: string, method: keyof ReflectingDialect, args: unknown[]): T {
    const fn = this.dialect[method] as ((...a: unknown[]) => T) | undefined;
    if (typeof fn !== "function") notImplemented(this.dialect, what);
    return this._operation((conn) => fn.call(this.dialect, conn, ...args));
  }

  get_table_names(schema: string | null = null): string[] {
    return this._dialectCall("listing the tables", "get_table_names", [
      schema,
      { info_cache: this.info_cache },
    ]);
  }
  has_table(table_name: string, schema: string | null = null): boolean {
    return this._operation((conn) => this.dialect.has_table(conn, table_name, schema));
  }
  get_columns(table_name: string, schema: string | null = null): ReflectedColumn[] {
    return this._dialectCall("reflection", "get_columns", [
      table_name,
      schema,
      { info_cache: this.info_cache },
    ]);
  }
  get_pk_constraint(table_name: string, schema: string | null = null): ReflectedPrimaryKey {
    return this._dialectCall("reflection", "get_pk_constraint", [
      table_name,
      schema,
      { info_cache: this.info_cache },
    ]);
  }
  get_foreign_keys(table_name: string, schema: string | null = null): ReflectedForeignKey[] {
    return this._dialectCall("reflection", "get_foreign_keys", [
      table_name,
      schema,
      { info_cache: this.info_cache },
    ]);
  }
  get_indexes(table_name: string, schema: string | null = null): ReflectedIndex[] {
    return this._dialectCall("reflection", "get_indexes", [
      table_name,
      schema,
      { info_cache: this.info_cache },
    ]);
  }

  /**
   * Fills `table` from the database, in SQLAlchemy's order: columns, primary key, foreign keys,
   * indexes, unique constraints, check constraints (the last two when the dialect has them), all on
   * one connection.
   */
  reflect_table(table: Table): void {
    const dialect = this.dialect;
    const kw: ReflectionKw = { info_cache: this.info_cache };
    const schema = table.schema;
    const name = table.name;
    this._operation((conn) => {
      const need = (m: keyof ReflectingDialect): ((...a: unknown[]) => unknown) => {
        const fn = dialect[m] as ((...a: unknown[]) => unknown) | undefined;
        if (typeof fn !== "function") notImplemented(dialect, "reflection");
        return fn.bind(dialect);
      };
      let columns: ReflectedColumn[];
      try {
        columns = need("get_columns")(conn, name, schema, kw) as ReflectedColumn[];
      } catch (err) {
        if (err instanceof NoSuchTableError) throw new NoSuchTableError(name);
        throw err;
      }
      if (columns.length === 0 && !dialect.has_table(conn, name, schema)) throw new NoSuchTableError(name);
      const pk = need("get_pk_constraint")(conn, name, schema, kw) as ReflectedPrimaryKey;
      const fks = need("get_foreign_keys")(conn, name, schema, kw) as ReflectedForeignKey[];
      need("get_indexes")(conn, name, schema, kw);
      for (const optional of ["get_unique_constraints", "get_check_constraints"] as const) {
        const fn = dialect[optional];
        if (typeof fn === "function") {
          try {
            fn.call(dialect, conn, name, schema, kw);
          } catch (err) {
            if (!(err instanceof NotImplementedError)) throw err;
          }
        }
      }
      // SQLAlchemy reflects the referred tables too (resolve_fks): not in this port yet
      if (fks.length > 0) notImplemented(dialect, "reflecting foreign keys");
      const pkCols = new Set(pk.constrained_columns);
      for (const col of columns) {
        const isPk = pkCols.has(col.name);
        table.append_column(
          new Column(col.name, col.type, {
            primary_key: isPk,
            nullable: isPk ? false : col.nullable,
          }),
        );
      }
    });
  }
}

defineModule("sqlalchemy.engine.reflection", Inspector);

_inspects((subject) =>
  subject instanceof Engine || subject instanceof Connection ? new Inspector(subject) : undefined,
);
