/**
 * `event.remove()` and `event.contains()` (sqlalchemy/event/api.py) over every kind of target the
 * port has: an Engine's statement events and the pool events it forwards to its pool, a
 * Connection's view of its engine's listeners, ORM attribute events, instance events on a mapped
 * class, its Mapper and the Mapper class, MapperEvents of the flush (before/after insert, update,
 * delete), and the errors SQLAlchemy raises for a listener that is not registered and an event the
 * target does not have.
 */
import { create_engine, event, String as StringType, select, text } from "sqlalchemy";
import { InvalidRequestError } from "sqlalchemy/exc";
import { DeclarativeBase, inspect, Mapper, mapped_column, Session } from "sqlalchemy/orm";
import { expect, it } from "vitest";
import { captureOutput, eachDatabase } from "./support.ts";

class Base extends DeclarativeBase {}

class User extends Base {
  static __tablename__ = "user_account";
  @mapped_column({ primary_key: true }) accessor id!: number;
  @mapped_column(StringType(30)) accessor name!: string;
  @mapped_column(StringType(30), { nullable: true }) accessor fullname!: string | null;
}

const User_ = User as unknown as Record<string, any>;

eachDatabase("event.remove and event.contains", ({ url }) => {
  it("an Engine's listener stops firing once removed; contains() follows listen() and remove()", () => {
    const engine = create_engine(url);
    const seen: string[] = [];
    function before_cursor_execute(_conn: unknown, _cursor: unknown, statement: string) {
      seen.push(statement);
    }
    expect(event.contains(engine, "before_cursor_execute", before_cursor_execute)).toBe(false);
    event.listen(engine, "before_cursor_execute", before_cursor_execute);
    expect(event.contains(engine, "before_cursor_execute", before_cursor_execute)).toBe(true);
    {
      using conn = engine.connect();
      conn.execute(text("select 1"));
      // a Connection sees its engine's listeners as they are now
      event.remove(engine, "before_cursor_execute", before_cursor_execute);
      conn.execute(text("select 2"));
    }
    expect(seen).toEqual(["select 1"]);
    expect(event.contains(engine, "before_cursor_execute", before_cursor_execute)).toBe(false);
  });

  it("a once listener and a pool event the Engine forwards to its pool are removed from where they went", () => {
    const engine = create_engine(url);
    const seen: string[] = [];
    const on_connect = () => seen.push("connect");
    const on_begin = () => seen.push("begin");
    event.listen(engine, "connect", on_connect);
    event.listen(engine, "begin", on_begin, { once: true });
    expect(event.contains(engine, "connect", on_connect)).toBe(true);
    event.remove(engine, "connect", on_connect);
    event.remove(engine, "begin", on_begin);
    engine.begin((conn) => conn.execute(text("select 1")));
    expect(seen).toEqual([]);
    expect(event.contains(engine, "begin", on_begin)).toBe(false);
  });

  it("removing what is not registered, or an event the target does not have, raises InvalidRequestError", () => {
    const engine = create_engine(url);
    function my_listener() {}
    let err: unknown;
    try {
      event.remove(engine, "before_execute", my_listener);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(InvalidRequestError);
    // "No listeners found for event %s / %r / %s " (event/registry.py)
    expect((err as Error).message).toMatch(
      new RegExp(
        `^No listeners found for event ${String(engine).replace(/[.*+?^${}()|[\]\\]/g, "\\$&")} / 'before_execute' / <function my_listener at 0x[0-9a-f]+> $`,
      ),
    );
    expect(() => event.remove(engine, "no_such_event", my_listener)).toThrow(
      new InvalidRequestError(`No such event 'no_such_event' for target '${engine}'`),
    );
    expect(() => event.contains(engine, "no_such_event", my_listener)).toThrow(InvalidRequestError);
    // removed once, it is gone: a second remove raises
    event.listen(engine, "before_execute", my_listener);
    event.remove(engine, "before_execute", my_listener);
    expect(() => event.remove(engine, "before_execute", my_listener)).toThrow(InvalidRequestError);
  });

  it("attribute events: the listener leaves the attribute it was removed from, and only that one", () => {
    const seen: string[] = [];
    const on_set = (target: User, value: unknown) => {
      seen.push(`${(target.constructor as unknown as { __name__: string }).__name__} ${value}`);
    };
    event.listen(User_.name, "set", on_set);
    event.listen(User_.fullname, "set", on_set, { once: true });
    expect(event.contains(User_.name, "set", on_set)).toBe(true);
    expect(event.contains(User_.fullname, "set", on_set)).toBe(true);
    const u = new User({ name: "a" });
    event.remove(User_.name, "set", on_set);
    u.name = "b";
    u.fullname = "F";
    u.fullname = "G";
    expect(seen).toEqual(["User a", "User F"]);
    expect(event.contains(User_.name, "set", on_set)).toBe(false);
    event.remove(User_.fullname, "set", on_set);
    expect(() => event.remove(User_.fullname, "set", on_set)).toThrow(
      /^No listeners found for event User\.fullname \/ 'set' \/ <function on_set at 0x[0-9a-f]+> $/,
    );
    expect(() => event.listen(User_.name, "load", on_set)).toThrow(InvalidRequestError);
    expect(() => event.remove(User_.name, "load", on_set)).toThrow(
      new InvalidRequestError("No such event 'load' for target 'User.name'"),
    );
  });

  it("instance events on a mapped class, its Mapper and the Mapper class: removed, they do not fire", () => {
    const engine = create_engine(url);
    Base.metadata.create_all(engine);
    {
      using s = new Session(engine);
      s.add(new User({ name: "spongebob" }));
      s.commit();
    }
    const seen: string[] = [];
    const by_class = (target: User) => seen.push(`class ${target.name}`);
    const by_mapper = (target: User) => seen.push(`mapper ${target.name}`);
    const every_mapper = (target: User) => seen.push(`every ${target.name}`);
    const raw_state = (state: { obj: User }) => seen.push(`raw ${state.obj.name}`);
    event.listen(User, "load", by_class);
    event.listen(inspect(User), "load", by_mapper);
    event.listen(Mapper, "load", every_mapper);
    event.listen(User, "load", raw_state, { raw: true });
    const load = () => {
      using s = new Session(engine);
      s.scalars(select(User)).all();
    };
    load();
    expect(seen.splice(0)).toEqual([
      "class spongebob",
      "mapper spongebob",
      "every spongebob",
      "raw spongebob",
    ]);
    expect(event.contains(User, "load", by_class)).toBe(true);
    expect(event.contains(User, "load", by_mapper)).toBe(false);
    event.remove(User, "load", by_class);
    event.remove(User, "load", raw_state);
    load();
    expect(seen.splice(0)).toEqual(["mapper spongebob", "every spongebob"]);
    event.remove(inspect(User), "load", by_mapper);
    event.remove(Mapper, "load", every_mapper);
    load();
    expect(seen).toEqual([]);
    expect(() => event.remove(User, "load", by_class)).toThrow(
      /^No listeners found for event <class '__main__\.User'> \/ 'load' \/ <function by_class at 0x[0-9a-f]+> $/,
    );
  });

  const out = captureOutput();
  it("MapperEvents: before_insert changes what the INSERT sends; before_update fires for a dirty object with no net change; removed, nothing fires", () => {
    const engine = create_engine(url);
    Base.metadata.create_all(engine);
    engine.echo = true;
    const seen: string[] = [];
    const before_insert = (mapper: Mapper, _conn: unknown, target: User) => {
      seen.push(`before_insert ${mapper === inspect(User)} ${target.id}`);
      target.fullname = `${target.name} (added by before_insert)`;
    };
    const after_insert = (_m: unknown, connection: { execute: unknown }, target: User) =>
      seen.push(`after_insert ${target.id} ${typeof connection.execute}`);
    const before_update = (_m: unknown, _c: unknown, target: User) =>
      seen.push(`before_update ${target.name}`);
    const after_update = (_m: unknown, _c: unknown, state: { obj: User }) =>
      seen.push(`after_update raw ${state.obj.name}`);
    const before_delete = (_m: unknown, _c: unknown, target: User) => seen.push(`before_delete ${target.id}`);
    const after_delete = (_m: unknown, _c: unknown, target: User) => seen.push(`after_delete ${target.id}`);
    event.listen(User, "before_insert", before_insert);
    event.listen(User, "after_insert", after_insert);
    event.listen(inspect(User), "before_update", before_update);
    event.listen(User, "after_update", after_update, { raw: true });
    event.listen(Mapper, "before_delete", before_delete);
    event.listen(User, "after_delete", after_delete);
    const pg = engine.dialect.name === "postgresql";
    try {
      using session = new Session(engine);
      const u = new User({ name: "sandy" });
      session.add(u);
      out.clear();
      session.flush();
      expect(seen.splice(0)).toEqual(["before_insert true null", "after_insert 1 function"]);
      expect(out.sql()[1]).toBe(
        pg
          ? "INSERT INTO user_account (name, fullname) VALUES (%(name)s, %(fullname)s) RETURNING user_account.id"
          : "INSERT INTO user_account (name, fullname) VALUES (?, ?)",
      );
      expect(out.sql()[2]).toMatch(/'sandy \(added by before_insert\)'/);
      // set to the value it has: dirty, no UPDATE, before_update and after_update still fire
      u.name = "sandy";
      out.clear();
      session.flush();
      expect(out.sql()).toEqual([]);
      expect(seen.splice(0)).toEqual(["before_update sandy", "after_update raw sandy"]);
      session.delete(u);
      session.flush();
      expect(seen.splice(0)).toEqual(["before_delete 1", "after_delete 1"]);
      session.rollback();
    } finally {
      event.remove(User, "before_insert", before_insert);
      event.remove(User, "after_insert", after_insert);
      event.remove(inspect(User), "before_update", before_update);
      event.remove(User, "after_update", after_update);
      event.remove(Mapper, "before_delete", before_delete);
      event.remove(User, "after_delete", after_delete);
    }
    using session = new Session(engine);
    const u = new User({ name: "patrick" });
    session.add(u);
    session.flush();
    u.name = "pat";
    session.flush();
    session.delete(u);
    session.flush();
    expect(seen).toEqual([]);
    expect(u.fullname).toBe(null);
  });
});
