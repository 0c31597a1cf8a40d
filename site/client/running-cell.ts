/**
 * Which cell was running when the page died. Before a cell runs its id is written down (with the
 * page's path); when the run ends, or the learner leaves the page, it is cleared. A tab or worker that runs out of memory ends without
 * a word: the next load finds the record, says which cell was running (probably out of memory), and
 * runs nothing — the edits are in storage as always.
 */
import { readItem, removeItem, writeItem } from "./storage.ts";

const KEY = "nb:running";

interface Record {
  readonly path: string;
  readonly cellId: string;
}

export function markRunning(cellId: string): void {
  writeItem(KEY, JSON.stringify({ path: location.pathname, cellId } satisfies Record));
}

export function clearRunning(): void {
  removeItem(KEY);
}

/** The cell of this page that was running when it last ended, once (the record is then cleared). */
export function crashedCell(): string | null {
  const raw = readItem(KEY);
  if (!raw) return null;
  try {
    const record = JSON.parse(raw) as Partial<Record>;
    if (record.path !== location.pathname || typeof record.cellId !== "string") return null;
    removeItem(KEY);
    return record.cellId;
  } catch {
    removeItem(KEY);
    return null;
  }
}
