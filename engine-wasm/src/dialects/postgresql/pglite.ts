/**
 * `postgresql+pglite://`: the in-page database named directly (no Python counterpart); it speaks as
 * psycopg2 does.
 */
import { PGDialect_psycopg2 } from "./psycopg2.ts";

export class PGDialect_pglite extends PGDialect_psycopg2 {
  override driver = "pglite";
}

export const dialect = PGDialect_pglite;
