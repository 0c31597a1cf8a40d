/**
 * The notebook of one lesson page: its cells, the comparisons, the page's bar, and the kernel (one
 * module Web Worker, `./kernel.ts`) they all run in. Loaded by `boot.ts` once the page's database is
 * ready or at the learner's first action (see there).
 *
 * Cells run one request at a time, in the order asked. A cell runs after the earlier cells that have
 * not run in this kernel (the kernel decides which); a side of a comparison runs on a fresh database
 * after the comparison's setup cells, so both sides start from the same data.
 */
import type { CellSource, ClientEvent } from "../worker/protocol.ts";
import { BarView, DATABASE_NAMES } from "./bar.ts";
import { cellView } from "./cell-kinds.ts";
import type { CellView } from "./cell-view.ts";
import { CompareView } from "./compare.ts";
import { scopeOf } from "./diagnostics/scope.ts";
import { DATABASE_READY_EVENT } from "./first-work.ts";
import { Kernel, type KernelListener, type RunResult } from "./kernel.ts";
import { FrameBatch } from "./output-batch.ts";
import { ExerciseView } from "./panels/exercise.ts";
import { attachTwin } from "./panels/twin.ts";
import { markCompleted, showProgress } from "./progress.ts";
import {
  blockedNotice,
  crashNotice,
  startFailure,
  storageNotice,
  truncatedNotice,
  unavailableNotice,
} from "./run-notices.ts";
import { clearRunning, crashedCell, markRunning } from "./running-cell.ts";
import { attachShareButton, openShared } from "./share.ts";
import { onStorageLost } from "./storage.ts";
import { type Strings, strings } from "./strings.ts";
import { takeStartedWorker } from "./worker.ts";

/**
 * Editors mount only after this long without a run: loading CodeMirror and building an editor hold
 * the page's thread for tens of milliseconds, which a learner running cells one after another would
 * feel as a slower Run.
 */
const EDITOR_QUIET_MS = 1000;

export class Notebook {
  readonly kernel: Kernel;
  readonly cells: readonly CellView[];
  /** The cells that form the notebook's sequence (the comparisons' sides stand apart). */
  readonly linear: readonly CellView[];
  readonly comparisons: readonly CompareView[];
  readonly bar: BarView;
  readonly #s: Strings;
  #queue: Promise<unknown> = Promise.resolve();
  #pending = 0;
  #transpilerRequested = false;
  #lastRunEnded = Number.NEGATIVE_INFINITY;
  /** Output goes in at most once per frame. */
  readonly #frames = new FrameBatch();
  /** Cells queued or running (a second Run of one of them is ignored). */
  readonly #queued = new Set<CellView>();
  /** The database's start (from warmUp on). */
  #ready: Promise<unknown> = Promise.resolve();

