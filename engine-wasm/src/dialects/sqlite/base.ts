/**
 * The SQLite dialect (SQLAlchemy's dialects/sqlite/base.py): the SQL flavour, the table-existence
 * check, the connect arguments. The driver dialects (pysqlite.ts, aiosqlite.ts, sqljs.ts) add the
 * DBAPI module, its paramstyle and pool.
 */
import { sqliteVersionInfo } from "../../dbapi/sqlite3.ts";
import type { Connection } from "../../engine/base.ts";
import { DefaultDialect } from "../../engine/default.ts";
import type { ConnectArgs } from "../../engine/interfaces.ts";
import {
  cached,
  type ReflectedColumn,
  type ReflectedForeignKey,
  type ReflectedIndex,
  type ReflectedPrimaryKey,
  type ReflectionKw,
} from "../../engine/reflection.ts";
import type { URL } from "../../engine/url.ts";
import { NoSuchTableError, SAWarning } from "../../exc.ts";
import { quoteIdentifier } from "../../sql/compiler.ts";
import * as T from "../../sql/sqltypes.ts";
import { NotImplementedError } from "../../util/builtins.ts";
import { tuple } from "../../util/pytypes.ts";
import { warn } from "../../util/warnings.ts";
import { SQLiteCompiler, SQLiteDDLCompiler, SQLiteTypeCompiler } from "./compiler.ts";

/** A URL naming an in-memory database (each DBAPI connection then has its own). */
export function isMemoryUrl(url: URL): boolean {
  const db = url.database;
  const mode = url.query.mode;
  return !db || db === ":memory:" || mode === "memory";
}

/** SQLite's declared type names → the type reflection gives (SQLAlchemy's ischema_names). */
// biome-ignore lint/suspicious/noExplicitAny: the types take different constructor arguments
const ischema_names: Readonly<Record<string, new (...args: any[]) => T.TypeEngine>> = {
  BIGINT: T.BIGINT,
  BLOB: T.BLOB,
  BOOL: T.BOOLEAN,
  BOOLEAN: T.BOOLEAN,
  CHAR: T.CHAR,
  DATE: T.DATE,
  DATE_CHAR: T.DATE,
  DATETIME: T.DATETIME,
  DATETIME_CHAR: T.DATETIME,
  DOUBLE: T.DOUBLE,
  DECIMAL: T.DECIMAL,
  FLOAT: T.FLOAT,
  INT: T.INTEGER,
  INTEGER: T.INTEGER,
  JSON: T.JSON,
  NUMERIC: T.NUMERIC,
  REAL: T.REAL,
  SMALLINT: T.SMALLINT,
  TEXT: T.TEXT,
  TIME: T.TIME,
  TIME_CHAR: T.TIME,
  TIMESTAMP: T.TIMESTAMP,
  VARCHAR: T.VARCHAR,
  NVARCHAR: T.NVARCHAR,
  NCHAR: T.NCHAR,
};

/** Types whose constructor takes no arguments. */
const NO_ARGUMENTS = new Set<unknown>([T.INTEGER, T.SMALLINT, T.BIGINT, T.DATE, T.NullType]);

const SYS_TABLES = new Set(["sqlite_schema", "sqlite_master", "sqlite_temp_schema", "sqlite_temp_master"]);

/** The words SQLite's IdentifierPreparer quotes (they replace the default set, as in SQLAlchemy). */
const RESERVED_WORDS: ReadonlySet<string> = new Set(
  `
  add after all alter analyze and as asc attach autoincrement before begin between by cascade case
  cast check collate column commit conflict constraint create cross current_date current_time
  current_timestamp database default deferrable deferred delete desc detach distinct drop each else
  end escape except exclusive exists explain false fail for foreign from full glob group having if
  ignore immediate in index indexed initially inner insert instead intersect into is isnull join
  key left like limit match natural not notnull null of offset on or order outer plan pragma
  primary query raise references reindex rename replace restrict right rollback row select set
  table temp temporary then to transaction trigger true union unique update using vacuum values
  view virtual when where
`
    .trim()
    .split(/\s+/),
);

