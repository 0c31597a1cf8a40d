/**
 * The kernel's runtime in Node, as the tests drive it: every event it posts is kept, and `run()`
 * returns the events of that run (a page's "Run" of `targetId` after the not-yet-run cells before it).
 */
import { loadModule } from "./modules.ts";
import type { CellSource, KernelEvent, RunOptions } from "./protocol.ts";
import { KernelRuntime } from "./runtime.ts";
import { loadTypeScript } from "./transpile.ts";

export function testKernel() {
  const events: KernelEvent[] = [];
  const runtime = new KernelRuntime({ post: (e) => events.push(e), loadModule, loadTypeScript });
  let runId = 0;
  return {
    runtime,
    events,
    async run(cells: CellSource[], targetId = cells.at(-1)!.id, options: RunOptions = {}) {
      const id = ++runId;
      const from = events.length;
      await runtime.handle({ type: "run", runId: id, cells, targetId, options });
      return events.slice(from).filter((e) => "runId" in e && e.runId === id);
    },
  };
}
