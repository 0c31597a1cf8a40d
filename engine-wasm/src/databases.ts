/**
 * The databases behind the URLs. In a browser page (and in one Node process) each database starts
 * once and is shared by every engine whose URL names it, as a server or a file would be.
 *
 * `create_engine()` is synchronous, but PGlite and sql.js load WebAssembly asynchronously: a host
 * (the notebook kernel, the conformance runner, a test) awaits `start_database()` once before the
 * learner's code runs. Using an engine whose database has not been started raises a clear error.
 */
import { postgresStarted, resetPostgres, startPostgres } from "./dbapi/pglite/runtime.ts";
import { resetSqlite, sqliteStarted, startSqlite } from "./dbapi/sqljs/runtime.ts";

export type DatabaseKind = "postgresql" | "sqlite";

export interface StartOptions {
  /** PostgreSQL: the pre-initialised data directory (bytes, URL or Node path); `null` runs initdb. */
  pgdata?: Blob | URL | string | null;
  /** PostgreSQL: PGlite's `pglite.wasm`, compiled, when the host downloaded it (else PGlite fetches it). */
  pgliteWasmModule?: WebAssembly.Module;
  /**
   * PostgreSQL: PGlite's file bundle (bytes, URL or Node path), when the host downloaded it; default
   * the build's stripped bundle (`engine-wasm/assets/pglite-lessons.data`); `null`: PGlite's own.
   */
  fsBundle?: Blob | URL | string | null;
  /** SQLite: where the browser fetches `sql-wasm.wasm` from. */
  sqljsWasmUrl?: string;
  /** SQLite: `sql-wasm.wasm` compiled, when the host downloaded it (else sql.js fetches `sqljsWasmUrl`). */
  sqljsWasmModule?: WebAssembly.Module;
  /** Report download / start-up progress (PGlite's WASM and data directory are several MB). */
  onProgress?: (event: { phase: string; loaded?: number; total?: number }) => void;
}

export async function start_database(kind: DatabaseKind, options: StartOptions = {}): Promise<void> {
  if (kind === "postgresql") await startPostgres(options);
  else await startSqlite(options);
}

export function database_started(kind: DatabaseKind): boolean {
  return kind === "postgresql" ? postgresStarted() : sqliteStarted();
}

/** Back to the starting state of a transcript: an empty `public` schema (sequences restart) / no files. */
export async function reset_database(kind: DatabaseKind): Promise<void> {
  if (kind === "postgresql") await resetPostgres();
  else await resetSqlite();
}
