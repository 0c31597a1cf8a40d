/**
 * The kinds of notebook cell a lesson can write. A kind names the fence languages that select it,
 * the attributes its info string may carry, and how the build compiles it for the page.
 *
 * Adding a kind: one entry here (its languages, attributes and `compile`), and one client module
 * registered in `site/client/cell-kinds.ts` that runs it. See CONTRIBUTING.md, "Site".
 */
import type { CompiledCell } from "../worker/protocol.ts";
import { compileCell, type TypeScript } from "../worker/transpile.ts";

export interface CompileFailure {
  readonly line: number;
  readonly column: number;
  readonly message: string;
}

export interface CellKind {
  /** Fence languages that make a `cell` block this kind (```ts cell …). */
  readonly languages: readonly string[];
  /** Info-string attributes the kind accepts. */
  readonly attributes: readonly string[];
  /** Build-time compilation, shipped with the page (`data-compiled`). */
  compile(code: string, tools: { ts: TypeScript }): { ok: true; compiled: CompiledCell } | CompileFailure;
}

function compileTypeScript(code: string, { ts }: { ts: TypeScript }): ReturnType<CellKind["compile"]> {
  const result = compileCell(ts, code);
  if (result.ok) return { ok: true, compiled: result.cell };
  const d = result.diagnostics[0]!;
  return { line: d.line, column: d.column, message: d.message };
}

export const CELL_KINDS = {
  typescript: {
    languages: ["ts", "typescript"],
    attributes: ["id", "expect", "side", "twin"],
    compile: compileTypeScript,
  },
  /**
   * An exercise's starting code (```ts exercise inside `<Exercise>`, see `exercises.ts`): compiled
   * and edited as a TypeScript cell; its page view adds Check, hints and the solution.
   */
  exercise: {
    languages: [],
    attributes: [],
    compile: compileTypeScript,
  },
} satisfies Record<string, CellKind>;

export type CellKindName = keyof typeof CELL_KINDS;

export function kindOfLanguage(lang: string): CellKindName | undefined {
  for (const [name, kind] of Object.entries(CELL_KINDS)) {
    if ((kind.languages as readonly string[]).includes(lang)) return name as CellKindName;
  }
  return undefined;
}
