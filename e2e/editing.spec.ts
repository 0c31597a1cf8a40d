/**
 * Editing cells: edit and run, the three kinds of failure (syntax, SQL, endless loop) each with a
 * clear message and a page that keeps working, edits that survive a reload, and the keyboard alone.
 */
import { expect, test } from "@playwright/test";
import { LessonPage, RUN_CELL } from "./pages/lesson.ts";

let firstLesson = "";

test.beforeAll(async ({ browser }) => {
  const page = await browser.newPage();
  firstLesson = (await LessonPage.lessonPaths(page))[0]!;
  await page.close();
});

test.beforeEach(async ({ page }) => {
  await page.goto(firstLesson);
  await page.evaluate(() => localStorage.clear());
  await page.reload();
});

test("an edited cell runs the new code", async ({ page }) => {
  const cell = new LessonPage(page).cell(0);
  await cell.setCode(`const answer: number = 6 * 7;\nprint("edited", answer, [1, "a", null, true]);`);
  expect(await cell.run()).toContain("edited 42 [1, 'a', None, True]");
});

test("a syntax error says where, marks the editor, and the page keeps working", async ({ page }) => {
  const cell = new LessonPage(page).cell(0);
  await cell.setCode(`print("ok");\nconst x = ;`);
  await cell.run();
  await expect(cell.error).toContainText("SyntaxError");
  await expect(cell.error).toContainText("2:11");
  await expect(
    cell.root.locator(".cm-lintRange-error, [aria-invalid='true'], .cm-error-line").first(),
  ).toBeVisible();
  await cell.setCode(`print("fixed")`);
  expect(await cell.run()).toContain("fixed");
});

test("a SQL error shows SQLAlchemy's exception and the page keeps working", async ({ page }) => {
  const cell = new LessonPage(page).cell(0);
  await cell.setCode(
    `import { create_engine, text } from "sqlalchemy";\nconst engine = create_engine(settings.DATABASE_URL);\nusing conn = engine.connect();\nconn.execute(text("SELECT * FROM no_such_table"));`,
  );
  await cell.run();
  await expect(cell.error).toContainText(/(ProgrammingError|OperationalError)/);
  await expect(cell.error).toContainText("no_such_table");
  await expect(cell.error).toContainText("4:");
  await cell.setCode(`print(1 + 1)`);
  expect(await cell.run()).toContain("2");
});

test("an endless loop is stopped, the kernel restarts and says so; what it printed first stays", async ({
  page,
}) => {
  test.setTimeout(90_000);
  const cell = new LessonPage(page).cell(0);
  await cell.setCode(`print("before the loop");\nwhile (true) {}`);
  await cell.runButton.click();
  await expect(cell.output).toContainText(/restarted/i, { timeout: 30_000 });
  await expect(cell.output).toContainText("before the loop");
  await cell.waitIdle();
  await cell.setCode(`print("alive")`);
  expect(await cell.run()).toContain("alive");
});

test("Stop ends a running cell sooner, and what it printed stays", async ({ page }) => {
  const cell = new LessonPage(page).cell(0);
  await cell.setCode(`print("started");\nwhile (true) {}`);
  await cell.runButton.click();
  // Stop while the loop really runs (the database may still be starting when Run is clicked)
  await expect(cell.root).toHaveAttribute("data-running", "", { timeout: 30_000 });
  await page.waitForTimeout(200);
  const started = Date.now();
  await page.getByRole("button", { name: /^Stop/ }).first().click();
  await expect(cell.output).toContainText(/restarted/i);
  expect(Date.now() - started).toBeLessThan(9_000);
  await expect(cell.output).toContainText("started");
});

test("on a Russian page a stopped cell says so in Russian", async ({ page }) => {
  await page.goto(firstLesson.replace(/^(.*?)(fundamentals\/)/, "$1ru/$2"));
  const cell = new LessonPage(page).cell(0);
  await cell.setCode(`while (true) {}`);
  await cell.runButton.click();
  await expect(cell.root).toHaveAttribute("data-running", "", { timeout: 30_000 });
  await page.waitForTimeout(200);
  await page
    .getByRole("button", { name: /^Остановить/ })
    .first()
    .click();
  await expect(cell.output).toContainText("Ячейка остановлена: ядро перезапущено");
  await expect(cell.output).not.toContainText(/restarted/i);
});

test("output is text, never markup", async ({ page }) => {
  const cell = new LessonPage(page).cell(0);
  await cell.setCode(`print("<img src=x onerror=alert(1)>")`);
  let dialogs = 0;
  page.on("dialog", (d) => {
    dialogs++;
    void d.dismiss();
  });
  expect(await cell.run()).toContain("<img src=x onerror=alert(1)>");
  await expect(cell.output.locator("img")).toHaveCount(0);
  expect(dialogs).toBe(0);
});

test("prints that arrive apart read as the lines printed, with no blank line between them", async ({
  page,
}) => {
  const cell = new LessonPage(page).cell(0);
  await cell.setCode(
    `for (let i = 0; i < 3; i++) {\n  print("line", i);\n  await new Promise((r) => setTimeout(r, 50));\n}\nprint("");\nprint("after a blank line");`,
  );
  const text = await cell.run();
  // each print its own batch on the page: the text a learner copies is still what was printed
  expect(await cell.output.locator(".nb-print-chunk").count()).toBeGreaterThan(1);
  expect(text).toContain("line 0\nline 1\nline 2\n\nafter a blank line\n");
  expect(text).not.toContain("line 0\n\n");
});

test("edits survive a reload, and Reset cell brings the original back", async ({ page }) => {
  const lesson = new LessonPage(page);
  const original = await lesson.cell(0).code();
  await lesson.cell(0).setCode(`print("kept across reloads")`);
  await page.waitForTimeout(1000); // autosave
  await page.reload();
  expect(await lesson.cell(0).code()).toBe(`print("kept across reloads")`);
  await lesson
    .cell(0)
    .root.getByRole("button", { name: /^Reset cell/i })
    .click();
  expect(await lesson.cell(0).code()).toBe(original);
});

test("a cell runs with the keyboard alone", async ({ page }) => {
  const lesson = new LessonPage(page);
  const cell = lesson.cell(0);
  // Tab from the top of the page until the first cell's editor has focus.
  await page.keyboard.press("Tab");
  for (let i = 0; i < 80; i++) {
    if (
      await cell.editor.evaluate((el) => el === document.activeElement || el.contains(document.activeElement))
    )
      break;
    await page.keyboard.press("Tab");
  }
  await expect(cell.editor).toBeFocused();
  await page.keyboard.press("ControlOrMeta+a");
  await page.keyboard.insertText(`print("from the keyboard")`);
  await page.keyboard.press("ControlOrMeta+Enter");
  await cell.waitIdle();
  await expect(cell.output).toContainText("from the keyboard");
  // The Run button is reachable and works from the keyboard too.
  await cell.runButton.focus();
  await page.keyboard.press("Enter");
  await cell.waitIdle();
  await expect(cell.output).toContainText("from the keyboard");
  expect(await cell.root.getByRole("button", { name: RUN_CELL }).count()).toBeGreaterThan(0);
});
