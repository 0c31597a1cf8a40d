/**
 * aliased() over the mapped table, a subquery, a UNION, a CTE, and a subquery of two entities
 * (SQLAlchemy's orm/util.py AliasedClass), on both databases: the SQL each statement emits is the
 * SQL the Querying Guide (orm/queryguide/select.rst) and the Unified Tutorial (data_select.rst)
 * show for it, and the rows hold the objects of the Session's identity map.
 */
import {
  create_engine,
  ForeignKey,
  literal,
  repr,
  String as StringType,
  select,
  union_all,
} from "sqlalchemy";
import { aliased, DeclarativeBase, mapped_column, relationship, Session } from "sqlalchemy/orm";
import { expect, it } from "vitest";
import { captureOutput, eachDatabase } from "./support.ts";

class Base extends DeclarativeBase {}

class User extends Base {
  static __tablename__ = "user_account";
  @mapped_column({ primary_key: true }) accessor id!: number;
  @mapped_column(StringType(30)) accessor name!: string;
  @mapped_column(StringType, { nullable: true }) accessor fullname!: string | null;
  @relationship(() => Address, { back_populates: "user" }) accessor addresses!: Address[];
  __repr__(): string {
    return `User(id=${repr(this.id)}, name=${repr(this.name)}, fullname=${repr(this.fullname)})`;
  }
}

class Address extends Base {
  static __tablename__ = "address";
  @mapped_column({ primary_key: true }) accessor id!: number;
  @mapped_column(ForeignKey("user_account.id")) accessor user_id!: number;
  @mapped_column(StringType) accessor email_address!: string;
  @relationship(() => User, { back_populates: "addresses" }) accessor user!: User;
  __repr__(): string {
    return `Address(id=${repr(this.id)}, email_address=${repr(this.email_address)})`;
  }
}

const User_ = User as unknown as Record<string, any>;
const Address_ = Address as unknown as Record<string, any>;

