/**
 * Engine, Connection, transactions, text() and Result on both databases, checked against what
 * SQLAlchemy 2.0 logs and returns (the conformance transcripts are the source of the expected text).
 */

import { create_engine, text } from "sqlalchemy";
import {
  IntegrityError,
  InvalidRequestError,
  MultipleResultsFound,
  NoResultFound,
  ObjectNotExecutableError,
  OperationalError,
  ProgrammingError,
  ResourceClosedError,
  StatementError,
  TimeoutError,
} from "sqlalchemy/exc";
import { expect, it } from "vitest";
import { captureOutput, eachDatabase } from "./support.ts";

eachDatabase("Connection", ({ kind, url }) => {
  const out = captureOutput();
  const pg = kind === "postgresql";
  const bind = (name: string) => (pg ? `%(${name})s` : "?");
  const noParams = pg ? "{}" : "()";

  it("logs BEGIN (implicit), the statement, its cache status and ROLLBACK on close", () => {
    const engine = create_engine(url, { echo: true });
    {
      using conn = engine.connect();
      expect(conn.execute(text("SELECT 1")).scalar()).toBe(1);
      expect(conn.in_transaction()).toBe(true);
      conn.execute(text("SELECT 1")).all();
    }
    const firstConnect = pg
      ? [
          "select pg_catalog.version()",
          `[raw sql] ${noParams}`,
          "select current_schema()",
          `[raw sql] ${noParams}`,
          "show standard_conforming_strings",
          `[raw sql] ${noParams}`,
        ]
      : [];
    expect(out.sql()).toEqual([
      ...firstConnect,
      "BEGIN (implicit)",
      "SELECT 1",
      `[generated in Xs] ${noParams}`,
      "SELECT 1",
      `[cached since Xs ago] ${noParams}`,
      "ROLLBACK",
    ]);
    expect(out.lines()[0]).toMatch(/^<TS> INFO sqlalchemy\.engine\.Engine /);
  });

  it("rolls back work that was not committed, and keeps what was", () => {
    const engine = create_engine(url);
    engine.begin((conn) => {
      conn.execute(text("CREATE TABLE t (x INTEGER, y INTEGER)"));
    });
    {
      using conn = engine.connect();
      conn.execute(text("INSERT INTO t (x, y) VALUES (:x, :y)"), { x: 1, y: 1 });
      conn.commit();
      conn.execute(text("INSERT INTO t (x, y) VALUES (:x, :y)"), { x: 2, y: 4 });
      expect(conn.execute(text("SELECT count(*) FROM t")).scalar()).toBe(2);
    }
    using conn = engine.connect();
    expect(conn.execute(text("SELECT x FROM t")).scalars().all()).toEqual([1]);
  });

  it("does not let another connection see uncommitted writes", () => {
    const engine = create_engine(url);
    engine.begin((conn) => conn.execute(text("CREATE TABLE t (x INTEGER)")));
    using writer = engine.connect();
    writer.execute(text("INSERT INTO t (x) VALUES (1)"));
    {
      using reader = engine.connect();
      expect(reader.execute(text("SELECT count(*) FROM t")).scalar()).toBe(0);
    }
    expect(writer.execute(text("SELECT count(*) FROM t")).scalar()).toBe(1);
    writer.commit();
    using reader = engine.connect();
    expect(reader.execute(text("SELECT count(*) FROM t")).scalar()).toBe(1);
  });

  it("engine.begin() commits when the callback returns and rolls back when it throws", () => {
    const engine = create_engine(url, { echo: true });
    const value = engine.begin((conn) => {
      conn.execute(text("CREATE TABLE t (x INTEGER)"));
      return 42;
    });
    expect(value).toBe(42);
    expect(() =>
      engine.begin((conn) => {
        conn.execute(text("INSERT INTO t (x) VALUES (1)"));
        throw new Error("boom");
      }),
    ).toThrow("boom");
    const log = out.sql();
    expect(log.filter((l) => l === "COMMIT" || l === "ROLLBACK")).toEqual(["COMMIT", "ROLLBACK"]);
    using conn = engine.connect();
    expect(conn.execute(text("SELECT count(*) FROM t")).scalar()).toBe(0);
  });

  it("commit() or rollback() inside a begin() block ends it; more work in the block raises", () => {
    const engine = create_engine(url);
    engine.begin((conn) => conn.execute(text("CREATE TABLE t (x INTEGER)")));
    const closed =
      "Can't operate on closed transaction inside context manager.  Please complete the context manager before emitting further commands.";
    engine.begin((conn) => {
      conn.execute(text("INSERT INTO t (x) VALUES (1)"));
      conn.commit();
      expect(conn.in_transaction()).toBe(false);
      expect(() => conn.execute(text("SELECT 1"))).toThrow(new InvalidRequestError(closed));
      expect(() => conn.begin_nested()).toThrow(new InvalidRequestError(closed));
    });
    engine.begin((conn) => {
      conn.execute(text("INSERT INTO t (x) VALUES (2)"));
      conn.rollback();
      expect(() => conn.execute(text("INSERT INTO t (x) VALUES (3)"))).toThrow(
        new InvalidRequestError(closed),
      );
    });
    using conn = engine.connect();
    conn.begin(() => {
      conn.commit();
      expect(() => conn.execute(text("SELECT 1"))).toThrow(new InvalidRequestError(closed));
    });
    // after the block the connection autobegins again
    expect(conn.execute(text("SELECT x FROM t")).scalars().all()).toEqual([1]);
  });

  it("renders bound parameters in the driver's paramstyle and logs what goes to the driver", () => {
    const engine = create_engine(url, { echo: true });
    using conn = engine.connect();
    conn.execute(text("CREATE TABLE t (x INTEGER, y INTEGER)"));
    out.clear();
    const r = conn.execute(text("INSERT INTO t (x, y) VALUES (:x, :y)"), [
      { x: 1, y: 1 },
      { x: 2, y: 4 },
    ]);
    expect(r.rowcount).toBe(2);
    const rows = conn.execute(text("SELECT x, y FROM t WHERE y > :y ORDER BY x"), { y: 0 }).all();
    expect(rows.map((row) => [row.x, row.y])).toEqual([
      [1, 1],
      [2, 4],
    ]);
    expect(out.sql()).toEqual([
      `INSERT INTO t (x, y) VALUES (${bind("x")}, ${bind("y")})`,
      pg ? "[generated in Xs] [{'x': 1, 'y': 1}, {'x': 2, 'y': 4}]" : "[generated in Xs] [(1, 1), (2, 4)]",
      `SELECT x, y FROM t WHERE y > ${bind("y")} ORDER BY x`,
      pg ? "[generated in Xs] {'y': 0}" : "[generated in Xs] (0,)",
    ]);
  });

  it("raises StatementError for a missing bind parameter and ignores extra keys", () => {
    const engine = create_engine(url);
    using conn = engine.connect();
    let err: unknown;
    try {
      conn.execute(text("SELECT :x AS a, :y AS b"), { x: 1 });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(StatementError);
    expect(String((err as Error).message)).toBe(
      `(sqlalchemy.exc.InvalidRequestError) A value is required for bind parameter 'y'\n[SQL: SELECT ${bind("x")} AS a, ${bind("y")} AS b]\n[parameters: [{'x': 1}]]\n(Background on this error at: https://sqlalche.me/e/20/cd3x)`,
    );
    expect(
      conn
        .execute(text("SELECT :x AS a"), { x: 3, unused: 9 })
        .all()
        .map((r) => r.a),
    ).toEqual([3]);
  });

  it("wraps driver errors in the sqlalchemy.exc class with SQL and parameters", () => {
    const engine = create_engine(url);
    using conn = engine.connect();
    conn.execute(text("CREATE TABLE users (id INTEGER PRIMARY KEY, name VARCHAR(30) NOT NULL UNIQUE)"));
    conn.execute(text("INSERT INTO users (id, name) VALUES (1, 'spongebob')"));
    conn.commit();

    expect(() => conn.execute(text("SELEC 1"))).toThrow(pg ? ProgrammingError : OperationalError);
    conn.rollback();
    expect(() => conn.execute(text("SELECT * FROM nope"))).toThrow(pg ? ProgrammingError : OperationalError);
    conn.rollback();
    let err: Error | undefined;
    try {
      conn.execute(text("INSERT INTO users (id, name) VALUES (:id, :name)"), { id: 2, name: "spongebob" });
    } catch (e) {
      err = e as Error;
    }
    expect(err).toBeInstanceOf(IntegrityError);
    const expected = pg
      ? `(psycopg2.errors.UniqueViolation) duplicate key value violates unique constraint "users_name_key"\nDETAIL:  Key (name)=(spongebob) already exists.\n\n[SQL: INSERT INTO users (id, name) VALUES (%(id)s, %(name)s)]\n[parameters: {'id': 2, 'name': 'spongebob'}]\n(Background on this error at: https://sqlalche.me/e/20/gkpj)`
      : `(sqlite3.IntegrityError) UNIQUE constraint failed: users.name\n[SQL: INSERT INTO users (id, name) VALUES (?, ?)]\n[parameters: (2, 'spongebob')]\n(Background on this error at: https://sqlalche.me/e/20/gkpj)`;
    expect(err!.message).toBe(expected);
    conn.rollback();
    expect(conn.execute(text("SELECT count(*) FROM users")).scalar()).toBe(1);
  });

  it("refuses a plain string and a closed connection", () => {
    const engine = create_engine(url);
    const conn = engine.connect();
    expect(() => conn.execute("SELECT 1")).toThrow(ObjectNotExecutableError);
    expect(() => conn.execute("SELECT 1")).toThrow("Not an executable object: 'SELECT 1'");
    conn.close();
    expect(conn.closed).toBe(true);
    expect(() => conn.execute(text("SELECT 1"))).toThrow(ResourceClosedError);
    expect(() => conn.execute(text("SELECT 1"))).toThrow("This Connection is closed");
  });

  it("follows SQLAlchemy's consumed / closed rules for results", () => {
    const engine = create_engine(url);
    using conn = engine.connect();
    conn.execute(text("CREATE TABLE users (id INTEGER PRIMARY KEY, name VARCHAR(30))"));
    conn.execute(text("INSERT INTO users (id, name) VALUES (:id, :name)"), [
      { id: 1, name: "spongebob" },
      { id: 2, name: "sandy" },
    ]);
    const ALL = text("SELECT id, name FROM users ORDER BY id");
    let res = conn.execute(ALL);
    expect(String(res.first())).toBe("(1, 'spongebob')");
    expect(res.closed).toBe(true);
    expect(() => res.all()).toThrow("This result object is closed.");
    res = conn.execute(ALL);
    expect(res.all()).toHaveLength(2);
    expect(res.closed).toBe(false);
    expect(res.all()).toEqual([]);
    expect(() => conn.execute(text("SELECT id FROM users WHERE id = 99")).one()).toThrow(NoResultFound);
    expect(() => conn.execute(ALL).one()).toThrow(MultipleResultsFound);
    expect(() => conn.execute(ALL).one_or_none()).toThrow(
      "Multiple rows were found when one or none was required",
    );
    expect(conn.execute(ALL).scalars("name").all()).toEqual(["spongebob", "sandy"]);
    const m = conn.execute(ALL).mappings().first()!;
    expect(m.__repr__()).toBe("{'id': 1, 'name': 'spongebob'}");
    const row = conn.execute(ALL).first()!;
    expect(row.name).toBe("spongebob");
    expect(row[0]).toBe(1);
    expect((row as unknown as Record<number, unknown>)[-1]).toBe("spongebob");
    const [id, name] = row;
    expect([id, name]).toEqual([1, "spongebob"]);
    expect(() => (row as unknown as Record<string, unknown>).nope).toThrow(
      "Could not locate column in row for column 'nope'",
    );
    expect(() => (row as unknown as Record<number, unknown>)[5]).toThrow("tuple index out of range");
    const upd = conn.execute(text("UPDATE users SET name = name"));
    expect(upd.returns_rows).toBe(false);
    expect(upd.rowcount).toBe(2);
    expect(() => upd.all()).toThrow(
      "This result object does not return rows. It has been closed automatically.",
    );
  });

  it("times out a sync checkout from an exhausted pool after pool_timeout", () => {
    const engine = create_engine(url, { pool_size: 1, max_overflow: 0, pool_timeout: 0.05 });
    const held = engine.connect();
    expect(() => engine.connect()).toThrow(TimeoutError);
    held.close();
    engine.connect().close();
  });

  it("supports savepoints with begin_nested()", () => {
    const engine = create_engine(url, { echo: true });
    using conn = engine.connect();
    conn.execute(text("CREATE TABLE t (x INTEGER)"));
    conn.execute(text("INSERT INTO t (x) VALUES (1)"));
    expect(() =>
      conn.begin_nested(() => {
        conn.execute(text("INSERT INTO t (x) VALUES (2)"));
        throw new Error("undo the savepoint only");
      }),
    ).toThrow("undo the savepoint only");
    conn.begin_nested(() => {
      conn.execute(text("INSERT INTO t (x) VALUES (3)"));
    });
    expect(conn.execute(text("SELECT x FROM t ORDER BY x")).scalars().all()).toEqual([1, 3]);
    const log = out.sql();
    expect(log).toContain("SAVEPOINT sa_savepoint_1");
    expect(log).toContain("ROLLBACK TO SAVEPOINT sa_savepoint_1");
    expect(log).toContain("SAVEPOINT sa_savepoint_2");
    expect(log).toContain("RELEASE SAVEPOINT sa_savepoint_2");
  });
});
