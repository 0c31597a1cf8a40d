/**
 * The page's Kernel client against a scripted worker: run ids, the time limit, Stop, restarts.
 */
import { describe, expect, it } from "vitest";
import type { KernelEvent, KernelRequest } from "../worker/protocol.ts";
import { type ClientEvent, Kernel, type KernelPort } from "./kernel.ts";

/** The fake worker is its own channel (the real client talks through a MessagePort). */
const connect = (w: Worker) => w as unknown as KernelPort;

/** A stand-in for the module worker: records requests; the test decides what it answers. */
class FakeWorker {
  static all: FakeWorker[] = [];
  readonly requests: KernelRequest[] = [];
  onmessage: ((e: MessageEvent<KernelEvent>) => void) | null = null;
  onerror: ((e: ErrorEvent) => void) | null = null;
  terminated = false;
  constructor() {
    FakeWorker.all.push(this);
  }
  postMessage(request: KernelRequest): void {
    this.requests.push(request);
  }
  terminate(): void {
    this.terminated = true;
  }
  send(event: KernelEvent): void {
    this.onmessage?.({ data: event } as MessageEvent<KernelEvent>);
  }
}

function setup(timeoutMs = 10_000) {
  FakeWorker.all = [];
  const kernel = new Kernel({
    database: "sqlite",
    timeoutMs,
    createWorker: () => new FakeWorker() as unknown as Worker,
    connect,
  });
  return { kernel, worker: () => FakeWorker.all.at(-1)! };
}

const cells = [
  { id: "a", code: "print(1)" },
  { id: "b", code: "while (true) {}" },
];

