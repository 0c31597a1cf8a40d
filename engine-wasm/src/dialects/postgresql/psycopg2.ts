/**
 * `postgresql+psycopg2://` (SQLAlchemy's dialects/postgresql/psycopg2.py): the PostgreSQL dialect
 * over the psycopg2 DBAPI module (dbapi/psycopg2.ts), paramstyle `pyformat`; the default driver of
 * `postgresql://`.
 */

import { psycopg2 } from "../../dbapi/psycopg2.ts";
import type { DBAPIModule, Paramstyle } from "../../engine/interfaces.ts";
import { PGDialect } from "./base.ts";

export class PGDialect_psycopg2 extends PGDialect {
  override driver = "psycopg2";
  override paramstyle: Paramstyle = "pyformat";
  override dbapi: DBAPIModule = psycopg2;
  static readonly default_driver = "psycopg2";
  /** psycopg2's executemany of an INSERT goes through insertmanyvalues batches (a multi-row VALUES). */
  override use_insertmanyvalues_wo_returning = true;
}

export const dialect = PGDialect_psycopg2;
