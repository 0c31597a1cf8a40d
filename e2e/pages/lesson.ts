/**
 * Page objects for lesson pages, written against accessible roles and names (see
 * site/worker/README.md, "What the end-to-end specs expect from the page").
 */
import { expect, type Locator, type Page } from "@playwright/test";

export type Database = "postgresql" | "sqlite";

/** A Run button for one cell: "Run…" / "Выполнить…" but not "Run all" / "Run both" (nor their Russian). */
export const RUN_CELL = /^(?:Run|Выполнить)(?!\s+(?:all|both|все|обе)(?!\p{L}))/iu;
/** A cell's output region, on an English or a Russian page. */
export const OUTPUT = /^(?:Output|Вывод)/;

export class Cell {
  readonly root: Locator;
  readonly page: Page;
  constructor(page: Page, root: Locator) {
    this.page = page;
    this.root = root;
  }
  get runButton(): Locator {
    return this.root.getByRole("button", { name: RUN_CELL }).first();
  }
  get output(): Locator {
    return this.root.getByRole("region", { name: OUTPUT }).first();
  }
  get editor(): Locator {
    return this.root.locator(".cm-content").first();
  }
  get error(): Locator {
    return this.output.locator('[data-kind="error"]');
  }
  async id(): Promise<string> {
    return (await this.root.getAttribute("data-cell-id")) ?? "";
  }
  /** Click Run and wait until the output is no longer busy. */
  async run(timeout = 30_000): Promise<string> {
    await this.runButton.click();
    await this.waitIdle(timeout);
    return (await this.output.allInnerTexts()).join("\n");
  }
  async waitIdle(timeout = 30_000): Promise<void> {
    await expect(this.output).not.toHaveAttribute("aria-busy", "true", { timeout });
  }
  /** Replace the cell's code by typing into the editor. */
  async setCode(code: string): Promise<void> {
    await this.editor.click();
    await this.page.keyboard.press("ControlOrMeta+a");
    await this.page.keyboard.press("Delete");
    // CodeMirror auto-indents and closes brackets as one types; insertText puts the text as is.
    await this.page.keyboard.insertText(code);
  }
  async code(): Promise<string> {
    return this.editor.evaluate((el) =>
      [...el.querySelectorAll(".cm-line")].map((l) => l.textContent ?? "").join("\n"),
    );
  }
}

export class LessonPage {
  readonly page: Page;
  constructor(page: Page) {
    this.page = page;
  }

  /** Lesson pages, in navigation order, from the site's sidebar. */
  static async lessonPaths(page: Page): Promise<string[]> {
    await page.goto("./");
    const links = page.locator('nav[aria-label="Main"] a[href], nav.sidebar a[href]');
    const hrefs = await links.evaluateAll((as) => as.map((a) => (a as HTMLAnchorElement).pathname));
    const unique = [...new Set(hrefs)];
    const withCells: string[] = [];
    for (const href of unique) {
      await page.goto(href);
      if ((await page.locator("[data-cell-id]").count()) > 0) withCells.push(href);
    }
    return withCells;
  }

  async goto(path: string): Promise<void> {
    await this.page.goto(path);
  }

  get cells(): Locator {
    return this.page.locator("[data-cell-id]");
  }

  async cellCount(): Promise<number> {
    return this.cells.count();
  }

  cell(index: number): Cell {
    return new Cell(this.page, this.cells.nth(index));
  }

  cellById(id: string): Cell {
    return new Cell(this.page, this.page.locator(`[data-cell-id="${id}"]`));
  }

  async selectDatabase(database: Database): Promise<void> {
    const radio = this.page.getByRole("radio", {
      name: database === "postgresql" ? /PostgreSQL/i : /SQLite/i,
    });
    if (!(await radio.isChecked())) await radio.check();
    await expect(radio).toBeChecked();
  }

  get compare(): Locator {
    return this.page.getByRole("group", { name: /^Core vs ORM/i });
  }
}