export class SQLiteDialect extends DefaultDialect {
  override name = "sqlite";
  override supports_native_boolean = false;
  override insert_returning = true;
  override update_returning = true;
  override delete_returning = true;
  override use_insertmanyvalues = true;
  override supports_multivalues_insert = true;
  // SQLite has no VALUES (DEFAULT); a NULL primary key is given the next rowid
  override supports_default_metavalue = true;
  override default_metavalue_token = "NULL";
  implicit_returning = false;
  render_bind_casts = false;
  override statement_compiler = SQLiteCompiler;
  override ddl_compiler = SQLiteDDLCompiler;
  override type_compiler_cls = SQLiteTypeCompiler;
  readonly reserved_words = RESERVED_WORDS;

  /** `PRAGMA main.table_info("t")`, then the temp schema (SQLAlchemy's _get_table_pragma). */
  has_table(connection: Connection, table_name: string, schema: string | null = null): boolean {
    const q = `"${table_name.replace(/"/g, '""')}"`;
    const schemas = schema === null ? ["main", "temp"] : [quoteIdentifier(schema)];
    for (const s of schemas) {
      const rows = connection.exec_driver_sql(`PRAGMA ${s}.table_info(${q})`).fetchall();
      if (rows.length) return true;
    }
    return false;
  }

  /* ---------------------------------------------------------------- reflection -- *
   * As SQLAlchemy's SQLiteDialect reflects: PRAGMAs (`main`, then `temp`) and the table's CREATE
   * statement from sqlite_master. Each method is cached per Inspector as `@reflection.cache` does;
   * a call without the cache (SQLAlchemy's own calls of `_get_table_sql` without `**kw`) queries again. */

  /** The names of one kind of object in sqlite_master, without SQLite's own (SQLAlchemy's _sqlite_main_query). */
  _sqlite_main_query(table: string, type_: string, schema: string | null, kw: ReflectionKw): string {
    const main = schema !== null ? `${quoteIdentifier(schema)}.${table}` : table;
    const filter = kw.sqlite_include_internal === true ? "" : " AND name NOT LIKE 'sqlite~_%' ESCAPE '~'";
    return `SELECT name FROM ${main} WHERE type='${type_}'${filter} ORDER BY name`;
  }

  get_table_names(connection: Connection, schema: string | null = null, kw: ReflectionKw = {}): string[] {
    return cached("get_table_names", [schema], kw, () =>
      connection
        .exec_driver_sql(this._sqlite_main_query("sqlite_master", "table", schema, kw))
        .scalars()
        .all(),
    ) as string[];
  }

  get_view_names(connection: Connection, schema: string | null = null, kw: ReflectionKw = {}): string[] {
    return cached("get_view_names", [schema], kw, () =>
      connection
        .exec_driver_sql(this._sqlite_main_query("sqlite_master", "view", schema, kw))
        .scalars()
        .all(),
    ) as string[];
  }

  /** `PRAGMA main.<pragma>("t")`, then `temp` when main has no rows (SQLAlchemy's _get_table_pragma). */
  _get_table_pragma(
    connection: Connection,
    pragma: string,
    table_name: string,
    schema: string | null = null,
  ) {
    const q = `"${table_name.replace(/"/g, '""')}"`;
    const prefixes =
      schema === null ? ["PRAGMA main.", "PRAGMA temp."] : [`PRAGMA ${quoteIdentifier(schema)}.`];
    for (const prefix of prefixes) {
      const rows = connection.exec_driver_sql(`${prefix}${pragma}(${q})`).fetchall();
      if (rows.length > 0) return rows;
    }
    return [];
  }

  /** The table's CREATE statement (SQLAlchemy's _get_table_sql). */
  _get_table_sql(
    connection: Connection,
    table_name: string,
    schema: string | null = null,
    kw: ReflectionKw = {},
  ): string | null {
    return cached("_get_table_sql", [table_name, schema], kw, () => {
      const schema_expr = schema ? `${quoteIdentifier(schema)}.` : "";
      const s =
        `SELECT sql FROM  (SELECT * FROM ${schema_expr}sqlite_master UNION ALL ` +
        `  SELECT * FROM ${schema_expr}sqlite_temp_master) ` +
        "WHERE name = ? AND type in ('table', 'view')";
      const value = connection.exec_driver_sql(s, tuple([table_name])).scalar() as string | null;
      if (value === null && !SYS_TABLES.has(table_name))
        throw new NoSuchTableError(`${schema_expr}${table_name}`);
      return value;
    });
  }

