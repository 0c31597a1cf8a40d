/**
 * What a cell leaves behind and how much it prints, in the kernel's logic (Node, SQLite): output
 * bounded and sent as it is printed, timers tagged with their cell and cancelled by a re-run or a restart, late
 * exceptions shown in their cell with the line, a top-level `return`, a stack overflow in a repr.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { AT_ONCE_PER_WINDOW, OUTPUT_LIMITS } from "./cell-output.ts";
import { loadModule } from "./modules.ts";
import type { CellSource, KernelEvent } from "./protocol.ts";
import { KernelRuntime } from "./runtime.ts";
import { loadTypeScript } from "./transpile.ts";

const events: KernelEvent[] = [];
const runtime = new KernelRuntime({ post: (e) => events.push(e), loadModule, loadTypeScript });
let runId = 0;
async function run(cells: CellSource[], targetId = cells.at(-1)!.id) {
  const id = ++runId;
  const from = events.length;
  await runtime.handle({ type: "run", runId: id, cells, targetId, options: {} });
  return events.slice(from).filter((e) => "runId" in e && e.runId === id);
}
const printed = (list: KernelEvent[], cellId?: string) =>
  list
    .filter((e) => e.type === "print" && (!cellId || e.cellId === cellId))
    .map((e) => (e.type === "print" ? e.text : ""))
    .join("");
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

beforeAll(async () => {
  await runtime.handle({ type: "start", database: "sqlite" });
}, 60_000);

describe("bounded output, sent as it is printed", () => {
  it("100,000 prints: a flood gathers into a few hundred events up to the limit, the rest held back and counted", async () => {
    const out = await run([{ id: "p", code: `for (let i = 0; i < 100_000; i++) print("line", i);` }]);
    const prints = out.filter((e) => e.type === "print");
    // the first AT_ONCE_PER_WINDOW alone, then one event per 16 ms window for the rest of it
    expect(prints.length).toBeGreaterThan(AT_ONCE_PER_WINDOW);
    expect(prints.length).toBeLessThan(OUTPUT_LIMITS.lines / 5);
    expect(printed(prints.slice(0, AT_ONCE_PER_WINDOW))).toBe(
      Array.from({ length: AT_ONCE_PER_WINDOW }, (_, i) => `line ${i}\n`).join(""),
    );
    expect(out.filter((e) => e.type === "truncated").length).toBeLessThan(20);
    const text = printed(out);
    expect(text.split("\n").length - 1).toBe(OUTPUT_LIMITS.lines);
    expect(text.startsWith("line 0\nline 1\n")).toBe(true);
    const cut = out.filter((e) => e.type === "truncated").at(-1);
    expect(cut).toMatchObject({ cellId: "p", lines: 100_000 - OUTPUT_LIMITS.lines });
    // "Show more": the next page, then what is still held back
    const from = events.length;
    await runtime.handle({ type: "more", cellId: "p" });
    const more = events.slice(from);
    expect(printed(more).startsWith(`line ${OUTPUT_LIMITS.lines}\n`)).toBe(true);
    expect(more.at(-1)).toMatchObject({ type: "truncated", lines: 100_000 - 2 * OUTPUT_LIMITS.lines });
  });

  /**
   * Run `code` as cell `id`; each `seen()` in it records what the page has received of the cell's
   * prints at that moment, from inside the same synchronous stretch of code.
   */
  async function sentWhileRunning(id: string, code: string): Promise<string[]> {
    const probe = globalThis as { sentSoFar?: () => string; seen?: string[] };
    const from = events.length;
    probe.seen = [];
    probe.sentSoFar = () => printed(events.slice(from), id);
    const prelude = "const seen = () => (globalThis as any).seen.push((globalThis as any).sentSoFar());\n";
    await run([{ id, code: prelude + code }]);
    return probe.seen;
  }

  it("a print is on its way to the page before the next statement runs (a hang after it cannot lose it)", async () => {
    expect(await sentWhileRunning("sync", `print("before");\nseen();\nprint("and after");\nseen();`)).toEqual(
      ["before\n", "before\nand after\n"],
    );
  });

  it("a cell's first prints are all on their way before the next statement, however fast they come", async () => {
    const code = `for (let i = 0; i < ${AT_ONCE_PER_WINDOW}; i++) print(i);\nseen();`;
    expect(await sentWhileRunning("fast", code)).toEqual([
      Array.from({ length: AT_ONCE_PER_WINDOW }, (_, i) => `${i}\n`).join(""),
    ]);
  });

  it("gathered prints go out before the next echo log record: the output keeps the order of the code", async () => {
    const out = await run([
      {
        id: "order",
        code: `import { create_engine, text } from "sqlalchemy";
const engine = create_engine("sqlite://", { echo: true });
using conn = engine.connect();
for (let i = 0; i < 1000; i++) print("line", i);
conn.execute(text("SELECT 1"));
print("after");`,
      },
    ]);
    const kinds = out.flatMap((e) =>
      e.type === "print" ? e.text.split("\n").filter(Boolean) : e.type === "log" ? [`log: ${e.message}`] : [],
    );
    expect(kinds.slice(0, 1001)).toEqual([
      ...Array.from({ length: 1000 }, (_, i) => `line ${i}`),
      "log: BEGIN (implicit)",
    ]);
    expect(kinds[1001]).toBe("log: SELECT 1");
    expect(kinds[1002]).toMatch(/^log: \[generated in \d\.\d{5}s\] \(\)$/);
    expect(kinds.slice(-2)).toEqual(["after", "log: ROLLBACK"]);
  });

  it("one 10 MB string is cut to the character limit", async () => {
    const out = await run([{ id: "big", code: `print("x".repeat(10 * 1024 * 1024));` }]);
    expect(printed(out).length).toBe(OUTPUT_LIMITS.chars);
    expect(out.find((e) => e.type === "truncated")).toMatchObject({
      chars: 10 * 1024 * 1024 + 1 - OUTPUT_LIMITS.chars,
    });
  });
});

