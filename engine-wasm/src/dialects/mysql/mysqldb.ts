/**
 * `mysql+mysqldb://` (SQLAlchemy's dialects/mysql/mysqldb.py): the default driver of `mysql://`,
 * whose paramstyle `format` renders each bind as `%s`. No MySQLdb module exists in the page: the
 * dialect only compiles.
 */

import type { Paramstyle } from "../../engine/interfaces.ts";
import { defineModule } from "../../util/repr.ts";
import { MySQLDialect } from "./base.ts";

export class MySQLDialect_mysqldb extends MySQLDialect {
  override driver = "mysqldb";
  override paramstyle: Paramstyle = "format";
  static readonly default_driver = "mysqldb";
}

export const dialect = MySQLDialect_mysqldb;

defineModule("sqlalchemy.dialects.mysql.mysqldb", MySQLDialect_mysqldb);
