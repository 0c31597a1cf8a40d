/**
 * ORM loading on both databases: selectinload with parents already in the identity map (and
 * populate_existing), joinedload / contains_eager, aliased() entities and ORM joins, many-to-many
 * through a secondary table. Each test checks the exact SQL.
 */
import {
  Column,
  create_engine,
  ForeignKey,
  insert,
  repr,
  String as StringType,
  select,
  str,
  Table,
  text,
} from "sqlalchemy";
import {
  aliased,
  contains_eager,
  DeclarativeBase,
  joinedload,
  mapped_column,
  relationship,
  Session,
  selectinload,
} from "sqlalchemy/orm";
import { describe, expect, it } from "vitest";
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

/** Many-to-many through an association table (its own MetaData). */
class SchoolBase extends DeclarativeBase {}
const enrollment = new Table(
  "enrollment",
  SchoolBase.metadata,
  new Column("student_id", ForeignKey("student.id"), { primary_key: true }),
  new Column("course_id", ForeignKey("course.id"), { primary_key: true }),
);
class Student extends SchoolBase {
  static __tablename__ = "student";
  @mapped_column({ primary_key: true }) accessor id!: number;
  @mapped_column(StringType(30)) accessor name!: string;
  @relationship(() => Course, { secondary: enrollment, back_populates: "students", order_by: "Course.id" })
  accessor courses!: Course[];
}
class Course extends SchoolBase {
  static __tablename__ = "course";
  @mapped_column({ primary_key: true }) accessor id!: number;
  @mapped_column(StringType(30)) accessor title!: string;
  @relationship(() => Student, { secondary: "enrollment", back_populates: "courses" })
  accessor students!: Student[];
}
const Student_ = Student as unknown as Record<string, any>;
/** Relationships that load eagerly by themselves (lazy="joined" / "selectin"). */
class EagerBase extends DeclarativeBase {}
class Author extends EagerBase {
  static __tablename__ = "author";
  @mapped_column({ primary_key: true }) accessor id!: number;
  @mapped_column(StringType(30)) accessor name!: string;
  @relationship(() => Book, { back_populates: "author", lazy: "selectin", order_by: "Book.id" })
  accessor books!: Book[];
}
class Book extends EagerBase {
  static __tablename__ = "book";
  @mapped_column({ primary_key: true }) accessor id!: number;
  @mapped_column(StringType(30)) accessor title!: string;
  @mapped_column(ForeignKey("author.id")) accessor author_id!: number;
  @relationship(() => Author, { back_populates: "books", lazy: "joined", innerjoin: true })
  accessor author!: Author;
}
const Author_ = Author as unknown as Record<string, any>;
const Book_ = Book as unknown as Record<string, any>;

