/**
 * `npm run bench`: engine-wasm against the bare drivers, in Node, on both databases in one run.
 *
 * For PostgreSQL (PGlite) and SQLite (sql.js), three workloads — insert 1,000 rows, select 1,000 rows
 * with all(), 1,000 single-row selects by primary key — each done three ways: `raw` (the driver
 * alone), `core` (engine-wasm Core) and `orm` (engine-wasm ORM). Each (database, workload) runs
 * `--warmup` repetitions, then at least `--reps` timed ones; the layers take turns within every
 * repetition, so a change of machine load affects all of them alike. A fast layer goes on (up to
 * `--max-reps`) until it has been timed for `--min-time` seconds, so its median rests on more samples. Every repetition is checked (the rows written or
 * read are the expected ones) outside the timed part. A layer that cannot run shows
 * "n/a (not available: <error>)".
 *
 * Prints median ms and the ratio to raw, and writes bench/results.json (see lib/report.ts).
 *
 *   node bench/run.ts [--reps N] [--max-reps N] [--min-time SECONDS] [--warmup N]
 *                     [--database postgresql|sqlite] [--workload insert|select|get] [--layer raw|core|orm]
 *                     [--out FILE | --no-write]
 */
import { writeFileSync } from "node:fs";
import { cpus } from "node:os";
import { parseArgs } from "node:util";
import {
  type BenchDatabase,
  openDatabase,
  type PostgresDatabase,
  type SqliteDatabase,
} from "./lib/databases.ts";
import { median, repetition } from "./lib/measure.ts";
import { rawPglite, rawSqljs } from "./lib/raw.ts";
import { formatTable, makeResult, type Result } from "./lib/report.ts";
import {
  type DatabaseKind,
  LAYERS,
  type Layer,
  type LayerCases,
  WORKLOAD_TITLES,
  WORKLOADS,
  type Workload,
} from "./lib/workloads.ts";

const { values: args } = parseArgs({
  options: {
    reps: { type: "string", default: "7" },
    "max-reps": { type: "string", default: "40" },
    "min-time": { type: "string", default: "1" },
    warmup: { type: "string", default: "2" },
    database: { type: "string", multiple: true },
    workload: { type: "string", multiple: true },
    layer: { type: "string", multiple: true },
    out: { type: "string", default: new URL("results.json", import.meta.url).pathname },
    "no-write": { type: "boolean", default: false },
  },
});

function count(name: string, value: string, min: number): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < min)
    throw new RangeError(`--${name} must be an integer >= ${min}, got ${value}`);
  return n;
}

function choose<T extends string>(
  name: string,
  given: string[] | undefined,
  all: readonly T[],
): readonly T[] {
  if (!given) return all;
  for (const g of given) {
    if (!all.includes(g as T)) throw new RangeError(`--${name} must be one of ${all.join(", ")}, got ${g}`);
  }
  return all.filter((x) => given.includes(x));
}

const REPS = count("reps", args.reps, 1);
const MAX_REPS = Math.max(REPS, count("max-reps", args["max-reps"], 1));
const MIN_TIME_MS = Number(args["min-time"]) * 1000;
if (!(MIN_TIME_MS >= 0))
  throw new RangeError(`--min-time must be a number of seconds >= 0, got ${args["min-time"]}`);
const WARMUP = count("warmup", args.warmup, 0);
const databases = choose<DatabaseKind>("database", args.database, ["postgresql", "sqlite"]);
const workloads = choose<Workload>("workload", args.workload, WORKLOADS);
const layers = choose<Layer>("layer", args.layer, LAYERS);

/** The first line of an error, for "n/a (not available: …)". */
function errorLine(err: unknown): string {
  const e = err as { name?: string; message?: string };
  const text =
    e && typeof e === "object" && "message" in e ? `${e.name ?? "Error"}: ${e.message}` : String(err);
  return text.split("\n")[0]!.slice(0, 200);
}

