/**
 * The notebook kernel: a module Web Worker, one per page. Messages: `protocol.ts`; logic: `runtime.ts`.
 *
 * One script: this entry, the kernel proper (`main.ts`: engine-wasm, the runtime) and everything they
 * import statically are bundled together, so the worker is ready after one request (the page's head
 * asks for that script and the database's files before the worker exists, see
 * site/integrations/kernel-preload.ts); only the databases' drivers (sql.js, PGlite) and TypeScript
 * are loaded when first wanted. The entry takes the private channel the page hands over first
 * (`guard.ts`: requests and events go through that port only, out of the cells' reach), makes the
 * worker's own channel and `close()` inert, and catches what no cell caught (shown in the cell it came
 * from, never the end of the worker). At the page's `start` it begins downloading the database's files
 * and driver (`prefetch`, which takes over the page's early requests from the HTTP cache) before the
 * runtime handles it.
 */
import { prefetch } from "./assets.ts";
import { guardWorkerGlobals, receivePort } from "./guard.ts";
import { createRuntime } from "./main.ts";
import type { EarlyResponse, KernelEvent, KernelRequest } from "./protocol.ts";

const port = await receivePort(self as unknown as { onmessage: ((e: MessageEvent) => void) | null });
guardWorkerGlobals(self);
const post = (event: KernelEvent) => port.postMessage(event);

const runtime = createRuntime(post);
self.addEventListener("error", (e) => {
  e.preventDefault();
  if (!runtime.uncaught(e.error)) console.warn("kernel: uncaught", e.message);
});
self.addEventListener("unhandledrejection", (e) => {
  e.preventDefault();
  if (!runtime.uncaught(e.reason)) console.warn("kernel: unhandled rejection", e.reason);
});

/** The page's early responses, announced by a `start` (if they never come, the kernel asks itself). */
const EARLY_WAIT_MS = 5_000;
let handOver: ((responses: readonly EarlyResponse[]) => void) | null = null;

function announced(): Promise<readonly EarlyResponse[]> {
  handOver?.([]);
  return new Promise((resolve) => {
    const done = (responses: readonly EarlyResponse[]) => {
      if (handOver === done) handOver = null;
      resolve(responses);
    };
    handOver = done;
    setTimeout(() => done([]), EARLY_WAIT_MS);
  });
}

port.onmessage = (e: MessageEvent<KernelRequest>) => {
  const request = e.data;
  if (request.type === "ping") return post({ type: "pong", requestId: request.requestId });
  if (request.type === "early") {
    if (handOver) handOver(request.responses);
    else for (const r of request.responses) void r.body.cancel().catch(() => {});
    return;
  }
  if (request.type === "start")
    prefetch(request.database, request.pgdataUrl, request.early ? announced() : undefined);
  else if (request.type === "restart" && request.database) prefetch(request.database);
  void runtime.handle(request);
};
performance.mark?.("kernel:loaded");
post({ type: "hello" });
