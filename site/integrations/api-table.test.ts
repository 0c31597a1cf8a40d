/**
 * The editor's completion and hover describe the learner-facing API with SQLAlchemy's one-line
 * descriptions: every public member of the classes cells hold, and every option of the options
 * objects they pass, has one in the table generated from engine-wasm's types.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { type ApiTable, buildApiTable } from "./api-table.ts";

const root = new URL("../../", import.meta.url).pathname.replace(/\/$/, "");

/** The classes a lesson's cells hold (engines, connections, sessions, transactions, results, rows). */
const CLASSES = [
  "Engine",
  "Connection",
  "Transaction",
  "Result",
  "CursorResult",
  "ScalarResult",
  "MappingResult",
  "Row",
  "Session",
  "SessionTransaction",
  "AsyncEngine",
  "AsyncConnection",
  "AsyncTransaction",
  "AsyncResult",
  "AsyncScalarResult",
  "AsyncMappingResult",
  "AsyncSession",
];

/** The calls whose options object (argument index) a cell writes: `create_engine(url, { … })`. */
const OPTIONS: readonly [module: string, name: string, index: number][] = [
  ["sqlalchemy", "create_engine", 1],
  ["sqlalchemy/ext/asyncio", "create_async_engine", 1],
  ["sqlalchemy/orm", "Session", 1],
  ["sqlalchemy/orm", "sessionmaker", 1],
  ["sqlalchemy/ext/asyncio", "AsyncSession", 1],
];

/** JavaScript's own protocol methods (what `String(x)` and `JSON.stringify` call), not SQLAlchemy's API. */
const PROTOCOL = new Set(["toString", "toJSON", "valueOf"]);

let table: ApiTable;
beforeAll(() => {
  table = buildApiTable(root);
}, 120_000);

describe("one-line descriptions", () => {
  it.each(CLASSES)("every public member of %s has one", (cls) => {
    const members = table.classes[cls];
    expect(members, `${cls} is in the table`).toBeDefined();
    const without = Object.entries(members!)
      .filter(([name, e]) => !PROTOCOL.has(name) && !e.doc)
      .map(([name]) => `${cls}.${name}`);
    expect(without).toEqual([]);
  });

  it.each(OPTIONS)("every option of %s's %s (argument %i) has one", (module, name, index) => {
    const entry = table.modules[module]?.[name];
    const options = entry?.options?.[index];
    expect(options, `${module}.${name} takes an options object`).toBeDefined();
    const without = Object.entries(options!)
      .filter(([, o]) => !o.doc)
      .map(([option]) => option);
    expect(without).toEqual([]);
  });

  it("Session.expire_all and create_engine's pool_size are described as SQLAlchemy describes them", () => {
    expect(table.classes.Session?.expire_all?.doc).toBe(
      "Expires all persistent instances within this Session.",
    );
    expect(table.modules.sqlalchemy?.create_engine?.options?.[1]?.pool_size?.doc).toBe(
      "the number of connections to keep open inside the connection pool.",
    );
  });

  it("a sentence is not cut at an abbreviation", () => {
    expect(table.classes.Session?.in_nested_transaction?.doc).toBe(
      "Return True if this `Session` has begun a nested transaction, e.g. SAVEPOINT.",
    );
  });
});
