/**
 * InstanceEvents `load` and `refresh` (sqlalchemy.orm.events) on both databases: which loads fire
 * which event, once per object, with which attribute names, on a mapped class, its Mapper, the
 * Mapper class and an unmapped base (propagate), `raw`, `once` and `remove`. The expected sequences
 * are what SQLAlchemy 2.0.52 printed for the same script (listeners that print the event, the
 * object's name and the sorted attribute names).
 */
import { create_engine, event, ForeignKey, String as StringType, select } from "sqlalchemy";
import { InvalidRequestError } from "sqlalchemy/exc";
import {
  DeclarativeBase,
  InstanceState,
  inspect,
  joinedload,
  Mapper,
  mapped_column,
  relationship,
  Session,
  selectinload,
} from "sqlalchemy/orm";
import { expect, it } from "vitest";
import { eachDatabase } from "./support.ts";

class Base extends DeclarativeBase {}

class User extends Base {
  static __tablename__ = "user_account";
  @mapped_column({ primary_key: true }) accessor id!: number;
  @mapped_column(StringType(30)) accessor name!: string;
  @mapped_column(StringType(30)) accessor fullname!: string;
  @relationship(() => Address, { back_populates: "user" }) accessor addresses!: Address[];
}

class Address extends Base {
  static __tablename__ = "address";
  @mapped_column({ primary_key: true }) accessor id!: number;
  @mapped_column(StringType(30)) accessor email!: string;
  @mapped_column(ForeignKey("user_account.id")) accessor user_id!: number;
  @relationship(() => User, { back_populates: "addresses" }) accessor user!: User;
}

const User_ = User as unknown as Record<string, any>;

/** Every listener added by a test, removed after it (listeners on classes outlive a test). */
function recorder() {
  const seen: string[] = [];
  const added: [unknown, string, (...a: any[]) => unknown][] = [];
  const on = (target: unknown, identifier: string, fn: (...a: any[]) => unknown, options = {}) => {
    event.listen(target, identifier, fn, options);
    added.push([target, identifier, fn]);
  };
  const attrs = (a: Set<string> | null) => (a === null ? "None" : `[${[...a].sort().join(", ")}]`);
  const listenUser = () => {
    on(User, "load", (target: User) => seen.push(`load ${(target as any)._sa_instance_state.dict.name}`));
    on(User, "refresh", (target: User, _ctx: unknown, a: Set<string> | null) =>
      seen.push(`refresh ${inspect(target).dict.name ?? ""} ${attrs(a)}`.trimEnd()),
    );
  };
  const done = () => {
    for (const [t, i, fn] of added) event.remove(t, i, fn);
  };
  return { seen, on, listenUser, done, take: () => seen.splice(0) };
}

