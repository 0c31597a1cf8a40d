/**
 * The notebook kernel: a module Web Worker, one per page. Messages: `protocol.ts`; logic: `runtime.ts`.
 *
 * This entry is small: at the page's `start` it begins downloading the database's file (sql.js's
 * WebAssembly, PGlite's data directory) while the kernel proper (`main.ts`: engine-wasm, the drivers)
 * loads; requests that arrive meanwhile are queued and handled in order (the last `start` only).
 */
import { prefetch } from "./assets.ts";
import type { KernelEvent, KernelRequest } from "./protocol.ts";

const scope = self as unknown as {
  postMessage(event: KernelEvent): void;
  onmessage: ((e: MessageEvent<KernelRequest>) => void) | null;
};

const early: KernelRequest[] = [];
let handle = (request: KernelRequest) => {
  // A later start (the page switched database before the kernel loaded) replaces an earlier one:
  // the database first asked for is not started for nothing.
  if (request.type === "start") {
    const i = early.findIndex((r) => r.type === "start");
    if (i >= 0) early.splice(i, 1);
  }
  early.push(request);
};

scope.onmessage = (e) => {
  const request = e.data;
  if (request.type === "start") prefetch(request.database, request.pgdataUrl);
  else if (request.type === "restart" && request.database) prefetch(request.database);
  handle(request);
};

const { createRuntime } = await import("./main.ts");
const runtime = createRuntime((event) => scope.postMessage(event));
handle = (request) => void runtime.handle(request);
for (const request of early.splice(0)) handle(request);
performance.mark?.("kernel:loaded");
scope.postMessage({ type: "hello" });
