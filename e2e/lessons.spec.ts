/**
 * Every cell of every lesson, on both databases: it runs, its output is there, and it is not an
 * error (unless the lesson marks the cell as showing one with `data-expect="error"`).
 */
import { expect, test } from "@playwright/test";
import { LessonPage } from "./pages/lesson.ts";

test.describe.configure({ timeout: 180_000 });

for (const database of ["sqlite", "postgresql"] as const) {
  test(`every cell of every lesson runs on ${database}`, async ({ page }) => {
    const paths = await LessonPage.lessonPaths(page);
    expect(paths.length, "lessons with cells").toBeGreaterThanOrEqual(3);
    const lesson = new LessonPage(page);
    for (const path of paths) {
      await lesson.goto(path);
      await lesson.selectDatabase(database);
      const count = await lesson.cellCount();
      for (let i = 0; i < count; i++) {
        const cell = lesson.cell(i);
        const id = await cell.id();
        const expectError = (await cell.root.getAttribute("data-expect")) === "error";
        const code = await cell.code();
        const text = await cell.run(60_000);
        const where = `${path} cell ${id} on ${database}`;
        expect(text.trim(), `${where}: output`).not.toBe("");
        if (expectError) {
          await expect(cell.error, `${where}: the error it shows`).toBeVisible();
        } else {
          await expect(cell.error, `${where}: ${await cell.error.allInnerTexts()}`).toHaveCount(0);
        }
        if (/echo:\s*true/.test(code))
          expect(text, `${where}: echo log`).toContain("INFO sqlalchemy.engine.Engine");
        if (/print\(/.test(code) && !expectError) expect(text, `${where}: printed`).not.toMatch(/undefined/);
      }
    }
  });
}
