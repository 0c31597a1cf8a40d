/**
 * INSERT … ON CONFLICT ("upsert") with the sqlite and postgresql dialects' insert(), in Core and as
 * ORM-enabled INSERT with RETURNING, on both databases. Expected SQL and logs from SQLAlchemy 2.0.52
 * (python3 against SQLite; the PostgreSQL forms from its psycopg2 compiler).
 */
import { create_engine, insert, repr, String as StringType, select, str } from "sqlalchemy";
import { reset_database, start_database } from "sqlalchemy/databases";
import { insert as pg_insert } from "sqlalchemy/dialects/postgresql";
import { insert as sqlite_insert } from "sqlalchemy/dialects/sqlite";
import { InvalidRequestError } from "sqlalchemy/exc";
import { DeclarativeBase, mapped_column, Session } from "sqlalchemy/orm";
import { beforeAll, beforeEach, describe, expect, it } from "vitest";
import { captureOutput, eachDatabase } from "./support.ts";

class Base extends DeclarativeBase {}

class User extends Base {
  static __tablename__ = "user_account";
  @mapped_column({ primary_key: true }) accessor id!: number;
  @mapped_column(StringType(30), { unique: true }) accessor name!: string;
  @mapped_column(StringType(50), { nullable: true }) accessor fullname!: string | null;

  __repr__(): string {
    return `User(name=${repr(this.name)}, fullname=${repr(this.fullname)})`;
  }
}

const User_ = User as unknown as Record<string, any>;
const t = (User as unknown as { __table__: any }).__table__;

