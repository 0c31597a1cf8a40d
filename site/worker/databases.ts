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
import { assetSizes, type DatabaseAssets, downloadsDone, fetchOnce } from "./assets.ts";
import type { ProgressEvent } from "./protocol.ts";

export type { DatabaseAssets } from "./assets.ts";

/** `settings.DATABASE_URL` in a cell, per database (host, user and password are shown, never used). */
export const DATABASE_URLS: Readonly<Record<DatabaseKind, string>> = {
  postgresql: "postgresql+psycopg2://learner:secret@localhost:5432/learn",
  sqlite: "sqlite:///learn.db",
};

type Progress = (event: Omit<ProgressEvent, "type" | "database">) => void;

const NAMES: Readonly<Record<DatabaseKind, string>> = { postgresql: "PostgreSQL", sqlite: "SQLite" };

/**
 * The database cannot be had: its files could not be downloaded, or it failed to start. The message
 * is for the learner ("PostgreSQL could not be downloaded: the network request failed"), never a
 * stack trace.
 */
export class DatabaseUnavailable extends Error {
  readonly database: DatabaseKind;
  constructor(database: DatabaseKind, message: string) {
    super(message);
    this.database = database;
    this.name = "DatabaseUnavailable";
  }

  static from(database: DatabaseKind, e: unknown): DatabaseUnavailable {
    if (e instanceof DatabaseUnavailable) return e;
    const first = (e instanceof Error ? e.message : String(e)).split("\n")[0]!.slice(0, 200);
    return new DatabaseUnavailable(database, `${NAMES[database]} could not be started: ${first}`);
  }
}

/** Why a download failed, in plain words. */
function downloadFailure(database: DatabaseKind, response: Response | null): DatabaseUnavailable {
  const why = response
    ? `the server answered ${response.status}${response.statusText ? ` ${response.statusText}` : ""}`
    : "the network request failed";
  return new DatabaseUnavailable(database, `${NAMES[database]} could not be downloaded: ${why}`);
}

/** What a downloaded file becomes: its bytes, or (PGlite's WebAssembly) a module compiled as it arrives. */
type Take = "blob" | "wasm";

/**
 * Downloads files side by side, reporting their bytes together. The total is the sizes the build
 * recorded (`assetSizes`), else a response's Content-Length when it was not compressed on the way (a
 * compressed body's Content-Length is not the size of what the stream yields); otherwise the page
 * shows the bytes so far. A WebAssembly file is compiled while it downloads
 * (`WebAssembly.compileStreaming` over one branch of the body, the progress count over the other); a
 * module that does not compile is null (the driver then fetches and compiles its own). A file that cannot
 * be had rejects with `DatabaseUnavailable`.
 */
async function downloadAll(
  database: DatabaseKind,
  files: readonly { url: string; take: Take }[],
  onProgress: Progress,
): Promise<(Blob | WebAssembly.Module | null)[]> {
  const loaded = files.map(() => 0);
  const totals: (number | undefined)[] = files.map((f) => assetSizes.get(f.url));
  let lastReport = 0;
  const report = (force = false) => {
    const sum = loaded.reduce((a, b) => a + b, 0);
    if (!force && sum - lastReport < 256 * 1024) return;
    lastReport = sum;
    const known = totals.every((t) => t !== undefined);
    onProgress({
      phase: "loading",
      loaded: sum,
      total: known ? totals.reduce((a, b) => a! + b!, 0) : undefined,
    });
  };
  const count = async (body: ReadableStream<Uint8Array>, i: number, keep: Uint8Array[] | null) => {
    const reader = body.getReader();
    for (;;) {
      const { done, value } = await reader.read().catch(() => {
        throw downloadFailure(database, null);
      });
      if (done) break;
      keep?.push(value);
      loaded[i]! += value.byteLength;
      report();
    }
    totals[i] = loaded[i];
  };
  const one = async ({ url, take }: { url: string; take: Take }, i: number) => {
    const res = await fetchOnce(url).catch(() => null);
    if (!res?.ok || !res.body) throw downloadFailure(database, res);
    const length = Number(res.headers.get("content-length"));
    totals[i] ??= length && !res.headers.get("content-encoding") ? length : undefined;
    if (take === "wasm") {
      const [counted, compiled] = res.body.tee();
      const module = WebAssembly.compileStreaming(
        new Response(compiled, { headers: { "content-type": "application/wasm" } }),
      ).catch(() => null);
      await count(counted, i, null);
      return module;
    }
    const chunks: Uint8Array[] = [];
    await count(res.body, i, chunks);
    return new Blob(chunks as BlobPart[]);
  };
  const taken = await Promise.all(files.map(one));
  report(true);
  return taken;
}

/** PGlite's files as the start takes them; what could not be downloaded is left to PGlite. */
interface PostgresFiles {
  pgdata: Blob | null;
  pgliteWasm: WebAssembly.Module | null;
  fsBundle: Blob | null;
}

async function downloadPostgres(assets: DatabaseAssets, onProgress: Progress): Promise<PostgresFiles> {
  const { pgdataUrl, pgliteWasmUrl, pgliteDataUrl } = assets;
  if (!pgdataUrl || !pgliteWasmUrl || !pgliteDataUrl) {
    const [pgdata] = await downloadAll("postgresql", [{ url: pgdataUrl!, take: "blob" }], onProgress);
    return { pgdata: pgdata as Blob, pgliteWasm: null, fsBundle: null };
  }
  const [pgdata, fsBundle, pgliteWasm] = await downloadAll(
    "postgresql",
    [
      { url: pgdataUrl, take: "blob" },
      { url: pgliteDataUrl, take: "blob" },
      { url: pgliteWasmUrl, take: "wasm" },
    ],
    onProgress,
  );
  return {
    pgdata: pgdata as Blob,
    fsBundle: fsBundle as Blob,
    pgliteWasm: pgliteWasm as WebAssembly.Module | null,
  };
}

const starting = new Map<DatabaseKind, Promise<number>>();

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

let keptPostgres: PostgresFiles | undefined;

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
      const options: StartOptions = {};
      let files: PostgresFiles | undefined;
      if (kind === "postgresql" && assets.pgdataUrl) {
        files = keptPostgres ?? (await downloadPostgres(assets, onProgress));
        keptPostgres = undefined;
      }
      if (!wanted()) {
        // kept for a switch back, unless a download was stopped by the switch (then it starts afresh)
        if (files?.pgdata && files.pgliteWasm && files.fsBundle) keptPostgres = files;
        starting.delete(kind); // the next call starts it afresh
        throw new StartSuperseded(kind);
      }
      if (files) {
        options.pgdata = files.pgdata;
        if (files.fsBundle) options.fsBundle = files.fsBundle;
        if (files.pgliteWasm) options.pgliteWasmModule = files.pgliteWasm;
      }
      if (kind === "sqlite" && assets.sqljsWasmUrl) {
        // compiled as it downloads; a module that did not compile is left to sql.js (from the HTTP cache)
        const [module] = await downloadAll(
          "sqlite",
          [{ url: assets.sqljsWasmUrl, take: "wasm" }],
          onProgress,
        );
        if (module) options.sqljsWasmModule = module as WebAssembly.Module;
        else options.sqljsWasmUrl = assets.sqljsWasmUrl;
      }
      await start_database(kind, options).catch((e) => {
        throw DatabaseUnavailable.from(kind, e);
      });
      downloadsDone(kind);
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
