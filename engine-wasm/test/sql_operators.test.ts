/**
 * Operators as SQLAlchemy compiles them (expected SQL from the 45_sql_operators transcripts):
 * NOT IN grouped, an empty expanding IN as each dialect's empty set, `+` of strings as `||`
 * (also reflected, `col.radd("x")`), integer `+` as arithmetic.
 */
import {
  Column,
  create_engine,
  Integer,
  insert,
  literal,
  MetaData,
  String as StringType,
  select,
  Table,
} from "sqlalchemy";
import { expect, it } from "vitest";
import { captureOutput, eachDatabase } from "./support.ts";

eachDatabase("operators", ({ kind, url }) => {
  const out = captureOutput();
  const pg = kind === "postgresql";

  function setup() {
    const engine = create_engine(url, { echo: true });
    const m = new MetaData();
    const users = new Table(
      "users",
      m,
      new Column("id", Integer, { primary_key: true }),
      new Column("name", StringType(30), { nullable: false }),
      new Column("nickname", StringType(30)),
      new Column("age", Integer),
    );
    m.create_all(engine);
    engine.begin((conn) => {
      conn.execute(insert(users), [
        { name: "spongebob", nickname: "Sponge", age: 20 },
        { name: "sandy", nickname: null, age: 25 },
      ]);
    });
    out.clear();
    return { engine, users };
  }

  it("not_in() and an inverted in_() are grouped; empty lists render the dialect's empty set", () => {
    const { engine, users } = setup();
    expect(users.c.id.not_in([1, 3]).toString()).toBe("(users.id NOT IN (__[POSTCOMPILE_id_1]))");
    expect(users.c.name.in_(["sandy"]).not().toString()).toBe("(users.name NOT IN (__[POSTCOMPILE_name_1]))");
    using conn = engine.connect();
    const ids = (crit: unknown) =>
      conn.execute(select(users.c.id).where(crit).order_by(users.c.id)).scalars().all();
    expect(ids(users.c.id.not_in([1]))).toEqual([2]);
    expect(ids(users.c.id.in_([]))).toEqual([]);
    expect(ids(users.c.id.not_in([]))).toEqual([1, 2]);
    const where = out
      .sql()
      .filter((l) => l.startsWith("SELECT users.id"))
      .map((l) => l.split("\nWHERE ")[1]);
    expect(where).toEqual(
      pg
        ? [
            "(users.id NOT IN (%(id_1_1)s)) ORDER BY users.id",
            "users.id IN (NULL) AND (1 != 1) ORDER BY users.id",
            "(users.id NOT IN (NULL) OR (1 = 1)) ORDER BY users.id",
          ]
        : [
            "(users.id NOT IN (?)) ORDER BY users.id",
            "users.id IN (SELECT 1 FROM (SELECT 1) WHERE 1!=1) ORDER BY users.id",
            "(users.id NOT IN (SELECT 1 FROM (SELECT 1) WHERE 1!=1)) ORDER BY users.id",
          ],
    );
  });

  it("+ of strings is ||, also with a string or literal() on the left; + of integers is arithmetic", () => {
    const { engine, users } = setup();
    const shown = users.c.name.add(" (").add(users.c.nickname).add(")");
    expect(shown.toString()).toBe("users.name || :name_1 || users.nickname || :param_1");
    const left_str = users.c.name.radd("Mr. ");
    const left_lit = literal("Dr. ").add(users.c.name);
    expect(`${left_str} | ${left_lit}`).toBe(":name_1 || users.name | :param_1 || users.name");
    expect(users.c.age.add(1).toString()).toBe("users.age + :age_1");
    using conn = engine.connect();
    expect(
      conn
        .execute(select(shown.label("shown")).order_by(users.c.id))
        .scalars()
        .all(),
    ).toEqual(["spongebob (Sponge)", null]);
    expect([...conn.execute(select(left_str, left_lit).where(users.c.id.eq(2))).one()]).toEqual([
      "Mr. sandy",
      "Dr. sandy",
    ]);
    expect(out.sql()).toContain(
      pg
        ? "SELECT %(name_1)s || users.name AS anon_1, %(param_1)s || users.name AS anon_2 \nFROM users \nWHERE users.id = %(id_1)s"
        : "SELECT ? || users.name AS anon_1, ? || users.name AS anon_2 \nFROM users \nWHERE users.id = ?",
    );
    expect(conn.execute(select(users.c.age.add(1)).where(users.c.id.eq(1))).scalar_one()).toBe(21);
  });
});
