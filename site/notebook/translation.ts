/**
 * A translated page (`lessons/ru/…`) must hold its English page's cells, comparisons, exercises and
 * expected output exactly: only the prose, titles, hints and the reasons an exercise's checks give
 * (the last, string argument of each `check.*(…)` call) are translated. The build checks every
 * translated page against its English page (site/notebook/syntax.ts) and fails with the first
 * difference, so the two languages cannot drift apart.
 */
import { existsSync, readFileSync } from "node:fs";
import { mdxToMdast } from "satteri";
import ts from "typescript";
import { type LessonCells, type MdNode, parseLessonCells } from "./cells.ts";
import { type ExpectedOutput, expectedOutputs } from "./expected.ts";

/** `lessons/ru/a/b.mdx` → `lessons/a/b.mdx`; `undefined` for a page that is not a translation. */
export function originalOf(file: string): string | undefined {
  const original = file.replace(/(^|\/)lessons\/ru\//, "$1lessons/");
  return original === file ? undefined : original;
}

/**
 * An exercise's check code with the reason of each `check.*(…)` call left out: that string is what
 * the learner reads when the check fails, so it is in the page's language; the rest is code.
 */
export function withoutReasons(code: string): string {
  const file = ts.createSourceFile("check.ts", code, ts.ScriptTarget.Latest, true);
  const reasons: ts.Node[] = [];
  const visit = (node: ts.Node): void => {
    if (
      ts.isCallExpression(node) &&
      ts.isPropertyAccessExpression(node.expression) &&
      ts.isIdentifier(node.expression.expression) &&
      node.expression.expression.text === "check"
    ) {
      const last = node.arguments.at(-1);
      if (last && (ts.isStringLiteral(last) || ts.isNoSubstitutionTemplateLiteral(last))) reasons.push(last);
    }
    ts.forEachChild(node, visit);
  };
  visit(file);
  let out = code;
  for (const r of reasons.reverse()) out = `${out.slice(0, r.getStart(file))}"…"${out.slice(r.end)}`;
  return out;
}

/** What must be the same in both languages, in a form that compares with JSON. */
function executable(lesson: LessonCells, expected: readonly ExpectedOutput[]) {
  return {
    cells: lesson.cells.map((c) => ({
      id: c.id,
      kind: c.kind,
      code: c.code,
      expect: c.expect,
      side: c.side,
    })),
    comparisons: lesson.comparisons.map((c) => ({ setup: c.setup, core: c.core, orm: c.orm })),
    exercises: lesson.exercises.map((e) => ({
      id: e.id,
      setup: e.setup,
      starter: e.starter,
      solution: e.solution,
      twin: e.twin,
      check: withoutReasons(e.check),
      hidden: e.hidden,
      hints: e.hints.length,
    })),
    expected: expected.map((e) => ({
      cell: e.cellId,
      database: e.database,
      omitLog: e.omitLog,
      lines: e.lines,
    })),
  };
}

export function readExecutable(file: string, source: string) {
  const tree = mdxToMdast(source, { position: true }) as unknown as MdNode;
  return executable(parseLessonCells(file, source), expectedOutputs(file, tree));
}

/**
 * The first difference between a translated page and its English page, in words, or `null` when
 * they hold the same code and output (or the page is no translation, or its original is missing).
 */
export function translationDifference(file: string, source: string): string | null {
  const original = originalOf(file);
  if (!original || !existsSync(original)) return null;
  const ours = readExecutable(file, source);
  const theirs = readExecutable(original, readFileSync(original, "utf8"));
  for (const key of ["cells", "comparisons", "exercises", "expected"] as const) {
    const a = ours[key] as readonly unknown[];
    const b = theirs[key] as readonly unknown[];
    for (let i = 0; i < Math.max(a.length, b.length); i++) {
      const x = JSON.stringify(a[i] ?? null);
      const y = JSON.stringify(b[i] ?? null);
      if (x !== y) {
        return `differs from ${original} in its ${key} (item ${i + 1}): this page has ${x.slice(0, 200)}, the English page ${y.slice(0, 200)}`;
      }
    }
  }
  return null;
}
