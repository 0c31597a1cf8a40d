/**
 * `npm run bench`: engine-wasm against the bare drivers, in Node, on both databases in one run, in two
 * configurations (lib/configs.ts): `plain` (echo off, no listeners) and `notebook` (as the notebook
 * kernel runs a cell: its listeners on the engine, echo=True into its output sink).
 *
 * For PostgreSQL (PGlite) and SQLite (sql.js), three workloads — insert 1,000 rows, select 1,000 rows
 * with all(), 1,000 single-row selects by primary key — each done by `raw` (the driver alone, sending
 * the database the statements engine-wasm's Core sends: lib/raw.ts), `core`
 * (engine-wasm Core) and `orm` (engine-wasm ORM), Core and ORM once per configuration and once more
 * in each variant that takes the notebook's time apart. Each (database, workload) runs `--warmup`
 * repetitions, then at least `--reps` timed ones; all layers and variants take turns within every
 * repetition, so a change of machine load affects all of them alike. A fast one goes on (up to
 * `--max-reps`) until it has been timed for `--min-time` seconds, so its median rests on more samples
 * (with at most 40, a layer of 4 ms was timed for 0.16 s, before V8 had finished optimising it: the
 * SQLite ORM insert's median was 4.0 ms there and 3.2 ms after 280 repetitions).
 * Every repetition is checked (the rows written or read are the expected ones) outside the timed
 * part. A layer that cannot run shows "n/a (not available: <error>)".
 *
 * Each database runs in a process of its own (a child `node bench/run.ts --database <kind>`), as a
 * page's kernel worker runs one database: code both drivers reach is optimised for the one that runs,
 * and one database's garbage and compiled code do not land in the other's timings.
 *
 * Prints median ms and the ratio to raw with the targets met or missed, then where the notebook's
 * time goes (events, making and posting the echo log, microseconds per log line), and writes
 * bench/results.json (see lib/report.ts).
 *
 *   node bench/run.ts [--reps N] [--max-reps N] [--min-time SECONDS] [--warmup N]
 *                     [--database postgresql|sqlite] [--workload insert|select|get] [--layer raw|core|orm]
 *                     [--config plain|notebook] [--out FILE | --no-write]
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { cpus, tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import {
  CONFIGS,
  type Config,
  type EngineSetup,
  engineSetup,
  type Logged,
  VARIANTS_OF,
  type Variant,
} from "./lib/configs.ts";
import {
  type BenchDatabase,
  openDatabase,
  type PostgresDatabase,
  type SqliteDatabase,
} from "./lib/databases.ts";
import { median, repetition } from "./lib/measure.ts";
import { rawPglite, rawSqljs } from "./lib/raw.ts";
import {
  FORMAT_US_PER_LINE_TARGET,
  formatBreakdown,
  formatTable,
  formattingPerLine,
  type LogFigures,
  makeBreakdown,
  makeResult,
  type Result,
} from "./lib/report.ts";
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
    "max-reps": { type: "string", default: "1000" },
    "min-time": { type: "string", default: "1" },
    warmup: { type: "string", default: "2" },
    database: { type: "string", multiple: true },
    workload: { type: "string", multiple: true },
    layer: { type: "string", multiple: true },
    config: { type: "string", multiple: true },
    out: { type: "string", default: new URL("results.json", import.meta.url).pathname },
    "no-write": { type: "boolean", default: false },
    /** Internal: run the one database given here and write its results and notes to this file. */
    "child-out": { type: "string" },
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
const configs = choose<Config>("config", args.config, CONFIGS);

/** The first line of an error, for "n/a (not available: …)". */
function errorLine(err: unknown): string {
  const e = err as { name?: string; message?: string };
  const text =
    e && typeof e === "object" && "message" in e ? `${e.name ?? "Error"}: ${e.message}` : String(err);
  return text.split("\n")[0]!.slice(0, 200);
}

/** One thing timed: the raw driver, or Core / ORM in one variant. */
interface Runner {
  readonly key: string;
  readonly layer: Layer;
  /** null for raw. */
  readonly variant: Variant | null;
  readonly setup: EngineSetup | null;
}

const runnerKey = (layer: Layer, variant: Variant | null) => (variant ? `${layer}/${variant}` : layer);

function runnersOf(): Runner[] {
  const out: Runner[] = [];
  for (const layer of layers) {
    if (layer === "raw") {
      out.push({ key: layer, layer, variant: null, setup: null });
      continue;
    }
    for (const config of configs)
      for (const variant of VARIANTS_OF[config])
        out.push({ key: runnerKey(layer, variant), layer, variant, setup: engineSetup(variant) });
  }
  return out;
}

