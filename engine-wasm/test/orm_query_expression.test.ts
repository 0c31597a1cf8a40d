/**
 * query_expression() / with_expression() on both databases: the expression's place in the SELECT,
 * the attribute's value with and without it, an alias, the flush leaving it alone. Expected SQL and
 * values from SQLAlchemy 2.0.52 (python3 against SQLite).
 */
import { create_engine, ForeignKey, func, literal, select } from "sqlalchemy";
import {
  aliased,
  DeclarativeBase,
  mapped_column,
  query_expression,
  Session,
  with_expression,
} from "sqlalchemy/orm";
import { expect, it } from "vitest";
import { captureOutput, eachDatabase } from "./support.ts";

class Base extends DeclarativeBase {}

class Book extends Base {
  static __tablename__ = "book";
  @mapped_column({ primary_key: true }) accessor id!: number;
  @mapped_column(ForeignKey("user_account.id")) accessor owner_id!: number;
  @mapped_column() accessor title!: string;
}

class User extends Base {
  static __tablename__ = "user_account";
  @mapped_column({ primary_key: true }) accessor id!: number;
  @mapped_column() accessor name!: string;
  @query_expression() accessor book_count!: number | null;
}

/** A query_expression() with a default other than NULL: in every SELECT of the entity. */
class Item extends Base {
  static __tablename__ = "item";
  @mapped_column({ primary_key: true }) accessor id!: number;
  @mapped_column() accessor name!: string;
  @query_expression(literal("x")) accessor label!: string;
}

const U = User as unknown as Record<string, any>;
const I = Item as unknown as Record<string, any>;
const B = Book as unknown as Record<string, any>;

eachDatabase("query_expression()", ({ kind, url }) => {
  const out = captureOutput();
  const pg = kind === "postgresql";
  const setup = () => {
    const engine = create_engine(url);
    Base.metadata.create_all(engine);
    {
      using session = new Session(engine);
      session.add_all([new User({ name: "a" }), new User({ name: "b" })]);
      session.flush();
      session.add_all([
        new Book({ owner_id: 1, title: "t1" }),
        new Book({ owner_id: 1, title: "t2" }),
        new Book({ owner_id: 2, title: "t3" }),
      ]);
      session.commit();
    }
    engine.echo = true;
    return engine;
  };
  const counts = () =>
    select(User)
      .join_from(User, Book)
      .group_by(U.id)
      .options(with_expression(U.book_count, func.count(B.id)))
      .order_by(U.id);

  it("without with_expression() the attribute is None and not in the SELECT; with it, first among the entity's columns", () => {
    using session = new Session(setup());
    const u = session.scalars(select(User).where(U.id.eq(1))).one() as User;
    expect(u.book_count).toBe(null);
    expect("book_count" in (u as any)._sa_instance_state.dict).toBe(false);
    expect(out.sql()[1]).toBe(
      `SELECT user_account.id, user_account.name \nFROM user_account \nWHERE user_account.id = ${pg ? "%(id_1)s" : "?"}`,
    );
    out.clear();
    // the object already loaded had no value: this load gives it one
    const users = session.scalars(counts()).all() as User[];
    expect(users.map((x) => [x.name, x.book_count])).toEqual([
      ["a", 2],
      ["b", 1],
    ]);
    session.scalars(counts().execution_options({ populate_existing: true })).all();
    expect(out.sql()).toEqual([
      "SELECT count(book.id) AS count_1, user_account.id, user_account.name \nFROM user_account JOIN book ON user_account.id = book.owner_id GROUP BY user_account.id ORDER BY user_account.id",
      pg ? "[generated in Xs] {}" : "[generated in Xs] ()",
      "SELECT count(book.id) AS count_1, user_account.id, user_account.name \nFROM user_account JOIN book ON user_account.id = book.owner_id GROUP BY user_account.id ORDER BY user_account.id",
      pg ? "[cached since Xs ago] {}" : "[cached since Xs ago] ()",
    ]);
  });

  it("a value set on the attribute is never flushed; an alias takes the expression in its terms", () => {
    using session = new Session(setup());
    const [a] = session.scalars(counts()).all() as User[];
    a!.book_count = 7;
    out.clear();
    session.flush();
    expect(out.sql()).toEqual([]);
    expect(a!.book_count).toBe(7);
    const ua = aliased(User) as any;
    const rows = session
      .scalars(
        select(ua)
          .join_from(ua, Book)
          .group_by(ua.id)
          .options(with_expression(ua.book_count, func.count(B.id)))
          .order_by(ua.id),
      )
      .all() as User[];
    expect(out.sql()[0]).toBe(
      "SELECT count(book.id) AS count_1, user_account_1.id, user_account_1.name \nFROM user_account AS user_account_1 JOIN book ON user_account_1.id = book.owner_id GROUP BY user_account_1.id ORDER BY user_account_1.id",
    );
    expect(rows.map((x) => [x.name, x.book_count])).toEqual([
      ["a", 7],
      ["b", 1],
    ]);
  });

  it("the attribute selected on its own is its default expression, NULL", () => {
    using session = new Session(setup());
    const rows = session.execute(select(U.name, U.book_count).order_by(U.id)).all();
    expect(out.sql()[1]).toBe(
      "SELECT user_account.name, NULL AS anon_1 \nFROM user_account ORDER BY user_account.id",
    );
    expect(rows.map((r: any) => [...r])).toEqual([
      ["a", null],
      ["b", null],
    ]);
  });

  it("a default other than NULL is selected for every load of the entity, with_expression() replacing it", () => {
    using session = new Session(setup());
    session.add(new Item({ name: "a" }));
    session.commit();
    out.clear();
    const p = (name: string) => (pg ? `%(${name})s` : "?");
    expect((session.scalars(select(Item)).one() as Item).label).toBe("x");
    session.expunge_all();
    const given = session
      .scalars(select(Item).options(with_expression(I.label, I.name.concat("!"))))
      .one() as Item;
    expect(given.label).toBe("a!");
    session.expunge_all();
    expect((session.get(Item, 1) as Item).label).toBe("x");
    expect(out.sql().filter((l) => l.startsWith("SELECT"))).toEqual([
      `SELECT ${p("param_1")} AS anon_1, item.id, item.name \nFROM item`,
      `SELECT item.name || ${p("name_1")} AS anon_1, item.id, item.name \nFROM item`,
      `SELECT ${p("param_1")} AS anon_1, item.id AS item_id, item.name AS item_name \nFROM item \nWHERE item.id = ${p("pk_1")}`,
    ]);
  });
});