eachDatabase("INSERT … ON CONFLICT", ({ kind, url }) => {
  const out = captureOutput();
  const pg = kind === "postgresql";
  const dialect_insert = pg ? pg_insert : sqlite_insert;
  const p = (name: string) => (pg ? `%(${name})s` : "?");
  // a single-row Core INSERT on PostgreSQL fetches its new primary key by RETURNING
  const ret = pg ? " RETURNING user_account.id" : "";
  const setup = () => {
    const engine = create_engine(url, { echo: false });
    Base.metadata.create_all(engine);
    engine.echo = true;
    return engine;
  };

  it("DO UPDATE SET from excluded, and DO NOTHING: compiled anew each time ([no key])", () => {
    const engine = setup();
    using conn = engine.connect();
    conn.execute(insert(t), [
      { name: "a", fullname: "A" },
      { name: "b", fullname: "B" },
    ]);
    out.clear();
    for (let i = 0; i < 2; i++) {
      let s = dialect_insert(t).values({ name: "a", fullname: "A2" });
      s = s.on_conflict_do_update({ index_elements: [t.c.name], set_: { fullname: s.excluded.fullname } });
      conn.execute(s);
    }
    const nothing = dialect_insert(t)
      .values({ name: "b", fullname: "zz" })
      .on_conflict_do_nothing({ index_elements: ["name"] });
    expect(conn.execute(nothing).rowcount).toBe(0);
    let s = dialect_insert(t).values({ name: "b", fullname: "B3" });
    s = s.on_conflict_do_update({
      index_elements: [t.c.name],
      set_: { fullname: s.excluded.fullname.concat("!") },
      where: t.c.fullname.ne("nope"),
    });
    conn.execute(s);
    const upsert = `INSERT INTO user_account (name, fullname) VALUES (${p("name")}, ${p("fullname")}) ON CONFLICT (name) DO UPDATE SET fullname = excluded.fullname${ret}`;
    expect(out.sql()).toEqual([
      upsert,
      pg ? "[no key Xs] {'name': 'a', 'fullname': 'A2'}" : "[no key Xs] ('a', 'A2')",
      upsert,
      pg ? "[no key Xs] {'name': 'a', 'fullname': 'A2'}" : "[no key Xs] ('a', 'A2')",
      `INSERT INTO user_account (name, fullname) VALUES (${p("name")}, ${p("fullname")}) ON CONFLICT (name) DO NOTHING${ret}`,
      pg ? "[no key Xs] {'name': 'b', 'fullname': 'zz'}" : "[no key Xs] ('b', 'zz')",
      `INSERT INTO user_account (name, fullname) VALUES (${p("name")}, ${p("fullname")}) ON CONFLICT (name) DO UPDATE SET fullname = (excluded.fullname || ${p("fullname_1")}) WHERE user_account.fullname != ${p("fullname_2")}${ret}`,
      pg
        ? "[no key Xs] {'name': 'b', 'fullname': 'B3', 'fullname_1': '!', 'fullname_2': 'nope'}"
        : "[no key Xs] ('b', 'B3', '!', 'nope')",
    ]);
    const rows = conn.execute(select(t.c.name, t.c.fullname).order_by(t.c.id)).all();
    expect(rows.map((r: any) => [...r])).toEqual([
      ["a", "A2"],
      ["b", "B3!"],
    ]);
  });

  it("two ON CONFLICT clauses on the same INSERT do not share SQL", () => {
    const engine = setup();
    using conn = engine.connect();
    const base = dialect_insert(t).values({ name: "a", fullname: "A" });
    conn.execute(base.on_conflict_do_nothing());
    conn.execute(base.on_conflict_do_update({ index_elements: [t.c.name], set_: { fullname: "X" } }));
    expect(out.sql().filter((l) => l.startsWith("INSERT"))).toEqual([
      `INSERT INTO user_account (name, fullname) VALUES (${p("name")}, ${p("fullname")}) ON CONFLICT DO NOTHING${ret}`,
      `INSERT INTO user_account (name, fullname) VALUES (${p("name")}, ${p("fullname")}) ON CONFLICT (name) DO UPDATE SET fullname = ${p("param_1")}${ret}`,
    ]);
    expect(conn.execute(select(t.c.fullname)).scalars().all()).toEqual(["X"]);
  });

  it("executemany with RETURNING: insertmanyvalues keeps the ON CONFLICT before RETURNING", () => {
    const engine = setup();
    using conn = engine.connect();
    conn.execute(insert(t), [{ name: "a", fullname: "A" }]);
    out.clear();
    const s = dialect_insert(t).on_conflict_do_nothing().returning(t.c.name);
    const result = conn.execute(s, [
      { name: "a", fullname: "x" },
      { name: "c", fullname: "C" },
    ]);
    expect(result.scalars().all()).toEqual(["c"]);
    expect(out.sql()).toEqual(
      pg
        ? [
            "INSERT INTO user_account (name, fullname) VALUES (%(name__0)s, %(fullname__0)s), (%(name__1)s, %(fullname__1)s) ON CONFLICT DO NOTHING RETURNING user_account.name",
            "[no key Xs (insertmanyvalues) 1/1 (unordered)] {'name__0': 'a', 'fullname__0': 'x', 'name__1': 'c', 'fullname__1': 'C'}",
          ]
        : [
            "INSERT INTO user_account (name, fullname) VALUES (?, ?), (?, ?) ON CONFLICT DO NOTHING RETURNING name",
            "[no key Xs (insertmanyvalues) 1/1 (unordered)] ('a', 'x', 'c', 'C')",
          ],
    );
  });

  it("ORM-enabled upsert with RETURNING the entity and populate_existing refreshes the loaded object", () => {
    const engine = setup();
    using session = new Session(engine);
    session.execute(insert(User), [{ name: "a", fullname: "A" }]);
    const a = session.scalars(select(User)).one() as User;
    out.clear();
    let s = dialect_insert(User).values([
      { name: "a", fullname: "AA" },
      { name: "d", fullname: "D" },
    ]);
    s = s.on_conflict_do_update({ index_elements: [User_.name], set_: { fullname: s.excluded.fullname } });
    const users = session
      .scalars(s.returning(User), null, { execution_options: { populate_existing: true } })
      .all() as User[];
    expect(out.sql()).toEqual(
      pg
        ? [
            "INSERT INTO user_account (name, fullname) VALUES (%(name_m0)s, %(fullname_m0)s), (%(name_m1)s, %(fullname_m1)s) ON CONFLICT (name) DO UPDATE SET fullname = excluded.fullname RETURNING user_account.id, user_account.name, user_account.fullname",
            "[no key Xs] {'name_m0': 'a', 'fullname_m0': 'AA', 'name_m1': 'd', 'fullname_m1': 'D'}",
          ]
        : [
            "INSERT INTO user_account (name, fullname) VALUES (?, ?), (?, ?) ON CONFLICT (name) DO UPDATE SET fullname = excluded.fullname RETURNING id, name, fullname",
            "[no key Xs] ('a', 'AA', 'd', 'D')",
          ],
    );
    expect(str(users)).toBe("[User(name='a', fullname='AA'), User(name='d', fullname='D')]");
    expect(users[0]).toBe(a);
    expect(a.fullname).toBe("AA");
  });

  it("a second ON CONFLICT is refused; set_ must be a non-empty mapping", () => {
    const s = dialect_insert(t).on_conflict_do_nothing();
    expect(() => s.on_conflict_do_nothing()).toThrow(InvalidRequestError);
    expect(() => s.on_conflict_do_nothing()).toThrow(
      "This Insert construct already has an ON CONFLICT clause established",
    );
    expect(() => dialect_insert(t).on_conflict_do_update({ index_elements: ["name"], set_: {} })).toThrow(
      "set parameter dictionary must not be empty",
    );
  });
});

