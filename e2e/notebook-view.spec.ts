/**
 * Reading a cell's output, on both databases: the echo log as SQLAlchemy's docs show it and, behind a
 * toggle, exactly as Python prints it; results as tables that do not consume the Result; lesson
 * cells that never scroll sideways at 1280×900; the Core vs ORM view aligned and summed up; the
 * inspector's sessions, connections and pool — read without sending SQL.
 */
import { expect, type Page, test } from "@playwright/test";
import { type Cell, type Database, LessonPage } from "./pages/lesson.ts";

test.describe.configure({ timeout: 120_000 });
test.use({ viewport: { width: 1280, height: 900 } });

const TS = String.raw`\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d{3}`;
const ENGINE = `${TS} INFO sqlalchemy\\.engine\\.Engine`;

async function open(page: Page, path: string, database: Database): Promise<LessonPage> {
  const lesson = new LessonPage(page);
  await lesson.goto(path);
  await lesson.selectDatabase(database);
  return lesson;
}

/** Type new code into a cell and run it. */
async function runCode(cell: Cell, code: string): Promise<void> {
  await cell.setCode(code);
  await cell.run(60_000);
  await expect(cell.error, (await cell.error.allInnerTexts()).join("\n")).toHaveCount(0);
}

/** What a cell's output counts: "N statements". */
async function statementsOf(cell: Cell): Promise<number> {
  const text = await cell.output.locator(".nb-stats").innerText();
  return Number(/(\d+) statements?/.exec(text)?.[1]);
}

