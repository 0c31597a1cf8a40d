/**
 * Relationships (lazy / selectin / joined loading, statement counts as in transcript 39, cascades)
 * and AsyncSession (MissingGreenlet on expired attributes, the ways out) on both databases.
 */
import { create_engine, event, ForeignKey, repr, String as StringType, select, str } from "sqlalchemy";
import { InvalidRequestError, MissingGreenlet } from "sqlalchemy/exc";
import { AsyncAttrs, AsyncSession, async_sessionmaker, create_async_engine } from "sqlalchemy/ext/asyncio";
import {
  DeclarativeBase,
  type InstrumentedList,
  joinedload,
  mapped_column,
  relationship,
  Session,
  selectinload,
} from "sqlalchemy/orm";
import { expect, it } from "vitest";
import { captureOutput, eachDatabase } from "./support.ts";

class Base extends AsyncAttrs(DeclarativeBase) {}

class User extends Base {
  static __tablename__ = "user_account";
  @mapped_column({ primary_key: true }) accessor id!: number;
  @mapped_column(StringType(30)) accessor name!: string;
  @relationship(() => Address, { back_populates: "user", cascade: "all, delete-orphan" })
  accessor addresses!: Address[];
}

class Address extends Base {
  static __tablename__ = "address";
  @mapped_column({ primary_key: true }) accessor id!: number;
  @mapped_column(StringType) accessor email!: string;
  @mapped_column(ForeignKey("user_account.id")) accessor user_id!: number;
  @relationship(() => User, { back_populates: "addresses" }) accessor user!: User;
}

/** Class-level mapped attributes (`User.id`) are not in the classes' static types. */
const User_ = User as unknown as Record<string, any>;
const Address_ = Address as unknown as Record<string, any>;

eachDatabase("relationships", ({ url }) => {
  const out = captureOutput();
  const seed = () => {
    const engine = create_engine(url);
    Base.metadata.create_all(engine);
    {
      using session = new Session(engine);
      for (const name of ["a", "b", "c"]) {
        session.add(
          new User({
            name,
            addresses: [new Address({ email: `${name}@1` }), new Address({ email: `${name}@2` })],
          }),
        );
      }
      session.commit();
    }
    let count = 0;
    event.listens_for(
      engine,
      "before_cursor_execute",
    )(() => {
      count += 1;
    });
    return { engine, count: () => count, reset: () => (count = 0) };
  };

  it("lazy loading costs N+1 statements, selectinload 2, joinedload 1 (transcript 39)", () => {
    const { engine, count, reset } = seed();
    const emails = (users: User[]) => users.map((u) => u.addresses.map((a) => a.email));
    const expected = [
      ["a@1", "a@2"],
      ["b@1", "b@2"],
      ["c@1", "c@2"],
    ];
    {
      using session = new Session(engine);
      reset();
      expect(emails(session.scalars(select(User).order_by(User_.id)).all() as User[])).toEqual(expected);
      expect(count()).toBe(4);
    }
    {
      using session = new Session(engine);
      reset();
      expect(
        emails(
          session
            .scalars(select(User).options(selectinload(User_.addresses)).order_by(User_.id))
            .all() as User[],
        ),
      ).toEqual(expected);
      expect(count()).toBe(2);
    }
    {
      using session = new Session(engine);
      reset();
      const users = session
        .scalars(select(User).options(joinedload(User_.addresses)).order_by(User_.id))
        .unique()
        .all();
      expect(emails(users as User[])).toEqual(expected);
      expect(count()).toBe(1);
      // session.get() applies unique() itself, as SQLAlchemy's load_on_pk_identity does
      session.expunge_all();
      reset();
      const b = session.get(User, 2, { options: [joinedload(User_.addresses)] }) as User;
      expect(b.addresses.map((a) => a.email)).toEqual(["b@1", "b@2"]);
      expect(count()).toBe(1);
      expect(() => session.scalars(select(User).options(joinedload(User_.addresses))).all()).toThrow(
        new InvalidRequestError(
          "The unique() method must be invoked on this Result, as it contains results that include joined eager loads against collections",
        ),
      );
    }
    {
      using session = new Session(engine);
      session.scalars(select(User)).all();
      reset();
      const addrs = session.scalars(select(Address).order_by(Address_.id)).all() as Address[];
      expect(addrs.map((a) => a.user.name)).toEqual(["a", "a", "b", "b", "c", "c"]);
      expect(count()).toBe(1); // many-to-one from the identity map
    }
  });

  it("delete() loads a delete-cascade collection first; a pending orphan is expunged at once", () => {
    const { engine } = seed();
    expect(repr(User_.addresses.property.cascade)).toBe(
      "CascadeOptions('delete,delete-orphan,expunge,merge,refresh-expire,save-update')",
    );
    engine.echo = true;
    {
      using session = new Session(engine);
      const a = session.get(User, 1) as User;
      out.clear();
      session.delete(a);
      // the collection was loaded by delete(), before anything was flushed
      expect(out.sql()[0]!.startsWith("SELECT address.id AS address_id")).toBe(true);
      expect(out.sql().some((l) => l.startsWith("DELETE"))).toBe(false);
      session.flush();
      const deletes = out.sql().filter((l) => l.startsWith("DELETE"));
      expect(deletes.map((l) => l.split(" WHERE")[0])).toEqual([
        "DELETE FROM address",
        "DELETE FROM user_account",
      ]);
      session.commit();
    }
    using session = new Session(engine);
    const u = new User({ name: "p", addresses: [new Address({ email: "x" }), new Address({ email: "y" })] });
    session.add(u);
    const y = u.addresses[1]!;
    (u.addresses as InstrumentedList<Address>).remove(y);
    expect(session.contains(y)).toBe(false);
    expect(session.new.size).toBe(2);
  });

  it("back_populates, delete-orphan and delete cascade", () => {
    const { engine } = seed();
    using session = new Session(engine);
    const a = session.scalars(select(User).where(User_.name.eq("a"))).one() as User;
    const moved = a.addresses[0]!;
    const b = session.scalars(select(User).where(User_.name.eq("b"))).one() as User;
    b.addresses.push(moved);
    expect(moved.user).toBe(b);
    expect(a.addresses.map((x) => x.email)).toEqual(["a@2"]);
    session.flush();
    expect(moved.user_id).toBe(b.id);
    (a.addresses as InstrumentedList<Address>).remove(a.addresses[0]!);
    session.flush();
    expect(session.scalars(select(Address_.email).order_by(Address_.id)).all()).toEqual([
      "a@1",
      "b@1",
      "b@2",
      "c@1",
      "c@2",
    ]);
    session.delete(b);
    session.commit();
    expect(session.scalars(select(Address_.email).order_by(Address_.id)).all()).toEqual(["c@1", "c@2"]);
  });
});

