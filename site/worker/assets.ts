/// <reference types="vite/client" />
/**
 * Where the bundler put the databases' files (URLs only: the worker's entry imports this before the
 * engine has loaded, to start their downloads at once).
 */

import sizes from "virtual:kernel-asset-sizes";
import pgliteWasmUrl from "@electric-sql/pglite/pglite.wasm?url";
import sqljsWasmUrl from "sql.js/dist/sql-wasm.wasm?url";
import pgdataUrl from "../../engine-wasm/assets/pgdata.tar?url";
import pgliteDataUrl from "../../engine-wasm/assets/pglite-lessons.data?url";
import { DATABASE_CACHE } from "./database-cache.ts";
import type { DatabaseKind, EarlyResponse } from "./protocol.ts";

export interface DatabaseAssets {
  /** sql.js's `sql-wasm.wasm`. */
  readonly sqljsWasmUrl?: string;
  /** The pre-initialised PGlite data directory (`engine-wasm/assets/pgdata.tar`). */
  readonly pgdataUrl?: string;
  /**
   * PGlite's WebAssembly and its file bundle, stripped to what the lessons use
   * (`engine-wasm/assets/pglite-lessons.data`, see engine-wasm/scripts/build-pgdata.ts); fetched here
   * to show progress and to compile the WebAssembly while it downloads.
   */
  readonly pgliteWasmUrl?: string;
  readonly pgliteDataUrl?: string;
}

export const assets: DatabaseAssets = { sqljsWasmUrl, pgdataUrl, pgliteWasmUrl, pgliteDataUrl };

/** Bytes of each file as the build found it (the progress bar's total from the start). */
export const assetSizes: ReadonlyMap<string, number> = new Map(
  [
    [pgliteWasmUrl, sizes.pgliteWasm],
    [pgliteDataUrl, sizes.pgliteData],
    [sqljsWasmUrl, sizes.sqljsWasm],
    [pgdataUrl, sizes.pgdata],
  ].filter((e): e is [string, number] => typeof e[0] === "string"),
);

/**
 * The databases' files are kept in the Cache API once downloaded (their URLs carry a content hash):
 * a kernel restart, a new worker after a time limit or Stop, and a switch between the databases take
 * them from there instead of the network, whatever caching headers the host sends. The service worker
 * adds the other database's files when it installs (database-cache.ts). Entries of earlier builds are
 * deleted when a kernel starts.
 */
let cache: Promise<Cache | null> | null = null;

function openCache(): Promise<Cache | null> {
  cache ??= (async () => {
    try {
      if (typeof caches === "undefined") return null;
      const c = await caches.open(DATABASE_CACHE);
      const current = new Set(
        Object.values(assets)
          .filter((u): u is string => !!u)
          .map((u) => new URL(u, location.href).href),
      );
      for (const request of await c.keys()) if (!current.has(request.url)) void c.delete(request);
      return c;
    } catch {
      return null; // storage disabled or full: the network as before
    }
  })();
  return cache;
}

/**
 * `fetch(url)` through the kept files: a kept response, else the network's (kept once it is whole);
 * `early`, the response the page already received for `url`, stands for the network's.
 */
export async function cachedFetch(url: string, init?: RequestInit, early?: Response): Promise<Response> {
  const c = await openCache();
  const kept = await c?.match(url).catch(() => undefined);
  if (kept) {
    void early?.body?.cancel().catch(() => {});
    return kept;
  }
  const response = await compressedOnTheWire(url, early ?? (await fetch(url, init)), init);
  if (response.ok && c) c.put(url, response.clone()).catch(() => {});
  return response;
}

/**
 * A host that compresses by content type only (GitHub Pages gzips pages and scripts; Netlify and
 * Cloudflare compress the WebAssembly too) sends PGlite's data directory and file bundle as they are:
 * 7.7 + 6.1 MB instead of under 1 MB. The build writes a gzip copy beside each database file
 * (`X.gz`, site/integrations/precompress.ts); when `X` arrives without a `Content-Encoding`, the
 * kernel takes `X.gz` instead and decompresses it as it arrives (`DecompressionStream`), and stops
 * the first download. The bytes are the same file's; a host without the copy (the dev server) keeps
 * the first response. A host that marks `.gz` files `Content-Encoding: gzip` (Apache's `AddEncoding`)
 * has them decoded by the browser already.
 */
