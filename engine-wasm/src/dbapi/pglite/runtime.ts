/**
 * The one PostgreSQL of a page (or Node process): a PGlite started once and shared by every engine.
 *
 * It starts from the pre-initialised data directory the build writes (`engine-wasm/assets/
 * pgdata.tar`, see scripts/build-pgdata.ts), which skips initdb, with PGlite's file bundle stripped to
 * what the lessons use (`engine-wasm/assets/pglite-lessons.data`, same script); when the data directory
 * cannot be had it falls back to a fresh initdb (slower, same result) with PGlite's own bundle. `resetPostgres()` brings the database back to
 * the state a transcript starts from.
 */
import type { PGlite, protocol } from "@electric-sql/pglite";

export interface PostgresProgress {
  /** `postgresql:download` (the data directory), `postgresql:initdb` (fallback), `postgresql:start`, `postgresql:ready`. */
  phase: string;
  loaded?: number;
  total?: number;
}

export interface PostgresStartOptions {
  /**
   * The pre-initialised data directory: its bytes, or where to get them (a URL, or a file path in
   * Node). Default: `engine-wasm/assets/pgdata.tar` next to this module (a file in Node, an
   * asset URL under Vite). `null`: no data directory, run initdb.
   */
  pgdata?: Blob | URL | string | null;
  /**
   * PGlite's own files, when the host has downloaded them itself (to show their progress): the
   * compiled `pglite.wasm` and the file bundle. Absent: PGlite fetches its WebAssembly itself; the
   * bundle is `engine-wasm/assets/pglite-lessons.data` next to this module (a file in Node, an asset
   * URL under Vite). `null`: PGlite's own `pglite.data`.
   */
  pgliteWasmModule?: WebAssembly.Module;
  fsBundle?: Blob | URL | string | null;
  onProgress?: (event: PostgresProgress) => void;
}

/**
 * Stands in for `initdb.wasm`, which a start from a data directory never runs: given it, PGlite does
 * not download the real one. Should initdb be needed after all, that start fails and the fallback
 * below starts afresh with the real one.
 */
function unusedInitdb(): WebAssembly.Module {
  return new WebAssembly.Module(new Uint8Array([0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00]));
}

/** How the running PGlite was started, and how long that took. */
export interface PostgresStartInfo {
  readonly from: "datadir" | "initdb";
  readonly ms: number;
  /** Why the data directory was not used, when it was not. */
  readonly fallback_reason?: string;
}

let pg: PGlite | null = null;
let serializer: typeof protocol.serialize | null = null;
let starting: Promise<PGlite> | null = null;
let info: PostgresStartInfo | null = null;
const resetHooks = new Set<() => void>();

const isNode = typeof process !== "undefined" && typeof process.versions?.node === "string";

/** Where the build puts the data directory, relative to this module (Vite turns this into an asset URL). */
export function defaultPgdataLocation(): URL {
  return new URL("../../../assets/pgdata.tar", import.meta.url);
}

/** Where the build puts PGlite's stripped file bundle, relative to this module. */
export function defaultFsBundleLocation(): URL {
  return new URL("../../../assets/pglite-lessons.data", import.meta.url);
}

async function readNodeFile(location: URL | string): Promise<Blob> {
  const { readFile } = await import(/* @vite-ignore */ "node:fs/promises");
  return new Blob([new Uint8Array(await readFile(location))]);
}

async function download(url: string, onProgress?: PostgresStartOptions["onProgress"]): Promise<Blob> {
  const res = await fetch(url);
  if (!res.ok) throw new Error(`GET ${url}: HTTP ${res.status}`);
  const total = Number(res.headers.get("content-length")) || undefined;
  if (!res.body || !onProgress) return await res.blob();
  const chunks: Uint8Array[] = [];
  let loaded = 0;
  const reader = res.body.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    chunks.push(value);
    loaded += value.length;
    onProgress({ phase: "postgresql:download", loaded, total });
  }
  return new Blob(chunks as BlobPart[]);
}

/** A start-up file's bytes from wherever `source` says. */
async function loadFile(
  source: Blob | URL | string,
  onProgress: PostgresStartOptions["onProgress"],
): Promise<Blob> {
  if (source instanceof Blob) return source;
  const href = String(source);
  if (isNode && (href.startsWith("file:") || !/^[a-z][a-z0-9+.-]*:/i.test(href))) {
    return readNodeFile(href.startsWith("file:") ? new URL(href) : href);
  }
  return download(href, onProgress);
}

