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
import { asyncpg } from "./asyncpg.ts";
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
  override paramstyle: Paramstyle = "pyformat";
  override dbapi: DBAPIModule = psycopg;
}

export class PGDialect_asyncpg extends PGDialect {
  override driver = "asyncpg";
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