eachDatabase("aliased() entities", ({ kind, url }) => {
  const out = captureOutput();
  const pg = kind === "postgresql";
  /** The bind markers of the database: `?` / `%(name)s`. */
  const p = (name: string) => (pg ? `%(${name})s` : "?");
  const setup = () => {
    const engine = create_engine(url);
    Base.metadata.create_all(engine);
    {
      using s = new Session(engine);
      s.add_all([
        new User({
          name: "spongebob",
          fullname: "Spongebob Squarepants",
          addresses: [new Address({ email_address: "spongebob@sqlalchemy.org" })],
        }),
        new User({
          name: "sandy",
          fullname: "Sandy Cheeks",
          addresses: [
            new Address({ email_address: "sandy@sqlalchemy.org" }),
            new Address({ email_address: "squirrel@squirrelpower.org" }),
          ],
        }),
        new User({
          name: "patrick",
          fullname: "Patrick Star",
          addresses: [new Address({ email_address: "pat999@aol.com" })],
        }),
      ]);
      s.commit();
    }
    engine.echo = true;
    out.clear();
    return new Session(engine);
  };
  /** The statements the log shows (no BEGIN, no parameters). */
  const statements = () => out.sql().filter((l) => !l.startsWith("[") && l !== "BEGIN (implicit)");

  it("aliased(User), aliased(User, name=...), flat=True, and an aliased class aliased again", () => {
    const u1 = aliased(User) as any;
    expect(String(select(u1).order_by(u1.id))).toBe(
      "SELECT user_account_1.id, user_account_1.name, user_account_1.fullname \nFROM user_account AS user_account_1 ORDER BY user_account_1.id",
    );
    const flat = aliased(User, { flat: true }) as any;
    expect(String(select(flat).order_by(flat.id))).toBe(
      "SELECT user_account_1.id, user_account_1.name, user_account_1.fullname \nFROM user_account AS user_account_1 ORDER BY user_account_1.id",
    );
    // util.py: an aliased class given to aliased() again gets a new alias of the mapped table
    const u2 = aliased(u1, { name: "u2" }) as any;
    expect(String(select(u2))).toBe("SELECT u2.id, u2.name, u2.fullname \nFROM user_account AS u2");
    expect(repr(u1)).toMatch(/^<AliasedClass at 0x[0-9a-f]+; User>$/);

    using session = setup();
    const named = aliased(User, { name: "u1" }) as any;
    const row = session.execute(select(named).order_by(named.id)).first() as any;
    expect(statements()).toEqual([
      "SELECT u1.id, u1.name, u1.fullname \nFROM user_account AS u1 ORDER BY u1.id",
    ]);
    expect(row.u1.name).toBe("spongebob");
    expect(row.u1).toBe(session.get(User, 1));
  });

  it("aliased(User, subquery): the subquery's columns correspond to the entity's; adapt_on_names matches by name", () => {
    using session = setup();
    const subq = select(User).where(User_.id.lt(7)).order_by(User_.id).subquery();
    const aliased_user = aliased(User, subq);
    const users = session.execute(select(aliased_user)).scalars().all();
    expect(statements()).toEqual([
      `SELECT anon_1.id, anon_1.name, anon_1.fullname \nFROM (SELECT user_account.id AS id, user_account.name AS name, user_account.fullname AS fullname \nFROM user_account \nWHERE user_account.id < ${p("id_1")} ORDER BY user_account.id) AS anon_1`,
    ]);
    expect(users.map((u) => repr(u))).toEqual([
      "User(id=1, name='spongebob', fullname='Spongebob Squarepants')",
      "User(id=2, name='sandy', fullname='Sandy Cheeks')",
      "User(id=3, name='patrick', fullname='Patrick Star')",
    ]);
    expect(users[0]).toBe(session.get(User, 1));

    out.clear();
    const made_up = select(
      literal(14).label("id"),
      literal("made up name").label("name"),
      literal("made up fullname").label("fullname"),
    ).subquery();
    const by_name = aliased(User, made_up, { adapt_on_names: true });
    const [made] = session.execute(select(by_name)).scalars().all();
    expect(statements()).toEqual([
      `SELECT anon_1.id, anon_1.name, anon_1.fullname \nFROM (SELECT ${p("param_1")} AS id, ${p("param_2")} AS name, ${p("param_3")} AS fullname) AS anon_1`,
    ]);
    expect(repr(made)).toBe("User(id=14, name='made up name', fullname='made up fullname')");
  });

  it("aliased(User, union_all(...).subquery()) filtered and ordered by its columns", () => {
    using session = setup();
    const subq = union_all(select(User).where(User_.id.lt(2)), select(User).where(User_.id.eq(3))).subquery();
    const user_alias = aliased(User, subq) as any;
    const users = session.execute(select(user_alias).order_by(user_alias.id)).scalars().all();
    expect(statements()).toEqual([
      `SELECT anon_1.id, anon_1.name, anon_1.fullname \nFROM (SELECT user_account.id AS id, user_account.name AS name, user_account.fullname AS fullname \nFROM user_account \nWHERE user_account.id < ${p("id_1")} UNION ALL SELECT user_account.id AS id, user_account.name AS name, user_account.fullname AS fullname \nFROM user_account \nWHERE user_account.id = ${p("id_2")}) AS anon_1 ORDER BY anon_1.id`,
    ]);
    expect(users.map((u) => repr(u))).toEqual([
      "User(id=1, name='spongebob', fullname='Spongebob Squarepants')",
      "User(id=3, name='patrick', fullname='Patrick Star')",
    ]);
  });

  it("select(User, aliased(Address, subq)): join(alias) and join(User.addresses.of_type(alias))", () => {
    using session = setup();
    const subq = select(Address).where(Address_.email_address.eq("pat999@aol.com")).subquery();
    const address_subq = aliased(Address, subq, { name: "address" });
    const sql = `SELECT user_account.id, user_account.name, user_account.fullname, anon_1.id AS id_1, anon_1.user_id, anon_1.email_address \nFROM user_account JOIN (SELECT address.id AS id, address.user_id AS user_id, address.email_address AS email_address \nFROM address \nWHERE address.email_address = ${p("email_address_1")}) AS anon_1 ON user_account.id = anon_1.user_id`;
    for (const stmt of [
      select(User, address_subq).join(address_subq),
      select(User, address_subq).join(User_.addresses.of_type(address_subq)),
    ]) {
      out.clear();
      const rows = session.execute(stmt).all() as any[];
      expect(statements()).toEqual([sql]);
      expect(rows.map((r) => `${r.User} ${r.address}`)).toEqual([
        "User(id=3, name='patrick', fullname='Patrick Star') Address(id=4, email_address='pat999@aol.com')",
      ]);
    }
  });

  it("two aliased() entities over one subquery of both: the subquery renders once, its second id as id_1", () => {
    using session = setup();
    const user_address_subq = select(
      User_.id,
      User_.name,
      User_.fullname,
      Address_.id,
      Address_.email_address,
    )
      .join_from(User, Address)
      .where(Address_.email_address.in_(["pat999@aol.com", "squirrel@squirrelpower.org"]))
      .subquery();
    expect(user_address_subq.c.keys()).toEqual(["id", "name", "fullname", "id_1", "email_address"]);
    const user_alias = aliased(User, user_address_subq, { name: "user" }) as any;
    const address_alias = aliased(Address, user_address_subq, { name: "address" });
    const rows = session
      .execute(select(user_alias, address_alias).where(user_alias.name.eq("sandy")))
      .all() as any[];
    const inList = pg ? "%(email_address_1_1)s, %(email_address_1_2)s" : "?, ?";
    expect(statements()).toEqual([
      `SELECT anon_1.id, anon_1.name, anon_1.fullname, anon_1.id_1, anon_1.email_address \nFROM (SELECT user_account.id AS id, user_account.name AS name, user_account.fullname AS fullname, address.id AS id_1, address.email_address AS email_address \nFROM user_account JOIN address ON user_account.id = address.user_id \nWHERE address.email_address IN (${inList})) AS anon_1 \nWHERE anon_1.name = ${p("name_1")}`,
    ]);
    expect(rows.map((r) => `${r.user} ${r.address}`)).toEqual([
      "User(id=2, name='sandy', fullname='Sandy Cheeks') Address(id=3, email_address='squirrel@squirrelpower.org')",
    ]);
    expect(rows[0].address).toBe(session.get(Address, 3));
    // the subquery has no user_id: the attribute is expired, and reading it loads it
    out.clear();
    expect(rows[0].address.user_id).toBe(2);
    expect(statements()).toEqual([
      `SELECT address.user_id AS address_user_id \nFROM address \nWHERE address.id = ${p("pk_1")}`,
    ]);
  });

  it("aliased(Address, stmt.cte()) joined from User (data_select.rst, ORM entity CTE)", () => {
    using session = setup();
    const cte_obj = select(Address).where(Address_.email_address.like("%@aol.com").not()).cte();
    const address_cte = aliased(Address, cte_obj) as any;
    const stmt = select(User, address_cte).join_from(User, address_cte).order_by(User_.id, address_cte.id);
    const rows = session.execute(stmt).all() as any[];
    expect(statements()).toEqual([
      `WITH anon_1 AS \n(SELECT address.id AS id, address.user_id AS user_id, address.email_address AS email_address \nFROM address \nWHERE address.email_address NOT LIKE ${p("email_address_1")})\n SELECT user_account.id, user_account.name, user_account.fullname, anon_1.id AS id_1, anon_1.user_id, anon_1.email_address \nFROM user_account JOIN anon_1 ON user_account.id = anon_1.user_id ORDER BY user_account.id, anon_1.id`,
    ]);
    expect(rows.map(([u, a]) => `${u} ${a}`)).toEqual([
      "User(id=1, name='spongebob', fullname='Spongebob Squarepants') Address(id=1, email_address='spongebob@sqlalchemy.org')",
      "User(id=2, name='sandy', fullname='Sandy Cheeks') Address(id=2, email_address='sandy@sqlalchemy.org')",
      "User(id=2, name='sandy', fullname='Sandy Cheeks') Address(id=3, email_address='squirrel@squirrelpower.org')",
    ]);
  });

  it("an ORM Select's subquery() exports the entity's columns through .c", () => {
    const subq = select(User).where(User_.id.lt(3)).subquery();
    expect(subq.c.keys()).toEqual(["id", "name", "fullname"]);
    expect(String(select(subq.c.name).where(subq.c.id.eq(1)))).toBe(
      "SELECT anon_1.name \nFROM (SELECT user_account.id AS id, user_account.name AS name, user_account.fullname AS fullname \nFROM user_account \nWHERE user_account.id < :id_1) AS anon_1 \nWHERE anon_1.id = :id_2",
    );
  });
});
