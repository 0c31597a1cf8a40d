/**
 * The PostgreSQL dialect (SQLAlchemy's dialects/postgresql/base.py) and its drivers' dialect classes
 * (psycopg2.py, psycopg.py, asyncpg.py): what SQL flavour to speak, which driver module emulation to
 * use over PGlite, what to ask the server on first connect.
 */
import type { Connection } from "../../engine/base.ts";
import { registry } from "../../engine/create.ts";
import { DefaultDialect, type PoolClass } from "../../engine/default.ts";
import type { DBAPIModule, Paramstyle } from "../../engine/interfaces.ts";
import type { URL } from "../../engine/url.ts";
import { AsyncAdaptedQueuePool } from "../../pool/impl.ts";
import { bindparam } from "../../sql/elements.ts";
import { String as SAString } from "../../sql/sqltypes.ts";
import { type TextClause, text } from "../../sql/text.ts";
import { asyncpg } from "./asyncpg.ts";
import { PGCompiler, PGDDLCompiler, PGTypeCompiler } from "./compiler.ts";
import { psycopg } from "./psycopg.ts";
import { psycopg2 } from "./psycopg2.ts";

export class PGDialect extends DefaultDialect {
  override name = "postgresql";
  override supports_native_boolean = true;
  override insert_returning = true;
  override update_returning = true;
  override delete_returning = true;
  override use_insertmanyvalues = true;
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

export class PGDialect_psycopg2 extends PGDialect {
  override driver = "psycopg2";
  override paramstyle: Paramstyle = "pyformat";
  override dbapi: DBAPIModule = psycopg2;
  static readonly default_driver = "psycopg2";
  /** psycopg2's executemany of an INSERT goes through insertmanyvalues batches (a multi-row VALUES). */
  override use_insertmanyvalues_wo_returning = true;
}

export class PGDialect_psycopg extends PGDialect {
  override driver = "psycopg";
  override render_bind_casts = true;
  override paramstyle: Paramstyle = "pyformat";
  override dbapi: DBAPIModule = psycopg;
}

export class PGDialect_asyncpg extends PGDialect {
  override driver = "asyncpg";
  override render_bind_casts = true;
  override paramstyle: Paramstyle = "numeric_dollar";
  override dbapi: DBAPIModule = asyncpg;
  override is_async = true;
  override get_pool_class(_url: URL): PoolClass {
    return AsyncAdaptedQueuePool as unknown as PoolClass;
  }
}

/** `postgresql+pglite://`: the in-page database named directly; it speaks as psycopg2 does. */
export class PGDialect_pglite extends PGDialect_psycopg2 {
  override driver = "pglite";
}

registry.register("postgresql", () => PGDialect_psycopg2);
registry.register("postgresql.psycopg2", () => PGDialect_psycopg2);
registry.register("postgresql.psycopg", () => PGDialect_psycopg);
registry.register("postgresql.asyncpg", () => PGDialect_asyncpg);
registry.register("postgresql.pglite", () => PGDialect_pglite);

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
