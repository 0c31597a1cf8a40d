/**
 * Session state management on both databases (SQLAlchemy's session.py: expunge, expunge_all,
 * make_transient, make_transient_to_detached, is_modified): the states `inspect(obj)` reports
 * after each, their identity keys, the SQL that runs (or does not), the errors for wrong use; and
 * the SessionEvents that follow an object and a transaction through them, in the order
 * session.py fires them.
 */
import { create_engine, event, ForeignKey, inspect, repr, String as StringType, select } from "sqlalchemy";
import { InvalidRequestError } from "sqlalchemy/exc";
import { AsyncSession } from "sqlalchemy/ext/asyncio";
import {
  DeclarativeBase,
  make_transient,
  make_transient_to_detached,
  mapped_column,
  relationship,
  Session,
  sessionmaker,
} from "sqlalchemy/orm";
import { NotImplementedError } from "sqlalchemy/testing";
import { expect, it } from "vitest";
import { captureOutput, eachDatabase } from "./support.ts";

class Base extends DeclarativeBase {}

class User extends Base {
  static __tablename__ = "user_account";
  @mapped_column({ primary_key: true }) accessor id!: number;
  @mapped_column(StringType(30)) accessor name!: string;
  @mapped_column(StringType, { nullable: true }) accessor fullname!: string | null;
  @relationship(() => Address, { back_populates: "user", cascade: "all" }) accessor addresses!: Address[];
}

class Address extends Base {
  static __tablename__ = "address";
  @mapped_column({ primary_key: true }) accessor id!: number;
  @mapped_column(StringType) accessor email_address!: string;
  @mapped_column(ForeignKey("user_account.id")) accessor user_id!: number;
  @relationship(() => User, { back_populates: "addresses" }) accessor user!: User;
}

const STATES = ["transient", "pending", "persistent", "deleted", "detached"];
/** The state names inspect(obj) answers True to, its identity key and has_identity. */
const state = (o: object) => {
  const i = inspect(o);
  return `${STATES.filter((s) => i[s]).join(",")} key=${repr(i.key)} has_identity=${repr(i.has_identity)}`;
};

