/**
 * The messages between a notebook page and its kernel (the module Web Worker in `kernel.ts`).
 *
 * The page sends `KernelRequest`s; the worker answers with `KernelEvent`s. Every event that belongs to
 * a run carries that run's `runId`, so the page can drop the events of a run it has given up on
 * (stale-result guard). Values cross the boundary as plain data (structured clone): Python-formatted
 * text, never live objects.
 */

export type DatabaseKind = "postgresql" | "sqlite";

/** A cell as the page knows it: its source and, for starter code, what the build transpiled. */
export interface CellSource {
  /** Stable within a page, e.g. `engine-1`. */
  readonly id: string;
  /** The learner's TypeScript. */
  readonly code: string;
  /** Compiled at build time from `code` (`compileCell()` in `transpile.ts`); used only if `code` matches. */
  readonly compiled?: CompiledCell;
}

/** What `compileCell()` produces: JavaScript ready for the kernel plus what it needs to map errors back. */
export interface CompiledCell {
  /** The TypeScript this was compiled from (the kernel checks it against the cell's current code). */
  readonly source: string;
  /** The cell body: imports rewritten to `__k.import()`, the last expression passed to `__k.out()`. */
  readonly js: string;
  /** Source map (v3 `mappings`) from `js` to the TypeScript, after the edits listed in `shifts`. */
  readonly mappings: string;
  /** Column shifts the kernel made in the TypeScript before transpiling (0-based line / column). */
  readonly shifts: readonly { line: number; column: number; length: number }[];
  /** Top-level bindings the cell declares (shared with later cells) and how: `const`, `let`, `var`. */
  readonly declared: readonly { name: string; kind: "const" | "let" | "var" }[];
  /** Every identifier the cell mentions (a superset of the free names it reads from earlier cells). */
  readonly mentioned: readonly string[];
  /** Names the cell assigns to (`x = …`, `x++`): written back to the shared scope when it ends. */
  readonly assigned: readonly string[];
  /** 0-based JS lines whose `import` was rewritten (their columns no longer match the source map). */
  readonly importLines: readonly number[];
  /** Module specifiers the cell imports (the kernel loads them before running it). */
  readonly imports: readonly string[];
  /**
   * Imported names TypeScript dropped because this cell uses them only as types or not at all: the
   * kernel still shares them with later cells (a notebook's first cell often only imports).
   */
  readonly lazyImports: readonly { readonly spec: string; readonly name: string; readonly local: string }[];
}

export interface RunOptions {
  /**
   * Start from the starting data: reset the database, forget every binding and run the given cells
   * from the first (the compare view runs each side this way). Otherwise cells that already ran in
   * this kernel are skipped, as in a notebook.
   */
  readonly fresh?: boolean;
  /** Rows of a result table sent to the page (the total is always counted). Default 50. */
  readonly maxRows?: number;
  /** Run only the target, not the earlier cells that have not run ("Run this cell anyway"). */
  readonly alone?: boolean;
}

// ---------------------------------------------------------------------------------------------
// Page → kernel

/** A response the page received, its body (a transferred stream) not read yet. */
export interface EarlyResponse {
  readonly url: string;
  readonly status: number;
  readonly headers: readonly (readonly [string, string])[];
  readonly body: ReadableStream<Uint8Array>;
}

export type KernelRequest =
  /** Start (or switch to) a database: the kernel forgets every binding when the database changes. */
  | {
      readonly type: "start";
      readonly database: DatabaseKind;
      readonly pgdataUrl?: string;
      /**
       * The page's head began downloading the database's files before the worker existed
       * (site/integrations/kernel-preload.ts): an `early` request follows with their responses, which
       * the kernel reads instead of asking again.
       */
      readonly early?: boolean;
    }
  /** The responses a `start` with `early` announced (their bodies transferred, not read yet). */
  | { readonly type: "early"; readonly responses: readonly EarlyResponse[] }
  /**
   * Run `targetId`, first running the cells before it (in `cells`, in page order) that have not run
   * in this kernel yet. Cells after the target are ignored.
   */
  | {
      readonly type: "run";
      readonly runId: number;
      readonly cells: readonly CellSource[];
      readonly targetId: string;
      readonly options?: RunOptions;
    }
  /** Skip the cells of the current run that have not started (a cell already running ends only by termination). */
  | { readonly type: "stop"; readonly runId: number }
  /** A fresh kernel on the same (or another) database: bindings forgotten, database back to its starting data. */
  | { readonly type: "restart"; readonly database?: DatabaseKind }
  /** Database back to its starting data; bindings kept (the cells are marked not run). */
  | { readonly type: "reset" }
  /** Ask for the live state of the engines and sessions cells created (answered by `state`). */
  | { readonly type: "inspect"; readonly requestId: number }
  /** Load the transpiler now (the page sends this when the learner first edits a cell). */
  | { readonly type: "preload-transpiler" }
  /** The next page of a cell's held-back output ("Show more"; answered by `print` and `truncated`). */
  | { readonly type: "more"; readonly cellId: string }
  /** Is the kernel listening? (answered at once by `pong`, even while a request is being handled). */
  | { readonly type: "ping"; readonly requestId: number };

