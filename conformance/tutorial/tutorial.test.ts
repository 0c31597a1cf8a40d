/**
 * SQLAlchemy 2.0's Unified Tutorial, step by step (README.md): every ported page runs top to bottom in
 * the notebook kernel on both databases, and each step shows what the tutorial's `.rst` shows.
 */
import { readdirSync, readFileSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { beforeAll, describe, expect, it } from "vitest";
import { shownLines } from "../../site/notebook/expected.ts";
import type { DatabaseKind } from "../../site/worker/protocol.ts";
import { testKernel } from "../../site/worker/test-kernel.ts";
import {
  doctestMatch,
  ellipsisMatch,
  expectedException,
  normalizeWhitespace,
  tutorialSteps,
  wantFor,
} from "./doctest.ts";

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, "../..");
const pages = readdirSync(here)
  .filter((f) => f.endsWith(".md") && f !== "README.md")
  .sort()
  .map((f) => {
    const file = join(here, f);
    const name = relative(root, file);
    return { name, steps: tutorialSteps(name, readFileSync(file, "utf8")) };
  });

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
    const [step] = tutorialSteps(
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

// The pages run in the tutorial's order in one kernel, as SQLAlchemy's documentation test runs them
// in one namespace: a later page uses what an earlier one made (the tables of metadata.rst …).
describe.each<DatabaseKind>(["sqlite", "postgresql"])("the Unified Tutorial on %s", (database) => {
  const k = testKernel();
  const ran: { id: string; code: string }[] = [];
  beforeAll(async () => {
    await k.runtime.handle({ type: "start", database });
  }, 60_000);

  for (const page of pages) {
    it(page.name, async () => {
      const failures: string[] = [];
      for (const step of page.steps) {
        ran.push({ id: step.id, code: step.code });
        const events = await k.run(ran, step.id, { fresh: ran.length === 1 });
        const where = `${page.name}:${step.line} (${step.rst}) cell "${step.id}" on ${database}`;
        const pending =
          step.pendingOn === undefined || step.pendingOn === database ? step.pending : undefined;
        const done = events.find((e) => e.type === "cell-done" && e.cellId === step.id);
        const want = wantFor(step, database);
        const raised = want ? expectedException(want.text) : null;
        const error = events.find((e) => e.type === "error" && e.cellId === step.id);
        if (!done || !done.ok) {
          // A failed step is not run again before the next ones (the page would retry it).
          ran.pop();
          const why = error?.type === "error" ? `${error.name}: ${error.message}` : "it did not run";
          if (pending === undefined && !raised) failures.push(`${where} failed: ${why}`);
          if (!done) continue;
        }
        if (!want) continue;
        const lines = shownLines(events, step.id, { omitLog: !want.logged });
        let same: boolean;
        let got = lines.join("\n");
        if (raised) {
          // doctest with IGNORE_EXCEPTION_DETAIL: the output before the traceback, then the class
          const name = error?.type === "error" ? error.name : "(no exception)";
          got = `${lines.slice(0, error ? -1 : undefined).join("\n")}\n… raised ${name}`;
          same = name === raised.name && doctestMatch(raised.before, lines.slice(0, -1).join("\n"));
        } else {
          same = doctestMatch(want.text, got);
        }
        if (pending !== undefined) {
          if (same) failures.push(`${where} passes now: remove its pending="${pending}"`);
        } else if (!same) {
          failures.push(
            `${where}\n--- the tutorial shows\n${want.text.trimEnd()}\n--- the port showed\n${got}`,
          );
        }
      }
      expect(failures, failures.join("\n\n")).toEqual([]);
    }, 240_000);
  }
});
