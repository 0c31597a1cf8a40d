/**
 * Several pooled connections over the page's one database session (API.md, "Differences the browser
 * forces"), PostgreSQL's aborted transactions, echo="debug" and engine events.
 */

import { create_engine, event, text } from "sqlalchemy";
import { InternalError, OperationalError, ProgrammingError } from "sqlalchemy/exc";
import { expect, it } from "vitest";
import { captureOutput, eachDatabase } from "./support.ts";

eachDatabase("shared session", ({ kind, url }) => {
  const out = captureOutput();
  const pg = kind === "postgresql";

  it("refuses a second writer at once (sync) with an explanation, and works after the first commits", () => {
    const engine = create_engine(url);
    engine.begin((conn) => conn.execute(text("CREATE TABLE t (x INTEGER)")));
    const a = engine.connect();
    const b = engine.connect();
    a.execute(text("INSERT INTO t (x) VALUES (1)"));
    let err: Error | undefined;
    try {
      b.execute(text("INSERT INTO t (x) VALUES (2)"));
    } catch (e) {
      err = e as Error;
    }
    expect(err).toBeInstanceOf(OperationalError);
    expect(err!.message).toMatch(/another connection holds uncommitted writes/);
    a.commit();
    b.rollback();
    b.execute(text("INSERT INTO t (x) VALUES (2)"));
    b.commit();
    expect(a.execute(text("SELECT count(*) FROM t")).scalar()).toBe(2);
    a.close();
    b.close();
  });

  it("keeps the writer's rows and ids intact when another connection reads in between", () => {
    const engine = create_engine(url);
    const ddl = pg
      ? "CREATE TABLE t (id SERIAL PRIMARY KEY, x INTEGER)"
      : "CREATE TABLE t (id INTEGER PRIMARY KEY, x INTEGER)";
    engine.begin((conn) => conn.execute(text(ddl)));
    using writer = engine.connect();
    const first = writer.execute(text("INSERT INTO t (x) VALUES (10) RETURNING id")).scalar();
    {
      using reader = engine.connect();
      expect(reader.execute(text("SELECT count(*) FROM t")).scalar()).toBe(0);
    }
    const second = writer.execute(text("INSERT INTO t (x) VALUES (20) RETURNING id")).scalar();
    expect([first, second]).toEqual([1, 2]);
    expect(
      writer
        .execute(text("SELECT id, x FROM t ORDER BY id"))
        .all()
        .map((r) => [r.id, r.x]),
    ).toEqual([
      [1, 10],
      [2, 20],
    ]);
    writer.commit();
  });

  it("gives each sqlite:// memory engine its own database, shared by its checkouts", () => {
    if (pg) return;
    const a = create_engine("sqlite://");
    const b = create_engine("sqlite://");
    a.begin((conn) => conn.execute(text("CREATE TABLE only_in_a (x INTEGER)")));
    {
      using conn = a.connect();
      expect(conn.execute(text("SELECT count(*) FROM only_in_a")).scalar()).toBe(0);
    }
    using conn = b.connect();
    expect(() => conn.execute(text("SELECT count(*) FROM only_in_a"))).toThrow("no such table: only_in_a");
  });

  it("after an error PostgreSQL refuses statements until rollback; SQLite carries on", () => {
    const engine = create_engine(url);
    using conn = engine.connect();
    expect(() => conn.execute(text("SELECT * FROM nope"))).toThrow(pg ? ProgrammingError : OperationalError);
    if (pg) {
      let err: Error | undefined;
      try {
        conn.execute(text("SELECT 1"));
      } catch (e) {
        err = e as Error;
      }
      expect(err).toBeInstanceOf(InternalError);
      expect(err!.message).toBe(
        "(psycopg2.errors.InFailedSqlTransaction) current transaction is aborted, commands ignored until end of transaction block\n\n[SQL: SELECT 1]\n(Background on this error at: https://sqlalche.me/e/20/2j85)",
      );
    } else {
      expect(conn.execute(text("SELECT 1")).scalar()).toBe(1);
    }
    conn.rollback();
    expect(conn.execute(text("SELECT 2")).scalar()).toBe(2);
  });

  it('echo="debug" logs the column names and each fetched row', () => {
    const engine = create_engine(url, { echo: "debug" });
    using conn = engine.connect();
    conn.execute(text("SELECT 1 AS x, 'two' AS y")).all();
    // (PostgreSQL's first-connect queries log their rows before these, as in SQLAlchemy)
    const lines = out.lines().filter((l) => l.includes(" DEBUG "));
    expect(lines.slice(-2)).toEqual([
      "<TS> DEBUG sqlalchemy.engine.Engine Col ('x', 'y')",
      "<TS> DEBUG sqlalchemy.engine.Engine Row (1, 'two')",
    ]);
  });

  it("fires before_cursor_execute once per DBAPI execute and begin/commit/rollback once each", () => {
    const engine = create_engine(url);
    const counts = { statements: 0, begin: 0, commit: 0, rollback: 0 };
    event.listen(engine, "before_cursor_execute", () => {
      counts.statements += 1;
    });
    event.listens_for(
      engine,
      "begin",
    )(() => {
      counts.begin += 1;
    });
    event.listen(engine, "commit", () => {
      counts.commit += 1;
    });
    event.listen(engine, "rollback", () => {
      counts.rollback += 1;
    });
    engine.begin((conn) => {
      conn.execute(text("CREATE TABLE t (x INTEGER)"));
      conn.execute(text("INSERT INTO t (x) VALUES (:x)"), [{ x: 1 }, { x: 2 }, { x: 3 }]);
    });
    {
      using conn = engine.connect();
      conn.execute(text("SELECT x FROM t")).all();
    }
    // The dialect's first-connect queries run on a connection without events, as in SQLAlchemy.
    expect(counts).toEqual({ statements: 3, begin: 2, commit: 1, rollback: 1 });
  });

  it("exec_driver_sql passes SQL and parameters to the driver as they are, logged [raw sql]", () => {
    const engine = create_engine(url, { echo: true });
    using conn = engine.connect();
    const sql = pg ? "SELECT %(a)s + %(b)s" : "SELECT ? + ?";
    const params = pg ? { a: 1, b: 2 } : [1, 2];
    expect(conn.exec_driver_sql(sql, params).scalar()).toBe(3);
    const log = out.sql();
    expect(log.slice(-2)).toEqual([sql, pg ? "[raw sql] {'a': 1, 'b': 2}" : "[raw sql] (1, 2)"]);
  });

  it("the execution context's compiled_parameters name every bind with its value", () => {
    const engine = create_engine(url);
    const seen: unknown[] = [];
    event.listen(engine, "before_cursor_execute", (_c, _cur, _stmt, _params, context) => {
      seen.push((context as { compiled_parameters: unknown }).compiled_parameters);
    });
    using conn = engine.connect();
    const stmt = text("SELECT :a + :b").bindparams({ b: 10 });
    expect(conn.execute(stmt, { a: 1 }).scalar()).toBe(11);
    expect(conn.execute(stmt, { a: 2 }).scalar()).toBe(12);
    expect(seen).toEqual([[{ a: 1, b: 10 }], [{ a: 2, b: 10 }]]);
    seen.length = 0;
    conn.execute(text("CREATE TABLE cp (x INTEGER, y INTEGER)"));
    seen.length = 0;
    conn.execute(text("INSERT INTO cp (x, y) VALUES (:x, :y)"), [
      { x: 1, y: 2 },
      { x: 3, y: 4 },
    ]);
    expect(seen).toEqual([
      [
        { x: 1, y: 2 },
        { x: 3, y: 4 },
      ],
    ]);
    expect(
      conn
        .execute(text("SELECT x, y FROM cp ORDER BY x"))
        .all()
        .map((r) => [...r]),
    ).toEqual([
      [1, 2],
      [3, 4],
    ]);
  });

  it("exec_driver_sql rows follow the statement's columns as the schema changes", () => {
    const engine = create_engine(url);
    using conn = engine.connect();
    conn.exec_driver_sql("CREATE TABLE t (a INTEGER)");
    conn.exec_driver_sql("INSERT INTO t (a) VALUES (1)");
    const before = conn.exec_driver_sql("SELECT * FROM t");
    expect([...before.keys()]).toEqual(["a"]);
    expect(before.one().a).toBe(1);
    conn.exec_driver_sql("ALTER TABLE t ADD COLUMN b VARCHAR(10)");
    conn.exec_driver_sql("UPDATE t SET b = 'x'");
    const after = conn.exec_driver_sql("SELECT * FROM t");
    expect([...after.keys()]).toEqual(["a", "b"]);
    const row = after.one();
    expect([row.a, row.b]).toEqual([1, "x"]);
    expect(row._asdict()).toEqual({ a: 1, b: "x" });
  });
});
