/**
 * The curriculum is complete: every lesson cell says what SQLAlchemy prints for it (an
 * expected-output fence, checked by site/notebook/expected.test.ts), and every English page has its
 * Russian version under lessons/ru/ with the same path.
 */
import { existsSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { mdxToMdast } from "satteri";
import { describe, expect, it } from "vitest";
import { type MdNode, parseLessonCells } from "../site/notebook/cells.ts";
import { expectedFor, expectedOutputs } from "../site/notebook/expected.ts";
import { lessonFiles, lessonsDir, repoRoot as root } from "../site/notebook/lesson-files.ts";

/** Pages of the curriculum (lessons/fixtures/ and lessons/ru/fixtures/ hold pages the browser tests use, not lessons). */
const lessons = lessonFiles(lessonsDir)
  .filter((file) => !/^(ru\/)?fixtures\//.test(relative(lessonsDir, file)))
  .map((file) => {
    const name = relative(root, file);
    const source = readFileSync(file, "utf8");
    const tree = mdxToMdast(source, { position: true }) as unknown as MdNode;
    return { name, file, ...parseLessonCells(name, source), expected: expectedOutputs(name, tree) };
  });

describe("the curriculum", () => {
  it.each(["sqlite", "postgresql"] as const)("gives every cell its expected output on %s", (database) => {
    const missing = lessons.flatMap((l) =>
      l.cells
        .filter((c) => c.kind !== "exercise" && !expectedFor(l.expected, c.id, database))
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
