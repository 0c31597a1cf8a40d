/**
 * User Timing entries that the page keeps one of per name: a new entry replaces the last one of
 * its name, so a long session does not grow the performance timeline with an entry per panel per
 * event. A PerformanceObserver (a profiler, `npm run bench:site`) still receives every entry as it
 * is made; a trace recorded in the browser's developer tools shows them all.
 */

/** A measure from `start` (a `performance.now()` time) to now. */
export function measureSince(name: string, start: number): void {
  const p = globalThis.performance;
  if (typeof p?.measure !== "function") return;
  p.clearMeasures(name);
  p.measure(name, { start });
}

/** A mark carrying `detail`. */
export function markWith(name: string, detail: unknown): void {
  const p = globalThis.performance;
  if (typeof p?.mark !== "function") return;
  p.clearMarks(name);
  p.mark(name, { detail });
}
