/**
 * Relationships (lazy / selectin / joined loading, statement counts as in transcript 39, cascades)
 * and AsyncSession (MissingGreenlet on expired attributes, the ways out) on both databases.
 */
import { create_engine, event, ForeignKey, String as StringType, select } from "sqlalchemy";
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
  captureOutput();
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
});
