/**
 * A Core vs ORM comparison (`Compare.astro`): its two sides, each run on a fresh copy of the setup
 * cells' data, then compared — the statements of both sides aligned row by row as a diff aligns
 * lines (statements of the same kind side by side, a side's extra statements as gaps in the other),
 * and a summary per side: statements, transactions, rows fetched, objects loaded, time. On a narrow
 * screen the sides become tabs, the summary on top.
 */
import type { CellDoneEvent, ClientEvent, InspectorEvent, LogEvent } from "../worker/protocol.ts";
import type { CellView } from "./cell-view.ts";
import { el, highlightSql, transactionKind } from "./panels/log.ts";
import type { Strings } from "./strings.ts";

interface SideRun {
  statements: { sql: string; key: string }[];
  done?: CellDoneEvent;
  inspector?: InspectorEvent;
}

/** What aligns two statements: the verb and the table (`INSERT user_account`, `SELECT user_account`). */
export function statementKey(sql: string): string {
  const s = sql.trim().replace(/\s+/g, " ");
  const tx = transactionKind({ tag: "statement", message: s });
  if (tx) return tx;
  const verb = /^(\w+)/.exec(s)?.[1]?.toUpperCase() ?? "";
  const table =
    /^INSERT INTO ("?[\w.]+"?)/i.exec(s)?.[1] ??
    /^UPDATE ("?[\w.]+"?)/i.exec(s)?.[1] ??
    /^DELETE FROM ("?[\w.]+"?)/i.exec(s)?.[1] ??
    /\bFROM ("?[\w.]+"?)/i.exec(s)?.[1] ??
    "";
  return `${verb} ${table}`;
}

/** Rows of a two-column diff: indexes into `a` and `b`, or null for a gap (longest common subsequence). */
export function alignStatements(
  a: readonly string[],
  b: readonly string[],
): [number | null, number | null][] {
  const n = a.length;
  const m = b.length;
  const lcs: number[][] = Array.from({ length: n + 1 }, () => new Array<number>(m + 1).fill(0));
  for (let i = n - 1; i >= 0; i--)
    for (let j = m - 1; j >= 0; j--)
      lcs[i]![j] = a[i] === b[j] ? lcs[i + 1]![j + 1]! + 1 : Math.max(lcs[i + 1]![j]!, lcs[i]![j + 1]!);
  const rows: [number | null, number | null][] = [];
  let i = 0;
  let j = 0;
  while (i < n || j < m) {
    if (i < n && j < m && a[i] === b[j]) rows.push([i++, j++]);
    else if (j < m && (i >= n || lcs[i]![j + 1]! >= lcs[i + 1]![j]!)) rows.push([null, j++]);
    else rows.push([i++, null]);
  }
  return rows;
}

export class CompareView {
  readonly el: HTMLElement;
  readonly setup: readonly string[];
  readonly sides: readonly CellView[];
  readonly #s: Strings;
  readonly #runs = new Map<CellView, SideRun>();
  readonly #summaryBox: HTMLElement | null;
  readonly #diffBox: HTMLElement | null;

  constructor(el: HTMLElement, sides: readonly CellView[], s: Strings) {
    this.el = el;
    this.sides = sides;
    this.#s = s;
    this.setup = (el.dataset.setup ?? "").split(/[\s,]+/).filter(Boolean);
    this.#summaryBox = el.querySelector<HTMLElement>("[data-nb-compare-summary]");
    this.#diffBox = el.querySelector<HTMLElement>("[data-nb-compare-diff]");
    this.#tabs();
  }

  /** Phone layout: the sides as tabs (hidden by CSS on wide screens, where both show). */
  #tabs(): void {
    const list = this.el.querySelector<HTMLElement>("[data-nb-compare-tabs]");
    if (!list) return;
    const tabs: HTMLButtonElement[] = [];
    const select = (index: number) => {
      this.sides.forEach((side, i) => {
        side.el.toggleAttribute("data-active", i === index);
        tabs[i]?.setAttribute("aria-selected", String(i === index));
        if (tabs[i]) tabs[i].tabIndex = i === index ? 0 : -1;
      });
    };
    this.sides.forEach((side, i) => {
      const tab = el("button", "nb-compare-tab", side.side === "orm" ? this.#s.orm : this.#s.core);
      tab.type = "button";
      tab.id = `${side.el.id || `nb-side-${side.id}`}-tab`;
      tab.setAttribute("role", "tab");
      side.el.id ||= `nb-side-${side.id}`;
      tab.setAttribute("aria-controls", side.el.id);
      tab.addEventListener("click", () => select(i));
      tab.addEventListener("keydown", (e) => {
        if (e.key !== "ArrowRight" && e.key !== "ArrowLeft") return;
        const next = (i + (e.key === "ArrowRight" ? 1 : this.sides.length - 1)) % this.sides.length;
        select(next);
        tabs[next]?.focus();
      });
      tabs.push(tab);
      list.append(tab);
    });
    list.hidden = false;
    select(0);
  }

