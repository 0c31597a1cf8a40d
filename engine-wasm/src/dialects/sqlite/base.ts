/**
 * The SQLite dialect (SQLAlchemy's dialects/sqlite/base.py): the SQL flavour, the table-existence
 * check, the connect arguments. The driver dialects (pysqlite.ts, aiosqlite.ts, sqljs.ts) add the
 * DBAPI module, its paramstyle and pool.
 */
import type { Connection } from "../../engine/base.ts";
import { DefaultDialect } from "../../engine/default.ts";
import type { ConnectArgs } from "../../engine/interfaces.ts";
import type { URL } from "../../engine/url.ts";
import { quoteIdentifier } from "../../sql/compiler.ts";
import { SQLiteCompiler, SQLiteDDLCompiler, SQLiteTypeCompiler } from "./compiler.ts";

/** A URL naming an in-memory database (each DBAPI connection then has its own). */
export function isMemoryUrl(url: URL): boolean {
  const db = url.database;
  const mode = url.query.mode;
  return !db || db === ":memory:" || mode === "memory";
}

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

  override create_connect_args(url: URL): ConnectArgs {
    return { database: url.database || ":memory:", query: url.query };
  }
}
