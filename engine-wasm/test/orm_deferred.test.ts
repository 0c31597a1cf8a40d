/**
 * Column loading options on both databases, with the mappings and data of SQLAlchemy's Querying
 * Guide "Column Loading Options" page (doc/build/orm/queryguide/columns.rst): load_only(), defer(),
 * undefer(), undefer_group(), "*", raiseload, deferred mapped columns and their groups, options
 * chained after relationships. The SQL is the page's doctests' (psycopg2 shows `%(name)s`).
 */
import { create_engine, ForeignKey, Integer, LargeBinary, select, str, Text } from "sqlalchemy";
import { InvalidRequestError } from "sqlalchemy/exc";
import {
  DeclarativeBase,
  defaultload,
  defer,
  deferred,
  inspect,
  joinedload,
  Load,
  load_only,
  mapped_column,
  relationship,
  Session,
  selectinload,
  undefer,
  undefer_group,
} from "sqlalchemy/orm";
import { expect, it } from "vitest";
import { captureOutput, eachDatabase } from "./support.ts";

const bin = (s: string) => new TextEncoder().encode(s);

class Base extends DeclarativeBase {}
class User extends Base {
  static __tablename__ = "user_account";
  @mapped_column({ primary_key: true }) accessor id!: number;
  @mapped_column(Text) accessor name!: string;
  @mapped_column(Text, { nullable: true }) accessor fullname!: string | null;
  @relationship(() => Book, { back_populates: "owner" }) accessor books!: Book[];
}
class Book extends Base {
  static __tablename__ = "book";
  @mapped_column({ primary_key: true }) accessor id!: number;
  @mapped_column(ForeignKey("user_account.id")) accessor owner_id!: number;
  @mapped_column(Text) accessor title!: string;
  @mapped_column(Text) accessor summary!: string;
  @mapped_column(LargeBinary) accessor cover_photo!: Uint8Array;
  @relationship(() => User, { back_populates: "books" }) accessor owner!: User;
}

/** The page's later mappings of `book` (each its own MetaData). */
class DeferredBase extends DeclarativeBase {}
class DBook extends DeferredBase {
  static __tablename__ = "book";
  @mapped_column({ primary_key: true }) accessor id!: number;
  @mapped_column(Integer) accessor owner_id!: number;
  @mapped_column(Text) accessor title!: string;
  @mapped_column(Text, { deferred: true }) accessor summary!: string;
  @deferred(LargeBinary) accessor cover_photo!: Uint8Array;
}
class GroupBase extends DeclarativeBase {}
class GBook extends GroupBase {
  static __tablename__ = "book";
  @mapped_column({ primary_key: true }) accessor id!: number;
  @mapped_column(Integer) accessor owner_id!: number;
  @mapped_column(Text) accessor title!: string;
  @mapped_column(Text, { deferred: true, deferred_group: "book_attrs" }) accessor summary!: string;
  @mapped_column(LargeBinary, { deferred: true, deferred_group: "book_attrs" })
  accessor cover_photo!: Uint8Array;
}
class RaiseBase extends DeclarativeBase {}
class RBook extends RaiseBase {
  static __tablename__ = "book";
  @mapped_column({ primary_key: true }) accessor id!: number;
  @mapped_column(Integer) accessor owner_id!: number;
  @mapped_column(Text) accessor title!: string;
  @mapped_column(Text, { deferred: true, deferred_raiseload: true }) accessor summary!: string;
  @mapped_column(LargeBinary, { deferred: true, deferred_raiseload: true }) accessor cover_photo!: Uint8Array;
}

/** Class-level mapped attributes (`Book.title`) are not in the classes' static types. */
const U = User as unknown as Record<string, any>;
const B = Book as unknown as Record<string, any>;
const DB = DBook as unknown as Record<string, any>;
const GB = GBook as unknown as Record<string, any>;
const RB = RBook as unknown as Record<string, any>;

