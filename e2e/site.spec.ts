/**
 * The shell around the lessons: search finds a lesson (and speaks the page's language), and axe-core
 * finds no serious or critical accessibility violation on lesson pages (light and dark).
 */
import { readdirSync } from "node:fs";
import { fileURLToPath } from "node:url";
import AxeBuilder from "@axe-core/playwright";
import { expect, type Locator, type Page, test } from "@playwright/test";
import { LessonPage } from "./pages/lesson.ts";

/** Types "flush" into the search box and waits for a lesson among the results. */
async function searchFlush(page: Page, box: Locator): Promise<Locator> {
  await box.fill("flush");
  const result = page
    .getByRole("dialog")
    .getByRole("link", { name: /flush|session/i })
    .first();
  await expect(result).toBeVisible({ timeout: 15_000 });
  return result;
}

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
  const result = await searchFlush(page, box);
  await result.click();
  await expect(page.locator("[data-cell-id]").first()).toBeVisible();
});

test("search opens from the keyboard on a lesson page whose database is still downloading", async ({
  page,
}) => {
  // The search UI waits for the database, unless the learner asks for it: hold the database back.
  await page.route(/\.wasm(\?|$)/, () => {});
  await page.goto("fundamentals/two-styles/");
  await page.locator("[data-cell-id]").first().waitFor();
  await page.keyboard.press("Control+k");
  const box = page.getByRole("dialog").getByRole("textbox", { name: /search/i });
  await expect(box).toBeFocused();
  await searchFlush(page, box);
  await expect(page.locator("[data-nb-status]")).not.toContainText(/ready/i);
});

test("on a Russian page the search dialog speaks Russian: its count and an empty result", async ({
  page,
}) => {
  await page.goto("ru/fundamentals/engine/");
  await page.keyboard.press("Control+k");
  const dialog = page.getByRole("dialog");
  const box = dialog.getByRole("textbox", { name: /поиск/i });
  await box.fill("session");
  const message = dialog.locator(".pagefind-ui__message");
  await expect(message).toHaveText(/^Найдено по запросу «session»: \d+$/, { timeout: 15_000 });
  await box.fill("zzzqqq");
  await expect(message).toHaveText("По запросу «zzzqqq» ничего не найдено");
});

/** Every lesson page with cells, from the lessons collection on disk (`lessons/fundamentals/*.mdx`). */
const lessonDir = fileURLToPath(new URL("../lessons/fundamentals/", import.meta.url));
const lessonSlugs = readdirSync(lessonDir)
  .filter((f) => /\.mdx?$/.test(f))
  .map((f) => `fundamentals/${f.replace(/\.mdx?$/, "")}/`);
/** The Russian pages share the English pages' markup and styles: checked in one scheme. */
const russianSlugs = lessonSlugs.map((slug) => `ru/${slug}`);

for (const scheme of ["light", "dark"] as const) {
  for (const slug of scheme === "light" ? [...lessonSlugs, ...russianSlugs] : lessonSlugs) {
    test(`${slug} has no serious or critical accessibility violations in ${scheme} mode`, async ({
      page,
    }) => {
      // axe checks every highlighted token's contrast: a lesson with many cells takes a while.
      test.setTimeout(180_000);
      await page.emulateMedia({ colorScheme: scheme });
      await page.goto(slug);
      await page.locator("[data-cell-id]").first().waitFor();
      // Expressive Code makes a code block that scrolls sideways focusable once layout settles
      // (a ResizeObserver, then an idle callback): check the page a keyboard user meets.
      await page.waitForFunction(() =>
        [...document.querySelectorAll<HTMLElement>(".expressive-code pre")].every(
          (pre) => pre.scrollWidth <= pre.clientWidth || pre.hasAttribute("tabindex"),
        ),
      );
      const results = await new AxeBuilder({ page }).analyze();
      const bad = results.violations.filter((v) => v.impact === "serious" || v.impact === "critical");
      expect(
        bad.map((v) => `${v.id} (${v.impact}): ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`),
      ).toEqual([]);
    });
  }
}

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

test.describe("the kernel's own download", () => {
  // the offline service worker, once installed (by a page lessonPaths() visits), puts the databases'
  // files in the kernel's cache: the download would then never reach the network
  test.use({ serviceWorkers: "block" });

  test("PostgreSQL's download shows its progress before the first run's output", async ({ page }) => {
    // every status text the page shows, and whether the progress bar was visible then
    await page.addInitScript(() => {
      const seen: { text: string; bar: boolean }[] = [];
      (window as unknown as { __statuses: typeof seen }).__statuses = seen;
      new MutationObserver(() => {
        const status = document.querySelector("[data-nb-status]");
        const bar = document.querySelector<HTMLProgressElement>("[data-nb-progress]");
        const text = status?.textContent ?? "";
        if (text && seen.at(-1)?.text !== text) seen.push({ text, bar: !!bar && !bar.hidden });
      }).observe(document, { subtree: true, childList: true, characterData: true, attributes: true });
    });
    const paths = await LessonPage.lessonPaths(page);
    // a lesson page lessonPaths() visited may have kept the files already (the kernel's cache)
    await page.evaluate(() => caches.delete("nb-database-files"));
    // leave the last page lessonPaths() visited: its kernel may have begun its own downloads at idle,
    // and those requests (cancelled by the navigation) would be counted with the lesson's
    await page.goto("about:blank");
    const fetched: string[] = [];
    page.on("request", (r) => {
      const file = new URL(r.url()).pathname.split("/").at(-1)!;
      if (/\.(wasm|data|tar)$/.test(file)) fetched.push(file.replace(/-[\w-]{8}\./, "."));
    });
    await page.goto(paths[0]!);
    const radio = page.getByRole("radio", { name: /PostgreSQL/i });
    if (!(await radio.isChecked())) await radio.check();
    const cell = new LessonPage(page).cell(0);
    await cell.run(60_000);
    const statuses = await page.evaluate(
      () => (window as unknown as { __statuses: { text: string; bar: boolean }[] }).__statuses,
    );
    const downloads = statuses.filter((s) => /^Downloading PostgreSQL: [\d.]+ [KM]B/.test(s.text));
    expect(downloads.length, JSON.stringify(statuses)).toBeGreaterThan(1);
    expect(downloads.every((s) => s.bar)).toBe(true);
    const kilobytes = (s: string) => {
      const [, n, unit] = /: ([\d.]+) ([KM]B)/.exec(s)!;
      return Number(n) * (unit === "MB" ? 1024 : 1);
    };
    // the count goes up, past PGlite's own files (several MB), not only its data directory
    const sizes = downloads.map((s) => kilobytes(s.text));
    expect(sizes).toEqual([...sizes].sort((a, b) => a - b));
    expect(sizes.at(-1)!).toBeGreaterThan(10 * 1024);
    // each file once (PGlite's file bundle as the build strips it); initdb.wasm not at all (a start
    // from the data directory never runs initdb)
    expect(fetched.filter((f) => f.startsWith("pglite")).sort()).toEqual([
      "pglite-lessons.data",
      "pglite.wasm",
    ]);
    expect(fetched.filter((f) => f.startsWith("pgdata"))).toHaveLength(1);
    expect(fetched.filter((f) => f.startsWith("initdb"))).toEqual([]);
  });
});
