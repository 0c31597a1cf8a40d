/**
 * The build's check that a translated page holds its English page's code and output
 * (translation.ts): prose may differ, code and expected output may not.
 */
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { originalOf, translationDifference, withoutReasons } from "./translation.ts";

const page = (prose: string, code: string, output: string) =>
  [
    "---",
    "title: x",
    "---",
    "",
    prose,
    "",
    '```ts cell id="a"',
    code,
    "```",
    "",
    "```text expected",
    output,
    "```",
    "",
  ].join("\n");

function site(en: string) {
  const dir = mkdtempSync(join(tmpdir(), "translation-"));
  mkdirSync(join(dir, "lessons/ru/part"), { recursive: true });
  mkdirSync(join(dir, "lessons/part"), { recursive: true });
  writeFileSync(join(dir, "lessons/part/p.mdx"), en);
  return { en: join(dir, "lessons/part/p.mdx"), ru: join(dir, "lessons/ru/part/p.mdx") };
}

describe("a translated page", () => {
  it("names its English original", () => {
    expect(originalOf("lessons/ru/fundamentals/engine.mdx")).toBe("lessons/fundamentals/engine.mdx");
    expect(originalOf("lessons/fundamentals/engine.mdx")).toBeUndefined();
  });

  it("may translate the prose", () => {
    const files = site(page("The engine.", "print(1)", "1"));
    expect(translationDifference(files.ru, page("Движок.", "print(1)", "1"))).toBeNull();
  });

  it("fails when its code or its expected output differs", () => {
    const files = site(page("The engine.", "print(1)", "1"));
    expect(translationDifference(files.ru, page("Движок.", "print(2)", "1"))).toMatch(
      /differs from .*lessons\/part\/p\.mdx in its cells \(item 1\)/,
    );
    expect(translationDifference(files.ru, page("Движок.", "print(1)", "2"))).toMatch(
      /in its expected \(item 1\)/,
    );
  });

  it("may translate the reasons of an exercise's checks, and nothing else of them", () => {
    const checks = (reason: string, expected: string) =>
      `check.output([${JSON.stringify(expected)}], ${JSON.stringify(reason)});\ncheck.statements(\n  { count: 1, kinds: ["SELECT"] },\n  ${JSON.stringify(`${reason}!`)},\n);`;
    expect(withoutReasons(checks("print the name", "sandy"))).toBe(
      'check.output(["sandy"], "…");\ncheck.statements(\n  { count: 1, kinds: ["SELECT"] },\n  "…",\n);',
    );
    expect(withoutReasons(checks("напечатайте имя", "sandy"))).toBe(
      withoutReasons(checks("print the name", "sandy")),
    );
    expect(withoutReasons(checks("напечатайте имя", "gary"))).not.toBe(
      withoutReasons(checks("print the name", "sandy")),
    );
    // A string that is not a check's last argument is code.
    expect(withoutReasons('print("x");\ncheck.equal(n, "x", "why");')).toBe(
      'print("x");\ncheck.equal(n, "x", "…");',
    );
  });
});
