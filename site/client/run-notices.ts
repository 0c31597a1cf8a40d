/**
 * What the page says when a run did not go as planned: a cell blocked by an earlier failure (named,
 * linked, with "Run this cell anyway"), a database that is not available (with Retry in the bar),
 * output held back ("Show more"), storage that keeps nothing, and the cell that was running when the
 * page last died. All of it text and buttons, never markup from a cell.
 */
import type { Strings } from "./strings.ts";

function button(text: string, onClick: () => void): HTMLButtonElement {
  const b = document.createElement("button");
  b.type = "button";
  b.className = "nb-button";
  b.textContent = text;
  b.addEventListener("click", onClick);
  return b;
}

function notice(kind: string, ...children: (Node | string)[]): HTMLParagraphElement {
  const p = document.createElement("p");
  p.className = "nb-output-notice";
  p.dataset.kind = kind;
  p.append(...children);
  return p;
}

/** The anchor a notice links a cell by (its element gets an id if it has none). */
function anchor(cell: HTMLElement, id: string): string {
  if (!cell.id) cell.id = `cell-${id}`;
  return `#${cell.id}`;
}

/** "Not run: cell X failed before it." with a link to X and "Run this cell anyway". */
export function blockedNotice(
  region: HTMLElement,
  s: Strings,
  failing: { id: string; el: HTMLElement },
  runAnyway: () => void,
): void {
  const text = s.blockedBy(failing.id);
  const at = text.indexOf(failing.id);
  const link = document.createElement("a");
  link.href = anchor(failing.el, failing.id);
  link.textContent = failing.id;
  const p = notice("skipped", text.slice(0, at), link, text.slice(at + failing.id.length), " ");
  p.append(button(s.runAnyway, runAnyway));
  region.append(p);
}

export function unavailableNotice(region: HTMLElement, s: Strings, database: string, message: string): void {
  region.append(notice("unavailable", `${s.unavailable(database)} ${message}`));
}

/** The bar's status for a database that could not start: the plain reason and Retry. */
export function startFailure(status: HTMLElement, s: Strings, message: string, retry: () => void): void {
  status.replaceChildren(message, " ", button(s.retry, retry));
}

/** How much of a cell's output is held back, with "Show more"; none shown when nothing is. */
export function truncatedNotice(
  region: HTMLElement,
  s: Strings,
  held: { lines: number; chars: number },
  more: () => void,
): void {
  region.querySelector(":scope > [data-kind='truncated']")?.remove();
  if (held.lines <= 0 && held.chars <= 0) return;
  region.append(notice("truncated", s.truncated(held.lines, held.chars), " ", button(s.showMore, more)));
}

/** Said once, under the page's bar (not in it: the sticky bar stays small): edits will not survive a reload. */
export function storageNotice(bar: HTMLElement | null, s: Strings): void {
  if (!bar || document.querySelector("[data-nb-storage]")) return;
  const p = document.createElement("p");
  p.className = "nb-storage-notice";
  p.dataset.nbStorage = "";
  p.setAttribute("role", "alert");
  p.textContent = s.storageLost;
  bar.after(p);
}

export function crashNotice(region: HTMLElement, s: Strings): void {
  region.hidden = false;
  region.append(notice("crashed", s.crashed));
}