for (const database of ["sqlite", "postgresql"] as const) {
  test.describe(`on ${database}`, () => {
    test("the log shows statements as blocks; the raw toggle shows the engine's exact lines", async ({
      page,
    }) => {
      const lesson = await open(page, "fundamentals/engine/", database);
      const cell = lesson.cellById("engine");
      await runCode(
        cell,
        [
          'import { create_engine, text } from "sqlalchemy";',
          "const engine = create_engine(settings.DATABASE_URL, { echo: true });",
          "{",
          "  using conn = engine.connect();",
          `  print(conn.execute(text("select 'hello world'")).all());`,
          "}",
        ].join("\n"),
      );
      const out = cell.output;
      // SQLAlchemy's tutorial ("Working with Transactions and the DBAPI"): BEGIN, the statement, its
      // parameters with the cache marker, the printed rows, ROLLBACK — in that order (on PostgreSQL
      // after the dialect's first-connect queries, which SQLAlchemy logs too).
      const all = out.locator(".nb-stream > *");
      const firstConnect = database === "sqlite" ? 0 : 3;
      await expect(all).toHaveCount(firstConnect + 4);
      const blocks = {
        nth: (i: number) => all.nth(firstConnect + i),
      };
      await expect(blocks.nth(0)).toHaveClass(/nb-tx/);
      await expect(blocks.nth(0).locator(".nb-tx-text")).toHaveText("BEGIN (implicit)");
      await expect(blocks.nth(1)).toHaveClass(/nb-stmt/);
      await expect(blocks.nth(1).locator(".nb-sql")).toHaveText("select 'hello world'");
      await expect(blocks.nth(1).locator(".nb-sql .nb-sql-string")).toHaveText("'hello world'");
      await expect(blocks.nth(1).locator(".nb-cache")).toHaveText(/^generated in \d\.\d+s$/);
      await expect(blocks.nth(1).locator(".nb-params-values")).toHaveText(
        database === "sqlite" ? "()" : "{}",
      );
      await expect(blocks.nth(2)).toHaveText("[('hello world',)]\n");
      await expect(blocks.nth(3).locator(".nb-tx-text")).toHaveText("ROLLBACK");
      await expect(blocks.nth(1).locator(".nb-log-meta")).toHaveText(new RegExp(`^${ENGINE}$`));
      // the cell's count is its own statement (the dialect's first-connect queries are not counted)
      expect(await statementsOf(cell)).toBe((await out.locator(".nb-stmt").count()) - firstConnect);

      const raw = out.locator(".nb-raw");
      await expect(raw).toBeHidden();
      const toggle = out.getByRole("button", { name: /as Python prints it/ });
      await toggle.click();
      await expect(toggle).toHaveAttribute("aria-pressed", "true");
      await expect(raw).toBeVisible();
      await expect(out.locator(".nb-stream")).toBeHidden();
      const text = await raw.evaluate((el) => el.textContent ?? "");
      expect(text).toMatch(
        new RegExp(
          [
            `${database === "sqlite" ? "^" : "\\n"}${ENGINE} BEGIN \\(implicit\\)`,
            `${ENGINE} select 'hello world'`,
            `${ENGINE} \\[generated in \\d\\.\\d{5}s\\] ${database === "sqlite" ? "\\(\\)" : "\\{\\}"}`,
            String.raw`\[\('hello world',\)\]`,
            `${ENGINE} ROLLBACK\n$`,
          ].join("\n"),
        ),
      );
      await toggle.click();
      await expect(out.locator(".nb-stream")).toBeVisible();
    });

    test('all(), mappings() and scalars("name") end a cell as tables; the Result is not consumed', async ({
      page,
    }) => {
      const lesson = await open(page, "fundamentals/engine/", database);
      await runCode(
        lesson.cellById("engine"),
        [
          'import { create_engine, text } from "sqlalchemy";',
          "const engine = create_engine(settings.DATABASE_URL);",
          "const conn = engine.connect();",
          'conn.execute(text("DROP TABLE IF EXISTS pets"));',
          'conn.execute(text("CREATE TABLE pets (id INTEGER PRIMARY KEY, name VARCHAR(20))"));',
          'for (let i = 1; i <= 12; i++) conn.execute(text("INSERT INTO pets (id, name) VALUES (:i, :n)"), { i, n: `pet${i}` });',
          'const q = text("SELECT id, name FROM pets ORDER BY id");',
          "const r = conn.execute(q);",
          "r",
        ].join("\n"),
      );
      const first = lesson.cellById("engine").output.locator("table");
      await expect(first.locator("th")).toHaveText(["id", "name"]);
      await expect(first.locator("caption")).toHaveText("12 rows");
      await expect(first.locator("tbody tr")).toHaveCount(10);
      await expect(first.locator("tbody tr").first().locator("td")).toHaveText(["1", "'pet1'"]);
      await lesson.cellById("engine").output.getByRole("button", { name: "Show 2 more" }).click();
      await expect(first.locator("tbody tr")).toHaveCount(12);
      await expect(first.locator("tbody tr").last().locator("td")).toHaveText(["12", "'pet12'"]);

      // The Result shown above still has every row.
      const version = lesson.cellById("url");
      await runCode(version, "const rows = r.all();\nprint(rows.length, rows[0], rows.at(-1));");
      await expect(version.output).toContainText("12 (1, 'pet1') (12, 'pet12')");

      const mapped = lesson.cellById("pool-overflow");
      await runCode(mapped, "const m = conn.execute(q).mappings();\nm");
      await expect(mapped.output.locator("th")).toHaveText(["id", "name"]);
      await runCode(lesson.cellById("pool-timeout"), 'const s = conn.execute(q).scalars("name");\ns');
      const scalars = lesson.cellById("pool-timeout").output.locator("table");
      await expect(scalars.locator("th")).toHaveText(["name"]);
      await expect(scalars.locator("tbody tr").first().locator("td")).toHaveText(["'pet1'"]);
      const later = lesson.cellById("async");
      await runCode(later, "print(m.all().length, s.all().at(-1));");
      await expect(later.output).toContainText("12 pet12");
    });

    test("the compare view aligns the sides' statements and its summary counts match the engine's", async ({
      page,
    }) => {
      const lesson = await open(page, "fundamentals/core-vs-orm/", database);
      const view = lesson.compare.first();
      await expect(view).toHaveAccessibleName(/^Core vs ORM: /);
      expect((await view.boundingBox())!.width).toBeGreaterThanOrEqual(880);
      await view.getByRole("button", { name: /^Run both/ }).click();
      const outputs = view.getByRole("region", { name: /^Output/ });
      for (let i = 0; i < 2; i++) {
        await expect(outputs.nth(i)).not.toHaveAttribute("aria-busy", "true", { timeout: 60_000 });
        await expect(outputs.nth(i).locator(".nb-stats")).toBeVisible();
      }
      const summary = view.locator(".nb-compare-summary");
      await expect(summary).toBeVisible();
      const row = async (label: string) =>
        summary
          .locator("tbody tr")
          .filter({ has: page.getByRole("rowheader", { name: label, exact: true }) })
          .locator("td")
          .allInnerTexts();
      const statements = (await row("statements")).map(Number);
      const transactions = (await row("transactions")).map(Number);
      for (let i = 0; i < 2; i++) {
        const stats = await outputs.nth(i).locator(".nb-stats").innerText();
        expect(statements[i]).toBe(Number(/(\d+) statements?/.exec(stats)?.[1]));
        expect(transactions[i]).toBe(Number(/(\d+) transactions?/.exec(stats)?.[1]));
        expect(statements[i]).toBe(await outputs.nth(i).locator(".nb-stmt").count());
      }
      // The Core side loads no objects; the ORM side loads its three users again after commit():
      // SQLAlchemy 2.0.52 fires `refresh` three times (and `load` never) for the side's Python twin.
      expect((await row("objects loaded")).map(Number)).toEqual([0, 3]);
      expect((await row("rows fetched")).map(Number).every((n) => n >= 3)).toBe(true);

      // Row by row: same kind of statement side by side, or a gap on one side.
      const diff = view.locator(".nb-compare-diff tbody tr");
      const rows = await diff.evaluateAll((trs) =>
        trs.map((tr) =>
          [...tr.querySelectorAll("td")].map((td) =>
            td.classList.contains("nb-gap") ? null : td.dataset.key,
          ),
        ),
      );
      for (const [core, orm] of rows) {
        expect(core === null || orm === null || core === orm, `${core} | ${orm}`).toBe(true);
        expect(core === null && orm === null).toBe(false);
      }
      const sides = [0, 1].map((i) => rows.filter((r) => r[i] !== null).length);
      for (let i = 0; i < 2; i++) {
        const markers = await outputs.nth(i).locator(".nb-tx").count();
        expect(sides[i]).toBe(statements[i]! + markers);
      }
      // the ORM's extra SELECTs (one per expired object) are gaps on the Core side
      expect(
        rows.filter(([core, orm]) => core === null && /^SELECT/.test(orm ?? "")).length,
      ).toBeGreaterThanOrEqual(2);
    });

    test("the inspector shows the flushed object persistent with its id, then expired attributes, and sends no SQL", async ({
      page,
    }) => {
      const lesson = await open(page, "fundamentals/session/", database);
      const flush = lesson.cellById("flush");
      await flush.run(60_000);
      const statementsOnPage = () => page.locator(".nb-stmt").count();
      const before = await statementsOnPage();
      const stats = await flush.output.locator(".nb-stats").innerText();

      await flush.root.getByRole("button", { name: /^Inspect/ }).click();
      const inspector = flush.root.getByRole("region", { name: /^Inspector/ });
      await expect(inspector).toBeVisible();
      await expect(inspector).toContainText("After the cell");
      // Before the second statement (the other connection's SELECT): flushed, not committed.
      const slider = inspector.getByRole("slider", { name: "Step" });
      await slider.fill("1");
      await expect(inspector.locator(".nb-insp-where")).toContainText("Before statement 2 of 2");
      await expect(inspector.locator(".nb-insp-where")).toContainText("SELECT count(*) FROM user_account");
      const object = inspector.locator(".nb-insp-session tbody tr").first();
      await expect(object.locator(".nb-insp-state")).toHaveText("persistent");
      await expect(object).toContainText("(<class '__main__.User'>, (1,), None)");
      await expect(object.locator("li").filter({ hasText: /^id = / })).toHaveText("id = 1");
      await expect(inspector.locator(".nb-insp-session .nb-insp-title").first()).toContainText(
        "in a transaction",
      );
      await inspector.getByRole("button", { name: "Previous statement" }).click();
      await expect(inspector.locator(".nb-insp-where")).toContainText("Before statement 1 of 2");
      await expect(object.locator(".nb-insp-state")).toHaveText("pending");
      await inspector.getByRole("button", { name: "Next statement" }).click();
      await inspector.getByRole("button", { name: "Next statement" }).click();
      await expect(inspector.locator(".nb-insp-where")).toHaveText("After the cell");

      // Opening and stepping sent nothing: the page's statements are the ones it had.
      expect(await statementsOnPage()).toBe(before);
      await expect(flush.output.locator(".nb-stats")).toHaveText(stats);

      // expire(): before the SELECT that loads the object again, every attribute is expired.
      const expire = lesson.cellById("expire");
      await expire.run(60_000);
      const beforeExpire = await statementsOnPage();
      await expire.root.getByRole("button", { name: /^Inspect/ }).click();
      const ei = expire.root.getByRole("region", { name: /^Inspector/ });
      await ei.getByRole("slider", { name: "Step" }).fill("1");
      await expect(ei.locator(".nb-insp-where")).toContainText("Before statement 2 of 2");
      const expired = ei.locator(".nb-insp-attrs li[data-expired]");
      await expect(expired).toHaveText([/^id expired/, /^name expired/, /^fullname expired/]);
      expect(await statementsOnPage()).toBe(beforeExpire);

      // Every panel handled many events, yet the page's User Timing holds one entry per name.
      const timing = await page.evaluate(() =>
        performance
          .getEntries()
          .filter((e) => e.name.startsWith("nb:panel:") || e.name === "nb:kernel:inspector")
          .map((e) => e.name),
      );
      expect(timing.length).toBeGreaterThan(0);
      expect(timing.length).toBe(new Set(timing).size);
    });

    test("the inspector's pool matches engine.pool.status() printed in a cell", async ({ page }) => {
      const lesson = await open(page, "fundamentals/session/", database);
      const cell = lesson.cellById("flush-rollback");
      await runCode(
        cell,
        [
          "const held = new Session(engine);",
          'held.add(new User({ name: "squidward" }));',
          "held.flush();",
          "print(engine.pool.status());",
        ].join("\n"),
      );
      const printed = (await cell.output.locator(".nb-print").innerText()).trim();
      expect(printed).toMatch(
        /^Pool size: 5 {2}Connections in pool: \d+ Current Overflow: -\d+ Current Checked out connections: 1$/,
      );
      await cell.root.getByRole("button", { name: /^Inspect/ }).click();
      const inspector = cell.root.getByRole("region", { name: /^Inspector/ });
      await expect(inspector.locator(".nb-insp-status")).toHaveText(printed);
      const slot = inspector.locator(".nb-insp-slots li[data-checked-out=true]");
      await expect(slot).toHaveCount(1);
      const holder = /checked out by (Connection #\d+)/.exec(await slot.innerText())?.[1];
      expect(holder, "the checked-out slot names its connection").toMatch(/^Connection #\d+$/);
      const connection = inspector.locator(".nb-insp-table tbody tr").filter({ hasText: holder! });
      await expect(connection).toContainText("in a transaction");
      await expect(connection.locator("td").last()).toHaveText("yes");
      await expect(inspector.locator(".nb-insp-session").filter({ hasText: "Session held" })).toContainText(
        "in a transaction",
      );
    });
  });
}

test("no lesson cell's code or log scrolls sideways at 1280×900", async ({ page }) => {
  test.setTimeout(240_000);
  const paths = await LessonPage.lessonPaths(page);
  const lesson = new LessonPage(page);
  for (const path of paths) {
    await lesson.goto(path);
    await lesson.selectDatabase("sqlite");
    const count = await lesson.cellCount();
    for (let i = 0; i < count; i++) await lesson.cell(i).run(60_000);
    await page.locator(".cm-editor").first().waitFor();
    await page.waitForFunction((n) => document.querySelectorAll(".cm-editor").length === n, count, {
      timeout: 60_000,
    });
    const overflowing = async () =>
      page.evaluate(() =>
        [
          ...document.querySelectorAll<HTMLElement>(
            "notebook-cell :is(.nb-code pre, .cm-scroller, .nb-output, .nb-output pre, .nb-stmt, .nb-raw)",
          ),
        ]
          .filter((el) => el.getClientRects().length && el.scrollWidth > el.clientWidth)
          .map(
            (el) =>
              `${el.closest("notebook-cell")?.getAttribute("data-cell-id")} ${el.className}: ${el.scrollWidth} > ${el.clientWidth}`,
          ),
      );
    expect(await overflowing(), path).toEqual([]);
    for (const toggle of await page.getByRole("button", { name: /as Python prints it/ }).all())
      await toggle.click();
    expect(await overflowing(), `${path}, raw logs`).toEqual([]);
  }
});

test("at 1280×900, in both languages, a comparison's sides stay inside it and expected output wraps", async ({
  page,
}) => {
  test.setTimeout(300_000);
  const english = await LessonPage.lessonPaths(page);
  const paths = [...english, ...english.map((p) => p.replace(/^(.*?)(fundamentals\/)/, "$1ru/$2"))];
  expect(paths.some((p) => p.includes("/ru/"))).toBe(true);
  const lesson = new LessonPage(page);
  let wrapped = 0;
  const measure = () =>
    page.evaluate(() => {
      const bad: string[] = [];
      for (const group of document.querySelectorAll("notebook-compare")) {
        const g = group.getBoundingClientRect();
        const boxes = group.querySelectorAll<HTMLElement>(
          "notebook-cell, .nb-code pre, .cm-editor, .nb-twin pre, .nb-expected pre, .nb-output",
        );
        for (const box of boxes) {
          if (!box.getClientRects().length) continue;
          const b = box.getBoundingClientRect();
          if (b.left < g.left - 0.5 || b.right > g.right + 0.5)
            bad.push(
              `${box.closest("notebook-cell")?.getAttribute("data-cell-id")} ${box.className}: ${b.right} > ${g.right}`,
            );
        }
      }
      let lines = 0;
      for (const pre of document.querySelectorAll<HTMLElement>(".nb-expected pre")) {
        if (!pre.getClientRects().length) continue;
        const where = pre.closest(".nb-expected")?.getAttribute("aria-label");
        if (pre.scrollWidth > pre.clientWidth) bad.push(`${where}: ${pre.scrollWidth} > ${pre.clientWidth}`);
        for (const code of pre.querySelectorAll(".ec-line .code")) {
          const range = document.createRange();
          range.selectNodeContents(code);
          if (new Set([...range.getClientRects()].map((r) => Math.round(r.top))).size > 1) lines++;
        }
      }
      return { bad, lines };
    });
  for (const path of paths) {
    await lesson.goto(path);
    await page.evaluate(() => document.fonts.ready);
    const before = await measure();
    expect(before.bad, `${path}, before the editors mount`).toEqual([]);
    wrapped += before.lines;
    await lesson.selectDatabase("sqlite");
    const cells = await lesson.cellCount();
    await page.waitForFunction((n) => document.querySelectorAll(".cm-editor").length === n, cells, {
      timeout: 60_000,
    });
    expect((await measure()).bad, `${path}, with the editors`).toEqual([]);
  }
  // the pages do have expected-output lines longer than their box: they wrapped
  expect(wrapped).toBeGreaterThan(0);
});

test.describe("on a phone", () => {
  test.use({ viewport: { width: 390, height: 844 } });

  test("a wrapped line continues under its indentation, the same before and after the editor mounts", async ({
    page,
  }) => {
    const lesson = new LessonPage(page);
    await lesson.goto("fundamentals/session/");
    /** Per cell, per code line that wraps: where each of its rows starts, from the cell's left edge. */
    const rows = (selector: string) =>
      page.evaluate((sel) => {
        const out: { cell: string; line: number; indent: number; starts: number[]; height: number }[] = [];
        for (const cell of document.querySelectorAll<HTMLElement>("notebook-cell")) {
          const left = cell.getBoundingClientRect().left;
          const lines = [...cell.querySelectorAll<HTMLElement>(sel)].filter((l) => l.getClientRects().length);
          lines.forEach((line, i) => {
            const range = document.createRange();
            range.selectNodeContents(line);
            const byTop = new Map<number, number>();
            for (const r of range.getClientRects()) {
              if (!r.width) continue;
              const top = Math.round(r.top);
              byTop.set(top, Math.min(byTop.get(top) ?? Number.POSITIVE_INFINITY, r.left - left));
            }
            if (byTop.size < 2) return;
            const text = line.textContent ?? "";
            out.push({
              cell: cell.dataset.cellId ?? "",
              line: i,
              indent: /^\s*/.exec(text)![0].length,
              starts: [...byTop.entries()].sort((a, b) => a[0] - b[0]).map(([, l]) => Math.round(l)),
              height: Math.round(line.getBoundingClientRect().height),
            });
          });
        }
        return out;
      }, selector);
    expect(await page.locator(".cm-editor").count()).toBe(0);
    await page.evaluate(() => document.fonts.ready);
    const staticRows = await rows(".nb-code .ec-line .code");
    const indented = staticRows.filter((r) => r.indent > 0);
    expect(indented.length, "indented lines that wrap on a phone").toBeGreaterThan(0);
    for (const r of indented) {
      // the continuation rows start `indent` characters in from the first row's start
      expect(r.starts[1]!, `${r.cell}:${r.line + 1}`).toBeGreaterThan(r.starts[0]!);
      expect(r.starts.slice(1).every((s) => s === r.starts[1])).toBe(true);
    }

    await lesson.selectDatabase("sqlite");
    const cells = await lesson.cellCount();
    await page.waitForFunction((n) => document.querySelectorAll(".cm-editor").length === n, cells, {
      timeout: 60_000,
    });
    await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
    // every cell in view once, so that CodeMirror has drawn all its lines
    await page.evaluate(async () => {
      for (const cell of document.querySelectorAll("notebook-cell")) {
        if (!cell.getClientRects().length) continue;
        cell.scrollIntoView();
        await new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve)));
      }
    });
    const editorRows = await rows(".cm-content .cm-line");
    // once the page runs, a comparison on a phone shows one side at a time (tabs): the other side's
    // cell is hidden, so only the cells still shown are compared with their static view
    const shown = new Set(
      await page.evaluate(() =>
        [...document.querySelectorAll<HTMLElement>("notebook-cell")]
          .filter((c) => c.getClientRects().length > 0)
          .map((c) => c.dataset.cellId ?? ""),
      ),
    );
    const near = (a: number[], b: number[]) =>
      a.length === b.length && a.every((x, i) => Math.abs(x - b[i]!) <= 1);
    const comparable = staticRows.filter((r) => shown.has(r.cell));
    expect(
      comparable.filter((r) => r.indent > 0).length,
      "indented wrapped lines still shown",
    ).toBeGreaterThan(0);
    const mismatched = comparable.filter((r) => {
      const e = editorRows.find((x) => x.cell === r.cell && x.line === r.line);
      return !e || !near(e.starts, r.starts) || Math.abs(e.height - r.height) > 1;
    });
    expect(
      mismatched.map(
        (r) =>
          `${r.cell}:${r.line + 1} static ${r.starts} vs ${JSON.stringify(editorRows.find((x) => x.cell === r.cell && x.line === r.line))}`,
      ),
    ).toEqual([]);
    expect(editorRows.length).toBe(comparable.length);
  });
});