eachDatabase("Session state management", ({ kind, url }) => {
  const out = captureOutput();
  const p = (name: string) => (kind === "postgresql" ? `%(${name})s` : "?");
  const setup = () => {
    const engine = create_engine(url);
    Base.metadata.create_all(engine);
    {
      using s = new Session(engine);
      s.add(
        new User({
          name: "spongebob",
          fullname: "Spongebob Squarepants",
          addresses: [new Address({ email_address: "spongebob@sqlalchemy.org" })],
        }),
      );
      s.commit();
    }
    engine.echo = true;
    out.clear();
    return engine;
  };

  it("expunge(): persistent → detached (keeping its key), pending → transient, with the expunge cascade", () => {
    const engine = setup();
    using session = new Session(engine);
    const u = session.get(User, 1)!;
    const a = u.addresses[0]!;
    const squid = user("squidward");
    session.add(squid);
    expect(state(u)).toBe("persistent key=(<class '__main__.User'>, (1,), None) has_identity=True");
    expect(state(squid)).toBe("pending key=None has_identity=False");
    out.clear();
    session.expunge(u);
    session.expunge(squid);
    // no SQL: expunge only forgets
    expect(out.sql()).toEqual([]);
    expect(state(u)).toBe("detached key=(<class '__main__.User'>, (1,), None) has_identity=True");
    // cascade "all" includes expunge: the loaded address went with its user
    expect(state(a)).toBe("detached key=(<class '__main__.Address'>, (1,), None) has_identity=True");
    expect(state(squid)).toBe("transient key=None has_identity=False");
    expect(session.contains(u)).toBe(false);
    expect(session.new.size).toBe(0);
    expect([...session]).toEqual([]);
    expect(inspect(u).session).toBe(null);
    // flushing now inserts nothing
    session.flush();
    expect(out.sql()).toEqual([]);
  });

  it("expunge() of an object not in the Session raises InvalidRequestError", () => {
    const engine = setup();
    using session = new Session(engine);
    const transient = new User({ name: "t" });
    expect(() => session.expunge(transient)).toThrow(
      /^Instance <User at 0x[0-9a-f]+> is not present in this Session$/,
    );
    expect(() => session.expunge(transient)).toThrow(InvalidRequestError);
    const u = session.get(User, 1)!;
    using other = new Session(engine);
    expect(() => other.expunge(u)).toThrow(/^Instance <User at 0x[0-9a-f]+> is not present in this Session$/);
    session.expunge(u);
    expect(() => session.expunge(u)).toThrow(InvalidRequestError);
    expect(() => session.expunge({} as object)).toThrow("Class 'Object' is not mapped");
  });

  it("expunge_all(): every object leaves; a detached one comes back with add() and reloads what is expired", () => {
    const engine = setup();
    using session = new Session(engine);
    const u = session.scalars(select(User)).one() as User;
    const squid = user("squidward");
    session.add(squid);
    session.expire(u, ["fullname"]);
    session.expunge_all();
    expect(state(u)).toBe("detached key=(<class '__main__.User'>, (1,), None) has_identity=True");
    expect(state(squid)).toBe("transient key=None has_identity=False");
    expect([...session]).toEqual([]);
    out.clear();
    session.add(u);
    expect(state(u)).toBe("persistent key=(<class '__main__.User'>, (1,), None) has_identity=True");
    expect(u.fullname).toBe("Spongebob Squarepants");
    expect(out.sql()).toEqual([
      `SELECT user_account.fullname AS user_account_fullname \nFROM user_account \nWHERE user_account.id = ${p("pk_1")}`,
      kind === "postgresql" ? "[generated in Xs] {'pk_1': 1}" : "[generated in Xs] (1,)",
    ]);
  });

  it("make_transient(): the object forgets its key and session; unloaded attributes read None, no SQL; add() INSERTs it again", () => {
    const engine = setup();
    using session = new Session(engine);
    const u = session.get(User, 1)!;
    session.expire(u, ["fullname"]);
    make_transient(u);
    expect(state(u)).toBe("transient key=None has_identity=False");
    expect(session.contains(u)).toBe(false);
    out.clear();
    expect(u.fullname).toBe(null);
    expect(out.sql()).toEqual([]);
    u.id = 2;
    u.name = "spongebob 2";
    session.add(u);
    expect(state(u)).toBe("pending key=None has_identity=False");
    session.flush();
    expect(out.sql()).toEqual([
      `INSERT INTO user_account (id, name, fullname) VALUES (${p("id")}, ${p("name")}, ${p("fullname")})`,
      kind === "postgresql"
        ? "[generated in Xs] {'id': 2, 'name': 'spongebob 2', 'fullname': None}"
        : "[generated in Xs] (2, 'spongebob 2', None)",
    ]);
    expect(state(u)).toBe("persistent key=(<class '__main__.User'>, (2,), None) has_identity=True");
    // a transient object stays transient; a deleted one is transient again
    const t = new User({ name: "t" });
    make_transient(t);
    expect(state(t)).toBe("transient key=None has_identity=False");
    session.delete(u);
    session.flush();
    expect(state(u)).toBe("deleted key=(<class '__main__.User'>, (2,), None) has_identity=True");
    make_transient(u);
    expect(state(u)).toBe("transient key=None has_identity=False");
    expect(inspect(u).was_deleted).toBe(false);
  });

  it("make_transient_to_detached(): a transient object becomes detached; added, it is persistent and loads only what it lacks", () => {
    const engine = setup();
    const u = new User({ id: 1, name: "spongebob" });
    make_transient_to_detached(u);
    expect(state(u)).toBe("detached key=(<class '__main__.User'>, (1,), None) has_identity=True");
    // history reset: as if loaded
    expect(inspect(u).modified).toBe(false);
    expect([...inspect(u).expired_attributes]).toEqual(["fullname"]);
    using session = new Session(engine);
    session.add(u);
    expect(state(u)).toBe("persistent key=(<class '__main__.User'>, (1,), None) has_identity=True");
    expect(session.is_modified(u)).toBe(false);
    out.clear();
    expect(u.fullname).toBe("Spongebob Squarepants");
    expect(out.sql()).toEqual([
      "BEGIN (implicit)",
      `SELECT user_account.fullname AS user_account_fullname \nFROM user_account \nWHERE user_account.id = ${p("pk_1")}`,
      kind === "postgresql" ? "[generated in Xs] {'pk_1': 1}" : "[generated in Xs] (1,)",
    ]);
    // flushing emits nothing: nothing changed
    session.flush();
    expect(out.sql()).toHaveLength(3);
    // only a transient object
    expect(() => make_transient_to_detached(u)).toThrow(
      new InvalidRequestError("Given object must be transient"),
    );
    session.expunge(u);
    expect(() => make_transient_to_detached(u)).toThrow(
      new InvalidRequestError("Given object must be transient"),
    );
  });

  it("is_modified(): a net change in some attribute; equal values are none; include_collections; nothing loads", () => {
    const engine = setup();
    using session = new Session(engine);
    const u = session.get(User, 1)!;
    expect(session.is_modified(u)).toBe(false);
    u.name = "spongebob";
    // set to what it was: the state is marked modified, the history has no net change
    expect(inspect(u).modified).toBe(true);
    expect(session.is_modified(u)).toBe(false);
    u.addresses.push(new Address({ email_address: "x" }));
    out.clear();
    expect(session.is_modified(u)).toBe(true);
    expect(session.is_modified(u, false)).toBe(false);
    expect(session.is_modified(u, { include_collections: false })).toBe(false);
    u.fullname = "Sponge";
    expect(session.is_modified(u, false)).toBe(true);
    // an expired object: no SQL, not modified
    session.commit();
    out.clear();
    expect(session.is_modified(u)).toBe(false);
    expect(out.sql()).toEqual([]);
  });
});