/** lazy="raise" on the collection, lazy="raise_on_sql" on the many-to-one. */
class RaiseBase extends DeclarativeBase {}
class Owner extends RaiseBase {
  static __tablename__ = "owner";
  @mapped_column({ primary_key: true }) accessor id!: number;
  @mapped_column(StringType(30)) accessor name!: string;
  @relationship(() => Pet, { back_populates: "owner", lazy: "raise" }) accessor pets!: Pet[];
}
class Pet extends RaiseBase {
  static __tablename__ = "pet";
  @mapped_column({ primary_key: true }) accessor id!: number;
  @mapped_column(ForeignKey("owner.id"), { nullable: true }) accessor owner_id!: number | null;
  @relationship(() => Owner, { back_populates: "pets", lazy: "raise_on_sql" }) accessor owner!: Owner | null;
}

const Owner_ = Owner as unknown as Record<string, any>;
const Pet_ = Pet as unknown as Record<string, any>;

eachDatabase("lazy='raise' / 'raise_on_sql'", ({ url }) => {
  const out = captureOutput();
  it("raise refuses every load; raise_on_sql only the ones that need SQL", () => {
    const engine = create_engine(url);
    RaiseBase.metadata.create_all(engine);
    {
      using session = new Session(engine);
      const o = new Owner({ name: "o" });
      expect(o.pets).toEqual([]);
      session.add(o);
      o.pets.push(new Pet({}), new Pet({}));
      session.add(new Pet({}));
      session.commit();
    }
    engine.echo = true;
    using session = new Session(engine);
    const o = session.get(Owner, 1) as Owner;
    out.clear();
    expect(() => o.pets).toThrow(
      new InvalidRequestError("'Owner.pets' is not available due to lazy='raise'"),
    );
    expect(out.sql()).toEqual([]);
    const pets = session.scalars(select(Pet).order_by(Pet_.id)).all() as Pet[];
    out.clear();
    expect(pets[0]!.owner).toBe(o); // in the identity map
    expect(pets[2]!.owner).toBeNull(); // a NULL foreign key
    expect(out.sql()).toEqual([]);
    session.expunge(o);
    expect(() => pets[1]!.owner).toThrow(
      new InvalidRequestError("'Pet.owner' is not available due to lazy='raise_on_sql'"),
    );
    expect(out.sql()).toEqual([]);
    const loaded = session.scalars(select(Owner).options(selectinload(Owner_.pets))).one() as Owner;
    expect(loaded.pets.length).toBe(2);
  });
});

