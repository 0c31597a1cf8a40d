/**
 * The Oracle Database dialect (SQLAlchemy's dialects/oracle/base.py OracleDialect): Oracle's SQL
 * flavour, for `stmt.compile({ dialect: new oracle.dialect() })`. There is no Oracle Database in the
 * page: the dialect compiles statements and connects to nothing (cx_oracle.ts names the default
 * driver).
 */

import { DefaultDialect } from "../../engine/default.ts";
import { defineModule } from "../../util/repr.ts";
import { OracleCompiler, OracleDDLCompiler, OracleTypeCompiler, RESERVED_WORDS } from "./compiler.ts";

export class OracleDialect extends DefaultDialect {
  override name = "oracle";
  override supports_native_boolean = false;
  override max_identifier_length = 128;
  override insert_returning = true;
  override update_returning = true;
  override delete_returning = true;
  override postfetch_lastrowid = false;
  override requires_name_normalize = true;
  /** A single-row INSERT fetches the new primary key with RETURNING … INTO. */
  implicit_returning = true;
  override supports_default_values = false;
  override supports_empty_insert = false;
  override statement_compiler = OracleCompiler;
  override ddl_compiler = OracleDDLCompiler;
  override type_compiler_cls = OracleTypeCompiler;
  readonly reserved_words: ReadonlySet<string> = RESERVED_WORDS;
}

defineModule("sqlalchemy.dialects.oracle.base", OracleDialect);
