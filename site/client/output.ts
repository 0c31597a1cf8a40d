/**
 * A cell's output region: what the kernel reports, in the order it happened — `print` lines and the
 * echo log (SQL highlighted) interleaved as in a terminal, then the value of the cell's last
 * expression (a table for rows), an error, and the cell's counts and time.
 *
 * Everything the learner's code produced is put in the page as text (`textContent`, text nodes):
 * never as markup.
 */
import type { CellDoneEvent, ErrorEvent, LogEvent, TableValue, ValueEvent } from "../worker/protocol.ts";
import type { Strings } from "./strings.ts";

function el<K extends keyof HTMLElementTagNameMap>(
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

function table(value: TableValue, s: Strings): HTMLElement {
  const wrap = el("div", "nb-table-wrap");
  const t = el("table", "nb-table");
  const caption = el("caption", undefined, s.rows(value.rows.length, value.total));
  t.append(caption);
  const head = el("thead");
  const hr = el("tr");
  for (const c of value.columns) {
    const th = el("th", undefined, c);
    th.scope = "col";
    hr.append(th);
  }
  head.append(hr);
  const body = el("tbody");
  for (const row of value.rows) {
    const tr = el("tr");
    for (const cell of row) tr.append(el("td", undefined, cell));
    body.append(tr);
  }
  t.append(head, body);
  wrap.append(t);
  // A wide table scrolls inside its own box: make that box reachable from the keyboard.
  wrap.tabIndex = 0;
  wrap.setAttribute("role", "group");
  wrap.setAttribute("aria-label", caption.textContent ?? "");
  return wrap;
}

export class OutputView {
  readonly region: HTMLElement;
  readonly #s: Strings;
  #stream: HTMLElement | null = null;

  constructor(region: HTMLElement, s: Strings) {
    this.region = region;
    this.#s = s;
  }

  get busy(): boolean {
    return this.region.getAttribute("aria-busy") === "true";
  }

  setBusy(busy: boolean): void {
    if (busy) {
      this.region.setAttribute("aria-busy", "true");
      this.region.hidden = false;
    } else {
      this.region.removeAttribute("aria-busy");
    }
  }

  clear(): void {
    this.region.replaceChildren();
    this.region.removeAttribute("data-stale");
    this.#stream = null;
  }

  markStale(): void {
    if (this.region.childElementCount) this.region.dataset.stale = "";
  }

  #streamEl(): HTMLElement {
    if (!this.#stream) {
      this.#stream = el("pre", "nb-stream");
      this.region.append(this.#stream);
    }
    return this.#stream;
  }

  print(text: string): void {
    // The text is what Python's print() writes, its newline included.
    this.#streamEl().append(el("span", "nb-print", text));
  }

  log(event: LogEvent): void {
    const line = el("span", `nb-log nb-log-${event.level.toLowerCase()}`);
    const at = event.text.lastIndexOf(event.message);
    const prefix = at >= 0 ? event.text.slice(0, at) : "";
    if (prefix) line.append(el("span", "nb-log-prefix", prefix));
    if (event.tag === "statement") {
      const sql = el("span", "nb-log-sql");
      highlightSql(at >= 0 ? event.message : event.text, sql);
      line.append(sql);
    } else {
      line.append(
        el(
          "span",
          `nb-log-message${event.tag ? ` nb-log-${event.tag}` : ""}`,
          at >= 0 ? event.message : event.text,
        ),
      );
    }
    line.append("\n");
    this.#streamEl().append(line);
  }

  value(event: ValueEvent): void {
    this.#stream = null;
    if (event.value.kind === "table") this.region.append(table(event.value, this.#s));
    else this.region.append(el("pre", "nb-repr", event.value.text));
  }

  error(event: Pick<ErrorEvent, "name" | "module" | "message" | "line" | "column">, intro?: string): void {
    this.#stream = null;
    const box = el("div", "nb-error");
    box.dataset.kind = "error";
    const head = el("p", "nb-error-head");
    head.append(el("strong", "nb-error-class", event.name));
    if (event.line !== undefined)
      head.append(" ", el("span", "nb-error-where", this.#s.atLine(event.line, event.column ?? 1)));
    if (intro) box.append(el("p", "nb-error-intro", intro));
    box.append(head);
    const qualified =
      event.module && event.module !== "builtins" ? `${event.module}.${event.name}` : event.name;
    box.append(el("pre", "nb-error-message", `${qualified}: ${event.message}`));
    this.region.append(box);
  }

  notice(text: string, kind: "restarted" | "skipped" | "info" = "info"): void {
    this.#stream = null;
    const p = el("p", "nb-output-notice", text);
    p.dataset.kind = kind;
    this.region.append(p);
  }

  stats(done: Pick<CellDoneEvent, "statements" | "transactions" | "timings">): void {
    this.#stream = null;
    const s = this.#s;
    const p = el("p", "nb-stats");
    const ms = done.timings.runMs + done.timings.transpileMs;
    p.append(
      el("span", undefined, s.statements(done.statements)),
      " · ",
      el("span", undefined, s.transactions(done.transactions)),
      " · ",
      el("span", undefined, s.ms(ms)),
    );
    this.region.append(p);
  }
}
