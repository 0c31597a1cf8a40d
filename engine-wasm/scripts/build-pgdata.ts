/**
 * Builds the pre-initialised PostgreSQL data directory (engine-wasm/assets/pgdata.tar.gz): a fresh
 * PGlite runs initdb once here, at build time, so that every page and test starts from the dump
 * (about 2.5x faster than initdb on each start). Skips the work when the dump is newer than PGlite.
 */
import { mkdir, stat, writeFile } from "node:fs/promises";
import { PGlite } from "@electric-sql/pglite";

const target = new URL("../assets/pgdata.tar.gz", import.meta.url);
// The dump belongs to the installed PGlite: rebuilt when PGlite is newer than it.
const pgliteManifest = new URL(import.meta.resolve("@electric-sql/pglite"));

async function mtime(path: string | URL): Promise<number> {
  try {
    return (await stat(path)).mtimeMs;
  } catch {
    return 0;
  }
}

const force = process.argv.includes("--force");
if (!force && (await mtime(target)) > (await mtime(pgliteManifest))) {
  console.log(`pgdata: up to date (${target.pathname})`);
} else {
  const started = performance.now();
  const pg = await PGlite.create();
  await pg.exec("SELECT 1");
  const dump = await pg.dumpDataDir("gzip");
  await pg.close();
  await mkdir(new URL(".", target), { recursive: true });
  await writeFile(target, new Uint8Array(await dump.arrayBuffer()));
  console.log(`pgdata: wrote ${target.pathname} (${(dump.size / 1024).toFixed(0)} KiB) in ${(performance.now() - started).toFixed(0)} ms`);
}
