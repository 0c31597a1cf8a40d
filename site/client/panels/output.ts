/**
 * The output panel: a cell's output region, showing what the kernel reports in the order it
 * happened — `print` lines and the echo log (`log.ts`: as SQLAlchemy's docs show it, or as Python
 * prints it), then the value of the cell's last expression (a table for rows), an error, and the
 * cell's counts and time.
 *
 * Everything the learner's code produced is put in the page as text (`textContent`, text nodes):
 * never as markup.
 */
import type {
  CellDoneEvent,
  ClientEvent,
  ErrorEvent,
  KernelRestartedEvent,
  TableValue,
  ValueEvent,
} from "../../worker/protocol.ts";
import type { Strings } from "../strings.ts";
import { el, LogStream } from "./log.ts";
import { definePanel, type Panel } from "./panel.ts";

/** Rows a table shows before "Show more". */
export const FIRST_ROWS = 10;

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
  const rowEl = (row: readonly string[]) => {
    const tr = el("tr");
    for (const cell of row) tr.append(el("td", undefined, cell));
    return tr;
  };
  for (const row of value.rows.slice(0, FIRST_ROWS)) body.append(rowEl(row));
  t.append(head, body);
  wrap.append(t);
  // A wide table scrolls inside its own box: make that box reachable from the keyboard.
  wrap.tabIndex = 0;
  wrap.setAttribute("role", "group");
  wrap.setAttribute("aria-label", caption.textContent ?? "");
  const rest = value.rows.slice(FIRST_ROWS);
  if (!rest.length) return wrap;
  const box = el("div", "nb-table-box");
  const more = el("button", "nb-button nb-more", s.showMoreRows(rest.length));
  more.type = "button";
  more.addEventListener("click", () => {
    for (const row of rest) body.append(rowEl(row));
    more.remove();
  });
  box.append(wrap, more);
  return box;
}

/** Why the kernel was restarted under a run, in the page's language. */
function restartedText(s: Strings, event: KernelRestartedEvent): string {
  switch (event.reason) {
    case "timeout":
      return s.restartedTimeout(event.seconds ?? 0);
    case "crashed":
      return s.restartedCrashed(event.detail ?? "worker error");
    default:
      return s.restartedStopped;
  }
}

export class OutputView implements Panel {
  readonly region: HTMLElement;
  readonly #s: Strings;
  #stream: LogStream | null = null;
  #toggle: HTMLButtonElement | null = null;

  constructor(region: HTMLElement, s: Strings) {
    this.region = region;
    this.#s = s;
  }

  handle(event: ClientEvent): void {
    switch (event.type) {
      case "cell-start":
        this.clear();
        return;
      case "print":
        this.print(event.text);
        return;
      case "log":
        this.#streamOf().log(event);
        this.#showToggle();
        return;
      case "value":
        this.value(event);
        return;
      case "error":
        this.error(event);
        return;
      case "cell-done":
        this.stats(event);
        return;
      case "kernel-restarted":
        this.notice(restartedText(this.#s, event), "restarted");
        return;
    }
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
    this.region.removeAttribute("data-raw");
    this.#stream = null;
    this.#toggle = null;
  }

  markStale(): void {
    if (this.region.childElementCount) this.region.dataset.stale = "";
  }

  #streamOf(): LogStream {
    if (!this.#stream) {
      this.#stream = new LogStream();
      this.region.append(this.#stream.formatted, this.#stream.raw);
    }
    return this.#stream;
  }

  /** One toggle per output, at its top: the log as the docs show it, or as Python prints it. */
  #showToggle(): void {
    if (this.#toggle) return;
    const toggle = el("button", "nb-button nb-raw-toggle", this.#s.rawLog);
    toggle.type = "button";
    toggle.setAttribute("aria-pressed", "false");
    toggle.addEventListener("click", () => {
      const raw = toggle.getAttribute("aria-pressed") !== "true";
      toggle.setAttribute("aria-pressed", String(raw));
      this.region.toggleAttribute("data-raw", raw);
    });
    this.#toggle = toggle;
    this.region.prepend(toggle);
  }

  print(text: string): void {
    // The text is what Python's print() writes, its newline included.
    this.#streamOf().print(text);
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

export const outputPanel = definePanel({
  name: "output",
  events: ["cell-start", "print", "log", "value", "error", "cell-done", "kernel-restarted"],
  create: (host) => new OutputView(host.el.querySelector<HTMLElement>("[data-nb-output]")!, host.strings),
});
