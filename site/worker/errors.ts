/**
 * An exception a cell raised → what the page shows: class, Python module, `str()` message, and the
 * line:column in the learner's TypeScript (from the cell's stack frame, through the source map).
 */
import { qualifiedErrorName, str } from "sqlalchemy/testing";
import type { CompiledCell } from "./protocol.ts";
import { PROLOGUE_LINES } from "./scope.ts";
import { decodeMappings, originalPosition, type Segment } from "./sourcemap.ts";
import { unshift } from "./transpile.ts";

export interface DescribedError {
  readonly name: string;
  readonly module: string;
  readonly message: string;
  readonly line?: number;
  readonly column?: number;
}

const decoded = new WeakMap<CompiledCell, Segment[][]>();

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/**
 * 1-based position in the learner's TypeScript of the innermost stack frame inside the cell that
 * the source map places in it. A frame on a line the compiler wrote (the constructor it gives a
 * mapped class) has no place there: the frame that called it, `new User({ … })`, is the learner's.
 */
export function locate(
  err: unknown,
  cell: CompiledCell,
  sourceUrl: string,
): { line: number; column: number } | null {
  const stack = err instanceof Error ? String(err.stack ?? "") : "";
  const frames = new RegExp(`${escapeRegExp(sourceUrl)}:(\\d+):(\\d+)`, "g");
  let lines = decoded.get(cell);
  for (let m = frames.exec(stack); m !== null; m = frames.exec(stack)) {
    const jsLine = Number(m[1]) - 1 - PROLOGUE_LINES;
    if (jsLine < 0) continue;
    const jsColumn = cell.importLines.includes(jsLine) ? 0 : Number(m[2]) - 1;
    if (!lines) decoded.set(cell, (lines = decodeMappings(cell.mappings)));
    const pos = originalPosition(lines, jsLine, jsColumn);
    if (!pos) continue;
    const orig = unshift(cell.shifts, pos.line, pos.column);
    return { line: orig.line + 1, column: orig.column + 1 };
  }
  return null;
}

export function describeError(err: unknown): DescribedError {
  if (err === null || typeof err !== "object") {
    return { name: "Exception", module: "builtins", message: str(err) };
  }
  const qualified = qualifiedErrorName(err);
  const dot = qualified.lastIndexOf(".");
  let message: string;
  try {
    message = str(err);
  } catch {
    message = err instanceof Error ? err.message : String(err);
  }
  return { name: qualified.slice(dot + 1), module: qualified.slice(0, dot), message };
}