async function prepareLayer(layer: Layer, db: BenchDatabase): Promise<LayerCases> {
  switch (layer) {
    case "raw":
      return db.kind === "postgresql" ? rawPglite(db as PostgresDatabase) : rawSqljs(db as SqliteDatabase);
    case "core":
      return (await import("./lib/core.ts")).coreLayer(db);
    case "orm":
      return (await import("./lib/orm.ts")).ormLayer(db);
  }
}

async function benchDatabase(kind: DatabaseKind, results: Result[], notes: Set<string>): Promise<void> {
  process.stdout.write(`${kind}: starting\n`);
  const db = await openDatabase(kind);
  const prepared = new Map<Layer, LayerCases>();
  const unavailable = new Map<Layer, string>();
  for (const layer of layers) {
    try {
      const cases = await prepareLayer(layer, db);
      prepared.set(layer, cases);
      for (const note of cases.notes ?? []) notes.add(note);
    } catch (err) {
      unavailable.set(layer, errorLine(err));
    }
  }

  for (const workload of workloads) {
    if (workload !== "insert") await db.filledTable();
    const times = new Map<Layer, number[]>([...prepared.keys()].map((l) => [l, []]));
    const failed = new Map<Layer, string>();
    /** A layer takes part in every repetition until it has REPS timed ones and MIN_TIME_MS of them (or MAX_REPS). */
    const wantsMore = (layer: Layer) => {
      const t = times.get(layer)!;
      if (failed.has(layer)) return false;
      if (t.length < REPS) return true;
      return t.length < MAX_REPS && t.reduce((a, b) => a + b, 0) < MIN_TIME_MS;
    };
    for (let rep = 0; [...prepared.keys()].some(wantsMore); rep++) {
      for (const [layer, cases] of prepared) {
        if (rep >= WARMUP && !wantsMore(layer)) continue;
        if (failed.has(layer)) continue;
        try {
          const ms = await repetition(cases.cases[workload]);
          if (rep >= WARMUP) times.get(layer)!.push(ms);
        } catch (err) {
          failed.set(layer, errorLine(err));
        }
      }
    }
    const medianOf = (layer: Layer) => {
      const t = times.get(layer);
      return t && t.length > 0 && !failed.has(layer) ? median(t) : null;
    };
    const raw = medianOf("raw");
    for (const layer of layers) {
      const error = unavailable.get(layer) ?? failed.get(layer);
      const n = times.get(layer)?.length ?? 0;
      const result = makeResult(kind, layer, workload, n, error ? null : medianOf(layer), raw, error);
      results.push(result);
      const shown = error ? `n/a (not available: ${error})` : `${result.median_ms} ms`;
      process.stdout.write(`${kind}: ${WORKLOAD_TITLES[workload]}, ${layer}: ${shown}\n`);
    }
  }
  for (const cases of prepared.values()) await cases.close();
  await db.dropTable();
}

const results: Result[] = [];
const notes = new Set<string>();
for (const kind of databases) await benchDatabase(kind, results, notes);

const cpu = cpus()[0]?.model ?? "unknown CPU";
process.stdout.write(
  `\nengine-wasm benchmark: Node ${process.version}, ${cpus().length} x ${cpu}; ` +
    `median of n timed repetitions (at least ${REPS}; up to ${MAX_REPS} until a layer was timed ${MIN_TIME_MS / 1000} s) ` +
    `after ${WARMUP} warm-up ones; echo off\n\n`,
);
process.stdout.write(`${formatTable(results)}\n\n`);
for (const note of notes) process.stdout.write(`${note}\n`);
if (!args["no-write"]) {
  writeFileSync(args.out, `${JSON.stringify(results, null, 2)}\n`);
  process.stdout.write(`\nwrote ${args.out}\n`);
}
// PGlite keeps the event loop alive after the work is done. The driver alone failing is a broken benchmark.
process.exit(results.some((r) => r.layer === "raw" && r.error !== undefined) ? 1 : 0);
