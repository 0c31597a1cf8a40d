/**
 * ORM-enabled update() / delete() through Session.execute() on both databases: the SQL each
 * synchronize_session strategy emits, what happens to the objects already loaded, the evaluator's
 * errors, and compiled-cache entries apart from the Core statements on the same table.
 */
import {
  create_engine,
  delete_,
  func,
  Integer,
  insert,
  inspect,
  repr,
  String as StringType,
  select,
  str,
  update,
} from "sqlalchemy";
import { InvalidRequestError } from "sqlalchemy/exc";
import { DeclarativeBase, mapped_column, Session } from "sqlalchemy/orm";
import { expect, it } from "vitest";
import { captureOutput, eachDatabase } from "./support.ts";

class Base extends DeclarativeBase {}

class User extends Base {
  static __tablename__ = "user_account";
  @mapped_column({ primary_key: true }) accessor id!: number;
  @mapped_column(StringType(30)) accessor name!: string;
  @mapped_column(Integer) accessor age!: number;
}

const User_ = User as unknown as Record<string, any>;
const user_table = (User as unknown as { __table__: any }).__table__;

eachDatabase("ORM-enabled update()/delete()", ({ kind, url }) => {
  const out = captureOutput();
  const pg = kind === "postgresql";
  const p = (name: string) => (pg ? `%(${name})s` : "?");
  const returningId = pg ? "RETURNING user_account.id" : "RETURNING id";
  const setup = () => {
    const engine = create_engine(url, { echo: false });
    Base.metadata.create_all(engine);
    {
      using session = new Session(engine);
      session.execute(insert(User), [
        { name: "spongebob", age: 20 },
        { name: "sandy", age: 25 },
        { name: "patrick", age: 31 },
      ]);
      session.commit();
    }
    engine.echo = true;
    return engine;
  };
  const loaded = (session: Session) => {
    const users = session.scalars(select(User).order_by(User_.id)).all() as User[];
    out.clear();
    return users;
  };

  it("'auto' evaluates an evaluable WHERE and SET in Python: no SQL beyond the UPDATE", () => {
    using session = new Session(setup());
    const users = loaded(session);
    const result = session.execute(
      update(User)
        .where(User_.age.lt(30))
        .values({ age: User_.age.add(1) }),
    );
    expect((result as { rowcount: number }).rowcount).toBe(2);
    expect(out.sql()).toEqual([
      `UPDATE user_account SET age=(user_account.age + ${p("age_1")}) WHERE user_account.age < ${p("age_2")}`,
      pg ? "[generated in Xs] {'age_1': 1, 'age_2': 30}" : "[generated in Xs] (1, 30)",
    ]);
    out.clear();
    expect(users.map((u) => u.age)).toEqual([21, 26, 31]);
    expect(session.dirty.size).toBe(0);
    expect(out.sql()).toEqual([]);
  });

  it("'evaluate' with a SQL function in the WHERE raises InvalidRequestError before any SQL", () => {
    using session = new Session(setup());
    loaded(session);
    const stmt = update(User).where(func.lower(User_.name).eq("sandy")).values({ age: 99 });
    let err: unknown;
    try {
      session.execute(stmt, undefined, { execution_options: { synchronize_session: "evaluate" } });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(InvalidRequestError);
    expect(str(err)).toBe(
      `Could not evaluate current criteria in Python: "Cannot evaluate Function". Specify 'fetch' or False for the synchronize_session execution option.`,
    );
    expect(out.sql()).toEqual([]);
  });

  it("'auto' falls back to 'fetch': RETURNING the primary key, the SET values applied to the matched objects", () => {
    using session = new Session(setup());
    const users = loaded(session);
    session.execute(update(User).where(func.lower(User_.name).eq("sandy")).values({ age: 99 }));
    expect(out.sql()).toEqual([
      `UPDATE user_account SET age=${p("age")} WHERE lower(user_account.name) = ${p("lower_1")} ${returningId}`,
      pg ? "[generated in Xs] {'age': 99, 'lower_1': 'sandy'}" : "[generated in Xs] (99, 'sandy')",
    ]);
    expect(users.map((u) => u.age)).toEqual([20, 99, 31]);
  });

  it("false leaves the loaded objects stale until they are expired", () => {
    using session = new Session(setup());
    const users = loaded(session);
    session.execute(update(User).values({ age: User_.age.mul(2) }), undefined, {
      execution_options: { synchronize_session: false },
    });
    expect(out.sql()[0]).toBe(`UPDATE user_account SET age=(user_account.age * ${p("age_1")})`);
    expect(users.map((u) => u.age)).toEqual([20, 25, 31]);
    session.expire_all();
    expect(users.map((u) => u.age)).toEqual([40, 50, 62]);
  });

  it("an unevaluable SET expression expires the attribute on the matched objects", () => {
    using session = new Session(setup());
    const users = loaded(session);
    session.execute(
      update(User)
        .where(User_.id.eq(1))
        .values({ name: func.upper(User_.name) }),
    );
    expect(inspect(users[0]!).expired_attributes.has("name")).toBe(true);
    expect(inspect(users[1]!).expired_attributes.has("name")).toBe(false);
    expect(users[0]!.name).toBe("SPONGEBOB");
  });

  it("delete: 'auto' marks the evaluated matches deleted, 'fetch' uses DELETE … RETURNING", () => {
    using session = new Session(setup());
    const users = loaded(session);
    session.execute(delete_(User).where(User_.age.gt(30)));
    expect(out.sql()[0]).toBe(`DELETE FROM user_account WHERE user_account.age > ${p("age_1")}`);
    expect(inspect(users[2]!).deleted).toBe(true);
    expect(inspect(users[2]!).detached).toBe(false);
    out.clear();
    session.execute(delete_(User).where(func.lower(User_.name).eq("sandy")), undefined, {
      execution_options: { synchronize_session: "fetch" },
    });
    expect(out.sql()[0]).toBe(
      `DELETE FROM user_account WHERE lower(user_account.name) = ${p("lower_1")} ${returningId}`,
    );
    expect(inspect(users[1]!).deleted).toBe(true);
    expect(session.identity_map.length).toBe(1);
  });

  it("an unknown strategy is an ArgumentError", () => {
    using session = new Session(setup());
    expect(() =>
      session.execute(update(User).values({ age: 1 }), undefined, {
        execution_options: { synchronize_session: "sometimes" },
      }),
    ).toThrow("Valid strategies for session synchronization are 'auto', 'evaluate', 'fetch', False");
  });

  it("update(User) with a list of dictionaries: an UPDATE by primary key per run of the same keys, the loaded objects updated", () => {
    using session = new Session(setup());
    const users = loaded(session);
    const result = session.execute(update(User), [
      { id: 1, age: 21 },
      { id: 2, age: 26 },
      { id: 3, name: "pat", age: 32 },
    ]);
    expect(repr(result)).toMatch(/^<sqlalchemy\.engine\.result\.IteratorResult object at 0x[0-9a-f]+>$/);
    expect(out.sql()).toEqual([
      `UPDATE user_account SET age=${p("age")} WHERE user_account.id = ${p("user_account_id")}`,
      pg
        ? "[generated in Xs] [{'age': 21, 'user_account_id': 1}, {'age': 26, 'user_account_id': 2}]"
        : "[generated in Xs] [(21, 1), (26, 2)]",
      `UPDATE user_account SET name=${p("name")}, age=${p("age")} WHERE user_account.id = ${p("user_account_id")}`,
      pg
        ? "[generated in Xs] {'name': 'pat', 'age': 32, 'user_account_id': 3}"
        : "[generated in Xs] ('pat', 32, 3)",
    ]);
    out.clear();
    expect(users.map((u) => [u.name, u.age])).toEqual([
      ["spongebob", 21],
      ["sandy", 26],
      ["pat", 32],
    ]);
    expect(session.dirty.size).toBe(0);
    expect(out.sql()).toEqual([]);
  });

  it("bulk UPDATE by primary key: autoflush first, then the errors SQLAlchemy raises", () => {
    using session = new Session(setup());
    const users = loaded(session);
    users[1]!.age = 99;
    expect(() => session.execute(update(User), [{ age: 1 }])).toThrow(
      "No primary key value supplied for column(s) user_account.id; per-row ORM Bulk UPDATE by Primary Key requires that records contain primary key values (Background on this error at: https://sqlalche.me/e/20/bupq)",
    );
    expect(out.sql()).toEqual([
      `UPDATE user_account SET age=${p("age")} WHERE user_account.id = ${p("user_account_id")}`,
      pg ? "[generated in Xs] {'age': 99, 'user_account_id': 2}" : "[generated in Xs] (99, 2)",
    ]);
    out.clear();
    expect(() =>
      session.execute(update(User), [{ id: 1, age: 1 }], {
        execution_options: { synchronize_session: "fetch" },
      }),
    ).toThrow(
      "The 'fetch' synchronization strategy is not available for 'bulk' ORM updates (i.e. multiple parameter sets)",
    );
    expect(() => session.execute(update(User).where(User_.name.ne("x")), [{ id: 1, age: 1 }])).toThrow(
      "bulk synchronize of persistent objects not supported when using bulk update with additional WHERE criteria right now.  add synchronize_session=None execution option to bypass synchronize of persistent objects.",
    );
    expect(out.sql()).toEqual([]);
    session.execute(
      update(User).where(User_.name.ne("x")),
      [
        { id: 1, age: 40 },
        { id: 2, age: 41 },
      ],
      { execution_options: { synchronize_session: false } },
    );
    expect(out.sql()).toEqual([
      `UPDATE user_account SET age=${p("age")} WHERE user_account.name != ${p("name_1")} AND user_account.id = ${p("user_account_id")}`,
      pg
        ? "[generated in Xs] [{'age': 40, 'name_1': 'x', 'user_account_id': 1}, {'age': 41, 'name_1': 'x', 'user_account_id': 2}]"
        : "[generated in Xs] [(40, 'x', 1), (41, 'x', 2)]",
    ]);
    expect(users.map((u) => u.age)).toEqual([20, 99, 31]);
    out.clear();
    expect(() =>
      session.execute(update(User), [
        { id: 1, age: 1 },
        { id: 9, age: 1 },
      ]),
    ).toThrow("UPDATE statement on table 'user_account' expected to update 2 row(s); 1 were matched.");
  });

  it("the ORM statement has its own compiled-cache entry, apart from the Core statement on the table", () => {
    const engine = setup();
    using session = new Session(engine);
    const core = () =>
      update(user_table)
        .where(user_table.c.age.lt(30))
        .values({ age: user_table.c.age.add(1) });
    const orm = () =>
      update(User)
        .where(User_.age.lt(30))
        .values({ age: User_.age.add(1) });
    session.execute(core());
    session.execute(orm(), undefined, { execution_options: { synchronize_session: false } });
    session.execute(orm(), undefined, { execution_options: { synchronize_session: false } });
    session.execute(core());
    const stats = out.sql().filter((l) => l.startsWith("["));
    expect(stats.map((l) => l.replace(/\] .*/, "]"))).toEqual([
      "[generated in Xs]",
      "[generated in Xs]",
      "[cached since Xs ago]",
      "[cached since Xs ago]",
    ]);
  });

  it("Core: a SET expression is parenthesized, a value compared with a function binds under its name", () => {
    const engine = setup();
    engine.begin((conn) => {
      out.clear();
      conn.execute(
        update(user_table)
          .where(func.lower(user_table.c.name).eq("sandy"))
          .values({ age: user_table.c.age.add(1) }),
      );
      expect(out.sql()[0]).toBe(
        `UPDATE user_account SET age=(user_account.age + ${p("age_1")}) WHERE lower(user_account.name) = ${p("lower_1")}`,
      );
    });
  });
});
