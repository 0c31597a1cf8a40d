/**
 * Checking an exercise, as the page and the build's test both do it: the setup cells and the
 * learner's code on a fresh database, then the check cell (`site/worker/checks.ts`) in the same
 * scope; with a ```ts hidden data set, again on a fresh database with that code run after the setup,
 * so an answer that hard-codes the visible rows fails.
 */
import {
  type CheckResult,
  checkCellSource,
  type Observed,
  type Problem,
  readReport,
} from "../worker/checks.ts";
import type { CellSource, ClientEvent, RunOptions } from "../worker/protocol.ts";

export type RunFn = (
  cells: readonly CellSource[],
  targetId: string,
  onEvent: (event: ClientEvent) => void,
  options?: RunOptions,
) => Promise<unknown>;

export interface ExerciseSpec {
  readonly id: string;
  readonly setup: readonly CellSource[];
  readonly check: string;
  readonly hidden?: string;
}

export interface CheckPass {
  /** `visible`: the page's data; `hidden`: the second data set. */
  readonly data: "visible" | "hidden";
  readonly results: readonly CheckResult[];
}

export interface CheckOutcome {
  readonly ok: boolean;
  /** The first pass that failed, or the last one. */
  readonly pass: CheckPass;
  /** Events of the learner's cell on the visible data (the page shows them as its output). */
  readonly events: readonly ClientEvent[];
}

/** What the learner's cell printed, sent and raised, from its events. */
export function observe(events: readonly ClientEvent[]): Observed {
  const prints: string[] = [];
  const statements: { kind: string; sql: string; transaction: boolean }[] = [];
  let error: Observed["error"];
  for (const e of events) {
    if (e.type === "print") prints.push(e.text);
    else if (e.type === "log" && (e.tag === "statement" || e.tag === "transaction")) {
      const sql = e.message.trim();
      const kind = (/^[A-Za-z]+/.exec(sql)?.[0] ?? "").toUpperCase();
      statements.push({ kind, sql, transaction: e.tag === "transaction" });
    } else if (e.type === "error") error = { name: e.name, message: e.message };
  }
  return { prints, statements, ...(error ? { error } : {}) };
}

async function pass(
  run: RunFn,
  spec: ExerciseSpec,
  learner: CellSource,
  data: CheckPass["data"],
  onLearnerEvent?: (event: ClientEvent) => void,
): Promise<{ pass: CheckPass; events: ClientEvent[] }> {
  const events: ClientEvent[] = [];
  const setupErrors: Problem[] = [];
  const cells = [...spec.setup];
  if (data === "hidden" && spec.hidden) cells.push({ id: `${spec.id}-hidden-data`, code: spec.hidden });
  cells.push(learner);
  await run(
    cells,
    learner.id,
    (e) => {
      if (!("cellId" in e)) return;
      if (e.cellId === learner.id) {
        events.push(e);
        onLearnerEvent?.(e);
      } else if (e.type === "error") {
        setupErrors.push({
          kind: "setup-failed",
          cell: e.cellId,
          name: e.name,
          message: e.message.split("\n")[0] ?? "",
        });
      }
    },
    { fresh: true },
  );
  if (setupErrors.length) {
    return {
      pass: {
        data,
        results: [{ ok: false, problems: setupErrors }],
      },
      events,
    };
  }
  const checkId = `${spec.id}-check`;
  let report: readonly CheckResult[] | null = null;
  let crash: Problem | undefined;
  await run([{ id: checkId, code: checkCellSource(spec.check, observe(events)) }], checkId, (e) => {
    if (!("cellId" in e) || e.cellId !== checkId) return;
    if (e.type === "print") report = readReport(e.text.replace(/\n$/, "")) ?? report;
    else if (e.type === "error") {
      crash = { kind: "crashed", name: e.name, message: e.message.split("\n")[0] ?? "" };
    } else if (e.type === "kernel-restarted") {
      crash = {
        kind: "kernel-restarted",
        reason: e.reason,
        ...(e.seconds !== undefined ? { seconds: e.seconds } : {}),
        ...(e.detail !== undefined ? { detail: e.detail } : {}),
      };
    }
  });
  const results: readonly CheckResult[] = report ?? [
    { ok: false, problems: [crash ?? { kind: "no-report" }] },
  ];
  return { pass: { data, results }, events };
}

/** Run the checks of an exercise on `learner` (its code as the learner has it). */
export async function checkExercise(
  run: RunFn,
  spec: ExerciseSpec,
  learner: CellSource,
  onLearnerEvent?: (event: ClientEvent) => void,
): Promise<CheckOutcome> {
  const visible = await pass(run, spec, learner, "visible", onLearnerEvent);
  const ok = (p: CheckPass) => p.results.length > 0 && p.results.every((r) => r.ok);
  if (!ok(visible.pass) || !spec.hidden) {
    return { ok: ok(visible.pass), pass: visible.pass, events: visible.events };
  }
  const hidden = await pass(run, spec, learner, "hidden");
  return { ok: ok(hidden.pass), pass: hidden.pass, events: visible.events };
}
