/**
 * connectors/scanner.ts: where literals, quoted identifiers, comments and dollar quotes begin and
 * end under PostgreSQL's and SQLite's lexical rules (PostgreSQL docs §4.1, SQLite's tokenizer), and
 * its two users: a statement's kind (classify.ts) and pysqlite's view of it (dbapi/sqljs/statement.ts).
 */
import { describe, expect, it } from "vitest";
import { classify, keywords } from "../src/connectors/classify.ts";
import { codeOnly, POSTGRESQL, SQLITE, skipNonCode } from "../src/connectors/scanner.ts";
import { statementInfo } from "../src/dbapi/sqljs/statement.ts";

describe("the SQL scanner", () => {
  it("skips a quoted literal or identifier, a doubled quote standing for itself", () => {
    for (const rules of [POSTGRESQL, SQLITE]) {
      expect(codeOnly("SELECT 'it''s' AS x", rules)).toBe("SELECT   AS x");
      expect(codeOnly('SELECT "a ""b""" FROM t', rules)).toBe("SELECT   FROM t");
      expect(codeOnly("SELECT '' , 'a'", rules)).toBe("SELECT   ,  ");
    }
  });

  it("runs an unterminated literal or comment to the end of the text", () => {
    for (const rules of [POSTGRESQL, SQLITE]) {
      expect(skipNonCode("x 'open", 2, rules)).toBe(7);
      expect(skipNonCode("x /* open", 2, rules)).toBe(9);
      expect(skipNonCode("x -- to the end", 2, rules)).toBe(15);
    }
    expect(skipNonCode("x $q$ open", 2, POSTGRESQL)).toBe(10);
  });

  it("ends a line comment after its newline and a block comment after */", () => {
    for (const rules of [POSTGRESQL, SQLITE]) {
      expect(codeOnly("SELECT 1 -- 'not a quote\nFROM t", rules)).toBe("SELECT 1  FROM t");
      expect(codeOnly("SELECT /* ' */ 1", rules)).toBe("SELECT   1");
      // a single '-' or '/' starts nothing
      expect(codeOnly("SELECT 4 - 2 / 1", rules)).toBe("SELECT 4 - 2 / 1");
    }
  });

  it("nests block comments on PostgreSQL, not on SQLite", () => {
    const sql = "/* a /* b */ c */ SELECT 1";
    expect(codeOnly(sql, POSTGRESQL)).toBe("  SELECT 1");
    expect(codeOnly(sql, SQLITE)).toBe("  c */ SELECT 1");
  });

  it("reads PostgreSQL dollar quotes: $$, $tag$ with digits after the first character, not $1", () => {
    expect(codeOnly("SELECT $$it's$$, 1", POSTGRESQL)).toBe("SELECT  , 1");
    expect(codeOnly("SELECT $fn1$ a $x$ b $fn1$ c", POSTGRESQL)).toBe("SELECT   c");
    expect(codeOnly("SELECT $1, $2", POSTGRESQL)).toBe("SELECT $1, $2");
    // a `$` inside an identifier (PostgreSQL allows it there) starts no quote
    expect(codeOnly("SELECT a$b$ FROM t", POSTGRESQL)).toBe("SELECT a$b$ FROM t");
    // SQLite has no dollar quotes: `$name` is a parameter
    expect(codeOnly("SELECT $a$ FROM t", SQLITE)).toBe("SELECT $a$ FROM t");
  });

  it("reads PostgreSQL's E'…' strings with backslash escapes; a plain '…' has none", () => {
    expect(codeOnly(String.raw`SELECT E'it\'s', 1`, POSTGRESQL)).toBe("SELECT  , 1");
    expect(codeOnly(String.raw`SELECT e'a\\', 1`, POSTGRESQL)).toBe("SELECT  , 1");
    expect(codeOnly(String.raw`SELECT 'a\', 1`, POSTGRESQL)).toBe("SELECT  , 1");
    // the E of a word is no prefix
    expect(codeOnly("SELECT 1 AS typE'x'", POSTGRESQL)).toBe("SELECT 1 AS typE ");
    expect(codeOnly(String.raw`SELECT E'a\'`, SQLITE)).toBe("SELECT E ");
  });

  it("reads SQLite's `…` and […] identifiers; on PostgreSQL [ is a subscript", () => {
    expect(codeOnly("SELECT [a 'b] , `c ``d` FROM t", SQLITE)).toBe("SELECT   ,   FROM t");
    expect(codeOnly("SELECT a[1], 'x]' FROM t", POSTGRESQL)).toBe("SELECT a[1],   FROM t");
  });
});

describe("its users", () => {
  it("classify() reads the keywords outside what the scanner skips", () => {
    expect(keywords("SELECT $b$ insert $b$, E'\\' update' FROM t", POSTGRESQL)).toEqual([
      "select",
      "from",
      "t",
    ]);
    expect(classify("/* /* */ INSERT */ SELECT 1", POSTGRESQL)).toBe("read");
    expect(classify("/* /* */ INSERT INTO t VALUES (1)", SQLITE)).toBe("write");
    expect(classify("SELECT [delete] FROM t", SQLITE)).toBe("read");
  });

  it("pysqlite's view: parameters, the first word, one statement or more", () => {
    const info = statementInfo("/* c */ INSERT INTO t VALUES (?, :a, '?', \"?:x\", ?5) -- ?");
    expect(info.parameter_count).toBe(5);
    expect(info.parameter_names).toEqual([null, ":a", null, null, null]);
    expect(info.is_dml).toBe(true);
    expect(info.keeps_schema).toBe(true);
    expect(statementInfo("'x'; INSERT INTO t VALUES (1)").is_dml).toBe(false);
    expect(statementInfo("SELECT 1; -- done\n /* ; */ ;").multiple).toBe(false);
    expect(statementInfo("SELECT 1; 'x'").multiple).toBe(true);
    expect(statementInfo("SELECT ';'").multiple).toBe(false);
    expect(statementInfo("CREATE TABLE t (x)").keeps_schema).toBe(false);
    expect(statementInfo("SELECT 'insert'").inserts).toBe(false);
    expect(statementInfo("WITH x AS (SELECT 1) INSERT INTO t SELECT * FROM x").inserts).toBe(true);
  });
});
