/**
 * The databases' files in a built site (build time, Node): which ones the kernel fetches (the ones
 * named by its script that keeps them in `DATABASE_CACHE`, site/worker/assets.ts), which ones only
 * PGlite's own fallback names (its full `pglite.data`, `initdb.wasm`: a start that cannot load the
 * data directory runs initdb with them), and which ones no script names (copies the build emits twice).
 */
import { readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { DATABASE_CACHE, DATABASE_FILE } from "../worker/database-cache.ts";

export function builtFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((d) =>
    d.isDirectory() ? builtFiles(join(dir, d.name)) : [join(dir, d.name)],
  );
}

export interface DatabaseFiles {
  /** Paths relative to the build's directory, `/`-separated. */
  readonly kernel: readonly string[];
  readonly fallback: readonly string[];
  readonly unused: readonly string[];
}

export function databaseFiles(dir: string): DatabaseFiles {
  const all = builtFiles(dir).sort();
  const rels = all.map((f) => relative(dir, f).split("\\").join("/"));
  const scripts = all
    .filter((f) => f.endsWith(".js") && !f.endsWith("/sw.js"))
    .map((f) => readFileSync(f, "utf8"));
  const kernelScripts = scripts.filter((code) => code.includes(DATABASE_CACHE));
  const out = { kernel: [] as string[], fallback: [] as string[], unused: [] as string[] };
  for (const rel of rels) {
    if (!DATABASE_FILE.test(rel)) continue;
    const name = rel.split("/").pop()!;
    if (kernelScripts.some((code) => code.includes(name))) out.kernel.push(rel);
    else if (scripts.some((code) => code.includes(name))) out.fallback.push(rel);
    else out.unused.push(rel);
  }
  return out;
}
