/**
 * URL parsing and the pool on their own (no database): SQLAlchemy's rendering, errors and counters.
 */

import { create_engine, make_url, QueuePool, SingletonThreadPool } from "sqlalchemy";
import { ArgumentError, NoSuchModuleError, TimeoutError } from "sqlalchemy/exc";
import { describe, expect, it } from "vitest";
import type { DBAPIConnection } from "../src/engine/interfaces.ts";

describe("make_url", () => {
  it("parses every part and masks the password when rendered", () => {
    const u = make_url("postgresql+psycopg2://oracle:s3cret@127.0.0.1:54329/oracle?sslmode=disable");
    expect(u.drivername).toBe("postgresql+psycopg2");
    expect(u.get_backend_name()).toBe("postgresql");
    expect(u.get_driver_name()).toBe("psycopg2");
    expect(u.username).toBe("oracle");
    expect(u.password).toBe("s3cret");
    expect(u.host).toBe("127.0.0.1");
    expect(u.port).toBe(54329);
    expect(u.database).toBe("oracle");
    expect(u.query).toEqual({ sslmode: "disable" });
    expect(String(u)).toBe("postgresql+psycopg2://oracle:***@127.0.0.1:54329/oracle?sslmode=disable");
    expect(u.render_as_string(false)).toBe(
      "postgresql+psycopg2://oracle:s3cret@127.0.0.1:54329/oracle?sslmode=disable",
    );
    // Python's keyword argument, spelled as an options object.
    expect(u.render_as_string({ hide_password: false })).toBe(
      "postgresql+psycopg2://oracle:s3cret@127.0.0.1:54329/oracle?sslmode=disable",
    );
    expect(u.render_as_string({})).toBe(
      "postgresql+psycopg2://oracle:***@127.0.0.1:54329/oracle?sslmode=disable",
    );
  });

  it("keeps SQLite paths as SQLAlchemy does", () => {
    expect(make_url("sqlite:///oracle.db").database).toBe("oracle.db");
    expect(make_url("sqlite:////nonexistent-dir/oracle.db").database).toBe("/nonexistent-dir/oracle.db");
    expect(make_url("sqlite://").database).toBeNull();
    expect(make_url("sqlite:///:memory:").database).toBe(":memory:");
    expect(String(make_url("sqlite:////tmp/x.db"))).toBe("sqlite:////tmp/x.db");
  });

  it("decodes percent-escapes in the password", () => {
    expect(make_url("postgresql://u:p%40ss@h/db").password).toBe("p@ss");
  });

  it("refuses what is not a URL", () => {
    expect(() => make_url("not a url")).toThrow(ArgumentError);
    expect(() => make_url("not a url")).toThrow("Could not parse SQLAlchemy URL from given URL string");
  });
});

describe("create_engine argument checks", () => {
  it("names the dialect and driver that cannot be loaded", () => {
    expect(() => create_engine("nosuchdb://user@host/db")).toThrow(NoSuchModuleError);
    expect(() => create_engine("nosuchdb://user@host/db")).toThrow(
      "Can't load plugin: sqlalchemy.dialects:nosuchdb",
    );
    expect(() => create_engine("postgresql+nosuchdriver://user@host/db")).toThrow(
      "Can't load plugin: sqlalchemy.dialects:postgresql.nosuchdriver",
    );
  });

  it("picks the pool SQLAlchemy picks and rejects arguments that pool does not take", () => {
    expect(create_engine("sqlite://").pool).toBeInstanceOf(SingletonThreadPool);
    expect(create_engine("sqlite:///:memory:").pool).toBeInstanceOf(SingletonThreadPool);
    expect(create_engine("sqlite:///file.db").pool).toBeInstanceOf(QueuePool);
    expect(create_engine("postgresql://u:p@h/d").pool).toBeInstanceOf(QueuePool);
    expect(() => create_engine("sqlite://", { pool_size: 5, max_overflow: 10 })).toThrow(
      "Invalid argument(s) 'max_overflow' sent to create_engine(), using configuration SQLiteDialect_pysqlite/SingletonThreadPool/Engine.  Please check that the keyword arguments are appropriate for this combination of components.",
    );
    expect(() => create_engine("sqlite://", { pool_size: 5, max_overflow: 10 })).toThrow(TypeError);
  });

  it("renders the engine with the password masked", () => {
    const engine = create_engine("postgresql+psycopg2://oracle:oracle@127.0.0.1:54329/oracle");
    expect(engine.__repr__()).toBe("Engine(postgresql+psycopg2://oracle:***@127.0.0.1:54329/oracle)");
    expect(engine.dialect.name).toBe("postgresql");
    expect(engine.dialect.driver).toBe("psycopg2");
  });
});

describe("QueuePool", () => {
  const fakeConnection = (): DBAPIConnection => ({
    cursor: () => {
      throw new Error("no cursor in this test");
    },
    commit() {},
    rollback() {},
    close() {},
  });

  it("counts checkouts and overflow as SQLAlchemy's status() shows them", () => {
    const pool = new QueuePool(fakeConnection, { pool_size: 5, max_overflow: 10, timeout: 0.05 });
    expect(pool.status()).toBe(
      "Pool size: 5  Connections in pool: 0 Current Overflow: -5 Current Checked out connections: 0",
    );
    const held = Array.from({ length: 15 }, () => pool.connect());
    expect(pool.status()).toBe(
      "Pool size: 5  Connections in pool: 0 Current Overflow: 10 Current Checked out connections: 15",
    );
    const started = performance.now();
    expect(() => pool.connect()).toThrow(TimeoutError);
    expect(performance.now() - started).toBeGreaterThanOrEqual(45);
    try {
      pool.connect();
    } catch (err) {
      expect(String((err as Error).message)).toBe(
        "QueuePool limit of size 5 overflow 10 reached, connection timed out, timeout 0.05 (Background on this error at: https://sqlalche.me/e/20/3o7r)",
      );
    }
    for (const c of held.slice(0, 3)) c.close();
    expect(pool.status()).toBe(
      "Pool size: 5  Connections in pool: 3 Current Overflow: 10 Current Checked out connections: 12",
    );
    for (const c of held.slice(3)) c.close();
    expect([pool.size(), pool.checkedin(), pool.checkedout(), pool.overflow()]).toEqual([5, 5, 0, 0]);
    pool.dispose();
    expect(pool.checkedin()).toBe(0);
    expect(pool.overflow()).toBe(-5);
  });

  it("lets an async checkout wait until a connection comes back", async () => {
    const pool = new QueuePool(fakeConnection, { pool_size: 1, max_overflow: 0, timeout: 1 });
    const first = pool.connect();
    const waiting = pool.connect_async();
    setTimeout(() => first.close(), 20);
    const second = await waiting;
    expect(pool.checkedout()).toBe(1);
    second.close();
    expect(pool.checkedin()).toBe(1);
  });

  it("times an async checkout out when nothing comes back", async () => {
    const pool = new QueuePool(fakeConnection, { pool_size: 1, max_overflow: 0, timeout: 0.05 });
    pool.connect();
    await expect(pool.connect_async()).rejects.toThrow(
      "QueuePool limit of size 1 overflow 0 reached, connection timed out, timeout 0.05",
    );
  });
});