/**
 * The page's first message to a new worker, on the worker's own channel: one end of a
 * `MessageChannel`, the only channel requests and events use from then on (see `guard.ts`).
 */
export interface ConnectMessage {
  readonly type: "connect";
}

// ---------------------------------------------------------------------------------------------
// Kernel → page

/** One line of `print()` / `console.log()` output, formatted as Python prints. */
export interface PrintEvent {
  readonly type: "print";
  readonly runId: number;
  readonly cellId: string;
  readonly text: string;
}

/** One record of SQLAlchemy's logging (the `echo=True` log). */
export interface LogEvent {
  readonly type: "log";
  readonly runId: number;
  readonly cellId: string;
  /** Logger name, e.g. `sqlalchemy.engine.Engine`. */
  readonly logger: string;
  readonly level: "DEBUG" | "INFO" | "WARNING" | "ERROR";
  readonly message: string;
  /** `statement` (SQL text: highlight it), `params`, `transaction`, `pool`. */
  readonly tag?: "statement" | "params" | "transaction" | "pool";
  /** The line exactly as Python's logging writes it (with asctime, level and logger). */
  readonly text: string;
}

/** A result table: the cell's last expression was a Result or a list of Rows. */
export interface TableValue {
  readonly kind: "table";
  /** Column names (`result.keys()`). */
  readonly columns: readonly string[];
  /** The first rows, each value as Python's `repr()`. */
  readonly rows: readonly (readonly string[])[];
  /** How many rows there were in all (more than `rows.length` when truncated). */
  readonly total: number;
}

/** Any other value: its Python `repr()` (what Jupyter shows as `Out[n]`). */
export interface ReprValue {
  readonly kind: "repr";
  readonly text: string;
}

export interface ValueEvent {
  readonly type: "value";
  readonly runId: number;
  readonly cellId: string;
  readonly value: TableValue | ReprValue;
}

/** An exception the cell did not catch, or a syntax error found while transpiling. */
export interface ErrorEvent {
  readonly type: "error";
  readonly runId: number;
  readonly cellId: string;
  /** Class name, e.g. `ProgrammingError`, `SyntaxError`, `TypeError`. */
  readonly name: string;
  /** Python module of the class (`sqlalchemy.exc`, `builtins`, …). */
  readonly module: string;
  /** `str(exception)`: for SQLAlchemy errors, the full multi-line message Python shows. */
  readonly message: string;
  /** 1-based position in the learner's TypeScript, when known. */
  readonly line?: number;
  readonly column?: number;
  /** `syntax`: the cell did not compile (nothing ran); `runtime`: it raised while running. */
  readonly phase: "syntax" | "runtime";
}

/** Output of the cell held back past its limit (`cell-output.ts`); zero when all of it is shown. */
export interface TruncatedEvent {
  readonly type: "truncated";
  readonly runId: number;
  readonly cellId: string;
  /** Lines and characters not shown (so far). */
  readonly lines: number;
  readonly chars: number;
}

/** Something the learner should know about how the cell ran (e.g. a top-level `return`). */
export interface NoticeEvent {
  readonly type: "notice";
  readonly runId: number;
  readonly cellId: string;
  readonly kind: "returned-early";
  readonly text: string;
}

export interface CellStartEvent {
  readonly type: "cell-start";
  readonly runId: number;
  readonly cellId: string;
}

export interface Timings {
  /** Transpiling (0 when the build had compiled the cell). */
  readonly transpileMs: number;
  /** Running the cell (awaiting it when it is async). */
  readonly runMs: number;
}

