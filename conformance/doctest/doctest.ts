/**
 * SQLAlchemy's documentation pages as doctests: each page (the Unified Tutorial's
 * doc/build/tutorial/*.rst, the ORM Querying Guide's doc/build/orm/queryguide/*.rst) is ported to a
 * Markdown file of TypeScript cells, each followed by the output the `.rst` shows for that step. This module reads those files and compares output the way
 * SQLAlchemy's own documentation test (`test/base/test_tutorials.py`) does: Python's doctest with
 * ELLIPSIS and NORMALIZE_WHITESPACE, the engine log formatted as `%(message)s`, and the markers
 * `{execsql}`, `{printsql}`, `{stop}`, `{sql}`, `{opensql}` removed.
 *
 * A cell's output fence is ```` ```text doctest ```` (optionally `db="postgresql"` for a step whose
 * output differs there). On PostgreSQL, a step without its own fence is compared without the SQL:
 * the `{execsql}` / `{sql}` / `{opensql}` spans (what the engine logged, which is SQLite's SQL in
 * the `.rst`) are dropped from the expected text and only what the cell printed is compared.
 *
 * `pending="why"` on a cell marks a step the port cannot reproduce yet (`pending-on="sqlite"`: on that
 * database only): the test then checks that it still fails, so the mark goes as soon as it passes.
 */
import { mdxToMdast } from "satteri";
import { type MdNode, parseAttributes } from "../../site/notebook/cells.ts";

export type Database = "sqlite" | "postgresql";

export interface DoctestStep {
  readonly id: string;
  readonly code: string;
  /** 1-based line of the cell's fence in the port. */
  readonly line: number;
  /** Where the step is in SQLAlchemy's documentation, e.g. `dbapi_transactions.rst:63`. */
  readonly rst: string;
  /** Why the port cannot reproduce this step yet. */
  readonly pending?: string;
  /** `pending-on="sqlite"`: the step is pending on that database only. */
  readonly pendingOn?: Database;
  /** The output the `.rst` shows (markers kept), per database; `both` when one fence serves both. */
  readonly expected: { both?: string; sqlite?: string; postgresql?: string };
}

export class DoctestFileError extends Error {
  constructor(file: string, line: number, message: string) {
    super(`${file}:${line}: ${message}`);
    this.name = "DoctestFileError";
  }
}

/** The steps of a ported page, in order. */
export function doctestSteps(file: string, source: string): DoctestStep[] {
  const root = mdxToMdast(source, { position: true }) as unknown as MdNode;
  const steps: { -readonly [K in keyof DoctestStep]: DoctestStep[K] }[] = [];
  const ids = new Set<string>();
  for (const node of root.children ?? []) {
    if (node.type !== "code") continue;
    const line = node.position?.start.line ?? 1;
    const fail = (message: string): never => {
      throw new DoctestFileError(file, line, message);
    };
    const { attrs, rest } = parseAttributes(node.meta ?? "");
    if (node.lang === "ts" && rest === "cell") {
      const id = attrs.get("id") ?? fail('a cell needs id="…"');
      if (ids.has(id)) fail(`cell id "${id}" is used twice`);
      ids.add(id);
      const rst =
        attrs.get("rst") ?? fail('a cell names its place in the documentation: rst="page.rst:LINE"');
      const pendingOn = attrs.get("pending-on") as Database | undefined;
      if (pendingOn !== undefined && pendingOn !== "sqlite" && pendingOn !== "postgresql")
        fail(`pending-on="${pendingOn}": sqlite or postgresql`);
      steps.push({
        id,
        code: node.value ?? "",
        line,
        rst,
        pending: attrs.get("pending"),
        pendingOn,
        expected: {},
      });
    } else if (node.lang === "text" && rest === "doctest") {
      const step = steps.at(-1) ?? fail("a doctest fence must follow a cell");
      const db = attrs.get("db");
      const key = db === undefined ? "both" : db;
      if (key !== "both" && key !== "sqlite" && key !== "postgresql")
        fail(`db="${db}": sqlite or postgresql`);
      if (step.expected[key as keyof DoctestStep["expected"]] !== undefined)
        fail(`cell "${step.id}" already has this output`);
      step.expected = { ...step.expected, [key]: node.value ?? "" };
    }
  }
  return steps;
}

const SQL_SPAN = /\{(?:execsql|sql|opensql)\}[\s\S]*?(?:\{stop\}|$)/g;
const MARKER = /\{(?:stop|sql|opensql|execsql|printsql)\}/g;

/**
 * What the step must show on a database, markers removed. On SQLite the engine log is part of it,
 * as in the `.rst`; on PostgreSQL the SQL spans are dropped and only printed output is compared
 * (`logged: false`): the `.rst` shows SQLite's SQL, and the public transcripts pin PostgreSQL's.
 */
export function wantFor(step: DoctestStep, database: Database): { text: string; logged: boolean } | null {
  const text = step.expected[database] ?? step.expected.both;
  if (text === undefined) return null;
  if (database === "sqlite") return { text: text.replace(MARKER, ""), logged: true };
  return { text: text.replace(SQL_SPAN, "").replace(MARKER, ""), logged: false };
}

/** doctest's NORMALIZE_WHITESPACE: every run of whitespace is one space. */
export function normalizeWhitespace(text: string): string {
  return text.split(/\s+/).filter(Boolean).join(" ");
}

/** doctest's ELLIPSIS: `...` in `want` matches any text (newlines included). */
export function ellipsisMatch(want: string, got: string): boolean {
  if (!want.includes("...")) return want === got;
  const pieces = want.split("...");
  let start = 0;
  let end = got.length;
  const first = pieces[0]!;
  if (first) {
    if (!got.startsWith(first)) return false;
    start = first.length;
  }
  const last = pieces.at(-1)!;
  if (last) {
    if (!got.endsWith(last)) return false;
    end -= last.length;
  }
  if (start > end) return false;
  for (const piece of pieces.slice(1, -1)) {
    const at = got.indexOf(piece, start);
    if (at < 0 || at + piece.length > end) return false;
    start = at + piece.length;
  }
  return true;
}

/** Python's doctest comparison with ELLIPSIS | NORMALIZE_WHITESPACE. */
export function doctestMatch(want: string, got: string): boolean {
  return ellipsisMatch(normalizeWhitespace(want), normalizeWhitespace(got));
}

const TRACEBACK = "Traceback (most recent call last):";

/**
 * An expected exception, as doctest reads one with IGNORE_EXCEPTION_DETAIL: the output before the
 * traceback header, and the exception's class name (its module and message are not compared).
 */
export function expectedException(want: string): { before: string; name: string } | null {
  const at = want.indexOf(TRACEBACK);
  if (at < 0) return null;
  const rest = want.slice(at + TRACEBACK.length).split("\n");
  const line = rest.find((l) => l !== "" && !/^\s/.test(l) && !l.startsWith("..."));
  const name = /^([\w.]+)/
    .exec(line ?? "")?.[1]
    ?.split(".")
    .at(-1);
  return name ? { before: want.slice(0, at), name } : null;
}
