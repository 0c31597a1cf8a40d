/**
 * The live inspector's snapshots in Node, on both databases: object states through a flush, expired
 * attributes, modified attributes with their committed value, connections and the pool — and that
 * taking a snapshot changes nothing (no SQL, no load of an expired attribute, no autoflush).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadModule } from "./modules.ts";
import type { CellSource, DatabaseKind, InspectorEvent, KernelEvent } from "./protocol.ts";
import { KernelRuntime } from "./runtime.ts";
import { testKernel } from "./test-kernel.ts";
import { loadTypeScript } from "./transpile.ts";

const MODEL = `
import { create_engine, String, text } from "sqlalchemy";
import { DeclarativeBase, mapped_column, Session } from "sqlalchemy/orm";
const engine = create_engine(settings.DATABASE_URL, { echo: true });
class Base extends DeclarativeBase {}
class User extends Base {
  static __tablename__ = "user_account";
  @mapped_column({ primary_key: true }) accessor id!: number;
  @mapped_column(String(30)) accessor name!: string;
  @mapped_column(String, { nullable: true }) accessor fullname!: string | null;
  __repr__() { return "User(" + this.name + ")"; }
}
Base.metadata.drop_all(engine);
Base.metadata.create_all(engine);
`;

const FLUSH = `
const session = new Session(engine);
const sb = new User({ name: "spongebob", fullname: "Spongebob Squarepants" });
session.add(sb);
session.flush();
{
  using conn = engine.connect();
  conn.execute(text("SELECT count(*) FROM user_account")).scalar();
}
`;

const EXPIRE = `
session.commit();
const user = session.get(User, 1);
user.fullname = "Spongebob S.";
session.expire(user, ["name"]);
`;

const inspectorOf = (events: KernelEvent[]) =>
  events.find((e): e is InspectorEvent => e.type === "inspector")!;

describe.each<DatabaseKind>(["sqlite", "postgresql"])("inspector on %s", (database) => {
  const k = testKernel();
  const cells: CellSource[] = [
    { id: "model", code: MODEL },
    { id: "flush", code: FLUSH },
    { id: "expire", code: EXPIRE },
  ];

  beforeAll(async () => {
    await k.runtime.handle({ type: "start", database });
  }, 60_000);
  afterAll(() => k.runtime.handle({ type: "restart" }));

  it("steps through a flush: pending before the INSERT, persistent with its id after it", async () => {
    const events = await k.run(cells.slice(0, 2));
    const inspector = events.filter((e): e is InspectorEvent => e.type === "inspector").at(-1)!;
    expect(inspector.cellId).toBe("flush");
    const insertAt = inspector.steps.findIndex((s) => /^INSERT INTO user_account/.test(s.before ?? ""));
    expect(insertAt).toBeGreaterThanOrEqual(0);
    const before = inspector.steps[insertAt - 1] ?? inspector.steps[insertAt]!;
    const pendingObj = before.snapshot.sessions[0]!.objects.find((o) => o.className === "User");
    expect(pendingObj?.state).toBe("pending");
    expect(pendingObj?.new).toBe(true);
    const select = inspector.steps.find((s) => /^SELECT count/.test(s.before ?? ""))!;
    const session = select.snapshot.sessions.find((s) => s.name === "session")!;
    expect(session.inTransaction).toBe(true);
    const obj = session.objects[0]!;
    expect(obj.state).toBe("persistent");
    expect(obj.identityKey).toBe("(<class '__main__.User'>, (1,), None)");
    expect(obj.attributes.find((a) => a.name === "id")?.value).toBe("1");
    // the session's connection has written; the SELECT's own connection is checked out too
    expect(select.snapshot.connections.some((c) => c.wrote && c.inTransaction)).toBe(true);
    const pool = select.snapshot.engines[0]!;
    expect(pool.slots.filter((s) => s.checkedOut).length).toBe(2);
    expect(pool.status).toMatch(/Current Checked out connections: 2$/);
    expect(pool.slots.filter((s) => s.checkedOut).map((s) => s.connection)).toEqual(
      select.snapshot.connections.map((c) => c.label),
    );
  });

  it("shows expired and modified attributes without loading them, emitting no SQL", async () => {
    const events = await k.run(cells);
    const inspector = inspectorOf(events.filter((e) => "cellId" in e && e.cellId === "expire"));
    const after = inspector.steps.at(-1)!.snapshot;
    const obj = after.sessions.find((s) => s.name === "session")!.objects[0]!;
    expect(obj.expired).toEqual(["name"]);
    expect(obj.dirty).toBe(true);
    const fullname = obj.attributes.find((a) => a.name === "fullname")!;
    expect(fullname).toMatchObject({
      modified: true,
      value: "'Spongebob S.'",
      committed: "'Spongebob Squarepants'",
    });
    expect(obj.attributes.find((a) => a.name === "name")).toMatchObject({ expired: true, loaded: false });

    // Taking a snapshot again: no event (no log line, no SQL), the attribute stays expired.
    const from = k.events.length;
    const again = k.runtime.snapshot();
    expect(k.events.length).toBe(from);
    const still = again.sessions.find((s) => s.name === "session")!.objects[0]!;
    expect(still.expired).toEqual(["name"]);
    expect(still.dirty).toBe(true);
    const counted = await k.run([
      ...cells,
      {
        id: "count",
        code: 'import { inspect } from "sqlalchemy";\nprint(session.dirty.size, inspect(user).expired_attributes.has("name"))',
      },
    ]);
    expect(counted.filter((e) => e.type === "print").map((e) => (e as { text: string }).text)).toEqual([
      "1 True\n",
    ]);
  });
});

describe.each<DatabaseKind>(["sqlite", "postgresql"])("cell counts on %s", (database) => {
  const k = testKernel();
  beforeAll(() => k.runtime.handle({ type: "start", database }), 60_000);
  afterAll(() => k.runtime.handle({ type: "restart" }));

  it("counts the rows the cursors returned and the objects the ORM loaded (refreshes included)", async () => {
    const events = await k.run([
      { id: "model", code: MODEL },
      {
        id: "orm",
        code: `{
  using session = new Session(engine);
  const users = [new User({ name: "a" }), new User({ name: "b" }), new User({ name: "c" })];
  session.add_all(users);
  session.commit();
  for (const u of users) print(u.name);
}
{
  using session = new Session(engine);
  print(session.execute(text("SELECT id FROM user_account")).all().length);
}`,
      },
    ]);
    const orm = events.filter((e): e is InspectorEvent => e.type === "inspector").at(-1)!;
    // the INSERT's RETURNING of three ids, three refreshes after commit() (one row each), then the
    // three rows of the text() query; the refreshes are the objects loaded
    expect(orm.objectsLoaded).toBe(3);
    expect(orm.rowsFetched).toBe(9);
  });

  it("counts what the ORM's load and refresh events report, also between two statements' snapshots", async () => {
    const events = await k.run([
      { id: "model", code: MODEL },
      {
        id: "seed",
        code: `{
  using session = new Session(engine);
  session.execute(text("DELETE FROM user_account"));
  session.add_all([new User({ name: "a" }), new User({ name: "b" }), new User({ name: "c" })]);
  session.commit();
}`,
      },
      {
        id: "reads",
        code: `import { event, select } from "sqlalchemy";
let heard = 0;
const hear = () => { heard++; };
event.listen(User, "load", hear);
event.listen(User, "refresh", hear);
{
  using session = new Session(engine);
  const users = session.scalars(select(User)).all();
  session.scalars(select(User).where(User.id.eq(users[0].id))).all();
  session.expire(users[1]);
  users[1].name;
  session.refresh(users[2]);
}
event.remove(User, "load", hear);
event.remove(User, "refresh", hear);
print(heard);`,
      },
    ]);
    const reads = events.filter((e): e is InspectorEvent => e.type === "inspector").at(-1)!;
    // three objects made from rows; the second SELECT finds user 1 fully loaded (no event); one
    // expired object loaded again; one refresh() — as SQLAlchemy 2.0.52 fires its events
    expect(reads.cellId).toBe("reads");
    expect(reads.objectsLoaded).toBe(5);
    const printed = events.filter((e) => e.type === "print" && e.cellId === "reads");
    expect(printed.map((e) => (e as { text: string }).text).join("")).toBe("5\n");
  });
});
