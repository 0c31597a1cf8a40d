/**
 * A cell's last expression → what the page shows under it (Jupyter's `Out[n]`): a table for a Result
 * (also its `scalars()` and `mappings()`) or a list of Rows (the first rows and the total count: a
 * huge result is never sent whole), Python's `repr()` for anything else, nothing for `undefined` /
 * `null` (Python's None is not echoed either).
 *
 * Showing a Result does not consume it, as in Jupyter: its rows are buffered in the Result
 * (`Result._buffer_rows()`), and a later `r.all()` in another cell still returns them.
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

/** The table of a Result: its columns as `keys()` names them, its rows read without consuming it. */
function resultTable(value: AnyResult, maxRows: number): TableValue {
  const core = value._core();
  const raws = core._buffer_rows();
  const md = core._metadata;
  const keys = [...core.keys()];
  const shown = raws.slice(0, maxRows).map((raw) => md.makeRow(raw));
  if (value instanceof ScalarResult) {
    const index = value._index;
    return {
      kind: "table",
      columns: [keys[index] ?? "value"],
      rows: shown.map((row) => [repr(row._data[index])]),
      total: raws.length,
    };
  }
  return {
    kind: "table",
    columns: keys,
    rows: shown.map((row) => [...row].map((v) => repr(v))),
    total: raws.length,
  };
}

function table(columns: readonly string[], items: readonly unknown[], maxRows: number): TableValue {
  return { kind: "table", columns, rows: items.slice(0, maxRows).map(cellsOf), total: items.length };
}

export function displayValue(value: unknown, maxRows = DEFAULT_MAX_ROWS): TableValue | ReprValue | null {
  if (value === undefined || value === null) return null;
  if (isResult(value)) {
    const core = value._core() as Result & { returns_rows?: boolean };
    if (core.closed || core._soft_closed || core.returns_rows === false)
      return { kind: "repr", text: repr(value) };
    return resultTable(value, maxRows);
  }
  if (Array.isArray(value) && value.length > 0 && value.every((v) => v instanceof Row)) {
    return table([...(value[0] as Row)._fields], value, maxRows);
  }
  if (Array.isArray(value) && value.length > 0 && value.every((v) => v instanceof RowMapping)) {
    return table([...(value[0] as RowMapping).keys()], value, maxRows);
  }
  if (Array.isArray(value) && value.length > maxRows) {
    const head = repr(value.slice(0, maxRows));
    return { kind: "repr", text: `${head.slice(0, -1)}, ...] (${value.length} items)` };
  }
  return { kind: "repr", text: repr(value) };
}
