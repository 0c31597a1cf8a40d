/**
 * Relationship-bound attributes in SQL: the ON clause of a join to an entity along a relationship
 * (`join(Address, User.addresses)`), EXISTS forms (`any()`, `has()`), as SQLAlchemy 2.0.52 renders
 * them (doc/build/orm/queryguide/select.rst).
 */
import { create_engine, ForeignKey, repr, select, str } from "sqlalchemy";
import { aliased, DeclarativeBase, mapped_column, relationship, Session, with_parent } from "sqlalchemy/orm";
import { describe, expect, it } from "vitest";
import { eachDatabase } from "./support.ts";

class Base extends DeclarativeBase {}

class User extends Base {
  static __tablename__ = "user_account";
  @mapped_column({ primary_key: true }) accessor id!: number;
  @mapped_column() accessor name!: string;
  @relationship(() => Address, { back_populates: "user" }) accessor addresses!: Address[];
}

class Address extends Base {
  static __tablename__ = "address";
  @mapped_column({ primary_key: true }) accessor id!: number;
  @mapped_column(ForeignKey("user_account.id")) accessor user_id!: number;
  @mapped_column() accessor email_address!: string;
  @relationship(() => User, { back_populates: "addresses" }) accessor user!: User;
}

/** Class-level mapped attributes (`User.id`) are not in the classes' static types. */
const User_ = User as unknown as Record<string, any>;
const Address_ = Address as unknown as Record<string, any>;

describe("relationship-bound attributes in SQL", () => {
  it("joins to an entity with a relationship as the ON clause, as of_type() does", () => {
    expect(str(select(User).join(Address, User_.addresses))).toBe(
      "SELECT user_account.id, user_account.name \nFROM user_account JOIN address ON user_account.id = address.user_id",
    );
    const a1 = aliased(Address) as any;
    const a2 = aliased(Address);
    const stmt = select(User)
      .join(a1, User_.addresses)
      .where(a1.email_address.eq("patrick@aol.com"))
      .join(a2, User_.addresses);
    expect(str(stmt)).toBe(
      "SELECT user_account.id, user_account.name \nFROM user_account " +
        "JOIN address AS address_1 ON user_account.id = address_1.user_id " +
        "JOIN address AS address_2 ON user_account.id = address_2.user_id \n" +
        "WHERE address_1.email_address = :email_address_1",
    );
  });

  it("adds and_() criteria to the ON clause of a join along the relationship", () => {
    const stmt = select(User_.name).join(User_.addresses.and_(Address_.email_address.eq("x")));
    expect(str(stmt)).toBe(
      "SELECT user_account.name \nFROM user_account " +
        "JOIN address ON user_account.id = address.user_id AND address.email_address = :email_address_1",
    );
  });

  it("compares a relationship with an object through the object's bound values", () => {
    const user = new User({ id: 1, name: "spongebob" });
    const address = new Address({ id: 1, user_id: 1, email_address: "x" });
    const from = "SELECT address.id, address.user_id, address.email_address \nFROM address \nWHERE ";
    expect(str(select(Address).where(Address_.user.eq(user)))).toBe(`${from}:param_1 = address.user_id`);
    expect(str(select(Address).where(Address_.user.ne(user)))).toBe(
      `${from}address.user_id != :user_id_1 OR address.user_id IS NULL`,
    );
    expect(str(select(Address).where(Address_.user.eq(null)))).toBe(`${from}address.user_id IS NULL`);
    expect(str(select(User).where(User_.addresses.contains(address)))).toBe(
      "SELECT user_account.id, user_account.name \nFROM user_account \nWHERE user_account.id = :param_1",
    );
  });

  it("selects the objects of a parent's relationship with with_parent()", () => {
    const user = new User({ id: 1, name: "spongebob" });
    const address = new Address({ id: 2, user_id: 1, email_address: "x" });
    expect(str(select(Address).where(with_parent(user, User_.addresses)))).toBe(
      "SELECT address.id, address.user_id, address.email_address \nFROM address \nWHERE :param_1 = address.user_id",
    );
    expect(str(select(User).where(with_parent(address, Address_.user)))).toBe(
      "SELECT user_account.id, user_account.name \nFROM user_account \nWHERE user_account.id = :param_1",
    );
  });

  it("leaves out a select_from() FROM that a later join renders", () => {
    expect(str(select(Address).select_from(User).join(Address_.user).where(User_.name.eq("sandy")))).toBe(
      "SELECT address.id, address.user_id, address.email_address \n" +
        "FROM address JOIN user_account ON user_account.id = address.user_id \nWHERE user_account.name = :name_1",
    );
    const user_table = (User as unknown as { __table__: any }).__table__;
    const address_table = (Address as unknown as { __table__: any }).__table__;
    const j = address_table.join(user_table, user_table.c.id.eq(address_table.c.user_id));
    expect(str(select(address_table).select_from(user_table).select_from(j))).toBe(
      "SELECT address.id, address.user_id, address.email_address \n" +
        "FROM address JOIN user_account ON user_account.id = address.user_id",
    );
  });

  it("renders any() and has() as a correlated EXISTS, with or without criteria", () => {
    expect(str(select(User.name).where(User_.addresses.any(Address_.email_address.eq("x"))))).toBe(
      "SELECT user_account.name \nFROM user_account \nWHERE EXISTS (SELECT 1 \nFROM address \n" +
        "WHERE user_account.id = address.user_id AND address.email_address = :email_address_1)",
    );
  });
});

eachDatabase("relationship EXISTS forms in an ORM query", ({ url }) => {
  it("runs any() and has() inside an ORM select", () => {
    const engine = create_engine(url);
    Base.metadata.create_all(engine);
    using session = new Session(engine);
    session.add_all([
      new User({ name: "sandy", addresses: [new Address({ email_address: "sandy@tree.com" })] }),
      new User({ name: "patrick" }),
    ]);
    session.commit();
    const any = select(User.name).where(User_.addresses.any(Address_.email_address.eq("sandy@tree.com")));
    expect(repr(session.execute(any).all())).toBe("[('sandy',)]");
    expect(repr(session.execute(select(User.name).where(User_.addresses.any().not())).all())).toBe(
      "[('patrick',)]",
    );
    const sandy = session.scalars(select(User).where(User_.name.eq("sandy"))).one() as User;
    expect(repr(session.scalars(select(Address_.email_address).where(Address_.user.eq(sandy))).all())).toBe(
      "['sandy@tree.com']",
    );
    expect(repr(session.scalars(select(Address_.email_address).where(Address_.user.ne(sandy))).all())).toBe(
      "[]",
    );
    expect(
      repr(session.scalars(select(Address_.email_address).where(with_parent(sandy, User_.addresses))).all()),
    ).toBe("['sandy@tree.com']");
    const has = select(Address_.email_address).where(Address_.user.has(User_.name.eq("sandy")));
    expect(repr(session.execute(has).all())).toBe("[('sandy@tree.com',)]");
  });
});
