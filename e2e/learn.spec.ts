/**
 * Learning by doing, on the fixture page lessons/fixtures/exercise.mdx (hidden from the sidebar):
 * an exercise's Check with its reasons, hints one at a time, the solution diff and Apply, progress
 * kept across a reload; a hard-coded answer caught by the hidden data; Python twins and expected
 * output; share links; offline. Both databases.
 */
import { expect, type Page, test } from "@playwright/test";
import { Cell, LessonPage } from "./pages/lesson.ts";

const FIXTURE = "fixtures/exercise/";

async function open(page: Page, database: "sqlite" | "postgresql", path = FIXTURE) {
  const lesson = new LessonPage(page);
  await lesson.goto(path);
  await lesson.selectDatabase(database);
  const box = page.getByRole("group", { name: "Count the points" });
  const cell = new Cell(page, box.locator("notebook-cell"));
  return { lesson, box, cell };
}

test("expected output and Python twins are in the page before anything runs, without JavaScript", async ({
  browser,
}) => {
  const context = await browser.newContext({ javaScriptEnabled: false });
  const page = await context.newPage();
  await page.goto(FIXTURE);
  await expect(page.getByRole("region", { name: /^Expected output/ })).toContainText("ready");
  const twin = page.getByRole("region", { name: /^Python original of setup/ });
  await expect(twin).toContainText('engine = create_engine("sqlite+pysqlite:///:memory:", echo=True)');
  // The exercise's solution is not in the page's text.
  await expect(page.locator("main")).not.toContainText('SELECT count(*) FROM points")).scalar()');
  await context.close();
});

test("every cell with a twin shows it under a TS ⇄ Python switch, with a copy button", async ({ page }) => {
  await page.setViewportSize({ width: 900, height: 900 });
  await page.goto(FIXTURE);
  const cell = page.locator('notebook-cell[data-cell-id="setup"]');
  const toggle = cell.getByRole("button", { name: /^Python/ });
  await expect(toggle).toBeVisible({ timeout: 20_000 });
  const twin = cell.getByRole("region", { name: /^Python original/ });
  await expect(twin).toBeHidden();
  await toggle.click();
  await expect(twin).toBeVisible();
  await expect(twin).toContainText("with engine.begin() as conn:");
  await expect(twin.getByRole("button", { name: /copy/i })).toHaveCount(1);
  await toggle.click();
  await expect(twin).toBeHidden();
});

for (const database of ["sqlite", "postgresql"] as const) {
  test(`an exercise fails with its reason, hints, the solution diff, Apply, progress on ${database}`, async ({
    page,
  }) => {
    test.setTimeout(120_000);
    const { box, cell } = await open(page, database);
    const check = box.getByRole("button", { name: /^Check/ });
    await check.click();
    const result = box.getByRole("status", { name: /^Check .*result/ });
    await expect(result).toContainText("n is the number of rows in points: expected 2, your code has 0", {
      timeout: 60_000,
    });
    await expect(result).toContainText(
      "one SELECT count(*) is enough: expected 1 statement, your code sent 0",
    );

    const hints = box.locator("ol > li");
    await expect(hints.nth(0)).toBeHidden();
    await box.getByRole("button", { name: /^Hint 1 of 2/ }).click();
    await expect(hints.nth(0)).toBeVisible();
    await expect(hints.nth(1)).toBeHidden();
    await box.getByRole("button", { name: /^Hint 2 of 2/ }).click();
    await expect(hints.nth(1)).toBeVisible();

    await box.getByRole("button", { name: /^Solution/ }).click();
    const diff = box.getByRole("region", { name: /^Solution of count-points as a diff/ });
    await expect(diff.locator("del")).toContainText(["- const n = 0;"]);
    await expect(diff.locator("ins")).toContainText([
      '+ const n = engine.connect().execute(text("SELECT count(*) FROM points")).scalar();',
    ]);
    // Showing the solution changed nothing.
    await expect(cell.editor).toContainText("const n = 0;");
    await box.getByRole("button", { name: /^Apply the solution/ }).click();
    await expect(cell.editor).toContainText("scalar()");
    await check.click();
    await expect(result).toContainText("All checks pass.", { timeout: 60_000 });

    await page.reload();
    await expect(page.locator('notebook-cell[data-cell-id="count-points"]')).toHaveAttribute(
      "data-solved",
      "",
      {
        timeout: 20_000,
      },
    );
    // The edit (the applied solution) survived the reload too.
    await expect(page.locator('notebook-cell[data-cell-id="count-points"]')).toContainText("scalar()");
    // Completed: every exercise of the page solved.
    const progress = await page.evaluate(() => JSON.parse(localStorage.getItem("nb:progress") ?? "{}"));
    expect(progress.completed).toContain(new URL(page.url()).pathname);
  });

  test(`an answer hard-coded to the visible rows fails the hidden-data check on ${database}`, async ({
    page,
  }) => {
    test.setTimeout(120_000);
    const { box, cell } = await open(page, database);
    await cell.setCode(
      'const n = 2;\nengine.connect().execute(text("SELECT count(*) FROM points")).scalar();\nprint(n);',
    );
    await box.getByRole("button", { name: /^Check/ }).click();
    const result = box.getByRole("status", { name: /^Check .*result/ });
    await expect(result).toContainText("expected 5, your code has 2 — on a second data set", {
      timeout: 60_000,
    });
  });
}

