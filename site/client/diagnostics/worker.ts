/**
 * The editor's diagnostics worker: TypeScript and the type data (`virtual:api-types`) load here, off
 * the page's thread, when an editor first takes focus; each request checks one cell against the
 * cells in its scope (`cell-check.ts`). Requests are answered in order; one that a newer request of
 * the same editor replaced is answered with nothing, unchecked.
 */
import type { CellDiagnostic, TypeData, TypeScript } from "./cell-check.ts";
import { CellChecker } from "./cell-check.ts";

export interface CheckRequest {
  readonly id: number;
  /** The editor asking: only its latest request is checked. */
  readonly editor: number;
  readonly scope: readonly string[];
  readonly code: string;
}

export type CheckReply =
  | { readonly type: "ready"; readonly loadMs: number }
  | { readonly type: "result"; readonly id: number; readonly diagnostics: readonly CellDiagnostic[] | null };

const scope = self as unknown as {
  postMessage(message: CheckReply): void;
  onmessage: ((e: MessageEvent<CheckRequest>) => void) | null;
};

const started = performance.now();
const checker = Promise.all([import("typescript"), import("virtual:api-types")]).then(([ts, data]) => {
  const c = new CellChecker(
    ((ts as { default?: TypeScript }).default ?? ts) as TypeScript,
    data.default as TypeData,
  );
  scope.postMessage({ type: "ready", loadMs: Math.round(performance.now() - started) });
  return c;
});

const latest = new Map<number, number>();
let queue: Promise<unknown> = Promise.resolve();

scope.onmessage = (e) => {
  const req = e.data;
  latest.set(req.editor, req.id);
  queue = queue.then(async () => {
    const c = await checker;
    if (latest.get(req.editor) !== req.id) {
      scope.postMessage({ type: "result", id: req.id, diagnostics: null });
      return;
    }
    let diagnostics: readonly CellDiagnostic[] = [];
    try {
      diagnostics = c.check(req.scope, req.code);
    } catch {
      // A checker failure must never reach the learner as an error of their code.
    }
    scope.postMessage({ type: "result", id: req.id, diagnostics });
  });
};
