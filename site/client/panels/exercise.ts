/**
 * An exercise on the page: its starting code is an editable cell (`CellView`), with a Check button,
 * the checks' verdict in plain words, hints revealed one at a time (the lesson's ordered list inside
 * the `<Exercise>`), and the solution as a diff against the learner's code, applied only when the
 * learner presses Apply. A pass is recorded in the page's progress (`../progress.ts`).
 */
import type { CheckResult } from "../../worker/checks.ts";
import type { CellSource } from "../../worker/protocol.ts";
import { CellView } from "../cell-view.ts";
import { type CheckWords, checkWords } from "../check-words.ts";
import { type CheckOutcome, checkExercise, type RunFn } from "../exercise-run.ts";
import { type LearnStrings, learnStrings } from "../learn-strings.ts";
import { markSolved } from "../progress.ts";
import type { Strings } from "../strings.ts";
import { el } from "./log.ts";

interface ExerciseData {
  readonly setup: readonly string[];
  readonly solution: string;
  readonly twin?: string;
  readonly check: string;
  readonly hidden?: string;
  readonly hints: number;
}

const button = (action: string, label: string, onClick?: (b: HTMLButtonElement) => void) => {
  const b = el("button", `nb-button nb-${action}`, label) as HTMLButtonElement;
  b.type = "button";
  if (onClick) b.addEventListener("click", () => onClick(b));
  else b.dataset.action = action; // handled by the notebook (site/client/notebook.ts)
  return b;
};

export class ExerciseView extends CellView {
  readonly data: ExerciseData;
  readonly #l: LearnStrings;
  readonly #words: CheckWords;
  readonly #result: HTMLElement;
  readonly #hints: HTMLElement[];
  readonly #hintButton: HTMLButtonElement;
  readonly #solution: HTMLElement;
  #shown = 0;

