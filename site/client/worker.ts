/**
 * The kernel's module Web Worker, and starting it before the notebook script has loaded.
 *
 * `boot.ts` (the only notebook script of a lesson page) calls `prestartKernel()` as soon as the page
 * is parsed, so the worker's scripts and the database load before the notebook (`notebook.ts`) does;
 * the notebook's `Kernel` then adopts that worker and replays the events it sent meanwhile.
 */
import type { ConnectMessage, DatabaseKind, KernelEvent } from "../worker/protocol.ts";

export function createKernelWorker(): Worker {
  return new Worker(new URL("../worker/kernel.ts", import.meta.url), { type: "module", name: "kernel" });
}

/**
 * The kernel's private channel: one end of a new `MessageChannel` goes to the worker in its first
 * message; the page talks to the kernel through the other end only. What a cell posts on the worker's
 * own channel (`postMessage(…)` in learner code) never reaches the page's kernel client.
 */
export function connectKernel(worker: Worker): MessagePort {
  const channel = new MessageChannel();
  worker.postMessage({ type: "connect" } satisfies ConnectMessage, [channel.port2]);
  return channel.port1;
}

/** A worker started by `prestartKernel()`: the database it was asked to start, and what it said so far. */
export interface StartedWorker {
  readonly worker: Worker;
  /** The kernel's channel (`connectKernel`). */
  readonly port: MessagePort;
  readonly database: DatabaseKind;
  readonly events: KernelEvent[];
  /** The worker failed before the notebook took it (the notebook starts a new one). */
  failed: boolean;
}

let started: StartedWorker | null = null;

/** Start the kernel worker on `database` now (once; a no-op after `takeStartedWorker()`). */
export function prestartKernel(database: DatabaseKind): void {
  if (started || taken) return;
  const worker = createKernelWorker();
  const port = connectKernel(worker);
  const s: StartedWorker = { worker, port, database, events: [], failed: false };
  port.onmessage = (e: MessageEvent<KernelEvent>) => s.events.push(e.data);
  worker.onerror = (e) => {
    e.preventDefault();
    s.failed = true;
  };
  port.postMessage({ type: "start", database });
  started = s;
}

let taken = false;

/** The pre-started worker, once (the notebook's `Kernel` adopts it); null if there is none. */
export function takeStartedWorker(): StartedWorker | null {
  taken = true;
  const s = started;
  started = null;
  if (s?.failed) {
    s.worker.terminate();
    return null;
  }
  return s;
}
