/**
 * ORM bulk INSERT (`session.execute(insert(User), [...])`) on both databases, as SQLAlchemy 2.0.52
 * runs it (doc/build/orm/queryguide/dml.rst): a None value is left out so the column's default
 * applies (unless render_nulls), consecutive dictionaries with the same keys are one executemany,
 * and RETURNING gives the rows of every batch; an entity in RETURNING comes back as objects.
 */
import { create_engine, insert, repr, select, update } from "sqlalchemy";
import { DeclarativeBase, mapped_column, Session } from "sqlalchemy/orm";
import { expect, it } from "vitest";
import { captureOutput, eachDatabase } from "./support.ts";

class Base extends DeclarativeBase {}

class User extends Base {
  static __tablename__ = "user_account";
  @mapped_column({ primary_key: true }) accessor id!: number;
  @mapped_column() accessor name!: string;
  @mapped_column({ server_default: "unknown" }) accessor species!: string | null;
}

/** Class-level mapped attributes (`User.id`) are not in the classes' static types. */
const User_ = User as unknown as Record<string, any>;

eachDatabase("ORM bulk INSERT", ({ kind, url }) => {
  const out = captureOutput();
  const pg = kind === "postgresql";
  const setup = () => {
    const engine = create_engine(url);
    Base.metadata.create_all(engine);
    engine.echo = true;
    return engine;
  };
  const inserts = () => out.sql().filter((l) => l.startsWith("INSERT"));
  const rows = [
    { name: "a", species: "squid" },
    { name: "b", species: null },
    { name: "c" },
    { name: "d", species: "crab" },
  ];

  it("leaves None values out and runs consecutive dictionaries with the same keys as one batch", () => {
    using session = new Session(setup());
    session.execute(insert(User), rows);
    // (one parameter set is a single execute: PostgreSQL's INSERT returns the primary key; two
    // are an executemany, a multi-row INSERT on PostgreSQL)
    const one = pg
      ? "INSERT INTO user_account (name, species) VALUES (%(name)s, %(species)s) RETURNING user_account.id"
      : "INSERT INTO user_account (name, species) VALUES (?, ?)";
    expect(inserts()).toEqual([
      one,
      pg
        ? "INSERT INTO user_account (name) VALUES (%(name__0)s), (%(name__1)s)"
        : "INSERT INTO user_account (name) VALUES (?)",
      one,
    ]);
    expect(repr(session.execute(select(User_.name, User_.species).order_by(User_.id)).all())).toBe(
      "[('a', 'squid'), ('b', 'unknown'), ('c', 'unknown'), ('d', 'crab')]",
    );
  });

  it("with render_nulls sends None as NULL in one batch", () => {
    using session = new Session(setup());
    session.execute(insert(User).execution_options({ render_nulls: true }), rows.slice(0, 2));
    expect(inserts()).toHaveLength(1);
    expect(repr(session.scalars(select(User_.species).order_by(User_.id)).all())).toBe("['squid', None]");
  });

  it("returns the RETURNING rows of every batch, in order", () => {
    using session = new Session(setup());
    const result = session.execute(insert(User).returning(User_.id, User_.name), rows);
    expect(repr(result.all())).toBe("[(1, 'a'), (2, 'b'), (3, 'c'), (4, 'd')]");
  });

  it("returns objects of the identity map for an entity in RETURNING, from INSERT and UPDATE", () => {
    using session = new Session(setup());
    const users = session.scalars(insert(User).returning(User), rows).all() as User[];
    expect(users.map((u) => `${u.id} ${u.name} ${u.species}`)).toEqual([
      "1 a squid",
      "2 b unknown",
      "3 c unknown",
      "4 d crab",
    ]);
    out.clear();
    expect(session.get(User, 2)).toBe(users[1]);
    expect(out.sql()).toEqual([]);
    const updated = session.scalars(
      update(User).where(User_.name.eq("c")).values({ species: "snail" }).returning(User),
    );
    const [c] = updated.all() as User[];
    expect(c).toBe(users[2]);
    expect(c!.species).toBe("snail");
  });
});
