/**
 * The page's handle on its notebook kernel (one module Web Worker per page, see `site/worker/kernel.ts`).
 *
 *   const kernel = new Kernel({ database: "postgresql" });
 *   kernel.warmUp();                                   // start the worker and the database when idle
 *   await kernel.run(cells, "engine-2", (event) => render(event));
 *
 * Loop protection: a cell that runs longer than `timeoutMs` (10 s unless the call says otherwise), or
 * one the learner stops, ends by terminating the worker; a new worker starts on the same database and
 * the run's listener receives `kernel-restarted`. Events of a run the page no longer waits for (after a
 * restart) are dropped: each run has its own id.
 */
import type {
  CellSource,
  ClientEvent,
  DatabaseKind,
  DoneEvent,
  KernelEvent,
  KernelRequest,
  KernelRestartedEvent,
  RunOptions,
  StateEvent,
} from "../worker/protocol.ts";
import { strings } from "./strings.ts";
import { connectKernel, createKernelWorker, type StartedWorker } from "./worker.ts";

export type { CellSource, ClientEvent, DatabaseKind, KernelEvent, RunEvent } from "../worker/protocol.ts";

/** The kernel's channel as the client uses it (a `MessagePort`; tests give a stand-in). */
export interface KernelPort {
  postMessage(message: KernelRequest): void;
  onmessage: ((e: MessageEvent<KernelEvent>) => void) | null;
}

export interface KernelOptions {
  database: DatabaseKind;
  /** Default limit for one cell, in milliseconds (10 s). */
  timeoutMs?: number;
  /** Where the PGlite data directory archive is served from (faster start than initdb), if built. */
  pgdataUrl?: string;
  /** Tests and benchmarks can supply the worker; the page uses the bundled `site/worker/kernel.ts`. */
  createWorker?: () => Worker;
  /** The kernel's channel to a new worker (default `connectKernel`: a private `MessageChannel`). */
  connect?: (worker: Worker) => KernelPort;
  /**
   * A worker already started (by `boot.ts`, before the notebook loaded) to adopt instead of creating
   * the first one: its events so far are replayed; `start` is sent again only for another database.
   */
  adoptWorker?: () => StartedWorker | null;
}

export interface RunCallOptions extends RunOptions {
  /** Limit for each cell of this run, in milliseconds. */
  timeoutMs?: number;
}

/** How a run ended: the worker's `done`, or a synthetic one when the kernel had to be restarted. */
export interface RunResult extends Omit<DoneEvent, "type" | "runId"> {
  readonly restarted?: KernelRestartedEvent["reason"];
}

/**
 * Kernel-wide events: database progress, binding status, restarts; and the output of a cell after its
 * run was over (a timer it left behind, "Show more"), which belongs to no pending run.
 */
export type KernelListener = (event: KernelEvent | KernelRestartedEvent) => void;

/** A restart whose kernel has not answered a `ping` by then replaces the worker. */
const RESTART_ANSWER_MS = 2_000;

interface PendingRun {
  readonly runId: number;
  readonly onEvent: (event: ClientEvent) => void;
  readonly resolve: (result: RunResult) => void;
  readonly timeoutMs: number;
  readonly started: number;
  ran: string[];
  cellId?: string;
  timer?: ReturnType<typeof setTimeout>;
}

const DEFAULT_TIMEOUT_MS = 10_000;

export class Kernel {
  #database: DatabaseKind;
  readonly #timeoutMs: number;
  readonly #pgdataUrl?: string;
  readonly #createWorker: () => Worker;
  #adoptWorker: (() => StartedWorker | null) | undefined;
  #worker: Worker | null = null;
  #port: KernelPort | null = null;
  readonly #connect: (worker: Worker) => KernelPort;
  readonly #pongs = new Map<number, () => void>();
  #nextRunId = 1;
  #nextRequestId = 1;
  readonly #runs = new Map<number, PendingRun>();
  readonly #inspects = new Map<number, (state: StateEvent) => void>();
  readonly #listeners = new Set<KernelListener>();
  #ready: Promise<void> | null = null;
  #markReady: (() => void) | null = null;

  constructor(options: KernelOptions) {
    this.#database = options.database;
    this.#timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    this.#pgdataUrl = options.pgdataUrl;
    this.#createWorker = options.createWorker ?? createKernelWorker;
    this.#adoptWorker = options.adoptWorker;
    this.#connect = options.connect ?? connectKernel;
  }

  get database(): DatabaseKind {
    return this.#database;
  }

  /** True while a run is in progress. */
  get busy(): boolean {
    return this.#runs.size > 0;
  }