describe("PostgreSQL's conflict targets run", () => {
  beforeAll(async () => {
    await start_database("postgresql");
  });
  beforeEach(async () => {
    await reset_database("postgresql");
  });
  const out = captureOutput();

  it("ON CONSTRAINT <name>, a primary key constraint's columns, DO UPDATE … WHERE", () => {
    const engine = create_engine("postgresql+psycopg2://scott:tiger@localhost/test");
    Base.metadata.create_all(engine);
    engine.echo = true;
    using conn = engine.connect();
    conn.execute(insert(t), [{ name: "a", fullname: "A" }]);
    const ins = () => pg_insert(t).values({ name: "a", fullname: "A2" });
    let s = ins();
    conn.execute(
      s.on_conflict_do_update({
        constraint: "user_account_name_key",
        set_: { fullname: s.excluded.fullname },
      }),
    );
    s = pg_insert(t).values({ name: "a", fullname: "A3" });
    conn.execute(
      s.on_conflict_do_update({
        index_elements: [t.c.name],
        set_: { fullname: s.excluded.fullname.concat("!") },
        where: s.excluded.fullname.ne(t.c.fullname),
      }),
    );
    conn.execute(ins().on_conflict_do_nothing({ constraint: t.primary_key }).values({ id: 1 }));
    expect(out.sql().filter((l) => l.startsWith("INSERT"))).toEqual([
      // (one parameter set: one execution, which fetches the new primary key)
      "INSERT INTO user_account (name, fullname) VALUES (%(name)s, %(fullname)s) RETURNING user_account.id",
      "INSERT INTO user_account (name, fullname) VALUES (%(name)s, %(fullname)s) ON CONFLICT ON CONSTRAINT user_account_name_key DO UPDATE SET fullname = excluded.fullname RETURNING user_account.id",
      "INSERT INTO user_account (name, fullname) VALUES (%(name)s, %(fullname)s) ON CONFLICT (name) DO UPDATE SET fullname = (excluded.fullname || %(fullname_1)s) WHERE excluded.fullname != user_account.fullname RETURNING user_account.id",
      // (the primary key given: nothing to fetch back)
      "INSERT INTO user_account (id, name, fullname) VALUES (%(id)s, %(name)s, %(fullname)s) ON CONFLICT (id) DO NOTHING",
    ]);
    expect(conn.execute(select(t.c.fullname)).scalars().all()).toEqual(["A3!"]);
  });
});

it("str() of a dialect's insert() compiles for that dialect", () => {
  const s = sqlite_insert(t).values({ name: "a" });
  expect(
    str(s.on_conflict_do_update({ index_elements: ["name"], set_: { fullname: "x" }, where: t.c.id.lt(3) })),
  ).toBe(
    "INSERT INTO user_account (name) VALUES (?) ON CONFLICT (name) DO UPDATE SET fullname = ? WHERE user_account.id < ?",
  );
  const ps = pg_insert(t).values({ name: "a", fullname: "A" });
  expect(
    ps
      .on_conflict_do_update({
        constraint: "user_account_name_key",
        set_: { fullname: ps.excluded.fullname },
      })
      .compile().string,
  ).toBe(
    "INSERT INTO user_account (name, fullname) VALUES (%(name)s, %(fullname)s) ON CONFLICT ON CONSTRAINT user_account_name_key DO UPDATE SET fullname = excluded.fullname RETURNING user_account.id",
  );
  expect(ps.on_conflict_do_nothing({ constraint: t.primary_key }).compile().string).toBe(
    "INSERT INTO user_account (name, fullname) VALUES (%(name)s, %(fullname)s) ON CONFLICT (id) DO NOTHING RETURNING user_account.id",
  );
  expect(
    ps
      .on_conflict_do_update({
        index_elements: [t.c.name],
        index_where: t.c.id.gt(5),
        set_: { fullname: ps.excluded.fullname },
        where: ps.excluded.fullname.ne(t.c.fullname),
      })
      .compile().string,
  ).toBe(
    "INSERT INTO user_account (name, fullname) VALUES (%(name)s, %(fullname)s) ON CONFLICT (name) WHERE id > %(id_1)s DO UPDATE SET fullname = excluded.fullname WHERE excluded.fullname != user_account.fullname RETURNING user_account.id",
  );
});
