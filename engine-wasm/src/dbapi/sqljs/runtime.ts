/**
 * The SQLite side of the page: sql.js loaded once, and a small virtual file system of database files.
 *
 * - `sqlite:///oracle.db` names a file database shared by every engine and connection that names it
 *   (one sql.js Database per file, multiplexed by connectors/shared_session.ts). Files live in memory
 *   for the life of the page (or Node process) until `resetSqlite()` deletes them all.
 * - `sqlite://` and `sqlite:///:memory:` give each DBAPI connection a private in-memory database, as
 *   pysqlite does.
 * - Two directories exist: the working directory (relative paths: `app.db`, `./app.db`) and `/tmp`
 *   (`sqlite:////tmp/app.db`). A file anywhere else cannot be created, so connecting fails with
 *   sqlite3's "unable to open database file", as it does in Python for a directory that does not
 *   exist (`sqlite:////nonexistent-dir/oracle.db`).
 *
 * In Node, sql.js finds its WebAssembly next to its JavaScript in node_modules. In a browser the
 * host passes the URL its bundler gives `sql.js/dist/sql-wasm.wasm` (Vite: `?url`) as `sqljsWasmUrl`.
 */
import type { Database, SqlJsStatic } from "sql.js";

export interface SqliteStartOptions {
  /** Where the browser fetches `sql-wasm.wasm` from (the worker passes a bundler URL). */
  sqljsWasmUrl?: string;
  /** `sql-wasm.wasm` compiled, when the host compiled it as it downloaded (then nothing is fetched). */
  sqljsWasmModule?: WebAssembly.Module;
  onProgress?: (event: { phase: string; loaded?: number; total?: number }) => void;
}

let SQL: SqlJsStatic | null = null;
let starting: Promise<SqlJsStatic> | null = null;
const files = new Map<string, Database>();
const resetHooks = new Set<() => void>();

/** Loads sql.js once; later calls return the same promise. */
export function startSqlite(options: SqliteStartOptions = {}): Promise<void> {
  if (!starting) {
    options.onProgress?.({ phase: "sqlite:loading" });
    const url = options.sqljsWasmUrl;
    const module = options.sqljsWasmModule;
    // Emscripten's hook: instantiate the module the host compiled while it downloaded
    const config = module
      ? {
          instantiateWasm: (imports: WebAssembly.Imports, done: (i: WebAssembly.Instance) => void) => {
            void WebAssembly.instantiate(module, imports).then(done);
            return {};
          },
        }
      : url
        ? { locateFile: () => url }
        : undefined;
    // loaded here, not at the top: a page that only uses PostgreSQL never downloads sql.js's code
    starting = import("sql.js")
      .then(({ default: initSqlJs }) => initSqlJs(config))
      .then((s) => {
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
  for (const fn of resetHooks) fn();
  for (const db of files.values()) db.close();
  files.clear();
}

/** Lets the driver forget per-file state (shared sessions) when the files are deleted. */
export function onSqliteReset(fn: () => void): void {
  resetHooks.add(fn);
}

/** `:memory:` (also the empty name, as pysqlite takes it) and SQLite's `file::memory:` URI form. */
export function isMemoryDatabase(name: string | null | undefined): boolean {
  return !name || name === ":memory:" || name.startsWith("file::memory:");
}

/** The file's normalised name (`./a.db` -> `a.db`, `/tmp//a.db` -> `/tmp/a.db`), or null when its directory does not exist. */
export function resolveFile(path: string): string | null {
  const absolute = path.startsWith("/");
  const parts = path.split("/").filter((p) => p !== "" && p !== ".");
  const file = parts.pop();
  if (!file || file === "..") return null;
  if (!absolute && parts.length === 0) return file;
  if (absolute && parts.length === 1 && parts[0] === "tmp") return `/tmp/${file}`;
  return null;
}

/** The shared Database of a file, created empty on first open (as sqlite3.connect creates the file). */
export function openFile(name: string): Database {
  let db = files.get(name);
  if (!db) {
    db = newMemoryDatabase();
    files.set(name, db);
  }
  return db;
}

/** Names of the files that exist now. */
export function listFiles(): string[] {
  return [...files.keys()];
}

export function newMemoryDatabase(): Database {
  const db = new (sqljs().Database)();
  // One handle per database here, so exclusive locking changes nothing visible; it spares sql.js
  // re-reading its pages for every statement outside a transaction (30-50 us each).
  db.run("PRAGMA locking_mode=EXCLUSIVE");
  return db;
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
