/**
 * The notebook syntax of a lesson, read from its Markdown AST (mdast) — the tree the site's Markdown
 * pipeline parses once and both checks here and renders (`syntax.ts`).
 *
 * A cell is a fenced block whose info string names a cell kind's language and then `cell`:
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
 * `lessonFromTree()` returns the cells in page order and throws a `LessonCellError` naming the file
 * and line for anything malformed: a missing or duplicate id, an unknown attribute, a reference to a
 * cell that does not exist (or comes later), an unbalanced comparison.
 */
import { mdxToMdast } from "satteri";
import { type ExerciseDef, isExercise, readExercise } from "./exercises.ts";
import { CELL_KINDS, type CellKindName, kindOfLanguage } from "./kinds.ts";

export type Side = "core" | "orm";

export interface LessonCell {
  /** Unique within the page: `[a-z][a-z0-9-]*`. */
  readonly id: string;
  /** Which kind of cell (see `kinds.ts`): how it is compiled, run and shown. */
  readonly kind: CellKindName;
  /** The code, exactly as written between the fences. */
  readonly code: string;
  /** 1-based line of the opening fence. */
  readonly line: number;
  /** `error`: the cell demonstrates an exception (its output shows one). */
  readonly expect?: "error";
  /** Set on the two cells of a comparison. */
  readonly side?: Side;
  /** Index into `LessonCells.comparisons` for a side. */
  readonly comparison?: number;
  /** `twin="none: <reason>"`: why the cell has no Python twin. */
  readonly noTwin?: string;
  /** Index into `LessonCells.exercises` for an exercise's starting code (kind `exercise`). */
  readonly exercise?: number;
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
  readonly exercises: readonly ExerciseDef[];
}

export class LessonCellError extends Error {
  constructor(file: string, line: number, message: string) {
    super(`${file}:${line}: ${message}`);
    this.name = "LessonCellError";
  }
}

/** The mdast shapes this module reads (a subset of mdast + mdast-util-mdx-jsx). */
export interface MdNode {
  readonly type: string;
  readonly children?: readonly MdNode[];
  readonly position?: { readonly start: { readonly line: number } };
  // code
  readonly lang?: string | null;
  readonly meta?: string | null;
  readonly value?: string;
  // mdxJsxFlowElement
  readonly name?: string | null;
  readonly attributes?: readonly {
    readonly type: string;
    readonly name?: string;
    readonly value?: unknown;
  }[];
}

const COMPARE_ATTRIBUTES = new Set(["title", "setup"]);
const ID = /^[a-z][a-z0-9-]*$/;

/** `key="value"` / `key='value'` / bare `flag` pairs of an info string. */
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

/** Is this mdast node a notebook cell's fence (whatever its errors)? */
export function isCellFence(node: MdNode): boolean {
  return node.type === "code" && /^cell\b/.test(parseAttributes(node.meta ?? "").rest);
}

export function isCompare(node: MdNode): boolean {
  return (node.type === "mdxJsxFlowElement" || node.type === "mdxJsxTextElement") && node.name === "Compare";
}

/** The JSX attributes of `<Compare>` as strings (an expression attribute is an error). */
function jsxAttributes(node: MdNode, fail: (message: string) => never): Map<string, string> {
  const out = new Map<string, string>();
  for (const a of node.attributes ?? []) {
    if (a.type !== "mdxJsxAttribute" || !a.name) fail('<Compare> takes only name="value" attributes');
    if (typeof a.value !== "string") fail(`<Compare ${a.name}>: write ${a.name}="…" (a string)`);
    out.set(a.name!, a.value as string);
  }
  return out;
}

