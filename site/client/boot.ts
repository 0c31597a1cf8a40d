/**
 * The only notebook script that loads with a lesson page; it is kept small. It shows the controls the
 * server rendered hidden, restores the remembered database, and starts the kernel worker and its
 * database (`worker.ts`) as soon as the page has been parsed: the worker downloads and compiles the
 * database on its own thread (its script and the database's files were asked for by the page's head,
 * site/integrations/kernel-preload.ts), so the page's main thread does no more work for it. Until the
 * notebook has loaded, this script shows the worker's progress and "<database> ready" in the bar
 * (`bar.ts`).
 *
 * The notebook (`notebook.ts`: kernel client, outputs, editors) is not needed for that, so it does not
 * compete with the database's download: it loads once the database is ready (or could not start), at
 * the learner's first action (a Run, the database switch, a focus on code: actions taken before it
 * has loaded are replayed once it has), at once when the page has something to show in a cell (the
 * learner's own code, a shared link, a cell that was running when the page last stopped), and at the
 * latest a few seconds after the page has loaded (a slow download does not keep the editors waiting).
 * It adopts the worker started here.
 */

import type { KernelEvent } from "../worker/protocol.ts";
import { BarView } from "./bar.ts";
import { readItem, writeItem } from "./storage.ts";
import { strings } from "./strings.ts";
import { prestartKernel } from "./worker.ts";

type NotebookModule = typeof import("./notebook.ts");

export const DATABASE_KEY = "nb:database";

/** After the page's load event, the notebook loads by then even if the database is still downloading. */
const NOTEBOOK_LATEST_MS = 3000;

let loading: Promise<NotebookModule> | null = null;

function load(): Promise<NotebookModule> {
  loading ??= import("./notebook.ts").then((m) => {
    m.start(document);
    return m;
  });
  return loading;
}

/** The database the page's switch shows (the notebook reads the same). */
function selectedDatabase(): "postgresql" | "sqlite" {
  const checked = document.querySelector<HTMLInputElement>('notebook-bar input[name="nb-database"]:checked');
  return checked?.value === "sqlite" ? "sqlite" : "postgresql";
}

/**
 * The kernel worker and its database start now, before the notebook script has loaded; the bar shows
 * their progress until the notebook takes over, which loads when the database is ready.
 */
function startKernel(): boolean {
  if (!document.querySelector("notebook-cell")) return false;
  const database = selectedDatabase();
  const bar = new BarView(
    document.querySelector<HTMLElement>("notebook-bar"),
    strings(document.documentElement.lang),
  );
  const onEvent = (event: KernelEvent) => {
    bar.kernelEvent(event, database);
    if (event.type === "progress" && (event.phase === "ready" || event.phase === "failed")) void load();
  };
  if (!prestartKernel(database, onEvent, () => void load())) return false;
  bar.loading(database);
  return true;
}

function reveal(root: Element): void {
  for (const el of root.querySelectorAll<HTMLElement>("[data-nb-controls]")) {
    if (el.closest("notebook-cell, notebook-bar, notebook-compare") === root) el.hidden = false;
  }
}

class NotebookCellElement extends HTMLElement {
  connectedCallback(): void {
    reveal(this);
    if (readItem(`nb:cell:${location.pathname}:${this.dataset.cellId}`)) {
      this.dataset.edited = "";
      void load(); // the learner's own code: show it in the editor without waiting for idle
    }
  }
}

class NotebookCompareElement extends HTMLElement {
  connectedCallback(): void {
    reveal(this);
  }
}

class NotebookBarElement extends HTMLElement {
  connectedCallback(): void {
    reveal(this);
    const allowed = (this.dataset.databases ?? "").split(" ");
    const saved = readItem(DATABASE_KEY);
    if (saved && allowed.includes(saved)) {
      const radio = this.querySelector<HTMLInputElement>(`input[name="nb-database"][value="${saved}"]`);
      if (radio) radio.checked = true;
    }
  }
}

/** Before the notebook has loaded: mark the cell busy at once so the click is visibly taken. */
function markPending(cell: Element | null): void {
  const out = cell?.querySelector<HTMLElement>("[data-nb-output]");
  if (!out) return;
  out.setAttribute("aria-busy", "true");
  out.hidden = false;
}

function onAction(event: Event): void {
  const target = event.target as Element | null;
  const button = target?.closest<HTMLElement>("[data-action]");
  if (!button?.closest("notebook-cell, notebook-bar, notebook-compare")) return;
  const action = button.dataset.action!;
  if (!loading && action === "run") markPending(button.closest("notebook-cell"));
  if (/^run/.test(action)) startKernel();
  void load().then((m) => m.notebook()?.action(action, button));
}

function onKey(event: KeyboardEvent): void {
  if (event.key !== "Enter" || !(event.ctrlKey || event.metaKey)) return;
  const cell = (event.target as Element | null)?.closest?.("notebook-cell");
  if (!cell || (event.target as Element).closest(".cm-editor")) return; // the editor has its own keymap
  event.preventDefault();
  if (!loading) markPending(cell);
  startKernel();
  const run = cell.querySelector<HTMLElement>('[data-action="run"]')!;
  void load().then((m) => m.notebook()?.action("run", run));
}

function onChange(event: Event): void {
  const input = event.target as HTMLInputElement;
  if (input.name !== "nb-database" || !input.checked) return;
  writeItem(DATABASE_KEY, input.value);
  startKernel();
  void load().then((m) => m.notebook()?.switchDatabase(input.value));
}

/** Code blocks take focus or a click: load the notebook, which turns that cell into an editor first. */
function onFocus(event: Event): void {
  const cell = (event.target as Element | null)?.closest?.("notebook-cell");
  if (!cell || !(event.target as Element).closest("[data-nb-code]")) return;
  void load().then((m) => m.notebook()?.edit(cell as HTMLElement));
}

if (!customElements.get("notebook-cell")) {
  customElements.define("notebook-cell", NotebookCellElement);
  customElements.define("notebook-compare", NotebookCompareElement);
  customElements.define("notebook-bar", NotebookBarElement);
  document.addEventListener("click", onAction);
  document.addEventListener("keydown", onKey);
  document.addEventListener("change", onChange);
  document.addEventListener("focusin", onFocus);
  document.addEventListener("pointerdown", onFocus);
  const idle = (globalThis as { requestIdleCallback?: (f: () => void, o?: { timeout: number }) => void })
    .requestIdleCallback;
  // module scripts run once the document is parsed: the cells and the bar's choice are in the DOM
  const started = startKernel();
  // something to show in a cell now: a shared link, a cell that was running when the page stopped
  if (location.hash.startsWith("#share=") || readItem("nb:running")) void load();
  const whenIdle = () => void load();
  const afterLoad = () => {
    if (started) setTimeout(() => (idle ? idle(whenIdle, { timeout: 500 }) : whenIdle()), NOTEBOOK_LATEST_MS);
    else if (idle) idle(whenIdle, { timeout: 1500 });
    else setTimeout(whenIdle, 200);
  };
  if (document.readyState === "complete") afterLoad();
  else addEventListener("load", afterLoad, { once: true });
}
