/**
 * `oracle+cx_oracle://` (SQLAlchemy's dialects/oracle/cx_oracle.py): the default driver of
 * `oracle://` in SQLAlchemy 2.0, paramstyle `named` (`:name`). No cx_Oracle module exists in the
 * page: the dialect only compiles.
 */

import type { Paramstyle } from "../../engine/interfaces.ts";
import { defineModule } from "../../util/repr.ts";
import { OracleDialect } from "./base.ts";

export class OracleDialect_cx_oracle extends OracleDialect {
  override driver = "cx_oracle";
  override paramstyle: Paramstyle = "named";
  static readonly default_driver = "cx_oracle";
}

export const dialect = OracleDialect_cx_oracle;

defineModule("sqlalchemy.dialects.oracle.cx_oracle", OracleDialect_cx_oracle);
