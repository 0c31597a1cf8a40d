/**
 * create_async_engine: async connect, await conn.execute(text("SELECT 1,2,3")), res.all(); async begin;
 * await conn.commit().
 *
 * The async engine logs exactly like the sync one (same logger name).
 */
import { str, text } from "sqlalchemy";
import { create_async_engine } from "sqlalchemy/ext/asyncio";
import { ValueError } from "sqlalchemy/testing";

const BACKEND = process.env.ORACLE_BACKEND ?? "sqlite";
const URL = {
  sqlite: "sqlite+aiosqlite:///oracle.db",
  postgresql: "postgresql+asyncpg://oracle:oracle@127.0.0.1:54329/oracle",
}[BACKEND]!;
const VERSION_SQL = {
  sqlite: "SELECT sqlite_version()",
  postgresql: "SELECT VERSION()",
}[BACKEND]!;

function show_error(err: any): void {
  print(`!! ${err.constructor.__module__}.${err.constructor.name}: ${str(err)}`);
}

async function main() {
  const engine = create_async_engine(URL, { echo: true, pool_size: 5, max_overflow: 10 });
  print("engine:", engine);
  print("sync engine:", engine.sync_engine);
  print("pool class:", engine.pool.constructor.name);

  print("## async with engine.connect()");
  {
    await using conn = await engine.connect();
    let res = await conn.execute(text("SELECT 1,2,3"));
    print("type:", res.constructor.name);
    print("res.all():", res.all());
    res = await conn.execute(text(VERSION_SQL));
    print("version:", res.first()![0]);
  }

  print("## async with engine.begin(): COMMIT");
  await engine.begin(async (conn) => {
    await conn.execute(text("CREATE TABLE some_table (x INTEGER, y INTEGER)"));
    await conn.execute(text("INSERT INTO some_table (x, y) VALUES (:x, :y)"), [
      { x: 1, y: 1 },
      { x: 2, y: 4 },
    ]);
  });

  print("## async with engine.begin() + exception: ROLLBACK");
  try {
    await engine.begin(async (conn) => {
      await conn.execute(text("INSERT INTO some_table (x, y) VALUES (:x, :y)"), { x: 3, y: 9 });
      throw new ValueError("boom");
    });
  } catch (err) {
    if (!(err instanceof ValueError)) throw err;
    show_error(err);
  }

  print("## commit as you go");
  {
    await using conn = await engine.connect();
    await conn.execute(text("INSERT INTO some_table (x, y) VALUES (:x, :y)"), { x: 4, y: 16 });
    await conn.commit();
    await conn.execute(text("INSERT INTO some_table (x, y) VALUES (:x, :y)"), { x: 5, y: 25 });
    // no commit: rolled back on close
  }

  {
    await using conn = await engine.connect();
    const res = await conn.execute(text("SELECT x, y FROM some_table ORDER BY x"));
    print("persisted rows:", res.all());
    print("scalar:", await conn.scalar(text("SELECT count(*) FROM some_table")));
    print("scalars:", (await conn.scalars(text("SELECT y FROM some_table ORDER BY x"))).all());
  }

  print("pool status:", engine.pool.status());
  await engine.dispose();
  print("disposed");
}

await main();
