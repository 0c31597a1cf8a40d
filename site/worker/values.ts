/**
 * A cell's last expression → what the page shows under it (Jupyter's `Out[n]`): a table for a Result
 * or a list of Rows (the first rows and the total count: a huge result is never sent whole), Python's
 * `repr()` for anything else, nothing for `undefined` / `null` (Python's None is not echoed either).
 */
import { MappingResult, Result, Row, RowMapping, repr, ScalarResult } from "sqlalchemy";
import type { ReprValue, TableValue } from "./protocol.ts";

export const DEFAULT_MAX_ROWS = 50;

type AnyResult = Result | ScalarResult | MappingResult;

function isResult(value: unknown): value is AnyResult {
  return value instanceof Result || value instanceof ScalarResult || value instanceof MappingResult;
}

function cellsOf(item: unknown): string[] {
  if (item instanceof Row) return [...item].map((v) => repr(v));
  if (item instanceof RowMapping) return item.values().map((v) => repr(v));
  return [repr(item)];
}

function table(columns: readonly string[], items: Iterable<unknown>, maxRows: number): TableValue {
  const rows: string[][] = [];
  let total = 0;
  for (const item of items) {
    if (total < maxRows) rows.push(cellsOf(item));
    total++;
  }
  return { kind: "table", columns, rows, total };
}

function resultColumns(result: AnyResult): string[] {
  if (result instanceof ScalarResult) {
    const keys = (result as unknown as { _core(): Result })._core().keys();
    return [[...keys][0] ?? "value"];
  }
  return [...(result as Result | MappingResult).keys()];
}

export function displayValue(value: unknown, maxRows = DEFAULT_MAX_ROWS): TableValue | ReprValue | null {
  if (value === undefined || value === null) return null;
  if (isResult(value)) {
    const r = value as { closed?: boolean; returns_rows?: boolean };
    if (r.closed || r.returns_rows === false) return { kind: "repr", text: repr(value) };
    return table(resultColumns(value), value as Iterable<unknown>, maxRows);
  }
  if (Array.isArray(value) && value.length > 0 && value.every((v) => v instanceof Row)) {
    return table([...(value[0] as Row)._fields], value, maxRows);
  }
  if (Array.isArray(value) && value.length > maxRows) {
    const head = repr(value.slice(0, maxRows));
    return { kind: "repr", text: `${head.slice(0, -1)}, ...] (${value.length} items)` };
  }
  return { kind: "repr", text: repr(value) };
}