  constructor(doc: Document) {
    this.#s = strings(doc.documentElement.lang);
    this.bar = new BarView(doc.querySelector<HTMLElement>("notebook-bar"), this.#s);
    this.cells = [...doc.querySelectorAll<HTMLElement>("notebook-cell")].map((el) => cellView(el, this.#s));
    // Exercises stand apart too: a learner's unfinished answer never runs before later cells.
    this.linear = this.cells.filter((c) => !c.side && !(c instanceof ExerciseView));
    this.comparisons = [...doc.querySelectorAll<HTMLElement>("notebook-compare")].map(
      (el) =>
        new CompareView(
          el,
          this.cells.filter((c) => c.el.closest("notebook-compare") === el),
          this.#s,
        ),
    );
    for (const [index, cell] of this.cells.entries()) {
      cell.onRun = () => this.run(cell);
      // A cell sees what the cells run before it declared: the page's linear cells above it.
      cell.scope = () =>
        scopeOf(
          this.cells.map((c) => ({
            code: c.code,
            linear: this.linear.includes(c),
            expectsError: c.expectsError,
          })),
          index,
        );
      cell.idle = () => this.#idle();
      cell.onFirstEdit = () => {
        if (this.#transpilerRequested) return;
        this.#transpilerRequested = true;
        this.kernel.preloadTranspiler();
      };
    }
    this.kernel = new Kernel({ database: this.bar.selectedDatabase(), adoptWorker: takeStartedWorker });
    this.kernel.on(this.#onKernelEvent);
    addEventListener("pagehide", () => {
      for (const cell of this.cells) cell.flush();
      clearRunning(); // leaving the page is not a crash (a crashed tab never gets here)
    });
    onStorageLost(() => storageNotice(this.bar.el, this.#s));
    const crashedId = crashedCell();
    const crashed = this.cells.find((c) => c.id === crashedId);
    if (crashed) crashNotice(crashed.output.region, this.#s);
    for (const cell of this.cells) attachTwin(cell.el);
    attachShareButton(this.cells);
    void openShared(this.cells);
    addEventListener("hashchange", () => void openShared(this.cells));
    showProgress(doc);
  }

  /**
   * Start the database now; mount the editors a few at a time once it is ready, no run has happened
   * for a second and the page is idle (loading and parsing CodeMirror must not delay a first run). A cell the
   * learner edited shows their code in an editor at once; one they focus mounts at once too.
   */
  warmUp(): void {
    this.bar.loading(this.kernel.database);
    const ready = this.kernel.warmUp().catch(() => {});
    this.#ready = ready;
    // The offline cache is filled from then on (site/client/offline.ts).
    void ready.then(() => dispatchEvent(new Event(DATABASE_READY_EVENT)));
    const edited = this.cells.filter((c) => c.edited);
    for (const cell of edited) void cell.mount();
    const rest = this.cells.filter((c) => !c.edited);
    const idle =
      (globalThis as { requestIdleCallback?: (f: () => void, o?: { timeout: number }) => void })
        .requestIdleCallback ?? ((f: () => void) => setTimeout(f, 16));
    const next = () => {
      if (this.#pending > 0) {
        void this.#queue.then(() => idle(next, { timeout: 500 }));
        return;
      }
      const quiet = this.#lastRunEnded + EDITOR_QUIET_MS - performance.now();
      if (quiet > 0) {
        setTimeout(() => idle(next, { timeout: 500 }), quiet);
        return;
      }
      const cell = rest.shift();
      if (!cell) return;
      void cell.mount().then(() => idle(next, { timeout: 500 }));
    };
    void ready.then(() => idle(next, { timeout: 500 }));
  }

  /** A button of a cell, a comparison or the bar (delegated from `boot.ts`). */
  action(action: string, button: HTMLElement): void {
    const cell = this.#cellOf(button);
    switch (action) {
      case "run":
        if (cell) void this.run(cell);
        return;
      case "stop":
        this.kernel.stop();
        return;
      case "reset":
        cell?.reset();
        return;
      case "run-all":
        void this.runAll();
        return;
      case "run-both": {
        const comparison = this.comparisons.find((c) => c.el.contains(button));
        if (comparison) void this.runBoth(comparison);
        return;
      }
      case "restart":
        void this.restart();
        return;
      case "check":
        if (cell instanceof ExerciseView) void this.check(cell);
        return;
    }
  }

  /** The learner focused or clicked a cell's code: make it an editor now. */
  edit(el: HTMLElement): void {
    const cell = this.cells.find((c) => c.el === el);
    if (cell) void cell.mount();
  }

  switchDatabase(database: string): void {
    if (database !== "postgresql" && database !== "sqlite") return;
    if (database === this.kernel.database) return;
    for (const cell of this.cells) {
      cell.output.markStale();
      cell.setRan(false);
    }
    this.bar.loading(database);
    void this.kernel.restart(database);
  }

  /** Check an exercise: its setup and the learner's code on fresh data, then its checks. */
  check(cell: ExerciseView): Promise<unknown> {
    return this.#enqueue([cell], () =>
      cell.check(
        (cells, target, onEvent, options) => this.kernel.run(cells, target, onEvent, options),
        this.#setupOf(cell),
      ),
    );
  }

  #setupOf(cell: ExerciseView): CellSource[] {
    return cell
      .setupIds()
      .map((id) => this.cells.find((c) => c.id === id))
      .filter((c): c is CellView => !!c)
      .map((c) => c.source());
  }

  run(cell: CellView, alone = false): Promise<unknown> {
    if (this.#queued.has(cell)) return Promise.resolve(); // already queued or running
    if (cell instanceof ExerciseView) {
      return this.#enqueue([cell], () =>
        this.kernel.run([...this.#setupOf(cell), cell.source()], cell.id, this.#router(cell), {
          fresh: true,
        }),
      );
    }
    const comparison = this.comparisons.find((c) => c.sides.includes(cell));
    if (comparison) return this.#enqueue([cell], () => this.#runSide(comparison, cell));
    return this.#enqueue([cell], () =>
      this.kernel.run(this.#sequence(cell), cell.id, this.#router(cell), alone ? { alone } : {}),
    );
  }

  /** Every cell from the top, on a fresh database. */
  runAll(): Promise<unknown> {
    const last = this.linear.filter((c) => !c.expectsError).at(-1);
    if (!last) return Promise.resolve();
    return this.#enqueue(this.linear, async () => {
      for (const cell of this.cells) cell.setRan(false);
      const result = await this.kernel.run(this.#sequence(last), last.id, this.#router(last), {
        fresh: true,
      });
      if (result.ok && !result.restarted) markCompleted(location.pathname);
      return result;
    });
  }

  runBoth(comparison: CompareView): Promise<unknown> {
    return this.#enqueue(comparison.sides, async () => {
      for (const side of comparison.sides) await this.#runSide(comparison, side);
    });
  }

  restart(): Promise<void> {
    for (const cell of this.cells) cell.setRan(false);
    this.bar.loading(this.kernel.database);
    return this.kernel.restart();
  }

  // -------------------------------------------------------------------------------------------

  /**
   * The cells a run of `target` passes to the kernel: the notebook's cells, except those that show
   * an error on purpose (`expect="error"`), which run only when they are the target — a lesson's
   * error demonstration never stops the cells after it.
   */
  #sequence(target: CellView): CellSource[] {
    return this.linear.filter((c) => c === target || !c.expectsError).map((c) => c.source());
  }

