/**
 * `sqlalchemy.sql`: the SQL expression language.
 */
export { BindParameter, bindparam, TextClause, text } from "./text.ts";
