/**
 * When the page's first work is done, for what can wait until then (the service worker's precache,
 * the search box's UI): on a notebook page once its database is ready, so that nothing competes with
 * the database's download on a slow link; elsewhere once the page is idle after its load.
 *
 * The script every page runs first (site/components/Learn.astro) imports it, through
 * site/client/offline.ts, so the readiness of a database is recorded even for code that asks later.
 */

/** Fired by the notebook once the page's database is ready (site/client/notebook.ts). */
export const DATABASE_READY_EVENT = "nb:database-ready";

let databaseReady = false;
addEventListener(DATABASE_READY_EVENT, () => (databaseReady = true), { once: true });

/** Runs `fn` once, when the page's first work is done, or after `latestMs` at the latest. */
export function afterFirstWork(fn: () => void, latestMs: number): void {
  let done = false;
  const go = () => {
    if (done) return;
    done = true;
    fn();
  };
  if (document.querySelector("notebook-cell")) {
    if (databaseReady) {
      go();
      return;
    }
    addEventListener(DATABASE_READY_EVENT, go, { once: true });
    setTimeout(go, latestMs);
    return;
  }
  const idle = (globalThis as { requestIdleCallback?: (f: () => void, o?: { timeout: number }) => void })
    .requestIdleCallback;
  const whenIdle = () => (idle ? idle(go, { timeout: 5000 }) : setTimeout(go, 2000));
  if (document.readyState === "complete") whenIdle();
  else addEventListener("load", whenIdle, { once: true });
}