  /** A declared type by SQLite's affinity rules (SQLAlchemy's _resolve_type_affinity). */
  _resolve_type_affinity(type_: string): T.TypeEngine {
    const m = /^([\w ]+)(\(.*?\))?/.exec(type_);
    const name = m ? m[1]! : "";
    const args = m ? m[2] : "";
    // biome-ignore lint/suspicious/noExplicitAny: the types take different constructor arguments
    let cls: new (...a: any[]) => T.TypeEngine;
    if (name in ischema_names) cls = ischema_names[name]!;
    else if (name.includes("INT")) cls = T.INTEGER;
    else if (name.includes("CHAR") || name.includes("CLOB") || name.includes("TEXT")) cls = T.TEXT;
    else if (name.includes("BLOB") || !name) cls = T.NullType;
    else if (name.includes("REAL") || name.includes("FLOA") || name.includes("DOUB")) cls = T.REAL;
    else cls = T.NUMERIC;
    if (args) {
      const numbers = [...args.matchAll(/(\d+)/g)].map((x) => Number(x[1]));
      // Python's `coltype(*args)` raises TypeError for a type that takes no arguments
      if (numbers.length > 0 && NO_ARGUMENTS.has(cls)) {
        warn(
          `Could not instantiate type ${cls.name} with reflected arguments [${numbers.map((n) => `'${n}'`).join(", ")}]; using no arguments.`,
          SAWarning,
        );
        return new cls();
      }
      return new cls(...numbers);
    }
    return new cls();
  }

  get_columns(
    connection: Connection,
    table_name: string,
    schema: string | null = null,
    kw: ReflectionKw = {},
  ) {
    return cached("get_columns", [table_name, schema], kw, (): ReflectedColumn[] => {
      const version = sqliteVersionInfo();
      const xinfo = version[0]! > 3 || (version[0] === 3 && version[1]! >= 31);
      const pragma = xinfo ? "table_xinfo" : "table_info";
      const columns: ReflectedColumn[] = [];
      for (const row of this._get_table_pragma(connection, pragma, table_name, schema)) {
        const hidden = xinfo ? (row[6] as number) : 0;
        if (hidden === 1) continue;
        if (hidden !== 0)
          throw new NotImplementedError("reflecting computed columns is not implemented in this port");
        const def = row[4];
        columns.push({
          name: row[1] as string,
          type: this._resolve_type_affinity(String(row[2]).toUpperCase()),
          nullable: !row[3],
          default: def === null || def === undefined ? null : String(def),
          primary_key: row[5] as number,
        });
      }
      if (columns.length > 0) return columns;
      if (!this.has_table(connection, table_name, schema))
        throw new NoSuchTableError(schema ? `${schema}.${table_name}` : table_name);
      return [];
    });
  }

  get_pk_constraint(
    connection: Connection,
    table_name: string,
    schema: string | null = null,
    kw: ReflectionKw = {},
  ) {
    return cached("get_pk_constraint", [table_name, schema], kw, (): ReflectedPrimaryKey => {
      // (SQLAlchemy reads the CREATE statement here without the Inspector's cache)
      const table_data = this._get_table_sql(connection, table_name, schema);
      let name: string | null = null;
      if (table_data) {
        const r = /CONSTRAINT +(?:"(.+?)"|(\w+)) +PRIMARY KEY/i.exec(table_data);
        name = r ? (r[1] ?? r[2] ?? null) : null;
      }
      const cols = this.get_columns(connection, table_name, schema, kw)
        .filter((c) => (c.primary_key ?? 0) > 0)
        .sort((a, b) => (a.primary_key ?? 0) - (b.primary_key ?? 0));
      return cols.length > 0
        ? { constrained_columns: cols.map((c) => c.name), name }
        : { constrained_columns: [], name: null };
    });
  }

