/**
 * The lesson cell syntax: what a lesson may write, and the build errors (file:line, what is wrong)
 * for what it may not.
 */
import { describe, expect, it } from "vitest";
import { codeHash, parseLessonCells } from "./cells.ts";

const fence = "```";
const lesson = (...lines: string[]) => lines.join("\n");

describe("parseLessonCells", () => {
  it("reads cells in page order with their attributes, ignoring other code blocks", () => {
    const { cells, comparisons } = parseLessonCells(
      "l.mdx",
      lesson(
        "# Title",
        `${fence}python`,
        "engine = create_engine(url)",
        fence,
        `${fence}ts cell id="connect"`,
        "const a = 1;",
        "",
        "print(a)",
        fence,
        `${fence}ts cell id="boom" expect="error"`,
        "throw new Error()",
        fence,
      ),
    );
    expect(comparisons).toEqual([]);
    expect(cells).toEqual([
      { id: "connect", kind: "typescript", code: "const a = 1;\n\nprint(a)", line: 5 },
      { id: "boom", kind: "typescript", code: "throw new Error()", line: 10, expect: "error" },
    ]);
  });

  it("pairs the two sides of a <Compare> and resolves its setup cells", () => {
    const { cells, comparisons } = parseLessonCells(
      "l.mdx",
      lesson(
        `${fence}ts cell id="setup"`,
        "const x = 1;",
        fence,
        '<Compare title="insert" setup="setup">',
        `${fence}ts cell id="orm-side" side="orm"`,
        "print(2)",
        fence,
        `${fence}ts cell id="core-side" side="core"`,
        "print(1)",
        fence,
        "</Compare>",
      ),
    );
    expect(comparisons).toEqual([
      { title: "insert", setup: ["setup"], core: "core-side", orm: "orm-side", line: 4 },
    ]);
    expect(cells.map((c) => [c.id, c.side, c.comparison])).toEqual([
      ["setup", undefined, undefined],
      ["orm-side", "orm", 0],
      ["core-side", "core", 0],
    ]);
  });

  const errors: [string, string, RegExp][] = [
    ["no id", lesson(`${fence}ts cell`, "x", fence), /^l\.mdx:1: a cell needs an id/],
    [
      "duplicate id",
      lesson(`${fence}ts cell id="a"`, "x", fence, `${fence}ts cell id="a"`, "y", fence),
      /^l\.mdx:4: duplicate cell id "a" \(first used on line 1\)/,
    ],
    ["bad id", lesson(`${fence}ts cell id="A b"`, "x", fence), /cell id "A b" must match/],
    [
      "unknown attribute",
      lesson(`${fence}ts cell id="a" titel="x"`, "x", fence),
      /unknown cell attribute "titel"/,
    ],
    ["bad expect", lesson(`${fence}ts cell id="a" expect="ok"`, "x", fence), /expect="ok"/],
    ["not TypeScript", lesson(`${fence}js cell id="a"`, "x", fence), /a cell must be TypeScript/],
    ["empty", lesson(`${fence}ts cell id="a"`, "  ", fence), /cell "a" is empty/],
    [
      "side outside Compare",
      lesson(`${fence}ts cell id="a" side="core"`, "x", fence),
      /not inside <Compare>/,
    ],
    [
      "broken setup reference",
      lesson('<Compare title="t" setup="missing">', "</Compare>"),
      /^l\.mdx:1: <Compare setup="missing">: no cell "missing" before this comparison/,
    ],
    [
      "a missing side",
      lesson('<Compare title="t">', `${fence}ts cell id="a" side="core"`, "x", fence, "</Compare>"),
      /^l\.mdx:1: <Compare> needs one side="core" and one side="orm" cell \(missing orm\)/,
    ],
    [
      "a cell without a side in a Compare",
      lesson('<Compare title="t">', `${fence}ts cell id="a"`, "x", fence, "</Compare>"),
      /needs side="core" or side="orm"/,
    ],
    ["Compare without title", lesson("<Compare>", "</Compare>"), /<Compare> needs a title/],
    ["unclosed Compare", lesson('<Compare title="t">'), /^l\.mdx:1: .*Compare/],
  ];
  for (const [what, source, message] of errors) {
    it(`fails on ${what}, naming the file and line`, () => {
      expect(() => parseLessonCells("l.mdx", source)).toThrow(message);
    });
  }
});

describe("codeHash", () => {
  it("is stable and changes with the code", () => {
    expect(codeHash("print(1)")).toBe(codeHash("print(1)"));
    expect(codeHash("print(1)")).not.toBe(codeHash("print(2)"));
    expect(codeHash("")).toMatch(/^[0-9a-f]{8}$/);
  });
});
