/**
 * How learner TypeScript (cells, conformance scenarios) becomes JavaScript: TypeScript's
 * `transpileModule` with the settings fixed for the project. `useDefineForClassFields: false` makes
 * `static __tablename__ = "users"` an assignment, which reaches DeclarativeBase's inherited static
 * setter once the standard decorators' metadata is complete; `using` / `await using` and standard
 * decorators are downleveled. Classes keep their annotations and get the `__init_subclass__` hook
 * (site/worker/class_annotations.ts), as lesson cells do.
 */
import ts from "typescript";
import { classAnnotations } from "../../site/worker/class_annotations.ts";

export const CELL_COMPILER_OPTIONS: ts.CompilerOptions = {
  target: ts.ScriptTarget.ES2022,
  module: ts.ModuleKind.ESNext,
  useDefineForClassFields: false,
  experimentalDecorators: false,
  inlineSourceMap: true,
};

/** The transformers every cell compile runs (the class step: annotations and `__init_subclass__`). */
export const CELL_TRANSFORMERS: ts.CustomTransformers = { before: [classAnnotations(ts)] };

export function transpileCell(source: string, fileName: string): string {
  return ts.transpileModule(source, {
    compilerOptions: CELL_COMPILER_OPTIONS,
    fileName,
    transformers: CELL_TRANSFORMERS,
  }).outputText;
}

/** What the transpiled code relies on: `Symbol.metadata` (decorators), `Symbol.dispose` / `asyncDispose` (`using`). */
export function ensureSymbols(): void {
  const S = Symbol as unknown as Record<string, symbol | undefined>;
  S.metadata ??= Symbol.for("Symbol.metadata");
  S.dispose ??= Symbol.for("Symbol.dispose");
  S.asyncDispose ??= Symbol.for("Symbol.asyncDispose");
}