eachDatabase("InstanceEvents load and refresh", ({ url }) => {
  const setup = () => {
    const engine = create_engine(url);
    Base.metadata.create_all(engine);
    {
      using s = new Session(engine);
      s.add_all([
        new User({ name: "a", fullname: "A", addresses: [new Address({ email: "a@x" })] }),
        new User({ name: "b", fullname: "B" }),
      ]);
      s.commit();
    }
    return engine;
  };

  it("load: once per object a query makes; refresh: once per existing object a load populates", () => {
    const engine = setup();
    const r = recorder();
    r.listenUser();
    try {
      using s = new Session(engine);
      const users = s.scalars(select(User).order_by(User_.id)).all() as User[];
      expect(r.take()).toEqual(["load a", "load b"]);
      // in the identity map, their relationship not loaded: a refresh naming it
      s.scalars(select(User).order_by(User_.id)).all();
      expect(r.take()).toEqual(["refresh a [addresses]", "refresh b [addresses]"]);
      s.expire(users[0]!);
      void users[0]!.name;
      expect(r.take()).toEqual(["refresh a [addresses, fullname, id, name]"]);
      s.expire(users[0]!, ["fullname"]);
      void users[0]!.fullname;
      expect(r.take()).toEqual(["refresh a [fullname]"]);
      s.refresh(users[1]!);
      expect(r.take()).toEqual(["refresh b None"]);
      s.refresh(users[1]!, ["name"]);
      expect(r.take()).toEqual(["refresh b [name]"]);
      s.scalars(select(User).order_by(User_.id).execution_options({ populate_existing: true })).all();
      expect(r.take()).toEqual(["refresh a None", "refresh b None"]);
      s.get(User, 1);
      expect(r.take()).toEqual([]);
      s.commit();
      s.scalars(select(User).where(User_.id.eq(1))).all();
      expect(r.take()).toEqual(["refresh a [addresses, fullname, id, name]"]);
      s.expunge_all();
      s.get(User, 2);
      expect(r.take()).toEqual(["load b"]);
    } finally {
      r.done();
    }
  });

  it("an object on several rows of one query gets one event; eager loads as SQLAlchemy fires them", () => {
    const engine = setup();
    const r = recorder();
    r.listenUser();
    try {
      using s = new Session(engine);
      const u = s.get(User, 1) as User;
      s.add(new Address({ email: "2", user: u }));
      s.commit();
      r.take();
      s.execute(
        select(User, Address)
          .join(User_.addresses)
          .order_by((Address as unknown as Record<string, any>).id),
      ).all();
      expect(r.take()).toEqual(["refresh a [addresses, fullname, id, name]"]);
      s.execute(
        select(User, Address)
          .join(User_.addresses)
          .order_by((Address as unknown as Record<string, any>).id)
          .execution_options({ populate_existing: true }),
      ).all();
      expect(r.take()).toEqual(["refresh a None"]);
      s.expunge_all();
      const again = s.get(User, 1) as User;
      void again.addresses;
      r.take();
      // a loaded object: a joined eager load is still a refresh (of nothing), a selectin load is not
      s.scalars(select(User).where(User_.id.eq(1)).options(joinedload(User_.addresses)))
        .unique()
        .all();
      expect(r.take()).toEqual(["refresh a []"]);
      s.scalars(select(User).where(User_.id.eq(1)).options(selectinload(User_.addresses))).all();
      expect(r.take()).toEqual([]);
    } finally {
      r.done();
    }
  });

  it("on the Mapper class (every mapper), a Mapper, an unmapped base with propagate; raw and once", () => {
    const engine = setup();
    const r = recorder();
    try {
      r.on(Mapper, "load", (target: object) => r.seen.push(`every ${inspect(target).mapper.class_name}`));
      r.on(inspect(Address), "load", (target: Address) =>
        r.seen.push(`mapper ${inspect(target).dict.email}`),
      );
      r.on(Base, "load", (target: object) => r.seen.push(`base ${inspect(target).mapper.class_name}`), {
        propagate: true,
      });
      // without propagate, an unmapped class's listener applies to no class (SQLAlchemy accepts it)
      event.listen(Base, "load", () => r.seen.push("base, not propagated"));
      r.on(User, "load", (state: unknown) => r.seen.push(`raw ${state instanceof InstanceState}`), {
        raw: true,
      });
      r.on(User, "load", () => r.seen.push("once"), { once: true });
      using s = new Session(engine);
      const [a] = s.scalars(select(User).order_by(User_.id)).all() as User[];
      void a!.addresses;
      expect(r.take()).toEqual([
        "every User",
        "base User",
        "raw true",
        "once",
        "every User",
        "base User",
        "raw true",
        "every Address",
        "mapper a@x",
        "base Address",
      ]);
      expect(event.contains(User, "load", r.seen.push)).toBe(false);
    } finally {
      r.done();
    }
    // removed: nothing fires
    using s = new Session(engine);
    s.scalars(select(User)).all();
    expect(r.take()).toEqual([]);
  });

  it("an event mapped classes do not have is refused as SQLAlchemy refuses it", () => {
    expect(() => event.listen(User, "nope", () => {})).toThrow(InvalidRequestError);
    expect(() => event.listen(User, "nope", () => {})).toThrow(
      "No such event 'nope' for target '<class '__main__.User'>'",
    );
  });
});
