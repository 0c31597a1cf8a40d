/**
 * The Python twin of a cell: the build puts it in the cell (`.nb-twin`, highlighted as `python`, with
 * Expressive Code's copy button). Wide screens show it beside the code; narrow ones under a
 * TS ⇄ Python switch, a toggle button in the cell's bar whose accessible name begins with "Python".
 * Without JavaScript the twin reads under the code.
 */
import { learnStrings } from "../learn-strings.ts";

export function attachTwin(cell: HTMLElement): void {
  const twin = cell.querySelector<HTMLElement>(":scope > [data-nb-twin]");
  const bar = cell.querySelector<HTMLElement>(":scope > [data-nb-controls]");
  if (!twin || !bar || bar.querySelector('[data-action="twin"]')) return;
  const l = learnStrings(document.documentElement.lang);
  const id = cell.dataset.cellId ?? "";
  const toggle = document.createElement("button");
  toggle.type = "button";
  toggle.className = "nb-button nb-twin-toggle";
  toggle.dataset.action = "twin";
  toggle.setAttribute("aria-pressed", "false");
  const caption = "TS ⇄ Python";
  // The accessible name holds the visible caption too (WCAG 2.5.3, label in name).
  toggle.setAttribute("aria-label", `${l.python(id)}: ${caption}`);
  toggle.textContent = caption;
  toggle.addEventListener("click", () => {
    const python = toggle.getAttribute("aria-pressed") !== "true";
    toggle.setAttribute("aria-pressed", String(python));
    cell.dataset.view = python ? "python" : "typescript";
  });
  bar.insertBefore(toggle, bar.querySelector("[data-nb-state]"));
  cell.dataset.twinSwitch = "";
  cell.dataset.view = "typescript";
}
