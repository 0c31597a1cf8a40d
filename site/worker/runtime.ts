/**
 * The notebook kernel's logic, independent of how messages arrive (the worker entry `kernel.ts`
 * feeds it; tests drive it directly): database start-up, the shared cell scope, running cells
 * (earlier not-yet-run cells first), output capture per cell, the last value, errors mapped to the
 * learner's TypeScript, statement and transaction counts, and the registry of engines and sessions.
 */
import { show_error } from "sqlalchemy";
import { ImportError, ModuleNotFoundError, setOutputSink } from "sqlalchemy/testing";
import { CellContext, CellContexts, isStackOverflow, RecursionError } from "./cell-context.ts";
import { boundText } from "./cell-output.ts";
import {
  DATABASE_URLS,
  type DatabaseAssets,
  DatabaseUnavailable,
  resetDatabase,
  StartSuperseded,
  startDatabase,
} from "./databases.ts";
import { describeError, locate } from "./errors.ts";
import { KernelInstruments } from "./instruments.ts";
import type {
  CellSource,
  CompiledCell,
  DatabaseKind,
  KernelEvent,
  KernelRequest,
  RunOptions,
} from "./protocol.ts";
import { CellScope, cellFunctionSource, type Globals } from "./scope.ts";
import { compileCell, type TypeScript } from "./transpile.ts";
import { DEFAULT_MAX_ROWS, displayValue } from "./values.ts";
import { warmDatabase } from "./warm.ts";

export interface RuntimeHost {
  post(event: KernelEvent): void;
  /** The module a cell's `import` names (`sqlalchemy`, `sqlalchemy/orm`, …), or null if there is none. */
  loadModule(specifier: string): Promise<Record<string, unknown>> | null;
  loadTypeScript(): Promise<TypeScript>;
  /** Where the bundler put the databases' files. */
  readonly assets?: DatabaseAssets;
}

const pythonModuleName = (spec: string) => spec.replaceAll("/", ".");

/** What standard decorators and `using` need at run time. */
export function ensureSymbols(): void {
  const S = Symbol as unknown as Record<string, symbol | undefined>;
  S.metadata ??= Symbol.for("Symbol.metadata");
  S.dispose ??= Symbol.for("Symbol.dispose");
  S.asyncDispose ??= Symbol.for("Symbol.asyncDispose");
}

const now = () => performance.now();
/** A User Timing mark (visible in a performance trace of the worker); one per name is kept. */
const mark = (name: string) => {
  performance.clearMarks?.(name);
  performance.mark?.(name);
};
const COMPILE_CACHE_SIZE = 200;

/** Global (indirect) eval: the cell's function sees the worker's globals, never the kernel's locals. */
// biome-ignore lint/security/noGlobalEval: running the learner's code is what the kernel is for
const globalEval = globalThis.eval;
function evaluate(source: string): unknown {
  return globalEval(source);
}

interface CellOutcome {
  readonly ok: boolean;
  readonly statements: number;
  readonly transactions: number;
}

export class KernelRuntime {
  readonly scope = new CellScope();
  /** The registry of engines and sessions, and the live inspector's view of them. */
  readonly instruments = new KernelInstruments();
  readonly registry = this.instruments.registry;
  readonly inspector = this.instruments.inspector;
  /** Cells whose bindings are live in this kernel. */
  readonly ran = new Set<string>();
  database: DatabaseKind | null = null;
  pgdataUrl: string | undefined;
  readonly #host: RuntimeHost;
  readonly #modules = new Map<string, Record<string, unknown>>();
  readonly #stopped = new Set<number>();
  #queue: Promise<void> = Promise.resolve();
  /** Cells compiled in this kernel, by source (a re-run does not transpile again). */
  readonly #compiled = new Map<string, CompiledCell>();
  /** Each cell's last run: its output and the timers it left behind. */
  readonly contexts = new CellContexts();
  #evals = 0;

  constructor(host: RuntimeHost) {
    this.#host = host;
    ensureSymbols();
    Error.stackTraceLimit = Math.max(Error.stackTraceLimit ?? 10, 64);
  }

