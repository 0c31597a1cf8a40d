/**
 * The SQLite side of the page: sql.js loaded once, and a small virtual file system of database files.
 *
 * `sqlite:///oracle.db` names a file database shared by every engine and connection that names it (one
 * sql.js Database per file, multiplexed by connectors/shared_session.ts); `sqlite://` and
 * `sqlite:///:memory:` give each DBAPI connection a private in-memory database, as pysqlite does.
 * Directories that exist: the working directory (relative paths), `/` and `/tmp`; any other directory
 * does not exist, so its files cannot be opened ("unable to open database file"), as in Python.
 */
import initSqlJs from "sql.js";
import type { Database, SqlJsStatic } from "sql.js";

export interface SqliteStartOptions {
  /** Where the browser fetches `sql-wasm.wasm` from (the worker passes a bundler URL). */
  sqljsWasmUrl?: string;
  onProgress?: (event: { phase: string; loaded?: number; total?: number }) => void;
}

let SQL: SqlJsStatic | null = null;
let starting: Promise<SqlJsStatic> | null = null;
const files = new Map<string, Database>();

export function startSqlite(options: SqliteStartOptions = {}): Promise<void> {
  if (!starting) {
    options.onProgress?.({ phase: "sqlite:loading" });
    starting = initSqlJs(options.sqljsWasmUrl ? { locateFile: () => options.sqljsWasmUrl! } : undefined).then((s) => {
      SQL = s;
      options.onProgress?.({ phase: "sqlite:ready" });
      return s;
    });
    starting.catch(() => {
      starting = null;
    });
  }
  return starting.then(() => undefined);
}

export function sqliteStarted(): boolean {
  return SQL !== null;
}

export function sqljs(): SqlJsStatic {
  if (!SQL) throw new Error("SQLite (sql.js) has not been started: await start_database('sqlite') first");
  return SQL;
}

/** Deletes every database file (the starting state of a transcript: no `oracle.db`). */
export async function resetSqlite(): Promise<void> {
  for (const db of files.values()) db.close();
  files.clear();
  resetHooks.forEach((fn) => fn());
}

const resetHooks = new Set<() => void>();
/** Lets the driver forget per-file state (shared sessions) when files are deleted. */
export function onSqliteReset(fn: () => void): void {
  resetHooks.add(fn);
}

export function isMemoryDatabase(name: string | null | undefined): boolean {
  return !name || name === ":memory:" || name.startsWith("file::memory:");
}

const EXISTING_DIRS = new Set(["", ".", "/", "/tmp", "/tmp/"]);

function directoryOf(path: string): string {
  const i = path.lastIndexOf("/");
  return i < 0 ? "" : path.slice(0, i) || "/";
}

/** Normalised file name, or null when its directory does not exist. */
export function resolveFile(path: string): string | null {
  const dir = directoryOf(path);
  if (!EXISTING_DIRS.has(dir) && !EXISTING_DIRS.has(dir.replace(/^\.\//, ""))) return null;
  return path.replace(/^\.\//, "");
}

/** The shared Database of a file, created empty on first open (as sqlite3.connect creates the file). */
export function openFile(name: string): { db: Database; created: boolean } {
  const existing = files.get(name);
  if (existing) return { db: existing, created: false };
  const db = new (sqljs().Database)();
  files.set(name, db);
  return { db, created: true };
}

export function newMemoryDatabase(): Database {
  return new (sqljs().Database)();
}

/** SQLite's library version, as `sqlite3.sqlite_version`. */
export function sqliteVersion(): string {
  const db = newMemoryDatabase();
  try {
    return String(db.exec("select sqlite_version()")[0]!.values[0]![0]);
  } finally {
    db.close();
  }
}
