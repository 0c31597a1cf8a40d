/**
 * The `mysql` dialect package (SQLAlchemy's dialects/mysql/__init__.py): `mysql.dialect` is the
 * default driver's dialect (mysqldb), for `stmt.compile({ dialect: new mysql.dialect() })`. It is
 * compile-only: no URL of the engine registry names it, as no MySQL database runs in the page.
 */
import { MySQLDialect_mysqldb } from "./mysqldb.ts";

export { MySQLDialect } from "./base.ts";
export { MySQLCompiler, MySQLDDLCompiler, MySQLTypeCompiler } from "./compiler.ts";
export { MySQLDialect_mysqldb };

export const dialect = MySQLDialect_mysqldb;

export const dialects = {
  mysqldb: MySQLDialect_mysqldb,
} as const;
