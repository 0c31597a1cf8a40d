/**
 * `Engine.execution_options()` makes an OptionEngine (SQLAlchemy's engine/base.py OptionEngineMixin):
 * the parent's pool through a proxy, the parent's listeners joined one way, a logger of its own.
 */
import { create_engine, Engine, event, text } from "sqlalchemy";
import { expect, it } from "vitest";
import { captureOutput, eachDatabase } from "./support.ts";

eachDatabase("Engine.execution_options()", ({ kind, url }) => {
  const out = captureOutput();

  it("is an Engine with the parent's options and its own, which the parent does not get", () => {
    const engine = create_engine(url, { execution_options: { a: 1 } });
    const copy = engine.execution_options({ isolation_level: "AUTOCOMMIT", b: 2 });
    expect(copy).toBeInstanceOf(Engine);
    expect(copy).not.toBe(engine);
    expect(copy.get_execution_options()).toEqual({ a: 1, isolation_level: "AUTOCOMMIT", b: 2 });
    expect(engine.get_execution_options()).toEqual({ a: 1 });
    expect(copy.url).toBe(engine.url);
    expect(copy.dialect).toBe(engine.dialect);
    expect(copy._compiled_cache).toBe(engine._compiled_cache);
    using conn = copy.connect();
    expect(conn.get_execution_options()).toMatchObject({ a: 1, b: 2 });
    expect(conn.engine).toBe(copy);
  });

  it("uses the parent's pool; dispose() on the copy gives the parent a new pool", () => {
    const engine = create_engine(url);
    const copy = engine.execution_options({ x: 1 });
    expect(copy.pool).toBe(engine.pool);
    const before = engine.pool;
    copy.connect().close();
    copy.dispose();
    expect(engine.pool).not.toBe(before);
    expect(copy.pool).toBe(engine.pool);
    // both keep working on the new pool
    using c1 = engine.connect();
    using c2 = copy.connect();
    expect(c1.execute(text("SELECT 1")).scalar()).toBe(1);
    expect(c2.execute(text("SELECT 2")).scalar()).toBe(2);
  });

  it("fires the parent's listeners, also those added after the copy; its own stay off the parent", () => {
    const engine = create_engine(url);
    const seen: string[] = [];
    event.listen(engine, "before_cursor_execute", (_c: unknown, _cur: unknown, stmt: string) => {
      seen.push(`parent-early ${stmt}`);
    });
    const copy = engine.execution_options({ x: 1 });
    event.listen(engine, "before_cursor_execute", (_c: unknown, _cur: unknown, stmt: string) => {
      seen.push(`parent-late ${stmt}`);
    });
    event.listen(copy, "before_cursor_execute", (_c: unknown, _cur: unknown, stmt: string) => {
      seen.push(`copy ${stmt}`);
    });
    copy.connect().execute(text("SELECT 1")).close();
    expect(seen).toEqual(["parent-early SELECT 1", "parent-late SELECT 1", "copy SELECT 1"]);
    seen.length = 0;
    engine.connect().execute(text("SELECT 2")).close();
    expect(seen).toEqual(["parent-early SELECT 2", "parent-late SELECT 2"]);
    const disposed: string[] = [];
    event.listen(engine, "engine_disposed", () => disposed.push("parent"));
    event.listen(copy, "engine_disposed", () => disposed.push("copy"));
    copy.dispose();
    expect(disposed).toEqual(["parent", "copy"]);
    disposed.length = 0;
    engine.dispose();
    expect(disposed).toEqual(["parent"]);
  });

  it("has its own echo: set on the copy it logs the copy's statements only", () => {
    const engine = create_engine(url, { echo: false });
    const copy = engine.execution_options({ x: 1 });
    expect(copy.echo).toBe(false);
    copy.echo = true;
    expect(engine.echo).toBe(false);
    expect(copy.logger).not.toBe(engine.logger);
    expect(copy.logger.name).toBe("sqlalchemy.engine.Engine");
    engine.connect().execute(text("SELECT 1")).close();
    expect(out.sql()).toEqual([]);
    using conn = copy.connect();
    conn.execute(text("SELECT 2"));
    expect(out.sql().slice(0, 3)).toEqual([
      "BEGIN (implicit)",
      "SELECT 2",
      `[generated in Xs] ${kind === "postgresql" ? "{}" : "()"}`,
    ]);
    // a copy of an echoing engine starts with its echo
    const loud = create_engine(url, { echo: true });
    expect(loud.execution_options({ y: 1 }).echo).toBe(true);
  });
});
