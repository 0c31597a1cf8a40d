/**
 * Ported documentation pages run as SQLAlchemy's documentation test runs its `.rst` files: each run
 * (a list of pages, as `test/base/test_tutorials.py` passes them to one `_run_doctest`) executes its
 * pages top to bottom in one notebook kernel (`site/worker/test-kernel.ts`), one namespace, starting
 * from an empty database; every run once on SQLite and once on PostgreSQL.
 */
import { readFileSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { beforeAll, describe, expect, it } from "vitest";
import { shownLines } from "../../site/notebook/expected.ts";
import type { DatabaseKind } from "../../site/worker/protocol.ts";
import { testKernel } from "../../site/worker/test-kernel.ts";
import { type DoctestStep, doctestMatch, doctestSteps, expectedException, wantFor } from "./doctest.ts";

export interface DoctestPage {
  /** The port's path from the repository root, e.g. `conformance/tutorial/01-engine.md`. */
  readonly name: string;
  readonly steps: readonly DoctestStep[];
}

const root = join(dirname(fileURLToPath(import.meta.url)), "../..");

/** The ported pages `files` of directory `dir`, in the order given. */
export function readPages(dir: string, files: readonly string[]): DoctestPage[] {
  return files.map((f) => {
    const name = relative(root, join(dir, f));
    return { name, steps: doctestSteps(name, readFileSync(join(dir, f), "utf8")) };
  });
}

/**
 * One `describe` per database (`"<title> on sqlite"` …) with one test per page. The pages of a run
 * share the kernel's bindings (a later page uses what an earlier one made); each run starts fresh.
 */
export function describeDoctests(title: string, runs: readonly (readonly DoctestPage[])[]): void {
  describe.each<DatabaseKind>(["sqlite", "postgresql"])(`${title} on %s`, (database) => {
    const k = testKernel();
    beforeAll(async () => {
      await k.runtime.handle({ type: "start", database });
    }, 60_000);

    for (const pages of runs) {
      const ran: { id: string; code: string }[] = [];
      for (const page of pages) {
        it(page.name, async () => {
          const failures: string[] = [];
          for (const step of page.steps) {
            failures.push(...(await runStep(k, ran, page, step, database)));
          }
          expect(failures, failures.join("\n\n")).toEqual([]);
        }, 240_000);
      }
    }
  });
}

/** Runs one step after the ones before it; what is wrong with its outcome. */
async function runStep(
  k: ReturnType<typeof testKernel>,
  ran: { id: string; code: string }[],
  page: DoctestPage,
  step: DoctestStep,
  database: DatabaseKind,
): Promise<string[]> {
  ran.push({ id: step.id, code: step.code });
  const events = await k.run(ran, step.id, { fresh: ran.length === 1 });
  const where = `${page.name}:${step.line} (${step.rst}) cell "${step.id}" on ${database}`;
  const pending = step.pendingOn === undefined || step.pendingOn === database ? step.pending : undefined;
  const done = events.find((e) => e.type === "cell-done" && e.cellId === step.id);
  const want = wantFor(step, database);
  const raised = want ? expectedException(want.text) : null;
  const error = events.find((e) => e.type === "error" && e.cellId === step.id);
  const failures: string[] = [];
  if (!done?.ok) {
    // A failed step is not run again before the next ones (the page would retry it).
    ran.pop();
    const why = error?.type === "error" ? `${error.name}: ${error.message}` : "it did not run";
    if (pending === undefined && !raised) failures.push(`${where} failed: ${why}`);
    if (!done) return failures;
  }
  if (!want) return failures;
  const lines = shownLines(events, step.id, { omitLog: !want.logged });
  let same: boolean;
  let got = lines.join("\n");
  if (raised) {
    // doctest with IGNORE_EXCEPTION_DETAIL: the output before the traceback, then the class
    // (what was shown before the exception: its message may take several lines)
    const name = error?.type === "error" ? error.name : "(no exception)";
    const before = shownLines(
      events.filter((e) => e.type !== "error"),
      step.id,
      { omitLog: !want.logged },
    ).join("\n");
    got = `${before}\n… raised ${name}`;
    same = name === raised.name && doctestMatch(raised.before, before);
  } else {
    same = doctestMatch(want.text, got);
  }
  if (pending !== undefined) {
    // a step that failed where it should not have is still pending, however its output reads
    if (same && (done.ok || raised)) failures.push(`${where} passes now: remove its pending="${pending}"`);
  } else if (!same) {
    failures.push(
      `${where}\n--- the documentation shows\n${want.text.trimEnd()}\n--- the port showed\n${got}`,
    );
  }
  return failures;
}
