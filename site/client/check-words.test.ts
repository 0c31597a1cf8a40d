/**
 * A failed check's facts in words, on English and Russian pages: the wording a learner reads under
 * Check, with Russian plurals, and the kernel's restart notice in the page's language.
 */
import { describe, expect, it } from "vitest";
import type { Problem } from "../worker/checks.ts";
import { checkWords } from "./check-words.ts";

const en = checkWords("en");
const ru = checkWords("ru");

describe("check words", () => {
  it("say what was expected and what the code did, in English", () => {
    expect(en.problem({ kind: "value", expected: "2", got: "0" })).toBe("expected 2, your code has 0");
    expect(
      en.problem({
        kind: "statement-kinds",
        expected: [["SELECT", 1]],
        got: [
          ["SELECT", 2],
          ["INSERT", 1],
        ],
        order: ["SELECT", "INSERT", "SELECT"],
      }),
    ).toBe("expected 1 SELECT, your code sent 2 SELECT, 1 INSERT (SELECT, INSERT, SELECT)");
    expect(en.problem({ kind: "statement-count", expected: 1, got: 0 })).toBe(
      "expected 1 statement, your code sent 0",
    );
    expect(en.problem({ kind: "row-count", expected: 3, got: 1, rows: "[(1, 'a')]" })).toBe(
      "expected 3 rows, your code has 1 row: [(1, 'a')]",
    );
    expect(
      en.problem({
        kind: "printed-line",
        line: 2,
        expected: "'b'",
        got: null,
        gotLines: 1,
        expectedLines: 2,
      }),
    ).toBe("expected line 2 to be 'b'; your code printed (no line) (1 line in all, 2 expected)");
    expect(en.couldNotRun).toBe("the checks could not run");
  });

  it("say the same in Russian, with Russian plurals", () => {
    expect(ru.problem({ kind: "value", expected: "2", got: "0" })).toBe("ожидалось 2, у вашего кода — 0");
    expect(ru.problem({ kind: "statement-count", expected: 1, got: 3 })).toBe(
      "ожидалось запросов: 1, ваш код отправил 3",
    );
    expect(ru.problem({ kind: "statement-kinds", expected: [["SELECT", 1]], got: [], order: [] })).toBe(
      "ожидалось 1 SELECT, ваш код ничего не отправил",
    );
    const line = (gotLines: number): Problem => ({
      kind: "printed-line",
      line: 1,
      expected: "'4'",
      got: "'5'",
      gotLines,
      expectedLines: 1,
    });
    expect(ru.problem(line(1))).toBe(
      "строка 1 должна быть '4'; ваш код напечатал '5' (всего 1 строка, ожидалось 1)",
    );
    expect(ru.problem(line(3))).toContain("(всего 3 строки,");
    expect(ru.problem(line(11))).toContain("(всего 11 строк,");
    expect(ru.problem({ kind: "raised", expected: "IntegrityError" })).toBe(
      "ожидалось исключение IntegrityError, ваш код ничего не выбросил",
    );
    expect(ru.couldNotRun).toBe("проверки не смогли выполниться");
  });

  it("word a kernel restarted under the checks as the page's restart notice does", () => {
    const p: Problem = { kind: "kernel-restarted", reason: "timeout", seconds: 10 };
    expect(en.problem(p)).toMatch(/^The cell ran longer than 10 s/);
    expect(ru.problem(p)).toMatch(/10/);
    expect(ru.problem(p)).not.toMatch(/[a-z]{4}/i);
    expect(ru.problem({ kind: "setup-failed", cell: "setup", name: "TypeError", message: "x" })).toBe(
      "ячейка «setup», нужная упражнению, упала: TypeError: x",
    );
  });
});
