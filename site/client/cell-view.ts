/**
 * One cell on the page: its code (the build's highlighted block until the editor mounts), its saved
 * edits, its controls, and the panels under it (`panels/`: the output, the inspector …). `apply()`
 * takes a kernel event of this cell: the cell updates its own state and hands the event to the
 * panels that show that type.
 *
 * Persistence: an edit is saved (debounced) under `nb:cell:<page path>:<cell id>` with the hash of
 * the lesson's code it started from; when the lesson's code has changed since, the cell says so and
 * offers the reset.
 */
import type { CellSource, ClientEvent, CompiledCell } from "../worker/protocol.ts";
import type { CellEditor } from "./editor.ts";
import { PANELS } from "./panels/index.ts";
import type { InspectorPanel } from "./panels/inspector.ts";
import type { OutputView } from "./panels/output.ts";
import type { EventType, Panel, PanelHost } from "./panels/panel.ts";
import { readItem, removeItem, writeItem } from "./storage.ts";
import type { Strings } from "./strings.ts";
import { markWith, measureSince } from "./user-timing.ts";

interface SavedEdit {
  readonly code: string;
  /** Hash of the lesson's code the edit started from. */
  readonly base: string;
}

const SAVE_DELAY_MS = 300;

export class CellView {
  readonly el: HTMLElement;
  readonly id: string;
  readonly side?: "core" | "orm";
  /** The lesson shows an exception with this cell (`expect="error"`). */
  readonly expectsError: boolean;
  readonly original: string;
  readonly output: OutputView;
  readonly panels: ReadonlyMap<string, Panel>;
  readonly #byEvent = new Map<EventType, Panel[]>();
  readonly #panelNames = new Map<Panel, string>();
  readonly #compiled: CompiledCell;
  readonly #hash: string;
  readonly #s: Strings;
  readonly #key: string;
  #code: string;
  #editor: CellEditor | null = null;
  #mounting: Promise<CellEditor> | null = null;
  #saveTimer: ReturnType<typeof setTimeout> | undefined;
  #pendingError: { line: number; column: number; message: string } | null = null;
  /** Called on Ctrl/Cmd+Enter in the editor. */
  onRun: () => void = () => {};
  /** Called on the first edit (to load the transpiler). */
  onFirstEdit: () => void = () => {};
  /** The code of the cells this one sees (set by the notebook; the editor's diagnostics use it). */
  scope: () => readonly string[] = () => [];
  /** Resolves when the page has no run in progress (set by the notebook; the diagnostics wait for it). */
  idle: () => Promise<void> = () => Promise.resolve();

  constructor(el: HTMLElement, s: Strings) {
    this.el = el;
    this.id = el.dataset.cellId!;
    const side = el.dataset.side;
    if (side === "core" || side === "orm") this.side = side;
    this.expectsError = el.dataset.expect === "error";
    this.#s = s;
    this.#hash = el.dataset.hash ?? "";
    this.#compiled = JSON.parse(el.dataset.compiled ?? "{}") as CompiledCell;
    this.original = this.#compiled.source;
    const panels = new Map<string, Panel>();
    const host: PanelHost = { id: this.id, el, strings: s, slot: (name) => this.#slot(name) };
    for (const def of PANELS) {
      const panel = def.create(host);
      panels.set(def.name, panel);
      this.#panelNames.set(panel, def.name);
      for (const type of def.events) {
        const list = this.#byEvent.get(type) ?? [];
        list.push(panel);
        this.#byEvent.set(type, list);
      }
    }
    this.panels = panels;
    this.output = panels.get("output") as OutputView;
    this.#key = `nb:cell:${location.pathname}:${this.id}`;
    this.#code = this.original;
    const saved = this.#load();
    if (saved && saved.code !== this.original) {
      this.#code = saved.code;
      if (saved.base !== this.#hash) this.#showChangedNotice();
    }
    this.#updateReset();
  }

  get inspector(): InspectorPanel | undefined {
    return this.panels.get("inspector") as InspectorPanel | undefined;
  }

  /** An event of this cell's run: the cell's own state, then the panels that show its type. */
  apply(event: ClientEvent): void {
    switch (event.type) {
      case "cell-start":
        this.setRunning(true);
        break;
      case "error":
        if (event.line !== undefined) {
          this.markError(event.line, event.column ?? 1, `${event.name}: ${event.message.split("\n")[0]}`);
        }
        break;
    }
    for (const panel of this.#byEvent.get(event.type) ?? []) {
      const t0 = performance.now();
      panel.handle(event);
      // what each panel costs a run (read by `npm run bench:site`)
      measureSince(`nb:panel:${this.#panelNames.get(panel)}:${event.type}`, t0);
    }
    if (event.type === "inspector") markWith("nb:kernel:inspector", event.ms);
    switch (event.type) {
      case "cell-done":
        this.setRunning(false);
        this.setRan(event.ok);
        break;
      case "kernel-restarted":
        this.setRunning(false);
        break;
    }
  }

  /** A panel's own container, after the output region (in panel order). */
  #slot(name: string): HTMLElement {
    const found = this.el.querySelector<HTMLElement>(`:scope > [data-nb-panel="${name}"]`);
    if (found) return found;
    const slot = document.createElement("div");
    slot.className = `nb-panel nb-panel-${name}`;
    slot.dataset.nbPanel = name;
    const order = PANELS.map((p) => p.name);
    const after = [...this.el.querySelectorAll<HTMLElement>(":scope > [data-nb-panel]")].find(
      (other) => order.indexOf(other.dataset.nbPanel ?? "") > order.indexOf(name),
    );
    this.el.insertBefore(slot, after ?? null);
    return slot;
  }

  get code(): string {
    return this.#editor?.code() ?? this.#code;
  }

  get edited(): boolean {
    return this.code !== this.original;
  }

  /** What the kernel runs: the build's compilation while the code is the lesson's. */
  source(): CellSource {
    const code = this.code;
    return code === this.#compiled.source
      ? { id: this.id, code, compiled: this.#compiled }
      : { id: this.id, code };
  }

  button(action: string): HTMLButtonElement | null {
    return this.el.querySelector<HTMLButtonElement>(`:scope > [data-nb-controls] [data-action="${action}"]`);
  }

  /** Run is disabled from the moment the cell is queued until its run has ended (a double-click runs once). */
  setQueued(queued: boolean): void {
    const run = this.button("run");
    if (run) run.disabled = queued;
  }

  setRunning(running: boolean): void {
    this.output.setBusy(running);
    this.el.toggleAttribute("data-running", running);
    const stop = this.button("stop");
    if (stop) stop.hidden = !running;
  }

  setRan(ran: boolean): void {
    const state = this.el.querySelector<HTMLElement>("[data-nb-state]");
    this.el.toggleAttribute("data-ran", ran);
    if (state) state.textContent = ran ? "✓" : "";
  }

  /** Turn the static block into the editor (once). */
  mount(): Promise<CellEditor> {
    this.#mounting ??= import("./editor.ts").then(({ createEditor }) => {
      const host = this.el.querySelector<HTMLElement>("[data-nb-code]")!;
      const holder = document.createElement("div");
      holder.className = "nb-editor not-content"; // outside Starlight's prose styles
      const editor = createEditor({
        parent: holder,
        doc: this.#code,
        label: this.#s.codeLabel(this.id),
        onChange: (code) => this.#changed(code),
        onRun: () => this.onRun(),
        scope: () => this.scope(),
        checkGate: () => this.idle(),
      });
      const hadFocus = host.contains(document.activeElement);
      for (const child of host.children) (child as HTMLElement).hidden = true;
      host.append(holder);
      this.#editor = editor;
      if (hadFocus) editor.focus();
      if (this.#pendingError) {
        const { line, column, message } = this.#pendingError;
        editor.markError(line, column, message);
      }
      return editor;
    });
    return this.#mounting;
  }

