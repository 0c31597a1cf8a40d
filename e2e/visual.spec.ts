/**
 * Visual references: a lesson cell with its log, the Core vs ORM view and the inspector, at
 * 1280×900 and 390×844, light and dark, compared against the screenshots committed beside this
 * spec (`visual.spec.ts-snapshots/`) with a tolerance that absorbs font rendering — a layout
 * regression fails. Times and timestamps are masked. With the inspector open, axe-core finds no
 * serious or critical violation, and its objects read without sideways scrolling or words broken.
 *
 *   npx playwright test e2e/visual.spec.ts --update-snapshots   # after an intended change
 */
import AxeBuilder from "@axe-core/playwright";
import { expect, type Page, test } from "@playwright/test";
import { LessonPage } from "./pages/lesson.ts";

test.describe.configure({ timeout: 120_000 });

const VIEWPORTS = [
  { name: "desktop", width: 1280, height: 900 },
  { name: "phone", width: 390, height: 844 },
] as const;

const TOLERANCE = { maxDiffPixelRatio: 0.02, threshold: 0.3, animations: "disabled" } as const;

/** What changes from run to run: times, timestamps, the status line. */
const volatile = (page: Page) => [
  page.locator(".nb-log-meta"),
  page.locator(".nb-cache"),
  page.locator(".nb-stats"),
  page.locator("[data-nb-status]"),
  page.locator(".nb-compare-summary tbody tr:last-child td"),
];

async function ready(page: Page, path: string): Promise<LessonPage> {
  const lesson = new LessonPage(page);
  await lesson.goto(path);
  await lesson.selectDatabase("sqlite");
  return lesson;
}

/** The viewport, scrolled so that `target` starts just under the page's sticky bars. */
async function shoot(page: Page, target: ReturnType<Page["locator"]>, name: string): Promise<void> {
  await target.evaluate((el) => {
    el.scrollIntoView({ block: "start" });
    // What stays on top of the page as it scrolls: the notebook bar where it is sticky (wide
    // screens), Starlight's header and its "On this page" bar. A bar that scrolled away is not counted.
    const tops = ["notebook-bar", "header.header", "mobile-starlight-toc nav"].map((selector) => {
      const rect = document.querySelector(selector)?.getBoundingClientRect();
      return rect && rect.bottom > 0 && rect.top < window.innerHeight / 3 ? rect.bottom : 0;
    });
    window.scrollBy(0, -(Math.max(...tops) + 8));
  });
  await expect(page).toHaveScreenshot(name, { ...TOLERANCE, mask: volatile(page) });
}

/** Editors mounted and fonts settled: the page as a learner reads it after a run. */
async function settle(page: Page): Promise<void> {
  await page.waitForFunction(
    () =>
      document.querySelectorAll("notebook-cell").length === document.querySelectorAll(".cm-editor").length,
    null,
    { timeout: 60_000 },
  );
  await page.evaluate(() => document.fonts.ready);
  // the active line and the caret only show in a focused editor
  await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
}

for (const scheme of ["light", "dark"] as const) {
  for (const vp of VIEWPORTS) {
    test.describe(`${vp.name} ${scheme}`, () => {
      test.use({ viewport: { width: vp.width, height: vp.height }, colorScheme: scheme });

      test("a lesson cell and its log", async ({ page }) => {
        const lesson = await ready(page, "fundamentals/session/");
        const cell = lesson.cellById("flush");
        await cell.run(60_000);
        await settle(page);
        await shoot(page, cell.root, `lesson-${vp.name}-${scheme}.png`);
      });

      test("the Core vs ORM view", async ({ page }) => {
        const lesson = await ready(page, "fundamentals/core-vs-orm/");
        const view = lesson.compare.first();
        await view.getByRole("button", { name: /^Run both/ }).click();
        for (const out of await view.getByRole("region", { name: /^Output/ }).all()) {
          await expect(out).not.toHaveAttribute("aria-busy", "true", { timeout: 60_000 });
        }
        await expect(view.locator(".nb-compare-summary")).toBeVisible();
        await settle(page);
        await shoot(page, view, `compare-${vp.name}-${scheme}.png`);
      });

      test("the inspector, open (axe-clean)", async ({ page }) => {
        const lesson = await ready(page, "fundamentals/session/");
        const cell = lesson.cellById("expire");
        await cell.run(60_000);
        await cell.root.getByRole("button", { name: /^Inspect/ }).click();
        const inspector = cell.root.getByRole("region", { name: /^Inspector/ });
        await inspector.getByRole("slider", { name: "Step" }).fill("1");
        await expect(inspector.locator(".nb-insp-attrs li[data-expired]").first()).toBeVisible();
        await settle(page);
        // Read on any width: nothing scrolls sideways, no state or attribute name breaks mid-word
        // (on a phone each object is a card, its values beside their column's names).
        expect(await inspector.evaluate((el) => el.scrollWidth <= el.clientWidth)).toBe(true);
        const broken = await inspector
          .locator(".nb-insp-state, .nb-insp-attr, .nb-insp-flag")
          .evaluateAll((els) =>
            els.filter((el) => el.getClientRects().length > 1).map((el) => el.textContent),
          );
        expect(broken).toEqual([]);
        if (vp.name === "phone")
          await expect(inspector.locator(".nb-insp-table thead").first()).toHaveCSS("position", "absolute");
        await shoot(page, inspector, `inspector-${vp.name}-${scheme}.png`);
        const results = await new AxeBuilder({ page }).analyze();
        const bad = results.violations.filter((v) => v.impact === "serious" || v.impact === "critical");
        expect(
          bad.map((v) => `${v.id} (${v.impact}): ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`),
        ).toEqual([]);
      });
    });
  }
}
