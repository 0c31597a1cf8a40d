/**
 * Results: one entry per (database, configuration, layer, workload), the printed tables, and
 * bench/results.json.
 *
 * results.json is an array of `{ database, config, layer, workload, median_ms, ratio_to_raw, n, node }`
 * (`config`: "plain" or "notebook", see lib/configs.ts), plus `target_ratio` and `met` where a target
 * applies, `error` when the layer could not run (then median_ms and ratio_to_raw are null), and for the
 * notebook's core and orm rows `breakdown`: where the notebook's time goes (see `Breakdown`). The
 * raw driver knows neither listeners nor echo: its one measurement is the raw row of both
 * configurations.
 */
import type { Config, Variant } from "./configs.ts";
import { BULK, type DatabaseKind, type Layer, WORKLOAD_TITLES, type Workload } from "./workloads.ts";

/** Making one echo log line (formatting, not posting it) stays under this many microseconds. */
export const FORMAT_US_PER_LINE_TARGET = 2;

/**
 * The notebook configuration taken apart, in ms per repetition (differences of medians, so only
 * roughly additive, and noisy where the workload's own time varies more than the part):
 * - `listeners_ms` = echo-off - plain: the kernel's listeners and what runs because an engine has any;
 * - `events_ms` = notebook - listeners-off: the same, measured with echo on;
 * - `echo_log_ms` = notebook - echo-off: the echo log, made and posted;
 * - `posting_ms` = notebook - null-sink: the kernel's sink posting each record to the page;
 * - `formatting_ms`: making the statements' log lines, timed directly (lib/configs.ts, null-sink), over
 *   `formatted_lines` of the repetition's `lines` log records (BEGIN / COMMIT lines are not timed);
 *   `formatting_us_per_line` = formatting_ms / formatted_lines; `median_us_per_line`: half the median
 *   statement's two lines (without the collections the rest of the workload's garbage causes, which
 *   land in whatever runs).
 */
export interface Breakdown {
  readonly medians_ms: Readonly<Partial<Record<Variant, number>>>;
  readonly listeners_ms: number | null;
  readonly events_ms: number | null;
  readonly echo_log_ms: number | null;
  readonly posting_ms: number | null;
  readonly formatting_ms: number | null;
  readonly lines: number | null;
  readonly formatted_lines: number | null;
  readonly formatting_us_per_line: number | null;
  readonly median_us_per_line: number | null;
}

/** What the notebook's log was, per repetition (medians). */
export interface LogFigures {
  readonly lines: number | null;
  readonly formatted_lines: number | null;
  readonly formatting_ms: number | null;
  readonly median_statement_ms: number | null;
}

export interface Result {
  readonly database: DatabaseKind;
  readonly config: Config;
  readonly layer: Layer;
  readonly workload: Workload;
  readonly median_ms: number | null;
  readonly ratio_to_raw: number | null;
  /** Timed repetitions behind the median (after the warm-up ones). */
  readonly n: number;
  readonly node: string;
  readonly target_ratio?: number;
  readonly met?: boolean;
  readonly breakdown?: Breakdown;
  readonly error?: string;
}

/**
 * Targets of the plain configuration (reported, never asserted): Core ≤ 1.3x raw in bulk, ≤ 2x per
 * statement; ORM insert ≤ 6x, load and get ≤ 3x. The notebook configuration reports its figures.
 */
export function targetRatio(config: Config, layer: Layer, workload: Workload): number | undefined {
  if (config !== "plain") return undefined;
  if (layer === "core") return BULK.has(workload) ? 1.3 : 2;
  if (layer === "orm") return workload === "insert" ? 6 : 3;
  return undefined;
}

export function makeResult(
  database: DatabaseKind,
  config: Config,
  layer: Layer,
  workload: Workload,
  n: number,
  median_ms: number | null,
  raw_ms: number | null,
  error?: string,
  breakdown?: Breakdown,
): Result {
  const ratio = median_ms !== null && raw_ms ? round(median_ms / raw_ms, 2) : null;
  const target = targetRatio(config, layer, workload);
  return {
    database,
    config,
    layer,
    workload,
    median_ms: median_ms === null ? null : round(median_ms, 2),
    ratio_to_raw: ratio,
    n,
    node: process.version,
    ...(target === undefined ? {} : { target_ratio: target }),
    ...(target === undefined || ratio === null ? {} : { met: ratio <= target }),
    ...(breakdown === undefined ? {} : { breakdown }),
    ...(error === undefined ? {} : { error }),
  };
}

