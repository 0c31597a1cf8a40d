/**
 * Session and the unit of work on both databases: object states, flush order and statements,
 * expire/refresh, transactions, and the errors SQLAlchemy raises (a failed flush and what the
 * session allows next, identity conflicts, detached and deleted objects, cycles).
 */
import {
  create_engine,
  ForeignKey,
  func,
  Integer,
  inspect,
  print,
  repr,
  String as StringType,
  select,
  str,
  text,
  update,
} from "sqlalchemy";
import {
  CircularDependencyError,
  IntegrityError,
  InvalidRequestError,
  PendingRollbackError,
  SAWarning,
  UnboundExecutionError,
} from "sqlalchemy/exc";
import {
  DeclarativeBase,
  DetachedInstanceError,
  mapped_column,
  ObjectDeletedError,
  object_session,
  relationship,
  Session,
  sessionmaker,
} from "sqlalchemy/orm";
import { warnings } from "sqlalchemy/testing";
import { expect, it } from "vitest";
import { _sessions } from "../src/orm/state.ts";
import { captureOutput, eachDatabase } from "./support.ts";

class Base extends DeclarativeBase {}

class User extends Base {
  static __tablename__ = "user_account";
  @mapped_column({ primary_key: true }) accessor id!: number;
  @mapped_column(StringType(30), { unique: true }) accessor name!: string;
  @mapped_column(StringType, { nullable: true }) accessor fullname!: string | null;
  @mapped_column(Integer, { nullable: true }) accessor age!: number | null;
}

/** Two tables that reference each other (their own MetaData: create_all cannot order them). */
class CycleBase extends DeclarativeBase {}
class Team extends CycleBase {
  static __tablename__ = "team";
  @mapped_column({ primary_key: true }) accessor id!: number;
  @mapped_column(ForeignKey("player.id"), { nullable: true }) accessor captain_id!: number | null;
  @relationship(() => Player, { foreign_keys: () => [Team_.captain_id] as never })
  accessor captain!: Player | null;
}
class Player extends CycleBase {
  static __tablename__ = "player";
  @mapped_column({ primary_key: true }) accessor id!: number;
  @mapped_column(ForeignKey("team.id"), { nullable: true }) accessor team_id!: number | null;
  @relationship(() => Team, { foreign_keys: () => [Player_.team_id] as never }) accessor team!: Team | null;
}

/** A self-referential table. */
class TreeBase extends DeclarativeBase {}
class Node extends TreeBase {
  static __tablename__ = "node";
  @mapped_column({ primary_key: true }) accessor id!: number;
  @mapped_column(StringType) accessor label!: string;
  @mapped_column(ForeignKey("node.id"), { nullable: true }) accessor parent_id!: number | null;
  @relationship(() => Node, { back_populates: "parent" }) accessor children!: Node[];
  @relationship(() => Node, { back_populates: "children", remote_side: () => [Node_.id] as never })
  accessor parent!: Node | null;
}

/** Class-level mapped attributes (`User.id`) are not in the classes' static types. */
const User_ = User as unknown as Record<string, any>;
const Node_ = Node as unknown as Record<string, any>;
const Team_ = Team as unknown as Record<string, any>;
const Player_ = Player as unknown as Record<string, any>;

const stateOf = (o: object) => {
  const i = inspect(o);
  return ["transient", "pending", "persistent", "deleted", "detached"].filter((s) => i[s]);
};

