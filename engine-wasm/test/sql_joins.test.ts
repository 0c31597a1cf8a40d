/**
 * Joins as SQLAlchemy compiles them (expected SQL from the 47_sql_joins_aliases transcripts):
 * .join() finds its left side among the FROMs through a foreign key and raises SQLAlchemy's
 * error when none can join; anonymous aliases are address_1, address_2; a self-join of an alias
 * without ON uses both foreign-key directions.
 */
import {
  Column,
  create_engine,
  ForeignKey,
  Integer,
  insert,
  MetaData,
  String as StringType,
  select,
  Table,
} from "sqlalchemy";
import { InvalidRequestError, NoForeignKeysError } from "sqlalchemy/exc";
import { expect, it } from "vitest";
import { eachDatabase } from "./support.ts";

eachDatabase("joins and aliases", ({ url }) => {
  function setup() {
    const engine = create_engine(url);
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
    const tags = new Table("tag", m, new Column("id", Integer, { primary_key: true }));
    const emp = new Table(
      "employee",
      m,
      new Column("id", Integer, { primary_key: true }),
      new Column("name", StringType(30)),
      new Column("manager_id", ForeignKey("employee.id")),
    );
    m.create_all(engine);
    engine.begin((conn) => {
      conn.execute(insert(users), [{ name: "spongebob" }, { name: "sandy" }]);
      conn.execute(insert(addresses), [
        { user_id: 2, email: "sandy@a.com" },
        { user_id: 2, email: "sandy@b.com" },
      ]);
    });
    return { engine, users, addresses, tags, emp };
  }

  it(".join() from the FROM that has a foreign key to the target", () => {
    const { engine, users, addresses } = setup();
    const stmt = select(addresses.c.email)
      .join(users)
      .where(users.c.name.eq("sandy"))
      .order_by(addresses.c.id);
    expect(stmt.toString()).toBe(
      "SELECT address.email \nFROM address JOIN user_account ON user_account.id = address.user_id \nWHERE user_account.name = :name_1 ORDER BY address.id",
    );
    using conn = engine.connect();
    expect(conn.execute(stmt).scalars().all()).toEqual(["sandy@a.com", "sandy@b.com"]);
  });

  it("two anonymous aliases; a join to a table nothing links to raises", () => {
    const { engine, users, addresses, tags } = setup();
    const [a1, a2] = [addresses.alias(), addresses.alias()];
    const stmt = select(users.c.name, a1.c.email, a2.c.email)
      .join_from(users, a1)
      .join_from(users, a2)
      .where(a1.c.id.lt(a2.c.id));
    expect(stmt.toString()).toBe(
      "SELECT user_account.name, address_1.email, address_2.email AS email_1 \nFROM user_account JOIN address AS address_1 ON user_account.id = address_1.user_id JOIN address AS address_2 ON user_account.id = address_2.user_id \nWHERE address_1.id < address_2.id",
    );
    using conn = engine.connect();
    expect([...conn.execute(stmt).one()]).toEqual(["sandy", "sandy@a.com", "sandy@b.com"]);
    expect(() => select(users.c.name).join_from(users, tags).compile()).toThrow(NoForeignKeysError);
    expect(() => select(users.c.name).join(tags).compile()).toThrow(InvalidRequestError);
    expect(() => select(users.c.name).join(tags).compile()).toThrow(
      /^Don't know how to join to Table\('tag', /,
    );
  });

  it("a self-join of an alias without ON uses both foreign-key directions", () => {
    const { emp } = setup();
    const mgr = emp.alias("mgr");
    expect(select(emp.c.name, mgr.c.name).join_from(emp, mgr).toString()).toBe(
      "SELECT employee.name, mgr.name AS name_1 \nFROM employee JOIN employee AS mgr ON employee.id = mgr.manager_id AND mgr.id = employee.manager_id",
    );
  });
});