describe("work a cell leaves behind", () => {
  it("a timer's output goes to its own cell, not to the cell running when it fires", async () => {
    await run([{ id: "t1", code: `setTimeout(() => print("from t1"), 30);` }]);
    const second = await run([
      { id: "t1", code: `setTimeout(() => print("from t1"), 30);` },
      { id: "t2", code: `await new Promise((r) => setTimeout(r, 80)); print("from t2");` },
    ]);
    expect(printed(second, "t2")).toBe("from t2\n");
    const late = events.filter((e) => e.type === "print" && e.cellId === "t1");
    expect(late.map((e) => (e.type === "print" ? e.text : ""))).toEqual(["from t1\n"]);
  });

  it("an exception thrown by a timer after its cell ended is shown in that cell with its line", async () => {
    const from = events.length;
    await run([
      { id: "late", code: `print("ok");\nsetTimeout(() => {\n  throw new TypeError("late");\n}, 10);` },
    ]);
    await sleep(50);
    const error = events.slice(from).find((e) => e.type === "error");
    expect(error).toMatchObject({ cellId: "late", name: "TypeError", message: "late", line: 3 });
  });

  it("an exception no one caught (the worker's error event) is shown in the cell it came from", async () => {
    await run([{ id: "rej", code: `print(1);\n(globalThis as any).lost = new RangeError("no");` }]);
    const from = events.length;
    expect(runtime.uncaught((globalThis as { lost?: unknown }).lost)).toBe(true);
    expect(events.slice(from).find((e) => e.type === "error")).toMatchObject({
      cellId: "rej",
      name: "RangeError",
      line: 2,
    });
    expect(runtime.uncaught(new Error("not from a cell"))).toBe(false);
  });

  it("re-running a cell cancels its interval; restart cancels every timer", async () => {
    const code = `let n = 0;\nsetInterval(() => print("tick", ++n), 5);`;
    await run([{ id: "iv", code }]);
    await sleep(30);
    await run([{ id: "iv", code }]);
    const rerunAt = events.length;
    await sleep(30);
    const ticks = events.slice(rerunAt).filter((e) => e.type === "print" && e.cellId === "iv");
    // only the second run's interval ticks (each from 1 again)
    expect(printed(ticks).startsWith("tick 1\n")).toBe(true);
    await runtime.handle({ type: "restart" });
    const after = events.length;
    await sleep(30);
    expect(events.slice(after).filter((e) => e.type === "print")).toEqual([]);
  });

  it("self and globalThis give the cell's own timers", async () => {
    const from = events.length;
    await run([{ id: "g", code: `globalThis.setTimeout(() => print("via globalThis"), 5);` }]);
    await sleep(30);
    expect(printed(events.slice(from), "g")).toBe("via globalThis\n");
  });
});

describe("runs", () => {
  it("a top-level return says the cell returned early", async () => {
    const out = await run([{ id: "r", code: `print("a");\nif (1 > 0) return;\nprint("b");` }]);
    expect(printed(out)).toBe("a\n");
    expect(out.find((e) => e.type === "notice")).toMatchObject({ kind: "returned-early" });
    const plain = await run([{ id: "r2", code: `print("a");` }]);
    expect(plain.some((e) => e.type === "notice")).toBe(false);
  });

  it("a stack overflow while printing a deep object is a RecursionError at the print's line", async () => {
    const out = await run([
      {
        id: "deep",
        code: `let o: any = {};\nfor (let i = 0; i < 100_000; i++) o = { o };\nprint(o);`,
      },
    ]);
    expect(out.find((e) => e.type === "error")).toMatchObject({ name: "RecursionError", line: 3 });
  });
});