/** Every SessionEvent this test listens for, each printing its name (and the object's, for lifecycle events). */
const EVENTS = [
  "after_transaction_create",
  "after_transaction_end",
  "before_commit",
  "after_commit",
  "after_rollback",
  "after_soft_rollback",
  "before_flush",
  "after_flush",
  "after_flush_postexec",
  "after_begin",
  "before_attach",
  "after_attach",
  "transient_to_pending",
  "pending_to_transient",
  "persistent_to_transient",
  "pending_to_persistent",
  "detached_to_persistent",
  "loaded_as_persistent",
  "persistent_to_deleted",
  "deleted_to_persistent",
  "deleted_to_detached",
  "persistent_to_detached",
];
const LIFECYCLE = new Set(EVENTS.slice(10));
const names = new WeakMap<object, string>();
const user = (name: string) => {
  const u = new User({ name });
  names.set(u, name);
  return u;
};

function listenAll(target: unknown, seen: string[]) {
  const fns = EVENTS.map((name) => {
    const fn = (_session: Session, arg: unknown) =>
      seen.push(
        LIFECYCLE.has(name)
          ? // the name it was made with (reading an expired attribute of a detached object would raise)
            `${name} ${names.get(arg as object) ?? inspect(arg).dict.name}`
          : name === "after_transaction_create" || name === "after_transaction_end"
            ? `${name} ${(arg as { parent: unknown }).parent === null ? "root" : "sub"}`
            : name,
      );
    event.listen(target, name, fn);
    return [name, fn] as const;
  });
  return () => {
    for (const [name, fn] of fns) event.remove(target, name, fn);
  };
}

