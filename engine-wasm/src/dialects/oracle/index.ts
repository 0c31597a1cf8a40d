/**
 * The `oracle` dialect package (SQLAlchemy's dialects/oracle/__init__.py): `oracle.dialect` is the
 * default driver's dialect (cx_oracle), for `stmt.compile({ dialect: new oracle.dialect() })`. It is
 * compile-only: no URL of the engine registry names it, as no Oracle Database runs in the page.
 */
import { OracleDialect_cx_oracle } from "./cx_oracle.ts";

export { OracleDialect } from "./base.ts";
export { OracleCompiler, OracleDDLCompiler, OracleTypeCompiler } from "./compiler.ts";
export { OracleDialect_cx_oracle };

export const dialect = OracleDialect_cx_oracle;

export const dialects = {
  cx_oracle: OracleDialect_cx_oracle,
} as const;