eachDatabase("AsyncSession", ({ asyncUrl }) => {
  const out = captureOutput();

  it("add / flush / commit / get; an expired attribute raises MissingGreenlet after logging its SELECT", async () => {
    const engine = create_async_engine(asyncUrl, { echo: true });
    await engine.begin(async (conn) => conn.run_sync((c) => Base.metadata.create_all(c)));
    const maker = async_sessionmaker(engine);
    {
      await using session = maker();
      expect(session).toBeInstanceOf(AsyncSession);
      const u = new User({ name: "s", addresses: [new Address({ email: "s@x" })] });
      session.add(u);
      await session.flush();
      expect(u.id).toBe(1);
      await session.commit();
      out.clear();
      expect(() => u.name).toThrow(MissingGreenlet);
      expect(() => u.name).toThrow(
        "greenlet_spawn has not been called; can't call await_only() here. Was IO attempted in an unexpected place? (Background on this error at: https://sqlalche.me/e/20/xd2s)",
      );
      expect(out.sql()[1]!.startsWith("SELECT user_account.id AS user_account_id")).toBe(true);
      await session.refresh(u);
      expect(u.name).toBe("s");
      expect(() => u.addresses).toThrow(MissingGreenlet);
      expect((await u.awaitable_attrs.addresses).map((a: Address) => a.email)).toEqual(["s@x"]);
      expect(await session.get(User, 1)).toBe(u);
      expect(await session.scalar(select(User_.name))).toBe("s");
    }
    {
      await using session = new AsyncSession(engine, { expire_on_commit: false });
      const v = new User({ name: "kept" });
      session.add(v);
      await session.commit();
      expect(v.name).toBe("kept");
      const loaded = (
        await session.scalars(select(User).options(selectinload(User_.addresses)).order_by(User_.id))
      ).all() as User[];
      expect(loaded.map((x) => x.addresses.length)).toEqual([1, 0]);
    }
    await engine.dispose();
  });

  it("two async sessions writing at once: the second waits for the first to end, as AsyncConnection does", async () => {
    const engine = create_async_engine(asyncUrl);
    await engine.begin(async (conn) => conn.run_sync((c) => Base.metadata.create_all(c)));
    const maker = async_sessionmaker(engine, { expire_on_commit: false });
    const order: string[] = [];
    const work = async (name: string, pause: number) => {
      await using session = maker();
      session.add(new User({ name }));
      await session.flush();
      order.push(`${name} flushed`);
      await new Promise((resolve) => setTimeout(resolve, pause));
      await session.commit();
      order.push(`${name} committed`);
    };
    await Promise.all([work("a", 30), work("b", 0)]);
    expect(order).toEqual(["a flushed", "a committed", "b flushed", "b committed"]);
    {
      await using session = maker();
      expect((await session.scalars(select(User_.name).order_by(User_.id))).all()).toEqual(["a", "b"]);
    }
    // a session that only reads does not wait for a writer
    const writer = maker();
    writer.add(new User({ name: "c" }));
    await writer.flush();
    {
      await using reader = maker();
      expect((await reader.scalars(select(User_.name).order_by(User_.id))).all()).toEqual(["a", "b"]);
    }
    await writer.rollback();
    await writer.close();
    await engine.dispose();
  });

  it("every IO the async API reaches without await raises MissingGreenlet at the driver, after the log", async () => {
    const engine = create_async_engine(asyncUrl, { echo: true });
    await engine.begin(async (conn) => conn.run_sync((c) => Base.metadata.create_all(c)));
    const MESSAGE =
      "greenlet_spawn has not been called; can't call await_only() here. Was IO attempted in an unexpected place? (Background on this error at: https://sqlalche.me/e/20/xd2s)";
    const raised = (fn: () => unknown): Error => {
      try {
        fn();
      } catch (err) {
        return err as Error;
      }
      throw new Error("nothing raised");
    };
    await using session = new AsyncSession(engine);
    const u = new User({ name: "s", addresses: [new Address({ email: "s@x" })] });
    session.add(u);
    await session.commit();
    // an expired attribute
    out.clear();
    const expired = raised(() => u.name);
    expect(expired).toBeInstanceOf(MissingGreenlet);
    expect(str(expired)).toBe(MESSAGE);
    expect(out.sql()[0]).toBe("BEGIN (implicit)");
    expect(out.sql()[1]!.startsWith("SELECT user_account.id AS user_account_id")).toBe(true);
    await session.refresh(u);
    // a lazy load
    out.clear();
    const lazy = raised(() => u.addresses);
    expect(lazy).toBeInstanceOf(MissingGreenlet);
    expect(str(lazy)).toBe(MESSAGE);
    expect(out.sql()[0]!.startsWith("SELECT address.id AS address_id")).toBe(true);
    const [a] = await u.awaitable_attrs.addresses;
    // a many-to-one found in the identity map needs no IO
    expect((a as Address).user).toBe(u);
    // sync calls on sync_session that do IO
    const sync = session.sync_session;
    out.clear();
    const viaExecute = raised(() => sync.execute(select(User_.name)));
    expect(viaExecute).toBeInstanceOf(MissingGreenlet);
    expect(str(viaExecute)).toBe(MESSAGE);
    expect(out.sql()[0]).toBe("SELECT user_account.name \nFROM user_account");
    sync.expunge_all();
    expect(raised(() => sync.get(User, 1))).toBeInstanceOf(MissingGreenlet);
    sync.add(new User({ name: "t" }));
    expect(raised(() => sync.flush())).toBeInstanceOf(MissingGreenlet);
    await session.rollback();
    // awaited, the same work runs
    expect(((await session.get(User, 1)) as User).name).toBe("s");
    expect((await session.scalars(select(User_.name))).all()).toEqual(["s"]);
    await engine.dispose();
  });
});
