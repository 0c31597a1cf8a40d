/**
 * The cells of a lesson, read from its Markdown/MDX source at build time.
 *
 * A cell is a fenced TypeScript block whose info string starts with `cell`:
 *
 *     ```ts cell id="connect"
 *     ```ts cell id="bad-sql" expect="error"
 *
 * A Core vs ORM comparison is an MDX `<Compare>` element around exactly two cells, one
 * `side="core"` and one `side="orm"`; `setup` names earlier cells that build the starting data:
 *
 *     <Compare title="Insert three users" setup="schema">
 *     ```ts cell id="core-insert" side="core"
 *     ```ts cell id="orm-insert" side="orm"
 *     </Compare>
 *
 * `parseLessonCells()` returns the cells in page order and throws a `LessonCellError` naming the file
 * and line for anything malformed: a missing or duplicate id, an unknown attribute, a reference to a
 * cell that does not exist (or comes later), an unbalanced comparison.
 */

export type Side = "core" | "orm";

export interface LessonCell {
  /** Unique within the page: `[a-z][a-z0-9-]*`. */
  readonly id: string;
  /** The TypeScript, exactly as written between the fences. */
  readonly code: string;
  /** 1-based line of the opening fence. */
  readonly line: number;
  /** `error`: the cell demonstrates an exception (its output shows one). */
  readonly expect?: "error";
  /** Set on the two cells of a comparison. */
  readonly side?: Side;
  /** Index into `LessonCells.comparisons` for a side. */
  readonly comparison?: number;
}

export interface Comparison {
  readonly title: string;
  /** Cells (before the comparison) that each side runs first, on a fresh database. */
  readonly setup: readonly string[];
  readonly core: string;
  readonly orm: string;
  readonly line: number;
}

export interface LessonCells {
  readonly cells: readonly LessonCell[];
  readonly comparisons: readonly Comparison[];
}

export class LessonCellError extends Error {
  constructor(file: string, line: number, message: string) {
    super(`${file}:${line}: ${message}`);
    this.name = "LessonCellError";
  }
}

const CELL_ATTRIBUTES = new Set(["id", "expect", "side"]);
const COMPARE_ATTRIBUTES = new Set(["title", "setup"]);
const ID = /^[a-z][a-z0-9-]*$/;
const TS_LANGS = new Set(["ts", "typescript"]);

/** `key="value"` / `key='value'` / bare `flag` pairs of an info string or a JSX tag. */
export function parseAttributes(text: string): { attrs: Map<string, string>; rest: string } {
  const attrs = new Map<string, string>();
  const rest = text.replace(/([A-Za-z][\w-]*)=(?:"([^"]*)"|'([^']*)'|\{"([^"]*)"\})/g, (_m, k, a, b, c) => {
    attrs.set(k, a ?? b ?? c ?? "");
    return " ";
  });
  return { attrs, rest: rest.trim() };
}

/** FNV-1a (32 bits) of the code: the page stores it with an edit to notice a changed original. */
export function codeHash(code: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < code.length; i++) {
    h ^= code.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return (h >>> 0).toString(16).padStart(8, "0");
}