export interface CellDoneEvent {
  readonly type: "cell-done";
  readonly runId: number;
  readonly cellId: string;
  readonly ok: boolean;
  readonly timings: Timings;
  /** SQL statements sent to the database by this cell (`before_cursor_execute`). */
  readonly statements: number;
  /** Transactions begun by this cell (`begin` events on connections). */
  readonly transactions: number;
}

/** The run is over (every requested cell ran, one failed, or it was stopped). */
export interface DoneEvent {
  readonly type: "done";
  readonly runId: number;
  readonly ok: boolean;
  /** Ids of the cells that ran, in order. */
  readonly ran: readonly string[];
  /** From receiving the request to the end, including waiting for the database to start. */
  readonly totalMs: number;
  readonly statements: number;
  readonly transactions: number;
  readonly stopped?: boolean;
}

/** Database start-up: `loading` (download / instantiate), `ready`, `failed`. */
export interface ProgressEvent {
  readonly type: "progress";
  readonly database: DatabaseKind;
  readonly phase: "loading" | "ready" | "failed";
  /** Bytes so far / expected, when downloading. */
  readonly loaded?: number;
  readonly total?: number;
  /** On `ready`: milliseconds the start took. On `failed`: the reason, in plain words. */
  readonly ms?: number;
  readonly message?: string;
}

/** The kernel's database could not start: the run's cells did not run (`message` says why). */
export interface UnavailableEvent {
  readonly type: "unavailable";
  readonly runId: number;
  readonly cellId: string;
  readonly database: DatabaseKind;
  readonly message: string;
}

/** The kernel's binding state changed: which cells count as run (after restart/reset/fresh runs). */
export interface KernelStatusEvent {
  readonly type: "status";
  readonly database: DatabaseKind | null;
  /** Cells that ran in this kernel and whose bindings are live. */
  readonly ran: readonly string[];
  /** Why: `started`, `restarted`, `reset`, `run`. */
  readonly reason: "started" | "restarted" | "reset" | "run";
}

/** Live state of one engine a cell created. */
export interface EngineState {
  readonly id: number;
  /** The cell that created it. */
  readonly cellId: string;
  /** The variable that holds it in the shared scope, if any. */
  readonly name?: string;
  /** `repr(engine)`, e.g. `Engine(postgresql://scott:***@localhost/test)`. */
  readonly repr: string;
  readonly async: boolean;
  readonly poolClass: string;
  /** `pool.status()` text. */
  readonly poolStatus: string;
  readonly pool: {
    readonly size?: number;
    readonly checkedin?: number;
    readonly checkedout?: number;
    readonly overflow?: number;
  };
  readonly disposed?: boolean;
}

/** One object in a session (identity map, new, deleted). */
export interface ObjectState {
  readonly repr: string;
  /** `transient`, `pending`, `persistent`, `deleted`, `detached`. */
  readonly state: string;
  /** Identity key repr, e.g. `(<class 'User'>, (1,), None)`. */
  readonly identityKey?: string;
  readonly modified?: boolean;
  readonly expiredAttributes?: readonly string[];
}

export interface SessionState {
  readonly id: number;
  readonly cellId: string;
  readonly name?: string;
  readonly async: boolean;
  readonly repr: string;
  readonly inTransaction?: boolean;
  readonly identityMap: readonly ObjectState[];
  readonly new: readonly ObjectState[];
  readonly dirty: readonly ObjectState[];
  readonly deleted: readonly ObjectState[];
  readonly closed?: boolean;
}

export interface StateEvent {
  readonly type: "state";
  readonly requestId: number;
  readonly engines: readonly EngineState[];
  readonly sessions: readonly SessionState[];
}

// ---------------------------------------------------------------------------------------------
// The live inspector (site/worker/inspector.ts): what the cells' sessions, connections and pools
// look like before each statement of a cell and after it.

export interface AttributeSnapshot {
  readonly name: string;
  /** `repr()` of the loaded value (absent when the attribute is not loaded). */
  readonly value?: string;
  readonly loaded: boolean;
  readonly expired: boolean;
  /** Changed since it was loaded: `committed` is the value the database has (`history.deleted`). */
  readonly modified?: boolean;
  readonly committed?: string;
}

