/**
 * `sqlalchemy.engine.reflection` (SQLAlchemy's engine/reflection.py): the Inspector, which reads a
 * database's tables through the dialect, and `Table(..., { autoload_with })`'s reflect_table().
 *
 * A dialect reflects one table at a time (`get_columns`, `get_pk_constraint`, `get_foreign_keys`,
 * `get_indexes`, `get_unique_constraints`, `get_check_constraints`), and one that queries many tables
 * at once (PostgreSQL) also has the `get_multi_*` methods, which reflect_table() then uses as
 * SQLAlchemy's does; what a dialect cannot reflect raises NotImplementedError. Answers are cached for the Inspector's life in `info_cache`, keyed as
 * SQLAlchemy's `@reflection.cache` keys them (method name, the string arguments, the keyword ones),
 * so the statements sent are the ones SQLAlchemy sends.
 */
import { NoSuchTableError } from "../exc.ts";
import { _inspects } from "../inspection.ts";
import {
  CheckConstraint,
  Column,
  type ColumnOptions,
  ForeignKeyConstraint,
  Index,
  Table,
  UniqueConstraint,
} from "../sql/schema.ts";
import type { TypeEngine } from "../sql/sqltypes.ts";
import { text } from "../sql/text.ts";
import { NotImplementedError } from "../util/builtins.ts";
import { defineModule } from "../util/repr.ts";
import { Connection, Engine } from "./base.ts";

export interface ReflectedColumn {
  name: string;
  type: TypeEngine;
  nullable: boolean;
  /** The server default's SQL text. */
  default: string | null;
  autoincrement?: boolean;
  comment?: string | null;
  computed?: { sqltext: string | null; persisted: boolean };
  identity?: Record<string, unknown>;
  primary_key?: number;
}
export interface ReflectedPrimaryKey {
  constrained_columns: string[];
  name: string | null;
  comment?: string | null;
  dialect_options?: Record<string, unknown>;
}
export interface ReflectedForeignKey {
  name: string | null;
  constrained_columns: string[];
  referred_schema: string | null;
  referred_table: string;
  referred_columns: string[];
  options: Record<string, unknown>;
  comment?: string | null;
}
export interface ReflectedIndex {
  name: string;
  column_names: (string | null)[];
  expressions?: string[];
  unique: boolean | number;
  column_sorting?: Record<string, string[]>;
  duplicates_constraint?: string;
  include_columns?: string[];
  dialect_options?: Record<string, unknown>;
}
export interface ReflectedUniqueConstraint {
  name: string | null;
  column_names: string[];
  comment?: string | null;
  duplicates_index?: string;
  dialect_options?: Record<string, unknown>;
}
export interface ReflectedCheckConstraint {
  name: string | null;
  sqltext: string;
  comment?: string | null;
  dialect_options?: Record<string, unknown>;
}
export interface ReflectedTableComment {
  text: string | null;
}

/** What a dialect reflects, per table; `info_cache` is the Inspector's. */
export interface ReflectionKw {
  info_cache?: Map<string, unknown>;
  [key: string]: unknown;
}

type PerTable<R> = (connection: Connection, table_name: string, schema: string | null, kw: ReflectionKw) => R;
/** A `get_multi_*` method: the answers for the tables named, by table name (tables not found are absent). */
type Multi<R> = (
  connection: Connection,
  schema: string | null,
  filter_names: string[],
  kw: ReflectionKw,
) => Map<string, R>;

