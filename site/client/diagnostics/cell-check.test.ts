/**
 * The editor's TypeScript diagnostics (cell-check.ts over the type data the build generates): no
 * lesson cell, in English or Russian, exercises' starting code and solutions included, gets a
 * diagnostic when it sees the cells above it as the page gives them; real mistakes are reported at
 * their line with TypeScript's message. The check reads no database: what holds for one holds for both.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import ts from "typescript";
import { beforeAll, describe, expect, it } from "vitest";
import { buildTypeData, CELL_MODULES } from "../../integrations/api-types.ts";
import { parseLessonCells } from "../../notebook/cells.ts";
import { CellChecker } from "./cell-check.ts";
import { scopeOf } from "./scope.ts";

const root = new URL("../../../", import.meta.url).pathname.replace(/\/$/, "");

function files(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((d) =>
    d.isDirectory() ? files(join(dir, d.name)) : d.name.endsWith(".mdx") ? [join(dir, d.name)] : [],
  );
}

const lessons = files(join(root, "lessons"))
  .map((file) => ({
    name: relative(root, file),
    ...parseLessonCells(relative(root, file), readFileSync(file, "utf8")),
  }))
  .filter((l) => l.cells.length > 0);

let checker: CellChecker;
beforeAll(() => {
  checker = new CellChecker(ts, buildTypeData(root));
}, 120_000);

const shown = (code: string, list: ReturnType<CellChecker["check"]>) =>
  list.map((d) => `${d.line}: ${d.message} (${code.slice(d.from, d.to)})`);

it("finds the lessons in both languages", () => {
  const names = lessons.map((l) => l.name);
  expect(names).toContain("lessons/fundamentals/session.mdx");
  expect(names).toContain("lessons/ru/fundamentals/session.mdx");
  expect(lessons.reduce((n, l) => n + l.cells.length, 0)).toBeGreaterThan(150);
});

describe.each(lessons)("$name", (lesson) => {
  const page = lesson.cells.map((c) => ({
    code: c.code,
    linear: c.kind !== "exercise" && !c.side,
    expectsError: c.expect === "error",
  }));
  lesson.cells.forEach((cell, index) => {
    const codes =
      cell.kind === "exercise"
        ? { starter: cell.code, solution: lesson.exercises[cell.exercise!]!.solution }
        : { code: cell.code };
    for (const [what, code] of Object.entries(codes)) {
      it(`${cell.id} (${what}) has no diagnostic`, () => {
        expect(shown(code, checker.check(scopeOf(page, index), code))).toEqual([]);
      }, 60_000);
    }
  });
});

it("knows every module the kernel lets a cell import (site/worker/modules.ts)", () => {
  const kernel = readFileSync(join(root, "site/worker/modules.ts"), "utf8");
  const table = /const SPECIFIERS[^=]*=\s*\{([^}]*)\}/.exec(kernel)![1]!;
  const specifiers = [...table.matchAll(/"?([\w/]+)"?:\s*"\.\.\/\.\.\/([^"]+)"/g)].map((m) => [m[1], m[2]]);
  expect(specifiers.length).toBeGreaterThan(3);
  expect(Object.entries(CELL_MODULES).sort()).toEqual(specifiers.sort());
  const code = Object.keys(CELL_MODULES)
    .map((spec, i) => `import * as m${i} from ${JSON.stringify(spec)};\nprint(m${i});`)
    .join("\n");
  expect(checker.check([], code)).toEqual([]);
  expect(
    checker.check([], 'import { dialect } from "sqlalchemy/dialects/postgresql";\nprint(dialect);'),
  ).toEqual([]);
});

describe("what is not a learner's mistake is not shown", () => {
  it("an unused variable or import, unreachable code, a top-level return, a top-level await", () => {
    const code =
      'import { select } from "sqlalchemy";\nconst unused = 1;\nif (settings.DATABASE_URL) return;\nprint("after");\nawait Promise.resolve(1);';
    expect(checker.check([], code)).toEqual([]);
  });

  it("a name declared again in a later cell (cells are re-run)", () => {
    expect(checker.check(["const engine = 1;"], 'const engine = "two";\nprint(engine.length);')).toEqual([]);
  });
});

describe("mistakes are reported", () => {
  const scope = [
    'import { create_engine } from "sqlalchemy";\nimport { Session } from "sqlalchemy/orm";\nconst engine = create_engine(settings.DATABASE_URL, { echo: true });',
    "const session = new Session(engine);",
  ];

  it("a misspelled method of an object an earlier cell made, at its line, with TypeScript's message", () => {
    const code = 'print("saving");\nsession.comit();\n';
    const [d, ...rest] = checker.check(scope, code);
    expect(rest).toEqual([]);
    expect(d).toMatchObject({
      line: 2,
      code: 2551,
      message: "Property 'comit' does not exist on type 'Session'. Did you mean 'commit'?",
    });
    expect(code.slice(d!.from, d!.to)).toBe("comit");
  });

  it("a name no cell above declared", () => {
    expect(checker.check([], "engine.connect();").map((d) => d.message)).toEqual([
      "Cannot find name 'engine'.",
    ]);
  });

  it("a syntax error, on the cell's own code", () => {
    expect(checker.check(scope, "const x = {\nprint(x);")).toMatchObject([
      { line: 2, message: "'}' expected." },
    ]);
    expect(checker.check(scope, "session.commit(;")).toMatchObject([
      { line: 1, from: 15, message: "')' expected." },
    ]);
  });

  it("a wrong argument type to an engine-wasm function", () => {
    const code = 'import { String } from "sqlalchemy";\nconst t = String("thirty");';
    expect(checker.check([], code).map((d) => d.line)).toEqual([2]);
  });

  it("a misspelled class-level attribute of a mapped class (the mapped ones are not reported)", () => {
    const model = [
      'import { String } from "sqlalchemy";\nimport { DeclarativeBase, mapped_column } from "sqlalchemy/orm";\nclass Base extends DeclarativeBase {}\nclass User extends Base {\n  static __tablename__ = "user_account";\n  @mapped_column({ primary_key: true }) accessor id!: number;\n  @mapped_column(String(30)) accessor name!: string;\n}',
    ];
    const code =
      'import { select } from "sqlalchemy";\nselect(User).where(User.name.eq("x")).order_by(User.id);\nUser.nmae;';
    expect(checker.check(model, code).map((d) => `${d.line}: ${d.message}`)).toEqual([
      "3: Property 'nmae' does not exist on type 'typeof User'.",
    ]);
  });

  it("a later cell sees the latest declaration of a name, and may assign a variable an earlier cell made", () => {
    const cells = ["let n = 1;", 'let n = "one";'];
    expect(checker.check(cells, "n = n.toUpperCase();")).toEqual([]);
    expect(checker.check(cells.slice(0, 1), "n = n.toUpperCase();").map((d) => d.code)).toEqual([2339]);
  });
});
