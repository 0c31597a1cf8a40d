/**
 * The MySQL dialect (SQLAlchemy's dialects/mysql/base.py MySQLDialect): MySQL's SQL flavour, for
 * `stmt.compile({ dialect: new mysql.dialect() })`. There is no MySQL database in the page: the
 * dialect compiles statements and connects to nothing (mysqldb.ts names the default driver).
 */

import { DefaultDialect } from "../../engine/default.ts";
import { defineModule } from "../../util/repr.ts";
import { MySQLCompiler, MySQLDDLCompiler, MySQLTypeCompiler } from "./compiler.ts";
import { RESERVED_WORDS_MYSQL } from "./reserved_words.ts";

export class MySQLDialect extends DefaultDialect {
  override name = "mysql";
  override supports_native_boolean = false;
  override max_identifier_length = 64;
  override label_length: number | null = 64;
  override insert_returning = false;
  override update_returning = false;
  override delete_returning = false;
  override postfetch_lastrowid = true;
  override use_insertmanyvalues = true;
  override statement_compiler = MySQLCompiler;
  override ddl_compiler = MySQLDDLCompiler;
  override type_compiler_cls = MySQLTypeCompiler;
  readonly reserved_words: ReadonlySet<string> = RESERVED_WORDS_MYSQL;
}

defineModule("sqlalchemy.dialects.mysql.base", MySQLDialect);
