/**
 * AsyncSession + expired attribute after commit -> MissingGreenlet; fixes: await session.refresh(obj),
 * awaitable_attrs, expire_on_commit=False, selectinload.
 */
import { ForeignKey, String, select, str } from "sqlalchemy";
import { AsyncAttrs, async_sessionmaker, create_async_engine } from "sqlalchemy/ext/asyncio";
import { DeclarativeBase, mapped_column, relationship, selectinload } from "sqlalchemy/orm";

const BACKEND = process.env.ORACLE_BACKEND ?? "sqlite";
const URL = {
  sqlite: "sqlite+aiosqlite:///oracle.db",
  postgresql: "postgresql+asyncpg://oracle:oracle@127.0.0.1:54329/oracle",
}[BACKEND]!;

// Python: class Base(AsyncAttrs, DeclarativeBase) -- a mixin applied to the base class
class Base extends AsyncAttrs(DeclarativeBase) {}

class User extends Base {
  static __tablename__ = "user_account";
  @mapped_column({ primary_key: true }) accessor id!: number;
  @mapped_column(String(30)) accessor name!: string;
  @mapped_column(String, { nullable: true }) accessor fullname!: string | null;
  @relationship(() => Address, { back_populates: "user" }) accessor addresses!: Address[];
}

class Address extends Base {
  static __tablename__ = "address";
  @mapped_column({ primary_key: true }) accessor id!: number;
  @mapped_column(String) accessor email!: string;
  @mapped_column(ForeignKey("user_account.id")) accessor user_id!: number;
  @relationship(() => User, { back_populates: "addresses" }) accessor user!: User;
}

function show_error(err: any): void {
  print(`!! ${err.constructor.__module__}.${err.constructor.name}: ${str(err)}`);
}

async function main() {
  const engine = create_async_engine(URL, { echo: true });
  await engine.begin(async (conn) => {
    await conn.run_sync((sync_conn) => Base.metadata.create_all(sync_conn));
  });

  const async_session = async_sessionmaker(engine); // expire_on_commit=True

  {
    await using session = async_session();
    const u = new User({ name: "spongebob", addresses: [new Address({ email: "sb@example.com" })] });
    session.add(u);
    await session.commit();

    print("## touching an expired attribute after commit");
    try {
      print(u.name);
    } catch (err) {
      show_error(err);
    }

    print("## fix 1: await session.refresh(obj)");
    await session.refresh(u);
    print("name:", u.name);

    print("## fix 2: await obj.awaitable_attrs.<name>");
    await session.commit();
    print("name:", await u.awaitable_attrs.name);

    print("## lazy-loading a relationship");
    try {
      print(u.addresses);
    } catch (err) {
      show_error(err);
    }
    print(
      "awaitable_attrs:",
      (await u.awaitable_attrs.addresses).map((a: Address) => a.email),
    );

    print("## fix 3: eager load with selectinload");
    await session.commit();
    const loaded = (await session.scalars(select(User).options(selectinload(User.addresses)))).one();
    print(
      "no SQL on access:",
      loaded.name,
      loaded.addresses.map((a) => a.email),
    );
  }

  print("## fix 4: expire_on_commit=False");
  const keep_session = async_sessionmaker(engine, { expire_on_commit: false });
  let u2: User;
  {
    await using session = keep_session();
    u2 = new User({ name: "sandy" });
    session.add(u2);
    await session.commit();
    print("no SQL, no error:", u2.id, u2.name);
  }
  print("after close:", u2.name);

  await engine.dispose();
}

await main();
