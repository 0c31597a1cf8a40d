/**
 * Compresses the built site ahead of time: beside every compressible file of `dist/` (pages, scripts,
 * styles, the databases' WebAssembly, PGlite's file bundle and data directory) a brotli copy (`X.br`,
 * quality 11) and a gzip copy (`X.gz`, level 9), each kept only when it is smaller than the file. A
 * host that serves precompressed files sends the one the browser accepts with `Content-Encoding`
 * (Caddy's `file_server { precompressed br gzip }`, nginx's `brotli_static` / `gzip_static`; the site
 * benchmark's server does the same, see CONTRIBUTING.md). Brotli at quality 11 takes minutes for
 * PGlite's 9 MB of WebAssembly, so results are kept in `node_modules/.cache/precompress` by content
 * hash: a build whose files did not change compresses nothing again.
 */
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { extname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { brotliCompress, constants, gzip } from "node:zlib";
import type { AstroIntegration } from "astro";
import { builtFiles, databaseFiles } from "./database-files.ts";

/** The extensions worth compressing (text, WebAssembly, PGlite's bundle and data directory). */
export const COMPRESSIBLE = new Set([
  ".html",
  ".js",
  ".mjs",
  ".css",
  ".json",
  ".svg",
  ".xml",
  ".txt",
  ".wasm",
  ".data",
  ".tar",
  ".webmanifest",
]);

const brotli = promisify(brotliCompress);
const gz = promisify(gzip);

/** Compressions under way, by content hash (the build emits some files twice under two names). */
const pending = new Map<string, Promise<Buffer>>();

/** One encoding of `bytes`, from the cache when the same bytes were compressed before. */
function encoded(bytes: Buffer, kind: "br" | "gz", cacheDir: string): Promise<Buffer> {
  const key = `${createHash("sha256").update(bytes).digest("hex")}.${kind}`;
  let out = pending.get(key);
  if (!out) {
    out = compressed(bytes, kind, join(cacheDir, key));
    pending.set(key, out);
  }
  return out;
}

async function compressed(bytes: Buffer, kind: "br" | "gz", cached: string): Promise<Buffer> {
  if (existsSync(cached)) return readFileSync(cached);
  const out =
    kind === "br"
      ? await brotli(bytes, {
          params: {
            [constants.BROTLI_PARAM_QUALITY]: 11,
            [constants.BROTLI_PARAM_SIZE_HINT]: bytes.length,
          },
        })
      : await gz(bytes, { level: 9 });
  writeFileSync(cached, out);
  return out;
}

/** Writes `X.br` and `X.gz` beside every compressible file under `dir`. */
export async function precompressDir(dir: string, cacheDir: string): Promise<{ files: number; ms: number }> {
  const t0 = performance.now();
  mkdirSync(cacheDir, { recursive: true });
  // PGlite's fallback files (site/integrations/database-files.ts) are not worth minutes of brotli
  const fallback = new Set(databaseFiles(dir).fallback.map((rel) => join(dir, rel)));
  const targets = builtFiles(dir).filter((f) => COMPRESSIBLE.has(extname(f)) && !fallback.has(f));
  // zlib's async calls run on libuv's thread pool: a few at a time keeps every core busy
  const queue = [...targets];
  const work = async () => {
    for (let file = queue.shift(); file; file = queue.shift()) {
      const bytes = readFileSync(file);
      for (const kind of ["br", "gz"] as const) {
        const out = await encoded(bytes, kind, cacheDir);
        if (out.length < bytes.length) writeFileSync(`${file}.${kind}`, out);
      }
    }
  };
  await Promise.all(Array.from({ length: 4 }, work));
  return { files: targets.length, ms: performance.now() - t0 };
}

export function precompress(): AstroIntegration {
  return {
    name: "learn-precompress",
    hooks: {
      "astro:build:done": async ({ dir, logger }) => {
        const cacheDir = fileURLToPath(new URL("../../node_modules/.cache/precompress/", import.meta.url));
        const { files: n, ms } = await precompressDir(fileURLToPath(dir), cacheDir);
        logger.info(`${n} files precompressed (brotli, gzip) in ${(ms / 1000).toFixed(1)} s`);
      },
    },
  };
}
