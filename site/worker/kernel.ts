/**
 * The notebook kernel: a module Web Worker, one per page. Messages: `protocol.ts`; logic: `runtime.ts`.
 *
 * This entry is small. It takes the private channel the page hands over first (`guard.ts`: requests
 * and events go through that port only, out of the cells' reach), makes the worker's own channel and
 * `close()` inert, and catches what no cell caught (shown in the cell it came from, never the end of
 * the worker). At the page's `start` it begins downloading the database's files while the kernel
 * proper (`main.ts`: engine-wasm, the drivers) loads; requests that arrive meanwhile are queued and
 * handled in order (the last `start` only).
 */
import { prefetch } from "./assets.ts";
import { guardWorkerGlobals, receivePort } from "./guard.ts";
import type { KernelEvent, KernelRequest } from "./protocol.ts";

const port = await receivePort(self as unknown as { onmessage: ((e: MessageEvent) => void) | null });
guardWorkerGlobals(self);
const post = (event: KernelEvent) => port.postMessage(event);

let uncaught: (error: unknown) => boolean = () => false;
self.addEventListener("error", (e) => {
  e.preventDefault();
  if (!uncaught(e.error)) console.warn("kernel: uncaught", e.message);
});
self.addEventListener("unhandledrejection", (e) => {
  e.preventDefault();
  if (!uncaught(e.reason)) console.warn("kernel: unhandled rejection", e.reason);
});

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

port.onmessage = (e: MessageEvent<KernelRequest>) => {
  const request = e.data;
  if (request.type === "ping") return post({ type: "pong", requestId: request.requestId });
  if (request.type === "start") prefetch(request.database, request.pgdataUrl);
  else if (request.type === "restart" && request.database) prefetch(request.database);
  handle(request);
};

const { createRuntime } = await import("./main.ts");
const runtime = createRuntime(post);
uncaught = (error) => runtime.uncaught(error);
handle = (request) => void runtime.handle(request);
for (const request of early.splice(0)) handle(request);
performance.mark?.("kernel:loaded");
post({ type: "hello" });