  #cellOf(el: HTMLElement): CellView | undefined {
    const host = el.closest("notebook-cell");
    return this.cells.find((c) => c.el === host);
  }

  /** Resolves once the database has started and no run is queued or running. */
  async #idle(): Promise<void> {
    await this.#ready;
    while (this.#pending > 0) await this.#queue;
  }

  /** Queue a run; its target cells show as busy from now on. */
  #enqueue(targets: readonly CellView[], job: () => Promise<unknown>): Promise<unknown> {
    for (const t of targets) {
      t.output.setBusy(true);
      t.clearMarks();
      t.setQueued(true);
      this.#queued.add(t);
    }
    this.bar.setRunning(++this.#pending > 0);
    const done = this.#queue.then(job).finally(async () => {
      await this.#frames.flushed();
      clearRunning();
      this.#lastRunEnded = performance.now();
      for (const t of targets) {
        t.setRunning(false);
        t.setQueued(false);
        this.#queued.delete(t);
      }
      this.bar.setRunning(--this.#pending > 0);
    });
    this.#queue = done.catch(() => {});
    return done;
  }

  async #runSide(comparison: CompareView, side: CellView): Promise<RunResult> {
    const setup = comparison.setup
      .map((id) => this.cells.find((c) => c.id === id))
      .filter((c): c is CellView => !!c);
    side.output.clear();
    // shown as running from now on (its setup cells run first): written down as running from now on
    markRunning(side.id);
    side.setRunning(true);
    comparison.begin(side);
    const setupErrors: ClientEvent[] = [];
    const result = await this.kernel.run(
      [...setup.map((c) => c.source()), side.source()],
      side.id,
      (event) => {
        if ("cellId" in event && event.cellId !== side.id && event.type === "error") setupErrors.push(event);
        if (event.type === "kernel-restarted" || ("cellId" in event && event.cellId === side.id)) {
          this.#apply(side, event);
          comparison.record(side, event);
        }
      },
      { fresh: true },
    );
    this.#frames.step(() => {
      for (const e of setupErrors)
        if (e.type === "error") side.output.error(e, this.#s.setupFailed(e.cellId));
      side.setRunning(false);
      comparison.render();
    });
    return result;
  }

  /** Events of a run → the outputs of the cells they belong to. */
  #router(target: CellView): (event: ClientEvent) => void {
    let targetStarted = false;
    let failing: CellView | undefined;
    let unavailable = false;
    return (event) => {
      if (event.type === "unavailable") {
        unavailable = true;
        this.#frames.step(() => {
          target.output.clear();
          unavailableNotice(target.output.region, this.#s, DATABASE_NAMES[event.database], event.message);
        });
        return;
      }
      if (event.type === "cell-done" && !event.ok) failing = this.cells.find((c) => c.id === event.cellId);
      if (event.type === "done") {
        if (!targetStarted && !unavailable) {
          const blocker = failing;
          this.#frames.step(() => {
            target.output.clear();
            if (blocker && !event.stopped) {
              blockedNotice(target.output.region, this.#s, blocker, () => void this.run(target, true));
            } else
              target.output.notice(event.stopped ? this.#s.stoppedBeforeRun : this.#s.skipped, "skipped");
          });
        }
        return;
      }
      if (event.type === "kernel-restarted") {
        const cell = this.cells.find((c) => c.id === event.cellId) ?? target;
        this.#apply(cell, event);
        if (cell !== target && !targetStarted) target.output.notice(event.message, "restarted");
        return;
      }
      const cell = this.cells.find((c) => c.id === event.cellId);
      if (!cell) return;
      if (cell === target && event.type === "cell-start") targetStarted = true;
      this.#apply(cell, event);
    };
  }

  /** A cell's event, put in the page at the next frame (prints joined: `output-batch.ts`). */
  #apply(cell: CellView, event: ClientEvent): void {
    if (event.type === "print") {
      this.#frames.print(cell, event.text, (text) => cell.apply({ ...event, text }));
      return;
    }
    if (event.type === "cell-start") markRunning(cell.id);
    this.#frames.step(() => this.#applyNow(cell, event));
  }

  #applyNow(cell: CellView, event: ClientEvent): void {
    switch (event.type) {
      case "truncated":
        truncatedNotice(cell.output.region, this.#s, event, () => this.kernel.more(cell.id));
        return;
      case "notice":
        cell.output.notice(this.#s.returnedEarly, "info");
        return;
      case "unavailable":
        return;
    }
    cell.apply(event);
    if (event.type === "kernel-restarted") for (const c of this.cells) c.setRan(false);
  }

  #onKernelEvent: KernelListener = (event) => {
    if (event.type === "status") {
      const ran = new Set(event.ran);
      for (const cell of this.cells) cell.setRan(ran.has(cell.id));
      return;
    }
    if (event.type === "progress" && event.phase === "failed" && event.database === this.kernel.database) {
      const status = this.bar.el?.querySelector<HTMLElement>("[data-nb-status]");
      if (status) {
        startFailure(status, this.#s, event.message ?? "", () => {
          this.bar.loading(this.kernel.database);
          void this.kernel.retry();
        });
      }
      return;
    }
    if ("cellId" in event && event.type !== "kernel-restarted") {
      // output of a cell after its run (a timer it left, "Show more"): shown in that cell
      const cell = this.cells.find((c) => c.id === event.cellId);
      if (cell) this.#apply(cell, event);
      return;
    }
    this.bar.kernelEvent(event, this.kernel.database);
  };
}

let instance: Notebook | null = null;

/** Called once by `boot.ts`. */
export function start(doc: Document): void {
  if (instance || !doc.querySelector("notebook-cell")) return;
  instance = new Notebook(doc);
  instance.warmUp();
}

export function notebook(): Notebook | null {
  return instance;
}
