/**
 * The page's output, put in at most once per frame.
 *
 * Render steps are queued and run at the next animation frame, in order, within a budget of text and
 * time per frame (the rest waits for the next one), so a cell that prints without pause never holds
 * the page's thread: input is answered between frames. Consecutive prints to one output are joined
 * into one text node.
 */

/** Characters of printed text put in per frame. */
const CHARS_PER_FRAME = 32 * 1024;
/** Milliseconds of render steps per frame. */
const MS_PER_FRAME = 8;

interface PrintStep {
  readonly kind: "print";
  readonly target: object;
  text: string;
  readonly write: (text: string) => void;
}

interface OtherStep {
  readonly kind: "step";
  readonly run: () => void;
}

type Step = PrintStep | OtherStep;

export class FrameBatch {
  #steps: Step[] = [];
  #head = 0;
  #scheduled = false;
  #waiting: (() => void)[] = [];

  /** Text for `target`, written by `write` (joined with the prints queued just before it). */
  print(target: object, text: string, write: (text: string) => void): void {
    const last = this.#steps.at(-1);
    if (this.#steps.length > this.#head && last?.kind === "print" && last.target === target)
      last.text += text;
    else this.#steps.push({ kind: "print", target, text, write });
    this.#schedule();
  }

  /** Any other render step, after those queued before it. */
  step(run: () => void): void {
    this.#steps.push({ kind: "step", run });
    this.#schedule();
  }

  /** Resolves once everything queued so far is on the page. */
  flushed(): Promise<void> {
    if (this.#head >= this.#steps.length) return Promise.resolve();
    return new Promise((resolve) => this.#waiting.push(resolve));
  }

  #schedule(): void {
    if (this.#scheduled) return;
    this.#scheduled = true;
    const frame = globalThis.requestAnimationFrame ?? ((f: () => void) => setTimeout(f, 16));
    frame(() => this.#frame());
  }

  #frame(): void {
    this.#scheduled = false;
    const t0 = performance.now();
    let chars = 0;
    while (this.#head < this.#steps.length) {
      if (performance.now() - t0 > MS_PER_FRAME || chars >= CHARS_PER_FRAME) break;
      const step = this.#steps[this.#head]!;
      if (step.kind === "print") {
        const room = CHARS_PER_FRAME - chars;
        if (step.text.length > room) {
          // the rest of a long text in the next frame, cut after a newline where there is one
          const nl = step.text.lastIndexOf("\n", room);
          const cut = nl > 0 ? nl + 1 : room;
          step.write(step.text.slice(0, cut));
          step.text = step.text.slice(cut);
          chars += cut;
          break;
        }
        step.write(step.text);
        chars += step.text.length;
      } else {
        try {
          step.run();
        } catch (e) {
          console.error(e); // one step's failure does not stop the output after it
        }
      }
      this.#head++;
    }
    if (this.#head >= this.#steps.length) {
      this.#steps = [];
      this.#head = 0;
      for (const resolve of this.#waiting.splice(0)) resolve();
    } else this.#schedule();
  }
}
