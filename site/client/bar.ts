/**
 * The page's notebook bar (`NotebookBar.astro`): the database switch, Run all / Restart / Stop, and
 * the status line with the database's download progress.
 */
import type { DatabaseKind, KernelEvent, KernelRestartedEvent } from "../worker/protocol.ts";
import type { Strings } from "./strings.ts";

export const DATABASE_NAMES: Record<DatabaseKind, string> = { postgresql: "PostgreSQL", sqlite: "SQLite" };

function formatBytes(n: number): string {
  return n >= 1024 * 1024 ? `${(n / 1024 / 1024).toFixed(1)} MB` : `${Math.max(1, Math.round(n / 1024))} KB`;
}

export class BarView {
  readonly el: HTMLElement | null;
  readonly #s: Strings;

  constructor(el: HTMLElement | null, s: Strings) {
    this.el = el;
    this.#s = s;
  }

  selectedDatabase(): DatabaseKind {
    const checked = this.el?.querySelector<HTMLInputElement>('input[name="nb-database"]:checked');
    return checked?.value === "sqlite" ? "sqlite" : "postgresql";
  }

  setRunning(running: boolean): void {
    const stop = this.el?.querySelector<HTMLElement>('[data-action="stop"]');
    if (stop) stop.hidden = !running;
    this.el?.toggleAttribute("data-running", running);
  }

  status(text: string): void {
    const status = this.el?.querySelector<HTMLElement>("[data-nb-status]");
    if (status) status.textContent = text;
  }

  loading(database: DatabaseKind): void {
    this.status(this.#s.loading(DATABASE_NAMES[database]));
  }

  /** A database start-up event of the current database, or a kernel failure. */
  kernelEvent(event: KernelEvent | KernelRestartedEvent, current: DatabaseKind): void {
    const s = this.#s;
    if (event.type === "kernel-error") {
      this.status(event.message);
      return;
    }
    if (event.type !== "progress" || event.database !== current) return;
    const name = DATABASE_NAMES[event.database];
    const progress = this.el?.querySelector<HTMLProgressElement>("[data-nb-progress]");
    if (event.phase === "loading") {
      if (event.loaded !== undefined && event.total) {
        this.status(s.downloading(name, formatBytes(event.loaded), formatBytes(event.total)));
        if (progress) {
          progress.hidden = false;
          progress.max = event.total;
          progress.value = event.loaded;
          progress.setAttribute("aria-label", s.loading(name));
        }
      } else if (event.loaded !== undefined) {
        // a compressed download's size is not known ahead: the bytes so far, an indeterminate bar
        this.status(s.downloadingSoFar(name, formatBytes(event.loaded)));
        if (progress) {
          progress.hidden = false;
          progress.removeAttribute("value");
          progress.setAttribute("aria-label", s.loading(name));
        }
      } else this.status(s.loading(name));
      return;
    }
    if (progress) progress.hidden = true;
    this.status(event.phase === "ready" ? s.ready(name, event.ms ?? 0) : s.failed(name, event.message ?? ""));
  }
}
