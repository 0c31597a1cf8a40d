/**
 * Every lesson page, in English and in Russian, on both databases, run top to bottom as a learner
 * would (each cell's Run, in order): every cell shows output, and it is not an error unless the
 * lesson marks the cell as showing one (`data-expect="error"`). One test per page and database, so
 * a slow page does not take the others' time and a failure names its page.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { expect, test } from "@playwright/test";
import { type Database, LessonPage } from "./pages/lesson.ts";

const lessonsDir = new URL("../lessons/", import.meta.url).pathname;

function lessonFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((d) =>
    d.isDirectory() ? lessonFiles(join(dir, d.name)) : /\.mdx?$/.test(d.name) ? [join(dir, d.name)] : [],
  );
}

/** The site path of each lesson page with cells (`lessons/ru/a/b.mdx` → `ru/a/b/`). */
const pages = lessonFiles(lessonsDir)
  .filter((file) => /^```ts cell\b/m.test(readFileSync(file, "utf8")))
  .map((file) => `${relative(lessonsDir, file).replace(/\.mdx?$/, "")}/`)
  .sort();

test.describe.configure({ timeout: 240_000 });

test("the lesson pages are found", () => {
  expect(pages.filter((p) => p.startsWith("ru/")).length, "Russian pages").toBeGreaterThanOrEqual(1);
  expect(pages.filter((p) => !p.startsWith("ru/")).length, "English pages").toBeGreaterThanOrEqual(3);
});

for (const path of pages) {
  for (const database of ["sqlite", "postgresql"] as const satisfies readonly Database[]) {
    test(`${path} runs top to bottom on ${database}`, async ({ page }) => {
      const lesson = new LessonPage(page);
      await lesson.goto(path);
      await lesson.selectDatabase(database);
      const count = await lesson.cellCount();
      expect(count, "cells on the page").toBeGreaterThan(0);
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
    });
  }
}