async function compressedOnTheWire(url: string, response: Response, init?: RequestInit): Promise<Response> {
  if (!response.ok || response.headers.get("content-encoding") || typeof DecompressionStream !== "function")
    return response;
  const gz = await fetch(`${url}.gz`, init).catch(() => null);
  const type = gz?.headers.get("content-type") ?? "";
  if (!gz?.ok || !gz.body || type.startsWith("text/html")) {
    void gz?.body?.cancel().catch(() => {});
    return response;
  }
  void response.body?.cancel().catch(() => {});
  const body = gz.headers.get("content-encoding")
    ? gz.body
    : gz.body.pipeThrough(new DecompressionStream("gzip") as ReadableWritablePair<Uint8Array, Uint8Array>);
  return new Response(body, {
    status: 200,
    headers: { "content-type": response.headers.get("content-type") ?? "application/octet-stream" },
  });
}

const early = new Map<string, Promise<Response>>();
/** Downloads under way, by URL, with the database they are for (so that a switch can stop them). */
const inFlight = new Map<string, { database: DatabaseKind; controller: AbortController }>();

const driverCode = new Set<DatabaseKind>();

/**
 * Start downloading a database's files now (once per URL; `fetchOnce()` hands the response over) and
 * its driver's code (engine-wasm imports PGlite / sql.js only when the database starts: this import
 * fills the module map early, and the engine's own import then finds it there). The other database's
 * downloads still under way stop: the page switched away from it, and PGlite's ~20 MB would compete
 * with the database now wanted.
 */
export function prefetch(
  database: DatabaseKind,
  pgdata: string | undefined = assets.pgdataUrl,
  handed?: Promise<readonly EarlyResponse[]>,
): void {
  for (const [url, download] of inFlight) {
    if (download.database === database) continue;
    download.controller.abort();
    inFlight.delete(url);
    early.delete(url);
  }
  if (started.has(database)) return;
  if (!driverCode.has(database)) {
    driverCode.add(database);
    const code = database === "sqlite" ? import("sql.js") : import("@electric-sql/pglite");
    code.catch(() => {});
  }
  const urls =
    database === "sqlite" ? [assets.sqljsWasmUrl] : [pgdata, assets.pgliteWasmUrl, assets.pgliteDataUrl];
  const taken = new Set<string>();
  for (const url of urls) {
    if (!url || inFlight.has(url) || early.has(url) || typeof fetch !== "function") continue;
    const controller = new AbortController();
    const init = { signal: controller.signal };
    const response = handed
      ? handed.then((list) => {
          const e = list.find((r) => sameUrl(r.url, url));
          return cachedFetch(url, init, e && earlyResponse(e, controller.signal));
        })
      : cachedFetch(url, init);
    response.catch(() => {});
    inFlight.set(url, { database, controller });
    early.set(url, response);
    taken.add(url);
  }
  // what the page handed over and nothing here reads (a file already under way or kept) is stopped
  void handed?.then((list) => {
    for (const r of list)
      if (![...taken].some((u) => sameUrl(u, r.url))) void r.body.cancel().catch(() => {});
  });
}

function sameUrl(a: string, b: string): boolean {
  return new URL(a, location.href).href === new URL(b, location.href).href;
}

/**
 * A response the page handed over, as a `Response`; `signal` stops it as it would a download of the
 * kernel's own (the page's download is cancelled, a read of the body fails).
 */
function earlyResponse(early: EarlyResponse, signal: AbortSignal): Response {
  const { readable, writable } = new TransformStream<Uint8Array, Uint8Array>();
  void early.body.pipeTo(writable, { signal }).catch(() => {});
  return new Response(readable, {
    status: early.status,
    headers: early.headers.map(([k, v]) => [k, v] as [string, string]),
  });
}

const started = new Set<DatabaseKind>();

/** The database has started: its files are no longer needed (a later prefetch for it does nothing). */
export function downloadsDone(database: DatabaseKind): void {
  started.add(database);
  for (const [url, download] of inFlight) if (download.database === database) inFlight.delete(url);
}

/** The response `prefetch()` started for `url` (once), else a new request. */
export function fetchOnce(url: string): Promise<Response> {
  const response = early.get(url);
  early.delete(url);
  return response ?? cachedFetch(url);
}