/** Medians over the timed repetitions of the null-sink variant's log. */
function logFigures(logged: readonly Logged[] | undefined): LogFigures {
  if (!logged?.length)
    return { lines: null, formatted_lines: null, formatting_ms: null, median_statement_ms: null };
  const medians = logged.flatMap((l) => (l.median_statement_ms === null ? [] : [l.median_statement_ms]));
  return {
    lines: median(logged.map((l) => l.lines)),
    formatted_lines: median(logged.map((l) => l.timed_lines)),
    formatting_ms: median(logged.map((l) => l.timed_ms)),
    median_statement_ms: medians.length ? median(medians) : null,
  };
}

async function prepare(runner: Runner, db: BenchDatabase): Promise<LayerCases> {
  switch (runner.layer) {
    case "raw":
      return db.kind === "postgresql" ? rawPglite(db as PostgresDatabase) : rawSqljs(db as SqliteDatabase);
    case "core":
      return (await import("./lib/core.ts")).coreLayer(db, runner.setup!);
    case "orm":
      return (await import("./lib/orm.ts")).ormLayer(db, runner.setup!);
  }
}

async function benchDatabase(kind: DatabaseKind, results: Result[], notes: Set<string>): Promise<void> {
  process.stdout.write(`${kind}: starting\n`);
  const db = await openDatabase(kind);
  const runners = runnersOf();
  const prepared = new Map<string, LayerCases>();
  const unavailable = new Map<string, string>();
  for (const runner of runners) {
    try {
      const cases = await prepare(runner, db);
      prepared.set(runner.key, cases);
      for (const note of cases.notes ?? []) notes.add(note);
    } catch (err) {
      unavailable.set(runner.key, errorLine(err));
    }
  }
  const active = runners.filter((r) => prepared.has(r.key));

  for (const workload of workloads) {
    if (workload !== "insert") await db.filledTable();
    const times = new Map<string, number[]>(active.map((r) => [r.key, []]));
    /** The log of each timed repetition. */
    const logs = new Map<string, Logged[]>(active.map((r) => [r.key, []]));
    const failed = new Map<string, string>();
    /** A runner takes part in every repetition until it has REPS timed ones and MIN_TIME_MS of them (or MAX_REPS). */
    const wantsMore = (key: string) => {
      const t = times.get(key)!;
      if (failed.has(key)) return false;
      if (t.length < REPS) return true;
      return t.length < MAX_REPS && t.reduce((a, b) => a + b, 0) < MIN_TIME_MS;
    };
    for (let rep = 0; active.some((r) => wantsMore(r.key)); rep++) {
      for (const runner of active) {
        const { key, setup } = runner;
        if (rep >= WARMUP && !wantsMore(key)) continue;
        if (failed.has(key)) continue;
        try {
          setup?.begin();
          const ms = await repetition(prepared.get(key)!.cases[workload]);
          const logged = setup?.end();
          if (rep >= WARMUP) {
            times.get(key)!.push(ms);
            if (logged) logs.get(key)!.push(logged);
          }
        } catch (err) {
          setup?.end();
          failed.set(key, errorLine(err));
        }
      }
    }
    const medianOf = (key: string) => {
      const t = times.get(key);
      return t && t.length > 0 && !failed.has(key) ? median(t) : null;
    };
    const raw = medianOf("raw");
    for (const config of configs) {
      for (const layer of layers) {
        const variant = layer === "raw" ? null : config;
        const key = runnerKey(layer, variant);
        const error = unavailable.get(key) ?? failed.get(key);
        const n = times.get(key)?.length ?? 0;
        let breakdown: ReturnType<typeof makeBreakdown> | undefined;
        if (config === "notebook" && layer !== "raw") {
          const medians: Partial<Record<Variant, number | null>> = {};
          for (const v of ["plain", ...VARIANTS_OF.notebook] as const) {
            const k = runnerKey(layer, v);
            if (times.has(k)) medians[v] = medianOf(k);
          }
          breakdown = makeBreakdown(medians, logFigures(logs.get(runnerKey(layer, "null-sink"))));
        }
        const result = makeResult(
          kind,
          config,
          layer,
          workload,
          n,
          error ? null : medianOf(key),
          raw,
          error,
          breakdown,
        );
        results.push(result);
        const shown = error ? `n/a (not available: ${error})` : `${result.median_ms} ms`;
        process.stdout.write(`${kind}: ${WORKLOAD_TITLES[workload]}, ${config}, ${layer}: ${shown}\n`);
      }
    }
    for (const [key, error] of failed) {
      if (!key.includes("/") || configs.some((c) => key.endsWith(`/${c}`))) continue;
      process.stdout.write(`${kind}: ${WORKLOAD_TITLES[workload]}, ${key}: n/a (not available: ${error})\n`);
    }
  }
  for (const cases of prepared.values()) await cases.close();
  await db.dropTable();
}

