/**
 * TypeScript's diagnostics in a cell's editor as the learner types (`@codemirror/lint`, debounced).
 * The checking happens in a worker of its own (`worker.ts`), so typing never waits for it. The worker
 * starts after an editor's first focus, once the database has started and no run is in progress
 * (`gate`): loading TypeScript there never slows a first run. A run's error mark (the kernel's
 * exception at its line) stays with the diagnostics until the code changes.
 */
import { type Diagnostic, linter } from "@codemirror/lint";
import { type Extension, StateEffect, type Text } from "@codemirror/state";
import type { EditorView } from "@codemirror/view";
import type { CellDiagnostic } from "./cell-check.ts";
import type { CheckReply, CheckRequest } from "./worker.ts";

/** Milliseconds after the last keystroke before the cell is checked. */
export const LINT_DELAY = 400;

let worker: Worker | null = null;
let nextId = 0;
let nextEditor = 0;
const pending = new Map<number, (d: readonly CellDiagnostic[] | null) => void>();

function start(): Worker {
  if (worker) return worker;
  performance.mark?.("nb:types:start");
  worker = new Worker(new URL("./worker.ts", import.meta.url), { type: "module", name: "types" });
  worker.onmessage = (e: MessageEvent<CheckReply>) => {
    const msg = e.data;
    if (msg.type === "ready") {
      performance.mark?.("nb:types:end");
      performance.measure?.("nb:types", "nb:types:start", "nb:types:end");
      return;
    }
    pending.get(msg.id)?.(msg.diagnostics);
    pending.delete(msg.id);
  };
  return worker;
}

function request(
  editor: number,
  scope: readonly string[],
  code: string,
): Promise<readonly CellDiagnostic[] | null> {
  const w = start();
  const id = ++nextId;
  return new Promise((resolve) => {
    pending.set(id, resolve);
    w.postMessage({ id, editor, scope: [...scope], code } satisfies CheckRequest);
  });
}

/** Check the cell again (after a run's mark was set or cleared), code changed or not. */
export const recheck = StateEffect.define<null>();

const runMarks = new WeakMap<EditorView, { doc: Text; diagnostic: Diagnostic }>();

/** The kernel's error mark of a run (kept until the code changes); true when the editor had one. */
export function setRunMark(view: EditorView, diagnostic: Diagnostic | null): boolean {
  const had = runMarks.has(view);
  if (diagnostic) runMarks.set(view, { doc: view.state.doc, diagnostic });
  else runMarks.delete(view);
  return had;
}

/**
 * The extension: `scope()` gives the code of the cells this one sees, in order; `gate()` resolves when
 * the worker may start.
 */
export function typeDiagnostics(
  scope: () => readonly string[],
  gate: () => Promise<void> = () => Promise.resolve(),
): Extension {
  const editor = ++nextEditor;
  return linter(
    async (view) => {
      if (!worker) await gate();
      const doc = view.state.doc;
      const found = await request(editor, scope(), doc.toString());
      const out: Diagnostic[] = (found ?? []).map((d) => ({
        from: d.from,
        to: d.to,
        severity: "error",
        source: "TypeScript",
        message: d.message,
      }));
      const run = runMarks.get(view);
      if (run && run.doc === doc) out.push(run.diagnostic);
      if (found) view.dom.dataset.nbDiagnostics = String(found.length);
      return out;
    },
    {
      delay: LINT_DELAY,
      needsRefresh: (update) => update.transactions.some((tr) => tr.effects.some((e) => e.is(recheck))),
    },
  );
}
