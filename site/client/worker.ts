/**
 * The kernel's module Web Worker, and starting it before the notebook script has loaded.
 *
 * `boot.ts` (the only notebook script of a lesson page) calls `prestartKernel()` as soon as the page
 * is parsed, so the worker's scripts and the database load before the notebook (`notebook.ts`) does;
 * the notebook's `Kernel` then adopts that worker and replays the events it sent meanwhile.
 */
import type { ConnectMessage, DatabaseKind, KernelEvent, KernelRequest } from "../worker/protocol.ts";

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

/**
 * Start the kernel worker on `database` now (once; a no-op after `takeStartedWorker()`); true when
 * this call started it. Until the notebook takes the worker, `onEvent` sees each event it sends (the
 * page's bar shows the download and "ready" from them) and `onFailed` is told when the worker fails.
 */
export function prestartKernel(
  database: DatabaseKind,
  onEvent: (event: KernelEvent) => void = () => {},
  onFailed: () => void = () => {},
): boolean {
  if (started || taken) return false;
  const worker = createKernelWorker();
  const port = connectKernel(worker);
  const s: StartedWorker = { worker, port, database, events: [], failed: false };
  port.onmessage = (e: MessageEvent<KernelEvent>) => {
    s.events.push(e.data);
    onEvent(e.data);
  };
  worker.onerror = (e) => {
    e.preventDefault();
    s.failed = true;
    onFailed();
  };
  const early = takeEarlyResponses(database);
  port.postMessage({ type: "start", database, ...(early ? { early: true } : {}) });
  if (early) void handOver(port, early);
  started = s;
  return true;
}

type Early = { database: DatabaseKind; responses: [string, Promise<Response>][] };

/**
 * The database's files the page's head began downloading (site/integrations/kernel-preload.ts), once;
 * null when there are none or they are another database's (those downloads are stopped).
 */
function takeEarlyResponses(database: DatabaseKind): Early["responses"] | null {
  const g = globalThis as { __nbKernelEarly?: Early };
  const early = g.__nbKernelEarly;
  delete g.__nbKernelEarly;
  if (!early) return null;
  if (early.database === database) return early.responses.length ? early.responses : null;
  for (const [, p] of early.responses) void p.then((r) => r.body?.cancel()).catch(() => {});
  return null;
}

/**
 * The responses go to the worker as their headers arrive, their bodies unread (transferred streams);
 * where streams cannot be transferred, the page reads them (the HTTP cache keeps them for the
 * worker's own request) and the worker is told to ask itself.
 */
async function handOver(port: MessagePort, responses: Early["responses"]): Promise<void> {
  const got = await Promise.all(
    responses.map(async ([url, p]) => {
      const r = await p.catch(() => null);
      return r?.body ? { url, status: r.status, headers: [...r.headers], body: r.body } : null;
    }),
  );
  const list = got.filter((r) => r !== null);
  try {
    port.postMessage(
      { type: "early", responses: list } satisfies KernelRequest,
      list.map((r) => r.body),
    );
  } catch {
    port.postMessage({ type: "early", responses: [] } satisfies KernelRequest);
    for (const r of list) void new Response(r.body).blob().catch(() => {});
  }
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
