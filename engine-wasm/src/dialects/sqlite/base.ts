/**
 * The SQLite dialect (SQLAlchemy's dialects/sqlite/base.py) and its drivers' dialect classes
 * (pysqlite.py, aiosqlite.py) over sql.js.
 */

import type { Connection } from "../../engine/base.ts";
import { registry } from "../../engine/create.ts";
import { DefaultDialect, type PoolClass } from "../../engine/default.ts";
import type { ConnectArgs, DBAPIModule, Paramstyle } from "../../engine/interfaces.ts";
import type { URL } from "../../engine/url.ts";
import { AsyncAdaptedQueuePool, QueuePool, SingletonThreadPool, StaticPool } from "../../pool/impl.ts";
import { quoteIdentifier } from "../../sql/compiler.ts";
import { aiosqlite } from "./aiosqlite.ts";
import { SQLiteCompiler, SQLiteDDLCompiler, SQLiteTypeCompiler } from "./compiler.ts";
import { sqlite3 } from "./pysqlite.ts";

function isMemoryUrl(url: URL): boolean {
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

export class SQLiteDialect_pysqlite extends SQLiteDialect {
  override driver = "pysqlite";
  override paramstyle: Paramstyle = "qmark";
  override dbapi: DBAPIModule = sqlite3;
  override get_pool_class(url: URL): PoolClass {
    return (isMemoryUrl(url) ? SingletonThreadPool : QueuePool) as unknown as PoolClass;
  }
}

export class SQLiteDialect_aiosqlite extends SQLiteDialect {
  override driver = "aiosqlite";
  override paramstyle: Paramstyle = "qmark";
  override dbapi: DBAPIModule = aiosqlite;
  override is_async = true;
  override get_pool_class(url: URL): PoolClass {
    return (isMemoryUrl(url) ? StaticPool : AsyncAdaptedQueuePool) as unknown as PoolClass;
  }
}

/** `sqlite+sqljs://`: the in-page database named directly; it behaves as pysqlite does. */
export class SQLiteDialect_sqljs extends SQLiteDialect_pysqlite {
  override driver = "sqljs";
}

registry.register("sqlite", () => SQLiteDialect_pysqlite);
registry.register("sqlite.pysqlite", () => SQLiteDialect_pysqlite);
registry.register("sqlite.aiosqlite", () => SQLiteDialect_aiosqlite);
registry.register("sqlite.sqljs", () => SQLiteDialect_sqljs);