/** The cells and comparisons of a lesson's mdast tree, checked. */
export function lessonFromTree(file: string, root: MdNode): LessonCells {
  const cells: LessonCell[] = [];
  const comparisons: Comparison[] = [];
  const exercises: ExerciseDef[] = [];
  const ids = new Map<string, number>();
  const lineOf = (node: MdNode) => node.position?.start.line ?? 1;

  const cell = (node: MdNode, compare: { sides: Partial<Record<Side, string>> } | null) => {
    const line = lineOf(node);
    const fail = (message: string): never => {
      throw new LessonCellError(file, line, message);
    };
    const { attrs, rest } = parseAttributes(node.meta ?? "");
    if (!/^cell\b/.test(rest)) {
      if (attrs.has("side") || attrs.has("id")) {
        fail(`a block with id/side must be a cell: write \`\`\`ts cell id="…"`);
      }
      return;
    }
    const kind = kindOfLanguage(node.lang ?? "");
    if (!kind) fail(`a cell must be TypeScript (\`\`\`ts cell …), not "${node.lang ?? ""}"`);
    if (rest !== "cell") fail(`unexpected text in the cell's info string: "${rest}"`);
    const known: readonly string[] = CELL_KINDS[kind!].attributes;
    for (const key of attrs.keys()) {
      if (!known.includes(key)) fail(`unknown cell attribute "${key}" (known: ${known.join(", ")})`);
    }
    const id = attrs.get("id");
    if (!id) fail('a cell needs an id: ```ts cell id="connect"');
    if (!ID.test(id!)) fail(`cell id "${id}" must match ${ID} (lowercase, digits, dashes)`);
    if (ids.has(id!)) fail(`duplicate cell id "${id}" (first used on line ${ids.get(id!)})`);
    ids.set(id!, line);
    const expect = attrs.get("expect");
    if (expect !== undefined && expect !== "error") fail(`expect="${expect}": the only value is "error"`);
    const side = attrs.get("side");
    if (side !== undefined && side !== "core" && side !== "orm") fail(`side="${side}": use "core" or "orm"`);
    const twin = attrs.get("twin");
    if (twin !== undefined && !/^none:\s*\S/.test(twin)) {
      fail(`twin="${twin}": write twin="none: <why this cell has no Python original>"`);
    }
    if (side && !compare) fail(`cell "${id}" has side="${side}" but is not inside <Compare>`);
    if (!side && compare) fail(`cell "${id}" inside <Compare> needs side="core" or side="orm"`);
    const code = node.value ?? "";
    if (!code.trim()) fail(`cell "${id}" is empty`);
    if (compare && side) {
      if (compare.sides[side as Side]) fail(`<Compare> already has a ${side} side`);
      compare.sides[side as Side] = id!;
    }
    cells.push({
      id: id!,
      kind: kind!,
      code,
      line,
      ...(expect ? { expect: "error" as const } : {}),
      ...(side ? { side: side as Side, comparison: comparisons.length } : {}),
      ...(twin ? { noTwin: twin.replace(/^none:\s*/, "") } : {}),
    });
  };

  const exercise = (node: MdNode, inside: boolean) => {
    const line = lineOf(node);
    const fail = (message: string): never => {
      throw new LessonCellError(file, line, message);
    };
    if (inside) fail("<Exercise> cannot be inside <Compare>");
    const def = readExercise(node, fail);
    if (ids.has(def.id)) fail(`duplicate id "${def.id}" (first used on line ${ids.get(def.id)})`);
    for (const ref of def.setup) {
      const c = cells.find((x) => x.id === ref);
      if (!c || c.kind === "exercise")
        fail(`<Exercise setup="${def.setup.join(" ")}">: no cell "${ref}" before it`);
    }
    ids.set(def.id, line);
    cells.push({
      id: def.id,
      kind: "exercise",
      code: def.starter,
      line: fenceLine(node) ?? line,
      exercise: exercises.length,
    });
    exercises.push(def);
  };

  const compare = (node: MdNode, inside: boolean) => {
    const line = lineOf(node);
    const fail = (message: string): never => {
      throw new LessonCellError(file, line, message);
    };
    if (inside) fail("<Compare> cannot be nested");
    const attrs = jsxAttributes(node, fail);
    for (const key of attrs.keys()) {
      if (!COMPARE_ATTRIBUTES.has(key)) {
        fail(`unknown <Compare> attribute "${key}" (known: ${[...COMPARE_ATTRIBUTES].join(", ")})`);
      }
    }
    const title = attrs.get("title");
    if (!title) fail('<Compare> needs a title: <Compare title="…">');
    const setup = (attrs.get("setup") ?? "").split(/[\s,]+/).filter(Boolean);
    for (const ref of setup) {
      const c = cells.find((x) => x.id === ref);
      if (!c) fail(`<Compare setup="${attrs.get("setup")}">: no cell "${ref}" before this comparison`);
      else if (c.side) fail(`<Compare setup>: "${ref}" is a side of another comparison, not a setup cell`);
    }
    const open = { sides: {} as Partial<Record<Side, string>> };
    walk(node.children ?? [], open);
    const { core, orm } = open.sides;
    if (!core || !orm) {
      fail(`<Compare> needs one side="core" and one side="orm" cell (missing ${core ? "orm" : "core"})`);
    }
    comparisons.push({ title: title!, setup, core: core!, orm: orm!, line });
  };

  const walk = (nodes: readonly MdNode[], open: { sides: Partial<Record<Side, string>> } | null) => {
    for (const node of nodes) {
      if (node.type === "code") cell(node, open);
      else if (isCompare(node)) compare(node, open !== null);
      else if (isExercise(node)) exercise(node, open !== null);
      else if (node.children) walk(node.children, open);
    }
  };
  walk(root.children ?? [], null);
  return { cells, comparisons, exercises };
}

/** Line of an exercise's ```ts exercise fence (the page's exercise cell is rendered there). */
function fenceLine(node: MdNode): number | undefined {
  for (const child of node.children ?? []) {
    if (
      child.type === "code" &&
      (child.lang === "ts" || child.lang === "typescript") &&
      child.meta?.trim() === "exercise"
    ) {
      return child.position?.start.line;
    }
    const inner = fenceLine(child);
    if (inner !== undefined) return inner;
  }
  return undefined;
}

/** Parse a lesson's MDX source with the site's Markdown parser and read its cells (tests, tools). */
export function parseLessonCells(file: string, source: string): LessonCells {
  let root: MdNode;
  try {
    root = mdxToMdast(source, { position: true }) as unknown as MdNode;
  } catch (e) {
    const message = e instanceof Error ? e.message : String(e);
    const line = Number(/(\d+):\d+/.exec(message)?.[1] ?? 1);
    throw new LessonCellError(file, line, message);
  }
  return lessonFromTree(file, root);
}