export interface ReflectingDialect {
  get_columns: PerTable<ReflectedColumn[]>;
  get_pk_constraint: PerTable<ReflectedPrimaryKey>;
  get_foreign_keys: PerTable<ReflectedForeignKey[]>;
  get_indexes: PerTable<ReflectedIndex[]>;
  get_unique_constraints?: PerTable<ReflectedUniqueConstraint[]>;
  get_check_constraints?: PerTable<ReflectedCheckConstraint[]>;
  get_table_comment?: PerTable<ReflectedTableComment>;
  get_table_names?(connection: Connection, schema: string | null, kw: ReflectionKw): string[];
  get_view_names?(connection: Connection, schema: string | null, kw: ReflectionKw): string[];
  get_schema_names?(connection: Connection, kw: ReflectionKw): string[];
  has_table(connection: Connection, table_name: string, schema?: string | null): boolean;
  /* A dialect that reflects many tables per query (PostgreSQL) has the `get_multi_*` methods. */
  get_multi_columns?: Multi<ReflectedColumn[]>;
  get_multi_pk_constraint?: Multi<ReflectedPrimaryKey>;
  get_multi_foreign_keys?: Multi<ReflectedForeignKey[]>;
  get_multi_indexes?: Multi<ReflectedIndex[]>;
  get_multi_unique_constraints?: Multi<ReflectedUniqueConstraint[]>;
  get_multi_table_comment?: Multi<ReflectedTableComment>;
  get_multi_check_constraints?: Multi<ReflectedCheckConstraint[]>;
}

/** What reflect_table() builds a Table from (SQLAlchemy's `_ReflectionInfo`, for one table). */
interface ReflectionInfo {
  columns: ReflectedColumn[];
  pk_constraint: ReflectedPrimaryKey | undefined;
  foreign_keys: ReflectedForeignKey[];
  indexes: ReflectedIndex[];
  unique_constraints: ReflectedUniqueConstraint[];
  table_comment: ReflectedTableComment | undefined;
  check_constraints: ReflectedCheckConstraint[];
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

  private _perTable<T>(method: keyof ReflectingDialect, table_name: string, schema: string | null): T {
    return this._dialectCall("reflection", method, [table_name, schema, { info_cache: this.info_cache }]);
  }

  get_schema_names(): string[] {
    return this._dialectCall("listing the schemas", "get_schema_names", [{ info_cache: this.info_cache }]);
  }
  get_table_names(schema: string | null = null): string[] {
    return this._dialectCall("listing the tables", "get_table_names", [
      schema,
      { info_cache: this.info_cache },
    ]);
  }
  get_view_names(schema: string | null = null): string[] {
    return this._dialectCall("listing the views", "get_view_names", [
      schema,
      { info_cache: this.info_cache },
    ]);
  }
  has_table(table_name: string, schema: string | null = null): boolean {
    return this._operation((conn) => this.dialect.has_table(conn, table_name, schema));
  }
  get_columns(table_name: string, schema: string | null = null): ReflectedColumn[] {
    return this._perTable("get_columns", table_name, schema);
  }
  get_pk_constraint(table_name: string, schema: string | null = null): ReflectedPrimaryKey {
    return this._perTable("get_pk_constraint", table_name, schema);
  }
  get_foreign_keys(table_name: string, schema: string | null = null): ReflectedForeignKey[] {
    return this._perTable("get_foreign_keys", table_name, schema);
  }
  get_indexes(table_name: string, schema: string | null = null): ReflectedIndex[] {
    return this._perTable("get_indexes", table_name, schema);
  }
  get_unique_constraints(table_name: string, schema: string | null = null): ReflectedUniqueConstraint[] {
    return this._perTable("get_unique_constraints", table_name, schema);
  }
  get_check_constraints(table_name: string, schema: string | null = null): ReflectedCheckConstraint[] {
    return this._perTable("get_check_constraints", table_name, schema);
  }
  get_table_comment(table_name: string, schema: string | null = null): ReflectedTableComment {
    return this._perTable("get_table_comment", table_name, schema);
  }