/** The breakdown of a notebook row from the medians of its variants and its log figures. */
export function makeBreakdown(medians: Partial<Record<Variant, number | null>>, log: LogFigures): Breakdown {
  const m = (v: Variant) => medians[v] ?? null;
  const diff = (a: Variant, b: Variant) => {
    const x = m(a);
    const y = m(b);
    return x === null || y === null ? null : round(x - y, 3);
  };
  const kept: Partial<Record<Variant, number>> = {};
  for (const [k, v] of Object.entries(medians))
    if (v !== null && v !== undefined) kept[k as Variant] = round(v, 3);
  const { lines, formatted_lines, formatting_ms, median_statement_ms } = log;
  return {
    medians_ms: kept,
    listeners_ms: diff("echo-off", "plain"),
    events_ms: diff("notebook", "listeners-off"),
    echo_log_ms: diff("notebook", "echo-off"),
    posting_ms: diff("notebook", "null-sink"),
    formatting_ms: formatting_ms === null ? null : round(formatting_ms, 3),
    lines,
    formatted_lines,
    formatting_us_per_line:
      formatting_ms === null || !formatted_lines ? null : round((formatting_ms * 1000) / formatted_lines, 2),
    median_us_per_line: median_statement_ms === null ? null : round((median_statement_ms * 1000) / 2, 2),
  };
}

function round(x: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}

/** Columns left-aligned or right-aligned (numeric), an error cell ("n/a …") as it is. */
function table(header: readonly string[], rows: readonly string[][], numeric: ReadonlySet<number>): string {
  const widths = header.map((h, i) =>
    Math.max(h.length, ...rows.filter((r) => !r.some((c) => c.startsWith("n/a"))).map((r) => r[i]!.length)),
  );
  const line = (cells: readonly string[]) =>
    cells
      .map((c, i) => {
        if (c.startsWith("n/a")) return c;
        return numeric.has(i) ? c.padStart(widths[i]!) : c.padEnd(widths[i]!);
      })
      .join("  ")
      .trimEnd();
  return [line(header), line(widths.map((w) => "-".repeat(w))), ...rows.map(line)].join("\n");
}

/** The printed table: median ms and ratio to raw per (database, workload, configuration, layer). */
export function formatTable(results: readonly Result[]): string {
  const header = ["database", "workload", "config", "layer", "median ms", "x raw", "target", "n"];
  const rows = results.map((r) => {
    const na = r.error !== undefined;
    const target =
      r.target_ratio === undefined
        ? ""
        : `<= ${r.target_ratio}x${r.met === undefined ? "" : r.met ? " met" : " missed"}`;
    return [
      r.database,
      WORKLOAD_TITLES[r.workload],
      r.config,
      r.layer,
      na ? `n/a (not available: ${r.error})` : r.median_ms!.toFixed(1),
      na || r.ratio_to_raw === null ? "" : `${r.ratio_to_raw.toFixed(2)}x`,
      target,
      na ? "" : String(r.n),
    ];
  });
  return table(header, rows, new Set([4, 5, 7]));
}

const ms = (x: number | null | undefined) => (x === null || x === undefined ? "" : x.toFixed(2));

/** Where the notebook configuration's time goes, per row, and the echo formatting cost per line. */
export function formatBreakdown(results: readonly Result[]): string {
  const header = [
    "database",
    "workload",
    "layer",
    "plain",
    "notebook",
    "listeners",
    "events",
    "echo log",
    "posting",
    "formatting",
    "lines",
    "us/line",
    "median",
  ];
  const rows: string[][] = [];
  for (const r of results) {
    const b = r.breakdown;
    if (!b) continue;
    const us = b.formatting_us_per_line;
    rows.push([
      r.database,
      WORKLOAD_TITLES[r.workload],
      r.layer,
      ms(b.medians_ms.plain),
      ms(b.medians_ms.notebook),
      ms(b.listeners_ms),
      ms(b.events_ms),
      ms(b.echo_log_ms),
      ms(b.posting_ms),
      ms(b.formatting_ms),
      b.lines === null ? "" : String(b.lines),
      us === null ? "" : us.toFixed(2),
      b.median_us_per_line === null ? "" : b.median_us_per_line.toFixed(2),
    ]);
  }
  return table(header, rows, new Set([3, 4, 5, 6, 7, 8, 9, 10, 11, 12]));
}

/** Echo formatting over all rows of a database: formatting time / formatted lines, summed over the rows. */
export function formattingPerLine(results: readonly Result[]): Map<DatabaseKind, number> {
  const sums = new Map<DatabaseKind, { ms: number; lines: number }>();
  for (const r of results) {
    const b = r.breakdown;
    if (!b || b.formatting_ms === null || !b.formatted_lines) continue;
    const s = sums.get(r.database) ?? { ms: 0, lines: 0 };
    s.ms += b.formatting_ms;
    s.lines += b.formatted_lines;
    sums.set(r.database, s);
  }
  return new Map([...sums].map(([db, s]) => [db, round((s.ms * 1000) / s.lines, 2)]));
}
