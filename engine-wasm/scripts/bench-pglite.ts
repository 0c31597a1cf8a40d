/**
 * Measures PGlite's start-up (fresh initdb vs the pre-initialised data directory) and the cost of a
 * trivial statement through the sync wire client and the drivers, against PGlite's own async
 * `query()`. Usage: node engine-wasm/scripts/bench-pglite.ts [iterations]
 */
import { readFile } from "node:fs/promises";
import { PGlite } from "@electric-sql/pglite";
import { asyncpg } from "../src/dbapi/asyncpg.ts";
import { defaultPgdataLocation, getPostgres, startPostgres } from "../src/dbapi/pglite/runtime.ts";
import { PGliteWire } from "../src/dbapi/pglite/wire.ts";
import { psycopg2 } from "../src/dbapi/psycopg2.ts";

const iterations = Number(process.argv[2] ?? 2000);

async function time<T>(fn: () => Promise<T>): Promise<[T, number]> {
  const t = performance.now();
  const r = await fn();
  return [r, performance.now() - t];
}

const [fresh, initdbMs] = await time(() => PGlite.create());
await fresh.close();
const [, readMs] = await time(() => readFile(defaultPgdataLocation()));
const [fromDump, dataDirMs] = await time(async () =>
  PGlite.create({ loadDataDir: new Blob([new Uint8Array(await readFile(defaultPgdataLocation()))]) }),
);
await fromDump.close();
console.log(
  `start-up: fresh initdb ${initdbMs.toFixed(0)} ms; from the data directory ${dataDirMs.toFixed(0)} ms (reading the file: ${readMs.toFixed(0)} ms)`,
);

await startPostgres();
const pg = getPostgres();
const wire = new PGliteWire(pg);

async function perStatement(label: string, fn: () => unknown): Promise<void> {
  for (let i = 0; i < 200; i++) await fn();
  const t = performance.now();
  for (let i = 0; i < iterations; i++) await fn();
  const us = ((performance.now() - t) / iterations) * 1000;
  console.log(`${label.padEnd(44)} ${us.toFixed(1)} µs`);
}

await perStatement("pg.query('SELECT 1') (async)", () => pg.query("SELECT 1"));
await perStatement("wire.query('SELECT 1') (sync, simple)", () => wire.query("SELECT 1"));
await perStatement("wire.extended('SELECT 1', []) (sync)", () => wire.extended("SELECT 1", []));
await perStatement("wire.extended('SELECT $1::int', [1]) (sync)", () => wire.extended("SELECT $1::int", [1]));
const p2 = psycopg2.connect({ database: "test" });
const c2 = p2.cursor();
await perStatement("psycopg2 cursor.execute + fetchall", () => {
  c2.execute("SELECT %(x)s", { x: 1 });
  return c2.fetchall();
});
const apg = asyncpg.connect({ database: "test" });
const ca = apg.cursor();
await perStatement("asyncpg cursor.execute + fetchall", () => {
  ca.execute("SELECT $1::INTEGER", [1]);
  return ca.fetchall();
});
process.exit(0);
