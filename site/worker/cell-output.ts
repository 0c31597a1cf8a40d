/**
 * One cell's output on its way to the page: sent as it is written, and bounded.
 *
 * Each echo log record, and each `print()` up to `AT_ONCE_PER_WINDOW` of them in a 16 ms window, is
 * posted at once, before the cell's next statement: a cell that hangs right after printing (an
 * endless loop the time limit ends by terminating the worker) has already sent what it printed, so
 * the page shows it. Prints beyond that in one window (a flood: a loop printing thousands of lines)
 * gather and go out as one message with the next write after the window, before the next log record,
 * 16 ms later, or when the cell ends — so a flood costs the page a few hundred messages, not
 * thousands; only the flood's last window is lost if the cell hangs right after it. Past
 * `OUTPUT_LIMITS` (lines or characters, whichever comes first) nothing more is sent: the text is
 * kept here (up to `KEPT_CHARS`) and counted, the cell's `truncated` event says how much was left
 * out (sent 16 ms after the last of it, or when the cell ends), and the page's "Show more" asks for
 * it (`more`) one page at a time.
 */
import type { OutputRecord } from "sqlalchemy/testing";
import type { KernelEvent } from "./protocol.ts";

/** What a cell may send before the rest is held back (a learner prints this much only on purpose). */
export const OUTPUT_LIMITS = { lines: 5_000, chars: 256 * 1024 } as const;
/** Text kept for "Show more" beyond the limit; the rest is only counted. */
export const KEPT_CHARS = 16 * 1024 * 1024;
/** How long the count of held-back text waits for more before it is reported. */
const REPORT_DELAY_MS = 16;
/** Prints posted at once per window; past that, they gather until the window ends. */
export const AT_ONCE_PER_WINDOW = 64;
const WINDOW_MS = 16;

const now = performance.now.bind(performance);

const realSetTimeout = globalThis.setTimeout.bind(globalThis);
const realClearTimeout = globalThis.clearTimeout.bind(globalThis);

function countLines(text: string): number {
  let n = 0;
  for (let i = text.indexOf("\n"); i >= 0; i = text.indexOf("\n", i + 1)) n++;
  return n;
}

/** The longest head of `text` within `lines` newlines and `chars` characters. */
function head(text: string, lines: number, chars: number): string {
  let end = Math.min(text.length, chars);
  let seen = 0;
  for (let i = text.indexOf("\n"); i >= 0 && i < end; i = text.indexOf("\n", i + 1)) {
    if (++seen >= lines) {
      end = i + 1;
      break;
    }
  }
  return text.slice(0, end);
}

export class CellOutput {
  readonly runId: number;
  readonly cellId: string;
  readonly #post: (event: KernelEvent) => void;
  #lines = 0;
  #chars = 0;
  #timer: ReturnType<typeof setTimeout> | undefined;
  /** When the current window began, and the prints posted in it. */
  #windowStart = Number.NEGATIVE_INFINITY;
  #atOnce = 0;
  /** Prints gathered past `AT_ONCE_PER_WINDOW`, and the timer that sends them. */
  #gathered: string[] = [];
  #gatherTimer: ReturnType<typeof setTimeout> | undefined;
  /** Text past the limit, kept for "Show more". */
  #kept: string[] = [];
  #keptChars = 0;
  #hiddenLines = 0;
  #hiddenChars = 0;
  #reported = { lines: 0, chars: 0 };
  /** A cell that ended or was cancelled sends nothing more (a late write is dropped). */
  closed = false;

  constructor(post: (event: KernelEvent) => void, runId: number, cellId: string) {
    this.#post = post;
    this.runId = runId;
    this.cellId = cellId;
  }

  get overLimit(): boolean {
    return this.#lines >= OUTPUT_LIMITS.lines || this.#chars >= OUTPUT_LIMITS.chars;
  }

  /** The output sink of this cell (`setOutputSink`). */
  readonly write = (record: OutputRecord): void => {
    if (this.closed) return;
    if (record.kind === "print") this.#print(record.text);
    else this.#log(record);
  };