test("on a Russian page a failed check is worded in Russian, the kernel's facts and the author's reason alike", async ({
  page,
}) => {
  test.setTimeout(120_000);
  const { box, cell } = await open(page, "sqlite", `ru/${FIXTURE}`);
  await box.getByRole("button", { name: /^Проверить/ }).click();
  const result = box.getByRole("status", { name: /result/ });
  await expect(result).toContainText("Не пройдено проверок: 2 из 2:", { timeout: 60_000 });
  await expect(result).toContainText("n — число строк в points: ожидалось 2, у вашего кода — 0");
  await expect(result).toContainText(
    "достаточно одного SELECT count(*): ожидалось запросов: 1, ваш код отправил 0; ожидалось 1 SELECT, ваш код ничего не отправил",
  );
  // The checks could not run: a name they need is not defined.
  await cell.setCode("print(1);");
  await box.getByRole("button", { name: /^Проверить/ }).click();
  await expect(result).toContainText("проверки не смогли выполниться: ReferenceError: n is not defined", {
    timeout: 60_000,
  });
  await expect(result).not.toContainText("expected");
});

test("a share link carries the edits, runs nothing and overwrites nothing without asking", async ({
  page,
  context,
  browser,
}) => {
  test.setTimeout(120_000);
  await context.grantPermissions(["clipboard-read", "clipboard-write"]);
  const { box, cell } = await open(page, "sqlite");
  await cell.setCode("const n = 41;\nprint(n + 1);");
  await page.getByRole("button", { name: /Share/ }).click();
  const status = page.locator(".nb-share-status");
  await expect(status).toHaveAttribute("data-url", /#share=/);
  const url = (await status.getAttribute("data-url"))!;

  // Another learner has their own edit of the same cell.
  const theirs = await browser.newContext();
  const other = await theirs.newPage();
  await other.goto(FIXTURE);
  const mine = new Cell(
    other,
    other.getByRole("group", { name: "Count the points" }).locator("notebook-cell"),
  );
  await mine.setCode("const n = 7;");
  await other.waitForTimeout(500);
  await other.goto("about:blank");
  await other.goto(url);
  const shared = other.getByRole("region", { name: "Shared code of count-points" });
  await expect(shared).toContainText("print(n + 1);", { timeout: 20_000 });
  await expect(other.getByRole("alert")).toContainText("Nothing has run");
  // Not run, not overwritten.
  await expect(mine.output).toBeHidden();
  await expect(other.locator('notebook-cell[data-cell-id="count-points"] [data-nb-code]')).toContainText(
    "const n = 7;",
  );
  await other.getByRole("button", { name: "Discard it" }).click();
  await expect(shared).toHaveCount(0);
  await expect(other.locator('notebook-cell[data-cell-id="count-points"] [data-nb-code]')).toContainText(
    "const n = 7;",
  );
  // Again, and keep it this time.
  await other.goto("about:blank");
  await other.goto(url);
  await other.getByRole("button", { name: "Keep the shared code" }).click();
  await expect(other.locator('notebook-cell[data-cell-id="count-points"] [data-nb-code]')).toContainText(
    "print(n + 1);",
  );
  void box;

  await other.goto("about:blank");
  await other.goto(`${FIXTURE}#share=not-a-valid-link`);
  await expect(other.getByRole("alert")).toContainText("damaged or too large");
  await theirs.close();
});

test("after the first visit, a reload with no network runs a cell on each database", async ({
  page,
  context,
}) => {
  test.setTimeout(180_000);
  await page.goto(FIXTURE);
  // The worker is registered once the database is ready and active once its precache is filled.
  await page.evaluate(async () => {
    const reg = await navigator.serviceWorker.ready;
    return reg.active?.state;
  });
  await page.reload();
  expect(await page.evaluate(() => !!navigator.serviceWorker.controller)).toBe(true);
  await context.setOffline(true);
  for (const database of ["sqlite", "postgresql"] as const) {
    await page.reload();
    const lesson = new LessonPage(page);
    await lesson.selectDatabase(database);
    const setup = new Cell(page, page.locator('notebook-cell[data-cell-id="setup"]'));
    const out = await setup.run(90_000);
    expect(out).toContain("ready");
    await expect(setup.error).toHaveCount(0);
  }
  await context.setOffline(false);
});

test("the editor completes the API from engine-wasm's types, loaded on first focus", async ({ page }) => {
  test.setTimeout(120_000);
  await page.goto(FIXTURE);
  const cell = new Cell(page, page.locator('notebook-cell[data-cell-id="setup"]'));
  await expect(cell.runButton).toBeVisible({ timeout: 20_000 });
  await page.waitForTimeout(1500);
  const loadedBefore = await page.evaluate(() => performance.getEntriesByName("nb:api-table").length);
  expect(loadedBefore).toBe(0);
  await cell.editor.click();
  await page.keyboard.press("ControlOrMeta+End");
  await page.keyboard.insertText("\nconst e2 = create_engine(settings.DATABASE_URL, { ");
  await expect
    .poll(() => page.evaluate(() => performance.getEntriesByName("nb:api-table").length), { timeout: 30_000 })
    .toBe(1);
  await page.keyboard.press("Control+Space");
  const listbox = page.getByRole("listbox");
  await expect(listbox.getByRole("option", { name: /^pool_size/ })).toBeVisible();
  await expect(listbox.getByRole("option", { name: /^max_overflow/ })).toBeVisible();
  await page.keyboard.press("Escape");
  await page.keyboard.insertText(
    '});\nimport { Session } from "sqlalchemy/orm";\nconst session = new Session(engine);\nsession.expire_',
  );
  await page.keyboard.press("Control+Space");
  await expect(page.getByRole("listbox").getByRole("option", { name: /^expire_all/ })).toBeVisible();
  // the selected option's description is SQLAlchemy's first sentence
  await expect(page.locator(".cm-completionInfo")).toHaveText(
    "Expires all persistent instances within this Session.",
  );
  const ms = await page.evaluate(() => performance.getEntriesByName("nb:api-table")[0]!.duration);
  const bytes = await page.evaluate(
    () =>
      performance
        .getEntriesByType("resource")
        .filter((r) => /api-table/.test(r.name))
        .map((r) => (r as PerformanceResourceTiming).encodedBodySize)[0] ?? 0,
  );
  test.info().annotations.push({
    type: "api-table",
    description: `${bytes} bytes over the wire, ${Math.round(ms)} ms`,
  });
  console.log(`api table: ${bytes} bytes over the wire, loaded in ${Math.round(ms)} ms`);
});

test("a TypeScript error shows as the learner types, on its line with TypeScript's message", async ({
  page,
}) => {
  test.setTimeout(120_000);
  await page.goto(FIXTURE);
  const cell = new Cell(page, page.locator('notebook-cell[data-cell-id="setup"]'));
  await expect(cell.runButton).toBeVisible({ timeout: 20_000 });
  await cell.editor.click();
  await page.keyboard.press("ControlOrMeta+End");
  await page.keyboard.insertText(
    '\nimport { Session } from "sqlalchemy/orm";\nconst s = new Session(engine);\ns.comit();',
  );
  const mark = cell.root.locator(".cm-lintRange-error");
  await expect(mark).toHaveText("comit", { timeout: 60_000 });
  const lines = (await cell.code()).split("\n");
  const line = cell.root.locator(".cm-line").nth(lines.indexOf("s.comit();"));
  await expect(line.locator(".cm-lintRange-error")).toHaveCount(1);
  await mark.hover();
  await expect(page.locator(".cm-tooltip-lint")).toContainText(
    "Property 'comit' does not exist on type 'Session'. Did you mean 'commit'?",
  );
  // fixed, the mark goes
  await page.keyboard.press("ControlOrMeta+End");
  await page.keyboard.press("Backspace");
  await page.keyboard.press("Backspace");
  await page.keyboard.press("Backspace");
  await page.keyboard.insertText("mit();");
  await expect(mark).toHaveCount(0);
  const ms = await page.evaluate(() => performance.getEntriesByName("nb:types")[0]?.duration ?? -1);
  const bytes = await page.evaluate(() =>
    performance
      .getEntriesByType("resource")
      .filter((r) => /typescript|api-types|worker/.test(r.name))
      .map((r) => `${r.name.split("/").pop()} ${(r as PerformanceResourceTiming).encodedBodySize}`),
  );
  console.log(`type data: worker ready ${Math.round(ms)} ms after it started; ${bytes.join(", ")}`);
});

for (const database of ["sqlite", "postgresql"] as const) {
  test(`no cell of a lesson shows a TypeScript diagnostic on ${database}`, async ({ page }) => {
    test.setTimeout(180_000);
    const lesson = new LessonPage(page);
    await lesson.goto("fundamentals/session/");
    await lesson.selectDatabase(database);
    const cells = page.locator("notebook-cell");
    const n = await cells.count();
    expect(n).toBeGreaterThan(5);
    for (let i = 0; i < n; i++) {
      const cell = new Cell(page, cells.nth(i));
      await cell.root.locator("[data-nb-code]").scrollIntoViewIfNeeded();
      await expect(cell.editor).toBeVisible({ timeout: 60_000 });
      await cell.editor.click();
      // checked (the worker answered for this editor's code), with nothing found
      await expect(cell.root.locator(".cm-editor").first()).toHaveAttribute("data-nb-diagnostics", "0", {
        timeout: 60_000,
      });
    }
    await expect(page.locator(".cm-lintRange-error")).toHaveCount(0);
  });
}

test("progress shows in the sidebar and on the start page, and resets", async ({ page }) => {
  await page.goto("./");
  const engine = new URL("fundamentals/engine/", page.url()).pathname;
  await page.evaluate(
    (path) => localStorage.setItem("nb:progress", JSON.stringify({ solved: {}, completed: [path] })),
    engine,
  );
  await page.reload();
  await expect(page.locator(`nav.sidebar a[href="${engine}"]`).first()).toContainText("(completed)");
  const summary = page.locator("[data-nb-progress-summary]");
  await expect(summary).toContainText(/^1 of \d+ lessons completed/);
  await summary.getByRole("button", { name: "Reset my progress" }).click();
  await expect(summary).toContainText(/^0 of \d+ lessons completed/);
  await expect(page.locator(`nav.sidebar a[href="${engine}"]`).first()).not.toContainText("(completed)");
  await page.reload();
  await expect(summary).toContainText(/^0 of \d+ lessons completed/);
});

test("when storage is unavailable the page says so once and keeps working", async ({ page }) => {
  test.setTimeout(120_000);
  await page.addInitScript(() => {
    Storage.prototype.setItem = () => {
      throw new DOMException("quota", "QuotaExceededError");
    };
  });
  const { box, cell } = await open(page, "sqlite");
  await cell.setCode(
    'const n = engine.connect().execute(text("SELECT count(*) FROM points")).scalar();\nprint(n);',
  );
  await box.getByRole("button", { name: /^Check/ }).click();
  await expect(box.getByRole("status", { name: /^Check .*result/ })).toContainText("All checks pass.", {
    timeout: 60_000,
  });
  await expect(page.getByText("Your browser does not let this page store data")).toHaveCount(1);
});
