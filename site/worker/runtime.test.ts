/**
 * The kernel's logic in Node, on both databases: cells as a notebook runs them, checked against the
 * transcripts of real SQLAlchemy where the output is SQLAlchemy's, and against the contract of the
 * protocol for the rest (scope, errors at the learner's line:column, values, counts).
 */
import { readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { compareOutput, unifiedDiff } from "../../conformance/lib/compare.ts";
import { normalizeOutput } from "../../conformance/lib/normalize.ts";
import { readTranscript } from "../../conformance/lib/transcripts.ts";
import { loadModule } from "./modules.ts";
import type { CellSource, DatabaseKind, ErrorEvent, KernelEvent, TableValue } from "./protocol.ts";
import { KernelRuntime } from "./runtime.ts";
import { testKernel } from "./test-kernel.ts";
import { compileCell, loadTypeScript } from "./transpile.ts";

const root = new URL("../../", import.meta.url);

const cells = (...codes: string[]): CellSource[] => codes.map((code, i) => ({ id: `c${i + 1}`, code }));

/** What the learner would read under the cells: print and log text, in order. */
const outputText = (events: KernelEvent[]) =>
  events.map((e) => (e.type === "print" || e.type === "log" ? e.text : "")).join("");

describe.each<DatabaseKind>(["sqlite", "postgresql"])("kernel on %s", (database) => {
  const k = testKernel();
  const prevBackend = process.env.ORACLE_BACKEND;

  beforeAll(async () => {
    process.env.ORACLE_BACKEND = database;
    await k.runtime.handle({ type: "start", database });
  }, 60_000);
  afterAll(() => {
    process.env.ORACLE_BACKEND = prevBackend;
  });

  it("runs a transcript's script split into two cells and prints what SQLAlchemy printed", async () => {
    await k.runtime.handle({ type: "restart" });
    const script = readFileSync(new URL("conformance/scenarios/02_select_1_2_3.ts", root), "utf8");
    const cut = script.indexOf("\n", script.indexOf("const engine = create_engine")) + 1;
    // Running the second cell first runs the first (it has not run in this kernel yet).
    const events = await k.run(cells(script.slice(0, cut), script.slice(cut)));
    expect(events.filter((e) => e.type === "cell-start").map((e) => e.cellId)).toEqual(["c1", "c2"]);
    expect(events.filter((e) => e.type === "error")).toEqual([]);
    const transcript = readTranscript(
      new URL(`conformance/transcripts/02_select_1_2_3.${database}.json`, root).pathname,
    );
    const actual = normalizeOutput(outputText(events), { backend: database });
    const cmp = compareOutput(transcript.output, actual);
    expect(cmp.status, unifiedDiff(cmp.ops).join("\n")).toBe("PASS");
    const done = events.at(-1)!;
    expect(done).toMatchObject({ type: "done", ok: true, ran: ["c1", "c2"] });
    // Four SELECTs in one connection's transaction (BEGIN (implicit)).
    expect(done).toMatchObject({ statements: 4, transactions: 1 });
  });

  it("maps a class from its annotations and raises declarative errors at class creation (transcript 71)", async () => {
    await k.runtime.handle({ type: "restart" });
    const script = readFileSync(
      new URL("conformance/scenarios/71_declarative_annotations_table_args.ts", root),
      "utf8",
    );
    const events = await k.run(cells(script));
    expect(events.filter((e) => e.type === "error")).toEqual([]);
    const transcript = readTranscript(
      new URL(`conformance/transcripts/71_declarative_annotations_table_args.${database}.json`, root)
        .pathname,
    );
    const actual = normalizeOutput(outputText(events), { backend: database });
    const cmp = compareOutput(transcript.output, actual);
    expect(cmp.status, unifiedDiff(cmp.ops).join("\n")).toBe("PASS");
  });

  it("shares top-level bindings between cells and writes assignments back", async () => {
    await k.runtime.handle({ type: "restart" });
    const nb = cells(
      `import { create_engine, text } from "sqlalchemy";\nconst engine = create_engine(settings.DATABASE_URL);\nlet counter = 1;\nfunction twice(n: number) { return n * 2; }`,
      "counter += twice(counter);\nprint(counter, typeof text)",
      "counter",
    );
    const first = await k.run(nb.slice(0, 2));
    expect(outputText(first)).toBe("3 function\n");
    const second = await k.run(nb);
    expect(second.filter((e) => e.type === "cell-start").map((e) => e.cellId)).toEqual(["c3"]);
    expect(second.find((e) => e.type === "value")).toMatchObject({ value: { kind: "repr", text: "3" } });
  });

  it("shows a Result as a table: first rows and the total of 100,000 rows", async () => {
    await k.runtime.handle({ type: "restart" });
    const sql =
      database === "postgresql"
        ? "SELECT n, 'row ' || n AS label FROM generate_series(1, 100000) AS n"
        : "WITH RECURSIVE s(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM s WHERE n < 100000) SELECT n, 'row ' || n AS label FROM s";
    const events = await k.run(
      cells(
        `import { create_engine, text } from "sqlalchemy";\nconst engine = create_engine(settings.DATABASE_URL);\nusing conn = engine.connect();\nconn.execute(text(${JSON.stringify(sql)}))`,
      ),
      "c1",
      { maxRows: 5 },
    );
    const value = events.find((e) => e.type === "value")!.value as TableValue;
    expect(value.columns).toEqual(["n", "label"]);
    expect(value.rows).toEqual([
      ["1", "'row 1'"],
      ["2", "'row 2'"],
      ["3", "'row 3'"],
      ["4", "'row 4'"],
      ["5", "'row 5'"],
    ]);
    expect(value.total).toBe(100_000);
  });

  it("shows a list of Rows as a table and other values as Python's repr", async () => {
    await k.runtime.handle({ type: "restart" });
    const events = await k.run(
      cells(
        `import { create_engine, text } from "sqlalchemy";\nconst engine = create_engine(settings.DATABASE_URL);\nusing conn = engine.connect();\nconst rows = conn.execute(text("SELECT 1 AS a, 'x' AS b")).all();\nrows`,
        `[rows[0].a, null, true, "<img src=x onerror=alert(1)>"]`,
      ),
    );
    const values = events.filter((e) => e.type === "value").map((e) => e.value);
    expect(values).toEqual([
      { kind: "table", columns: ["a", "b"], rows: [["1", "'x'"]], total: 1 },
      { kind: "repr", text: `[1, None, True, '<img src=x onerror=alert(1)>']` },
    ]);
  });

  it("reports a SQL error with SQLAlchemy's class and the learner's line:column, and keeps working", async () => {
    await k.runtime.handle({ type: "restart" });
    const nb = cells(
      `import { create_engine, text } from "sqlalchemy";\nconst engine = create_engine(settings.DATABASE_URL);`,
      `using conn = engine.connect();\nprint("before");\n  conn.execute(text("SELECT * FROM no_such_table"));`,
    );
    const events = await k.run(nb);
    const error = events.find((e) => e.type === "error") as ErrorEvent;
    expect(error.module).toBe("sqlalchemy.exc");
    expect(error.name).toBe(database === "postgresql" ? "ProgrammingError" : "OperationalError");
    expect(error.message).toContain("no_such_table");
    expect(error.message).toContain("[SQL: SELECT * FROM no_such_table]");
    expect([error.line, error.column]).toEqual([3, 8]);
    expect(error.phase).toBe("runtime");
    expect(events.at(-1)).toMatchObject({ type: "done", ok: false });
    const after = await k.run(cells(`print(1 + 1)`));
    expect(outputText(after)).toBe("2\n");
  });

  it("reports a syntax error at the learner's line:column without running anything", async () => {
    const events = await k.run(cells(`print("a");\nconst x = ;`));
    expect(events.filter((e) => e.type === "print")).toEqual([]);
    expect(events.find((e) => e.type === "error")).toMatchObject({
      name: "SyntaxError",
      module: "builtins",
      message: "Expression expected.",
      line: 2,
      column: 11,
      phase: "syntax",
    });
  });

  it("reports an error on the last line (wrapped for its value) at the learner's column", async () => {
    const events = await k.run(cells(`const o: any = null;\n\n   o.missing`));
    expect(events.find((e) => e.type === "error")).toMatchObject({ name: "TypeError", line: 3, column: 6 });
  });

  it("reports an error raised while making a mapped object at the learner's `new`", async () => {
    // the first cell frame is the constructor the compiler gave the class, which maps to no line
    const events = await k.run(
      cells(
        [
          `import { DeclarativeBase, mapped_column } from "sqlalchemy/orm";`,
          "class Base extends DeclarativeBase {}",
          "class Thing extends Base {",
          `  static __tablename__ = "thing";`,
          "  @mapped_column({ primary_key: true }) accessor id!: number;",
          "}",
          "",
          "const t = new Thing({ bogus: 1 });",
        ].join("\n"),
      ),
    );
    expect(events.find((e) => e.type === "error")).toMatchObject({
      name: "TypeError",
      message: "'bogus' is an invalid keyword argument for Thing",
      line: 8,
      column: 11,
    });
  });

  it("raises Python's ImportError / ModuleNotFoundError for a bad import", async () => {
    const events = await k.run(
      cells(`import { create_engin } from "sqlalchemy";\ncreate_engin("sqlite://");`),
    );
    expect(events.find((e) => e.type === "error")).toMatchObject({
      name: "ImportError",
      message: "cannot import name 'create_engin' from 'sqlalchemy'",
      line: 1,
    });
    const second = await k.run(cells(`import "sqlalchemy/nope";`));
    expect(second.find((e) => e.type === "error")).toMatchObject({
      name: "ModuleNotFoundError",
      message: "No module named 'sqlalchemy.nope'",
    });
  });

  it("runs top-level await, await using and standard decorators", async () => {
    await k.runtime.handle({ type: "restart" });
    const events = await k.run(
      cells(
        `import { text } from "sqlalchemy";\nimport { create_async_engine } from "sqlalchemy/ext/asyncio";\nconst engine = create_async_engine(settings.DATABASE_URL.replace(/^postgresql\\+psycopg2/, "postgresql+asyncpg").replace(/^sqlite/, "sqlite+aiosqlite"));`,
        `function logged(fn: any, ctx: ClassMethodDecoratorContext) { return function (this: any, ...a: any[]) { print("call", String(ctx.name)); return fn.apply(this, a); }; }\nclass Q { @logged one() { return 1; } }\nprint(new Q().one());\n{\n  await using conn = await engine.connect();\n  const res = await conn.execute(text("SELECT 40 + 2"));\n  print(res.scalar());\n}`,
      ),
    );
    expect(events.filter((e) => e.type === "error")).toEqual([]);
    expect(outputText(events)).toBe("call one\n1\n42\n");
  });

  it("counts statements and transactions per cell and registers engines for the inspector", async () => {
    await k.runtime.handle({ type: "restart" });
    const events = await k.run(
      cells(
        `import { create_engine, text } from "sqlalchemy";\nconst engine = create_engine(settings.DATABASE_URL, { pool_size: 3, max_overflow: 2 });`,
        `engine.begin((conn) => { conn.execute(text("CREATE TABLE t (x INTEGER)")); conn.execute(text("INSERT INTO t VALUES (1)")); });\nengine.begin((conn) => conn.execute(text("SELECT x FROM t")).all());`,
      ),
    );
    const done = events.filter((e) => e.type === "cell-done");
    expect(done.map((e) => [e.cellId, e.statements, e.transactions])).toEqual([
      ["c1", 0, 0],
      ["c2", 3, 2],
    ]);
    const state = k.runtime.inspect();
    expect(state.engines).toHaveLength(1);
    expect(state.engines[0]).toMatchObject({
      name: "engine",
      cellId: "c1",
      poolClass: "QueuePool",
      async: false,
    });
    expect(state.engines[0]!.pool).toMatchObject({ size: 3, checkedout: 0 });
    expect(state.engines[0]!.poolStatus).toMatch(/^Pool size: 3 {2}Connections in pool: 1 /);
  });

  it("starts a fresh run from the starting data and forgets earlier bindings", async () => {
    const setup = `import { create_engine, text } from "sqlalchemy";\nconst engine = create_engine(settings.DATABASE_URL);\nengine.begin((conn) => conn.execute(text("CREATE TABLE t (x INTEGER)")));`;
    const side = `engine.begin((conn) => conn.execute(text("INSERT INTO t VALUES (1)")));\nengine.connect().execute(text("SELECT count(*) FROM t")).scalar()`;
    for (let i = 0; i < 2; i++) {
      const events = await k.run(cells(setup, side), "c2", { fresh: true });
      const values = events.filter((e) => e.type === "value").map((e) => e.value);
      expect(values).toEqual([
        {
          kind: "repr",
          text: expect.stringMatching(/^<sqlalchemy\.engine\.[a-z]+\.CursorResult object at 0x/),
        },
        { kind: "repr", text: "1" },
      ]);
    }
  });
});

describe("compileCell", () => {
  it("declares top-level bindings, not the helpers TypeScript adds", async () => {
    const ts = await loadTypeScript();
    const result = compileCell(
      ts,
      `import { a, b as c } from "m";\nimport type { T } from "m";\nconst x: T = a;\nusing y = c();\nclass K { @a accessor z = 1; }\nexport function f() {}\nx`,
    );
    if (!result.ok) throw new Error(JSON.stringify(result.diagnostics));
    expect(result.cell.declared.map((d) => d.name).sort()).toEqual(["K", "a", "c", "f", "x", "y"]);
    expect(result.cell.imports).toEqual(["m"]);
    expect(result.cell.js).not.toMatch(/^\s*(import|export) /m);
    expect(result.cell.js).toContain("__k.out(x)");
  });
});