eachDatabase("ORM column loading", ({ kind, url }) => {
  const out = captureOutput();
  const pg = kind === "postgresql";
  const p = (name: string) => (pg ? `%(${name})s` : "?");
  /** SQL statements of the echo log (parameter lines and transaction lines dropped). */
  const statements = () => out.sql().filter((l) => !l.startsWith("[") && !/^(BEGIN|COMMIT|ROLLBACK)/.test(l));
  const setup = () => {
    const engine = create_engine(url);
    Base.metadata.create_all(engine);
    {
      using session = new Session(engine);
      const book = (title: string, summary: string) =>
        new Book({ title, summary, cover_photo: bin("binary_image_data") });
      session.add_all([
        new User({
          name: "spongebob",
          fullname: "Spongebob Squarepants",
          books: [
            book("100 Years of Krabby Patties", "some long summary"),
            book("Sea Catch 22", "another long summary"),
            book("The Sea Grapes of Wrath", "yet another summary"),
          ],
        }),
        new User({
          name: "sandy",
          fullname: "Sandy Cheeks",
          books: [
            book("A Nut Like No Other", "some long summary"),
            book("Geodesic Domes: A Retrospective", "another long summary"),
            book("Rocketry for Squirrels", "yet another summary"),
          ],
        }),
      ]);
      session.commit();
    }
    engine.echo = true;
    out.clear();
    return engine;
  };

  it("load_only() selects the named columns and the primary key; the others load when read", () => {
    using session = new Session(setup());
    const books = session.scalars(select(Book).options(load_only(B.title, B.summary))).all() as Book[];
    expect(statements()).toEqual(["SELECT book.id, book.title, book.summary \nFROM book"]);
    expect(books.map((b) => `${b.title}  ${b.summary}`)[0]).toBe(
      "100 Years of Krabby Patties  some long summary",
    );
    expect([...inspect(books[0]).unloaded].sort()).toEqual(["cover_photo", "owner", "owner_id"]);
    out.clear();
    expect(new TextDecoder().decode(books[0]!.cover_photo)).toBe("binary_image_data");
    expect(statements()).toEqual([
      `SELECT book.cover_photo AS book_cover_photo \nFROM book \nWHERE book.id = ${p("pk_1")}`,
    ]);
    expect(inspect(books[0]).unloaded.has("cover_photo")).toBe(false);
  });

  it("load_only() applies to the entity of its attributes; one per entity", () => {
    setup();
    expect(str(select(User, Book).join_from(User, Book).options(load_only(B.title)))).toBe(
      "SELECT user_account.id, user_account.name, user_account.fullname, book.id AS id_1, book.title \n" +
        "FROM user_account JOIN book ON user_account.id = book.owner_id",
    );
    expect(str(select(User, Book).join_from(User, Book).options(load_only(U.name), load_only(B.title)))).toBe(
      "SELECT user_account.id, user_account.name, book.id AS id_1, book.title \n" +
        "FROM user_account JOIN book ON user_account.id = book.owner_id",
    );
  });

  it("load_only() chained after selectinload() and defaultload() shapes the related SELECTs", () => {
    const engine = setup();
    {
      using session = new Session(engine);
      const users = session
        .scalars(select(User).options(selectinload(U.books).load_only(B.title)))
        .all() as User[];
      expect(users.map((u) => `${u.fullname}   ${u.books.map((b) => b.title).join(", ")}`)[1]).toBe(
        "Sandy Cheeks   A Nut Like No Other, Geodesic Domes: A Retrospective, Rocketry for Squirrels",
      );
      expect(statements()).toEqual([
        "SELECT user_account.id, user_account.name, user_account.fullname \nFROM user_account",
        "SELECT book.owner_id AS book_owner_id, book.id AS book_id, book.title AS book_title \n" +
          `FROM book \nWHERE book.owner_id IN (${p("primary_keys_1")}, ${p("primary_keys_2")})`,
      ]);
      // the foreign key the selectin SELECT leads with is not an attribute load_only() loads
      expect([...inspect(users[0]!.books[0]).unloaded].sort()).toEqual([
        "cover_photo",
        "owner",
        "owner_id",
        "summary",
      ]);
    }
    out.clear();
    using session = new Session(engine);
    const users = session
      .scalars(select(User).options(defaultload(U.books).load_only(B.title)))
      .all() as User[];
    expect(users.map((u) => u.books.length)).toEqual([3, 3]);
    const lazy = `SELECT book.id AS book_id, book.title AS book_title \nFROM book \nWHERE ${p("param_1")} = book.owner_id`;
    expect(statements()).toEqual([
      "SELECT user_account.id, user_account.name, user_account.fullname \nFROM user_account",
      lazy,
      lazy,
    ]);
    expect(inspect(users[0]!.books[0]).unloaded.has("summary")).toBe(true);
  });

  it("load_only() chained after joinedload() leaves the columns out of the joined alias", () => {
    using session = new Session(setup());
    const user = session
      .scalars(select(User).options(joinedload(U.books).load_only(B.title)).where(U.id.eq(1)))
      .unique()
      .one() as User;
    expect(statements()).toEqual([
      "SELECT user_account.id, user_account.name, user_account.fullname, book_1.id AS id_1, book_1.title \n" +
        "FROM user_account LEFT OUTER JOIN book AS book_1 ON user_account.id = book_1.owner_id \n" +
        // (the label `id_1` and the bound parameter share the compiler's anonymous names)
        `WHERE user_account.id = ${p("id_2")}`,
    ]);
    expect(user.books.map((b) => b.title)).toHaveLength(3);
    expect(inspect(user.books[0]).unloaded.has("summary")).toBe(true);
  });

  it("defer() leaves one column out; defer(raiseload=True) and load_only(raiseload=True) raise on access", () => {
    using session = new Session(setup());
    const books = session
      .scalars(select(Book).where(B.owner_id.eq(2)).options(defer(B.cover_photo)))
      .all() as Book[];
    expect(statements()).toEqual([
      `SELECT book.id, book.owner_id, book.title, book.summary \nFROM book \nWHERE book.owner_id = ${p("owner_id_1")}`,
    ]);
    expect(books.map((b) => `${b.title}: ${b.summary}`)[0]).toBe("A Nut Like No Other: some long summary");
    out.clear();
    void books[0]!.cover_photo;
    expect(statements()).toEqual([
      `SELECT book.cover_photo AS book_cover_photo \nFROM book \nWHERE book.id = ${p("pk_1")}`,
    ]);
    session.expunge_all();
    out.clear();
    const book = session.scalar(
      select(Book)
        .options(defer(B.cover_photo, { raiseload: true }))
        .where(B.id.eq(4)),
    ) as Book;
    expect(statements()).toEqual([
      `SELECT book.id, book.owner_id, book.title, book.summary \nFROM book \nWHERE book.id = ${p("id_1")}`,
    ]);
    expect(() => book.cover_photo).toThrow(InvalidRequestError);
    expect(() => book.cover_photo).toThrow("'Book.cover_photo' is not available due to raiseload=True");
    session.expunge_all();
    out.clear();
    const b5 = session.scalar(
      select(Book)
        .options(load_only(B.title, { raiseload: true }))
        .where(B.id.eq(5)),
    ) as Book;
    expect(statements()).toEqual([`SELECT book.id, book.title \nFROM book \nWHERE book.id = ${p("id_1")}`]);
    expect(() => b5.summary).toThrow("'Book.summary' is not available due to raiseload=True");
    expect([...inspect(b5).unloaded].sort()).toEqual(["cover_photo", "owner", "owner_id", "summary"]);
    // an expired attribute loads as its mapping says again
    session.expire(b5);
    out.clear();
    expect(b5.summary).toBe("another long summary");
    expect(statements()).toEqual([
      "SELECT book.id AS book_id, book.owner_id AS book_owner_id, book.title AS book_title, " +
        "book.summary AS book_summary, book.cover_photo AS book_cover_photo \n" +
        `FROM book \nWHERE book.id = ${p("pk_1")}`,
    ]);
  });

  it("a mapped_column(deferred=True) / deferred() column is left out of every SELECT and loads when read", () => {
    const engine = setup();
    using session = new Session(engine);
    const book = session.scalar(select(DBook).where(DB.id.eq(2))) as DBook;
    expect(statements()).toEqual([
      `SELECT book.id, book.owner_id, book.title \nFROM book \nWHERE book.id = ${p("id_1")}`,
    ]);
    expect([...inspect(book).unloaded].sort()).toEqual(["cover_photo", "summary"]);
    out.clear();
    void book.cover_photo;
    expect(statements()).toEqual([
      `SELECT book.cover_photo AS book_cover_photo \nFROM book \nWHERE book.id = ${p("pk_1")}`,
    ]);
    session.expunge_all();
    out.clear();
    const b2 = session.scalar(select(DBook).where(DB.id.eq(2)).options(undefer(DB.summary))) as DBook;
    expect(statements()).toEqual([
      `SELECT book.id, book.owner_id, book.title, book.summary \nFROM book \nWHERE book.id = ${p("id_1")}`,
    ]);
    expect(b2.summary).toBe("another long summary");
    // session.get() and an expired object's reload leave it out too
    session.expunge_all();
    out.clear();
    const b3 = session.get(DBook, 3) as DBook;
    session.expire(b3);
    void b3.title;
    expect(statements()).toEqual([
      `SELECT book.id AS book_id, book.owner_id AS book_owner_id, book.title AS book_title \nFROM book \nWHERE book.id = ${p("pk_1")}`,
      "SELECT book.id AS book_id, book.owner_id AS book_owner_id, book.title AS book_title \n" +
        `FROM book \nWHERE book.id = ${p("pk_1")}`,
    ]);
    expect(inspect(b3).unloaded.has("summary")).toBe(true);
  });

  it("deferred columns of one group load together; undefer_group() and undefer('*') select them", () => {
    const engine = setup();
    using session = new Session(engine);
    const book = session.scalar(select(GBook).where(GB.id.eq(2))) as GBook;
    expect(statements()).toEqual([
      `SELECT book.id, book.owner_id, book.title \nFROM book \nWHERE book.id = ${p("id_1")}`,
    ]);
    out.clear();
    const [img, summary] = [book.cover_photo, book.summary];
    expect(summary).toBe("another long summary");
    expect(img).toBeInstanceOf(Uint8Array);
    expect(statements()).toEqual([
      "SELECT book.summary AS book_summary, book.cover_photo AS book_cover_photo \n" +
        `FROM book \nWHERE book.id = ${p("pk_1")}`,
    ]);
    session.expunge_all();
    out.clear();
    const b2 = session.scalar(select(GBook).where(GB.id.eq(2)).options(undefer_group("book_attrs"))) as GBook;
    void [b2.cover_photo, b2.summary];
    expect(statements()).toEqual([
      "SELECT book.id, book.owner_id, book.title, book.summary, book.cover_photo \n" +
        `FROM book \nWHERE book.id = ${p("id_1")}`,
    ]);
    session.expunge_all();
    out.clear();
    session.scalar(select(GBook).where(GB.id.eq(3)).options(undefer("*")));
    expect(statements()).toEqual([
      "SELECT book.id, book.owner_id, book.title, book.summary, book.cover_photo \n" +
        `FROM book \nWHERE book.id = ${p("id_1")}`,
    ]);
  });

  it("deferred_raiseload=True raises on access until a query with undefer('*') and populate_existing loads it", () => {
    using session = new Session(setup());
    const book = session.scalar(select(RBook).where(RB.id.eq(2))) as RBook;
    expect(statements()).toEqual([
      `SELECT book.id, book.owner_id, book.title \nFROM book \nWHERE book.id = ${p("id_1")}`,
    ]);
    out.clear();
    expect(() => book.summary).toThrow("'RBook.summary' is not available due to raiseload=True");
    expect(statements()).toEqual([]);
    const again = session.scalar(
      select(RBook).where(RB.id.eq(2)).options(undefer("*")).execution_options({ populate_existing: true }),
    ) as RBook;
    expect(again).toBe(book);
    expect(statements()).toEqual([
      "SELECT book.id, book.owner_id, book.title, book.summary, book.cover_photo \n" +
        `FROM book \nWHERE book.id = ${p("id_1")}`,
    ]);
    expect(book.summary).toBe("another long summary");
  });

  it("Load(entity) and the options' errors", () => {
    setup();
    expect(str(select(User, Book).join_from(User, Book).options(new Load(Book).load_only(B.title)))).toBe(
      "SELECT user_account.id, user_account.name, user_account.fullname, book.id AS id_1, book.title \n" +
        "FROM user_account JOIN book ON user_account.id = book.owner_id",
    );
    expect(() => defer("summary")).toThrow(
      "Strings are not accepted for attribute names in loader options; please use class-bound attributes directly.",
    );
    // a deferred column read on a detached object
    const engine = create_engine(url);
    let b: Book;
    {
      using session = new Session(engine);
      b = session.scalar(select(Book).options(defer(B.summary)).where(B.id.eq(1))) as Book;
    }
    expect(() => b.summary).toThrow(
      /^Parent instance <Book at 0x[0-9a-f]+> is not bound to a Session; deferred load operation of attribute 'summary' cannot proceed \(Background on this error at: https:\/\/sqlalche\.me\/e\/20\/bhk3\)$/,
    );
  });
});