async function start(options: PostgresStartOptions): Promise<PGlite> {
  const progress = options.onProgress;
  const began = performance.now();
  const source = options.pgdata === undefined ? defaultPgdataLocation() : options.pgdata;
  let fallback_reason: string | undefined;
  const bundleSource = options.fsBundle === undefined ? defaultFsBundleLocation() : options.fsBundle;
  // loaded here, not at the top: a page that only uses SQLite never downloads PGlite's code
  const { PGlite, protocol } = await import("@electric-sql/pglite");
  serializer = protocol.serialize;
  if (source !== null) {
    try {
      const [dataDir, fsBundle] = await Promise.all([
        loadFile(source, progress),
        bundleSource === null ? null : loadFile(bundleSource, undefined).catch(() => null),
      ]);
      progress?.({ phase: "postgresql:start" });
      const instance = await PGlite.create({
        loadDataDir: dataDir,
        initdbWasmModule: unusedInitdb(),
        ...(options.pgliteWasmModule ? { pgliteWasmModule: options.pgliteWasmModule } : {}),
        ...(fsBundle ? { fsBundle } : {}),
      });
      info = { from: "datadir", ms: performance.now() - began };
      return instance;
    } catch (err) {
      fallback_reason = err instanceof Error ? err.message : String(err);
    }
  } else fallback_reason = "no data directory given";
  progress?.({ phase: "postgresql:initdb" });
  const instance = await PGlite.create({
    initDbStartParams: ["--wal-segsize=1"],
    ...(options.pgliteWasmModule ? { pgliteWasmModule: options.pgliteWasmModule } : {}),
  });
  info = { from: "initdb", ms: performance.now() - began, fallback_reason };
  return instance;
}

/** Starts the shared PGlite (once: concurrent and later callers share the same start). */
export function startPostgres(options: PostgresStartOptions = {}): Promise<void> {
  if (!starting) {
    const p = start(options).then((instance) => {
      pg = instance;
      options.onProgress?.({ phase: "postgresql:ready" });
      return instance;
    });
    starting = p;
    p.catch(() => {
      if (starting === p) starting = null;
    });
  }
  return starting.then(() => undefined);
}

export function postgresStarted(): boolean {
  return pg !== null;
}

export function postgresStartInfo(): PostgresStartInfo | null {
  return info;
}

/** The started PGlite. */
export function getPostgres(): PGlite {
  if (!pg)
    throw new Error("PostgreSQL (PGlite) has not been started: await start_database('postgresql') first");
  return pg;
}

/** PGlite's own writer of frontend messages (`protocol.serialize`), loaded with PGlite. */
export function getSerializer(): typeof protocol.serialize {
  if (!serializer)
    throw new Error("PostgreSQL (PGlite) has not been started: await start_database('postgresql') first");
  return serializer;
}

/** Called at every reset (before the database is cleared): drop state that refers to the old session. */
export function onPostgresReset(fn: () => void): void {
  resetHooks.add(fn);
}

/**
 * Back to a transcript's starting state: no open transaction, no schema but an empty `public`
 * (so every table, type and sequence is gone and a new SERIAL starts at 1), session settings,
 * prepared statements, cursors and temporary tables discarded.
 */
export async function resetPostgres(): Promise<void> {
  const db = getPostgres();
  for (const fn of resetHooks) fn();
  await db.exec("ROLLBACK");
  await db.exec("DISCARD ALL");
  await db.exec(RESET_SCHEMAS);
}

const RESET_SCHEMAS = `DO $$
DECLARE s name;
BEGIN
  FOR s IN SELECT nspname FROM pg_catalog.pg_namespace
    WHERE nspname NOT IN ('pg_catalog', 'information_schema', 'pg_toast')
      AND nspname NOT LIKE 'pg\\_temp\\_%' AND nspname NOT LIKE 'pg\\_toast\\_temp\\_%'
  LOOP
    EXECUTE format('DROP SCHEMA %I CASCADE', s);
  END LOOP;
END $$;
CREATE SCHEMA public AUTHORIZATION pg_database_owner;
GRANT USAGE ON SCHEMA public TO PUBLIC;
COMMENT ON SCHEMA public IS 'standard public schema';`;