  /**
   * SQLAlchemy's `_get_reflection_info` for one table through a dialect's `get_multi_*` methods:
   * columns, primary key, foreign keys, indexes, then (when the dialect has them) unique
   * constraints, the table comment and check constraints; none after columns when the table is not
   * found. Null when the table is not there.
   */
  private _get_multi_reflection_info(
    conn: Connection,
    name: string,
    schema: string | null,
    kw: ReflectionKw,
  ): ReflectionInfo | null {
    const dialect = this.dialect;
    let has_result = true;
    const run = <R>(method: keyof ReflectingDialect, optional = false): R | undefined => {
      if (!has_result) return undefined;
      const fn = dialect[method] as Multi<R> | undefined;
      if (typeof fn !== "function") {
        if (optional) return undefined;
        notImplemented(dialect, "reflection");
      }
      try {
        return fn.call(dialect, conn, schema, [name], kw).get(name);
      } catch (err) {
        if (optional && err instanceof NotImplementedError) return undefined;
        throw err;
      }
    };
    const columns = run<ReflectedColumn[]>("get_multi_columns");
    if (columns === undefined) has_result = false;
    const info: ReflectionInfo = {
      columns: columns ?? [],
      pk_constraint: run("get_multi_pk_constraint"),
      foreign_keys: run<ReflectedForeignKey[]>("get_multi_foreign_keys") ?? [],
      indexes: run<ReflectedIndex[]>("get_multi_indexes") ?? [],
      unique_constraints: run<ReflectedUniqueConstraint[]>("get_multi_unique_constraints", true) ?? [],
      table_comment: run("get_multi_table_comment", true),
      check_constraints: run<ReflectedCheckConstraint[]>("get_multi_check_constraints", true) ?? [],
    };
    return columns === undefined ? null : info;
  }

  /** The same through the one-table methods (SQLAlchemy's default `get_multi_*`, as SQLite reflects). */
  private _get_single_reflection_info(
    conn: Connection,
    name: string,
    schema: string | null,
    kw: ReflectionKw,
  ): ReflectionInfo | null {
    const dialect = this.dialect;
    const need = (m: keyof ReflectingDialect): ((...a: unknown[]) => unknown) => {
      const fn = dialect[m] as ((...a: unknown[]) => unknown) | undefined;
      if (typeof fn !== "function") notImplemented(dialect, "reflection");
      return fn.bind(dialect);
    };
    let columns: ReflectedColumn[];
    try {
      columns = need("get_columns")(conn, name, schema, kw) as ReflectedColumn[];
    } catch (err) {
      if (err instanceof NoSuchTableError) return null;
      throw err;
    }
    const info: ReflectionInfo = {
      columns,
      pk_constraint: need("get_pk_constraint")(conn, name, schema, kw) as ReflectedPrimaryKey,
      foreign_keys: need("get_foreign_keys")(conn, name, schema, kw) as ReflectedForeignKey[],
      indexes: need("get_indexes")(conn, name, schema, kw) as ReflectedIndex[],
      unique_constraints: [],
      table_comment: undefined,
      check_constraints: [],
    };
    for (const optional of ["get_unique_constraints", "get_check_constraints"] as const) {
      const fn = dialect[optional] as PerTable<unknown> | undefined;
      if (typeof fn !== "function") continue;
      try {
        const found = fn.call(dialect, conn, name, schema, kw);
        if (optional === "get_unique_constraints")
          info.unique_constraints = found as ReflectedUniqueConstraint[];
        else info.check_constraints = found as ReflectedCheckConstraint[];
      } catch (err) {
        if (!(err instanceof NotImplementedError)) throw err;
      }
    }
    return info;
  }

