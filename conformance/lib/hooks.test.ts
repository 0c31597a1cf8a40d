import { pathToFileURL } from "node:url";
import { describe, expect, it } from "vitest";
import { validateDeviations } from "./deviations.ts";
import { isCellModule, isSqlalchemySpecifier } from "./hooks.ts";
import { uncaughtError } from "./runner.ts";
import { transpileCell } from "./transpile.ts";

describe("module hooks", () => {
  it("redirect every sqlalchemy specifier, and only those", () => {
    for (const s of ["sqlalchemy", "sqlalchemy/orm", "sqlalchemy/ext/asyncio", "sqlalchemy/exc"]) {
      expect(isSqlalchemySpecifier(s)).toBe(true);
    }
    for (const s of ["sqlalchemy-utils", "./sqlalchemy", "node:fs", "sqlalchemyx/orm"]) {
      expect(isSqlalchemySpecifier(s)).toBe(false);
    }
  });

  it("transpile learner .ts files but leave engine-wasm and node_modules to Node", () => {
    const engineRoot = "/repo/engine-wasm";
    expect(isCellModule(pathToFileURL("/tmp/cells/01_x.ts").href, engineRoot)).toBe(true);
    expect(isCellModule(pathToFileURL("/repo/conformance/scenarios/01_x.ts").href, engineRoot)).toBe(true);
    expect(isCellModule(pathToFileURL("/repo/engine-wasm/src/index.ts").href, engineRoot)).toBe(false);
    expect(isCellModule(pathToFileURL("/repo/engine-wasm-other/a.ts").href, engineRoot)).toBe(true);
    expect(isCellModule(pathToFileURL("/repo/node_modules/x/index.ts").href, engineRoot)).toBe(false);
    expect(isCellModule(pathToFileURL("/tmp/cells/helper.js").href, engineRoot)).toBe(false);
    expect(isCellModule("node:fs", engineRoot)).toBe(false);
  });
});

describe("transpileCell", () => {
  const js = transpileCell(
    [
      "class User extends Base {",
      '  static __tablename__ = "user_account";',
      "  @mapped_column({ primary_key: true }) accessor id!: number;",
      "}",
      "{ using conn = engine.connect(); }",
    ].join("\n"),
    "cell.ts",
  );

  it("makes class fields assignments (useDefineForClassFields: false)", () => {
    expect(js).toMatch(/\.__tablename__ = "user_account"/);
  });

  it("downlevels standard decorators and using", () => {
    expect(js).toContain("__esDecorate");
    expect(js).toContain("__addDisposableResource");
    expect(js).not.toMatch(/^\s*@mapped_column/m);
    expect(js).not.toMatch(/\busing conn\b/);
  });
});

describe("validateDeviations", () => {
  it("accepts well-formed entries", () => {
    expect(
      validateDeviations([
        { scenario: "41_common_errors", backend: "postgresql", line: 107, reason: "no TCP in a browser" },
        { scenario: "x", backend: "sqlite", line: "!! text", reason: "r" },
      ]),
    ).toHaveLength(2);
  });

  it("rejects entries without a reason or with a bad backend or line", () => {
    expect(() => validateDeviations([{ scenario: "x", backend: "sqlite" }])).toThrow(/reason/);
    expect(() => validateDeviations([{ scenario: "x", backend: "mysql", reason: "r" }])).toThrow(/backend/);
    expect(() => validateDeviations([{ scenario: "x", backend: "sqlite", line: 0, reason: "r" }])).toThrow(
      /line/,
    );
    expect(() => validateDeviations({})).toThrow(/array/);
  });
});

describe("uncaughtError", () => {
  it("finds the error line after a traceback, skipping indented frames", () => {
    const out =
      "## start\nTraceback (most recent call last):\n  at main (x.ts:1:1)\nsqlalchemy.exc.OperationalError: (sqlite3.OperationalError) no such table: t\n[SQL: SELECT 1]\n";
    expect(uncaughtError(out)).toBe(
      "sqlalchemy.exc.OperationalError: (sqlite3.OperationalError) no such table: t",
    );
    expect(uncaughtError("## start\n!! builtins.ValueError: boom\n")).toBeNull();
  });
});
