/** The comparison the ported documentation pages are checked with (doctest.ts). */
import { describe, expect, it } from "vitest";
import { doctestMatch, doctestSteps, ellipsisMatch, normalizeWhitespace, wantFor } from "./doctest.ts";

describe("doctest comparison", () => {
  it("matches as Python's doctest does with ELLIPSIS and NORMALIZE_WHITESPACE", () => {
    expect(ellipsisMatch("[...] ()", "[generated in 0.0001s] ()")).toBe(true);
    expect(ellipsisMatch("a...c", "abc")).toBe(true);
    expect(ellipsisMatch("a...c", "ab")).toBe(false);
    expect(ellipsisMatch("ab...bc", "abc")).toBe(false);
    expect(doctestMatch("x: 1  y: 1\n  x: 2", "x: 1 y: 1\nx: 2")).toBe(true);
    expect(doctestMatch("[(1, 2)]", "[(1, 3)]")).toBe(false);
    expect(normalizeWhitespace("\n a \t b\n")).toBe("a b");
  });

  it("drops the SQL the .rst shows for SQLite when it compares PostgreSQL's output", () => {
    const [step] = doctestSteps(
      "x.md",
      '```ts cell id="a" rst="p.rst:1"\nprint(1)\n```\n\n```text doctest\n{execsql}BEGIN (implicit)\nselect 1\n[...] ()\n{stop}[(1,)]\n{execsql}ROLLBACK{stop}\n```\n',
    );
    expect(wantFor(step!, "sqlite")).toEqual({
      text: "BEGIN (implicit)\nselect 1\n[...] ()\n[(1,)]\nROLLBACK",
      logged: true,
    });
    expect(wantFor(step!, "postgresql")).toEqual({ text: "[(1,)]\n", logged: false });
  });
});
