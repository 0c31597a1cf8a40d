/**
 * PostgreSQL only: the same statements through psycopg2, psycopg (3) and asyncpg, to compare how echo
 * renders SQL and parameters.
 *
 * psycopg2/psycopg use the "pyformat" paramstyle (%(name)s, parameters logged as a dict); asyncpg uses
 * "numeric_dollar" ($1 with ::TYPE casts, parameters logged as a tuple).
 */
import { Column, create_engine, Integer, insert, MetaData, String, select, Table, text } from "sqlalchemy";
import { create_async_engine } from "sqlalchemy/ext/asyncio";

const URLS: Record<string, string> = {
  psycopg2: "postgresql+psycopg2://oracle:oracle@127.0.0.1:54329/oracle",
  psycopg: "postgresql+psycopg://oracle:oracle@127.0.0.1:54329/oracle",
  asyncpg: "postgresql+asyncpg://oracle:oracle@127.0.0.1:54329/oracle",
};

const metadata_obj = new MetaData();
const t = new Table(
  "pet",
  metadata_obj,
  new Column("id", Integer, { primary_key: true }),
  new Column("name", String(20)),
);

function work(conn: any): void {
  metadata_obj.drop_all(conn);
  metadata_obj.create_all(conn);
  conn.execute(insert(t).values({ name: "rex" }));
  conn.execute(insert(t), [{ name: "tom" }, { name: "kit" }]);
  print(conn.execute(text("SELECT id, name FROM pet WHERE name = :n"), { n: "tom" }).all());
  print(conn.execute(select(t).where(t.c.id.gt(1)).order_by(t.c.id)).all());
}

for (const driver of ["psycopg2", "psycopg"]) {
  print(`######## ${driver}`);
  const engine = create_engine(URLS[driver], { echo: true });
  print("paramstyle:", engine.dialect.paramstyle);
  engine.begin((conn) => {
    work(conn);
  });
  engine.dispose();
}

async function run_async() {
  print("######## asyncpg");
  const engine = create_async_engine(URLS.asyncpg, { echo: true });
  print("paramstyle:", engine.dialect.paramstyle);
  await engine.begin(async (conn) => {
    await conn.run_sync(work);
  });
  await engine.dispose();
}

await run_async();
