/**
 * The learner's progress, kept in the browser (localStorage `nb:progress`): exercises solved and
 * lessons completed (every cell ran, or every exercise solved), by page path. Shown in the sidebar
 * and on the start page (`showProgress()`); resettable. Where storage is unavailable or full the
 * page says so once (`storageNotice()`) and progress lasts until the page is closed.
 */
import { learnStrings } from "./learn-strings.ts";

const KEY = "nb:progress";

export interface Progress {
  /** Page path → ids of the exercises solved there. */
  solved: Record<string, string[]>;
  /** Page paths of the lessons completed. */
  completed: string[];
}

let memory: Progress | null = null;
let warned = false;

function empty(): Progress {
  return { solved: {}, completed: [] };
}

export function loadProgress(): Progress {
  if (memory) return memory;
  try {
    const raw = localStorage.getItem(KEY);
    const p = raw ? (JSON.parse(raw) as Partial<Progress>) : {};
    memory = {
      solved: p.solved && typeof p.solved === "object" ? p.solved : {},
      completed: Array.isArray(p.completed) ? p.completed : [],
    };
  } catch {
    memory = empty();
  }
  return memory;
}

function save(p: Progress): void {
  memory = p;
  try {
    localStorage.setItem(KEY, JSON.stringify(p));
  } catch {
    storageNotice();
  }
  showProgress(document);
}

/** Say once per page that the browser does not keep what the learner does. */
export function storageNotice(): void {
  if (warned || typeof document === "undefined") return;
  warned = true;
  const note = document.createElement("p");
  note.className = "nb-storage-notice";
  note.setAttribute("role", "status");
  note.textContent = learnStrings(document.documentElement.lang).storageUnavailable;
  (document.querySelector("main") ?? document.body).prepend(note);
}

/** Is storage usable? (Says so once if not.) */
export function checkStorage(): boolean {
  try {
    const k = "nb:probe";
    localStorage.setItem(k, "1");
    localStorage.removeItem(k);
    return true;
  } catch {
    storageNotice();
    return false;
  }
}

const norm = (path: string) => path.replace(/\/?$/, "/");

export function markSolved(path: string, id: string): void {
  const p = loadProgress();
  const list = new Set(p.solved[norm(path)] ?? []);
  list.add(id);
  const solved = { ...p.solved, [norm(path)]: [...list] };
  const exercises = [...document.querySelectorAll<HTMLElement>('notebook-cell[data-kind="exercise"]')].map(
    (e) => e.dataset.cellId!,
  );
  const done = exercises.length > 0 && exercises.every((e) => list.has(e));
  save({ solved, completed: done ? [...new Set([...p.completed, norm(path)])] : p.completed });
}

/** Every cell of the page ran: the lesson is completed. */
export function markCompleted(path: string): void {
  const p = loadProgress();
  if (p.completed.includes(norm(path))) return;
  save({ ...p, completed: [...p.completed, norm(path)] });
}

export function resetProgress(): void {
  memory = empty();
  try {
    localStorage.removeItem(KEY);
  } catch {
    storageNotice();
  }
  for (const el of document.querySelectorAll("[data-solved]")) el.removeAttribute("data-solved");
  showProgress(document);
}

/** Mark completed lessons in the sidebar, solved exercises on the page, the count on the start page. */
export function showProgress(doc: Document): void {
  const p = loadProgress();
  const l = learnStrings(doc.documentElement.lang);
  const done = new Set(p.completed);
  const links = [
    ...doc.querySelectorAll<HTMLAnchorElement>("nav.sidebar a[href], #starlight__sidebar a[href]"),
  ];
  for (const a of links) {
    const path = norm(new URL(a.href, location.href).pathname);
    const mark = a.querySelector(".nb-done");
    if (done.has(path) && !mark) {
      const m = doc.createElement("span");
      m.className = "nb-done";
      m.setAttribute("aria-hidden", "true");
      m.textContent = " ✓";
      const said = doc.createElement("span");
      said.className = "sr-only nb-done-text";
      said.textContent = ` (${l.completed})`;
      a.append(said);
      a.append(m);
      a.dataset.completed = "";
    } else if (!done.has(path) && mark) {
      mark.remove();
      a.querySelector(".nb-done-text")?.remove();
      delete a.dataset.completed;
    }
  }
  const solved = new Set(p.solved[norm(location.pathname)] ?? []);
  for (const cell of doc.querySelectorAll<HTMLElement>('notebook-cell[data-kind="exercise"]')) {
    cell.toggleAttribute("data-solved", solved.has(cell.dataset.cellId ?? ""));
  }
  const summary = doc.querySelector<HTMLElement>("[data-nb-progress-summary]");
  if (summary) {
    const total = Number(summary.dataset.total ?? 0);
    const lessons = (summary.dataset.lessons ?? "").split(" ").filter(Boolean);
    const count = lessons.filter((x) => done.has(norm(x))).length;
    summary.querySelector("[data-nb-progress-text]")!.textContent = l.progressOf(
      count,
      total || lessons.length,
    );
    summary.hidden = false;
  }
}
