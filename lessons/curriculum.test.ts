/**
 * The curriculum is complete: every lesson cell says what SQLAlchemy prints for it (an
 * expected-output fence, checked by site/notebook/expected.test.ts), and every English page has its
 * Russian version under lessons/ru/ with the same path.
 */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { mdxToMdast } from "satteri";
import { describe, expect, it } from "vitest";
import { type MdNode, parseLessonCells } from "../site/notebook/cells.ts";
import { expectedFor, expectedOutputs } from "../site/notebook/expected.ts";

const root = new URL("../", import.meta.url).pathname;
const lessonsDir = join(root, "lessons");

function lessonFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((d) =>
    d.isDirectory()
      ? lessonFiles(join(dir, d.name))
      : /\.mdx?$/.test(d.name) && !d.name.startsWith("_")
        ? [join(dir, d.name)]
        : [],
  );
}

const lessons = lessonFiles(lessonsDir).map((file) => {
  const name = relative(root, file);
  const source = readFileSync(file, "utf8");
  const tree = mdxToMdast(source, { position: true }) as unknown as MdNode;
  return { name, file, ...parseLessonCells(name, source), expected: expectedOutputs(name, tree) };
});

describe("the curriculum", () => {
  it.each(["sqlite", "postgresql"] as const)("gives every cell its expected output on %s", (database) => {
    const missing = lessons.flatMap((l) =>
      l.cells
        .filter((c) => !expectedFor(l.expected, c.id, database))
        .map((c) => `${l.name}:${c.line} cell "${c.id}"`),
    );
    expect(missing, `cells without expected output on ${database}:\n${missing.join("\n")}`).toEqual([]);
  });

  it("has a Russian version of every English page", () => {
    const missing = lessons
      .filter((l) => !l.name.startsWith("lessons/ru/"))
      .map((l) => join(lessonsDir, "ru", relative(lessonsDir, l.file)))
      .filter((f) => !existsSync(f))
      .map((f) => relative(root, f));
    expect(missing).toEqual([]);
  });
});
