/**
 * The async engine: the same behaviour through AsyncEngine / AsyncConnection, and the waits that are
 * really asynchronous (pool checkout, another connection's writes).
 */

import { text } from "sqlalchemy";
import { ArgumentError, TimeoutError } from "sqlalchemy/exc";
import { create_async_engine } from "sqlalchemy/ext/asyncio";
import { expect, it } from "vitest";
import { captureOutput, eachDatabase } from "./support.ts";

eachDatabase("AsyncEngine", ({ kind, asyncUrl, url }) => {
  const out = captureOutput();

  it("connects, executes and returns a buffered CursorResult", async () => {
    const engine = create_async_engine(asyncUrl, { echo: true, pool_size: 5, max_overflow: 10 });
    expect(engine.pool.constructor.name).toBe("AsyncAdaptedQueuePool");
    {
      await using conn = await engine.connect();
      const res = await conn.execute(text("SELECT 1,2,3"));
      expect(res.constructor.name).toBe("CursorResult");
      expect(String(res.all())).toBe("(1, 2, 3)");
    }
    const log = out.sql();
    expect(log.slice(-4)).toEqual(["BEGIN (implicit)", "SELECT 1,2,3", "[generated in Xs] ()", "ROLLBACK"]);
    await engine.dispose();
  });

  it("begin() commits on success and rolls back when the callback throws", async () => {
    const engine = create_async_engine(asyncUrl);
    await engine.begin(async (conn) => {
      await conn.execute(text("CREATE TABLE t (x INTEGER, y INTEGER)"));
      await conn.execute(text("INSERT INTO t (x, y) VALUES (:x, :y)"), [
        { x: 1, y: 1 },
        { x: 2, y: 4 },
      ]);
    });
    await expect(
      engine.begin(async (conn) => {
        await conn.execute(text("INSERT INTO t (x, y) VALUES (:x, :y)"), { x: 3, y: 9 });
        throw new Error("boom");
      }),
    ).rejects.toThrow("boom");
    await using conn = await engine.connect();
    expect(await conn.scalar(text("SELECT count(*) FROM t"))).toBe(2);
    expect((await conn.scalars(text("SELECT y FROM t ORDER BY x"))).all()).toEqual([1, 4]);
    const streamed = await conn.stream(text("SELECT x FROM t ORDER BY x"));
    const xs: unknown[] = [];
    for await (const row of streamed) xs.push(row[0]);
    expect(xs).toEqual([1, 2]);
  });

  it("waits for a free pooled connection instead of failing at once", async () => {
    const engine = create_async_engine(asyncUrl, { pool_size: 1, max_overflow: 0, pool_timeout: 2 });
    const first = await engine.connect();
    const second = engine.connect();
    setTimeout(() => void first.close(), 30);
    const conn = await second;
    expect(await conn.scalar(text("SELECT 7"))).toBe(7);
    await conn.close();
  });

  it("times out when no pooled connection comes back", async () => {
    const engine = create_async_engine(asyncUrl, { pool_size: 1, max_overflow: 0, pool_timeout: 0.05 });
    await engine.connect();
    await expect(engine.connect()).rejects.toThrow(TimeoutError);
  });

  it("a second writer waits for the first writer to commit", async () => {
    const engine = create_async_engine(asyncUrl);
    await engine.begin(async (conn) => {
      await conn.execute(text("CREATE TABLE t (x INTEGER)"));
    });
    const a = await engine.connect();
    const b = await engine.connect();
    await a.execute(text("INSERT INTO t (x) VALUES (1)"));
    const bWrite = b.execute(text("INSERT INTO t (x) VALUES (2)"));
    setTimeout(() => void a.commit(), 30);
    await bWrite;
    await b.commit();
    expect(await b.scalar(text("SELECT count(*) FROM t"))).toBe(2);
    await a.close();
    await b.close();
  });

  it("writers woken together by a commit take their turns one at a time", async () => {
    const engine = create_async_engine(asyncUrl);
    await engine.begin(async (conn) => {
      await conn.execute(text("CREATE TABLE t (x INTEGER)"));
    });
    const first = await engine.connect();
    await first.execute(text("INSERT INTO t (x) VALUES (0)"));
    const order: number[] = [];
    const write = async (x: number) => {
      const conn = await engine.connect();
      await conn.execute(text(`INSERT INTO t (x) VALUES (${x})`));
      order.push(x);
      await new Promise((resolve) => setTimeout(resolve, 5));
      await conn.commit();
      await conn.close();
    };
    const writers = Promise.all([write(1), write(2), write(3)]);
    setTimeout(() => void first.commit(), 20);
    await writers;
    expect(order.sort()).toEqual([1, 2, 3]);
    expect(await first.scalar(text("SELECT count(*) FROM t"))).toBe(4);
    await first.close();
  });

  it("refuses a sync driver", () => {
    expect(() => create_async_engine(url)).toThrow(ArgumentError);
    void kind;
  });
});
