/**
 * What a statement does to the shared database session, read from its leading keyword.
 *
 * - `read`: SELECT / VALUES / SHOW / EXPLAIN / PRAGMA x (no `=`) / WITH … SELECT;
 * - `write`: DML (INSERT / UPDATE / DELETE / REPLACE / MERGE, WITH … INSERT …), SAVEPOINTs;
 * - `ddl`: CREATE / DROP / ALTER / TRUNCATE / PRAGMA x = y / VACUUM … — changes the database; pysqlite
 *   runs it without opening a transaction, psycopg2 inside one;
 * - `control`: BEGIN / COMMIT / ROLLBACK / END / RELEASE written by hand.
 */
export type StatementKind = "read" | "write" | "ddl" | "control";

const LEADING = /^\s*(?:(?:--[^\n]*\n)|(?:\/\*[\s\S]*?\*\/)|\s|\()*([A-Za-z]+)/;
const DML = /\b(insert|update|delete|merge|replace)\b/i;

export function classify(sql: string): StatementKind {
  const m = LEADING.exec(sql);
  const kw = (m?.[1] ?? "").toLowerCase();
  switch (kw) {
    case "select":
    case "values":
    case "show":
    case "explain":
    case "table":
      return "read";
    case "with":
      return DML.test(sql) ? "write" : "read";
    case "pragma":
      return sql.includes("=") ? "ddl" : "read";
    case "insert":
    case "update":
    case "delete":
    case "replace":
    case "merge":
    case "savepoint":
    case "copy":
      return "write";
    case "begin":
    case "commit":
    case "rollback":
    case "end":
    case "release":
    case "start":
    case "abort":
      return "control";
    case "set":
    case "reset":
    case "discard":
    case "listen":
    case "notify":
    case "prepare":
    case "deallocate":
      return "read";
    default:
      return "ddl";
  }
}
