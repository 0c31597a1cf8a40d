/**
 * Lessons as doctests: every cell that has expected output (```` ```text expected ````) is run on
 * both databases as the page runs it (the earlier cells first, a fresh database for the page's
 * first cell) and what the kernel shows must equal what the lesson says SQLAlchemy prints. The
 * English and Russian versions of a page must hold the same cells and the same expected output.
 */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { mdxToMdast } from "satteri";
import { beforeAll, describe, expect, it } from "vitest";
import { linesMatch } from "../../conformance/lib/compare.ts";
import { loadModule } from "../worker/modules.ts";
import type { CellSource, DatabaseKind, KernelEvent } from "../worker/protocol.ts";
import { KernelRuntime } from "../worker/runtime.ts";
import { testKernel } from "../worker/test-kernel.ts";
import { loadTypeScript } from "../worker/transpile.ts";
import type { MdNode } from "./cells.ts";
import { parseLessonCells } from "./cells.ts";
import {
  type ExpectedOutput,
  ExpectedOutputError,
  expectedFor,
  expectedLines,
  expectedOutputs,
  normalizeExpectedLine,
  shownLines,
} from "./expected.ts";
import { lessonFiles, lessonsDir, repoRoot as root } from "./lesson-files.ts";

const tree = (source: string) => mdxToMdast(source, { position: true }) as unknown as MdNode;

const lessons = lessonFiles(lessonsDir)
  .map((file) => {
    const name = relative(root, file);
    const source = readFileSync(file, "utf8");
    return { name, file, ...parseLessonCells(name, source), expected: expectedOutputs(name, tree(source)) };
  })
  .filter((l) => l.cells.length > 0);

describe("expected-output fences", () => {
  const parse = (md: string) => expectedOutputs("x.mdx", tree(md));

  it("belong to the cell before them, past a twin, per database", () => {
    const found = parse(
      [
        '```ts cell id="a"',
        "print(1)",
        "```",
        "",
        "```python twin",
        "print(1)",
        "```",
        "",
        '```text expected db="sqlite"',
        "1",
        "```",
        "",
        '```text expected db="postgresql" log="omit"',
        "1",
        "```",
      ].join("\n"),
    );
    expect(found.map((e) => [e.cellId, e.database, e.omitLog, e.lines])).toEqual([
      ["a", "sqlite", false, ["1"]],
      ["a", "postgresql", true, ["1"]],
    ]);
    expect(expectedFor(found, "a", "postgresql")?.line).toBe(13);
  });

  it("are rejected with the file and line when they follow no cell, repeat, or say something unknown", () => {
    expect(() => parse("```text expected\n1\n```")).toThrow(ExpectedOutputError);
    expect(() => parse("```text expected\n1\n```")).toThrow(/x\.mdx:1: expected output must follow a cell/);
    const twice =
      '```ts cell id="a"\nprint(1)\n```\n\n```text expected\n1\n```\n\n```text expected db="sqlite"\n1\n```';
    expect(() => parse(twice)).toThrow(/x\.mdx:9: cell "a" already has expected output/);
    expect(() => parse('```ts cell id="a"\nprint(1)\n```\n\n```text expected db="mysql"\n```')).toThrow(
      /db="mysql"/,
    );
  });

  it("normalise the log as SQLAlchemy's documentation shows it", () => {
    expect(normalizeExpectedLine("2026-12-01 20:00:00,123 INFO sqlalchemy.engine.Engine SELECT 1")).toBe(
      "SELECT 1",
    );
    expect(
      normalizeExpectedLine(
        "2026-12-01 20:00:00,123 INFO sqlalchemy.engine.Engine [generated in 0.00021s] ()",
      ),
    ).toBe("[generated in ...] ()");
    expect(normalizeExpectedLine("[cached since 0.001234s ago] ('x',)")).toBe(
      "[cached since ... ago] ('x',)",
    );
    expect(normalizeExpectedLine("[cached since ...s ago] ('x',)")).toBe("[cached since ... ago] ('x',)");
    expect(normalizeExpectedLine("[generated in 0.0123s (insertmanyvalues) 1/1 (unordered)] ('a',)")).toBe(
      "[generated in ... (insertmanyvalues) 1/1 (unordered)] ('a',)",
    );
    expect(normalizeExpectedLine("[no key 1e-5s] ()")).toBe("[no key ...] ()");
    // A number elsewhere in the line is not a timing.
    expect(normalizeExpectedLine("[insertmanyvalues 2/3 (ordered; batch not supported)] (1.5,)")).toBe(
      "[insertmanyvalues 2/3 (ordered; batch not supported)] (1.5,)",
    );
    expect(normalizeExpectedLine("[generated in ...] ()")).toBe("[generated in ...] ()");
    expect(normalizeExpectedLine("<Result object at 0x7f3a2b1c9d60>")).toBe("<Result object at 0x...>");
    // Other loggers keep their level and name: only the engine's INFO lines are written bare.
    expect(
      normalizeExpectedLine("2026-12-01 20:00:00,123 DEBUG sqlalchemy.pool.impl.QueuePool Connection x"),
    ).toBe("DEBUG sqlalchemy.pool.impl.QueuePool Connection x");
  });
});