export function parseLessonCells(file: string, source: string): LessonCells {
  const lines = source.split(/\r?\n/);
  const cells: LessonCell[] = [];
  const comparisons: Comparison[] = [];
  const fail = (line: number, message: string): never => {
    throw new LessonCellError(file, line, message);
  };
  const ids = new Map<string, number>();
  let open: { title: string; setup: string[]; line: number; sides: Partial<Record<Side, string>> } | null =
    null;

  for (let i = 0; i < lines.length; i++) {
    const text = lines[i]!;
    const fence = /^(\s*)(`{3,}|~{3,})\s*([^\s`]*)\s*(.*)$/.exec(text);
    if (fence) {
      const [, indent, marker, lang, meta] = fence;
      const start = i;
      const closing = new RegExp(`^\\s*${marker![0] === "`" ? "`" : "~"}{${marker!.length},}\\s*$`);
      let end = i + 1;
      while (end < lines.length && !closing.test(lines[end]!)) end++;
      if (end >= lines.length) fail(start + 1, "code fence is never closed");
      i = end;
      const { attrs, rest } = parseAttributes(meta!);
      if (!/^cell\b/.test(rest)) {
        if (attrs.has("side") || attrs.has("id")) {
          fail(start + 1, `a block with id/side must be a cell: write \`\`\`ts cell id="…"`);
        }
        continue;
      }
      if (!TS_LANGS.has(lang!)) fail(start + 1, `a cell must be TypeScript (\`\`\`ts cell …), not "${lang}"`);
      if (rest !== "cell") fail(start + 1, `unexpected text in the cell's info string: "${rest}"`);
      for (const key of attrs.keys()) {
        if (!CELL_ATTRIBUTES.has(key)) {
          fail(start + 1, `unknown cell attribute "${key}" (known: ${[...CELL_ATTRIBUTES].join(", ")})`);
        }
      }
      const id = attrs.get("id");
      if (!id) fail(start + 1, 'a cell needs an id: ```ts cell id="connect"');
      if (!ID.test(id!)) fail(start + 1, `cell id "${id}" must match ${ID} (lowercase, digits, dashes)`);
      if (ids.has(id!)) fail(start + 1, `duplicate cell id "${id}" (first used on line ${ids.get(id!)})`);
      ids.set(id!, start + 1);
      const expect = attrs.get("expect");
      if (expect !== undefined && expect !== "error") {
        fail(start + 1, `expect="${expect}": the only value is "error"`);
      }
      const side = attrs.get("side");
      if (side !== undefined && side !== "core" && side !== "orm") {
        fail(start + 1, `side="${side}": use "core" or "orm"`);
      }
      if (side && !open) fail(start + 1, `cell "${id}" has side="${side}" but is not inside <Compare>`);
      if (!side && open) fail(start + 1, `cell "${id}" inside <Compare> needs side="core" or side="orm"`);
      const strip = new RegExp(`^ {0,${indent!.length}}`);
      const code = lines
        .slice(start + 1, end)
        .map((l) => l.replace(strip, ""))
        .join("\n");
      if (!code.trim()) fail(start + 1, `cell "${id}" is empty`);
      if (open && side) {
        if (open.sides[side as Side]) fail(start + 1, `<Compare> already has a ${side} side`);
        open.sides[side as Side] = id!;
      }
      cells.push({
        id: id!,
        code,
        line: start + 1,
        ...(expect ? { expect: "error" as const } : {}),
        ...(side ? { side: side as Side, comparison: comparisons.length } : {}),
      });
      continue;
    }

    const compareOpen = /^\s*<Compare\b([^>]*?)(\/?)>\s*$/.exec(text);
    if (compareOpen) {
      if (open) fail(i + 1, "<Compare> cannot be nested");
      if (compareOpen[2]) fail(i + 1, "<Compare> must wrap two cells, it cannot be self-closing");
      const { attrs, rest } = parseAttributes(compareOpen[1]!);
      if (rest) fail(i + 1, `unexpected text in <Compare>: "${rest}"`);
      for (const key of attrs.keys()) {
        if (!COMPARE_ATTRIBUTES.has(key)) {
          fail(i + 1, `unknown <Compare> attribute "${key}" (known: ${[...COMPARE_ATTRIBUTES].join(", ")})`);
        }
      }
      const title = attrs.get("title");
      if (!title) fail(i + 1, '<Compare> needs a title: <Compare title="…">');
      const setup = (attrs.get("setup") ?? "").split(/[\s,]+/).filter(Boolean);
      for (const ref of setup) {
        const cell = cells.find((c) => c.id === ref);
        if (!cell) {
          fail(i + 1, `<Compare setup="${attrs.get("setup")}">: no cell "${ref}" before this comparison`);
        } else if (cell.side) {
          fail(i + 1, `<Compare setup>: "${ref}" is a side of another comparison, not a setup cell`);
        }
      }
      open = { title: title!, setup, line: i + 1, sides: {} };
      continue;
    }
    if (/^\s*<\/Compare>\s*$/.test(text)) {
      if (!open) fail(i + 1, "</Compare> without <Compare>");
      const { core, orm } = open!.sides;
      if (!core || !orm) {
        fail(
          open!.line,
          `<Compare> needs one side="core" and one side="orm" cell (missing ${core ? "orm" : "core"})`,
        );
      }
      comparisons.push({ title: open!.title, setup: open!.setup, core: core!, orm: orm!, line: open!.line });
      open = null;
    }
  }
  if (open) fail(open.line, "<Compare> is never closed");
  return { cells, comparisons };
}
