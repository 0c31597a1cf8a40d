/**
 * Blocking and non-blocking waits. A sync pool checkout that has to wait blocks the thread, as
 * Python's does; `Atomics.wait` does that where it is allowed (Node, workers with shared memory),
 * else a short busy loop keeps the same semantics.
 */
let cell: Int32Array | null | undefined;

export function sleepSync(ms: number): void {
  if (ms <= 0) return;
  if (cell === undefined) {
    try {
      cell = typeof SharedArrayBuffer === "function" ? new Int32Array(new SharedArrayBuffer(4)) : null;
    } catch {
      cell = null;
    }
  }
  if (cell) {
    try {
      Atomics.wait(cell, 0, 0, ms);
      return;
    } catch {
      cell = null;
    }
  }
  const end = performance.now() + ms;
  while (performance.now() < end) {
    // busy wait: no blocking primitive in this context
  }
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, Math.max(0, ms)));
}
