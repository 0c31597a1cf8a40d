/**
 * DML as SQLAlchemy shows it (expected SQL from the 52_sql_dml_str_and_params transcripts):
 * str(insert(t)) / str(update(t)) name every column; executed with no parameters an INSERT is
 * DEFAULT VALUES; multi-row values() binds <col>_m<i> and has no cache key; compile() takes
 * Python's keyword arguments as one options object.
 */
import {
  Column,
  create_engine,
  Integer,
  insert,
  MetaData,
  String as StringType,
  select,
  Table,
  update,
} from "sqlalchemy";
import { expect, it } from "vitest";
import { captureOutput, eachDatabase } from "./support.ts";

eachDatabase("DML str() and parameters", ({ kind, url }) => {
  const out = captureOutput();
  const pg = kind === "postgresql";
  function setup() {
    const engine = create_engine(url, { echo: true });
    const m = new MetaData();
    const users = new Table(
      "user_account",
      m,
      new Column("id", Integer, { primary_key: true }),
      new Column("name", StringType(30), { server_default: "nobody" }),
      new Column("age", Integer),
    );
    m.create_all(engine);
    out.clear();
    return { engine, users };
  }

  it("insert(t) and update(t) without values name every column; executed bare it is DEFAULT VALUES", () => {
    const { engine, users } = setup();
    expect(insert(users).toString()).toBe(
      "INSERT INTO user_account (id, name, age) VALUES (:id, :name, :age)",
    );
    expect(insert(users).compile().params).toEqual({ id: null, name: null, age: null });
    expect(update(users).toString()).toBe("UPDATE user_account SET id=:id, name=:name, age=:age");
    engine.begin((conn) => conn.execute(insert(users)));
    expect(out.sql()).toContain(
      pg
        ? "INSERT INTO user_account DEFAULT VALUES RETURNING user_account.id"
        : "INSERT INTO user_account DEFAULT VALUES",
    );
  });

  it("values([...]) is one multi-row INSERT with <col>_m<i> binds, logged [no key]", () => {
    const { engine, users } = setup();
    const stmt = insert(users).values([
      { name: "sandy", age: 25 },
      { name: "patrick", age: 31 },
    ]);
    expect(stmt.toString()).toBe(
      "INSERT INTO user_account (name, age) VALUES (:name_m0, :age_m0), (:name_m1, :age_m1)",
    );
    expect(stmt.compile().params).toEqual({ name_m0: "sandy", age_m0: 25, name_m1: "patrick", age_m1: 31 });
    engine.begin((conn) => conn.execute(stmt));
    const log = out.sql();
    const i = log.findIndex((l) => l.startsWith("INSERT INTO user_account (name, age) VALUES"));
    expect(log[i + 1]).toBe(
      pg
        ? "[no key Xs] {'name_m0': 'sandy', 'age_m0': 25, 'name_m1': 'patrick', 'age_m1': 31}"
        : "[no key Xs] ('sandy', 25, 'patrick', 31)",
    );
    using conn = engine.connect();
    expect(conn.execute(select(users.c.name).order_by(users.c.id)).scalars().all()).toEqual([
      "sandy",
      "patrick",
    ]);
  });

  it("a SELECT as a value of values([...]) renders in parentheses and runs as a scalar subquery", () => {
    const { engine, users } = setup();
    const oldest = select(users.c.age).where(users.c.name.eq("sandy"));
    engine.begin((conn) => conn.execute(insert(users).values({ name: "sandy", age: 25 })));
    const stmt = insert(users).values([
      { name: "patrick", age: oldest },
      { name: "squidward", age: oldest },
    ]);
    expect(stmt.toString()).toBe(
      "INSERT INTO user_account (name, age) VALUES (:name_m0, (SELECT user_account.age \nFROM user_account \n" +
        "WHERE user_account.name = :name_1)), (:name_m1, (SELECT user_account.age \nFROM user_account \n" +
        "WHERE user_account.name = :name_1))",
    );
    engine.begin((conn) => conn.execute(stmt));
    using conn = engine.connect();
    expect(conn.execute(select(users.c.age).order_by(users.c.id)).scalars().all()).toEqual([25, 25, 25]);
  });

  it("compile({ compile_kwargs: { literal_binds: true } }) and compile({ dialect })", () => {
    const { engine, users } = setup();
    const stmt = select(users.c.name).where(users.c.id.gt(1), users.c.name.ne("x"));
    expect(stmt.compile({ compile_kwargs: { literal_binds: true } }).toString()).toBe(
      "SELECT user_account.name \nFROM user_account \nWHERE user_account.id > 1 AND user_account.name != 'x'",
    );
    expect(stmt.compile({ dialect: engine.dialect }).toString()).toBe(stmt.compile(engine).toString());
  });
});
