/**
 * Results: one entry per (database, layer, workload), the printed table, and bench/results.json.
 *
 * results.json is an array of `{ database, layer, workload, median_ms, ratio_to_raw, n, node }`
 * (plus `target_ratio` for core/orm, and `error` when the layer could not run: then median_ms and
 * ratio_to_raw are null).
 */
import { BULK, type DatabaseKind, type Layer, WORKLOAD_TITLES, type Workload } from "./workloads.ts";

export interface Result {
  readonly database: DatabaseKind;
  readonly layer: Layer;
  readonly workload: Workload;
  readonly median_ms: number | null;
  readonly ratio_to_raw: number | null;
  /** Timed repetitions behind the median (after the warm-up ones). */
  readonly n: number;
  readonly node: string;
  readonly target_ratio?: number;
  readonly error?: string;
}

/** Targets reported against (never asserted): Core ≤ 1.3x raw in bulk, ≤ 2x per statement; ORM 4x/3x/3x. */
export function targetRatio(layer: Layer, workload: Workload): number | undefined {
  if (layer === "core") return BULK.has(workload) ? 1.3 : 2;
  if (layer === "orm") return workload === "insert" ? 4 : 3;
  return undefined;
}

export function makeResult(
  database: DatabaseKind,
  layer: Layer,
  workload: Workload,
  n: number,
  median_ms: number | null,
  raw_ms: number | null,
  error?: string,
): Result {
  const ratio = median_ms !== null && raw_ms ? round(median_ms / raw_ms, 2) : null;
  const target = targetRatio(layer, workload);
  return {
    database,
    layer,
    workload,
    median_ms: median_ms === null ? null : round(median_ms, 2),
    ratio_to_raw: ratio,
    n,
    node: process.version,
    ...(target === undefined ? {} : { target_ratio: target }),
    ...(error === undefined ? {} : { error }),
  };
}

function round(x: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}

/** The printed table: median ms and ratio to raw per (database, workload, layer). */
export function formatTable(results: readonly Result[]): string {
  const header = ["database", "workload", "layer", "median ms", "x raw", "target", "n"];
  const rows = results.map((r) => {
    const na = r.error !== undefined;
    const target = r.target_ratio === undefined ? "" : `<= ${r.target_ratio}x`;
    const verdict =
      r.ratio_to_raw === null || r.target_ratio === undefined
        ? ""
        : r.ratio_to_raw <= r.target_ratio
          ? " ok"
          : " over";
    return [
      r.database,
      WORKLOAD_TITLES[r.workload],
      r.layer,
      na ? `n/a (not available: ${r.error})` : r.median_ms!.toFixed(1),
      na || r.ratio_to_raw === null ? "" : `${r.ratio_to_raw.toFixed(2)}x`,
      target + verdict,
      na ? "" : String(r.n),
    ];
  });
  const widths = header.map((h, i) =>
    Math.max(h.length, ...rows.filter((r) => !r[3]!.startsWith("n/a")).map((r) => r[i]!.length)),
  );
  const numeric = new Set([3, 4, 6]);
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
