/**
 * A long-running notebook: a snapshot reads what it shows, not the page's history. After 10,000
 * objects loaded and released and 200 cells that each made and closed a session and a connection
 * (every one still referenced from the cells' scope, so that no collection helps), a snapshot of
 * one open session holding two objects reads a handful of states, sessions and connections, and
 * the registry of what cells made reads the open ones only — counted, not timed.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadModule } from "./modules.ts";
import type { CellSource, InspectorEvent, KernelEvent } from "./protocol.ts";
import { KernelRuntime } from "./runtime.ts";
import { loadTypeScript } from "./transpile.ts";

const MODEL = `
import { create_engine, insert, select, String, text } from "sqlalchemy";
import { DeclarativeBase, mapped_column, Session } from "sqlalchemy/orm";
const engine = create_engine(settings.DATABASE_URL);
class Base extends DeclarativeBase {}
class Item extends Base {
  static __tablename__ = "item";
  @mapped_column({ primary_key: true }) accessor id!: number;
  @mapped_column(String(30)) accessor name!: string;
}
Base.metadata.drop_all(engine);
Base.metadata.create_all(engine);
{
  using conn = engine.connect();
  conn.execute(insert(Item), Array.from({ length: 10000 }, (_, i) => ({ id: i + 1, name: "item " + (i + 1) })));
  conn.commit();
}
`;

const LOAD = `
const loader = new Session(engine);
const loaded = loader.scalars(select(Item)).all();
loader.close();
`;

/** One cell of the history: a session that gets an object and refreshes it, a connection; both closed. */
const historyCell = (i: number) => `
const session_${i} = new Session(engine);
const item_${i} = session_${i}.get(Item, ${i + 1});
session_${i}.expire(item_${i});
item_${i}.name;
const conn_${i} = engine.connect();
conn_${i}.execute(text("SELECT 1")).all();
conn_${i}.close();
session_${i}.close();
`;

const NOW = `
const session = new Session(engine);
const two = session.scalars(select(Item).where(Item.id.in_([1, 2]))).all();
`;

describe("the inspector after a long history (sqlite)", () => {
  const events: KernelEvent[] = [];
  const runtime = new KernelRuntime({ post: (e) => events.push(e), loadModule, loadTypeScript });
  beforeAll(() => runtime.handle({ type: "start", database: "sqlite" }), 60_000);
  afterAll(() => runtime.handle({ type: "restart" }));

  it("reads only the open session's objects and the open connection", async () => {
    const cells: CellSource[] = [
      { id: "model", code: MODEL },
      { id: "load", code: LOAD },
      ...Array.from({ length: 200 }, (_, i) => ({ id: `cell-${i}`, code: historyCell(i) })),
      { id: "now", code: NOW },
    ];
    await runtime.handle({ type: "run", runId: 1, cells, targetId: "now" });
    const inspectors = events.filter((e): e is InspectorEvent => e.type === "inspector");
    expect(inspectors.at(-1)?.cellId).toBe("now");
    // every history cell ran: its refresh loaded one object
    const history = inspectors.filter((e) => e.cellId.startsWith("cell-"));
    expect(history.length).toBe(200);
    expect(history.every((e) => e.objectsLoaded === 2)).toBe(true);

    const snapshot = runtime.snapshot();
    expect(snapshot.sessions.map((s) => [s.name, s.objects.length])).toEqual([["session", 2]]);
    expect(snapshot.sessions[0]!.objects.map((o) => o.state)).toEqual(["persistent", "persistent"]);
    expect(snapshot.connections.length).toBe(1);
    // two states, one session, one connection: nothing of the history
    expect(runtime.inspector.visited).toBeLessThanOrEqual(4);
    // nor the registry's 201 closed sessions: it lists the open ones (the model's engine, the session)
    expect(runtime.registry.visited).toBeLessThanOrEqual(2);
    // the last cell's steps: a snapshot before its SELECT, one after the cell, each as small
    const now = inspectors.at(-1)!;
    expect(now.steps.length).toBe(2);
    expect(now.steps.at(-1)!.snapshot.sessions.map((s) => s.objects.length)).toEqual([2]);
    expect(now.rowsFetched).toBe(2);
    expect(now.objectsLoaded).toBe(2);
  }, 240_000);

  it("lists a session's first objects and counts the rest", async () => {
    const big = `
const big = new Session(engine);
const many = big.scalars(select(Item).where(Item.id.in_(Array.from({ length: 120 }, (_, i) => 5001 + i)))).all();
big.add(new Item({ id: 20001, name: "new" }));
`;
    await runtime.handle({ type: "run", runId: 2, cells: [{ id: "big", code: big }], targetId: "big" });
    const shown = runtime.snapshot().sessions.find((s) => s.name === "big")!;
    expect(shown.objects.length).toBe(50);
    expect(shown.moreObjects).toBe(71);
    expect(shown.objects[0]!.identityKey).toBe("(<class '__main__.Item'>, (5001,), None)");
    // the pending object is counted, after the identity map's
    expect(shown.objects.every((o) => o.state === "persistent")).toBe(true);
    // a snapshot reads the objects it lists, not the other 71: these 50, the two of the first test's
    // session, and a handful of sessions and connections
    expect(runtime.inspector.visited).toBeLessThanOrEqual(50 + 2 + 6);
  }, 60_000);
});