  /** A side is about to run: forget what it showed. */
  begin(side: CellView): void {
    this.#runs.set(side, { statements: [] });
  }

  /** An event of a side's own cell. */
  record(side: CellView, event: ClientEvent): void {
    const run = this.#runs.get(side);
    if (!run) return;
    if (event.type === "log" && event.tag === "statement") {
      run.statements.push({ sql: event.message, key: statementKey(event.message) });
    } else if (event.type === "log" && event.tag === "transaction") {
      const kind = transactionKind(event as LogEvent);
      run.statements.push({ sql: event.message, key: kind ?? event.message });
    } else if (event.type === "cell-done") run.done = event;
    else if (event.type === "inspector") run.inspector = event;
  }

  /** After a side (or both) ran: the aligned statements and the summary. */
  render(): void {
    const [core, orm] = [this.sides.find((c) => c.side === "core"), this.sides.find((c) => c.side === "orm")];
    if (!core || !orm) return;
    const a = this.#runs.get(core);
    const b = this.#runs.get(orm);
    if (this.#summaryBox) {
      this.#summaryBox.replaceChildren(this.#summary([core, orm], [a, b]));
      this.#summaryBox.hidden = false;
    }
    if (this.#diffBox && a?.done && b?.done) {
      this.#diffBox.replaceChildren(this.#diff(a, b));
      this.#diffBox.hidden = false;
    }
  }

  #summary(sides: CellView[], runs: (SideRun | undefined)[]): HTMLElement {
    const s = this.#s;
    const t = el("table", "nb-compare-summary");
    t.append(el("caption", undefined, s.summary));
    const head = el("tr");
    head.append(el("td"));
    for (const side of sides) {
      const th = el("th", undefined, side.side === "orm" ? s.orm : s.core);
      th.scope = "col";
      head.append(th);
    }
    const rows: [string, (r: SideRun) => string][] = [
      ["statements", (r) => String(r.done?.statements ?? "")],
      ["transactions", (r) => String(r.done?.transactions ?? "")],
      [s.rowsFetched, (r) => String(r.inspector?.rowsFetched ?? "")],
      [s.objectsLoaded, (r) => String(r.inspector?.objectsLoaded ?? "")],
      [s.time, (r) => (r.done ? s.ms(r.done.timings.runMs + r.done.timings.transpileMs) : "")],
    ];
    const body = el("tbody");
    for (const [label, value] of rows) {
      const tr = el("tr");
      const th = el("th", undefined, label);
      th.scope = "row";
      tr.append(th);
      for (const run of runs) tr.append(el("td", undefined, run ? value(run) : "—"));
      body.append(tr);
    }
    t.append(el("thead"), body);
    t.tHead!.append(head);
    return t;
  }

  #diff(a: SideRun, b: SideRun): HTMLElement {
    const s = this.#s;
    const t = el("table", "nb-compare-diff");
    t.append(el("caption", undefined, s.statementsAligned));
    const head = el("tr");
    for (const name of [s.core, s.orm]) {
      const th = el("th", undefined, name);
      th.scope = "col";
      head.append(th);
    }
    t.append(el("thead"));
    t.tHead!.append(head);
    const body = el("tbody");
    const cell = (stmt: { sql: string; key: string } | undefined) => {
      const td = el("td");
      if (!stmt) {
        td.className = "nb-gap";
        td.append(el("span", "nb-gap-mark", "—"));
        td.setAttribute("aria-label", "no statement");
        return td;
      }
      const pre = el("pre", "nb-sql");
      highlightSql(stmt.sql, pre);
      td.dataset.key = stmt.key;
      td.append(pre);
      return td;
    };
    for (const [i, j] of alignStatements(
      a.statements.map((x) => x.key),
      b.statements.map((x) => x.key),
    )) {
      const tr = el("tr");
      tr.append(
        cell(i === null ? undefined : a.statements[i]),
        cell(j === null ? undefined : b.statements[j]),
      );
      if (i === null || j === null) tr.dataset.gap = "";
      body.append(tr);
    }
    t.append(body);
    const wrap = el("div", "nb-compare-diff-wrap");
    wrap.append(t);
    return wrap;
  }
}
