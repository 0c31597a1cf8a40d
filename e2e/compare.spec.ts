/**
 * The Core vs ORM compare view: "Run both" runs each side on a fresh copy of the same starting data
 * and shows each side's output, SQL log, statement and transaction counts and time.
 */
import { expect, test } from "@playwright/test";
import { LessonPage } from "./pages/lesson.ts";

for (const database of ["sqlite", "postgresql"] as const) {
  test(`the compare view shows both sides with their counts on ${database}`, async ({ page }) => {
    test.setTimeout(120_000);
    const paths = await LessonPage.lessonPaths(page);
    const lesson = new LessonPage(page);
    let found = false;
    for (const path of paths) {
      await lesson.goto(path);
      if ((await lesson.compare.count()) === 0) continue;
      found = true;
      await lesson.selectDatabase(database);
      const view = lesson.compare.first();
      await view.getByRole("button", { name: /^Run both/i }).click();
      const outputs = view.getByRole("region", { name: /^Output/ });
      await expect(outputs).toHaveCount(2);
      for (let side = 0; side < 2; side++) {
        const out = outputs.nth(side);
        await expect(out).not.toHaveAttribute("aria-busy", "true", { timeout: 60_000 });
        await expect(out.locator('[data-kind="error"]')).toHaveCount(0);
        await expect(out).toContainText("INFO sqlalchemy.engine.Engine");
      }
      const text = (await view.allInnerTexts()).join("\n");
      expect(text.match(/\b\d+ statements?\b/g) ?? []).toHaveLength(2);
      expect(text.match(/\b\d+ transactions?\b/g) ?? []).toHaveLength(2);
      expect(text.match(/\b\d+(\.\d+)? ?ms\b/g)?.length ?? 0).toBeGreaterThanOrEqual(2);
      // Each side ran on the same fresh data: running both again gives the same counts.
      const counts = text.match(/\b\d+ (statements?|transactions?)\b/g);
      await view.getByRole("button", { name: /^Run both/i }).click();
      for (let side = 0; side < 2; side++) {
        await expect(outputs.nth(side)).not.toHaveAttribute("aria-busy", "true", { timeout: 60_000 });
      }
      expect((await view.allInnerTexts()).join("\n").match(/\b\d+ (statements?|transactions?)\b/g)).toEqual(
        counts,
      );
      break;
    }
    expect(found, "a lesson with a Core vs ORM compare view").toBe(true);
  });
}
