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
import { type DatabaseAssets, fetchOnce } from "./assets.ts";
import type { ProgressEvent } from "./protocol.ts";

export type { DatabaseAssets } from "./assets.ts";

/** `settings.DATABASE_URL` in a cell, per database (host, user and password are shown, never used). */
export const DATABASE_URLS: Readonly<Record<DatabaseKind, string>> = {
  postgresql: "postgresql+psycopg2://learner:secret@localhost:5432/learn",
  sqlite: "sqlite:///learn.db",
};

type Progress = (event: Omit<ProgressEvent, "type" | "database">) => void;

async function download(url: string, onProgress: Progress): Promise<Blob | null> {
  const res = await fetchOnce(url);
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

/**
 * sql.js's WebAssembly from the download the worker's entry started (a local `blob:` URL for sql.js to
 * instantiate), or its URL as is when that download failed.
 */
async function sqljsWasm(url: string): Promise<{ url: string; revoke?: () => void }> {
  try {
    const res = await fetchOnce(url);
    if (!res.ok) return { url };
    const blob = new Blob([await res.arrayBuffer()], { type: "application/wasm" });
    const local = URL.createObjectURL(blob);
    return { url: local, revoke: () => URL.revokeObjectURL(local) };
  } catch {
    return { url };
  }
}

/**
 * The page switched to the other database while this one's file was downloading: it was not started
 * (PGlite's start would hold the worker's thread for the other database's runs). The download is kept
 * for when it is wanted again.
 */
export class StartSuperseded extends Error {
  constructor(kind: DatabaseKind) {
    super(`${kind} is no longer the kernel's database: not started`);
    this.name = "StartSuperseded";
  }
}

let keptPgdata: Blob | undefined;

/**
 * Start a database once; resolves with the milliseconds the start took. `wanted()` is asked once the
 * files are downloaded, before the (CPU-heavy) start: false rejects with `StartSuperseded`.
 */
export function startDatabase(
  kind: DatabaseKind,
  onProgress: Progress,
  assets: DatabaseAssets = {},
  wanted: () => boolean = () => true,
): Promise<number> {
  let p = starting.get(kind);
  if (!p) {
    p = (async () => {
      const t0 = performance.now();
      onProgress({ phase: "loading" });
      const options: StartOptions & { pgdata?: Blob | null; sqljsWasmUrl?: string } = {};
      if (kind === "postgresql" && assets.pgdataUrl) {
        options.pgdata = keptPgdata ?? (await download(assets.pgdataUrl, onProgress).catch(() => null));
        keptPgdata = undefined;
      }
      if (!wanted()) {
        if (options.pgdata) keptPgdata = options.pgdata;
        starting.delete(kind); // the next call starts it afresh
        throw new StartSuperseded(kind);
      }
      let revoke: (() => void) | undefined;
      if (kind === "sqlite" && assets.sqljsWasmUrl) {
        const wasm = await sqljsWasm(assets.sqljsWasmUrl);
        options.sqljsWasmUrl = wasm.url;
        revoke = wasm.revoke;
      }
      try {
        await start_database(kind, options);
      } finally {
        revoke?.();
      }
      return performance.now() - t0;
    })();
    const started = p;
    starting.set(kind, started);
    started.catch(() => {
      if (starting.get(kind) === started) starting.delete(kind);
    });
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