const Course_ = Course as unknown as Record<string, any>;

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
    // populate_existing on a statement with loader options is part of its cache key; the selectin
    // SELECT is the cached one
    const params = out.sql().filter((l) => l.startsWith("["));
    expect(params[0]).toMatch(/^\[generated in Xs\]/);
    expect(params[1]).toMatch(/^\[cached since Xs ago\]/);
    // without loader options it shares the statement's compiled entry
    const plain = () => select(User).where(User_.id.eq(2));
    session.scalars(plain()).all();
    out.clear();
    session.scalars(plain().execution_options({ populate_existing: true })).all();
    expect(out.sql().filter((l) => l.startsWith("["))[0]).toMatch(/^\[cached since Xs ago\]/);
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

  it("joinedload on many-to-one fills a scalar through an anonymous alias; innerjoin=True joins inner", () => {
    const engine = setup();
    using session = new Session(engine);
    const stmt = select(Address).options(joinedload(Address_.user)).order_by(Address_.id);
    const addrs = session.scalars(stmt).all() as Address[];
    expect(addrs.map((a) => (a.user.constructor as any).__name__)).toEqual(["User", "User", "User"]);
    expect(addrs.map((a) => a.user.name)).toEqual(["spongebob", "sandy", "sandy"]);
    expect(statements()).toEqual([
      "SELECT address.id, address.email, address.user_id, user_account_1.id AS id_1, user_account_1.name \n" +
        "FROM address LEFT OUTER JOIN user_account AS user_account_1 ON user_account_1.id = address.user_id ORDER BY address.id",
    ]);
    session.scalars(stmt).all();
    expect(out.sql().at(-1)).toMatch(/^\[cached since Xs ago\]/);
    // str() of the statement shows its eager join, as SQLAlchemy compiles an ORM statement
    expect(str(stmt)).toBe(
      "SELECT address.id, address.email, address.user_id, user_account_1.id AS id_1, user_account_1.name \n" +
        "FROM address LEFT OUTER JOIN user_account AS user_account_1 ON user_account_1.id = address.user_id ORDER BY address.id",
    );
    out.clear();
    session.scalars(select(Address).options(joinedload(Address_.user, { innerjoin: true }))).all();
    expect(statements()[0]).toContain("FROM address JOIN user_account AS user_account_1 ON");
  });

  it("joinedload on one-to-many orders by the relationship's order_by in terms of the alias", () => {
    const engine = setup();
    using session = new Session(engine);
    const users = session
      .scalars(
        select(User)
          .options(joinedload(User_.addresses, { innerjoin: true }))
          .order_by(User_.id),
      )
      .unique()
      .all() as User[];
    expect(users.map((u) => [u.name, emails(u)])).toEqual([
      ["spongebob", ["sb@krusty.com"]],
      ["sandy", ["sandy@tree.com", "sandy@krusty.com"]],
    ]);
    expect(statements()).toEqual([
      "SELECT user_account.id, user_account.name, address_1.id AS id_1, address_1.email, address_1.user_id \n" +
        "FROM user_account JOIN address AS address_1 ON user_account.id = address_1.user_id ORDER BY user_account.id, address_1.id",
    ]);
  });

  it("contains_eager fills the relationship from the statement's own join, its columns first", () => {
    const engine = setup();
    using session = new Session(engine);
    const stmt = select(User)
      .join(User_.addresses)
      .where(Address_.email.like("%krusty%"))
      .options(contains_eager(User_.addresses))
      .order_by(User_.id, Address_.id);
    const users = session.scalars(stmt).unique().all() as User[];
    expect(users.map(emails)).toEqual([["sb@krusty.com"], ["sandy@krusty.com"]]);
    expect(statements()).toEqual([
      "SELECT address.id, address.email, address.user_id, user_account.id AS id_1, user_account.name \n" +
        "FROM user_account JOIN address ON user_account.id = address.user_id \n" +
        `WHERE address.email LIKE ${pg ? "%(email_1)s" : "?"} ORDER BY user_account.id, address.id`,
    ]);
    out.clear();
    const addrs = session
      .scalars(select(Address).join(Address_.user).options(contains_eager(Address_.user)))
      .all() as Address[];
    expect(addrs.map((a) => a.user.name).sort()).toEqual(["sandy", "sandy", "spongebob"]);
    expect(statements().filter((l) => l.startsWith("SELECT"))).toHaveLength(1);
  });

  it("aliased() entities: anonymous or named aliases, of_type joins, rows of two entities", () => {
    const engine = setup();
    using session = new Session(engine);
    const a1 = aliased(Address) as any;
    const a2 = aliased(Address, { name: "other" }) as any;
    const stmt = select(User_.name, a1.email, a2.email)
      .join(User_.addresses.of_type(a1))
      .join(User_.addresses.of_type(a2))
      .where(a1.email.like("%tree%"), a2.email.like("%krusty%"));
    expect(str(stmt)).toBe(
      "SELECT user_account.name, address_1.email, other.email AS email_1 \n" +
        "FROM user_account JOIN address AS address_1 ON user_account.id = address_1.user_id " +
        "JOIN address AS other ON user_account.id = other.user_id \n" +
        "WHERE address_1.email LIKE :email_2 AND other.email LIKE :email_3",
    );
    expect(
      session
        .execute(stmt)
        .all()
        .map((r) => [...r]),
    ).toEqual([["sandy", "sandy@tree.com", "sandy@krusty.com"]]);
    expect(str(a2)).toBe("aliased(Address)");
    const rows = session.execute(select(User, a1).join(User_.addresses.of_type(a1)).order_by(a1.id)).all();
    expect(rows.map((r) => [(r[0] as User).name, (r[1] as Address).email])).toEqual([
      ["spongebob", "sb@krusty.com"],
      ["sandy", "sandy@tree.com"],
      ["sandy", "sandy@krusty.com"],
    ]);
    // the unnamed alias has no key
    expect(repr(rows[0]!._fields)).toBe("('User',)");
    // an aliased object is the same identity as the class's
    expect(rows[0]![1]).toBe(session.get(Address, 1));
  });

  it("aliased() over a subquery of the entity: joined along the relationship or by foreign key", () => {
    const engine = setup();
    using session = new Session(engine);
    const subq = select(Address).where(Address_.email.like("%krusty%")).subquery();
    const aq = aliased(Address, subq, { name: "address" }) as any;
    const sql =
      "SELECT user_account.id, user_account.name, anon_1.id AS id_1, anon_1.email, anon_1.user_id \n" +
      "FROM user_account JOIN (SELECT address.id AS id, address.email AS email, address.user_id AS user_id \n" +
      "FROM address \nWHERE address.email LIKE :email_1) AS anon_1 ON user_account.id = anon_1.user_id";
    const viaRel = select(User, aq).join(User_.addresses.of_type(aq)).order_by(aq.id);
    expect(str(viaRel)).toBe(`${sql} ORDER BY anon_1.id`);
    const rows = session.execute(viaRel).all();
    expect(rows.map((r) => `${r.User.name} ${r.address.email}`)).toEqual([
      "spongebob sb@krusty.com",
      "sandy sandy@krusty.com",
    ]);
    expect(str(select(User, aq).join(aq))).toBe(sql);
  });

  it("from_statement() loads entities from a textual SELECT, matching its columns by name", () => {
    const engine = setup();
    using session = new Session(engine);
    const users = session
      .execute(select(User).from_statement(text("SELECT id, name FROM user_account ORDER BY id")))
      .scalars()
      .all() as User[];
    expect(users.map((u) => u.name)).toEqual(["spongebob", "sandy", "patrick"]);
    expect(users[0]).toBe(session.get(User, 1));
    expect(statements()[0]).toBe("SELECT id, name FROM user_account ORDER BY id");
  });

  it("a statement with a new aliased() built the same way again is cached, and still loads its rows", () => {
    const engine = setup();
    using session = new Session(engine);
    const run = () => {
      const a = aliased(Address) as any;
      return session
        .execute(select(User, a).join(User_.addresses.of_type(a)).where(a.email.like("%tree%")))
        .all()
        .map((r) => `${(r[0] as User).name} ${(r[1] as Address).email}`);
    };
    expect(run()).toEqual(["sandy sandy@tree.com"]);
    expect(run()).toEqual(["sandy sandy@tree.com"]);
    const params = out.sql().filter((l) => l.startsWith("["));
    expect(params[0]).toMatch(/^\[generated in Xs\]/);
    expect(params[1]).toMatch(/^\[cached since Xs ago\]/);
  });

  describe("many-to-many through a secondary table", () => {
    const school = () => {
      const engine = create_engine(url, { echo: false });
      SchoolBase.metadata.create_all(engine);
      engine.echo = true;
      return engine;
    };
    const rows = (engine: ReturnType<typeof school>) => {
      using c = engine.connect();
      return c
        .execute(select(enrollment).order_by(enrollment.c.student_id, enrollment.c.course_id))
        .all()
        .map((r) => [...r]);
    };

    it("the flush inserts and deletes association rows, once for both sides", () => {
      const engine = school();
      {
        using session = new Session(engine);
        const [a, b] = [new Course({ title: "a" }), new Course({ title: "b" })];
        const s1 = new Student({ name: "s1", courses: [a] });
        session.add(s1);
        session.flush();
        expect(statements()).toEqual([
          `INSERT INTO course (title) VALUES (${pg ? "%(title)s) RETURNING course.id" : "?)"}`,
          `INSERT INTO student (name) VALUES (${pg ? "%(name)s) RETURNING student.id" : "?)"}`,
          `INSERT INTO enrollment (student_id, course_id) VALUES (${pg ? "%(student_id)s, %(course_id)s" : "?, ?"})`,
        ]);
        // appended from the other side: Student.courses follows in memory, one row is written (b is
        // added first: in SQLAlchemy 2.0 a backref append does not cascade an object into the Session)
        session.add(b);
        b.students.push(s1);
        expect(s1.courses.map((c) => c.title)).toEqual(["a", "b"]);
        out.clear();
        session.flush();
        expect(statements().filter((l) => l.startsWith("INSERT INTO enrollment"))).toHaveLength(1);
        (s1.courses as any).remove(a);
        out.clear();
        session.commit();
        expect(statements()).toEqual([
          `DELETE FROM enrollment WHERE enrollment.student_id = ${pg ? "%(student_id)s" : "?"} AND enrollment.course_id = ${pg ? "%(course_id)s" : "?"}`,
        ]);
      }
      expect(rows(engine)).toEqual([[1, 2]]);
    });

    it("lazy load, selectinload and join go through the secondary table; delete removes the rows", () => {
      const engine = school();
      {
        using session = new Session(engine);
        const [a, b] = [new Course({ title: "a" }), new Course({ title: "b" })];
        session.add_all([
          new Student({ name: "s1", courses: [a, b] }),
          new Student({ name: "s2", courses: [b] }),
        ]);
        session.commit();
      }
      using session = new Session(engine);
      const s1 = session.get(Student, 1) as Student;
      out.clear();
      expect(s1.courses.map((c) => c.title)).toEqual(["a", "b"]);
      expect(statements()).toEqual([
        "SELECT course.id AS course_id, course.title AS course_title \nFROM course, enrollment \n" +
          `WHERE ${pg ? "%(param_1)s" : "?"} = enrollment.student_id AND course.id = enrollment.course_id ORDER BY course.id`,
      ]);
      out.clear();
      session.scalars(select(Student).options(selectinload(Student_.courses))).all();
      expect(statements()[1]).toBe(
        "SELECT student_1.id AS student_1_id, course.id AS course_id, course.title AS course_title \n" +
          "FROM student AS student_1 JOIN enrollment AS enrollment_1 ON student_1.id = enrollment_1.student_id " +
          "JOIN course ON course.id = enrollment_1.course_id \n" +
          `WHERE student_1.id IN (${inList("primary_keys", 2)}) ORDER BY course.id`,
      );
      const join = () => select(Course_.title).join(Course_.students).where(Student_.name.eq("s2"));
      expect(str(join())).toBe(
        "SELECT course.title \nFROM course JOIN enrollment AS enrollment_1 ON course.id = enrollment_1.course_id " +
          "JOIN student ON student.id = enrollment_1.student_id \nWHERE student.name = :name_1",
      );
      out.clear();
      expect(session.scalars(join()).all()).toEqual(["b"]);
      expect(session.scalars(join()).all()).toEqual(["b"]);
      expect(out.sql().filter((l) => l.startsWith("["))[1]).toMatch(/^\[cached since Xs ago\]/);
      session.delete(s1);
      session.commit();
      expect(rows(engine)).toEqual([[2, 2]]);
    });
  });

  it('lazy="joined" and lazy="selectin" on the relationship; chained options', () => {
    const engine = create_engine(url, { echo: false });
    EagerBase.metadata.create_all(engine);
    {
      using session = new Session(engine);
      session.add(new Author({ name: "a", books: [new Book({ title: "x" }), new Book({ title: "y" })] }));
      session.commit();
    }
    engine.echo = true;
    {
      using session = new Session(engine);
      const books = session.scalars(select(Book).order_by(Book_.id)).all() as Book[];
      expect(books.map((b) => b.author.books.map((x) => x.title))).toEqual([
        ["x", "y"],
        ["x", "y"],
      ]);
      expect(statements()).toEqual([
        "SELECT book.id, book.title, book.author_id, author_1.id AS id_1, author_1.name \n" +
          "FROM book JOIN author AS author_1 ON author_1.id = book.author_id ORDER BY book.id",
        // Author.books (lazy="selectin") is not loaded for authors reached from Book: Book is on
        // the path; reading it lazy loads, without joining the author again
        "SELECT book.id AS book_id, book.title AS book_title, book.author_id AS book_author_id \n" +
          `FROM book \nWHERE ${pg ? "%(param_1)s" : "?"} = book.author_id ORDER BY book.id`,
      ]);
    }
    out.clear();
    {
      using session = new Session(engine);
      const authors = session
        .scalars(select(Author).options(selectinload(Author_.books).joinedload(Book_.author)))
        .all() as Author[];
      expect(authors[0]!.books.map((b) => b.author.name)).toEqual(["a", "a"]);
      expect(statements()).toHaveLength(2);
    }
  });
});
