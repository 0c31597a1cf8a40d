/**
 * The page's storage (edits, the chosen database, the running cell), never throwing: storage that is
 * disabled or full makes a read answer null and a write do nothing, and the page says once, visibly,
 * that edits will not be kept after a reload (`onStorageLost`). Everything else keeps working.
 */

let lost = false;
const listeners = new Set<() => void>();

function store(): Storage | null {
  try {
    return globalThis.localStorage ?? null;
  } catch {
    return null; // disabled: even reading the property throws
  }
}

function fail(): void {
  if (lost) return;
  lost = true;
  for (const listener of listeners) listener();
}

/** True once a read or a write failed. */
export function storageLost(): boolean {
  return lost;
}

/** `listener` once, when storage first fails (at once if it already has). */
export function onStorageLost(listener: () => void): void {
  if (lost) listener();
  else listeners.add(listener);
}

export function readItem(key: string): string | null {
  const s = store();
  if (!s) {
    fail();
    return null;
  }
  try {
    return s.getItem(key);
  } catch {
    fail();
    return null;
  }
}

/** False when it could not be written (storage full or disabled). */
export function writeItem(key: string, value: string): boolean {
  const s = store();
  try {
    if (!s) throw new Error("no storage");
    s.setItem(key, value);
    return true;
  } catch {
    fail();
    return false;
  }
}

export function removeItem(key: string): void {
  try {
    store()?.removeItem(key);
  } catch {
    // nothing kept to remove
  }
}
