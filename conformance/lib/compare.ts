/**
 * Line-by-line comparison of a run's normalised output with a transcript: an LCS diff, hunks, a
 * unified rendering, and accepted deviations (conformance/deviations.json).
 */
import { parseDictRepr, sameMapping } from "./pyliteral.ts";

/** `<TS> INFO sqlalchemy.engine.Engine [generated in Xs (insertmanyvalues) 1/1 (unordered)] ` + the dict. */
const INSERTMANYVALUES_PARAMS = /^(.*\[(?:[^\]]*\(insertmanyvalues\)|insertmanyvalues)[^\]]*\] )(\{.*\})$/;

/** Equal lines, or the same insertmanyvalues log line whose parameter dicts hold the same mapping. */
export function linesMatch(expected: string, actual: string): boolean {
  if (expected === actual) return true;
  const e = INSERTMANYVALUES_PARAMS.exec(expected);
  const a = INSERTMANYVALUES_PARAMS.exec(actual);
  if (!e || !a || e[1] !== a[1]) return false;
  const em = parseDictRepr(e[2]);
  const am = parseDictRepr(a[2]);
  return em !== null && am !== null && sameMapping(em, am);
}

export type DiffOp =
  | { kind: "equal"; expected: string; actual: string; e: number; a: number }
  | { kind: "delete"; expected: string; e: number; a: number }
  | { kind: "insert"; actual: string; e: number; a: number };

/** Longest-common-subsequence diff; `e` / `a` are 0-based positions in expected / actual. */
export function diffLines(expected: readonly string[], actual: readonly string[]): DiffOp[] {
  const n = expected.length;
  const m = actual.length;
  // lcs[i][j]: LCS length of expected[i..] and actual[j..]
  const lcs: Uint32Array[] = Array.from({ length: n + 1 }, () => new Uint32Array(m + 1));
  for (let i = n - 1; i >= 0; i--) {
    for (let j = m - 1; j >= 0; j--) {
      lcs[i][j] = linesMatch(expected[i], actual[j])
        ? lcs[i + 1][j + 1] + 1
        : Math.max(lcs[i + 1][j], lcs[i][j + 1]);
    }
  }
  const ops: DiffOp[] = [];
  let i = 0;
  let j = 0;
  while (i < n || j < m) {
    if (i < n && j < m && linesMatch(expected[i], actual[j]) && lcs[i][j] === lcs[i + 1][j + 1] + 1) {
      ops.push({ kind: "equal", expected: expected[i], actual: actual[j], e: i, a: j });
      i++;
      j++;
    } else if (j < m && (i === n || lcs[i][j + 1] > lcs[i + 1][j])) {
      ops.push({ kind: "insert", actual: actual[j], e: i, a: j });
      j++;
    } else {
      ops.push({ kind: "delete", expected: expected[i], e: i, a: j });
      i++;
    }
  }
  return ops;
}

/** A run of consecutive differing lines. */
export interface Hunk {
  /** Index in the ops list of the first differing op. */
  start: number;
  end: number;
  /** 1-based transcript line numbers of the expected lines missing from the run. */
  expectedLines: number[];
  deleted: string[];
  inserted: string[];
}

export function hunksOf(ops: readonly DiffOp[]): Hunk[] {
  const hunks: Hunk[] = [];
  let current: Hunk | null = null;
  ops.forEach((op, index) => {
    if (op.kind === "equal") {
      current = null;
      return;
    }
    if (!current) {
      current = { start: index, end: index, expectedLines: [], deleted: [], inserted: [] };
      hunks.push(current);
    }
    current.end = index;
    if (op.kind === "delete") {
      current.expectedLines.push(op.e + 1);
      current.deleted.push(op.expected);
    } else current.inserted.push(op.actual);
  });
  return hunks;
}

export interface Deviation {
  scenario: string;
  backend: string;
  /** A 1-based line number of the transcript's output, or that line's exact text; none: the whole run. */
  line?: number | string;
  reason: string;
}

/** A hunk is accepted when every transcript line it lacks is listed as a deviation of this run. */
export function hunkAccepted(hunk: Hunk, deviations: readonly Deviation[]): boolean {
  if (hunk.deleted.length === 0) return false;
  return hunk.deleted.every((text, k) =>
    deviations.some((d) => d.line === hunk.expectedLines[k] || d.line === text),
  );
}

export type Status = "PASS" | "FAIL" | "DEVIATION";

export interface Comparison {
  status: Status;
  matched: number;
  total: number;
  ops: DiffOp[];
  hunks: Hunk[];
  /** Deviations that explain the differences (or the whole run). */
  applied: Deviation[];
}

export function compareOutput(
  expected: readonly string[],
  actual: readonly string[],
  deviations: readonly Deviation[] = [],
): Comparison {
  const ops = diffLines(expected, actual);
  const hunks = hunksOf(ops);
  const matched = ops.filter((op) => op.kind === "equal").length;
  const base = { matched, total: expected.length, ops, hunks };
  if (hunks.length === 0) return { ...base, status: "PASS", applied: [] };
  const whole = deviations.filter((d) => d.line === undefined);
  if (whole.length > 0) return { ...base, status: "DEVIATION", applied: whole };
  if (!hunks.every((h) => hunkAccepted(h, deviations))) return { ...base, status: "FAIL", applied: [] };
  const applied = deviations.filter((d) =>
    hunks.some((h) => h.deleted.some((text, k) => d.line === h.expectedLines[k] || d.line === text)),
  );
  return { ...base, status: "DEVIATION", applied };
}

export interface UnifiedOptions {
  /** Lines of context around each hunk. */
  context?: number;
  /** Stop after this many differing (-/+) lines; undefined: everything. */
  maxChanged?: number;
  expectedLabel?: string;
  actualLabel?: string;
}

/** `diff -u` style rendering of the ops. */
export function unifiedDiff(ops: readonly DiffOp[], options: UnifiedOptions = {}): string[] {
  const context = options.context ?? 2;
  const out = [`--- ${options.expectedLabel ?? "expected"}`, `+++ ${options.actualLabel ?? "actual"}`];
  const changed = ops.map((op, i) => (op.kind === "equal" ? -1 : i)).filter((i) => i >= 0);
  if (changed.length === 0) return out;
  // group changed ops whose context windows touch
  const groups: [number, number][] = [];
  for (const i of changed) {
    const last = groups[groups.length - 1];
    if (last && i - last[1] <= 2 * context + 1) last[1] = i;
    else groups.push([i, i]);
  }
  let shown = 0;
  let total = 0;
  for (const op of ops) if (op.kind !== "equal") total++;
  for (const [first, last] of groups) {
    const from = Math.max(0, first - context);
    const to = Math.min(ops.length - 1, last + context);
    const slice = ops.slice(from, to + 1);
    const eStart = slice[0].e;
    const aStart = slice[0].a;
    const eCount = slice.filter((op) => op.kind !== "insert").length;
    const aCount = slice.filter((op) => op.kind !== "delete").length;
    out.push(`@@ -${eStart + 1},${eCount} +${aStart + 1},${aCount} @@`);
    for (const op of slice) {
      if (options.maxChanged !== undefined && op.kind !== "equal" && shown >= options.maxChanged) {
        out.push(`... ${total - shown} more differing lines (--verbose shows the full diff)`);
        return out;
      }
      if (op.kind === "equal") out.push(` ${op.actual}`);
      else if (op.kind === "delete") {
        out.push(`-${op.expected}`);
        shown++;
      } else {
        out.push(`+${op.actual}`);
        shown++;
      }
    }
  }
  return out;
}
