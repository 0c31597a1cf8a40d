/**
 * The echo log as SQLAlchemy's documentation shows it: each statement a block (its SQL highlighted,
 * with SQLAlchemy's own line breaks), its parameters and cache marker (`[generated in 0.00050s]`,
 * `[cached since 1.2s ago]`) under it; `BEGIN (implicit)`, `COMMIT`, `ROLLBACK` and savepoints as
 * transaction markers; `print()` output in between, in order. The time and logger name of each
 * record are kept, quiet.
 *
 * Beside it, the same stream exactly as Python prints it: the raw lines, byte for byte what the
 * engine's logging and `print()` wrote (`LogEvent.text`, `PrintEvent.text`).
 *
 * Text only: the learner's output never becomes markup.
 */
import type { LogEvent } from "../../worker/protocol.ts";

export function el<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  className?: string,
  text?: string,
): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

const SQL_KEYWORDS = new Set(
  `select from where and or not in is null as on join left right inner outer full cross insert into values
  update set delete create table drop alter add column primary key foreign references unique default
  begin commit rollback savepoint release to order by group having limit offset distinct union all
  exists between like ilike case when then else end returning with recursive integer varchar serial
  text boolean true false cast index if pragma show asc desc count sum avg min max coalesce using
  nulls first last cascade constraint check for share nowait of only view trigger`
    .split(/\s+/)
    .filter(Boolean),
);

/** SQL text → spans (keywords, strings, numbers, parameters), as text nodes only. */
export function highlightSql(sql: string, into: HTMLElement): void {
  const token =
    /('(?:[^']|'')*'|"(?:[^"]|"")*")|(\b\d+(?:\.\d+)?\b)|(%\([\w]+\)s|\$\d+|\?|:\w+)|([A-Za-z_][\w]*)/g;
  let last = 0;
  for (let m = token.exec(sql); m; m = token.exec(sql)) {
    let cls: string | null = null;
    if (m[1]) cls = m[1][0] === "'" ? "nb-sql-string" : "nb-sql-ident";
    else if (m[2]) cls = "nb-sql-number";
    else if (m[3]) cls = "nb-sql-param";
    else if (m[4] && SQL_KEYWORDS.has(m[4].toLowerCase())) cls = "nb-sql-keyword";
    if (!cls) continue;
    if (m.index > last) into.append(sql.slice(last, m.index));
    into.append(el("span", cls, m[0]));
    last = m.index + m[0].length;
  }
  if (last < sql.length) into.append(sql.slice(last));
}

const SAVEPOINT = /^(SAVEPOINT|RELEASE SAVEPOINT|ROLLBACK TO SAVEPOINT)\s/;

/** `begin`, `commit`, `rollback`, `savepoint`, `release`, `rollback-to` (for styling), or null. */
export function transactionKind(event: Pick<LogEvent, "tag" | "message">): string | null {
  const m = event.message;
  if (event.tag === "transaction") {
    if (m.startsWith("BEGIN")) return "begin";
    if (m.startsWith("COMMIT")) return "commit";
    if (m.startsWith("ROLLBACK")) return "rollback";
    return "begin";
  }
  if (event.tag === "statement") {
    const s = SAVEPOINT.exec(m)?.[1];
    if (s === "SAVEPOINT") return "savepoint";
    if (s === "RELEASE SAVEPOINT") return "release";
    if (s === "ROLLBACK TO SAVEPOINT") return "rollback-to";
  }
  return null;
}

/** `[generated in 0.00050s] ('a', 1)` → the marker and the parameters. */
export function splitParams(message: string): { marker: string | null; params: string } {
  const m = /^\[([^\]]*)\]\s?([\s\S]*)$/.exec(message);
  return m ? { marker: m[1]!, params: m[2]! } : { marker: null, params: message };
}

/** The quiet part of a record: what Python's logging puts before the message (time, level, logger). */
function prefixOf(event: LogEvent): string {
  const at = event.text.lastIndexOf(event.message);
  return at > 0 ? event.text.slice(0, at).trimEnd() : "";
}

/** One stream of a cell's output (prints and log records in order), in both views. */
export class LogStream {
  /** The documentation view. */
  readonly formatted: HTMLElement = el("div", "nb-stream");
  /** Exactly as Python prints it. */
  readonly raw: HTMLPreElement = el("pre", "nb-raw");
  #statement: HTMLElement | null = null;
  #printBlock: HTMLElement | null = null;
  hasLog = false;

  print(text: string): void {
    this.raw.append(text);
    this.#statement = null;
    if (!this.#printBlock) {
      this.#printBlock = el("pre", "nb-print");
      this.formatted.append(this.#printBlock);
    }
    // each batch of lines laid out on its own (`.nb-print-chunk`): appending one lays out only that one
    this.#printBlock.append(el("span", "nb-print-chunk", text));
  }

  log(event: LogEvent): void {
    this.hasLog = true;
    this.raw.append(event.text.endsWith("\n") ? event.text : `${event.text}\n`);
    this.#printBlock = null;
    const meta = el("span", "nb-log-meta", prefixOf(event));
    const tx = transactionKind(event);
    if (tx) {
      const marker = el("div", "nb-tx");
      marker.dataset.tx = tx;
      marker.append(meta, " ", el("span", "nb-tx-text", event.message));
      this.formatted.append(marker);
      // a savepoint's parameter line ([no key …] ()) goes under the marker
      this.#statement = event.tag === "statement" ? marker : null;
      return;
    }
    if (event.tag === "statement") {
      const block = el("div", "nb-stmt");
      const sql = el("pre", "nb-sql");
      highlightSql(event.message, sql);
      block.append(meta, sql);
      this.formatted.append(block);
      this.#statement = block;
      return;
    }
    if (event.tag === "params" && this.#statement) {
      const { marker, params } = splitParams(event.message);
      const line = el("div", "nb-params");
      if (marker !== null) {
        const badge = el("span", "nb-cache", marker);
        badge.dataset.cache = marker.split(" ")[0] ?? "";
        line.append(badge, " ");
      }
      line.append(el("code", "nb-params-values", params));
      this.#statement.append(line);
      this.#statement = null;
      return;
    }
    this.#statement = null;
    const line = el("div", `nb-log-line nb-log-${event.level.toLowerCase()}`);
    line.append(meta, " ", el("span", "nb-log-message", event.message));
    this.formatted.append(line);
  }
}
