/**
 * A page with no UI around the notebook kernel: end-to-end specs and the site benchmark drive the
 * real worker in Chromium through `window.harness`, and time each bare driver alone in a worker.
 */
import { Kernel } from "../../site/client/kernel.ts";
import type { CellSource, ClientEvent, DatabaseKind } from "../../site/worker/protocol.ts";

function bareStart(database: DatabaseKind): Promise<number> {
  const worker = new Worker(new URL("./bare-worker.ts", import.meta.url), { type: "module" });
  return new Promise((resolve, reject) => {
    worker.onmessage = (e: MessageEvent<{ ms?: number; error?: string }>) => {
      worker.terminate();
      if (e.data.error) reject(new Error(e.data.error));
      else resolve(e.data.ms!);
    };
    worker.onerror = (e) => {
      worker.terminate();
      reject(new Error(`bare ${database} worker: ${e.message}`));
    };
    worker.postMessage({ database });
  });
}

const harness = {
  Kernel,
  kernels: new Map<string, Kernel>(),
  kernel(database: DatabaseKind, timeoutMs?: number): Kernel {
    const key = `${database}:${timeoutMs ?? ""}`;
    let k = harness.kernels.get(key);
    if (!k) harness.kernels.set(key, (k = new Kernel({ database, timeoutMs })));
    return k;
  },
  /** Run and collect every event (plain data, so Playwright can return it). */
  async run(
    database: DatabaseKind,
    cells: CellSource[],
    targetId: string,
    options: { timeoutMs?: number; fresh?: boolean; maxRows?: number } = {},
  ): Promise<{ events: ClientEvent[]; result: unknown }> {
    const events: ClientEvent[] = [];
    const result = await harness.kernel(database).run(cells, targetId, (e) => events.push(e), options);
    return { events, result };
  },
  bareStart,
};

(globalThis as { harness?: typeof harness }).harness = harness;
document.getElementById("status")!.textContent = "ready";
