/**
 * What a statement does to the shared database session, read from its keywords (outside string
 * literals, quoted identifiers and comments, as scanner.ts finds them).
 *
 * - `read`: changes nothing a transaction protects: SELECT / VALUES / TABLE / SHOW / EXPLAIN (without
 *   ANALYZE) / PRAGMA x (no `=`) / WITH … SELECT, and session settings (SET, RESET, LISTEN …);
 * - `write`: DML (INSERT / UPDATE / DELETE / REPLACE / MERGE, also inside WITH or EXPLAIN ANALYZE),
 *   SELECT … FOR UPDATE / FOR SHARE (row locks), SAVEPOINT and RELEASE;
 * - `rollback_to`: ROLLBACK TO [SAVEPOINT] x (a write that also clears PostgreSQL's failed state);
 * - `ddl`: everything else (CREATE / DROP / ALTER / PRAGMA x = y / VACUUM …): changes the database;
 *   pysqlite runs it without opening a transaction, psycopg2 inside one;
 * - `begin` / `commit` / `rollback`: transaction control written by hand (BEGIN, START TRANSACTION,
 *   COMMIT, END, ROLLBACK, ABORT).
 */
import { isWordPart, isWordStart, type ScanRules, skipNonCode } from "./scanner.ts";

export type StatementKind = "read" | "write" | "rollback_to" | "ddl" | "begin" | "commit" | "rollback";

/**
 * Lower-cased words of the statement outside literals, quoted identifiers and comments (scanner.ts,
 * under the database's rules), and `=`.
 */
export function keywords(sql: string, rules: ScanRules): string[] {
  const words: string[] = [];
  const n = sql.length;
  let i = 0;
  while (i < n) {
    const skipped = skipNonCode(sql, i, rules);
    if (skipped !== i) {
      i = skipped;
      continue;
    }
    const c = sql.charCodeAt(i);
    if (isWordStart(c)) {
      let j = i + 1;
      while (j < n && isWordPart(sql.charCodeAt(j))) j++;
      // a parameter name (:name, @name, $name) or a qualified name part is not a keyword
      const prev = i > 0 ? sql.charCodeAt(i - 1) : 32;
      if (prev !== 58 /* : */ && prev !== 64 /* @ */ && prev !== 36 /* $ */ && prev !== 46 /* . */) {
        words.push(sql.slice(i, j).toLowerCase());
      }
      i = j;
    } else if (c === 61 /* = */) {
      words.push("=");
      i++;
    } else {
      i++;
    }
  }
  return words;
}

const DML = new Set(["insert", "update", "delete", "replace", "merge"]);

function hasDml(words: readonly string[], from: number): boolean {
  for (let i = from; i < words.length; i++) if (DML.has(words[i]!)) return true;
  return false;
}

function locks(words: readonly string[]): boolean {
  for (let i = 1; i < words.length; i++) {
    if (
      words[i - 1] === "for" &&
      (words[i] === "update" || words[i] === "share" || words[i] === "no" || words[i] === "key")
    ) {
      return true;
    }
  }
  return false;
}

function classifyWords(words: readonly string[]): StatementKind {
  const kw = words[0] ?? "";
  switch (kw) {
    case "select":
      if (words.includes("into")) return "ddl"; // PostgreSQL SELECT … INTO creates a table
      return locks(words) ? "write" : "read";
    case "values":
    case "table":
    case "show":
      return "read";
    case "with":
      return hasDml(words, 1) || locks(words) ? "write" : "read";
    case "explain":
      // EXPLAIN ANALYZE runs the statement
      return words.includes("analyze") || words.includes("analyse")
        ? hasDml(words, 1)
          ? "write"
          : "read"
        : "read";
    case "pragma":
      return words.includes("=") ? "ddl" : "read";
    case "insert":
    case "update":
    case "delete":
    case "replace":
    case "merge":
    case "savepoint":
    case "release":
    case "copy":
      return "write";
    case "begin":
    case "start":
      return "begin";
    case "commit":
    case "end":
      return "commit";
    case "rollback":
    case "abort":
      return words[1] === "to" ||
        (words[1] === "transaction" && words[2] === "to") ||
        (words[1] === "work" && words[2] === "to")
        ? "rollback_to"
        : "rollback";
    case "set":
    case "reset":
    case "discard":
    case "listen":
    case "unlisten":
    case "notify":
    case "prepare":
    case "deallocate":
      return "read";
    case "execute": // a prepared statement: whatever it is, assume it writes
      return "write";
    default:
      return "ddl";
  }
}

const CACHE_LIMIT = 512;
const caches = new WeakMap<ScanRules, Map<string, StatementKind>>();

/**
 * The statement's kind under the database's lexical rules (memoised: the engine sends the same SQL
 * strings again and again).
 */
let last: { sql: string; rules: ScanRules; kind: StatementKind } | null = null;

export function classify(sql: string, rules: ScanRules): StatementKind {
  // the same statement as the last one (a loop of executes): no lookup
  if (last !== null && last.sql === sql && last.rules === rules) return last.kind;
  let cache = caches.get(rules);
  if (cache === undefined) {
    cache = new Map();
    caches.set(rules, cache);
  }
  let kind = cache.get(sql);
  if (kind === undefined) {
    kind = classifyWords(keywords(sql, rules));
    if (cache.size >= CACHE_LIMIT) cache.delete(cache.keys().next().value as string);
    cache.set(sql, kind);
  }
  last = { sql, rules, kind };
  return kind;
}

/** Whether statements of this kind leave the database unchanged (they may run outside a transaction). */
export function isReadOnly(kind: StatementKind): boolean {
  return kind === "read";
}
