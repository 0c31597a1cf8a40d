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
