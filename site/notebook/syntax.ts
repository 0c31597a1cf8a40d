/**
 * The notebook syntax in the site's Markdown pipeline: an mdast plugin (Sätteri, Astro's Markdown
 * processor; the same visitor shape as a remark plugin) that reads a lesson's cells and comparisons
 * once from the tree the page is rendered from (`cells.ts` checks them), compiles each cell with its
 * kind's build-time compiler, and turns each cell's fence into a `<notebook-cell>` element around
 * the same fence, which Expressive Code then highlights (the page reads well without JavaScript).
 *
 * A bad attribute, a duplicate id, a broken reference or a cell that does not compile fails the
 * build with the file's name and line. The page's notebook bar is shown when the plugin found cells
 * (`frontmatter.notebook`, read by `LessonContent.astro`).
 */
import { readFileSync } from "node:fs";
import { relative } from "node:path";
import { fileURLToPath } from "node:url";
import type { MdastPluginDefinition } from "satteri";
import { learnStrings } from "../client/learn-strings.ts";
import { strings } from "../client/strings.ts";
import type { TypeScript } from "../worker/transpile.ts";
import {
  codeHash,
  isCellFence,
  type LessonCell,
  LessonCellError,
  type LessonCells,
  lessonFromTree,
  type MdNode,
} from "./cells.ts";
import {
  type Companions,
  type ExerciseDef,
  exerciseFence,
  expectedFence,
  isTwinFence,
  readCompanions,
} from "./exercises.ts";
import { CELL_KINDS } from "./kinds.ts";
import { translationDifference } from "./translation.ts";

/** What the plugin leaves in the document's data for the page's components. */
export interface NotebookData {
  readonly cells: number;
  readonly comparisons: number;
}

type Jsx = {
  type: "mdxJsxFlowElement";
  name: string;
  attributes: { type: "mdxJsxAttribute"; name: string; value: string | null }[];
  children: unknown[];
};

function jsx(
  name: string,
  attributes: Record<string, string | true | undefined>,
  children: unknown[] = [],
): Jsx {
  return {
    type: "mdxJsxFlowElement",
    name,
    attributes: Object.entries(attributes)
      .filter(([, v]) => v !== undefined)
      .map(([k, v]) => ({
        type: "mdxJsxAttribute" as const,
        name: k,
        value: v === true ? null : (v as string),
      })),
    children,
  };
}
const text = (value: string) => ({ type: "text", value });

/** The locale of a lesson file: `lessons/ru/…` is Russian, the rest English. */
function localeOf(file: string): string | undefined {
  return /(?:^|\/)lessons\/(ru)\//.exec(file)?.[1];
}

/** The markup of one cell around its fence (the fence stays for Expressive Code). */
export function cellMarkup(
  cell: LessonCell,
  fence: MdNode,
  compiledJson: string,
  lang?: string,
  extra: { twin?: string; exercise?: ExerciseDef } = {},
): Jsx {
  const s = strings(lang);
  const l = learnStrings(lang);
  const button = (
    action: string,
    label: string,
    caption: string,
    extra: Record<string, string | true> = {},
  ) =>
    jsx(
      "button",
      {
        type: "button",
        class: `nb-button nb-${action}`,
        "data-action": action,
        "aria-label": label,
        ...extra,
      },
      [text(caption)],
    );
  return jsx(
    "notebook-cell",
    {
      class: "nb-cell",
      "data-cell-id": cell.id,
      "data-kind": cell.kind,
      "data-hash": codeHash(cell.code),
      "data-compiled": compiledJson,
      "data-expect": cell.expect,
      "data-side": cell.side,
      "data-exercise": extra.exercise ? JSON.stringify(exerciseData(extra.exercise)) : undefined,
    },
    [
      jsx("div", { class: "nb-cell-bar", "data-nb-controls": true, hidden: true }, [
        button("run", s.runCell(cell.id), s.run, { title: s.shortcut }),
        button("stop", s.stop, s.stop, { hidden: true }),
        button("reset", s.resetCellLabel(cell.id), s.resetCell, { hidden: true }),
        jsx("span", { class: "nb-state", "data-nb-state": true }),
      ]),
      jsx("div", { class: "nb-notice", "data-nb-notice": true, hidden: true }),
      jsx("div", { class: "nb-code", "data-nb-code": true }, [
        // `wrap`: Expressive Code marks each indented line with its indentation (--ecIndent)
        { type: "code", lang: fence.lang, meta: `${fence.meta ?? ""} wrap`.trim(), value: fence.value },
      ]),
      ...(extra.twin !== undefined
        ? [
            jsx(
              "div",
              { class: "nb-twin", role: "region", "aria-label": l.python(cell.id), "data-nb-twin": true },
              [
                {
                  type: "code",
                  lang: "python",
                  meta: `title="${l.python(cell.id)}" wrap`,
                  value: extra.twin,
                },
              ],
            ),
          ]
        : []),
      jsx("div", {
        class: "nb-output",
        id: `nb-out-${cell.id}`,
        role: "region",
        "aria-label": s.output(cell.id),
        "data-nb-output": true,
        hidden: true,
      }),
    ],
  );
}

/** What the page needs of an exercise besides its starting code (`site/client/panels/exercise.ts`). */
function exerciseData(def: ExerciseDef) {
  return {
    setup: def.setup,
    solution: def.solution,
    twin: def.twin,
    check: def.check,
    hidden: def.hidden,
    hints: def.hints.length,
  };
}