  constructor(host: HTMLElement, s: Strings) {
    super(host, s);
    this.data = JSON.parse(host.dataset.exercise ?? "{}") as ExerciseData;
    this.#l = learnStrings(document.documentElement.lang);
    this.#words = checkWords(document.documentElement.lang);
    const bar = host.querySelector<HTMLElement>(":scope > [data-nb-controls]");
    const check = button("check", this.#l.check(this.id));
    check.classList.add("nb-check");
    bar?.insertBefore(check, bar.querySelector(".nb-stop"));

    const box = host.closest("notebook-exercise") ?? host.parentElement!;
    this.#result = el("div", "nb-check-result");
    this.#result.setAttribute("role", "status");
    this.#result.setAttribute("aria-label", `${this.#l.check(this.id)}: result`);
    host.after(this.#result);

    // The lesson's ordered list is the hints: hidden until asked for, one at a time.
    const list = [...box.querySelectorAll<HTMLElement>(":scope > ol, :scope > * > ol")].at(-1);
    this.#hints = list ? [...list.querySelectorAll<HTMLElement>(":scope > li")] : [];
    for (const h of this.#hints) h.hidden = true;
    const tools = el("div", "nb-exercise-tools");
    this.#hintButton = button("hint", this.#l.nextHint(0, this.#hints.length), () => this.hint());
    this.#hintButton.hidden = this.#hints.length === 0;
    const solution = button("solution", this.#l.showSolution, (b) => void this.toggleSolution(b));
    solution.setAttribute("aria-expanded", "false");
    tools.append(this.#hintButton, " ", solution);
    this.#solution = el("div", "nb-solution-box");
    this.#solution.hidden = true;
    (list ?? this.#result).before(tools);
    tools.after(this.#solution);
  }

  /** Every cell the exercise runs before the learner's code. */
  setupIds(): readonly string[] {
    return this.data.setup;
  }

  /** Run the checks (`sources` maps the setup cells' ids to their current code). */
  async check(run: RunFn, setup: readonly CellSource[]): Promise<CheckOutcome> {
    this.output.clear();
    this.#result.replaceChildren(el("p", undefined, this.#l.checking));
    const outcome = await checkExercise(
      run,
      {
        id: this.id,
        setup,
        check: this.data.check,
        ...(this.data.hidden ? { hidden: this.data.hidden } : {}),
      },
      this.source(),
      (event) => this.apply(event),
    );
    this.#showResult(outcome);
    if (outcome.ok) markSolved(location.pathname, this.id);
    this.el.toggleAttribute("data-solved", outcome.ok);
    return outcome;
  }

  #showResult(outcome: CheckOutcome): void {
    const results = outcome.pass.results;
    const failed = results.filter((r) => !r.ok);
    this.#result.dataset.ok = String(outcome.ok);
    if (outcome.ok) {
      this.#result.replaceChildren(el("p", "nb-check-pass", `✓ ${this.#l.passed}`));
      return;
    }
    const head = el("p", "nb-check-fail", this.#l.failed(failed.length, results.length));
    const list = el("ul");
    for (const r of failed)
      list.append(el("li", undefined, reason(r, outcome.pass.data, this.#l, this.#words)));
    this.#result.replaceChildren(head, list);
  }

  hint(): void {
    const next = this.#hints[this.#shown];
    if (!next) return;
    next.hidden = false;
    this.#shown++;
    this.#hintButton.textContent =
      this.#shown < this.#hints.length
        ? this.#l.nextHint(this.#shown, this.#hints.length)
        : this.#l.noMoreHints;
    this.#hintButton.disabled = this.#shown >= this.#hints.length;
  }

  async toggleSolution(trigger: HTMLElement): Promise<void> {
    if (!this.#solution.hidden) {
      this.#solution.hidden = true;
      trigger.setAttribute("aria-expanded", "false");
      trigger.textContent = this.#l.showSolution;
      return;
    }
    const { diffLines } = await import("diff");
    const region = el("div", "nb-diff");
    region.setAttribute("role", "region");
    region.setAttribute("aria-label", this.#l.solutionDiff(this.id));
    const pre = el("pre", "nb-diff-lines");
    for (const part of diffLines(this.code.replace(/\n?$/, "\n"), this.data.solution.replace(/\n?$/, "\n"))) {
      const mark = part.added ? "+" : part.removed ? "-" : " ";
      for (const line of part.value.replace(/\n$/, "").split("\n")) {
        const row = el(
          part.added ? "ins" : part.removed ? "del" : "span",
          `nb-diff-${mark === "+" ? "add" : mark === "-" ? "del" : "same"}`,
          `${mark} ${line}\n`,
        );
        pre.append(row);
      }
    }
    region.append(pre);
    const apply = button("apply", this.#l.applySolution, () => this.applySolution());
    const parts: Node[] = [region, apply];
    if (this.data.twin) {
      const py = el("details", "nb-solution-python");
      py.append(el("summary", undefined, this.#l.pythonSolution), el("pre", undefined, this.data.twin));
      parts.push(py);
    }
    this.#solution.replaceChildren(...parts);
    this.#solution.hidden = false;
    trigger.setAttribute("aria-expanded", "true");
    trigger.textContent = this.#l.hideSolution;
  }

  /** The learner chose to replace their code with the solution. */
  applySolution(): void {
    this.replaceCode(this.data.solution);
    this.#solution.hidden = true;
    const trigger = this.el.parentElement?.querySelector<HTMLElement>("button.nb-solution");
    if (trigger) {
      trigger.setAttribute("aria-expanded", "false");
      trigger.textContent = this.#l.showSolution;
    }
  }
}

function reason(r: CheckResult, data: "visible" | "hidden", l: LearnStrings, w: CheckWords): string {
  const where = data === "hidden" ? ` — ${l.hiddenData}` : "";
  const problems = (r.problems ?? []).map(w.problem).join("; ");
  return `${r.why ?? w.couldNotRun}: ${problems}${where}`;
}
