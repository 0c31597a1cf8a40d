/**
 * `sqlite+sqljs://`: the in-page database named directly (no Python counterpart); it behaves as
 * pysqlite does.
 */
import { SQLiteDialect_pysqlite } from "./pysqlite.ts";

export class SQLiteDialect_sqljs extends SQLiteDialect_pysqlite {
  override driver = "sqljs";
}

export const dialect = SQLiteDialect_sqljs;
