/**
 * The notebook kernel's real module worker in Chromium (no UI): PGlite and sql.js in the worker,
 * TypeScript loaded lazily, shared scope, errors, the time limit, Stop and database switching.
 */
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { expect, type Page, test } from "@playwright/test";
import { compareOutput, unifiedDiff } from "../conformance/lib/compare.ts";
import { normalizeOutput } from "../conformance/lib/normalize.ts";
import { readTranscript } from "../conformance/lib/transcripts.ts";
import type { CellSource, ClientEvent, DatabaseKind } from "../site/worker/protocol.ts";

type Harness = {
  run(
    database: DatabaseKind,
    cells: CellSource[],
    targetId: string,
    options?: { timeoutMs?: number; fresh?: boolean; maxRows?: number },
  ): Promise<{ events: ClientEvent[]; result: Record<string, unknown> }>;
};

async function run(
  page: Page,
  database: DatabaseKind,
  cells: CellSource[],
  targetId = cells.at(-1)!.id,
  options: { timeoutMs?: number; fresh?: boolean; maxRows?: number } = {},
) {
  return page.evaluate(
    ([db, c, t, o]) => (globalThis as unknown as { harness: Harness }).harness.run(db, c, t, o),
    [database, cells, targetId, options] as const,
  );
}

const cells = (...codes: string[]): CellSource[] => codes.map((code, i) => ({ id: `c${i + 1}`, code }));
const text = (events: ClientEvent[]) =>
  events.map((e) => (e.type === "print" || e.type === "log" ? e.text : "")).join("");

test.beforeEach(async ({ page }) => {
  await page.goto("./");
  await expect(page.locator("#status")).toHaveText("ready");
});

for (const database of ["sqlite", "postgresql"] as const) {
  test(`a transcript's script split into cells prints what SQLAlchemy printed on ${database}`, async ({
    page,
  }) => {
    const script = readFileSync(
      new URL("../conformance/scenarios/02_select_1_2_3.ts", import.meta.url),
      "utf8",
    ).replace(`process.env.ORACLE_BACKEND ?? "sqlite"`, JSON.stringify(database));
    const cut = script.indexOf("\n", script.indexOf("const engine = create_engine")) + 1;
    const { events, result } = await run(page, database, cells(script.slice(0, cut), script.slice(cut)));
    expect(result).toMatchObject({ ok: true, ran: ["c1", "c2"], statements: 4, transactions: 1 });
    const transcript = readTranscript(
      fileURLToPath(new URL(`../conformance/transcripts/02_select_1_2_3.${database}.json`, import.meta.url)),
    );
    const cmp = compareOutput(transcript.output, normalizeOutput(text(events), { backend: database }));
    expect(cmp.status, unifiedDiff(cmp.ops).join("\n")).toBe("PASS");
    const statement = events.find(
      (e) => e.type === "log" && e.tag === "statement" && e.message.startsWith("SELECT"),
    );
    expect(statement).toMatchObject({ logger: "sqlalchemy.engine.Engine", message: "SELECT 1,2,3" });
  });

  test(`the last expression's rows come back as a table on ${database}`, async ({ page }) => {
    const { events } = await run(
      page,
      database,
      cells(
        `import { create_engine, text } from "sqlalchemy";\nconst engine = create_engine(settings.DATABASE_URL);`,
        `using conn = engine.connect();\nconn.execute(text("SELECT 1 AS a, '<img src=x onerror=alert(1)>' AS b")).all()`,
      ),
    );
    expect(events.find((e) => e.type === "value")).toMatchObject({
      value: {
        kind: "table",
        columns: ["a", "b"],
        rows: [["1", "'<img src=x onerror=alert(1)>'"]],
        total: 1,
      },
    });
  });

  test(`an edited cell is transpiled in the worker; errors point at the learner's TypeScript on ${database}`, async ({
    page,
  }) => {
    const syntax = await run(page, database, cells(`const x: number = ;`));
    expect(syntax.events.find((e) => e.type === "error")).toMatchObject({
      name: "SyntaxError",
      line: 1,
      column: 19,
      phase: "syntax",
    });
    const sql = await run(
      page,
      database,
      cells(
        `import { create_engine, text } from "sqlalchemy";\nconst engine = create_engine(settings.DATABASE_URL);\nusing conn = engine.connect();\nconn.execute(text("SELEC 1"));`,
      ),
    );
    const error = sql.events.find((e) => e.type === "error");
    expect(error).toMatchObject({ module: "sqlalchemy.exc", line: 4, column: 6, phase: "runtime" });
    expect((error as { message: string }).message).toContain("[SQL: SELEC 1]");
    const after = await run(page, database, cells(`print("still working")`));
    expect(text(after.events)).toBe("still working\n");
  });

  test(`a 100,000-row result sends its first rows and the count on ${database}`, async ({ page }) => {
    const sql =
      database === "postgresql"
        ? "SELECT n FROM generate_series(1, 100000) AS n"
        : "WITH RECURSIVE s(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM s WHERE n < 100000) SELECT n FROM s";
    const { events } = await run(
      page,
      database,
      cells(
        `import { create_engine, text } from "sqlalchemy";\nusing conn = create_engine(settings.DATABASE_URL).connect();\nconn.execute(text(${JSON.stringify(sql)}))`,
      ),
    );
    const value = events.find((e) => e.type === "value") as unknown as {
      value: { rows: string[][]; total: number };
    };
    expect(value.value.total).toBe(100_000);
    expect(value.value.rows).toHaveLength(50);
  });
}

test("an endless loop is stopped at the time limit, what it printed first arrives, the kernel restarts and keeps working", async ({
  page,
}) => {
  const code = `print("before the loop");\nlet i = 0;\nwhile (true) { i++; }`;
  const { events, result } = await run(page, "sqlite", cells(code), "c1", { timeoutMs: 1500 });
  expect(result).toMatchObject({ ok: false, restarted: "timeout" });
  expect(text(events)).toBe("before the loop\n");
  expect(events.at(-1)).toMatchObject({ type: "kernel-restarted", reason: "timeout", cellId: "c1" });
  const again = await run(page, "sqlite", cells(`print(6 * 7)`));
  expect(text(again.events)).toBe("42\n");
});

test("switching the database restarts the kernel on the other one", async ({ page }) => {
  const out = await page.evaluate(async () => {
    const h = (globalThis as unknown as { harness: { Kernel: any } }).harness;
    const kernel = new h.Kernel({ database: "sqlite" });
    const cell = [
      {
        id: "v",
        code: `import { create_engine } from "sqlalchemy";\nprint(create_engine(settings.DATABASE_URL).dialect.name)`,
      },
    ];
    const printed: string[] = [];
    await kernel.run(
      cell,
      "v",
      (e: { type: string; text?: string }) => e.type === "print" && printed.push(e.text!),
    );
    await kernel.restart("postgresql");
    await kernel.run(
      cell,
      "v",
      (e: { type: string; text?: string }) => e.type === "print" && printed.push(e.text!),
    );
    kernel.dispose();
    return printed;
  });
  expect(out).toEqual(["sqlite\n", "postgresql\n"]);
});
