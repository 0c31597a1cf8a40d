/**
 * Every lesson's cells, run in Node by the kernel's runtime on both databases, as the page runs them:
 * the notebook's cells in order (Run all), then each side of each comparison on a fresh database
 * after its setup cells. A cell fails the test when it raises, unless the lesson marks it
 * `expect="error"` (then it must raise). The browser specs (e2e/) check the same pages in Chromium.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadModule } from "../worker/modules.ts";
import type { CellSource, DatabaseKind, KernelEvent } from "../worker/protocol.ts";
import { KernelRuntime } from "../worker/runtime.ts";
import { testKernel } from "../worker/test-kernel.ts";
import { loadTypeScript } from "../worker/transpile.ts";
import { parseLessonCells } from "./cells.ts";
import { lessonFiles, lessonsDir, repoRoot as root } from "./lesson-files.ts";

const lessons = lessonFiles(lessonsDir)
  .map((file) => {
    const name = relative(root, file);
    return { name, ...parseLessonCells(name, readFileSync(file, "utf8")) };
  })
  .filter((l) => l.cells.length > 0);

/** What the learner reads under one cell. */
function outputOf(events: KernelEvent[], cellId: string): string {
  return events
    .filter((e) => "cellId" in e && e.cellId === cellId)
    .map((e) =>
      e.type === "print" || e.type === "log"
        ? e.text
        : e.type === "error"
          ? `!! ${e.name}: ${e.message} at ${e.line}:${e.column}\n`
          : "",
    )
    .join("");
}

it("finds the lessons", () => {
  expect(lessons.length).toBeGreaterThanOrEqual(3);
});

describe.each<DatabaseKind>(["sqlite", "postgresql"])("lessons on %s", (database) => {
  const k = testKernel();
  beforeAll(async () => {
    await k.runtime.handle({ type: "start", database });
  }, 60_000);
  afterAll(() => {});

  for (const lesson of lessons) {
    it(`${lesson.name}: every cell runs`, async () => {
      const linear = lesson.cells.filter((c) => !c.side);
      for (const cell of linear) {
        // A cell that shows an error is not run before later cells (as on the page).
        const sources = linear
          .filter((c) => c === cell || c.expect !== "error")
          .map((c) => ({ id: c.id, code: c.code }));
        const events = await k.run(sources, cell.id, { fresh: cell === linear[0] });
        const errors = events.filter((e) => e.type === "error" && e.cellId === cell.id);
        const others = events.filter((e) => e.type === "error" && e.cellId !== cell.id);
        const where = `${lesson.name} cell ${cell.id} on ${database}:\n${outputOf(events, cell.id)}`;
        expect(others, where).toEqual([]);
        if (cell.expect === "error") expect(errors.length, where).toBe(1);
        else expect(errors, where).toEqual([]);
        if (/echo:\s*true/.test(cell.code))
          expect(outputOf(events, cell.id), where).toContain("INFO sqlalchemy");
      }
    }, 60_000);

    for (const cmp of lesson.comparisons) {
      it(`${lesson.name}: "${cmp.title}" runs both sides on the same fresh data`, async () => {
        const setup = cmp.setup.map((id) => lesson.cells.find((c) => c.id === id)!);
        const counts: number[][] = [];
        for (const sideId of [cmp.core, cmp.orm, cmp.core]) {
          const side = lesson.cells.find((c) => c.id === sideId)!;
          const cells = [...setup, side].map((c) => ({ id: c.id, code: c.code }));
          const events = await k.run(cells, side.id, { fresh: true });
          const where = `${lesson.name} ${side.id} on ${database}:\n${outputOf(events, side.id)}`;
          expect(
            events.filter((e) => e.type === "error"),
            where,
          ).toEqual([]);
          const done = events.find((e) => e.type === "cell-done" && e.cellId === side.id);
          if (done?.type !== "cell-done") throw new Error(`no cell-done for ${where}`);
          expect(done.statements, where).toBeGreaterThan(0);
          counts.push([done.statements, done.transactions]);
        }
        // The same side twice on fresh data: the same counts.
        expect(counts[2]).toEqual(counts[0]);
      }, 60_000);
    }
  }
});