eachDatabase("SessionEvents", ({ url }) => {
  const setup = () => {
    const engine = create_engine(url);
    Base.metadata.create_all(engine);
    return engine;
  };

  // The order is session.py's: _before_attach/_after_attach on add(); commit() → before_commit,
  // flush (before_flush, its sub-transaction, the connection's after_begin, after_flush, the
  // states registered, after_flush_postexec), COMMIT, after_commit, after_transaction_end.
  it("an object from add() through flush, commit, delete, rollback and close", () => {
    const engine = setup();
    const seen: string[] = [];
    const session = new Session(engine);
    const done = listenAll(session, seen);
    const u = user("sandy");
    session.add(u);
    expect(seen.splice(0)).toEqual([
      "after_transaction_create root",
      "before_attach sandy",
      "after_attach sandy",
      "transient_to_pending sandy",
    ]);
    session.commit();
    expect(seen.splice(0)).toEqual([
      "before_commit",
      "before_flush",
      "after_transaction_create sub",
      "after_begin",
      "after_flush",
      "pending_to_persistent sandy",
      "after_flush_postexec",
      "after_transaction_end sub",
      "after_commit",
      "after_transaction_end root",
    ]);
    session.scalars(select(User)).all();
    expect(seen.splice(0)).toEqual(["after_transaction_create root", "after_begin"]);
    session.delete(u);
    session.flush();
    expect(seen.splice(0)).toEqual([
      "before_flush",
      "after_transaction_create sub",
      "after_flush",
      "persistent_to_deleted sandy",
      "after_flush_postexec",
      "after_transaction_end sub",
    ]);
    session.rollback();
    expect(seen.splice(0)).toEqual([
      "after_rollback",
      "deleted_to_persistent sandy",
      "after_transaction_end root",
      "after_soft_rollback",
    ]);
    const squid = user("squidward");
    session.add(squid);
    session.flush();
    seen.length = 0;
    session.rollback();
    expect(seen.splice(0)).toEqual([
      "after_rollback",
      "persistent_to_transient squidward",
      "after_transaction_end root",
      "after_soft_rollback",
    ]);
    session.close();
    expect(seen.splice(0)).toEqual(["persistent_to_detached sandy"]);
    // a new session: a detached object attaches; one loaded from a row is loaded_as_persistent
    done();
    const s2 = new Session(engine);
    const done2 = listenAll(s2, seen);
    s2.add(u);
    expect(seen.splice(0)).toEqual([
      "after_transaction_create root",
      "before_attach sandy",
      "after_attach sandy",
      "detached_to_persistent sandy",
    ]);
    s2.expunge(u);
    expect(seen.splice(0)).toEqual(["persistent_to_detached sandy"]);
    s2.scalars(select(User)).all();
    expect(seen.splice(0)).toEqual(["after_begin", "loaded_as_persistent sandy"]);
    s2.add(user("patrick"));
    s2.expunge_all();
    expect(seen.splice(0)).toEqual([
      "before_attach patrick",
      "after_attach patrick",
      "transient_to_pending patrick",
      "persistent_to_detached sandy",
      "pending_to_transient patrick",
    ]);
    done2();
    s2.close();
  });

  it("listeners on the Session class, a sessionmaker (its own Session subclass), and raw: true", () => {
    const engine = setup();
    const seen: string[] = [];
    const maker = sessionmaker(engine);
    const on_class = () => seen.push("class");
    const on_maker = () => seen.push("maker");
    const raw = (_s: Session, st: unknown) => seen.push(`raw ${st === inspect(squid)}`);
    event.listen(Session, "after_begin", on_class);
    event.listen(maker, "after_begin", on_maker);
    event.listen(maker, "transient_to_pending", raw, { raw: true });
    const squid = user("squidward");
    try {
      {
        using s = maker();
        expect(s).toBeInstanceOf(Session);
        s.add(squid);
        s.connection();
      }
      {
        using s = new Session(engine);
        s.connection();
      }
      expect(seen).toEqual(["raw true", "class", "maker", "class"]);
      expect(event.contains(maker, "after_begin", on_maker)).toBe(true);
      expect(event.contains(Session, "after_begin", on_maker)).toBe(false);
    } finally {
      event.remove(Session, "after_begin", on_class);
      event.remove(maker, "after_begin", on_maker);
      event.remove(maker, "transient_to_pending", raw);
    }
    seen.length = 0;
    {
      using s = maker();
      s.connection();
    }
    expect(seen).toEqual([]);
    // ext/asyncio/session.py: listeners go on the AsyncSession's sync_session
    expect(() => event.listen(AsyncSession, "after_commit", on_class)).toThrow(
      new NotImplementedError(
        "asynchronous events are not implemented at this time.  Apply synchronous listeners to the AsyncSession.sync_session.",
      ),
    );
    expect(() => event.listen(Session, "before_frobnicate", on_class)).toThrow(
      new InvalidRequestError(
        "No such event 'before_frobnicate' for target '<class 'sqlalchemy.orm.session.Session'>'",
      ),
    );
  });
});
