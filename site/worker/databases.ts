/**
 * The page's two databases, each loaded only when first used: PGlite (from the pre-initialised data
 * directory when the page provides its URL; its download reports progress) and sql.js.
 */
import {
  type DatabaseKind,
  database_started,
  reset_database,
  type StartOptions,
  start_database,
} from "sqlalchemy/databases";
import type { ProgressEvent } from "./protocol.ts";

/** `settings.DATABASE_URL` in a cell, per database (host, user and password are shown, never used). */
export const DATABASE_URLS: Readonly<Record<DatabaseKind, string>> = {
  postgresql: "postgresql+psycopg2://learner:secret@localhost:5432/learn",
  sqlite: "sqlite:///learn.db",
};

type Progress = (event: Omit<ProgressEvent, "type" | "database">) => void;

async function download(url: string, onProgress: Progress): Promise<Blob | null> {
  const res = await fetch(url);
  if (!res.ok || !res.body) return null;
  const total = Number(res.headers.get("content-length")) || undefined;
  const reader = res.body.getReader();
  const chunks: Uint8Array[] = [];
  let loaded = 0;
  let lastReport = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    chunks.push(value);
    loaded += value.byteLength;
    if (loaded - lastReport > 256 * 1024) {
      lastReport = loaded;
      onProgress({ phase: "loading", loaded, total });
    }
  }
  onProgress({ phase: "loading", loaded, total: total ?? loaded });
  return new Blob(chunks as BlobPart[]);
}

const starting = new Map<DatabaseKind, Promise<number>>();

/** Where the bundler put the databases' files (none in Node: the drivers find their own). */
export interface DatabaseAssets {
  /** sql.js's `sql-wasm.wasm`. */
  readonly sqljsWasmUrl?: string;
  /** The pre-initialised PGlite data directory (`engine-wasm/assets/pgdata.tar.gz`). */
  readonly pgdataUrl?: string;
}

/** Start a database once; resolves with the milliseconds the start took. */
export function startDatabase(
  kind: DatabaseKind,
  onProgress: Progress,
  assets: DatabaseAssets = {},
): Promise<number> {
  let p = starting.get(kind);
  if (!p) {
    p = (async () => {
      const t0 = performance.now();
      onProgress({ phase: "loading" });
      const options: StartOptions & { pgdata?: Blob | null; sqljsWasmUrl?: string } = {};
      if (kind === "postgresql" && assets.pgdataUrl) {
        options.pgdata = await download(assets.pgdataUrl, onProgress).catch(() => null);
      }
      if (kind === "sqlite" && assets.sqljsWasmUrl) options.sqljsWasmUrl = assets.sqljsWasmUrl;
      await start_database(kind, options);
      return performance.now() - t0;
    })();
    starting.set(kind, p);
    p.catch(() => starting.delete(kind));
  }
  return p;
}

export function databaseStarted(kind: DatabaseKind): boolean {
  return database_started(kind);
}

/** Back to the starting data (an empty schema / no tables). */
export async function resetDatabase(kind: DatabaseKind): Promise<void> {
  if (database_started(kind)) await reset_database(kind);
}