  /** Listen to kernel-wide events (progress, status, kernel-restarted); returns the unsubscribe function. */
  on(listener: KernelListener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** Start the worker and its database now (idempotent). Resolves when the database is ready. */
  warmUp(): Promise<void> {
    this.#ensureWorker();
    return this.#ready!;
  }

  /** Start the worker and its database once the page is idle. */
  warmUpWhenIdle(): void {
    const g = globalThis as { requestIdleCallback?: (fn: () => void, o?: { timeout: number }) => void };
    const start = () => void this.warmUp().catch(() => {});
    if (g.requestIdleCallback) g.requestIdleCallback(start, { timeout: 2000 });
    else setTimeout(start, 200);
  }

  /** Load TypeScript in the worker now (call on the learner's first edit). */
  preloadTranspiler(): void {
    this.#post({ type: "preload-transpiler" });
  }

  /**
   * Run `targetId`, after the earlier cells of `cells` that have not run in this kernel yet.
   * `onEvent` receives the run's events in order, ending with `done` (or `kernel-restarted`).
   */
  run(
    cells: readonly CellSource[],
    targetId: string,
    onEvent: (event: ClientEvent) => void = () => {},
    options: RunCallOptions = {},
  ): Promise<RunResult> {
    if (!cells.some((c) => c.id === targetId)) {
      return Promise.reject(
        new Error(`run(): no cell with id ${JSON.stringify(targetId)} among the cells given`),
      );
    }
    const runId = this.#nextRunId++;
    const { timeoutMs = this.#timeoutMs, ...runOptions } = options;
    return new Promise<RunResult>((resolve) => {
      this.#runs.set(runId, { runId, onEvent, resolve, timeoutMs, started: now(), ran: [] });
      this.#post({ type: "run", runId, cells, targetId, options: runOptions });
    });
  }

  /** Run every cell (in order). */
  runAll(
    cells: readonly CellSource[],
    onEvent?: (event: ClientEvent) => void,
    options?: RunCallOptions,
  ): Promise<RunResult> {
    const last = cells.at(-1);
    if (!last) return Promise.resolve({ ok: true, ran: [], totalMs: 0, statements: 0, transactions: 0 });
    return this.run(cells, last.id, onEvent, options);
  }

  /**
   * Stop: a cell that is running is ended by terminating the worker (a new one starts, bindings are
   * lost, the run reports `kernel-restarted`); cells still waiting are skipped.
   */
  stop(): void {
    const running = [...this.#runs.values()].find((r) => r.cellId !== undefined);
    if (running) {
      this.#terminate("stopped", running);
      return;
    }
    for (const run of this.#runs.values()) this.#post({ type: "stop", runId: run.runId });
  }

  /**
   * A fresh kernel, on another database if given: bindings forgotten, the database back to its start,
   * the timers cells left behind cancelled. A cell still running, or a kernel that does not answer
   * within 2 s, ends with its worker: a new one starts (so a restart always recovers).
   */
  restart(database: DatabaseKind = this.#database): Promise<void> {
    this.#database = database;
    const running = [...this.#runs.values()].some((r) => r.cellId !== undefined);
    this.#abandonRuns("stopped", "The kernel was restarted.");
    if (!this.#worker) return this.warmUp();
    if (running) {
      this.#replaceWorker();
      return this.#ready!;
    }
    this.#resetReady();
    const worker = this.#worker;
    const requestId = this.#nextRequestId++;
    const watchdog = setTimeout(() => {
      this.#pongs.delete(requestId);
      if (this.#worker === worker) this.#replaceWorker();
    }, RESTART_ANSWER_MS);
    this.#pongs.set(requestId, () => clearTimeout(watchdog));
    this.#post({ type: "ping", requestId });
    this.#post({ type: "restart", database });
    return this.#ready!;
  }

  /** Try the database's start again (after it could not be downloaded or started). */
  retry(): Promise<void> {
    return this.restart(this.#database);
  }

  /** The next page of a cell's held-back output; it arrives as that cell's late events. */
  more(cellId: string): void {
    this.#post({ type: "more", cellId });
  }

  /** The live state of the engines and sessions the cells created (for an inspector view). */
  inspect(): Promise<StateEvent> {
    const requestId = this.#nextRequestId++;
    return new Promise((resolve) => {
      this.#inspects.set(requestId, resolve);
      this.#post({ type: "inspect", requestId });
    });
  }

  /** Terminate the worker for good. */
  dispose(): void {
    this.#abandonRuns("stopped", "The kernel was shut down.");
    this.#worker?.terminate();
    this.#worker = null;
    this.#ready = null;
  }

  // -------------------------------------------------------------------------------------------

  #ensureWorker(): Worker {
    if (this.#worker) return this.#worker;
    const adopted = this.#adoptWorker?.() ?? null;
    this.#adoptWorker = undefined;
    const worker = adopted?.worker ?? this.#createWorker();
    const port = adopted?.port ?? this.#connect(worker);
    // Only the kernel's port is listened to: what a cell posts on the worker's own channel is ignored.
    worker.onmessage = null;
    port.onmessage = (e: MessageEvent<KernelEvent>) => {
      if (this.#port === port) this.#onMessage(e.data);
    };
    worker.onerror = (e) => {
      e.preventDefault?.();
      const running = [...this.#runs.values()][0];
      this.#terminate("crashed", running, e.message || "worker error");
    };
    this.#worker = worker;
    this.#port = port;
    this.#resetReady();
    const start: KernelRequest = { type: "start", database: this.#database };
    if (!adopted || adopted.database !== this.#database || this.#pgdataUrl) {
      port.postMessage(this.#pgdataUrl ? { ...start, pgdataUrl: this.#pgdataUrl } : start);
    }
    for (const event of adopted?.events.splice(0) ?? []) this.#onMessage(event);
    return worker;
  }

  /** A new readiness; whoever waits on an earlier one (a restart before it was ready) is told too. */
  #resetReady(): void {
    const previous = this.#markReady;
    this.#ready = new Promise<void>((resolve) => {
      this.#markReady = () => {
        resolve();
        previous?.();
      };
    });
  }

  #post(request: KernelRequest): void {
    this.#ensureWorker();
    this.#port!.postMessage(request);
  }

  /** The worker ends; a new one starts on the current database. */
  #replaceWorker(): void {
    this.#worker?.terminate();
    this.#worker = null;
    this.#port = null;
    this.#ensureWorker();
  }

  #emit(event: KernelEvent | KernelRestartedEvent): void {
    for (const listener of this.#listeners) listener(event);
  }

  #onMessage(event: KernelEvent): void {
    switch (event.type) {
      case "progress":
        if (event.database === this.#database && event.phase !== "loading") this.#markReady?.();
        this.#emit(event);
        return;
      case "state":
        this.#inspects.get(event.requestId)?.(event);
        this.#inspects.delete(event.requestId);
        return;
      case "pong":
        this.#pongs.get(event.requestId)?.();
        this.#pongs.delete(event.requestId);
        return;
      case "status":
      case "kernel-error":
      case "hello":
        this.#emit(event);
        return;
    }
    const run = this.#runs.get(event.runId);
    if (!run) {
      // output of a cell whose run is over (a timer it left, "Show more"): the page shows it there
      if (event.type !== "done" && event.type !== "cell-start" && event.type !== "cell-done")
        this.#emit(event);
      return;
    }
    if (event.type === "cell-start") {
      run.cellId = event.cellId;
      clearTimeout(run.timer);
      run.timer = setTimeout(() => this.#terminate("timeout", run), run.timeoutMs);
    } else if (event.type === "cell-done") {
      clearTimeout(run.timer);
      run.cellId = undefined;
      run.ran.push(event.cellId);
    }
    run.onEvent(event);
    if (event.type === "done") {
      this.#runs.delete(run.runId);
      const { type: _t, runId: _r, ...result } = event;
      run.resolve(result);
    }
  }

  /** End a run by terminating the worker, then start a new one on the same database. */
  /** `detail`: what the browser said of a crash. */
  #terminate(reason: KernelRestartedEvent["reason"], run: PendingRun | undefined, detail?: string): void {
    this.#worker?.terminate();
    this.#worker = null;
    this.#port = null;
    const seconds = run ? run.timeoutMs / 1000 : 0;
    const en = strings("en");
    const text =
      reason === "crashed"
        ? en.restartedCrashed(detail!)
        : reason === "timeout"
          ? en.restartedTimeout(seconds)
          : en.restartedStopped;
    const facts = reason === "crashed" ? { detail: detail! } : reason === "timeout" ? { seconds } : {};
    this.#abandonRuns(reason, text, run?.cellId, facts);
    this.#ensureWorker();
  }

  #abandonRuns(
    reason: KernelRestartedEvent["reason"],
    message: string,
    cellId?: string,
    facts: { seconds?: number; detail?: string } = {},
  ): void {
    const runs = [...this.#runs.values()];
    this.#runs.clear();
    for (const run of runs) {
      clearTimeout(run.timer);
      const event: KernelRestartedEvent = {
        type: "kernel-restarted",
        runId: run.runId,
        reason,
        message,
        ...facts,
        ...(run.cellId ? { cellId: run.cellId } : cellId ? { cellId } : {}),
      };
      run.onEvent(event);
      this.#emit(event);
      run.resolve({
        ok: false,
        ran: run.ran,
        totalMs: now() - run.started,
        statements: 0,
        transactions: 0,
        stopped: true,
        restarted: reason,
      });
    }
  }
}

function now(): number {
  return globalThis.performance?.now() ?? Date.now();
}
