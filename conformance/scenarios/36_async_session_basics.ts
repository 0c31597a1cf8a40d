/** AsyncSession / async_sessionmaker: add, flush (primary key before commit), commit, get, execute(select), scalars. */
import { repr, String, select } from "sqlalchemy";
import { AsyncSession, async_sessionmaker, create_async_engine } from "sqlalchemy/ext/asyncio";
import { DeclarativeBase, mapped_column } from "sqlalchemy/orm";

const BACKEND = process.env.ORACLE_BACKEND ?? "sqlite";
const URL = {
  sqlite: "sqlite+aiosqlite:///oracle.db",
  postgresql: "postgresql+asyncpg://oracle:oracle@127.0.0.1:54329/oracle",
}[BACKEND]!;

class Base extends DeclarativeBase {}

class User extends Base {
  static __tablename__ = "user_account";
  @mapped_column({ primary_key: true }) accessor id!: number;
  @mapped_column(String(30)) accessor name!: string;
  @mapped_column(String, { nullable: true }) accessor fullname!: string | null;

  __repr__(): string {
    return `User(id=${repr(this.id)}, name=${repr(this.name)}, fullname=${repr(this.fullname)})`;
  }
}

async function main() {
  const engine = create_async_engine(URL, { echo: true });
  print("## create_all via run_sync");
  await engine.begin(async (conn) => {
    await conn.run_sync((sync_conn) => Base.metadata.create_all(sync_conn));
  });

  const async_session = async_sessionmaker(engine);
  print("async_session:", async_session);

  print("## add / flush / commit");
  {
    await using session = async_session();
    print("session type:", session.constructor.name);
    const u = new User({ name: "spongebob", fullname: "Spongebob Squarepants" });
    session.add(u);
    print("id before flush:", u.id);
    await session.flush();
    print("id after flush:", u.id);
    await session.commit();
  }

  print("## async with async_session.begin(): commits at the end");
  await async_session.begin(async (session) => {
    session.add_all([new User({ name: "sandy" }), new User({ name: "patrick" })]);
  });

  print("## querying");
  {
    await using session = async_session();
    const result = await session.execute(select(User).order_by(User.id));
    print("execute().scalars().all():", result.scalars().all());
    const users = (await session.scalars(select(User).where(User.name.ne("sandy")).order_by(User.id))).all();
    print("scalars():", users);
    const u = (await session.get(User, 1))!;
    print("get(User, 1):", u);
    print("get again is the same object:", u === (await session.get(User, 1)));
    print("scalar():", await session.scalar(select(User.name).where(User.id.eq(2))));

    print("## modify + commit");
    u.fullname = "SpongeBob SquarePants";
    await session.commit();
  }

  print("## AsyncSession(engine) directly, expire_on_commit=False");
  {
    await using session = new AsyncSession(engine, { expire_on_commit: false });
    const u = new User({ name: "squidward" });
    session.add(u);
    await session.commit();
    print("after commit, no SQL:", u);
  }

  await engine.dispose();
}

await main();
