/**
 * Relationship loader options on both databases (SQLAlchemy's Querying Guide, "Relationship Loading
 * Techniques", doc/build/orm/queryguide/relationships.rst): raiseload() with and without sql_only,
 * noload(), lazyload() over a mapping's eager `lazy`, the `"*"` wildcards (unbound, per entity with
 * Load(), after a path), and subqueryload() with the SELECT SQLAlchemy's SubqueryLoader builds from
 * the original statement.
 */
import { create_engine, ForeignKey, String as StringType, select } from "sqlalchemy";
import { InvalidRequestError } from "sqlalchemy/exc";
import {
  DeclarativeBase,
  defaultload,
  inspect,
  joinedload,
  Load,
  lazyload,
  mapped_column,
  noload,
  raiseload,
  relationship,
  Session,
  subqueryload,
} from "sqlalchemy/orm";
import { expect, it } from "vitest";
import { captureOutput, eachDatabase } from "./support.ts";

class Base extends DeclarativeBase {}
class User extends Base {
  static __tablename__ = "user_account";
  @mapped_column({ primary_key: true }) accessor id!: number;
  @mapped_column(StringType(30)) accessor name!: string;
  @relationship(() => Address, { back_populates: "user" }) accessor addresses!: Address[];
  @relationship(() => Order, { back_populates: "user", lazy: "selectin", order_by: "Order.id" })
  accessor orders!: Order[];
}
class Address extends Base {
  static __tablename__ = "address";
  @mapped_column({ primary_key: true }) accessor id!: number;
  @mapped_column(StringType(50)) accessor email!: string;
  @mapped_column(ForeignKey("user_account.id")) accessor user_id!: number;
  @relationship(() => User, { back_populates: "addresses" }) accessor user!: User;
}
class Order extends Base {
  static __tablename__ = "user_order";
  @mapped_column({ primary_key: true }) accessor id!: number;
  @mapped_column(ForeignKey("user_account.id")) accessor user_id!: number;
  @relationship(() => User, { back_populates: "orders" }) accessor user!: User;
}

/** A relationship mapped with lazy="subquery" (its own MetaData). */
class TreeBase extends DeclarativeBase {}
class Parent extends TreeBase {
  static __tablename__ = "parent";
  @mapped_column({ primary_key: true }) accessor id!: number;
  @mapped_column(StringType(30), { nullable: true }) accessor name!: string | null;
  @relationship(() => Child, { lazy: "subquery", order_by: "Child.id" }) accessor children!: Child[];
}
class Child extends TreeBase {
  static __tablename__ = "child";
  @mapped_column({ primary_key: true }) accessor id!: number;
  @mapped_column(ForeignKey("parent.id")) accessor parent_id!: number;
}

const U = User as unknown as Record<string, any>;
const A = Address as unknown as Record<string, any>;