export interface ObjectSnapshot {
  /** Class and identity, e.g. `User (1,)` (never the object's own `__repr__()`). */
  readonly label: string;
  readonly className: string;
  readonly state: "transient" | "pending" | "persistent" | "deleted" | "detached";
  /** `repr(state.key)`, e.g. `(<class '__main__.User'>, (1,), None)`. */
  readonly identityKey?: string;
  readonly inIdentityMap: boolean;
  readonly new: boolean;
  readonly dirty: boolean;
  readonly deleted: boolean;
  readonly expired: readonly string[];
  readonly attributes: readonly AttributeSnapshot[];
}

export interface SessionSnapshot {
  readonly id: number;
  readonly cellId: string;
  readonly name?: string;
  readonly async: boolean;
  readonly inTransaction: boolean;
  readonly inNestedTransaction: boolean;
  readonly transactionActive: boolean;
  /** The session's first objects (identity map, then new, dirty, deleted). */
  readonly objects: readonly ObjectSnapshot[];
  /** Objects of the session not listed (a snapshot lists at most MAX_OBJECTS of them). */
  readonly moreObjects?: number;
}

export interface ConnectionSnapshot {
  /** `Connection #n`, numbered in the order the kernel saw them. */
  readonly label: string;
  readonly name?: string;
  readonly engineId: number;
  readonly inTransaction: boolean;
  /** Open savepoints, outermost first. */
  readonly savepoints: readonly string[];
  /** Sent an INSERT / UPDATE / DELETE / DDL in its current transaction. */
  readonly wrote: boolean;
}

export interface EngineSnapshot {
  readonly id: number;
  readonly cellId: string;
  readonly name?: string;
  readonly url: string;
  readonly poolClass: string;
  /** `pool.status()`, as SQLAlchemy prints it. */
  readonly status: string;
  /** The pool's connection slots seen so far, and the Connection holding each checked-out one. */
  readonly slots: readonly {
    readonly slot: number;
    readonly checkedOut: boolean;
    readonly connection?: string;
  }[];
}

export interface InspectorSnapshot {
  readonly sessions: readonly SessionSnapshot[];
  readonly connections: readonly ConnectionSnapshot[];
  readonly engines: readonly EngineSnapshot[];
}

export interface InspectorStep {
  /** The statement about to run (its SQL), or absent for the state after the cell. */
  readonly before?: string;
  readonly snapshot: InspectorSnapshot;
}

/** Sent before `cell-done`: the inspector's steps through the cell (the last one is after it). */
export interface InspectorEvent {
  readonly type: "inspector";
  readonly runId: number;
  readonly cellId: string;
  readonly steps: readonly InspectorStep[];
  /** Steps left out of a cell with very many statements. */
  readonly omitted: number;
  /** Rows the DBAPI cursors returned during the cell. */
  readonly rowsFetched: number;
  /** ORM objects loaded from rows (new in a session's identity map, or expired attributes loaded). */
  readonly objectsLoaded: number;
  /** Milliseconds the kernel spent taking the snapshots during the cell. */
  readonly ms: number;
}

/** The kernel itself failed (a bug, or a module that could not load). */
export interface KernelErrorEvent {
  readonly type: "kernel-error";
  readonly message: string;
}

/** Sent once when the worker's module has loaded and it accepts requests. */
export interface HelloEvent {
  readonly type: "hello";
}

export interface PongEvent {
  readonly type: "pong";
  readonly requestId: number;
}

export type RunEvent =
  | PrintEvent
  | LogEvent
  | ValueEvent
  | ErrorEvent
  | CellStartEvent
  | CellDoneEvent
  | TruncatedEvent
  | NoticeEvent
  | UnavailableEvent
  | InspectorEvent
  | DoneEvent;

export type KernelEvent =
  | RunEvent
  | ProgressEvent
  | KernelStatusEvent
  | StateEvent
  | KernelErrorEvent
  | HelloEvent
  | PongEvent;

/** The client adds this one itself: the worker was terminated (time limit, Stop) and a new one started. */
export interface KernelRestartedEvent {
  readonly type: "kernel-restarted";
  readonly runId: number;
  readonly reason: "timeout" | "stopped" | "crashed";
  /** The cell that was running. */
  readonly cellId?: string;
  /** The run's time limit, for a `timeout`. */
  readonly seconds?: number;
  /** What the browser said of a crash (the worker's error), for `crashed`. */
  readonly detail?: string;
  /** The same in English words, for code that has no page strings (the page says it in its language). */
  readonly message: string;
}

export type ClientEvent = RunEvent | KernelRestartedEvent;