const withExpected = lessons.filter((l) => l.expected.length > 0);

describe.runIf(withExpected.length > 0).each<DatabaseKind>(["sqlite", "postgresql"])(
  "lessons print what SQLAlchemy prints, on %s",
  (database) => {
    const k = testKernel();
    beforeAll(async () => {
      await k.runtime.handle({ type: "start", database });
    }, 60_000);

    for (const lesson of withExpected) {
      it(`${lesson.name}`, async () => {
        const linear = lesson.cells.filter((c) => !c.side);
        const failures: string[] = [];
        const check = (cell: (typeof lesson.cells)[number], events: KernelEvent[]) => {
          const expected: ExpectedOutput | undefined = expectedFor(lesson.expected, cell.id, database);
          if (!expected) return;
          const shown = shownLines(events, cell.id, { omitLog: expected.omitLog });
          const want = expectedLines(expected);
          // Lines equal, but for the order of an insertmanyvalues parameter dict's keys (Python set
          // order, which differs from run to run in SQLAlchemy itself), as the conformance runner compares.
          const same = shown.length === want.length && shown.every((line, i) => linesMatch(want[i]!, line));
          if (!same) {
            failures.push(
              `${lesson.name}:${expected.line} cell "${cell.id}" on ${database}\n--- expected (what SQLAlchemy prints)\n${want.join("\n")}\n--- the port printed\n${shown.join("\n")}`,
            );
          }
        };
        // The page's cells top to bottom on a fresh database (Run all); a cell that shows an error is
        // not run before later cells, as on the page.
        for (const cell of linear) {
          const sources = linear
            .slice(0, linear.indexOf(cell) + 1)
            .filter((c) => c === cell || c.expect !== "error")
            .map((c) => ({ id: c.id, code: c.code }));
          check(cell, await k.run(sources, cell.id, { fresh: cell === linear[0] }));
        }
        // Each side of a comparison on a fresh database after its setup cells, as "Run both" does.
        for (const cmp of lesson.comparisons) {
          for (const sideId of [cmp.core, cmp.orm]) {
            const side = lesson.cells.find((c) => c.id === sideId)!;
            const sources = [...cmp.setup.map((id) => lesson.cells.find((c) => c.id === id)!), side].map(
              (c) => ({
                id: c.id,
                code: c.code,
              }),
            );
            check(side, await k.run(sources, side.id, { fresh: true }));
          }
        }
        expect(failures, failures.join("\n\n")).toEqual([]);
      }, 180_000);
    }
  },
);

const translated = lessons.filter(
  (l) =>
    !l.name.startsWith("lessons/ru/") && existsSync(join(lessonsDir, "ru", relative(lessonsDir, l.file))),
);

describe.runIf(translated.length > 0)(
  "the Russian pages hold the English pages' cells and expected output",
  () => {
    for (const en of translated) {
      const ruFile = join(lessonsDir, "ru", relative(lessonsDir, en.file));
      it(`${relative(root, ruFile)} matches ${en.name}`, () => {
        const ruName = relative(root, ruFile);
        const source = readFileSync(ruFile, "utf8");
        const ru = parseLessonCells(ruName, source);
        const ruExpected = expectedOutputs(ruName, tree(source));
        const cells = (l: {
          cells: readonly { id: string; code: string; expect?: string; side?: string }[];
        }) => l.cells.map((c) => ({ id: c.id, code: c.code, expect: c.expect, side: c.side }));
        expect(cells(ru)).toEqual(cells(en));
        const outputs = (list: readonly ExpectedOutput[]) =>
          list.map((e) => ({ cell: e.cellId, db: e.database, omitLog: e.omitLog, lines: e.lines }));
        expect(outputs(ruExpected)).toEqual(outputs(en.expected));
      });
    }
  },
);