eachDatabase("Session", ({ kind, url }) => {
  const out = captureOutput();
  const pg = kind === "postgresql";
  const p = (name: string) => (pg ? `%(${name})s` : "?");
  const setup = () => {
    const engine = create_engine(url, { echo: false });
    Base.metadata.create_all(engine);
    engine.echo = true;
    return engine;
  };

  it("moves an object through transient, pending, persistent, deleted, detached", () => {
    const engine = setup();
    const session = new Session(engine);
    const u = new User({ name: "spongebob" });
    expect(stateOf(u)).toEqual(["transient"]);
    session.add(u);
    expect(stateOf(u)).toEqual(["pending"]);
    expect(session.new.has(u)).toBe(true);
    session.flush();
    expect(stateOf(u)).toEqual(["persistent"]);
    expect(u.id).toBe(1);
    expect(repr(inspect(u).identity)).toBe("(1,)");
    session.delete(u);
    expect(stateOf(u)).toEqual(["persistent"]);
    session.flush();
    expect(stateOf(u)).toEqual(["deleted"]);
    session.commit();
    expect(stateOf(u)).toEqual(["detached"]);
    session.close();
  });

  it("a Session on a Connection whose transaction began outside it leaves that transaction to the Connection at close()", () => {
    const engine = setup();
    const conn = engine.connect();
    const session = new Session(conn);
    conn.begin();
    session.add(new User({ name: "spongebob" }));
    session.flush();
    out.clear();
    session.close();
    expect(out.sql()).toEqual([]);
    expect(conn.in_transaction()).toBe(true);
    conn.close();
    expect(out.sql()).toEqual(["ROLLBACK"]);
    using check = engine.connect();
    expect(check.execute(select(func.count()).select_from(User)).scalar()).toBe(0);
  });

  it("UPDATE sets only the changed columns; equal values emit nothing (transcript 30)", () => {
    const engine = setup();
    using session = new Session(engine);
    session.add_all([new User({ name: "a", age: 1 }), new User({ name: "b", age: 2 })]);
    session.commit();
    const [a, b] = session.scalars(select(User).order_by(User_.id)).all() as User[];
    out.clear();
    a!.age = 10;
    b!.age = 20;
    b!.name = "b";
    session.flush();
    expect(out.sql()).toEqual([
      `UPDATE user_account SET age=${p("age")} WHERE user_account.id = ${p("user_account_id")}`,
      pg
        ? "[generated in Xs] [{'age': 10, 'user_account_id': 1}, {'age': 20, 'user_account_id': 2}]"
        : "[generated in Xs] [(10, 1), (20, 2)]",
    ]);
    expect(session.is_modified(a!)).toBe(false);
  });

  it("reloads expired attributes synchronously on access, refresh() SELECTs at once", () => {
    const engine = setup();
    using session = new Session(engine);
    const u = new User({ name: "x", fullname: "X" });
    session.add(u);
    session.commit();
    expect([...inspect(u).expired_attributes].sort()).toEqual(["age", "fullname", "id", "name"]);
    out.clear();
    expect(u.fullname).toBe("X");
    expect(out.sql()[1]!.split("\n")[0]).toBe(
      "SELECT user_account.id AS user_account_id, user_account.name AS user_account_name, user_account.fullname AS user_account_fullname, user_account.age AS user_account_age ",
    );
    engine.begin((conn) => conn.execute(text("UPDATE user_account SET fullname = 'Y'")));
    expect(u.fullname).toBe("X");
    session.refresh(u);
    expect(u.fullname).toBe("Y");
    session.expire(u, ["fullname"]);
    expect([...inspect(u).expired_attributes]).toEqual(["fullname"]);
  });

  it("a failed flush (NOT NULL) rolls back, then every use raises PendingRollbackError until rollback()", () => {
    const engine = setup();
    const session = new Session(engine);
    session.add(new User({ name: "ok" }));
    session.commit();
    const bad = new User({ fullname: "no name" });
    session.add(bad);
    let flushError: unknown;
    try {
      session.flush();
    } catch (err) {
      flushError = err;
    }
    expect(flushError).toBeInstanceOf(IntegrityError);
    expect(out.sql()).toContain("ROLLBACK");
    // the rollback sent the pending object back to transient; anything that needs the
    // transaction is refused until rollback()
    expect(stateOf(bad)).toEqual(["transient"]);
    expect(() => session.execute(select(User))).toThrow(PendingRollbackError);
    expect(() => session.commit()).toThrow(PendingRollbackError);
    let caught: unknown = null;
    try {
      session.scalar(select(func.count()).select_from(User));
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(PendingRollbackError);
    {
      const err = caught as PendingRollbackError;
      expect(err.message).toMatch(
        /^This Session's transaction has been rolled back due to a previous exception during flush\. To begin a new transaction with this Session, first issue Session\.rollback\(\)\. Original exception was: \((sqlite3|psycopg2\.errors)\.(IntegrityError|NotNullViolation)\)/,
      );
      expect((err as PendingRollbackError).code).toBe("7s2a");
    }
    session.rollback();
    expect(session.scalar(select(func.count()).select_from(User))).toBe(1);
    session.close();
  });

  for (const echo of [false, true]) {
    it(`a row failing in the middle of a many-object flush is the one the error names (echo ${echo})`, () => {
      const engine = setup();
      engine.echo = echo;
      using session = new Session(engine);
      session.add(new User({ name: "taken" }));
      session.commit();
      session.add_all(["a", "b", "taken", "c"].map((name) => new User({ name })));
      let error: unknown;
      try {
        session.flush();
      } catch (err) {
        error = err;
      }
      expect(error).toBeInstanceOf(IntegrityError);
      const message = (error as Error).message;
      // SQLite runs one INSERT per row: the failing one is named alone; PostgreSQL sends one batch
      expect(message).toContain(pg ? "'name__2': 'taken'" : "[parameters: ('taken', None, None)]");
      if (!pg) expect(message).not.toContain("'c'");
      if (echo) {
        // the statements logged: the rows before the failing one, and the failing one
        const logged = out.sql().filter((l) => l.includes("insertmanyvalues"));
        expect(logged.length).toBe(pg ? 1 : 3);
      }
      session.rollback();
      expect(session.scalars(select(User_.name).order_by(User_.id)).all()).toEqual(["taken"]);
      session.add_all(["a", "b"].map((name) => new User({ name })));
      session.commit();
      const ids = session.scalars(select(User_.id).order_by(User_.id)).all() as number[];
      // PostgreSQL's sequence keeps the values the failed batch drew (a rollback does not undo them)
      if (pg) expect(ids.length === 3 && ids[0] === 1 && ids[1]! > 2 && ids[2] === ids[1]! + 1).toBe(true);
      else expect(ids).toEqual([1, 2, 3]);
    });
  }

  it("a unique violation during flush leaves the session usable after rollback()", () => {
    const engine = setup();
    using session = new Session(engine);
    session.add(new User({ name: "dup" }));
    session.commit();
    session.add(new User({ name: "dup" }));
    expect(() => session.commit()).toThrow(IntegrityError);
    expect(() => session.commit()).toThrow(PendingRollbackError);
    session.rollback();
    session.add(new User({ name: "other" }));
    session.commit();
    expect(session.scalars(select(User_.name).order_by(User_.id)).all()).toEqual(["dup", "other"]);
  });

  it("a new object with the primary key of a persistent one is warned about, then refused by the database", () => {
    const engine = setup();
    using session = new Session(engine);
    const first = session.get(User, 1) ?? new User({ id: 1, name: "one" });
    session.add(first);
    session.flush();
    session.add(new User({ id: 1, name: "again" }));
    {
      using _ = warnings.catch_warnings();
      warnings.simplefilter("error");
      expect(() => session.flush()).toThrow(
        /^New instance <User at 0x[0-9a-f]+> with identity key \(<class '__main__\.User'>, \(1,\), None\) conflicts with persistent instance <User at 0x[0-9a-f]+>$/,
      );
    }
  });

  it("detached and deleted objects", () => {
    const engine = setup();
    let u: User;
    {
      using session = new Session(engine);
      u = new User({ name: "gone" });
      session.add(u);
      session.commit();
    }
    expect(() => u.name).toThrow(DetachedInstanceError);
    expect(() => u.name).toThrow(
      /^Instance <User at 0x[0-9a-f]+> is not bound to a Session; attribute refresh operation cannot proceed/,
    );
    using session = new Session(engine);
    const again = session.get(User, 1)!;
    engine.begin((conn) => conn.execute(text("DELETE FROM user_account")));
    session.expire(again);
    expect(() => again.name).toThrow(ObjectDeletedError);
    expect(() => session.expire(new User({ name: "t" }))).toThrow(InvalidRequestError);
    expect(() => session.delete(new User({ name: "t" }))).toThrow(/is not persisted$/);
  });

  it("rows that reference each other through nullable keys are ordered row by row", () => {
    const engine = create_engine(url);
    TreeBase.metadata.create_all(engine);
    using session = new Session(engine);
    const root = new Node({ label: "root" });
    const child = new Node({ label: "child", parent: root });
    const grandchild = new Node({ label: "grandchild" });
    child.children.push(grandchild);
    session.add(grandchild);
    session.commit();
    const rows = session
      .execute(select(Node_.label, Node_.parent_id).order_by(Node_.id))
      .all()
      .map((r) => [...r]);
    expect(rows).toEqual([
      ["root", null],
      ["child", 1],
      ["grandchild", 2],
    ]);
  });

  it("mutually dependent rows in two tables raise CircularDependencyError", () => {
    const engine = create_engine(url);
    using session = new Session(engine);
    const t = new Team();
    const p1 = new Player();
    t.captain = p1;
    p1.team = t;
    session.add(t);
    let caught: unknown = null;
    try {
      session.flush();
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(CircularDependencyError);
    expect((caught as Error).message).toMatch(/^Circular dependency detected\. \(cycles: /);
    // as in SQLAlchemy, the failed flush rolled back: the pending objects are transient again
    expect(inspect(t).transient).toBe(true);
  });

  it("autoflush before queries, no_autoflush, begin(callback), begin_nested", () => {
    const engine = setup();
    const Maker = sessionmaker(engine);
    Maker.begin((session) => {
      session.add(new User({ name: "a" }));
      expect(session.scalar(select(func.count()).select_from(User))).toBe(1);
      {
        using _ = session.no_autoflush;
        session.add(new User({ name: "b" }));
        expect(session.scalar(select(func.count()).select_from(User))).toBe(1);
      }
      expect(session.scalar(select(func.count()).select_from(User))).toBe(2);
    });
    using session = Maker();
    session.add(new User({ name: "c" }));
    expect(() =>
      session.begin_nested(() => {
        session.add(new User({ name: "d" }));
        session.flush();
        throw new Error("inner");
      }),
    ).toThrow("inner");
    session.commit();
    expect(session.scalars(select(User_.name).order_by(User_.id)).all()).toEqual(["a", "b", "c"]);
  });

  it("begin_nested() flushes at once and emits its SAVEPOINT only when it first uses the connection", () => {
    const engine = setup();
    using session = new Session(engine);
    const insert = pg
      ? "INSERT INTO user_account (name, fullname, age) VALUES (%(name)s, %(fullname)s, %(age)s) RETURNING user_account.id"
      : "INSERT INTO user_account (name, fullname, age) VALUES (?, ?, ?)";
    session.add(new User({ name: "a" }));
    const unused = session.begin_nested();
    const b = new User({ name: "b" });
    session.add(b);
    unused.rollback();
    expect(out.sql().filter((l) => !l.startsWith("["))).toEqual(["BEGIN (implicit)", insert]);
    expect(inspect(b).transient).toBe(true);
    out.clear();
    const nested = session.begin_nested();
    expect(out.sql()).toEqual([]);
    const c = new User({ name: "c" });
    session.add(c);
    session.flush();
    nested.rollback();
    expect(out.sql().filter((l) => !l.startsWith("["))).toEqual([
      "SAVEPOINT sa_savepoint_1",
      insert,
      "ROLLBACK TO SAVEPOINT sa_savepoint_1",
    ]);
    // inserted inside the SAVEPOINT that was rolled back: transient again
    expect(inspect(c).transient).toBe(true);
    out.clear();
    expect(() => session.begin_nested(() => session.add(new User({ name: "a" })))).toThrow(IntegrityError);
    expect(out.sql().filter((l) => !l.startsWith("["))).toEqual([
      "SAVEPOINT sa_savepoint_2",
      insert,
      "ROLLBACK TO SAVEPOINT sa_savepoint_2",
    ]);
    // only the SAVEPOINT was rolled back: the outer transaction goes on and commits
    expect([session.in_transaction(), session.in_nested_transaction()]).toEqual([true, false]);
    session.commit();
    expect(session.scalars(select(User_.name).order_by(User_.id)).all()).toEqual(["a"]);
  });

  it("ORM update() synchronizes the identity map ('auto')", () => {
    const engine = setup();
    using session = new Session(engine);
    const u = new User({ name: "s", age: 1 });
    session.add(u);
    session.flush();
    session.execute(update(User).where(User_.name.eq("s")).values({ age: 5 }));
    expect(u.age).toBe(5);
    expect(session.is_modified(u)).toBe(false);
    session.execute(update(User).where(User_.name.like("s%")).values({ age: 6 }));
    expect(u.age).toBe(6);
  });

  it("identities are keyed by mapped class: a class declared again for the same table gets its own objects", () => {
    const engine = setup();
    using session = new Session(engine);
    session.add(new User({ name: "a" }));
    session.commit();
    const old = session.get(User, 1) as User;
    expect(old).toBeInstanceOf(User);
    // what running a model cell again does: a new Base and a new class for the same table
    class Base2 extends DeclarativeBase {}
    class User2 extends Base2 {
      static __tablename__ = "user_account";
      @mapped_column({ primary_key: true }) accessor id!: number;
      @mapped_column(StringType(30)) accessor name!: string;
    }
    out.clear();
    const fresh = session.get(User2, 1) as User2;
    expect(fresh).toBeInstanceOf(User2);
    expect(fresh).not.toBe(old);
    expect(fresh.name).toBe("a");
    expect(out.sql()[0]).toBe(
      `SELECT user_account.id AS user_account_id, user_account.name AS user_account_name \nFROM user_account \nWHERE user_account.id = ${p("pk_1")}`,
    );
    expect(repr(inspect(fresh).identity_key)).toBe("(<class '__main__.User2'>, (1,), None)");
    expect(session.get(User, 1)).toBe(old);
    expect(session.get(User2, 1)).toBe(fresh);
    expect(session.identity_map.size).toBe(2);
  });

  it("closed sessions leave the registry of live sessions; a live one is still found from its objects", () => {
    const engine = setup();
    engine.echo = false;
    const before = _sessions.size;
    for (let i = 0; i < 1000; i++) {
      const session = new Session(engine);
      const u = new User({ name: `u${i}` });
      session.add(u);
      expect(object_session(u)).toBe(session);
      if (i % 100 === 0) {
        session.flush();
        expect(inspect(u).session).toBe(session);
        expect(stateOf(u)).toEqual(["persistent"]);
      }
      session.close();
      expect(object_session(u)).toBeNull();
      expect(stateOf(u)).toEqual([i % 100 === 0 ? "detached" : "transient"]);
    }
    expect(_sessions.size).toBe(before);
    // a closed session can be used again: its objects find it
    const session = new Session(engine);
    session.close();
    expect(_sessions.size).toBe(before);
    const u = new User({ name: "again" });
    session.add(u);
    expect(object_session(u)).toBe(session);
    expect(stateOf(u)).toEqual(["pending"]);
    session.commit();
    expect(object_session(u)).toBe(session);
    expect(u.name).toBe("again");
    session.close();
    expect(_sessions.size).toBe(before);
  });

  it("a mapped class prints as Python prints a class (its `name` column does not rename it)", () => {
    expect(repr(User)).toBe("<class '__main__.User'>");
    expect(str(User)).toBe("<class '__main__.User'>");
    expect(repr(Node)).toBe("<class '__main__.Node'>");
    expect(repr(Session)).toBe("<class 'sqlalchemy.orm.session.Session'>");
    print(User);
    expect(out.lines()).toEqual(["<class '__main__.User'>"]);
  });

  it("a Session without a bind raises UnboundExecutionError with SQLAlchemy's messages", () => {
    const engine = setup();
    void engine;
    const raised = (fn: () => unknown): Error => {
      try {
        fn();
      } catch (err) {
        return err as Error;
      }
      throw new Error("nothing raised");
    };
    const none = raised(() => new Session().get_bind());
    expect(none).toBeInstanceOf(UnboundExecutionError);
    expect(str(none)).toBe(
      "This session is not bound to a single Engine or Connection, and no context was provided to locate a binding.",
    );
    expect((none as { code?: unknown }).code ?? null).toBeNull();
    const flushing = new Session();
    flushing.add(new User({ name: "x" }));
    const onFlush = raised(() => flushing.flush());
    expect(onFlush).toBeInstanceOf(UnboundExecutionError);
    expect(str(onFlush)).toBe(
      "Could not locate a bind configured on mapper Mapper[User(user_account)] or this Session.",
    );
    const onSelect = raised(() => new Session().execute(select(User)));
    expect(str(onSelect)).toBe(
      "Could not locate a bind configured on mapper Mapper[User(user_account)], SQL expression or this Session.",
    );
    const onText = raised(() => new Session().execute(text("SELECT 1")));
    expect(onText).toBeInstanceOf(UnboundExecutionError);
    expect(str(onText)).toBe("Could not locate a bind configured on SQL expression or this Session.");
  });

  it("session.new / dirty / deleted are IdentitySets; obj.__dict__ is inspect(obj).dict", () => {
    const engine = setup();
    using session = new Session(engine);
    expect(repr(session.new)).toBe("IdentitySet([])");
    const u = new User({ name: "a" });
    const d = (u as any).__dict__;
    expect(d).toBe(inspect(u).dict);
    expect(Object.getOwnPropertyNames(d).sort()).toEqual(["_sa_instance_state", "name"]);
    expect(d._sa_instance_state).toBe(inspect(u));
    expect(Object.keys(d)).toEqual(["name"]);
    session.add(u);
    expect(session.new.has(u)).toBe(true);
    expect(session.new.size).toBe(1);
    expect(repr(session.new)).toMatch(/^IdentitySet\(\[<__main__\.User object at 0x[0-9a-f]+>\]\)$/);
    expect(() => session.new.__hash__()).toThrow(new TypeError("set objects are unhashable"));
    session.commit();
    expect(Object.getOwnPropertyNames((u as any).__dict__)).toEqual(["_sa_instance_state"]);
    u.age = 3;
    expect([...session.dirty]).toEqual([u]);
    session.delete(u);
    expect(repr(session.deleted)).toMatch(/^IdentitySet\(\[<__main__\.User object at/);
  });

  it("Session.identity_key() and merge(): load, identity map, new key, load=False", () => {
    const engine = setup();
    expect(repr(Session.identity_key(User, 1))).toBe("(<class '__main__.User'>, (1,), None)");
    expect(repr(Session.identity_key(User, [1]))).toBe("(<class '__main__.User'>, (1,), None)");
    expect(() => Session.identity_key()).toThrow("class or instance is required");
    const u = new User({ name: "a", age: 1 });
    {
      using session = new Session(engine, { expire_on_commit: false });
      session.add(u);
      session.commit();
    }
    expect(repr(Session.identity_key({ instance: u }))).toBe("(<class '__main__.User'>, (1,), None)");
    using session = new Session(engine);
    out.clear();
    const merged = session.merge(new User({ id: 1, name: "b" }));
    expect(out.sql()[1]!.startsWith("SELECT user_account.id AS user_account_id")).toBe(true);
    expect(merged.name).toBe("b");
    expect(merged.age).toBe(1);
    expect([...session.dirty]).toEqual([merged]);
    out.clear();
    expect(session.merge(new User({ id: 1, name: "c" }))).toBe(merged);
    // the pending change is flushed first (merge autoflushes), and nothing is loaded
    expect(out.sql()[0]).toBe(
      `UPDATE user_account SET name=${p("name")} WHERE user_account.id = ${p("user_account_id")}`,
    );
    expect(out.sql().filter((l) => l.startsWith("SELECT"))).toEqual([]);
    const fresh = session.merge(new User({ id: 9, name: "n" }));
    expect(session.new.has(fresh)).toBe(true);
    expect(inspect(fresh).key).toBeNull();
    session.rollback();
    using other = new Session(engine);
    out.clear();
    const copy = other.merge(u, { load: false });
    expect(out.sql()).toEqual([]);
    expect(inspect(copy).persistent).toBe(true);
    expect(other.dirty.size).toBe(0);
    expect(() => other.merge(new User({ name: "t" }), { load: false })).toThrow(
      "merge() with load=False option does not support objects transient (i.e. unpersisted) objects.  flush() all changes on mapped instances before merging with load=False.",
    );
    u.age = 5;
    using third = new Session(engine);
    expect(() => third.merge(u, { load: false })).toThrow(
      "merge() with load=False option does not support objects marked as 'dirty'.  flush() all changes on mapped instances before merging with load=False.",
    );
  });

  it("a new object with a loaded object's key: SAWarning at flush, then the INSERT; deleted first: a row switch", () => {
    const engine = setup();
    {
      using session = new Session(engine);
      session.add(new User({ id: 1, name: "a" }));
      session.commit();
    }
    {
      using session = new Session(engine);
      session.get(User, 1);
      session.add(new User({ id: 1, name: "b" }));
      out.clear();
      expect(() => session.flush()).toThrow(IntegrityError);
      const shown = out.lines().filter((l) => l.includes("SAWarning"));
      expect(shown).toHaveLength(1);
      expect(shown[0]).toMatch(
        /^\/.*orm_session\.test\.ts:\d+: SAWarning: New instance <User at 0x[0-9a-f]+> with identity key \(<class '__main__\.User'>, \(1,\), None\) conflicts with persistent instance <User at 0x[0-9a-f]+>$/,
      );
      expect(out.sql().some((l) => l.startsWith("INSERT INTO user_account"))).toBe(true);
      session.rollback();
      // filters: "error" raises the warning itself, records are kept by catch_warnings
      {
        using _ = warnings.catch_warnings();
        warnings.simplefilter("error");
        session.add(new User({ id: 1, name: "c" }));
        expect(() => session.flush()).toThrow(SAWarning);
      }
      session.rollback();
    }
    using session = new Session(engine);
    const existing = session.get(User, 1) as User;
    session.delete(existing);
    const replacement = new User({ id: 1, name: "r" });
    session.add(replacement);
    out.clear();
    session.flush();
    // (the mapper's statement cache lives as long as the class: this UPDATE may be cached already)
    expect(out.sql().map((l) => l.replace(/^\[(generated in Xs|cached since Xs ago)\]/, "[…]"))).toEqual([
      `UPDATE user_account SET name=${p("name")} WHERE user_account.id = ${p("user_account_id")}`,
      pg ? "[…] {'name': 'r', 'user_account_id': 1}" : "[…] ('r', 1)",
    ]);
    expect(stateOf(replacement)).toEqual(["persistent"]);
    expect(stateOf(existing)).toEqual(["deleted"]);
    session.commit();
    expect(session.scalars(select(User_.name)).all()).toEqual(["r"]);
  });

  it("commit() inside a Session.begin() block: add, get and execute afterwards raise; after the block the session works", () => {
    const engine = setup();
    const closed =
      "Can't operate on closed transaction inside context manager.  Please complete the context manager before emitting further commands.";
    using session = new Session(engine);
    session.begin(() => {
      session.add(new User({ name: "a" }));
      session.commit();
      expect(() => session.add(new User({ name: "b" }))).toThrow(new InvalidRequestError(closed));
      expect(session.new.size).toBe(0);
      expect(() => session.get(User, 1)).toThrow(new InvalidRequestError(closed));
      expect(() => session.execute(select(User))).toThrow(new InvalidRequestError(closed));
    });
    expect((session.get(User, 1) as User).name).toBe("a");
    // add() begins the session's transaction, as SQLAlchemy's does (no BEGIN until SQL is needed)
    session.commit();
    out.clear();
    session.add(new User({ name: "c" }));
    expect(session.in_transaction()).toBe(true);
    expect(out.sql()).toEqual([]);
  });
});
