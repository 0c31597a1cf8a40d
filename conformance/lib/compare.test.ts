import { describe, expect, it } from "vitest";
import { compareOutput, type Deviation, diffLines, linesMatch, unifiedDiff } from "./compare.ts";
import { parseDictRepr } from "./pyliteral.ts";

const LOG = "<TS> INFO sqlalchemy.engine.Engine ";
// from 19_core_insert_select.postgresql.json
const IMV_EXPECTED = `${LOG}[generated in Xs (insertmanyvalues) 1/1 (unordered)] {'fullname__0': 'Sandy Cheeks', 'name__0': 'sandy', 'fullname__1': 'Patrick Star', 'name__1': 'patrick'}`;

describe("parseDictRepr", () => {
  it("reads keys and value reprs, with commas and colons inside strings and nested values", () => {
    const m = parseDictRepr("{'a': 'x, y: z', 'b': None, 'c': (1, 2), 'd': {'e': [1, 2]}, 'f': \"it's\"}");
    expect(m && [...m]).toEqual([
      ["'a'", "'x, y: z'"],
      ["'b'", "None"],
      ["'c'", "(1, 2)"],
      ["'d'", "{'e': [1, 2]}"],
      ["'f'", '"it\'s"'],
    ]);
    expect(parseDictRepr("{}")?.size).toBe(0);
  });

  it("rejects what is not one dict", () => {
    expect(parseDictRepr("('a', 1)")).toBeNull();
    expect(parseDictRepr("{'a': 1} {'b': 2}")).toBeNull();
    expect(parseDictRepr("{'a': 'unterminated}")).toBeNull();
    expect(parseDictRepr("{'a': 1, 'a': 1}")).toBeNull();
  });
});

describe("linesMatch", () => {
  it("compares ordinary lines exactly, trailing spaces included", () => {
    expect(linesMatch("SELECT 1 ", "SELECT 1 ")).toBe(true);
    expect(linesMatch("SELECT 1 ", "SELECT 1")).toBe(false);
  });

  it("compares psycopg2 insertmanyvalues parameter dicts as mappings", () => {
    const reordered = `${LOG}[generated in Xs (insertmanyvalues) 1/1 (unordered)] {'name__0': 'sandy', 'fullname__0': 'Sandy Cheeks', 'name__1': 'patrick', 'fullname__1': 'Patrick Star'}`;
    expect(linesMatch(IMV_EXPECTED, reordered)).toBe(true);
  });

  it("still sees a different value, a missing key or a different bracket", () => {
    expect(linesMatch(IMV_EXPECTED, IMV_EXPECTED.replace("'sandy'", "'Sandy'"))).toBe(false);
    expect(linesMatch(IMV_EXPECTED, IMV_EXPECTED.replace(", 'name__1': 'patrick'", ""))).toBe(false);
    expect(linesMatch(IMV_EXPECTED, IMV_EXPECTED.replace("(unordered)", "(ordered)"))).toBe(false);
  });

  it("does not reorder dicts outside insertmanyvalues lines", () => {
    expect(
      linesMatch(`${LOG}[generated in Xs] {'x': 1, 'y': 1}`, `${LOG}[generated in Xs] {'y': 1, 'x': 1}`),
    ).toBe(false);
    expect(linesMatch("row._mapping: {'a': 1, 'b': 2}", "row._mapping: {'b': 2, 'a': 1}")).toBe(false);
  });
});

describe("diffLines / compareOutput", () => {
  const expected = ["## start", "BEGIN", "SELECT 1", "1", "ROLLBACK"];

  it("passes identical output", () => {
    const r = compareOutput(expected, [...expected]);
    expect(r.status).toBe("PASS");
    expect([r.matched, r.total]).toEqual([5, 5]);
  });

  it("fails on a changed, a missing and an extra line, counting matched lines", () => {
    const r = compareOutput(expected, ["## start", "BEGIN", "SELECT 2", "1", "ROLLBACK", "extra"]);
    expect(r.status).toBe("FAIL");
    expect([r.matched, r.total]).toEqual([4, 5]);
    expect(r.hunks.map((h) => [h.deleted, h.inserted])).toEqual([
      [["SELECT 1"], ["SELECT 2"]],
      [[], ["extra"]],
    ]);
    expect(compareOutput(expected, expected.slice(0, 3)).matched).toBe(3);
  });

  it("fails on empty output", () => {
    const r = compareOutput(expected, []);
    expect(r.status).toBe("FAIL");
    expect(r.matched).toBe(0);
  });

  it("aligns on the longest common subsequence", () => {
    const ops = diffLines(["a", "b", "c", "d"], ["a", "x", "c", "d"]);
    expect(ops.map((o) => o.kind)).toEqual(["equal", "delete", "insert", "equal", "equal"]);
  });
});

describe("accepted deviations", () => {
  const expected = [
    "## unreachable server",
    "!! sqlalchemy.exc.OperationalError: refused",
    "   .orig is x",
    "done",
  ];
  const actual = ["## unreachable server", "done"];
  const dev = (line?: number | string): Deviation => ({
    scenario: "s",
    backend: "sqlite",
    line,
    reason: "r",
  });

  it("accept a hunk whose missing lines are all listed (by number or by text)", () => {
    const r = compareOutput(expected, actual, [dev(2), dev("   .orig is x")]);
    expect(r.status).toBe("DEVIATION");
    expect(r.applied).toHaveLength(2);
  });

  it("do not accept a hunk with an unlisted line", () => {
    expect(compareOutput(expected, actual, [dev(2)]).status).toBe("FAIL");
  });

  it("do not accept extra output that replaces no listed line", () => {
    expect(compareOutput(["a"], ["a", "b"], [dev(1)]).status).toBe("FAIL");
  });

  it("a whole-run deviation accepts any difference, but a matching run still passes", () => {
    expect(compareOutput(expected, actual, [dev()]).status).toBe("DEVIATION");
    expect(compareOutput(expected, [...expected], [dev()]).status).toBe("PASS");
  });
});

describe("unifiedDiff", () => {
  it("renders hunks with context and line ranges", () => {
    const ops = diffLines(["a", "b", "c", "d", "e"], ["a", "b", "X", "d", "e"]);
    expect(unifiedDiff(ops, { context: 1, expectedLabel: "t", actualLabel: "r" })).toEqual([
      "--- t",
      "+++ r",
      "@@ -2,3 +2,3 @@",
      " b",
      "-c",
      "+X",
      " d",
    ]);
  });

  it("stops after maxChanged differing lines", () => {
    const exp = Array.from({ length: 50 }, (_, i) => `e${i}`);
    const act = Array.from({ length: 50 }, (_, i) => `a${i}`);
    const out = unifiedDiff(diffLines(exp, act), { maxChanged: 30 });
    expect(out.filter((l) => /^[-+][ea]\d/.test(l))).toHaveLength(30);
    expect(out[out.length - 1]).toBe("... 70 more differing lines (--verbose shows the full diff)");
  });
});
