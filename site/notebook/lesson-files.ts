/**
 * The lesson files the tests read: every `.md` / `.mdx` under `lessons/` (English at the root, the
 * Russian versions under `lessons/ru/`, the browser tests' fixture pages under `lessons/fixtures/`).
 */
import { readdirSync } from "node:fs";
import { join } from "node:path";

export const repoRoot = new URL("../../", import.meta.url).pathname;
export const lessonsDir = join(repoRoot, "lessons");

/** Every lesson file below `dir`, depth first, skipping `_`-prefixed partials. */
export function lessonFiles(dir = lessonsDir): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((d) =>
    d.isDirectory()
      ? lessonFiles(join(dir, d.name))
      : /\.mdx?$/.test(d.name) && !d.name.startsWith("_")
        ? [join(dir, d.name)]
        : [],
  );
}
