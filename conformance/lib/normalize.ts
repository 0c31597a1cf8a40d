/**
 * Turning a run's raw output into the lines a transcript holds (conformance/transcripts/README.md,
 * "Placeholders"): log timestamps, elapsed times, memory addresses, server versions and pool ids
 * become placeholders, so that only behaviour is compared.
 */

export type Backend = "sqlite" | "postgresql";

const TIMESTAMP = /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d{3} /;
/** `[generated in 0.00021s]`, `[cached since 0.001234s ago]`, `[no key 0.00012s]` (JS may write 1e-5). */
const ELAPSED = /(?<=[[ ])\d+\.\d+(?:e[-+]?\d+)?s(?=[\] ]| ago)/g;
const ADDRESS = /0x[0-9a-fA-F]{6,16}/g;
const SINGLETON_ID = /(SingletonThreadPool id:)\d+/g;
/** `PostgreSQL 15.4 (Debian ...) on x86_64-pc-linux-gnu, compiled by gcc ..., 64-bit` (PGlite: `... 32-bit`). */
const PG_VERSION = /PostgreSQL \d+(?:\.\d+)*\b.*?\b(?:32|64)-bit/g;
/** `3.40.1` as sqlite_version() returns it; only replaced on the sqlite backend. */
const SQLITE_VERSION = /(?<![\w.])3\.\d{1,2}\.\d{1,2}(?![\w.])/g;

export interface NormalizeOptions {
  backend: Backend;
  /** Absolute directory of the scenario, shown as `<scenarios>/` in warning lines. */
  scenarioDir?: string;
}

/** Splits output the way the transcripts do: on "\n", a trailing newline makes no extra element. */
export function splitOutput(text: string): string[] {
  if (text === "") return [];
  const lines = text.replace(/\r\n/g, "\n").split("\n");
  if (lines[lines.length - 1] === "") lines.pop();
  return lines;
}

export function normalizeLine(line: string, options: NormalizeOptions): string {
  let out = line.replace(TIMESTAMP, "<TS> ");
  out = out.replace(ELAPSED, "Xs");
  out = out.replace(ADDRESS, "0x<ADDR>");
  out = out.replace(SINGLETON_ID, "$1<ID>");
  if (options.backend === "postgresql") out = out.replace(PG_VERSION, "<PG_VERSION>");
  if (options.backend === "sqlite") out = out.replace(SQLITE_VERSION, "<SQLITE_VERSION>");
  if (options.scenarioDir) {
    const dir = options.scenarioDir.replace(/\/+$/, "");
    out = out.split(`${dir}/`).join("<scenarios>/");
  }
  return out;
}

export function normalizeOutput(text: string, options: NormalizeOptions): string[] {
  return splitOutput(text).map((line) => normalizeLine(line, options));
}
