/**
 * What the log shows is what runs, also with event listeners attached (the notebook attaches
 * before_cursor_execute and begin to every engine): a before_cursor_execute listener sees exactly the
 * statements and parameters the echo log shows, in the same order, for every execution style the
 * ORM's flush uses (insertmanyvalues batches of one row each on SQLite, one batch with sentinel
 * ordering on PostgreSQL, executemany UPDATEs), and a row failing in the middle of a flush is the one
 * the error, the log and the listener name.
 */
import { create_engine, event, repr, String as StringType, select } from "sqlalchemy";
import { IntegrityError } from "sqlalchemy/exc";
import { DeclarativeBase, mapped_column, Session } from "sqlalchemy/orm";
import { expect, it } from "vitest";
import { captureOutput, eachDatabase } from "./support.ts";

class Base extends DeclarativeBase {}

class User extends Base {
  static __tablename__ = "user_account";
  @mapped_column({ primary_key: true }) accessor id!: number;
  @mapped_column(StringType(30), { unique: true }) accessor name!: string;
  @mapped_column(StringType, { nullable: true }) accessor fullname!: string | null;
}

const User_ = User as unknown as Record<string, any>;

interface Seen {
  readonly statement: string;
  readonly parameters: string;
  readonly executemany: boolean;
}

eachDatabase("before_cursor_execute and the echo log", ({ kind, url }) => {
  const out = captureOutput();
  const pg = kind === "postgresql";

  /** An engine with echo on and a before_cursor_execute listener recording what it is handed. */
  const setup = () => {
    const engine = create_engine(url);
    Base.metadata.create_all(engine);
    const seen: Seen[] = [];
    event.listen(engine, "before_cursor_execute", (_conn, _cursor, statement, parameters, _ctx, many) => {
      seen.push({ statement, parameters: repr(parameters), executemany: many });
    });
    engine.echo = true;
    out.clear();
    return { engine, seen };
  };

  /** The statements of the echo log, each with the parameters of its `[…] params` line. */
  const logged = () => {
    const records = out.records.filter((r) => r.kind === "log" && r.tag !== "transaction");
    const pairs: { statement: string; parameters: string }[] = [];
    for (let i = 0; i < records.length; i += 2) {
      const [sql, params] = [records[i]!, records[i + 1]!] as { message: string; tag?: string }[];
      expect([sql!.tag, params?.tag]).toEqual(["statement", "params"]);
      pairs.push({ statement: sql!.message, parameters: params!.message.replace(/^\[[^\]]*\] /, "") });
    }
    return pairs;
  };

  const names = ["spongebob", "sandy", "patrick"];

  it("sees every statement of a flush of several objects as the log shows it, in order", () => {
    const { engine, seen } = setup();
    using session = new Session(engine);
    session.add_all(names.map((name) => new User({ name, fullname: name === "sandy" ? null : name })));
    session.flush();
    const [a, b] = session.scalars(select(User).order_by(User_.id)).all() as User[];
    a!.fullname = "A";
    b!.fullname = "B";
    session.commit();

    const log = logged();
    expect(seen.map(({ statement, parameters }) => ({ statement, parameters }))).toEqual(log);
    const inserts = pg
      ? [
          {
            statement:
              "INSERT INTO user_account (name, fullname) SELECT p0::VARCHAR, p1::VARCHAR FROM (VALUES (%(name__0)s, %(fullname__0)s, 0), (%(name__1)s, %(fullname__1)s, 1), (%(name__2)s, %(fullname__2)s, 2)) AS imp_sen(p0, p1, sen_counter) ORDER BY sen_counter RETURNING user_account.id, user_account.id AS id__1",
            parameters:
              "{'name__0': 'spongebob', 'fullname__0': 'spongebob', 'name__1': 'sandy', 'fullname__1': None, 'name__2': 'patrick', 'fullname__2': 'patrick'}",
          },
        ]
      : [
          { parameters: "('spongebob', 'spongebob')" },
          { parameters: "('sandy', None)" },
          { parameters: "('patrick', 'patrick')" },
        ].map((p) => ({
          statement: "INSERT INTO user_account (name, fullname) VALUES (?, ?) RETURNING id",
          ...p,
        }));
    expect(log.slice(0, inserts.length)).toEqual(inserts);
    expect(log.slice(-1)).toEqual([
      pg
        ? {
            statement:
              "UPDATE user_account SET fullname=%(fullname)s WHERE user_account.id = %(user_account_id)s",
            parameters: "[{'fullname': 'A', 'user_account_id': 1}, {'fullname': 'B', 'user_account_id': 2}]",
          }
        : {
            statement: "UPDATE user_account SET fullname=? WHERE user_account.id = ?",
            parameters: "[('A', 1), ('B', 2)]",
          },
    ]);
    // insertmanyvalues batches and the UPDATE's executemany are passed executemany=True, as SQLAlchemy does
    expect(seen.map((s) => s.executemany)).toEqual(
      log.map((_, i) => i < inserts.length || i === log.length - 1),
    );
  });

  it("a row failing in the middle of a flush is the one the error, the log and the listener name", () => {
    const { engine, seen } = setup();
    using session = new Session(engine);
    session.add(new User({ name: "taken" }));
    session.commit();
    out.clear();
    seen.length = 0;
    session.add_all(["a", "b", "taken", "c"].map((name) => new User({ name })));
    let error: unknown;
    try {
      session.flush();
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(IntegrityError);
    const message = (error as Error).message;
    const log = logged();
    expect(seen.map(({ statement, parameters }) => ({ statement, parameters }))).toEqual(log);
    if (pg) {
      // one batch holds every row
      expect(log.length).toBe(1);
      expect(message).toContain("'name__2': 'taken'");
    } else {
      // one INSERT per row: the rows before the failing one, then the failing one; 'c' never runs
      expect(log.map((l) => l.parameters)).toEqual(["('a', None)", "('b', None)", "('taken', None)"]);
      expect(message).toContain("[parameters: ('taken', None)]");
      expect(message).not.toContain("'c'");
    }
    session.rollback();
    expect(session.scalars(select(User_.name).order_by(User_.id)).all()).toEqual(["taken"]);
  });
});