/** A `text expected` fence in its region, shown before anything runs. */
function expectedMarkup(fence: MdNode, cellId: string, lang?: string): Jsx {
  const e = expectedFence(fence)!;
  return jsx(
    "div",
    {
      class: "nb-expected",
      role: "region",
      "aria-label": learnStrings(lang).expectedOutput(cellId, e.db),
      "data-nb-expected": cellId,
      "data-db": e.db,
    },
    [{ type: "code", lang: "text", meta: "wrap", value: fence.value }],
  );
}

/**
 * Cells without a Python twin and without `twin="none: …"`: a build error where the lesson's
 * frontmatter says `twins: required`, a warning elsewhere (lessons written before twins existed).
 */
function checkTwins(
  file: string,
  lesson: LessonCells,
  companions: Map<number, Companions>,
  required: boolean,
) {
  const missing = lesson.cells.filter(
    (c) => c.kind !== "exercise" && !c.noTwin && !companions.get(c.line)?.twin,
  );
  if (!missing.length) return;
  if (required) {
    const c = missing[0]!;
    throw new LessonCellError(
      file,
      c.line,
      `cell "${c.id}" has no Python twin: add a \`\`\`python twin fence right after it, or say why it cannot have one with twin="none: <reason>"`,
    );
  }
  console.warn(
    `${file}: ${missing.length} cell(s) without a Python twin (${missing.map((c) => c.id).join(", ")}); "twins: required" in the frontmatter makes this an error`,
  );
}

/**
 * The plugin. `loadTypeScript` gives the compiler the kernel uses (`transpile.ts`), loaded once for
 * the build.
 */
export function notebookSyntax(loadTypeScript: () => Promise<TypeScript>): MdastPluginDefinition {
  /** Per document: its cells and their compilations, by line of the fence. */
  const documents = new WeakMap<
    object,
    {
      lesson: LessonCells;
      compiled: Map<number, string>;
      lang?: string;
      companions: Map<number, Companions>;
      /** Line of a twin or expected fence → the id of its cell. */
      owners: Map<number, string>;
    }
  >();
  return {
    name: "notebook-syntax",
    options: { position: true },
    async before(root, ctx) {
      const path = ctx.fileURL ? fileURLToPath(ctx.fileURL) : "lesson.mdx";
      const file = relative(process.cwd(), path);
      const lesson = lessonFromTree(file, root as unknown as MdNode);
      const difference = ctx.fileURL ? translationDifference(file, readFileSync(path, "utf8")) : null;
      if (difference) throw new LessonCellError(file, 1, difference);
      if (!lesson.cells.length) return;
      const ts = await loadTypeScript();
      const compiled = new Map<number, string>();
      for (const cell of lesson.cells) {
        const result = CELL_KINDS[cell.kind].compile(cell.code, { ts });
        if (!("ok" in result)) {
          throw new LessonCellError(
            file,
            cell.line + result.line,
            `cell "${cell.id}" does not compile: ${result.message} (cell line ${result.line}:${result.column})`,
          );
        }
        compiled.set(cell.line, JSON.stringify(result.compiled));
      }
      for (const ex of lesson.exercises) {
        for (const [role, code] of [
          ["solution", ex.solution],
          ["check", ex.check],
          ["hidden", ex.hidden],
        ] as const) {
          if (code === undefined) continue;
          const result = CELL_KINDS.typescript.compile(code, { ts });
          if (!("ok" in result)) {
            throw new LessonCellError(
              file,
              ex.line,
              `exercise "${ex.id}": its ${role} does not compile: ${result.message} (line ${result.line}:${result.column})`,
            );
          }
        }
      }
      const data = ctx.data as { astro?: { frontmatter?: Record<string, unknown> } };
      const companions = readCompanions(root as unknown as MdNode, isCellFence);
      const owners = new Map<number, string>();
      for (const cell of lesson.cells) {
        const c = companions.get(cell.line);
        if (c?.twin) owners.set(c.twin.line, cell.id);
        for (const e of c?.expected ?? []) owners.set(e.line, cell.id);
      }
      checkTwins(file, lesson, companions, data.astro?.frontmatter?.twins === "required");
      documents.set(ctx.data, { lesson, compiled, lang: localeOf(file), companions, owners });
      const notebook: NotebookData = { cells: lesson.cells.length, comparisons: lesson.comparisons.length };
      if (data.astro?.frontmatter) data.astro.frontmatter.notebook = notebook;
    },
    code(node, ctx) {
      const fence = node as unknown as MdNode;
      const doc = documents.get(ctx.data);
      if (!doc) return;
      const line = fence.position?.start.line ?? 0;
      const owner = doc.owners.get(line);
      if (owner !== undefined) {
        if (isTwinFence(fence)) ctx.removeNode(node);
        else ctx.replaceNode(node, expectedMarkup(fence, owner, doc.lang) as never);
        return;
      }
      const role = exerciseFence(fence);
      const cell = doc.lesson.cells.find((c) => c.line === line);
      if (role && role !== "exercise" && !cell && ctx.parent(node)?.type === "mdxJsxFlowElement") {
        // An exercise's solution, checks, hidden data and Python solution travel in its cell's data.
        ctx.removeNode(node);
        return;
      }
      if (!isCellFence(fence) && role !== "exercise") return;
      const json = doc.compiled.get(line);
      if (!cell || json === undefined) return;
      const exercise = cell.exercise !== undefined ? doc.lesson.exercises[cell.exercise] : undefined;
      const twin = doc.companions.get(line)?.twin?.code;
      ctx.replaceNode(
        node,
        cellMarkup(cell, fence, json, doc.lang, {
          ...(twin !== undefined ? { twin } : {}),
          ...(exercise ? { exercise } : {}),
        }) as never,
      );
    },
  };
}
