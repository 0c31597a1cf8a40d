/**
 * `postgresql+psycopg://` (SQLAlchemy's dialects/postgresql/psycopg.py): the PostgreSQL dialect over
 * the psycopg (3) DBAPI module (dbapi/psycopg.ts), paramstyle `pyformat`, with `::TYPE` casts
 * rendered on the bound parameters.
 */

import { psycopg } from "../../dbapi/psycopg.ts";
import type { DBAPIModule, Paramstyle } from "../../engine/interfaces.ts";
import { PGDialect } from "./base.ts";

export class PGDialect_psycopg extends PGDialect {
  override driver = "psycopg";
  override render_bind_casts = true;
  override paramstyle: Paramstyle = "pyformat";
  override dbapi: DBAPIModule = psycopg;
}

export const dialect = PGDialect_psycopg;