  get_foreign_keys(
    connection: Connection,
    table_name: string,
    schema: string | null = null,
    kw: ReflectionKw = {},
  ) {
    return cached("get_foreign_keys", [table_name, schema], kw, (): ReflectedForeignKey[] => {
      const fks = new Map<number, ReflectedForeignKey>();
      for (const row of this._get_table_pragma(connection, "foreign_key_list", table_name, schema)) {
        const [id, rtbl, lcol, rcol] = [
          row[0] as number,
          row[2] as string,
          row[3] as string,
          row[4] as string | null,
        ];
        let fk = fks.get(id);
        if (fk === undefined) {
          const referred = rcol
            ? []
            : this.get_pk_constraint(connection, rtbl, schema, kw).constrained_columns;
          fk = {
            name: null,
            constrained_columns: [],
            referred_schema: schema,
            referred_table: rtbl,
            referred_columns: referred,
            options: {},
          };
          fks.set(id, fk);
        }
        fk.constrained_columns.push(lcol);
        if (rcol) fk.referred_columns.push(rcol);
      }
      // SQLAlchemy then reads the CREATE statement (uncached) for the constraints' names
      const table_data = this._get_table_sql(connection, table_name, schema);
      if (table_data && fks.size > 0) {
        const FK =
          /(?:CONSTRAINT +(?:"(.+?)"|(\w+)) +)?FOREIGN KEY *\( *(.+?) *\) +REFERENCES +(?:(?:"(.+?)")|([a-z0-9_]+)) *\(/gi;
        for (const m of table_data.matchAll(FK)) {
          const cname = m[1] ?? m[2] ?? null;
          const cols = [...m[3]!.matchAll(/(?:"(.+?)")|([a-z0-9_]+)/gi)].map((x) => x[1] ?? x[2]);
          const target = m[4] ?? m[5];
          for (const fk of fks.values())
            if (fk.referred_table === target && fk.constrained_columns.join() === cols.join())
              fk.name = cname;
        }
      }
      return [...fks.values()];
    });
  }

  get_indexes(
    connection: Connection,
    table_name: string,
    schema: string | null = null,
    kw: ReflectionKw = {},
  ) {
    return cached("get_indexes", [table_name, schema], kw, (): ReflectedIndex[] => {
      const include_auto_indexes = kw.include_auto_indexes === true;
      const indexes: ReflectedIndex[] = [];
      for (const row of this._get_table_pragma(connection, "index_list", table_name, schema)) {
        const name = row[1] as string;
        if (!include_auto_indexes && name.startsWith("sqlite_autoindex")) continue;
        if (row.length >= 5 && row[4])
          throw new NotImplementedError("reflecting partial indexes is not implemented in this port");
        indexes.push({ name, column_names: [], unique: row[2] as number, dialect_options: {} });
      }
      for (const idx of [...indexes]) {
        for (const row of this._get_table_pragma(connection, "index_info", idx.name, schema)) {
          if (row[2] === null) {
            warn(`Skipped unsupported reflection of expression-based index ${idx.name}`, SAWarning);
            indexes.splice(indexes.indexOf(idx), 1);
            break;
          }
          idx.column_names.push(row[2] as string);
        }
      }
      indexes.sort((a, b) => (a.name ?? "~").localeCompare(b.name ?? "~"));
      if (indexes.length > 0) return indexes;
      if (!this.has_table(connection, table_name, schema))
        throw new NoSuchTableError(schema ? `${schema}.${table_name}` : table_name);
      return [];
    });
  }

  /** SQLAlchemy reads the automatic indexes and the CREATE statement (cached) for UNIQUE constraints. */
  get_unique_constraints(
    connection: Connection,
    table_name: string,
    schema: string | null = null,
    kw: ReflectionKw = {},
  ): unknown[] {
    return cached("get_unique_constraints", [table_name, schema], kw, () => {
      const auto = this.get_indexes(connection, table_name, schema, {
        ...kw,
        include_auto_indexes: true,
      }).filter((i) => i.name.startsWith("sqlite_autoindex"));
      this._get_table_sql(connection, table_name, schema, kw);
      if (auto.length > 0)
        throw new NotImplementedError("reflecting UNIQUE constraints is not implemented in this port");
      return [];
    });
  }

  /** CHECK constraints come from the CREATE statement (cached). */
  get_check_constraints(
    connection: Connection,
    table_name: string,
    schema: string | null = null,
    kw: ReflectionKw = {},
  ): unknown[] {
    return cached("get_check_constraints", [table_name, schema], kw, () => {
      const sql = this._get_table_sql(connection, table_name, schema, kw) ?? "";
      if (/\bCHECK\b/i.test(sql))
        throw new NotImplementedError("reflecting CHECK constraints is not implemented in this port");
      return [];
    });
  }

  override create_connect_args(url: URL): ConnectArgs {
    return { database: url.database || ":memory:", query: url.query };
  }
}
