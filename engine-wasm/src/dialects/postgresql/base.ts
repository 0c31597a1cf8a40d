/**
 * The PostgreSQL dialect (SQLAlchemy's dialects/postgresql/base.py): the SQL flavour, the
 * table-existence check and what to ask the server on first connect; table reflection is in
 * reflection.ts (the class this one extends) over the catalog queries of pg_catalog.ts. The driver dialects
 * (psycopg2.ts, psycopg.ts, asyncpg.ts, pglite.ts) add the DBAPI module and its paramstyle.
 */

import type { Connection } from "../../engine/base.ts";
import { bindparam } from "../../sql/elements.ts";
import { String as SAString } from "../../sql/sqltypes.ts";
import { type TextClause, text } from "../../sql/text.ts";
import { PGCompiler, PGDDLCompiler, PGTypeCompiler } from "./compiler.ts";
import { PGDialectReflection } from "./reflection.ts";

export class PGDialect extends PGDialectReflection {
  override name = "postgresql";
  override supports_native_boolean = true;
  override insert_returning = true;
  override update_returning = true;
  override delete_returning = true;
  override use_insertmanyvalues = true;
  override supports_default_metavalue = true;
  override postfetch_lastrowid = false;
  override max_identifier_length = 63;
  override label_length: number | null = 63;
  standard_conforming_strings = true;
  implicit_returning = true;
  render_bind_casts = false;
  override statement_compiler = PGCompiler;
  override ddl_compiler = PGDDLCompiler;
  override type_compiler_cls = PGTypeCompiler;

  /** The table-existence check create_all() runs (logged and cached like any statement). */
  has_table(connection: Connection, table_name: string, schema: string | null = null): boolean {
    const stmt = schema === null ? hasTableQuery() : hasTableInSchemaQuery();
    const params: Record<string, unknown> = { table_name };
    if (schema !== null) params.nspname_1 = schema;
    return connection.execute(stmt, params).first() !== null;
  }

  override initialize(connection: Connection): void {
    const version = String(connection.exec_driver_sql("select pg_catalog.version()").scalar() ?? "");
    const m = /PostgreSQL (\d+)(?:\.(\d+))?(?:\.(\d+))?/.exec(version);
    this.server_version_info = m ? [Number(m[1]), Number(m[2] ?? 0), ...(m[3] ? [Number(m[3])] : [])] : null;
    this.default_schema_name = String(connection.exec_driver_sql("select current_schema()").scalar());
    this.standard_conforming_strings =
      connection.exec_driver_sql("show standard_conforming_strings").scalar() !== "off";
  }
}

const RELKINDS = ["r", "p", "f", "v", "m"];
let _hasTable: TextClause | null = null;
let _hasTableSchema: TextClause | null = null;

function relkindBinds() {
  return RELKINDS.map((v, i) => bindparam(`param_${i + 1}`, v, { type_: new SAString() }));
}

/** SQLAlchemy's `select(pg_class.c.relname).join(pg_namespace).where(...)` for has_table(), as it renders. */
function hasTableQuery(): TextClause {
  _hasTable ??= text(
    "SELECT pg_catalog.pg_class.relname \nFROM pg_catalog.pg_class JOIN pg_catalog.pg_namespace ON pg_catalog.pg_namespace.oid = pg_catalog.pg_class.relnamespace \nWHERE pg_catalog.pg_class.relname = :table_name AND pg_catalog.pg_class.relkind = ANY (ARRAY[:param_1, :param_2, :param_3, :param_4, :param_5]) AND pg_catalog.pg_table_is_visible(pg_catalog.pg_class.oid) AND pg_catalog.pg_namespace.nspname != :nspname_1",
  ).bindparams(
    bindparam("table_name", undefined, { type_: new SAString() }),
    ...relkindBinds(),
    bindparam("nspname_1", "pg_catalog", { type_: new SAString() }),
  );
  return _hasTable;
}

function hasTableInSchemaQuery(): TextClause {
  _hasTableSchema ??= text(
    "SELECT pg_catalog.pg_class.relname \nFROM pg_catalog.pg_class JOIN pg_catalog.pg_namespace ON pg_catalog.pg_namespace.oid = pg_catalog.pg_class.relnamespace \nWHERE pg_catalog.pg_class.relname = :table_name AND pg_catalog.pg_class.relkind = ANY (ARRAY[:param_1, :param_2, :param_3, :param_4, :param_5]) AND pg_catalog.pg_namespace.nspname = :nspname_1",
  ).bindparams(
    bindparam("table_name", undefined, { type_: new SAString() }),
    ...relkindBinds(),
    bindparam("nspname_1", undefined, { type_: new SAString() }),
  );
  return _hasTableSchema;
}
