/**
 * ORM loading on both databases: selectinload with parents already in the identity map (and
 * populate_existing), joinedload / contains_eager, aliased() entities and ORM joins, many-to-many
 * through a secondary table. Each test checks the exact SQL.
 */
import { create_engine, ForeignKey, insert, String as StringType, select } from "sqlalchemy";
import { DeclarativeBase, mapped_column, relationship, Session, selectinload } from "sqlalchemy/orm";
import { expect, it } from "vitest";
import { captureOutput, eachDatabase } from "./support.ts";

class Base extends DeclarativeBase {}

class User extends Base {
  static __tablename__ = "user_account";
  @mapped_column({ primary_key: true }) accessor id!: number;
  @mapped_column(StringType(30)) accessor name!: string;
  @relationship(() => Address, { back_populates: "user", order_by: "Address.id" })
  accessor addresses!: Address[];
}

class Address extends Base {
  static __tablename__ = "address";
  @mapped_column({ primary_key: true }) accessor id!: number;
  @mapped_column(StringType(50)) accessor email!: string;
  @mapped_column(ForeignKey("user_account.id")) accessor user_id!: number;
  @relationship(() => User, { back_populates: "addresses" }) accessor user!: User;
}

/** Class-level mapped attributes (`User.id`) are not in the classes' static types. */
const User_ = User as unknown as Record<string, any>;
const Address_ = Address as unknown as Record<string, any>;

eachDatabase("ORM loading", ({ kind, url }) => {
  const out = captureOutput();
  const pg = kind === "postgresql";
  /** An expanded IN list of `n` parameters as the driver renders it. */
  const inList = (name: string, n: number) =>
    Array.from({ length: n }, (_, i) => (pg ? `%(${name}_${i + 1})s` : "?")).join(", ");
  /** SQL statements of the echo log (parameter lines dropped). */
  const statements = () => out.sql().filter((l) => !l.startsWith("[") && !/^(BEGIN|COMMIT|ROLLBACK)/.test(l));
  const setup = () => {
    const engine = create_engine(url, { echo: false });
    Base.metadata.create_all(engine);
    {
      using session = new Session(engine);
      session.add_all([
        new User({ name: "spongebob", addresses: [new Address({ email: "sb@krusty.com" })] }),
        new User({
          name: "sandy",
          addresses: [new Address({ email: "sandy@tree.com" }), new Address({ email: "sandy@krusty.com" })],
        }),
        new User({ name: "patrick" }),
      ]);
      session.commit();
    }
    engine.echo = true;
    return engine;
  };
  const emails = (u: User) => u.addresses.map((a) => a.email);

  it("selectinload names every parent in the IN list and keeps collections already loaded", () => {
    const engine = setup();
    using session = new Session(engine);
    const sb = session.get(User, 1) as User;
    expect(emails(sb)).toEqual(["sb@krusty.com"]);
    engine.begin((c) => {
      c.execute(insert(Address), [{ email: "sb@new.com", user_id: 1 }]);
    });
    out.clear();
    const stmt = select(User).options(selectinload(User_.addresses)).order_by(User_.id);
    const users = session.scalars(stmt).all() as User[];
    expect(statements()[1]).toBe(
      "SELECT address.user_id AS address_user_id, address.id AS address_id, address.email AS address_email \n" +
        `FROM address \nWHERE address.user_id IN (${inList("primary_keys", 3)}) ORDER BY address.id`,
    );
    expect(users.map(emails)).toEqual([["sb@krusty.com"], ["sandy@tree.com", "sandy@krusty.com"], []]);
    out.clear();
    const again = session.scalars(stmt.execution_options({ populate_existing: true })).all() as User[];
    expect(again.map(emails)[0]).toEqual(["sb@krusty.com", "sb@new.com"]);
    // populate_existing is part of the statement's cache key; the selectin SELECT is the cached one
    const params = out.sql().filter((l) => l.startsWith("["));
    expect(params[0]).toMatch(/^\[generated in Xs\]/);
    expect(params[1]).toMatch(/^\[cached since Xs ago\]/);
  });

  it("selectinload on many-to-one: IN over the sorted distinct foreign keys, identity map or not", () => {
    const engine = setup();
    using session = new Session(engine);
    session.get(User, 2);
    out.clear();
    const addrs = session
      .scalars(select(Address).options(selectinload(Address_.user)).order_by(Address_.id.desc()))
      .all() as Address[];
    expect(addrs.map((a) => a.user.name)).toEqual(["sandy", "sandy", "spongebob"]);
    expect(statements()[1]).toBe(
      "SELECT user_account.id AS user_account_id, user_account.name AS user_account_name \n" +
        `FROM user_account \nWHERE user_account.id IN (${inList("primary_keys", 2)})`,
    );
    expect(out.sql()[out.sql().length - 1]).toMatch(
      pg ? /\{'primary_keys_1': 1, 'primary_keys_2': 2\}$/ : /\(1, 2\)$/,
    );
  });
});
