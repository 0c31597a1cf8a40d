/**
 * The lesson syntax around cells that is not a cell itself: an `<Exercise>` (its fences and hints),
 * the `python twin` fence after a cell and the `text expected` fences after it (LESSON-FORMAT in
 * CONTRIBUTING.md, "Writing a lesson"). `cells.ts` calls `readExercise()` when its walk meets an
 * `<Exercise>`; `readCompanions()` pairs twins and expected outputs with their cells.
 *
 *     <Exercise id="first-row" title="Only the first row" setup="model seed">
 *     Task prose.
 *     ```ts exercise      the starting code (must fail the checks)
 *     ```ts solution      shown as a diff, applied only on request (must pass them)
 *     ```python twin      the solution in Python
 *     ```ts check         run in the kernel after the learner's code (`check.output(…)` …)
 *     ```ts hidden        optional: a second data set the checks run on again
 *     1. Hints, revealed one at a time.
 *     </Exercise>
 */
import { type MdNode, parseAttributes } from "./cells.ts";

export interface ExerciseDef {
  readonly id: string;
  readonly title: string;
  readonly setup: readonly string[];
  readonly starter: string;
  readonly solution: string;
  readonly twin?: string;
  readonly check: string;
  readonly hidden?: string;
  /** Plain text of each hint, in order. */
  readonly hints: readonly string[];
  readonly line: number;
}

/** The role of an exercise's fence, from its info string (`ts solution` → `solution`). */
export type ExerciseFence = "exercise" | "solution" | "check" | "hidden" | "twin";

export function exerciseFence(node: MdNode): ExerciseFence | undefined {
  if (node.type !== "code") return undefined;
  const rest = parseAttributes(node.meta ?? "").rest;
  if (node.lang === "python" && rest === "twin") return "twin";
  if (node.lang !== "ts" && node.lang !== "typescript") return undefined;
  return (["exercise", "solution", "check", "hidden"] as const).find((r) => r === rest);
}

export function isExercise(node: MdNode): boolean {
  return (node.type === "mdxJsxFlowElement" || node.type === "mdxJsxTextElement") && node.name === "Exercise";
}

const ATTRIBUTES = new Set(["id", "title", "setup"]);
const ID = /^[a-z][a-z0-9-]*$/;

function textOf(node: MdNode): string {
  if (node.type === "text" || node.type === "inlineCode") return node.value ?? "";
  return (node.children ?? []).map(textOf).join("");
}

/** Read one `<Exercise>`; `fail` throws with the file and line. */
export function readExercise(node: MdNode, fail: (message: string) => never): ExerciseDef {
  const attrs = new Map<string, string>();
  for (const a of node.attributes ?? []) {
    if (a.type !== "mdxJsxAttribute" || !a.name || typeof a.value !== "string") {
      fail('<Exercise> takes only name="value" attributes');
    }
    if (!ATTRIBUTES.has(a.name!)) fail(`unknown <Exercise> attribute "${a.name}" (known: id, title, setup)`);
    attrs.set(a.name!, a.value as string);
  }
  const id = attrs.get("id");
  if (!id || !ID.test(id)) fail(`<Exercise> needs an id matching ${ID}: <Exercise id="first-row" …>`);
  const title = attrs.get("title");
  if (!title) fail('<Exercise> needs a title: <Exercise title="…">');
  const fences = new Map<ExerciseFence, string>();
  const hints: string[] = [];
  const visit = (nodes: readonly MdNode[]) => {
    for (const child of nodes) {
      const role = exerciseFence(child);
      if (role) {
        if (fences.has(role)) fail(`<Exercise id="${id}"> has two \`${role}\` fences`);
        fences.set(role, child.value ?? "");
      } else if (child.type === "list" && (child as { ordered?: boolean }).ordered) {
        for (const item of child.children ?? []) hints.push(textOf(item).trim());
      } else if (child.type === "code" && /^cell\b/.test(parseAttributes(child.meta ?? "").rest)) {
        fail(`<Exercise id="${id}">: write the starting code as \`\`\`ts exercise, not a cell`);
      } else if (child.children) visit(child.children);
    }
  };
  visit(node.children ?? []);
  for (const role of ["exercise", "solution", "check"] as const) {
    if (!fences.has(role)) fail(`<Exercise id="${id}"> needs a \`\`\`ts ${role} fence`);
  }
  return {
    id: id!,
    title: title!,
    setup: (attrs.get("setup") ?? "").split(/[\s,]+/).filter(Boolean),
    starter: fences.get("exercise")!,
    solution: fences.get("solution")!,
    twin: fences.get("twin"),
    check: fences.get("check")!,
    hidden: fences.get("hidden"),
    hints,
    line: node.position?.start.line ?? 1,
  };
}

/** A `text expected` fence: which database it is for, and whether the log is left out. */
export interface ExpectedOutput {
  readonly db?: "sqlite" | "postgresql";
  readonly log: boolean;
  readonly text: string;
  readonly line: number;
}

export function expectedFence(node: MdNode): ExpectedOutput | undefined {
  if (node.type !== "code" || node.lang !== "text") return undefined;
  const { attrs, rest } = parseAttributes(node.meta ?? "");
  if (rest !== "expected") return undefined;
  const db = attrs.get("db");
  return {
    ...(db === "sqlite" || db === "postgresql" ? { db } : {}),
    log: attrs.get("log") !== "omit",
    text: node.value ?? "",
    line: node.position?.start.line ?? 1,
  };
}

export function isTwinFence(node: MdNode): boolean {
  return node.type === "code" && node.lang === "python" && parseAttributes(node.meta ?? "").rest === "twin";
}

/** What follows one cell's fence: its Python twin and its expected outputs. */
export interface Companions {
  readonly twin?: { readonly code: string; readonly line: number };
  readonly expected: readonly ExpectedOutput[];
}

/**
 * The twin and expected outputs of every cell fence, by the fence's line: a `python twin` right
 * after the cell, then `text expected` fences (after the twin, if any).
 */
export function readCompanions(root: MdNode, isCell: (node: MdNode) => boolean): Map<number, Companions> {
  const out = new Map<number, Companions>();
  const walk = (nodes: readonly MdNode[]) => {
    for (let i = 0; i < nodes.length; i++) {
      const node = nodes[i]!;
      if (node.children) walk(node.children);
      if (!isCell(node)) continue;
      let j = i + 1;
      let twin: Companions["twin"];
      if (nodes[j] && isTwinFence(nodes[j]!)) {
        twin = { code: nodes[j]!.value ?? "", line: nodes[j]!.position?.start.line ?? 1 };
        j++;
      }
      const expected: ExpectedOutput[] = [];
      for (let e = nodes[j] && expectedFence(nodes[j]!); e; e = nodes[++j] && expectedFence(nodes[j]!)) {
        expected.push(e);
      }
      out.set(node.position?.start.line ?? 0, { ...(twin ? { twin } : {}), expected });
    }
  };
  walk(root.children ?? []);
  return out;
}
