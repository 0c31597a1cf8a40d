/**
 * The shell around the lessons: search finds a lesson, and axe-core finds no serious or critical
 * accessibility violation on lesson pages (light and dark).
 */
import AxeBuilder from "@axe-core/playwright";
import { expect, test } from "@playwright/test";
import { LessonPage } from "./pages/lesson.ts";

test("search finds a lesson", async ({ page }) => {
  await page.goto("./");
  await page
    .getByRole("button", { name: /search/i })
    .first()
    .click();
  const box = page
    .getByRole("searchbox")
    .or(page.getByRole("textbox", { name: /search/i }))
    .first();
  await box.fill("flush");
  const result = page
    .getByRole("dialog")
    .getByRole("link", { name: /flush|session/i })
    .first();
  await expect(result).toBeVisible({ timeout: 15_000 });
  await result.click();
  await expect(page.locator("[data-cell-id]").first()).toBeVisible();
});

test("lesson pages have no serious or critical accessibility violations", async ({ page }) => {
  const paths = await LessonPage.lessonPaths(page);
  for (const scheme of ["light", "dark"] as const) {
    await page.emulateMedia({ colorScheme: scheme });
    for (const path of paths) {
      await page.goto(path);
      await page.locator("[data-cell-id]").first().waitFor();
      const results = await new AxeBuilder({ page }).analyze();
      const bad = results.violations.filter((v) => v.impact === "serious" || v.impact === "critical");
      expect(
        bad.map((v) => `${v.id} (${v.impact}): ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`),
        `${path} in ${scheme} mode`,
      ).toEqual([]);
    }
  }
});

test("lesson pages read well without JavaScript: prose and highlighted code", async ({
  browser,
  page: withJs,
}) => {
  const paths = await LessonPage.lessonPaths(withJs);
  const context = await browser.newContext({ javaScriptEnabled: false });
  const page = await context.newPage();
  for (const path of paths) {
    await page.goto(path);
    await expect(page.locator("h1").first()).toBeVisible();
    // Code highlighted at build time (shiki / Expressive Code colour spans).
    expect(await page.locator("pre span[style], .cm-content span[class]").count(), path).toBeGreaterThan(0);
    expect(await page.locator("[data-cell-id]").count(), path).toBeGreaterThan(0);
  }
  await context.close();
});