  /**
   * Fills `table` from the database, all on one connection, in SQLAlchemy's order: first what the
   * dialect reports for the table (columns, primary key, foreign keys, indexes, unique constraints,
   * comment, check constraints); then the columns and primary key are added, each table a foreign
   * key refers to is reflected into the same MetaData (by an Inspector of this connection, unless
   * the MetaData has it) before its ForeignKeyConstraint, then indexes and the other constraints.
   */
  reflect_table(table: Table): void {
    const kw: ReflectionKw = { info_cache: this.info_cache };
    const schema = table.schema;
    const name = table.name;
    this._operation((conn) => {
      const info =
        typeof this.dialect.get_multi_columns === "function"
          ? this._get_multi_reflection_info(conn, name, schema, kw)
          : this._get_single_reflection_info(conn, name, schema, kw);
      if (info === null) throw new NoSuchTableError(name);
      if (info.columns.length === 0 && !this.dialect.has_table(conn, name, schema))
        throw new NoSuchTableError(name);
      this._reflect_columns(table, info);
      this._reflect_fk(conn, table, info);
      this._reflect_indexes(table, info);
      if (info.table_comment?.text != null)
        (table as unknown as { comment: string | null }).comment = info.table_comment.text;
    });
  }

  private _reflect_columns(table: Table, info: ReflectionInfo): void {
    const pk = info.pk_constraint;
    const pkCols = new Set(pk?.constrained_columns ?? []);
    for (const col of info.columns) {
      if (col.computed !== undefined)
        notImplemented(this.dialect, `reflecting the computed column '${col.name}'`);
      const isPk = pkCols.has(col.name);
      // nullable as the database reports it (SQLite's INTEGER PRIMARY KEY is not NOT NULL)
      const options: ColumnOptions = { primary_key: isPk, nullable: col.nullable };
      if (col.autoincrement !== undefined) options.autoincrement = col.autoincrement;
      if (col.comment != null) options.comment = col.comment;
      // SQLAlchemy's DefaultClause(text(default)); an identity column has Identity() in its place
      if (col.default !== null && col.default !== undefined) options.server_default = text(col.default);
      table.append_column(new Column(col.name, col.type, options));
    }
    if (pk?.name) table.primary_key.name = pk.name;
  }

  /** SQLAlchemy's `_reflect_fk` with resolve_fks: the referred tables first, then the constraints. */
  private _reflect_fk(conn: Connection, table: Table, info: ReflectionInfo): void {
    const metadata = table.metadata;
    for (const fk of info.foreign_keys) {
      const key = fk.referred_schema ? `${fk.referred_schema}.${fk.referred_table}` : fk.referred_table;
      if (!metadata.tables.has(key))
        new Table(fk.referred_table, metadata, {
          ...(fk.referred_schema ? { schema: fk.referred_schema } : {}),
          autoload_with: conn,
        });
      const options: { name?: string; ondelete?: string; onupdate?: string } = {};
      if (fk.name) options.name = fk.name;
      if (typeof fk.options.ondelete === "string") options.ondelete = fk.options.ondelete;
      if (typeof fk.options.onupdate === "string") options.onupdate = fk.options.onupdate;
      table.append_constraint(
        new ForeignKeyConstraint(
          fk.constrained_columns,
          fk.referred_columns.map((c) => `${key}.${c}`),
          options,
        ),
      );
    }
  }

  /** Indexes, then the unique constraints no index stands for, then check constraints (as SQLAlchemy adds them). */
  private _reflect_indexes(table: Table, info: ReflectionInfo): void {
    for (const ix of info.indexes) {
      if (ix.duplicates_constraint) continue;
      if (ix.column_names.some((c) => c === null))
        notImplemented(this.dialect, `reflecting the expression index '${ix.name}'`);
      table.append_index(new Index(ix.name, ...(ix.column_names as string[]), { unique: !!ix.unique }));
    }
    for (const uc of info.unique_constraints) {
      if (uc.duplicates_index) continue;
      const args: (string | { name: string })[] = [...uc.column_names];
      if (uc.name) args.push({ name: uc.name });
      table.append_constraint(new UniqueConstraint(...args));
    }
    for (const ck of info.check_constraints)
      table.append_constraint(new CheckConstraint(ck.sqltext, ck.name ? { name: ck.name } : {}));
  }
}

defineModule("sqlalchemy.engine.reflection", Inspector);

_inspects((subject) =>
  subject instanceof Engine || subject instanceof Connection ? new Inspector(subject) : undefined,
);
