/**
 * The one scanner of SQL text, for the places that must tell code from what only looks like it:
 * string literals, quoted identifiers, comments and PostgreSQL's dollar quotes. A statement's kind
 * (classify.ts) is read from its keywords outside them; pysqlite's view of a statement
 * (dbapi/sqljs/statement.ts: its parameters, where it ends) likewise.
 *
 * The rules follow each database's lexer:
 * - both: `'…'` with `''` for a quote, `"…"` with `""`, `-- …` to the end of the line, `/* … *\/`;
 * - PostgreSQL: `$tag$ … $tag$` (the tag an identifier without `$`, or empty), `E'…'` where a
 *   backslash escapes the next character, block comments that nest;
 * - SQLite: `` `…` `` and `[…]` quote identifiers too; `$name` is a parameter, not a quote; block
 *   comments do not nest.
 * Something left open (a quote, a comment) runs to the end of the text, as the database then
 * reports it (or, for a comment, takes it).
 */

export interface ScanRules {
  /** `$tag$ … $tag$` (PostgreSQL). */
  readonly dollarQuotes: boolean;
  /** `E'…'` with backslash escapes (PostgreSQL). */
  readonly escapeStrings: boolean;
  /** `/* /* … *\/ *\/` nests (PostgreSQL). */
  readonly nestedComments: boolean;
  /** `` `…` `` and `[…]` are quoted identifiers (SQLite, after MySQL and SQL Server). */
  readonly bracketIdentifiers: boolean;
}

export const POSTGRESQL: ScanRules = {
  dollarQuotes: true,
  escapeStrings: true,
  nestedComments: true,
  bracketIdentifiers: false,
};

export const SQLITE: ScanRules = {
  dollarQuotes: false,
  escapeStrings: false,
  nestedComments: false,
  bracketIdentifiers: true,
};

/** A-Z, a-z, _ and anything beyond ASCII (both databases allow it in identifiers). */
export function isWordStart(c: number): boolean {
  return (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95 || c >= 0x80;
}

export function isWordPart(c: number): boolean {
  return isWordStart(c) || (c >= 48 && c <= 57);
}

/**
 * Where the literal, quoted identifier or comment that starts at `i` ends (the index just after
 * it), or `i` itself when none starts there.
 */
export function skipNonCode(sql: string, i: number, rules: ScanRules): number {
  const c = sql.charCodeAt(i);
  switch (c) {
    case 39: // '
    case 34: // "
      return closeQuote(sql, i + 1, c);
    case 96: // `
      return rules.bracketIdentifiers ? closeQuote(sql, i + 1, c) : i;
    case 91: {
      // [
      if (!rules.bracketIdentifiers) return i;
      const end = sql.indexOf("]", i + 1);
      return end < 0 ? sql.length : end + 1;
    }
    case 45: {
      // -
      if (sql.charCodeAt(i + 1) !== 45) return i;
      const end = sql.indexOf("\n", i + 2);
      return end < 0 ? sql.length : end + 1;
    }
    case 47: // /
      if (sql.charCodeAt(i + 1) !== 42 /* * */) return i;
      return rules.nestedComments ? closeNestedComment(sql, i + 2) : closeComment(sql, i + 2);
    case 36: {
      // $
      if (!rules.dollarQuotes || (i > 0 && isWordPart(sql.charCodeAt(i - 1)))) return i;
      const tagEnd = dollarTagEnd(sql, i);
      if (tagEnd < 0) return i;
      const tag = sql.slice(i, tagEnd);
      const end = sql.indexOf(tag, tagEnd);
      return end < 0 ? sql.length : end + tag.length;
    }
    case 69: // E
    case 101: // e
      if (
        !rules.escapeStrings ||
        sql.charCodeAt(i + 1) !== 39 ||
        (i > 0 && isWordPart(sql.charCodeAt(i - 1)))
      ) {
        return i;
      }
      return closeEscapeString(sql, i + 2);
    default:
      return i;
  }
}

/** The text with every literal, quoted identifier and comment replaced by one space. */
export function codeOnly(sql: string, rules: ScanRules): string {
  let out = "";
  let from = 0;
  const n = sql.length;
  for (let i = 0; i < n; ) {
    const j = skipNonCode(sql, i, rules);
    if (j === i) {
      i++;
      continue;
    }
    out += `${sql.slice(from, i)} `;
    i = from = j;
  }
  return out + sql.slice(from);
}

/** Past the quote that closes one opened before `i` (a doubled quote stands for itself). */
function closeQuote(sql: string, i: number, quote: number): number {
  const n = sql.length;
  while (i < n) {
    if (sql.charCodeAt(i) === quote) {
      if (sql.charCodeAt(i + 1) !== quote) return i + 1;
      i += 2;
    } else i++;
  }
  return n;
}

function closeEscapeString(sql: string, i: number): number {
  const n = sql.length;
  while (i < n) {
    const c = sql.charCodeAt(i);
    if (c === 92 /* \ */) i += 2;
    else if (c === 39) {
      if (sql.charCodeAt(i + 1) !== 39) return i + 1;
      i += 2;
    } else i++;
  }
  return n;
}

function closeComment(sql: string, i: number): number {
  const end = sql.indexOf("*/", i);
  return end < 0 ? sql.length : end + 2;
}

function closeNestedComment(sql: string, i: number): number {
  const n = sql.length;
  let depth = 1;
  while (i < n) {
    const c = sql.charCodeAt(i);
    if (c === 42 /* * */ && sql.charCodeAt(i + 1) === 47) {
      i += 2;
      if (--depth === 0) return i;
    } else if (c === 47 && sql.charCodeAt(i + 1) === 42) {
      i += 2;
      depth++;
    } else i++;
  }
  return n;
}

/** The end of a dollar-quote tag (`$$`, `$body$`) starting at `i`, or -1 when `$` starts none (`$1`). */
function dollarTagEnd(sql: string, i: number): number {
  let j = i + 1;
  const first = sql.charCodeAt(j);
  if (first === 36) return j + 1;
  if (!isWordStart(first)) return -1;
  j++;
  while (j < sql.length && isWordPart(sql.charCodeAt(j))) j++;
  return sql.charCodeAt(j) === 36 ? j + 1 : -1;
}