eachDatabase("ORM relationship loader options", ({ kind, url }) => {
  const out = captureOutput();
  const pg = kind === "postgresql";
  const p = (name: string) => (pg ? `%(${name})s` : "?");
  const statements = () => out.sql().filter((l) => !l.startsWith("[") && !/^(BEGIN|COMMIT|ROLLBACK)/.test(l));
  const setup = () => {
    const engine = create_engine(url);
    Base.metadata.create_all(engine);
    {
      using session = new Session(engine);
      session.add_all([
        new User({
          name: "spongebob",
          addresses: [new Address({ email: "spongebob@sqlalchemy.org" })],
          orders: [new Order({})],
        }),
        new User({
          name: "sandy",
          addresses: [
            new Address({ email: "sandy@sqlalchemy.org" }),
            new Address({ email: "sandy@squirrelpower.org" }),
          ],
        }),
        new User({ name: "patrick" }),
      ]);
      session.commit();
    }
    engine.echo = true;
    out.clear();
    return engine;
  };
  const users = "SELECT user_account.id, user_account.name \nFROM user_account";
  const ordersIn = (n: number) =>
    "SELECT user_order.user_id AS user_order_user_id, user_order.id AS user_order_id \nFROM user_order \n" +
    `WHERE user_order.user_id IN (${Array.from({ length: n }, (_, i) => p(`primary_keys_${i + 1}`)).join(", ")}) ORDER BY user_order.id`;

  it("raiseload() makes reading the relationship raise; sql_only raises only where SQL would run", () => {
    using session = new Session(setup());
    const all = session.scalars(select(User).options(raiseload(U.addresses))).all() as User[];
    expect(statements()).toEqual([users, ordersIn(3)]);
    expect(() => all[0]!.addresses).toThrow(InvalidRequestError);
    expect(() => all[0]!.addresses).toThrow("'User.addresses' is not available due to lazy='raise'");
    expect(inspect(all[0]).unloaded.has("addresses")).toBe(true);
    out.clear();
    const addrs = session
      .scalars(
        select(Address)
          .options(raiseload(A.user, { sql_only: true }))
          .order_by(A.id),
      )
      .all() as Address[];
    // the users are in the identity map: no SQL, no error
    expect(addrs[0]!.user).toBe(all[0]);
    session.expunge(all[1]!);
    expect(() => addrs[1]!.user).toThrow("'Address.user' is not available due to lazy='raise_on_sql'");
    expect(statements()).toEqual([
      "SELECT address.id, address.email, address.user_id \nFROM address ORDER BY address.id",
    ]);
  });

  it("noload() leaves the relationship empty without SQL; lazyload() overrides a mapping's lazy='selectin'", () => {
    using session = new Session(setup());
    const all = session
      .scalars(select(User).options(noload(U.orders), lazyload(U.addresses)))
      .all() as User[];
    expect(statements()).toEqual([users]);
    // noload() sets the empty collection as the rows load; lazyload() leaves the attribute unloaded
    expect([...inspect(all[0]).unloaded]).toEqual(["addresses"]);
    expect(all[0]!.orders).toEqual([]);
    expect(statements()).toEqual([users]);
    session.expunge_all();
    out.clear();
    const again = session.scalars(select(User).options(lazyload(U.orders)).where(U.id.eq(1))).all() as User[];
    expect(statements()).toEqual([`${users} \nWHERE user_account.id = ${p("id_1")}`]);
    expect(again[0]!.orders).toHaveLength(1);
    expect(statements()[1]).toBe(
      "SELECT user_order.id AS user_order_id, user_order.user_id AS user_order_user_id \nFROM user_order \n" +
        `WHERE ${p("param_1")} = user_order.user_id ORDER BY user_order.id`,
    );
  });

  it("'*' wildcards: unbound for every relationship, Load(entity) for one entity, after a path for its target", () => {
    const engine = setup();
    {
      using session = new Session(engine);
      const all = session.scalars(select(User).options(lazyload("*"))).all() as User[];
      // lazyload('*') supersedes lazy='selectin'
      expect(statements()).toEqual([users]);
      expect(all[0]!.orders).toHaveLength(1);
    }
    out.clear();
    {
      using session = new Session(engine);
      const all = session
        .scalars(select(User).options(joinedload(U.addresses), raiseload("*")).where(U.id.eq(1)))
        .unique()
        .all() as User[];
      expect(statements()).toEqual([
        "SELECT user_account.id, user_account.name, address_1.id AS id_1, address_1.email, address_1.user_id \n" +
          "FROM user_account LEFT OUTER JOIN address AS address_1 ON user_account.id = address_1.user_id \n" +
          `WHERE user_account.id = ${p("id_2")}`,
      ]);
      expect(all[0]!.addresses.map((a) => a.email)).toEqual(["spongebob@sqlalchemy.org"]);
      expect(() => all[0]!.orders).toThrow("'User.orders' is not available due to lazy='raise'");
      // the unbound wildcard reaches the joined objects' relationships too
      expect(() => all[0]!.addresses[0]!.user).toThrow("'Address.user' is not available due to lazy='raise'");
    }
    out.clear();
    {
      using session = new Session(engine);
      const all = session
        .scalars(
          select(User).options(joinedload(U.addresses), new Load(User).raiseload("*")).where(U.id.eq(1)),
        )
        .unique()
        .all() as User[];
      expect(() => all[0]!.orders).toThrow("'User.orders' is not available due to lazy='raise'");
      expect(all[0]!.addresses[0]!.user).toBe(all[0]);
    }
    out.clear();
    {
      using session = new Session(engine);
      const all = session
        .scalars(select(User).options(joinedload(U.addresses).raiseload("*")).where(U.id.eq(1)))
        .unique()
        .all() as User[];
      expect(statements()[1]).toBe(ordersIn(1));
      expect(all[0]!.orders).toHaveLength(1);
      expect(() => all[0]!.addresses[0]!.user).toThrow("'Address.user' is not available due to lazy='raise'");
    }
  });

  it("defaultload().options(): the options of the entity at the end of a path, for its lazy load", () => {
    using session = new Session(setup());
    const [sb] = session
      .scalars(
        select(User)
          .options(defaultload(U.addresses).options(joinedload(A.user), raiseload("*")), lazyload(U.orders))
          .where(U.id.eq(1)),
      )
      .all() as User[];
    out.clear();
    expect(sb!.addresses).toHaveLength(1);
    expect(statements()).toEqual([
      "SELECT address.id AS address_id, address.email AS address_email, address.user_id AS address_user_id, " +
        "user_account_1.id AS user_account_1_id, user_account_1.name AS user_account_1_name \n" +
        "FROM address LEFT OUTER JOIN user_account AS user_account_1 ON user_account_1.id = address.user_id \n" +
        `WHERE ${p("param_1")} = address.user_id`,
      // the joined user's own relationships load as mapped (the "*" is for Address's): its orders
      // were never loaded, so lazy="selectin" loads them for this row
      ordersIn(1),
    ]);
    expect(sb!.addresses[0]!.user).toBe(sb);
    expect(() => sb!.addresses[0]!.user).not.toThrow();
  });

  it("subqueryload() joins the related rows to the original statement as a subquery", () => {
    const engine = setup();
    {
      using session = new Session(engine);
      const stmt = select(User)
        .options(subqueryload(U.addresses), lazyload(U.orders))
        .filter_by({ name: "sandy" });
      const all = session.scalars(stmt).all() as User[];
      expect(statements()).toEqual([
        `${users} \nWHERE user_account.name = ${p("name_1")}`,
        "SELECT address.id AS address_id, address.email AS address_email, address.user_id AS address_user_id, " +
          "anon_1.user_account_id AS anon_1_user_account_id \n" +
          `FROM (SELECT user_account.id AS user_account_id \nFROM user_account \nWHERE user_account.name = ${p("name_1")}) AS anon_1 ` +
          "JOIN address ON anon_1.user_account_id = address.user_id",
      ]);
      expect(out.sql().filter((l) => l.startsWith("["))[1]).toMatch(
        pg ? /\{'name_1': 'sandy'\}$/ : /\('sandy',\)$/,
      );
      expect(all[0]!.addresses.map((a) => a.email).sort()).toEqual([
        "sandy@sqlalchemy.org",
        "sandy@squirrelpower.org",
      ]);
      expect(statements()).toHaveLength(2);
    }
    out.clear();
    {
      // many-to-one: DISTINCT over the foreign key (not the table's primary key)
      using session = new Session(engine);
      const addrs = session
        .scalars(select(Address).options(subqueryload(A.user)).order_by(A.id))
        .all() as Address[];
      expect(statements()).toEqual([
        "SELECT address.id, address.email, address.user_id \nFROM address ORDER BY address.id",
        "SELECT user_account.id AS user_account_id, user_account.name AS user_account_name, " +
          "anon_1.address_user_id AS anon_1_address_user_id \n" +
          "FROM (SELECT DISTINCT address.user_id AS address_user_id \nFROM address) AS anon_1 " +
          "JOIN user_account ON user_account.id = anon_1.address_user_id",
        ordersIn(2),
      ]);
      expect(addrs.map((a) => a.user.name)).toEqual(["spongebob", "sandy", "sandy"]);
    }
    out.clear();
    {
      // under LIMIT the subquery keeps the statement's ORDER BY and LIMIT
      using session = new Session(engine);
      const stmt = select(User)
        .options(subqueryload(U.addresses), lazyload(U.orders))
        .order_by(U.name, U.id)
        .limit(1);
      const [first] = session.scalars(stmt).all() as User[];
      expect(first!.name).toBe("patrick");
      expect(statements()[1]).toBe(
        "SELECT address.id AS address_id, address.email AS address_email, address.user_id AS address_user_id, " +
          "anon_1.user_account_id AS anon_1_user_account_id \n" +
          "FROM (SELECT user_account.id AS user_account_id \nFROM user_account ORDER BY user_account.name, user_account.id" +
          // (PostgreSQL's limit_clause starts " \n LIMIT", SQLite's "\n LIMIT" and always has OFFSET)
          (pg ? " \n LIMIT %(param_1)s" : "\n LIMIT ? OFFSET ?") +
          ") AS anon_1 JOIN address ON anon_1.user_account_id = address.user_id",
      );
      expect(first!.addresses).toEqual([]);
    }
  });

  it('lazy="subquery" loads with the subquery of the statement and orders by the relationship\'s order_by', () => {
    const engine = create_engine(url);
    TreeBase.metadata.create_all(engine);
    {
      using session = new Session(engine);
      session.add_all([
        new Parent({ name: "p1", children: [new Child({}), new Child({})] }),
        new Parent({ name: "p2" }),
      ]);
      session.commit();
    }
    engine.echo = true;
    out.clear();
    using session = new Session(engine);
    const parents = session.scalars(select(Parent).where((Parent as any).id.in_([1, 2]))).all() as Parent[];
    expect(statements()).toEqual([
      `SELECT parent.id, parent.name \nFROM parent \nWHERE parent.id IN (${p("id_1_1")}, ${p("id_1_2")})`,
      "SELECT child.id AS child_id, child.parent_id AS child_parent_id, anon_1.parent_id AS anon_1_parent_id \n" +
        `FROM (SELECT parent.id AS parent_id \nFROM parent \nWHERE parent.id IN (${p("id_1_1")}, ${p("id_1_2")})) AS anon_1 ` +
        "JOIN child ON anon_1.parent_id = child.parent_id ORDER BY child.id",
    ]);
    expect(parents.map((x) => x.children.length)).toEqual([2, 0]);
    expect(statements()).toHaveLength(2);
  });

  it("subqueryload() chained after subqueryload() joins along the path from the original statement", () => {
    using session = new Session(setup());
    const stmt = select(User)
      .options(subqueryload(U.addresses).subqueryload(A.user), lazyload("*"))
      .where(U.id.eq(2));
    const [sandy] = session.scalars(stmt).all() as User[];
    const inner = `(SELECT user_account.id AS user_account_id \nFROM user_account \nWHERE user_account.id = ${p("id_1")}) AS anon_1`;
    expect(statements()).toEqual([
      `${users} \nWHERE user_account.id = ${p("id_1")}`,
      "SELECT address.id AS address_id, address.email AS address_email, address.user_id AS address_user_id, " +
        `anon_1.user_account_id AS anon_1_user_account_id \nFROM ${inner} ` +
        "JOIN address ON anon_1.user_account_id = address.user_id",
      "SELECT user_account.id AS user_account_id, user_account.name AS user_account_name, " +
        `address_1.user_id AS address_1_user_id \nFROM ${inner} ` +
        "JOIN address AS address_1 ON anon_1.user_account_id = address_1.user_id " +
        "JOIN user_account ON user_account.id = address_1.user_id",
    ]);
    expect(out.sql().filter((l) => l.startsWith("["))[2]).toMatch(pg ? /\{'id_1': 2\}$/ : /\(2,\)$/);
    expect(sandy!.addresses.map((a) => a.user)).toEqual([sandy, sandy]);
    expect(statements()).toHaveLength(3);
    session.expunge_all();
    out.clear();
    // below a joined eager load: the original statement (without the eager join) as the subquery
    const [again] = session
      .scalars(
        select(User).options(joinedload(U.addresses).subqueryload(A.user), lazyload("*")).where(U.id.eq(2)),
      )
      .unique()
      .all() as User[];
    expect(statements()).toEqual([
      "SELECT user_account.id, user_account.name, address_1.id AS id_1, address_1.email, address_1.user_id \n" +
        "FROM user_account LEFT OUTER JOIN address AS address_1 ON user_account.id = address_1.user_id \n" +
        `WHERE user_account.id = ${p("id_2")}`,
      "SELECT user_account.id AS user_account_id, user_account.name AS user_account_name, " +
        `address_1.user_id AS address_1_user_id \nFROM ${inner} ` +
        "JOIN address AS address_1 ON anon_1.user_account_id = address_1.user_id " +
        "JOIN user_account ON user_account.id = address_1.user_id",
    ]);
    expect(again!.addresses.map((a) => a.user)).toEqual([again, again]);
  });

  it("selectinload() chained after subqueryload() loads the next level from the subquery load's rows", () => {
    using session = new Session(setup());
    const stmt = select(User)
      .options(subqueryload(U.addresses).selectinload(A.user), lazyload("*"))
      .where(U.id.eq(2));
    const [sandy] = session.scalars(stmt).all() as User[];
    expect(statements()[1]).toContain(`WHERE user_account.id = ${p("id_1")}) AS anon_1 JOIN address`);
    expect(statements()[2]).toBe(
      "SELECT user_account.id AS user_account_id, user_account.name AS user_account_name \n" +
        `FROM user_account \nWHERE user_account.id IN (${p("primary_keys_1")})`,
    );
    expect(statements()).toHaveLength(3);
    expect(sandy!.addresses.map((a) => a.user)).toEqual([sandy, sandy]);
  });
});