describe("Kernel client", () => {
  it("starts the worker on the chosen database and resolves warmUp when it is ready", async () => {
    const { kernel, worker } = setup();
    const ready = kernel.warmUp();
    expect(worker().requests).toEqual([{ type: "start", database: "sqlite" }]);
    worker().send({ type: "progress", database: "sqlite", phase: "ready", ms: 80 });
    await expect(ready).resolves.toBeUndefined();
  });

  it("routes a run's events to its listener and resolves with its done", async () => {
    const { kernel, worker } = setup();
    const seen: ClientEvent[] = [];
    const result = kernel.run(cells, "a", (e) => seen.push(e));
    const run = worker().requests.find((r) => r.type === "run")!;
    expect(run).toMatchObject({ type: "run", runId: 1, targetId: "a", cells });
    worker().send({ type: "cell-start", runId: 1, cellId: "a" });
    worker().send({ type: "print", runId: 1, cellId: "a", text: "1\n" });
    worker().send({ type: "print", runId: 99, cellId: "a", text: "stale\n" });
    worker().send({
      type: "cell-done",
      runId: 1,
      cellId: "a",
      ok: true,
      timings: { transpileMs: 0, runMs: 1 },
      statements: 0,
      transactions: 0,
    });
    worker().send({
      type: "done",
      runId: 1,
      ok: true,
      ran: ["a"],
      totalMs: 2,
      statements: 0,
      transactions: 0,
    });
    await expect(result).resolves.toEqual({
      ok: true,
      ran: ["a"],
      totalMs: 2,
      statements: 0,
      transactions: 0,
    });
    expect(seen.map((e) => e.type)).toEqual(["cell-start", "print", "cell-done", "done"]);
  });

  it("terminates a cell that runs past the limit, starts a new worker and says so", async () => {
    const { kernel, worker } = setup(30);
    const seen: ClientEvent[] = [];
    const result = kernel.run(cells, "b", (e) => seen.push(e));
    const old = worker();
    old.send({ type: "cell-start", runId: 1, cellId: "b" });
    const outcome = await result;
    expect(old.terminated).toBe(true);
    expect(worker()).not.toBe(old);
    expect(worker().requests[0]).toEqual({ type: "start", database: "sqlite" });
    expect(outcome).toMatchObject({ ok: false, stopped: true, restarted: "timeout" });
    const restarted = seen.at(-1)!;
    expect(restarted).toMatchObject({ type: "kernel-restarted", reason: "timeout", cellId: "b" });
    expect((restarted as { message: string }).message).toMatch(/longer than 0\.03 s.*restarted/);
    // The old worker's late events are ignored.
    old.send({ type: "print", runId: 1, cellId: "b", text: "late\n" });
    expect(seen.filter((e) => e.type === "print")).toEqual([]);
  });

  it("Stop during a running cell restarts the kernel; before any cell starts it asks the worker to skip", async () => {
    const { kernel, worker } = setup();
    const seen: ClientEvent[] = [];
    const waiting = kernel.run(cells, "b", (e) => seen.push(e));
    kernel.stop();
    expect(worker().requests.at(-1)).toEqual({ type: "stop", runId: 1 });
    worker().send({ type: "cell-start", runId: 1, cellId: "a" });
    const old = worker();
    kernel.stop();
    expect(old.terminated).toBe(true);
    await expect(waiting).resolves.toMatchObject({ stopped: true, restarted: "stopped" });
    expect(seen.at(-1)).toMatchObject({ type: "kernel-restarted", reason: "stopped", cellId: "a" });
  });

  it("restart(db) switches the database and abandons runs in flight", async () => {
    const { kernel, worker } = setup();
    kernel.warmUp();
    const pending = kernel.run(cells, "a");
    const restarted = kernel.restart("postgresql");
    expect(kernel.database).toBe("postgresql");
    expect(worker().requests.at(-1)).toEqual({ type: "restart", database: "postgresql" });
    await expect(pending).resolves.toMatchObject({ stopped: true });
    worker().send({ type: "progress", database: "postgresql", phase: "ready", ms: 900 });
    await expect(restarted).resolves.toBeUndefined();
  });

  it("adopts a worker started before the notebook loaded: replays its events, no second start", async () => {
    FakeWorker.all = [];
    const early = new FakeWorker();
    const events: KernelEvent[] = [
      { type: "progress", database: "sqlite", phase: "loading" },
      { type: "progress", database: "sqlite", phase: "ready", ms: 40 },
    ];
    const kernel = new Kernel({
      database: "sqlite",
      createWorker: () => new FakeWorker() as unknown as Worker,
      connect,
      adoptWorker: () => ({
        worker: early as unknown as Worker,
        port: early as unknown as MessagePort,
        database: "sqlite",
        events,
        failed: false,
      }),
    });
    const seen: string[] = [];
    kernel.on((e) => seen.push(e.type === "progress" ? e.phase : e.type));
    await expect(kernel.warmUp()).resolves.toBeUndefined();
    expect(FakeWorker.all).toEqual([early]);
    expect(early.requests).toEqual([]);
    expect(seen).toEqual(["loading", "ready"]);
    void kernel.run(cells, "a");
    expect(early.requests.at(-1)).toMatchObject({ type: "run", targetId: "a" });
  });

  it("an adopted worker started on another database is asked for the chosen one", () => {
    FakeWorker.all = [];
    const early = new FakeWorker();
    const kernel = new Kernel({
      database: "postgresql",
      connect,
      adoptWorker: () => ({
        worker: early as unknown as Worker,
        port: early as unknown as MessagePort,
        database: "sqlite",
        events: [],
        failed: false,
      }),
    });
    kernel.warmUp();
    expect(early.requests).toEqual([{ type: "start", database: "postgresql" }]);
  });

  it("a warmUp() waiting when the kernel restarts on another database resolves once that one is ready", async () => {
    const { kernel, worker } = setup();
    const first = kernel.warmUp();
    const second = kernel.restart("postgresql");
    worker().send({ type: "progress", database: "postgresql", phase: "ready", ms: 900 });
    await expect(Promise.all([first, second])).resolves.toEqual([undefined, undefined]);
  });

  it("refuses a target that is not among the cells", async () => {
    const { kernel } = setup();
    await expect(kernel.run(cells, "zz")).rejects.toThrow(/no cell with id "zz"/);
  });
});
