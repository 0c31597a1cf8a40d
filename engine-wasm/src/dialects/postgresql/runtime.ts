/**
 * The PostgreSQL side of the page: one PGlite, started once (from the project's pre-initialised data
 * directory when it is available: ~2.5x faster than a fresh initdb), shared by every engine.
 */
import { PGlite } from "@electric-sql/pglite";

export interface PostgresStartOptions {
  /** The pre-initialised data directory (a `pgdata.tar.gz` built by `npm run build:pgdata`). */
  pgdata?: Blob | URL | string | null;
  onProgress?: (event: { phase: string; loaded?: number; total?: number }) => void;
}

let pg: PGlite | null = null;
let starting: Promise<PGlite> | null = null;
const resetHooks = new Set<() => void>();

async function loadDataDir(source: PostgresStartOptions["pgdata"]): Promise<Blob | undefined> {
  if (!source) return undefined;
  if (source instanceof Blob) return source;
  const url = String(source);
  if (url.startsWith("file:") || url.startsWith("/")) {
    const { readFile } = await import(/* @vite-ignore */ "node:fs/promises");
    try {
      const buf = await readFile(url.startsWith("file:") ? new URL(url) : url);
      return new Blob([buf]);
    } catch {
      return undefined;
    }
  }
  const res = await fetch(url);
  return res.ok ? await res.blob() : undefined;
}

/** Where Node finds the data directory the build wrote (engine-wasm/assets/pgdata.tar.gz). */
export function defaultPgdataLocation(): URL {
  return new URL("../../../assets/pgdata.tar.gz", import.meta.url);
}

export function startPostgres(options: PostgresStartOptions = {}): Promise<void> {
  if (!starting) {
    starting = (async () => {
      options.onProgress?.({ phase: "postgresql:loading" });
      const isNode = typeof process !== "undefined" && !!process.versions?.node;
      const source = options.pgdata ?? (isNode ? defaultPgdataLocation().href : undefined);
      const dataDir = await loadDataDir(source);
      const instance = await PGlite.create(dataDir ? { loadDataDir: dataDir } : {});
      pg = instance;
      options.onProgress?.({ phase: "postgresql:ready" });
      return instance;
    })();
    starting.catch(() => {
      starting = null;
    });
  }
  return starting.then(() => undefined);
}

export function postgresStarted(): boolean {
  return pg !== null;
}

export function getPostgres(): PGlite {
  if (!pg) throw new Error("PostgreSQL (PGlite) has not been started: await start_database('postgresql') first");
  return pg;
}

export function onPostgresReset(fn: () => void): void {
  resetHooks.add(fn);
}

/** The starting state of a transcript: an empty `public` schema, sequences from 1, no open transaction. */
export async function resetPostgres(): Promise<void> {
  const db = getPostgres();
  for (const fn of resetHooks) fn();
  await db.exec("ROLLBACK; DROP SCHEMA IF EXISTS public CASCADE; CREATE SCHEMA public;");
}
