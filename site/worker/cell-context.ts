/**
 * What a cell leaves behind belongs to that cell.
 *
 * Each run of a cell gets a `CellContext`: its output (`cell-output.ts`), and the timers it started
 * through the `setTimeout` / `setInterval` / `queueMicrotask` / `self` / `globalThis` its scope sees.
 * A timer's callback writes to its own cell's output (never to the cell running at the time), an
 * exception it throws is shown in its cell with the line, and re-running the cell or restarting the
 * kernel cancels its timers; `print()` of a cancelled cell (a promise that settles later) is dropped.
 */
import { print as enginePrint, type OutputRecord, pformat, setOutputSink } from "sqlalchemy/testing";
import { CellOutput } from "./cell-output.ts";
import type { KernelEvent } from "./protocol.ts";

const real = {
  setTimeout: globalThis.setTimeout.bind(globalThis),
  setInterval: globalThis.setInterval.bind(globalThis),
  clearTimeout: globalThis.clearTimeout.bind(globalThis),
  clearInterval: globalThis.clearInterval.bind(globalThis),
  queueMicrotask: globalThis.queueMicrotask.bind(globalThis),
};

/** Python's `RecursionError` (a JavaScript stack overflow while the cell's code ran). */
export class RecursionError extends Error {
  static readonly __module__ = "builtins";
  constructor(message: string) {
    super(message);
    this.name = "RecursionError";
  }
}

export function isStackOverflow(e: unknown): boolean {
  return e instanceof RangeError && /call stack/i.test(e.message);
}

type Callback = (...args: unknown[]) => unknown;
type TimerId = ReturnType<typeof globalThis.setTimeout>;

export class CellContext {
  readonly output: CellOutput;
  readonly cellId: string;
  readonly sourceUrl: string;
  readonly #timers = new Set<TimerId>();
  readonly #reportError: (ctx: CellContext, e: unknown) => void;
  #cancelled = false;

  constructor(
    post: (event: KernelEvent) => void,
    runId: number,
    cellId: string,
    sourceUrl: string,
    reportError: (ctx: CellContext, e: unknown) => void,
  ) {
    this.cellId = cellId;
    this.output = new CellOutput(post, runId, cellId);
    this.sourceUrl = sourceUrl;
    this.#reportError = reportError;
  }

  get cancelled(): boolean {
    return this.#cancelled;
  }

  /** Timers cleared, later output dropped (the cell runs again, or the kernel restarts). */
  cancel(): void {
    this.#cancelled = true;
    for (const t of this.#timers) real.clearTimeout(t);
    this.#timers.clear();
    this.output.flush();
    this.output.closed = true;
  }

  /** Run `fn` with this cell's output as the sink (restored afterwards). */
  within<T>(fn: () => T): T {
    const previous = setOutputSink(this.output.write);
    try {
      return fn();
    } finally {
      setOutputSink(previous);
    }
  }

  /** A callback the cell left behind: in its cell's output, its exception reported there. */
  #task(fn: unknown, args: unknown[], after?: () => void): () => void {
    return () => {
      after?.();
      if (this.#cancelled || typeof fn !== "function") return;
      try {
        this.within(() => (fn as Callback)(...args));
      } catch (e) {
        this.#reportError(this, e);
      }
      this.output.flush();
    };
  }

  /** The cell's `print`: its own output always; a stack overflow in a repr becomes `RecursionError`. */
  readonly print = (...values: unknown[]): void => {
    if (this.#cancelled) return;
    try {
      this.within(() => enginePrint(...values));
    } catch (e) {
      if (isStackOverflow(e)) {
        throw new RecursionError("maximum recursion depth exceeded while getting the repr of an object");
      }
      throw e;
    }
  };

  /** Python's `pprint(obj)` (`from pprint import pprint`), printed as the cell's `print` does. */
  readonly pprint = (value: unknown): void => {
    if (this.#cancelled) return;
    this.print(this.within(() => pformat(value)));
  };

  /** The timer functions and global objects the cell's scope sees instead of the worker's. */
  globals(): Record<string, unknown> {
    const timers = this.#timers;
    const setTimeout = (fn: unknown, ms?: number, ...args: unknown[]): TimerId => {
      const id: TimerId = real.setTimeout(
        this.#task(fn, args, () => timers.delete(id)),
        ms,
      );
      timers.add(id);
      return id;
    };
    const setInterval = (fn: unknown, ms?: number, ...args: unknown[]): TimerId => {
      const id = real.setInterval(this.#task(fn, args), ms);
      timers.add(id);
      return id;
    };
    const clear = (id: TimerId | undefined) => {
      if (id === undefined) return;
      real.clearTimeout(id);
      timers.delete(id);
    };
    const queueMicrotask = (fn: unknown) => real.queueMicrotask(this.#task(fn, []));
    const own: Record<string, unknown> = {
      setTimeout,
      setInterval,
      clearTimeout: clear,
      clearInterval: clear,
      queueMicrotask,
    };
    const global = globalThis as unknown as Record<PropertyKey, unknown>;
    // `self.setTimeout(…)`, `globalThis.setInterval(…)` reach the cell's timers too; everything else
    // is the worker's global (its functions bound to it, so `self.fetch(…)` still works).
    const view = new Proxy(global, {
      get(target, key) {
        if (typeof key === "string" && Object.hasOwn(own, key)) return own[key];
        if (key === "self" || key === "globalThis") return view;
        const value = Reflect.get(target, key, target);
        const d = Object.getOwnPropertyDescriptor(target, key);
        // a frozen own property must be returned as it is (the proxy's invariant): the inert `close`
        if (d && !d.configurable && !d.writable) return value;
        return typeof value === "function" && typeof key === "string" && /^[a-z]/.test(key)
          ? (value as Callback).bind(target)
          : value;
      },
    });
    return { ...own, self: view, globalThis: view };
  }
}

/** Every cell's live context, to find the cell a stack or a cancel belongs to. */
export class CellContexts {
  readonly #byCell = new Map<string, CellContext>();

  /** A new run of `ctx.cellId`: its previous run's timers are cancelled. */
  add(ctx: CellContext): void {
    this.#byCell.get(ctx.cellId)?.cancel();
    this.#byCell.set(ctx.cellId, ctx);
  }

  get(cellId: string): CellContext | undefined {
    return this.#byCell.get(cellId);
  }

  /** The cell whose code appears in `stack` (innermost frame first). */
  fromStack(stack: string): CellContext | undefined {
    let best: { ctx: CellContext; at: number } | undefined;
    for (const ctx of this.#byCell.values()) {
      const at = stack.indexOf(ctx.sourceUrl);
      if (at >= 0 && (!best || at < best.at)) best = { ctx, at };
    }
    return best?.ctx;
  }

  cancelAll(): void {
    for (const ctx of this.#byCell.values()) ctx.cancel();
    this.#byCell.clear();
  }
}

export type { OutputRecord };