  /**
   * Requests are handled one at a time, in order; `stop`, `inspect`, `preload-transpiler` and `start`
   * at once (the page sends `start` only when it creates or adopts the worker, before any run).
   */
  handle(request: KernelRequest): Promise<void> {
    switch (request.type) {
      case "stop":
        this.#stopped.add(request.runId);
        return Promise.resolve();
      case "inspect":
        this.#host.post({ type: "state", requestId: request.requestId, ...this.inspect() });
        return Promise.resolve();
      case "preload-transpiler":
        return this.#host.loadTypeScript().then(
          () => {},
          () => {},
        );
      case "ping":
        this.#host.post({ type: "pong", requestId: request.requestId });
        return Promise.resolve();
      case "more":
        this.contexts.get(request.cellId)?.output.more();
        return Promise.resolve();
      case "early":
        // the worker's entry hands these to the downloads (kernel.ts, assets.ts)
        for (const r of request.responses) void r.body.cancel().catch(() => {});
        return Promise.resolve();
      case "start":
        // Not queued behind an earlier start: when the page switches to the other database before
        // the first has started (PGlite takes seconds), the switch does not wait for it. A run
        // awaits its own database's start anyway.
        return this.#begin(request).catch((e) => {
          if (!(e instanceof StartSuperseded || e instanceof DatabaseUnavailable)) this.#kernelError(e);
        });
    }
    const next = this.#queue.then(() => this.#dispatch(request));
    this.#queue = next.catch((e) => {
      // a database that could not start has said so (`progress` failed): nothing more to report
      if (!(e instanceof DatabaseUnavailable)) this.#kernelError(e);
    });
    return this.#queue;
  }

  #kernelError(e: unknown): void {
    this.#host.post({ type: "kernel-error", message: e instanceof Error ? e.message : String(e) });
  }

  /**
   * An exception no one caught (a timer's, a promise's rejection): shown in the cell whose code is in
   * its stack, with the line. False when no cell's code is in it.
   */
  uncaught(error: unknown): boolean {
    const stack = error instanceof Error ? String(error.stack ?? "") : "";
    const ctx = this.contexts.fromStack(stack);
    if (!ctx || ctx.cancelled) return !!ctx;
    this.#reportLate(ctx, error);
    return true;
  }

  readonly #located = new Map<CellContext, CompiledCell>();

  #reportLate = (ctx: CellContext, error: unknown): void => {
    if (ctx.cancelled) return;
    ctx.output.flush();
    const compiled = this.#located.get(ctx);
    const pos = compiled ? locate(error, compiled, ctx.sourceUrl) : null;
    this.#host.post({
      type: "error",
      runId: ctx.output.runId,
      cellId: ctx.cellId,
      ...this.#described(error),
      ...(pos ?? {}),
      phase: "runtime",
    });
  };

  #described(error: unknown) {
    const d = describeError(
      isStackOverflow(error) ? new RecursionError("maximum recursion depth exceeded") : error,
    );
    return { ...d, message: boundText(d.message) };
  }

  async #begin(request: Extract<KernelRequest, { type: "start" }>): Promise<void> {
    mark("kernel:start");
    if (request.pgdataUrl) this.pgdataUrl = request.pgdataUrl;
    if (this.database !== request.database) this.#forget();
    this.database = request.database;
    await this.#start(request.database);
    mark("kernel:database-ready");
    await this.#preload("sqlalchemy");
    this.#status("started");
  }

  inspect() {
    const nameOf = (value: unknown) => {
      for (const [name, v] of this.scope.entries()) if (v === value) return name;
      return undefined;
    };
    return { engines: this.registry.engineStates(nameOf), sessions: this.registry.sessionStates(nameOf) };
  }

  /** The inspector's snapshot of every live session, connection and engine pool (changes nothing). */
  snapshot() {
    return this.instruments.snapshot(this.#nameOf);
  }

  /** The name a value has in the cells' scope. */
  readonly #nameOf = (value: unknown) => {
    for (const [name, v] of this.scope.entries()) if (v === value) return name;
    return undefined;
  };

  async #dispatch(request: KernelRequest): Promise<void> {
    mark(`kernel:${request.type}`);
    switch (request.type) {
      case "restart":
        this.contexts.cancelAll();
        this.#forget();
        this.database = request.database ?? this.database;
        if (!this.database) return;
        await this.#start(this.database);
        await resetDatabase(this.database);
        this.#status("restarted");
        this.#host.post({ type: "progress", database: this.database, phase: "ready", ms: 0 });
        return;
      case "reset":
        this.contexts.cancelAll();
        if (this.database) await resetDatabase(this.database);
        this.ran.clear();
        this.#status("reset");
        return;
      case "run":
        await this.#run(request.runId, request.cells, request.targetId, request.options ?? {});
        return;
    }
  }

  /** Load a module cells may import (once). */
  async #preload(spec: string): Promise<void> {
    if (this.#modules.has(spec)) return;
    const loading = this.#host.loadModule(spec);
    if (loading) this.#modules.set(spec, this.registry.wrapModule(await loading));
  }

  #forget(): void {
    this.contexts.cancelAll();
    this.#located.clear();
    this.scope.clear();
    this.ran.clear();
    this.registry.clear();
    this.inspector.clear();
  }

  #status(reason: "started" | "restarted" | "reset" | "run"): void {
    this.#host.post({ type: "status", database: this.database, ran: [...this.ran], reason });
  }

  async #start(database: DatabaseKind): Promise<void> {
    try {
      const ms = await startDatabase(
        database,
        (p) => this.#host.post({ type: "progress", database, ...p }),
        { ...this.#host.assets, ...(this.pgdataUrl ? { pgdataUrl: this.pgdataUrl } : {}) },
        () => this.database === database,
      );
      this.#host.post({ type: "progress", database, phase: "ready", ms });
      // before any cell's first statement; outside everything a cell shows (warm.ts)
      await warmDatabase(database, DATABASE_URLS[database]);
    } catch (e) {
      if (e instanceof StartSuperseded) {
        if (this.database === database) return this.#start(database); // wanted again meanwhile
        throw e;
      }
      const unavailable = e instanceof DatabaseUnavailable ? e : DatabaseUnavailable.from(database, e);
      this.#host.post({ type: "progress", database, phase: "failed", message: unavailable.message });
      throw unavailable;
    }
  }

  async #run(
    runId: number,
    cells: readonly CellSource[],
    targetId: string,
    options: RunOptions,
  ): Promise<void> {
    const t0 = now();
    const database = this.database ?? "sqlite";
    this.database = database;
    let ok = true;
    let stopped = false;
    const ran: string[] = [];
    let statements = 0;
    let transactions = 0;
    try {
      await this.#start(database);
      if (options.fresh) {
        await resetDatabase(database);
        this.#forget();
      }
      const index = cells.findIndex((c) => c.id === targetId);
      const toRun = options.alone
        ? cells.slice(index, index + 1)
        : cells.slice(0, index + 1).filter((c) => c.id === targetId || !this.ran.has(c.id));
      for (const cell of toRun) {
        if (this.#stopped.has(runId)) {
          stopped = true;
          break;
        }
        const outcome = await this.#runCell(runId, cell, options.maxRows ?? DEFAULT_MAX_ROWS);
        ran.push(cell.id);
        statements += outcome.statements;
        transactions += outcome.transactions;
        if (!outcome.ok) {
          ok = false;
          break;
        }
      }
    } catch (e) {
      ok = false;
      if (e instanceof DatabaseUnavailable) {
        const { message } = e;
        this.#host.post({ type: "unavailable", runId, cellId: targetId, database, message });
      } else {
        this.#host.post({ type: "error", runId, cellId: targetId, ...this.#described(e), phase: "runtime" });
      }
    } finally {
      this.#stopped.delete(runId);
    }
    this.#host.post({
      type: "done",
      runId,
      ok: ok && !stopped,
      ran,
      totalMs: now() - t0,
      statements,
      transactions,
      ...(stopped ? { stopped } : {}),
    });
    this.#status("run");
  }

  async #compile(cell: CellSource): Promise<{ compiled?: CompiledCell; ms: number; error?: unknown }> {
    if (cell.compiled && cell.compiled.source === cell.code) return { compiled: cell.compiled, ms: 0 };
    const cached = this.#compiled.get(cell.code);
    if (cached) return { compiled: cached, ms: 0 };
    const t0 = now();
    const ts = await this.#host.loadTypeScript();
    const result = compileCell(ts, cell.code);
    const ms = now() - t0;
    if (!result.ok) return { ms, error: result.diagnostics };
    if (this.#compiled.size >= COMPILE_CACHE_SIZE) this.#compiled.delete(this.#compiled.keys().next().value!);
    this.#compiled.set(cell.code, result.cell);
    return { compiled: result.cell, ms };
  }

  async #runCell(runId: number, cell: CellSource, maxRows: number): Promise<CellOutcome> {
    const post = this.#host.post;
    const cellId = cell.id;
    post({ type: "cell-start", runId, cellId });
    const endCell = this.instruments.beginCell(cellId, this.#nameOf);
    const finish = (ok: boolean, transpileMs: number, runMs: number): CellOutcome => {
      const { statements, transactions, inspector } = endCell();
      post({ type: "inspector", runId, cellId, ...inspector });
      post({
        type: "cell-done",
        runId,
        cellId,
        ok,
        timings: { transpileMs, runMs },
        statements,
        transactions,
      });
      return { ok, statements, transactions };
    };

    const { compiled, ms: transpileMs, error: syntax } = await this.#compile(cell);
    if (!compiled) {
      const first = (syntax as { message: string; line: number; column: number }[])[0];
      post({
        type: "error",
        runId,
        cellId,
        name: "SyntaxError",
        module: "builtins",
        message: first?.message ?? "invalid syntax",
        line: first?.line,
        column: first?.column,
        phase: "syntax",
      });
      return finish(false, transpileMs, 0);
    }
    for (const spec of compiled.imports) await this.#preload(spec);

    for (const { spec, name, local } of compiled.lazyImports) {
      const mod = this.#modules.get(spec);
      if (mod && (name === "*" || name in mod)) {
        this.scope.define(local, "const", cellId, () => (name === "*" ? mod : mod[name]));
      }
    }

    const sourceUrl = `cell-${++this.#evals}-${cellId.replace(/[^\w-]/g, "_")}.js`;
    const ctx = new CellContext(post, runId, cellId, sourceUrl, this.#reportLate);
    this.contexts.add(ctx);
    this.#located.set(ctx, compiled);
    // Output of the cell's own code, and of the engine work it awaits, goes to this cell (a timer or
    // a `print` of this cell later still does: `CellContext`).
    setOutputSink(ctx.output.write);

    const writebacks: (() => void)[] = [];
    let last: unknown;
    let finished = false;
    const k = this.#cellApi(ctx, writebacks, (v) => {
      last = v;
      return v;
    });
    k.finished = () => {
      finished = true;
    };
    const t0 = now();
    let error: unknown = null;
    let failed = false;
    mark(`kernel:eval:${cellId}`);
    try {
      const fn = evaluate(cellFunctionSource(compiled, this.scope, k.globals, sourceUrl)) as (
        k: unknown,
      ) => Promise<unknown>;
      await fn(k);
    } catch (e) {
      failed = true;
      error = e;
    } finally {
      for (const wb of writebacks) {
        try {
          wb();
        } catch {
          // a binding that never got a value
        }
      }
    }
    const runMs = now() - t0;
    mark(`kernel:ran:${cellId}`);
    ctx.output.flush();
    if (failed) {
      const pos = locate(error, compiled, sourceUrl);
      post({ type: "error", runId, cellId, ...this.#described(error), ...(pos ?? {}), phase: "runtime" });
      return finish(false, transpileMs, runMs);
    }
    this.ran.add(cellId);
    if (!finished) {
      post({
        type: "notice",
        runId,
        cellId,
        kind: "returned-early",
        text: "The cell returned early: a top-level return ended it before its last line.",
      });
    }
    try {
      const value = displayValue(last, maxRows);
      if (value?.kind === "repr")
        post({ type: "value", runId, cellId, value: { kind: "repr", text: boundText(value.text) } });
      else if (value) post({ type: "value", runId, cellId, value });
    } catch (e) {
      post({ type: "error", runId, cellId, ...this.#described(e), phase: "runtime" });
      return finish(false, transpileMs, runMs);
    }
    return finish(true, transpileMs, runMs);
  }

  #globals(ctx: CellContext): Globals {
    const settings = Object.freeze({ DATABASE_URL: DATABASE_URLS[this.database ?? "sqlite"] });
    const print = ctx.print;
    const log = (...values: unknown[]) => print(...values);
    const console = Object.freeze({ log, info: log, warn: log, error: log, debug: log });
    return Object.freeze({ print, pprint: ctx.pprint, show_error, settings, console, ...ctx.globals() });
  }

  #cellApi(ctx: CellContext, writebacks: (() => void)[], out: (v: unknown) => unknown) {
    const cellId = ctx.cellId;
    const scope = this.scope;
    const modules = this.#modules;
    const importModule = (spec: string, names?: readonly string[]) => {
      const mod = modules.get(spec);
      if (!mod) throw new ModuleNotFoundError(`No module named '${pythonModuleName(spec)}'`);
      for (const name of names ?? []) {
        if (name !== "default" && !(name in mod)) {
          throw new ImportError(`cannot import name '${name}' from '${pythonModuleName(spec)}'`);
        }
      }
      return mod;
    };
    return {
      globals: this.#globals(ctx),
      import: importModule,
      dynamicImport: async (spec: string) => {
        await this.#preload(spec);
        return importModule(spec);
      },
      get: (name: string) => scope.get(name),
      set: (name: string, value: unknown) => scope.set(name, value),
      define: (name: string, kind: "const" | "let" | "var", get: () => unknown, set?: (v: unknown) => void) =>
        scope.define(name, kind, cellId, get, set),
      writeback: (fn: () => void) => writebacks.push(fn),
      out,
      /** Called after the cell's last line (not reached when a top-level `return` ended it). */
      finished: () => {},
    };
  }
}
