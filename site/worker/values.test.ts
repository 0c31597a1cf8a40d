/**
 * A Result that ends a cell shows as a table with SQLAlchemy's column names, and showing it does not
 * consume it: a later cell's `all()` still returns the rows (both databases).
 */
import { beforeAll, describe, expect, it } from "vitest";
import { loadModule } from "./modules.ts";
import type { CellSource, DatabaseKind, KernelEvent, ValueEvent } from "./protocol.ts";
import { KernelRuntime } from "./runtime.ts";
import { loadTypeScript } from "./transpile.ts";

describe.each<DatabaseKind>(["sqlite", "postgresql"])("result tables on %s", (database) => {
  const events: KernelEvent[] = [];
  const runtime = new KernelRuntime({ post: (e) => events.push(e), loadModule, loadTypeScript });
  let runId = 0;
  const cells: CellSource[] = [
    {
      id: "setup",
      code: `import { create_engine, text } from "sqlalchemy";
const engine = create_engine(settings.DATABASE_URL);
const conn = engine.connect();
conn.execute(text("CREATE TABLE IF NOT EXISTS t (id INTEGER PRIMARY KEY, name VARCHAR(20))"));
conn.execute(text("DELETE FROM t"));
for (let i = 1; i <= 60; i++) conn.execute(text("INSERT INTO t (id, name) VALUES (:i, :n)"), { i, n: "n" + i });
const q = text("SELECT id, name FROM t ORDER BY id");`,
    },
  ];
  const run = async (id: string, code: string) => {
    cells.push({ id, code });
    const r = ++runId;
    const from = events.length;
    await runtime.handle({ type: "run", runId: r, cells, targetId: id });
    return events.slice(from);
  };
  const shown = (evs: KernelEvent[]) => (evs.find((e) => e.type === "value") as ValueEvent).value;
  const printed = (evs: KernelEvent[]) =>
    evs.filter((e) => e.type === "print").map((e) => (e as { text: string }).text);

  beforeAll(() => runtime.handle({ type: "start", database }), 60_000);

  it("a Result: its keys, the first rows, the total; a later all() still has every row", async () => {
    const v = shown(await run("r", "const r = conn.execute(q);\nr"));
    expect(v).toMatchObject({ kind: "table", columns: ["id", "name"], total: 60 });
    expect(v.kind === "table" && v.rows.slice(0, 2)).toEqual([
      ["1", "'n1'"],
      ["2", "'n2'"],
    ]);
    expect(v.kind === "table" && v.rows.length).toBe(50);
    expect(
      printed(await run("r-all", "const rows = r.all();\nprint(rows.length, rows[0], rows.at(-1))")),
    ).toEqual(["60 (1, 'n1') (60, 'n60')\n"]);
  });

  it('scalars("name") is headed name; mappings() by key; both still fetchable afterwards', async () => {
    const s = shown(await run("s", 'const s = conn.execute(q).scalars("name");\ns'));
    expect(s).toMatchObject({ kind: "table", columns: ["name"], total: 60 });
    expect(s.kind === "table" && s.rows[0]).toEqual(["'n1'"]);
    expect(printed(await run("s-all", "print(s.all().length)"))).toEqual(["60\n"]);
    const m = shown(await run("m", "const m = conn.execute(q).mappings();\nm"));
    expect(m).toMatchObject({ kind: "table", columns: ["id", "name"], total: 60 });
    expect(printed(await run("m-first", "print(m.first())"))).toEqual(["{'id': 1, 'name': 'n1'}\n"]);
  });
});
