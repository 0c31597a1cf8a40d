/**
 * Timing: warm-up repetitions first (not kept), then `reps` timed repetitions whose median is reported.
 * Only `run()` is timed; `before()` (a fresh table, a collection) and `check()` (the work was really
 * done) are not. Garbage collection is left to V8, as in a page: each layer pays, over the repetitions,
 * for the garbage it makes. (A forced full collection before each repetition was tried: it made the
 * next repetition of an allocating layer 2-3× slower than any repetition without it, a cost no user
 * meets, and left raw unchanged.)
 */

/** One (database, layer, workload): what a repetition does. */
export interface Case {
  /** Untimed, before each repetition. */
  before?(): void | Promise<void>;
  /** The timed work; its result goes to check(). */
  run(): unknown;
  /** Untimed, after each repetition: throws when the work was not done as asked. */
  check(result: unknown): void | Promise<void>;
}

export interface Sample {
  readonly median_ms: number;
  readonly samples_ms: readonly number[];
}

export function median(values: readonly number[]): number {
  if (values.length === 0) throw new RangeError("median() of no values");
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** Runs one repetition of a case; returns its time in ms. */
export async function repetition(c: Case): Promise<number> {
  await c.before?.();
  const start = performance.now();
  let result = c.run();
  if (result instanceof Promise) result = await result;
  const elapsed = performance.now() - start;
  await c.check(result);
  return elapsed;
}
