/**
 * The kernel's bytes start with the page: a lesson page's `<head>` asks for the kernel worker's script
 * and for the files of the database it will start, before any script of the page has loaded.
 *
 * Without it, the worker's script is asked for only once the page's module scripts have loaded and
 * run (`boot.ts` creates the worker), and the database's files once the worker's script has arrived
 * and run: several round trips after the page, each one later on a slow link. With it, everything
 * the bar's "<database> ready" needs is on the wire from the moment the head is parsed.
 *
 * Two parts, both build time:
 *
 * - `kernelFiles()`, a Vite plugin for the worker builds (`vite.worker.plugins`), records from the
 *   kernel worker's bundle its entry script with the chunks that script imports, and per database the
 *   driver's code (sql.js / PGlite, with the chunks it imports) and the database's files;
 * - `kernelPreload()`, an Astro integration, writes into the head of every built page with notebook
 *   cells a small inline script: it reads the database the learner chose last (`nb:database`, else the
 *   page's default, as `boot.ts` does) and fetches the kernel's scripts and that database's driver,
 *   each read to its end so that the HTTP cache keeps it whole for the worker's module loader, and
 *   SQLite's WebAssembly (see `HAND_OVER_BYTES`), whose response it leaves unread for `boot.ts`: it
 *   hands it to the worker with its `start` (the body transferred), which reads it as if it had asked
 *   itself (a file that arrived without `Content-Encoding` is taken from its gzip copy,
 *   site/worker/assets.ts). So each file is requested once, whatever caching headers the host sends.
 *
 * Runs before `offline()` (the service worker's version covers the pages as written) and
 * `precompress()` (the pages are compressed as written).
 */
import { readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type { AstroIntegration } from "astro";
import { builtFiles } from "./database-files.ts";

type Database = "postgresql" | "sqlite";

/** Paths relative to the build's directory (`_astro/kernel-….js`). */
export interface KernelFiles {
  readonly kernel: readonly string[];
  readonly databases: Readonly<Record<Database, readonly string[]>>;
}

let recorded: KernelFiles | null = null;

/** What the last build recorded (null before a build, or when the kernel's bundle was not seen). */
export function recordedKernelFiles(): KernelFiles | null {
  return recorded;
}

const ENTRY = /[\\/]site[\\/]worker[\\/]kernel\.ts$/;
const DRIVERS: Readonly<Record<Database, RegExp>> = {
  sqlite: /[\\/]node_modules[\\/]sql\.js[\\/]dist[\\/][^?]*\.js$/,
  postgresql: /[\\/]node_modules[\\/]@electric-sql[\\/]pglite[\\/]dist[\\/]index\.js$/,
};
const DATABASE_FILES: Readonly<Record<Database, RegExp>> = {
  sqlite: /(^|[\\/])sql-wasm\.wasm$/,
  postgresql: /(^|[\\/])(pglite\.wasm|pgdata\.tar|pglite-lessons\.data)$/,
};

interface Chunk {
  type: "chunk";
  fileName: string;
  isEntry: boolean;
  facadeModuleId: string | null;
  moduleIds: readonly string[];
  imports: readonly string[];
}
interface Asset {
  type: "asset";
  fileName: string;
  originalFileNames?: readonly string[];
}

/** The Vite plugin of the worker builds that records the kernel's files (see the header). */
export function kernelFiles() {
  return {
    name: "kernel-files",
    generateBundle(_options: unknown, bundle: Record<string, Chunk | Asset>) {
      const outputs = Object.values(bundle);
      const chunks = new Map(
        outputs.filter((o): o is Chunk => o.type === "chunk").map((c) => [c.fileName, c] as const),
      );
      const entry = [...chunks.values()].find((c) => c.isEntry && ENTRY.test(c.facadeModuleId ?? ""));
      if (!entry) return; // another worker (the editor's diagnostics)
      const closure = (start: Chunk, skip: ReadonlySet<string> = new Set()) => {
        const seen = new Set<string>();
        const visit = (c: Chunk) => {
          if (seen.has(c.fileName) || skip.has(c.fileName)) return;
          seen.add(c.fileName);
          for (const i of c.imports) {
            const next = chunks.get(i);
            if (next) visit(next);
          }
        };
        visit(start);
        return [...seen];
      };
      const kernel = closure(entry);
      const kernelSet = new Set(kernel);
      const databases = {} as Record<Database, string[]>;
      for (const db of ["sqlite", "postgresql"] as const) {
        // (the kernel's own chunk holds the `?url` modules naming the database's files)
        const driver = [...chunks.values()].find(
          (c) => !kernelSet.has(c.fileName) && c.moduleIds.some((id) => DRIVERS[db].test(id)),
        );
        const files = outputs
          .filter((o): o is Asset => o.type === "asset")
          .filter((a) => (a.originalFileNames ?? []).some((n) => DATABASE_FILES[db].test(n)))
          .map((a) => a.fileName);
        databases[db] = [...(driver ? closure(driver, kernelSet) : []), ...files];
      }
      recorded = { kernel, databases };
    },
  };
}

/** Where the inline script leaves the database's responses for `prestartKernel()` (site/client/worker.ts). */
export const EARLY_GLOBAL = "__nbKernelEarly";

/**
 * A database's files are handed over only when they are this small in all (decoded): a transferred
 * body reaches the worker chunk by chunk through the page's thread, which for PGlite's 22 MB made the
 * start seconds slower than the worker's own download (whose WebAssembly compiles as it arrives). So
 * the page asks for sql.js's WebAssembly (0.7 MB) and for PGlite's code, not for PGlite's files.
 */
export const HAND_OVER_BYTES = 2 * 1024 * 1024;

/**
 * The inline script for a page whose bar offers `databases`, `fallback` when none was chosen;
 * `size(rel)` is a built file's size in bytes.
 */
export function preloadScript(
  files: KernelFiles,
  base: string,
  databases: readonly Database[],
  fallback: Database,
  size: (rel: string) => number,
): string {
  const url = (rel: string) => base + rel;
  const table = Object.fromEntries(
    databases.map((db) => {
      const all = files.databases[db];
      const data = all.filter((f) => !f.endsWith(".js"));
      const handed = data.reduce((n, f) => n + size(f), 0) <= HAND_OVER_BYTES ? data : [];
      return [db, { code: all.filter((f) => f.endsWith(".js")).map(url), files: handed.map(url) }];
    }),
  );
  // scripts: read to the end (the worker's module loader finds them in the HTTP cache); the
  // database's files: their responses wait for the worker, which reads them (no second request)
  return (
    `(()=>{let d;try{d=localStorage.getItem("nb:database")}catch{}` +
    `const f=${JSON.stringify(table)},k=${JSON.stringify(files.kernel.map(url))};` +
    `d=f[d]?d:${JSON.stringify(fallback)};` +
    `for(const u of k.concat(f[d].code))fetch(u).then(r=>r.blob()).catch(()=>{});` +
    `globalThis.${EARLY_GLOBAL}={database:d,responses:f[d].files.map(u=>{const p=fetch(u);p.catch(()=>{});return[u,p]})}})()`
  );
}

const BAR = /<notebook-bar\b[^>]*>/;

/** The page's HTML with the preload script in its head (unchanged without notebook cells). */
export function withKernelPreload(
  html: string,
  files: KernelFiles,
  base: string,
  size: (rel: string) => number,
): string {
  const bar = BAR.exec(html)?.[0];
  if (!bar || !html.includes("<notebook-cell")) return html;
  const attr = (name: string) => new RegExp(`\\s${name}="([^"]*)"`).exec(bar)?.[1] ?? "";
  const databases = attr("data-databases")
    .split(" ")
    .filter((d): d is Database => d === "sqlite" || d === "postgresql");
  if (!databases.length) return html;
  const fallback = databases.find((d) => d === attr("data-default")) ?? databases[0]!;
  const tag = `<script>${preloadScript(files, base, databases, fallback, size)}</script>`;
  // first in the head, after the charset: it runs before the stylesheets are asked for
  const charset = /<meta charset="?utf-8"?\s*\/?>/i.exec(html);
  if (charset) return html.replace(charset[0], `${charset[0]}${tag}`);
  return html.replace(/<head>/i, `<head>${tag}`);
}

export function kernelPreload(): AstroIntegration {
  return {
    name: "learn-kernel-preload",
    hooks: {
      "astro:build:done": ({ dir, logger }) => {
        const files = recordedKernelFiles();
        if (!files) {
          logger.warn("the kernel worker's bundle was not seen: pages get no preload of its files");
          return;
        }
        const base = `/${(process.env.BASE_PATH ?? "").replace(/^\/+|\/+$/g, "")}/`.replace(/\/+/g, "/");
        let pages = 0;
        const out = fileURLToPath(dir);
        const size = (rel: string) => statSync(join(out, rel)).size;
        for (const file of builtFiles(out)) {
          if (!file.endsWith(".html")) continue;
          const html = readFileSync(file, "utf8");
          const page = withKernelPreload(html, files, base, size);
          if (page === html) continue;
          writeFileSync(file, page);
          pages++;
        }
        logger.info(
          `${pages} pages ask for the kernel's ${files.kernel.length} script(s) and their database's files first`,
        );
      },
    },
  };
}
