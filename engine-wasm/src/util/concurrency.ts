/**
 * `sqlalchemy.util.concurrency` (and `_concurrency_py3k`): where the async API runs the sync core.
 *
 * SQLAlchemy runs the sync core inside a greenlet that the async proxies start (`greenlet_spawn`);
 * the async drivers' adapters call `await_only()` at every point of IO, and outside such a greenlet
 * that raises MissingGreenlet. So any IO the async API reaches without `await` — an expired
 * attribute, a lazy load, a call on `AsyncSession.sync_session` — fails the same way, at the IO.
 *
 * Here the core is synchronous, so "inside the greenlet" is simply "while a proxy's synchronous
 * call into the core runs": `greenlet_spawn()` marks that span (nothing else can run during it),
 * and `await_only()` — one call at the async drivers' statement execution — checks it.
 */
import { MissingGreenlet } from "../exc.ts";

/** How many greenlet_spawn() calls are running (nested when a proxy's sync code calls another's). */
let depth = 0;

/** Runs the sync `fn` where the async drivers may do IO (SQLAlchemy's `greenlet_spawn`). */
export function greenlet_spawn<T>(fn: () => T): T {
  depth++;
  try {
    return fn();
  } finally {
    depth--;
  }
}

/** Whether the caller runs inside greenlet_spawn() (SQLAlchemy's `in_greenlet()`). */
export function in_greenlet(): boolean {
  return depth > 0;
}

/**
 * The async drivers' point of IO: raises MissingGreenlet outside greenlet_spawn(), with
 * SQLAlchemy's message and error code.
 */
export function await_only(): void {
  if (depth === 0) {
    throw new MissingGreenlet(
      "greenlet_spawn has not been called; can't call await_only() here. Was IO attempted in an unexpected place?",
      { code: "xd2s" },
    );
  }
}