  #print(text: string): void {
    if (this.overLimit) {
      this.#hide(text);
      return;
    }
    const shown = head(text, OUTPUT_LIMITS.lines - this.#lines, OUTPUT_LIMITS.chars - this.#chars);
    this.#lines += countLines(shown);
    this.#chars += shown.length;
    const t = now();
    if (t - this.#windowStart >= WINDOW_MS) {
      this.#windowStart = t;
      this.#atOnce = 0;
    }
    if (this.#atOnce < AT_ONCE_PER_WINDOW) {
      this.#atOnce++;
      const gathered = this.#takeGathered();
      this.#post({ type: "print", runId: this.runId, cellId: this.cellId, text: gathered + shown });
    } else {
      this.#gathered.push(shown);
      this.#gatherTimer ??= realSetTimeout(() => this.#sendGathered(), WINDOW_MS);
    }
    if (shown.length < text.length) this.#hide(text.slice(shown.length));
  }

  #takeGathered(): string {
    if (this.#gatherTimer !== undefined) realClearTimeout(this.#gatherTimer);
    this.#gatherTimer = undefined;
    if (!this.#gathered.length) return "";
    const text = this.#gathered.join("");
    this.#gathered = [];
    return text;
  }

  #sendGathered(): void {
    const text = this.#takeGathered();
    if (text) this.#post({ type: "print", runId: this.runId, cellId: this.cellId, text });
  }

  #log(record: Exclude<OutputRecord, { kind: "print" }>): void {
    if (this.overLimit) {
      this.#hide(record.text);
      return;
    }
    this.#sendGathered();
    this.#lines += countLines(record.text);
    this.#chars += record.text.length;
    this.#post({
      type: "log",
      runId: this.runId,
      cellId: this.cellId,
      logger: record.name,
      level: record.level,
      message: record.message,
      text: record.text,
      ...(record.tag ? { tag: record.tag } : {}),
    });
  }

  #hide(text: string): void {
    this.#hiddenLines += countLines(text);
    this.#hiddenChars += text.length;
    if (this.#keptChars < KEPT_CHARS) {
      const kept = text.slice(0, KEPT_CHARS - this.#keptChars);
      this.#kept.push(kept);
      this.#keptChars += kept.length;
    }
    this.#timer ??= realSetTimeout(() => this.flush(), REPORT_DELAY_MS);
  }

  /** Send the gathered prints, and report how much is held back if that changed. */
  flush(): void {
    this.#sendGathered();
    if (this.#timer !== undefined) realClearTimeout(this.#timer);
    this.#timer = undefined;
    this.#reportHidden();
  }

  #reportHidden(): void {
    if (this.#hiddenLines === this.#reported.lines && this.#hiddenChars === this.#reported.chars) return;
    this.#reported = { lines: this.#hiddenLines, chars: this.#hiddenChars };
    this.#post({
      type: "truncated",
      runId: this.runId,
      cellId: this.cellId,
      lines: this.#hiddenLines,
      chars: this.#hiddenChars,
    });
  }

  /** The next page of the held-back text ("Show more"), then how much is still held back. */
  more(): void {
    this.#sendGathered();
    const text = this.#kept.join("");
    const page = head(text, OUTPUT_LIMITS.lines, OUTPUT_LIMITS.chars);
    const rest = text.slice(page.length);
    this.#kept = rest ? [rest] : [];
    this.#keptChars = rest.length;
    this.#hiddenLines = Math.max(0, this.#hiddenLines - countLines(page));
    this.#hiddenChars = Math.max(0, this.#hiddenChars - page.length);
    if (!rest) {
      // what was only counted (past KEPT_CHARS) cannot be shown
      this.#hiddenLines = 0;
      this.#hiddenChars = 0;
    }
    if (page) this.#post({ type: "print", runId: this.runId, cellId: this.cellId, text: page });
    this.#reported = { lines: -1, chars: -1 };
    this.#reportHidden();
  }
}

/** Text of a value or an error message bounded the same way (a 10 MB string is not sent whole). */
export function boundText(text: string): string {
  if (text.length <= OUTPUT_LIMITS.chars && countLines(text) < OUTPUT_LIMITS.lines) return text;
  const shown = head(text, OUTPUT_LIMITS.lines, OUTPUT_LIMITS.chars);
  return `${shown}… (${(text.length - shown.length).toLocaleString("en")} more characters not shown)`;
}
