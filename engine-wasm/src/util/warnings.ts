/**
 * Python's `warnings` module, as far as SQLAlchemy's warnings need it: `warn()`, the filters
 * (`simplefilter`, `filterwarnings` by category), `catch_warnings({ record: true })` and the way an
 * unfiltered warning is shown — `<file>:<line>: SAWarning: <message>` on the output (Python writes it
 * to stderr), the location being the first caller outside the library (what SQLAlchemy's stacklevel
 * search finds: the learner's line), then that line's source when the host can tell it.
 *
 * SQLAlchemy's `util.warn(msg)` is `warn(new SAWarning(msg))`, see `sa_warn()`.
 */
import { SAWarning } from "../exc.ts";
import { UserWarning, Warning } from "./builtins.ts";
import { emit } from "./output.ts";
import { str } from "./repr.ts";

type WarningClass = abstract new (...args: never[]) => Warning;
export type WarningAction = "default" | "error" | "ignore" | "always" | "module" | "once";

/** One warning as `catch_warnings({ record: true })` records it (Python's `warnings.WarningMessage`). */
export class WarningMessage {
  readonly message: Warning;
  readonly category: Function;
  readonly filename: string;
  readonly lineno: number;
  readonly line: string | null;
  constructor(message: Warning, category: Function, filename: string, lineno: number, line: string | null) {
    this.message = message;
    this.category = category;
    this.filename = filename;
    this.lineno = lineno;
    this.line = line;
  }
  __str__(): string {
    return `{message : ${str(this.message)}, category : '${this.category.name}', filename : '${this.filename}', lineno : ${this.lineno}, line : ${this.line === null ? "None" : `'${this.line}'`}}`;
  }
}

/** Where a warning points: the first frame outside the library, as Python's stacklevel finds it. */
export interface WarningLocation {
  filename: string;
  lineno: number;
  /** The source line, when known (Python prints it indented under the warning). */
  line?: string | null;
}

let filters: [WarningAction, WarningClass][] = [];
/** (message, category, location) already shown under "default" / "module"; (message, category) under "once". */
let shown = new Set<string>();
let recording: WarningMessage[] | null = null;

/** The library's own directory (src/): frames in it are not the caller's. */
const LIBRARY = new URL("..", import.meta.url).href.replace(/^file:\/\//, "");

let locate: (() => WarningLocation | null) | null = null;

/**
 * A host's way to say where learner code runs (a notebook cell and line); by default the first frame
 * of the JavaScript stack outside the library.
 */
export function set_warning_location(fn: (() => WarningLocation | null) | null): void {
  locate = fn;
}

function callerLocation(): WarningLocation {
  const given = locate?.();
  if (given) return given;
  // the learner's frame may be deep below a flush: look past V8's default of 10 frames
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = 100;
  const stack = new Error().stack?.split("\n").slice(1) ?? [];
  Error.stackTraceLimit = limit;
  for (const frame of stack) {
    const m = /\(?((?:file:\/\/)?[^\s()]+?):(\d+):\d+\)?$/.exec(frame.trim());
    if (!m) continue;
    const file = m[1]!.replace(/^file:\/\//, "");
    if (file.startsWith(LIBRARY) || file.startsWith("node:") || file.includes("/node_modules/")) continue;
    return { filename: file, lineno: Number(m[2]) };
  }
  // no caller frame: Python's own fallback
  return { filename: "sys", lineno: 1 };
}

function actionFor(category: Function): WarningAction {
  for (const [action, cls] of filters) {
    if (category === cls || category.prototype instanceof cls) return action;
  }
  return "default";
}

/** Python's `warnings.formatwarning()`. */
export function formatwarning(
  message: Warning,
  category: Function,
  filename: string,
  lineno: number,
  line?: string | null,
): string {
  let s = `${filename}:${lineno}: ${category.name}: ${str(message)}\n`;
  if (line) s += `  ${line.trim()}\n`;
  return s;
}

/** Python's `warnings.warn(message, category)`: a Warning instance, or a text and its category. */
export function warn(message: string | Warning, category: WarningClass = UserWarning): void {
  const instance =
    typeof message === "string" ? new (category as unknown as new (m: string) => Warning)(message) : message;
  const cls = instance.constructor;
  const action = actionFor(cls);
  if (action === "ignore") return;
  if (action === "error") throw instance;
  const where = callerLocation();
  const text = str(instance);
  if (action === "once" || action === "default" || action === "module") {
    const key =
      action === "once"
        ? `${cls.name}\u0000${text}`
        : `${cls.name}\u0000${text}\u0000${where.filename}\u0000${action === "module" ? "" : where.lineno}`;
    if (shown.has(key)) return;
    shown.add(key);
  }
  const record = new WarningMessage(instance, cls, where.filename, where.lineno, where.line ?? null);
  if (recording !== null) {
    recording.push(record);
    return;
  }
  emit({ kind: "print", text: formatwarning(instance, cls, where.filename, where.lineno, where.line) });
}

/** SQLAlchemy's `util.warn(msg)`: an SAWarning. */
export function sa_warn(message: string): void {
  warn(new SAWarning(message));
}

/** Python's `warnings.simplefilter(action, category=Warning)`: the new filter goes first. */
export function simplefilter(action: WarningAction, category?: WarningClass): void {
  filters = [[action, category ?? Warning], ...filters];
  shown = new Set();
}

/** Python's `warnings.filterwarnings(action, category=...)` (no message or module patterns). */
export function filterwarnings(action: WarningAction, options: { category?: WarningClass } = {}): void {
  simplefilter(action, options.category);
}

/** Python's `warnings.resetwarnings()`. */
export function resetwarnings(): void {
  filters = [];
  shown = new Set();
}

/**
 * Python's `with warnings.catch_warnings(record=True) as caught:` →
 * `using ctx = warnings.catch_warnings({ record: true })`; `ctx.log` is the list of recorded
 * WarningMessages (null without `record`). Filters set inside are undone at the end of the block.
 */
export function catch_warnings(options: { record?: boolean } = {}): {
  readonly log: WarningMessage[] | null;
  [Symbol.dispose](): void;
} {
  const savedFilters = filters;
  const savedShown = shown;
  const savedRecording = recording;
  const log = options.record ? [] : null;
  if (log !== null) recording = log;
  return {
    log,
    [Symbol.dispose]() {
      filters = savedFilters;
      shown = savedShown;
      recording = savedRecording;
    },
  };
}

/** The module object ports and lessons use as Python's `warnings`. */
export const warnings = {
  warn,
  simplefilter,
  filterwarnings,
  resetwarnings,
  catch_warnings,
  formatwarning,
  WarningMessage,
};
