/**
 * Subqueries as SQLAlchemy compiles them (expected SQL from the 48_sql_subqueries_exists
 * transcripts): a SELECT used as a FROM labels its columns, joins to a subquery infer ON through
 * its columns' foreign keys, scalar subqueries and EXISTS auto-correlate, correlate() /
 * correlate(null) / correlate_except() control it, and a subquery left without FROM raises.
 */
import {
  Column,
  create_engine,
  exists,
  ForeignKey,
  func,
  Integer,
  insert,
  MetaData,
  String as StringType,
  select,
  Table,
} from "sqlalchemy";
import { InvalidRequestError } from "sqlalchemy/exc";
import { expect, it } from "vitest";
import { captureOutput, eachDatabase } from "./support.ts";

function tables() {
  const m = new MetaData();
  const users = new Table(
    "user_account",
    m,
    new Column("id", Integer, { primary_key: true }),
    new Column("name", StringType(30)),
  );
  const addresses = new Table(
    "address",
    m,
    new Column("id", Integer, { primary_key: true }),
    new Column("user_id", ForeignKey("user_account.id")),
    new Column("email", StringType(50)),
  );
  return { m, users, addresses };
}

eachDatabase("subqueries and correlation", ({ kind, url }) => {
  const out = captureOutput();
  const p = (n: string) => (kind === "sqlite" ? "?" : `%(${n})s`);

  function setup() {
    const engine = create_engine(url, { echo: true });
    const t = tables();
    t.m.create_all(engine);
    engine.begin((conn) => {
      conn.execute(insert(t.users), [{ name: "spongebob" }, { name: "sandy" }, { name: "patrick" }]);
      conn.execute(insert(t.addresses), [
        { user_id: 1, email: "sb@a.com" },
        { user_id: 2, email: "sandy@a.com" },
        { user_id: 2, email: "sandy@b.com" },
      ]);
    });
    out.clear();
    return { engine, ...t };
  }

  it("a scalar subquery in the columns clause leaves out the enclosing table", () => {
    const { engine, users, addresses } = setup();
    const n = select(func.count(addresses.c.id)).where(addresses.c.user_id.eq(users.c.id)).scalar_subquery();
    const stmt = select(users.c.name, n.label("n")).order_by(users.c.id);
    const sql =
      "SELECT user_account.name, (SELECT count(address.id) AS count_1 \nFROM address \nWHERE address.user_id = user_account.id) AS n \nFROM user_account ORDER BY user_account.id";
    expect(stmt.toString()).toBe(sql);
    using conn = engine.connect();
    expect(
      conn
        .execute(stmt)
        .all()
        .map((r) => [...r]),
    ).toEqual([
      ["spongebob", 1],
      ["sandy", 2],
      ["patrick", 0],
    ]);
    expect(out.sql()).toContain(sql);
  });

  it("EXISTS correlates; NOT EXISTS of select().exists() too; the same statement again is cached", () => {
    const { engine, users, addresses } = setup();
    const stmt = select(users.c.name)
      .where(exists().where(addresses.c.user_id.eq(users.c.id)))
      .order_by(users.c.id);
    const sql =
      "SELECT user_account.name \nFROM user_account \nWHERE EXISTS (SELECT * \nFROM address \nWHERE address.user_id = user_account.id) ORDER BY user_account.id";
    expect(stmt.compile(engine).toString()).toBe(sql);
    const not = select(users.c.name).where(
      select(addresses.c.id).where(addresses.c.user_id.eq(users.c.id)).exists().not(),
    );
    using conn = engine.connect();
    expect(conn.execute(stmt).scalars().all()).toEqual(["spongebob", "sandy"]);
    expect(conn.execute(not).scalars().all()).toEqual(["patrick"]);
    const again = select(users.c.name)
      .where(exists().where(addresses.c.user_id.eq(users.c.id)))
      .order_by(users.c.id);
    expect(conn.execute(again).scalars().all()).toEqual(["spongebob", "sandy"]);
    const log = out.sql();
    expect(log[log.indexOf(sql) + 1]).toMatch(/^\[generated in Xs\]/);
    expect(log[log.lastIndexOf(sql) + 1]).toMatch(/^\[cached since Xs ago\]/);
    expect(log).toContain(
      "SELECT user_account.name \nFROM user_account \nWHERE NOT (EXISTS (SELECT address.id \nFROM address \nWHERE address.user_id = user_account.id))",
    );
  });

  it("a subquery of one FROM keeps it; correlate(null) keeps all; correlate(t) leaves t out", () => {
    const { users, addresses } = setup();
    const inner = select(users.c.id).where(users.c.name.eq("sandy")).scalar_subquery();
    expect(select(users.c.name).where(users.c.id.eq(inner)).toString()).toBe(
      "SELECT user_account.name \nFROM user_account \nWHERE user_account.id = (SELECT user_account.id \nFROM user_account \nWHERE user_account.name = :name_1)",
    );
    const all = select(func.count(addresses.c.id))
      .where(addresses.c.user_id.eq(users.c.id))
      .correlate(null)
      .scalar_subquery();
    expect(select(users.c.name, all.label("all_pairs")).toString()).toBe(
      "SELECT user_account.name, (SELECT count(address.id) AS count_1 \nFROM address, user_account \nWHERE address.user_id = user_account.id) AS all_pairs \nFROM user_account",
    );
    const explicit = select(func.max(addresses.c.email))
      .where(addresses.c.user_id.eq(users.c.id))
      .correlate(users)
      .scalar_subquery();
    expect(select(users.c.name, explicit.label("e")).toString()).toBe(
      "SELECT user_account.name, (SELECT max(address.email) AS max_1 \nFROM address \nWHERE address.user_id = user_account.id) AS e \nFROM user_account",
    );
    const except = select(func.count(addresses.c.id))
      .where(addresses.c.user_id.eq(users.c.id))
      .correlate_except(addresses)
      .scalar_subquery();
    expect(select(users.c.name, except.label("n")).toString()).toBe(
      "SELECT user_account.name, (SELECT count(address.id) AS count_1 \nFROM address \nWHERE address.user_id = user_account.id) AS n \nFROM user_account",
    );
  });

  it("a subquery whose every FROM the enclosing SELECT has raises InvalidRequestError", () => {
    const { users, addresses } = setup();
    const inner = select(addresses.c.id).where(addresses.c.user_id.eq(users.c.id)).scalar_subquery();
    const stmt = select(users.c.name, addresses.c.email)
      .join_from(users, addresses)
      .where(addresses.c.id.eq(inner));
    expect(() => stmt.compile()).toThrow(InvalidRequestError);
    expect(() => stmt.compile()).toThrow(
      /^Select statement '<sqlalchemy\.sql\.selectable\.Select object at 0x[0-9a-f]+>' returned no FROM clauses due to auto-correlation; specify correlate\(<tables>\) to control correlation manually\.$/,
    );
  });

  it("a subquery as FROM labels its columns; a join to it infers ON through its foreign key column", () => {
    const { engine, users, addresses } = setup();
    const counts = select(addresses.c.user_id, func.count(addresses.c.id).label("address_count"))
      .group_by(addresses.c.user_id)
      .subquery();
    expect(counts.c.keys()).toEqual(["user_id", "address_count"]);
    const stmt = select(users.c.name, counts.c.address_count).join_from(users, counts).order_by(users.c.id);
    const sql =
      "SELECT user_account.name, anon_1.address_count \nFROM user_account JOIN (SELECT address.user_id AS user_id, count(address.id) AS address_count \nFROM address GROUP BY address.user_id) AS anon_1 ON user_account.id = anon_1.user_id ORDER BY user_account.id";
    expect(stmt.compile(engine).toString()).toBe(sql);
    using conn = engine.connect();
    expect(
      conn
        .execute(stmt)
        .all()
        .map((r) => [...r]),
    ).toEqual([
      ["spongebob", 1],
      ["sandy", 2],
    ]);
    const named = select(addresses.c.user_id, addresses.c.email)
      .where(addresses.c.email.like("%a.com"))
      .subquery("a_com");
    expect(select(users.c.name, named.c.email).outerjoin(named).compile(engine).toString()).toBe(
      `SELECT user_account.name, a_com.email \nFROM user_account LEFT OUTER JOIN (SELECT address.user_id AS user_id, address.email AS email \nFROM address \nWHERE address.email LIKE ${p("email_1")}) AS a_com ON user_account.id = a_com.user_id`,
    );
  });
});