/** What a child process hands back. */
interface ChildReport {
  results: Result[];
  notes: string[];
}

/** Runs one database in a child process with the same options; its progress lines pass through. */
function benchDatabaseInChild(kind: DatabaseKind, results: Result[], notes: Set<string>): void {
  const dir = mkdtempSync(join(tmpdir(), "engine-wasm-bench-"));
  const out = join(dir, `${kind}.json`);
  try {
    const argv = [
      ...process.execArgv,
      fileURLToPath(import.meta.url),
      `--reps=${REPS}`,
      `--max-reps=${MAX_REPS}`,
      `--min-time=${args["min-time"]}`,
      `--warmup=${WARMUP}`,
      `--database=${kind}`,
      ...workloads.map((w) => `--workload=${w}`),
      ...layers.map((l) => `--layer=${l}`),
      ...configs.map((c) => `--config=${c}`),
      `--child-out=${out}`,
    ];
    const child = spawnSync(process.execPath, argv, { stdio: "inherit" });
    if (child.status !== 0 && child.status !== 1)
      throw new Error(
        `the ${kind} benchmark process failed (${child.signal ?? `exit code ${child.status}`})`,
      );
    const report = JSON.parse(readFileSync(out, "utf8")) as ChildReport;
    results.push(...report.results);
    for (const note of report.notes) notes.add(note);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const results: Result[] = [];
const notes = new Set<string>();
const childOut = args["child-out"];
if (childOut !== undefined) {
  for (const kind of databases) await benchDatabase(kind, results, notes);
  writeFileSync(childOut, JSON.stringify({ results, notes: [...notes] } satisfies ChildReport));
  process.exit(results.some((r) => r.layer === "raw" && r.error !== undefined) ? 1 : 0);
}
for (const kind of databases) benchDatabaseInChild(kind, results, notes);

const cpu = cpus()[0]?.model ?? "unknown CPU";
process.stdout.write(
  `\nengine-wasm benchmark: Node ${process.version}, ${cpus().length} x ${cpu}; each database in a process of its own; ` +
    `median of n timed repetitions (at least ${REPS}; up to ${MAX_REPS} until a layer was timed ${MIN_TIME_MS / 1000} s) ` +
    `after ${WARMUP} warm-up ones. plain: echo off, no listeners; ` +
    `notebook: the kernel's listeners, echo=True into the kernel's output sink\n\n`,
);
process.stdout.write(`${formatTable(results)}\n\n`);
if (results.some((r) => r.breakdown)) {
  process.stdout.write(
    "Where the notebook's time goes (ms per repetition, differences of medians): " +
      "listeners = echo-off - plain; events = notebook - listeners-off; echo log = notebook - echo-off, " +
      "of which posting = notebook - null-sink (the kernel's sink posting each record to the page); " +
      "formatting = making the statements' log lines, timed directly (BEGIN / COMMIT lines untimed); " +
      "lines = log records per repetition; us/line = formatting per statement log line (median: of the median statement)\n\n",
  );
  process.stdout.write(`${formatBreakdown(results)}\n\n`);
  for (const [kind, us] of formattingPerLine(results)) {
    const verdict = us < FORMAT_US_PER_LINE_TARGET ? "met" : "missed";
    process.stdout.write(
      `${kind}: echo formatting ${us.toFixed(2)} us per statement log line over all workloads (target < ${FORMAT_US_PER_LINE_TARGET} us: ${verdict})\n`,
    );
  }
  process.stdout.write("\n");
}
for (const note of notes) process.stdout.write(`${note}\n`);
if (!args["no-write"]) {
  writeFileSync(args.out, `${JSON.stringify(results, null, 2)}\n`);
  process.stdout.write(`\nwrote ${args.out}\n`);
}
// PGlite keeps the event loop alive after the work is done. The driver alone failing is a broken benchmark.
process.exit(results.some((r) => r.layer === "raw" && r.error !== undefined) ? 1 : 0);