  markError(line: number, column: number, message: string): void {
    this.#pendingError = { line, column, message };
    if (this.#editor) this.#editor.markError(line, column, message);
    else void this.mount();
  }

  clearMarks(): void {
    this.#pendingError = null;
    this.#editor?.clearMarks();
  }

  reset(): void {
    clearTimeout(this.#saveTimer);
    removeItem(this.#key);
    this.#code = this.original;
    this.#editor?.setCode(this.original);
    this.clearMarks();
    this.#hideNotice();
    this.#updateReset();
  }

  /** Replace the code by the learner's choice (a solution applied, shared code kept): saved as an edit. */
  replaceCode(code: string): void {
    this.#editor?.setCode(code);
    this.#changed(code);
    this.flush();
  }

  #changed(code: string): void {
    if (this.#code === this.original && code !== this.original) this.onFirstEdit();
    this.#code = code;
    this.#pendingError = null;
    this.#editor?.clearMarks();
    this.#updateReset();
    clearTimeout(this.#saveTimer);
    this.#saveTimer = setTimeout(() => this.#save(), SAVE_DELAY_MS);
  }

  /** Save now (also called when the page is hidden). */
  flush(): void {
    if (this.#saveTimer === undefined) return;
    clearTimeout(this.#saveTimer);
    this.#saveTimer = undefined;
    this.#save();
  }

  #save(): void {
    this.#saveTimer = undefined;
    // Storage full or disabled: the edit lives until the page is closed (`storage.ts` says so once).
    if (this.#code === this.original) removeItem(this.#key);
    else {
      const previous = this.#load();
      // An edit of a changed cell keeps the old base until the learner resets or keeps it.
      const base = previous && previous.base !== this.#hash ? previous.base : this.#hash;
      writeItem(this.#key, JSON.stringify({ code: this.#code, base } satisfies SavedEdit));
    }
  }

  #load(): SavedEdit | null {
    try {
      const raw = readItem(this.#key);
      if (!raw) return null;
      const saved = JSON.parse(raw) as Partial<SavedEdit>;
      return typeof saved.code === "string" ? { code: saved.code, base: String(saved.base ?? "") } : null;
    } catch {
      return null;
    }
  }

  #updateReset(): void {
    const reset = this.button("reset");
    if (reset) reset.hidden = !this.edited;
    this.el.toggleAttribute("data-edited", this.edited);
  }

  #showChangedNotice(): void {
    const notice = this.el.querySelector<HTMLElement>("[data-nb-notice]");
    if (!notice) return;
    const text = document.createElement("span");
    text.textContent = this.#s.changedNotice;
    const reset = document.createElement("button");
    reset.type = "button";
    reset.className = "nb-button";
    reset.textContent = this.#s.useNewVersion;
    reset.addEventListener("click", () => this.reset());
    const keep = document.createElement("button");
    keep.type = "button";
    keep.className = "nb-button";
    keep.textContent = this.#s.keepMine;
    keep.addEventListener("click", () => {
      writeItem(this.#key, JSON.stringify({ code: this.code, base: this.#hash } satisfies SavedEdit));
      this.#hideNotice();
    });
    notice.setAttribute("role", "status");
    notice.replaceChildren(text, " ", reset, " ", keep);
    notice.hidden = false;
  }

  #hideNotice(): void {
    const notice = this.el.querySelector<HTMLElement>("[data-nb-notice]");
    if (notice) {
      notice.hidden = true;
      notice.replaceChildren();
    }
  }
}
