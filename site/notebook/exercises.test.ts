/**
 * Every exercise of every lesson (and of the fixture page under lessons/fixtures/), checked in Node
 * by the kernel's runtime on both databases as the page checks it: its solution passes its checks
 * (on the hidden data too), its starting code does not. The check API's own verdicts are tested on
 * the fixture's exercise with answers right and wrong.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { checkExercise, type RunFn } from "../client/exercise-run.ts";
import { loadModule } from "../worker/modules.ts";
import type { ClientEvent, DatabaseKind, KernelEvent } from "../worker/protocol.ts";
import { KernelRuntime } from "../worker/runtime.ts";
import { loadTypeScript } from "../worker/transpile.ts";
import { type LessonCells, parseLessonCells } from "./cells.ts";

const root = new URL("../../", import.meta.url).pathname;

function files(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((d) =>
    d.isDirectory() ? files(join(dir, d.name)) : /\.mdx?$/.test(d.name) ? [join(dir, d.name)] : [],
  );
}

const lessons = files(join(root, "lessons"))
  .map((file) => ({
    name: relative(root, file),
    ...parseLessonCells(relative(root, file), readFileSync(file, "utf8")),
  }))
  .filter((l) => l.exercises.length > 0);

function kernel(): { runtime: KernelRuntime; run: RunFn } {
  let runId = 0;
  let listener: (e: KernelEvent) => void = () => {};
  const runtime = new KernelRuntime({ post: (e) => listener(e), loadModule, loadTypeScript });
  return {
    runtime,
    async run(cells, targetId, onEvent, options = {}) {
      const id = ++runId;
      listener = (e) => {
        if ("runId" in e && e.runId === id) onEvent(e as ClientEvent);
      };
      await runtime.handle({ type: "run", runId: id, cells: [...cells], targetId, options });
    },
  };
}

function spec(lesson: LessonCells, index: number) {
  const ex = lesson.exercises[index]!;
  return {
    id: ex.id,
    setup: ex.setup.map((id) => {
      const c = lesson.cells.find((x) => x.id === id)!;
      return { id: c.id, code: c.code };
    }),
    check: ex.check,
    ...(ex.hidden ? { hidden: ex.hidden } : {}),
  };
}

it("finds the fixture's exercise", () => {
  expect(lessons.map((l) => l.name)).toContain("lessons/fixtures/exercise.mdx");
});

describe.each<DatabaseKind>(["sqlite", "postgresql"])("exercises on %s", (database) => {
  const k = kernel();
  beforeAll(async () => {
    await k.runtime.handle({ type: "start", database });
  }, 60_000);

  for (const lesson of lessons) {
    lesson.exercises.forEach((ex, i) => {
      it(`${lesson.name} "${ex.id}": the solution passes its checks`, async () => {
        const out = await checkExercise(k.run, spec(lesson, i), { id: ex.id, code: ex.solution });
        expect(out.pass.results.filter((r) => !r.ok)).toEqual([]);
        expect(out.ok).toBe(true);
      }, 60_000);
      it(`${lesson.name} "${ex.id}": the starting code does not`, async () => {
        const out = await checkExercise(k.run, spec(lesson, i), { id: ex.id, code: ex.starter });
        expect(out.ok).toBe(false);
      }, 60_000);
    });
  }

  const fixture = lessons.find((l) => l.name === "lessons/fixtures/exercise.mdx")!;
  const fixtureSpec = () => spec(fixture, 0);

  it("a failed check says what was expected and what the code did", async () => {
    const out = await checkExercise(k.run, fixtureSpec(), {
      id: "count-points",
      code: "const n = 0;\nprint(n);",
    });
    expect(out.pass.data).toBe("visible");
    expect(out.pass.results).toEqual([
      {
        ok: false,
        why: "n is the number of rows in points",
        problems: [{ kind: "value", expected: "2", got: "0" }],
      },
      {
        ok: false,
        why: "one SELECT count(*) is enough",
        problems: [
          { kind: "statement-count", expected: 1, got: 0 },
          { kind: "statement-kinds", expected: [["SELECT", 1]], got: [], order: [] },
        ],
      },
    ]);
  }, 60_000);

  it("a name the checks need and the learner's code did not define: the checks could not run", async () => {
    const out = await checkExercise(k.run, fixtureSpec(), { id: "count-points", code: "print(1);" });
    expect(out.ok).toBe(false);
    expect(out.pass.results).toEqual([
      { ok: false, problems: [{ kind: "crashed", name: "ReferenceError", message: "n is not defined" }] },
    ]);
  }, 60_000);

  it("a setup cell that fails is named, with its exception", async () => {
    const broken = { ...fixtureSpec(), setup: [{ id: "setup", code: 'throw new TypeError("no table");' }] };
    const out = await checkExercise(k.run, broken, { id: "count-points", code: "const n = 0;" });
    expect(out.pass.results).toEqual([
      {
        ok: false,
        problems: [{ kind: "setup-failed", cell: "setup", name: "TypeError", message: "no table" }],
      },
    ]);
  }, 60_000);

  it("an answer hard-coded to the visible rows fails on the hidden data", async () => {
    const code =
      'const n = 2;\nengine.connect().execute(text("SELECT count(*) FROM points")).scalar();\nprint(n);';
    const out = await checkExercise(k.run, fixtureSpec(), { id: "count-points", code });
    expect(out.ok).toBe(false);
    expect(out.pass.data).toBe("hidden");
    expect(out.pass.results[0]).toEqual({
      ok: false,
      why: "n is the number of rows in points",
      problems: [{ kind: "value", expected: "5", got: "2" }],
    });
    expect(out.pass.results[1]).toEqual({ ok: true, why: "one SELECT count(*) is enough" });
  }, 60_000);

  it("three statements where one is expected: the counts by kind", async () => {
    const code =
      'const c = engine.connect();\nc.execute(text("SELECT 1"));\nc.execute(text("SELECT 2"));\nconst n = c.execute(text("SELECT count(*) FROM points")).scalar();';
    const out = await checkExercise(k.run, fixtureSpec(), { id: "count-points", code });
    expect(out.pass.results[1]).toEqual({
      ok: false,
      why: "one SELECT count(*) is enough",
      problems: [
        { kind: "statement-count", expected: 1, got: 3 },
        {
          kind: "statement-kinds",
          expected: [["SELECT", 1]],
          got: [["SELECT", 3]],
          order: ["SELECT", "SELECT", "SELECT"],
        },
      ],
    });
  }, 60_000);
});
