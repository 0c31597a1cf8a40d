/**
 * Expressive Code plugin: a ```ts cell``` block becomes a notebook cell.
 *
 * Expressive Code still highlights the code at build time (the page reads well without JavaScript);
 * the plugin wraps the rendered block in a `<notebook-cell>` with the cell's controls (hidden until
 * the page's script takes over), the cell's build-time compilation (JSON in `data-compiled`: it
 * carries the source too), and an
 * empty output region. The whole lesson's cells are checked once per file (`cells.ts`), so a bad
 * attribute, a duplicate id, a broken reference or a cell that does not compile fails the build with
 * the file's name and line.
 */
import { readFileSync, statSync } from "node:fs";
import { relative } from "node:path";
import type { ExpressiveCodePlugin } from "@expressive-code/core";
import type { Element, ElementContent, Properties } from "hast";
import { strings } from "../client/strings.ts";
import { compileCell, loadTypeScript } from "../worker/transpile.ts";
import { codeHash, type LessonCell, LessonCellError, type LessonCells, parseLessonCells } from "./cells.ts";

const parsed = new Map<string, { mtime: number; cells: LessonCells }>();

function lessonCells(file: string): LessonCells {
  const mtime = statSync(file).mtimeMs;
  const hit = parsed.get(file);
  if (hit && hit.mtime === mtime) return hit.cells;
  const cells = parseLessonCells(relative(process.cwd(), file), readFileSync(file, "utf8"));
  parsed.set(file, { mtime, cells });
  return cells;
}

function h(tagName: string, properties: Properties, children: ElementContent[] = []): Element {
  return { type: "element", tagName, properties, children };
}
const t = (value: string): ElementContent => ({ type: "text", value });

async function compiled(file: string, cell: LessonCell) {
  const result = compileCell(await loadTypeScript(), cell.code);
  if (!result.ok) {
    const d = result.diagnostics[0]!;
    throw new LessonCellError(
      file,
      cell.line + d.line,
      `cell "${cell.id}" does not compile: ${d.message} (cell line ${d.line}:${d.column})`,
    );
  }
  return result.cell;
}

/** The markup of one cell around Expressive Code's rendered block. */
export function cellElement(
  cell: LessonCell,
  rendered: Element,
  sourceJson: string,
  lang: string | undefined,
): Element {
  const s = strings(lang);
  const outputId = `nb-out-${cell.id}`;
  const button = (action: string, label: string, text: string, extra: Properties = {}) =>
    h(
      "button",
      {
        type: "button",
        className: ["nb-button", `nb-${action}`],
        dataAction: action,
        ariaLabel: label,
        ...extra,
      },
      [t(text)],
    );
  return h(
    "notebook-cell",
    {
      className: ["nb-cell"],
      dataCellId: cell.id,
      dataHash: codeHash(cell.code),
      dataCompiled: sourceJson,
      ...(cell.expect ? { dataExpect: cell.expect } : {}),
      ...(cell.side ? { dataSide: cell.side } : {}),
    },
    [
      h("div", { className: ["nb-cell-bar"], dataNbControls: "", hidden: true }, [
        button("run", s.runCell(cell.id), s.run, { title: s.shortcut }),
        button("stop", s.stop, s.stop, { hidden: true }),
        button("reset", s.resetCellLabel(cell.id), s.resetCell, { hidden: true }),
        h("span", { className: ["nb-state"], dataNbState: "" }),
      ]),
      h("div", { className: ["nb-notice"], dataNbNotice: "", hidden: true }),
      h("div", { className: ["nb-code"], dataNbCode: "" }, [rendered]),
      h("div", {
        className: ["nb-output"],
        id: outputId,
        role: "region",
        ariaLabel: s.output(cell.id),
        dataNbOutput: "",
        hidden: true,
      }),
    ],
  );
}

export function notebookCells(): ExpressiveCodePlugin {
  return {
    name: "notebook-cells",
    hooks: {
      postprocessRenderedBlockGroup: async ({ renderedGroupContents, renderData }) => {
        if (renderedGroupContents.length !== 1) return;
        const { codeBlock } = renderedGroupContents[0]!;
        if (!/^cell\b/.test(codeBlock.meta.trim())) return;
        const file = codeBlock.parentDocument?.sourceFilePath;
        if (!file) throw new Error(`a notebook cell outside a lesson file: ${codeBlock.meta}`);
        const shown = relative(process.cwd(), file);
        const { cells } = lessonCells(file);
        const id = /\bid=(?:"([^"]*)"|'([^']*)')/.exec(codeBlock.meta);
        const cell = cells.find((c) => c.id === (id?.[1] ?? id?.[2]));
        if (!cell) {
          throw new LessonCellError(shown, 1, `cannot place the cell of \`\`\`${codeBlock.meta}\`\`\``);
        }
        if (cell.code.trimEnd() !== codeBlock.code.trimEnd()) {
          throw new LessonCellError(
            shown,
            cell.line,
            `cell "${cell.id}": the code Expressive Code saw differs from the source (indented fence?)`,
          );
        }
        const json = JSON.stringify(await compiled(shown, cell));
        renderData.groupAst = cellElement(cell, renderData.groupAst, json, codeBlock.locale);
      },
    },
  };
}
