/**
 * Builds the pre-initialised PostgreSQL data directory, engine-wasm/assets/pgdata.tar.gz: a fresh
 * PGlite runs initdb once here, at build time, and its data directory is dumped, so that pages and
 * tests start from the dump instead of running initdb on every start (see runtime.ts).
 *
 * initdb runs with 1 MB WAL segments instead of 16 MB: the dump's first WAL segment is written out
 * in full when it is loaded, so a small one makes every start faster. A checkpoint before the dump
 * leaves nothing to replay.
 *
 * Skips the work when the dump is newer than both the installed PGlite and this script;
 * `--force` rebuilds anyway. Usage: node engine-wasm/scripts/build-pgdata.ts [--force]
 */
import { mkdir, stat, writeFile } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import { PGlite } from "@electric-sql/pglite";

const target = new URL("../assets/pgdata.tar.gz", import.meta.url);
const inputs = [new URL(import.meta.resolve("@electric-sql/pglite")), new URL(import.meta.url)];

async function mtime(path: URL): Promise<number> {
  try {
    return (await stat(path)).mtimeMs;
  } catch {
    return 0;
  }
}

const force = process.argv.includes("--force");
const built = await mtime(target);
const newestInput = Math.max(...(await Promise.all(inputs.map(mtime))));
if (!force && built > newestInput) {
  console.log(`pgdata: up to date (${fileURLToPath(target)})`);
} else {
  const started = performance.now();
  const pg = await PGlite.create({ initDbStartParams: ["--wal-segsize=1"] });
  await pg.exec("CHECKPOINT");
  const dump = await pg.dumpDataDir("gzip");
  await pg.close();
  await mkdir(new URL(".", target), { recursive: true });
  await writeFile(target, new Uint8Array(await dump.arrayBuffer()));
  const ms = (performance.now() - started).toFixed(0);
  console.log(`pgdata: wrote ${fileURLToPath(target)} (${(dump.size / 1024).toFixed(0)} KiB) in ${ms} ms`);
}
