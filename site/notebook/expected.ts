/**
 * A lesson's expected output: the ```` ```text expected ```` fences written under a cell (after its
 * Python twin, if any), which say what SQLAlchemy prints for that cell — its `print` lines and its
 * `echo=True` log, as SQLAlchemy's documentation shows them (CONTRIBUTING.md, "Writing a lesson").
 *
 * The lesson tests run every cell on both databases and compare what the kernel shows with these
 * fences after one normalisation, applied to both sides: the log's timestamp and the
 * `INFO sqlalchemy.engine.Engine` logger go, elapsed times in cache markers become `...`, memory
 * addresses `0x...`.
 */
import type { KernelEvent } from "../worker/protocol.ts";
import { isCellFence, isCompare, type MdNode, parseAttributes } from "./cells.ts";

export type Database = "sqlite" | "postgresql";

export interface ExpectedOutput {
  /** The cell the fence belongs to (the nearest cell fence before it). */
  readonly cellId: string;
  /** The database it is for; `undefined`: both. */
  readonly database?: Database;
  /** `log="omit"`: only the printed lines and errors are compared. */
  readonly omitLog: boolean;
  /** The fence's text, one element per line. */
  readonly lines: readonly string[];
  /** 1-based line of the fence in the lesson file. */
  readonly line: number;
}

export class ExpectedOutputError extends Error {
  constructor(file: string, line: number, message: string) {
    super(`${file}:${line}: ${message}`);
    this.name = "ExpectedOutputError";
  }
}

/** Is this mdast node an expected-output fence? */
export function isExpectedFence(node: MdNode): boolean {
  return (
    node.type === "code" && node.lang === "text" && /^expected\b/.test(parseAttributes(node.meta ?? "").rest)
  );
}

/**
 * The expected-output fences of a lesson, in document order. A fence must follow a cell (fences of
 * other kinds, such as a Python twin, may stand between); two fences for one cell must name
 * different databases.
 */
export function expectedOutputs(file: string, root: MdNode): ExpectedOutput[] {
  const out: ExpectedOutput[] = [];
  let lastCell: string | undefined;
  const visit = (node: MdNode) => {
    if (isCellFence(node)) {
      lastCell = parseAttributes(node.meta ?? "").attrs.get("id");
      return;
    }
    if (isExpectedFence(node)) {
      const line = node.position?.start.line ?? 1;
      const fail = (message: string): never => {
        throw new ExpectedOutputError(file, line, message);
      };
      const { attrs, rest } = parseAttributes(node.meta ?? "");
      if (rest !== "expected") fail(`unexpected text in the info string: "${rest}"`);
      for (const key of attrs.keys()) {
        if (key !== "db" && key !== "log") fail(`unknown attribute "${key}" (known: db, log)`);
      }
      const db = attrs.get("db");
      if (db !== undefined && db !== "sqlite" && db !== "postgresql") {
        fail(`db="${db}": use "sqlite" or "postgresql"`);
      }
      const log = attrs.get("log");
      if (log !== undefined && log !== "omit") fail(`log="${log}": the only value is "omit"`);
      if (!lastCell) fail("expected output must follow a cell");
      const previous = out.filter((e) => e.cellId === lastCell);
      if (previous.some((e) => e.database === undefined || e.database === db || db === undefined)) {
        fail(`cell "${lastCell}" already has expected output for ${db ?? "both databases"}`);
      }
      const text = node.value ?? "";
      out.push({
        cellId: lastCell!,
        database: db as Database | undefined,
        omitLog: log === "omit",
        lines: text === "" ? [] : text.split("\n"),
        line,
      });
      return;
    }
    if (node.type === "code") return;
    for (const child of node.children ?? []) visit(child);
    // A cell inside <Compare> is not the cell a fence after the comparison belongs to.
    if (isCompare(node)) lastCell = undefined;
  };
  visit(root);
  return out;
}

/** The fence that applies to a cell on a database, if any. */
export function expectedFor(
  all: readonly ExpectedOutput[],
  cellId: string,
  database: Database,
): ExpectedOutput | undefined {
  const own = all.filter((e) => e.cellId === cellId);
  return own.find((e) => e.database === database) ?? own.find((e) => e.database === undefined);
}

const TIMESTAMP = /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d{3} /;
const ENGINE_LOGGER = /^INFO sqlalchemy\.engine\.Engine /;
/**
 * The elapsed time in a cache marker — `[generated in 0.00050s]`, `[cached since 12.3s ago]`,
 * `[no key 0.0001s]`, `[generated in 0.01s (insertmanyvalues) 1/1 (unordered)]` — and the `...` a
 * lesson writes for it (`...` or `...s`) become `...`.
 */
const ELAPSED =
  /(?<=\[(?:generated in|cached since|no key|dialect \S+ does not support caching) )(?:\d+(?:\.\d+)?(?:e[-+]?\d+)?|\.\.\.)s?(?=[\] ]| ago)/g;
const ADDRESS = /0x[0-9a-fA-F]{6,16}/g;

/** One line as the comparison sees it (both the fence's and the kernel's lines go through this). */
export function normalizeExpectedLine(line: string): string {
  return line
    .replace(TIMESTAMP, "")
    .replace(ENGINE_LOGGER, "")
    .replace(ELAPSED, "...")
    .replace(ADDRESS, "0x...")
    .replace(/[ \t]+$/, "");
}

/** A log event's lines (the first carries the timestamp and logger; a multi-line SQL follows). */
function split(text: string): string[] {
  const lines = text.replace(/\r\n/g, "\n").split("\n");
  if (lines[lines.length - 1] === "") lines.pop();
  return lines;
}

/** What the kernel showed for one cell, as lines comparable with its expected output. */
export function shownLines(
  events: readonly KernelEvent[],
  cellId: string,
  options: { omitLog: boolean },
): string[] {
  const lines: string[] = [];
  for (const e of events) {
    if (!("cellId" in e) || e.cellId !== cellId) continue;
    if (e.type === "print") lines.push(...split(e.text));
    else if (e.type === "log" && !options.omitLog) lines.push(...split(e.text));
    else if (e.type === "error") {
      const qualified = e.module && e.module !== "builtins" ? `${e.module}.${e.name}` : e.name;
      lines.push(...split(`${qualified}: ${e.message}`));
    }
  }
  return lines.map(normalizeExpectedLine);
}

/** The fence's lines, normalised as the kernel's are. */
export function expectedLines(expected: ExpectedOutput): string[] {
  return expected.lines.map(normalizeExpectedLine);
}
