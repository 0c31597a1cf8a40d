/**
 * Builds PostgreSQL's start-up files in engine-wasm/assets/, which pages and tests start from:
 *
 * - `pgdata.tar`: the pre-initialised data directory. A fresh PGlite runs initdb once here, at build
 *   time, and its data directory is dumped, so that a start loads the dump instead of running initdb.
 *   Only what a started cluster needs is kept: the `postgres` database (PGlite connects to it;
 *   `template0` and `template1` serve only CREATE DATABASE, which the lessons never run), the one WAL
 *   segment holding the last checkpoint (written right after a segment switch, so it is nearly all
 *   zeros), no free space or visibility maps (PostgreSQL rebuilds them when it needs them). initdb runs
 *   with 1 MB WAL segments instead of 16 MB: the segment is written out in full when it is loaded. The
 *   tar is not compressed: the host compresses it on the way (brotli), and the browser decodes it while
 *   it downloads.
 *
 * - `pglite-lessons.data`: PGlite's file bundle (`pglite.data`, what Emscripten mounts under /pglite)
 *   with the files a started cluster never reads for the lessons filled with zeros. The bundle's table
 *   of contents is compiled into PGlite's code (each file's offset and length), so the layout stays and
 *   only its content goes; zeros cost nothing once compressed. Emptied (`EMPTIED` below): what only
 *   initdb reads (postgres.bki, the *.sql scripts, the *.sample configurations, sql_features.txt,
 *   errcodes.txt), the extension build kit (pgxs), the loadable modules but PL/pgSQL (encoding
 *   conversions: the client and the server both speak UTF8; the snowball stemmers and their
 *   dictionaries: full-text search; replication), and ICU's collation data (the cluster's collation is
 *   the builtin C one; ICU is read only for a collation named explicitly). A cell that asks for one of
 *   them gets PostgreSQL's own error ("could not access file …"). The time zones stay (`SET TimeZone`,
 *   `AT TIME ZONE`). Every test (`npm run test:unit`, the
 *   conformance runner, the lessons' doctests) starts from this bundle in Node too.
 *
 * Skips the work when both files are newer than the installed PGlite and this script; `--force`
 * rebuilds anyway. Usage: node engine-wasm/scripts/build-pgdata.ts [--force]
 */
import { mkdir, readFile, stat, writeFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { PGlite } from "@electric-sql/pglite";

const pgdataTarget = new URL("../assets/pgdata.tar", import.meta.url);
const bundleTarget = new URL("../assets/pglite-lessons.data", import.meta.url);
const inputs = [new URL(import.meta.resolve("@electric-sql/pglite")), new URL(import.meta.url)];

/** Files of PGlite's bundle a started cluster does not read for the lessons (see the header). */
const EMPTIED: readonly RegExp[] = [
  /^\/pglite\/share\/postgresql\/[^/]+\.(sql|bki|sample)$/,
  /^\/pglite\/share\/postgresql\/(sql_features|errcodes)\.txt$/,
  /^\/pglite\/share\/postgresql\/tsearch_data\//,
  /^\/pglite\/lib\/postgresql\/pgxs\//,
  /^\/pglite\/lib\/postgresql\/(?!plpgsql\.so$)[^/]+\.so$/,
  /^\/pglite\/icu\/icudt\d+l\/coll\//,
];

async function mtime(path: URL): Promise<number> {
  try {
    return (await stat(path)).mtimeMs;
  } catch {
    return 0;
  }
}

/** The data directory of a fresh cluster, stripped to what a start needs (see the header). */
async function buildPgdata(): Promise<Uint8Array> {
  const pg = await PGlite.create({ initDbStartParams: ["--wal-segsize=1"] });
  try {
    for (const db of ["template0", "template1"]) {
      await pg.exec(`ALTER DATABASE ${db} WITH IS_TEMPLATE false`);
      await pg.exec(`DROP DATABASE ${db}`);
    }
    await pg.exec("VACUUM");
    await pg.exec("CHECKPOINT");
    const FS = pg.Module.FS;
    const root = "/pglite/data";
    const redoSegment = async () =>
      (await pg.query<{ f: string }>("SELECT redo_wal_file AS f FROM pg_control_checkpoint()")).rows[0]!.f;
    const dropSegmentsBut = (keep: string) => {
      for (const name of FS.readdir(`${root}/pg_wal`)) {
        if (/^[0-9A-F]{24}$/.test(name) && name !== keep) FS.unlink(`${root}/pg_wal/${name}`);
      }
    };
    // Recycled segments hold old WAL; with them gone, the switch starts a new, zero-filled segment,
    // and the checkpoint after it is the only record in it.
    dropSegmentsBut(await redoSegment());
    await pg.query("SELECT pg_switch_wal()");
    await pg.exec("CHECKPOINT");
    dropSegmentsBut(await redoSegment());
    const walk = (dir: string): string[] =>
      FS.readdir(dir)
        .filter((n: string) => n !== "." && n !== "..")
        .flatMap((n: string) => {
          const path = `${dir}/${n}`;
          return FS.isDir(FS.stat(path).mode) ? walk(path) : [path];
        });
    for (const path of walk(root)) if (/_(fsm|vm)$/.test(path)) FS.unlink(path);
    return new Uint8Array(await (await pg.dumpDataDir("none")).arrayBuffer());
  } finally {
    await pg.close();
  }
}

/** PGlite's file bundle with the files in `EMPTIED` zero-filled, and how many bytes that emptied. */
async function buildBundle(): Promise<{ bytes: Uint8Array; emptied: number }> {
  const require = createRequire(import.meta.url);
  const dist = dirname(require.resolve("@electric-sql/pglite"));
  const bytes = new Uint8Array(await readFile(join(dist, "pglite.data")));
  // The bundle's table of contents, as Emscripten's file packager wrote it into PGlite's code.
  const code = await readFile(join(dist, "pglite.js"), "utf8");
  const entries = [...code.matchAll(/\{filename:"([^"]+)",start:(\d+),end:(\d+)\}/g)];
  const size = Number(/remote_package_size:(\d+)/.exec(code)?.[1]);
  if (!entries.length || size !== bytes.length)
    throw new Error("PGlite's file bundle: its table of contents was not found in PGlite's code");
  let emptied = 0;
  for (const [, name, start, end] of entries) {
    if (!EMPTIED.some((re) => re.test(name!))) continue;
    bytes.fill(0, Number(start), Number(end));
    emptied += Number(end) - Number(start);
  }
  return { bytes, emptied };
}

const force = process.argv.includes("--force");
const built = Math.min(await mtime(pgdataTarget), await mtime(bundleTarget));
const newestInput = Math.max(...(await Promise.all(inputs.map(mtime))));
if (!force && built > newestInput) {
  console.log(`pgdata: up to date (${fileURLToPath(new URL(".", pgdataTarget))})`);
} else {
  const started = performance.now();
  await mkdir(new URL(".", pgdataTarget), { recursive: true });
  const tar = await buildPgdata();
  await writeFile(pgdataTarget, tar);
  const { bytes, emptied } = await buildBundle();
  await writeFile(bundleTarget, bytes);
  const ms = (performance.now() - started).toFixed(0);
  const kib = (n: number) => `${(n / 1024).toFixed(0)} KiB`;
  console.log(
    `pgdata: wrote ${fileURLToPath(pgdataTarget)} (${kib(tar.length)}) and ${fileURLToPath(bundleTarget)} ` +
      `(${kib(emptied)} of ${kib(bytes.length)} emptied) in ${ms} ms`,
  );
}
