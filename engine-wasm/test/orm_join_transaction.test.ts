/**
 * A Session bound to a Connection that is already in a transaction joins it as
 * `join_transaction_mode` says (SQLAlchemy's "Joining a Session into an External Transaction"): by
 * default ("conditional_savepoint") the Connection's transaction is the Connection's — the session's
 * commit() does not commit it, its rollback() rolls it back; inside a SAVEPOINT the session works in a
 * SAVEPOINT of its own. The expected logs and values are what SQLAlchemy 2.0.52 printed for the same
 * code on SQLite.
 */
import { create_engine, text } from "sqlalchemy";
import { ArgumentError, SAWarning } from "sqlalchemy/exc";
import { Session } from "sqlalchemy/orm";
import { warnings } from "sqlalchemy/testing";
import { expect, it } from "vitest";
import { captureOutput, eachDatabase } from "./support.ts";

eachDatabase("a Session joined to a Connection's transaction", ({ url }) => {
  const out = captureOutput();

  function setup() {
    const engine = create_engine(url);
    {
      using ddl = engine.connect();
      ddl.execute(text("DROP TABLE IF EXISTS jt"));
      ddl.execute(text("CREATE TABLE jt (x INTEGER)"));
      ddl.commit();
    }
    engine.echo = true;
    const conn = engine.connect();
    out.clear();
    return { engine, conn };
  }
  const count = (conn: { execute(s: unknown): { scalar(): unknown } }) =>
    conn.execute(text("SELECT count(*) FROM jt")).scalar();

  it("by default commit() leaves the Connection's transaction open and rollback() rolls it back", () => {
    const { engine, conn } = setup();
    const trans = conn.begin();
    const session = new Session({ bind: conn });
    session.execute(text("INSERT INTO jt VALUES (1)"));
    session.commit();
    expect([conn.in_transaction(), trans.is_active]).toEqual([true, true]);
    session.execute(text("INSERT INTO jt VALUES (2)"));
    session.rollback();
    expect(count(conn)).toBe(0);
    session.close();
    let caught: { message: unknown; category: Function }[];
    {
      using ctx = warnings.catch_warnings({ record: true });
      warnings.simplefilter("always");
      caught = ctx.log!;
      trans.rollback();
    }
    expect(caught.map((w) => [w.category, String((w.message as Error).message)])).toEqual([
      [SAWarning, "transaction already deassociated from connection"],
    ]);
    expect(count(conn)).toBe(0);
    conn.close();
    expect(out.sql().filter((l) => !l.startsWith("["))).toEqual([
      "BEGIN (implicit)",
      "INSERT INTO jt VALUES (1)",
      "INSERT INTO jt VALUES (2)",
      "ROLLBACK",
      "BEGIN (implicit)",
      "SELECT count(*) FROM jt",
      "SELECT count(*) FROM jt",
      "ROLLBACK",
    ]);
    engine.dispose();
  });

  it("the Connection's own commit() ends what the session wrote", () => {
    const { engine, conn } = setup();
    const trans = conn.begin();
    const session = new Session({ bind: conn });
    session.execute(text("INSERT INTO jt VALUES (1)"));
    session.commit();
    session.close();
    trans.commit();
    expect(count(conn)).toBe(1);
    expect(out.sql().filter((l) => !l.startsWith("["))).toEqual([
      "BEGIN (implicit)",
      "INSERT INTO jt VALUES (1)",
      "COMMIT",
      "BEGIN (implicit)",
      "SELECT count(*) FROM jt",
    ]);
    conn.close();
    engine.dispose();
  });

  it("inside the Connection's SAVEPOINT the session works in a SAVEPOINT of its own", () => {
    const { engine, conn } = setup();
    conn.begin();
    conn.begin_nested();
    const session = new Session({ bind: conn });
    session.execute(text("INSERT INTO jt VALUES (1)"));
    session.rollback();
    expect(conn.in_nested_transaction()).toBe(true);
    session.execute(text("INSERT INTO jt VALUES (2)"));
    session.commit();
    expect(count(conn)).toBe(1);
    expect(out.sql().filter((l) => !l.startsWith("["))).toEqual([
      "BEGIN (implicit)",
      "SAVEPOINT sa_savepoint_1",
      "SAVEPOINT sa_savepoint_2",
      "INSERT INTO jt VALUES (1)",
      "ROLLBACK TO SAVEPOINT sa_savepoint_2",
      "SAVEPOINT sa_savepoint_3",
      "INSERT INTO jt VALUES (2)",
      "RELEASE SAVEPOINT sa_savepoint_3",
      "SELECT count(*) FROM jt",
    ]);
    session.close();
    conn.close();
    engine.dispose();
  });

  it('"control_fully" commits the Connection\'s transaction', () => {
    const { engine, conn } = setup();
    const trans = conn.begin();
    const session = new Session({ bind: conn, join_transaction_mode: "control_fully" });
    session.execute(text("INSERT INTO jt VALUES (1)"));
    session.commit();
    expect([conn.in_transaction(), trans.is_active]).toEqual([false, false]);
    expect(count(conn)).toBe(1);
    expect(out.sql().filter((l) => !l.startsWith("["))).toEqual([
      "BEGIN (implicit)",
      "INSERT INTO jt VALUES (1)",
      "COMMIT",
      "BEGIN (implicit)",
      "SELECT count(*) FROM jt",
    ]);
    session.close();
    conn.close();
    engine.dispose();
  });

  it("an unknown mode is refused", () => {
    expect(() => new Session({ join_transaction_mode: "sometimes" as never })).toThrow(
      new ArgumentError('invalid selection for join_transaction_mode: "sometimes"'),
    );
  });
});
