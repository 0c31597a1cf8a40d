/**
 * create_engine(url, echo=True, pool_size=5, max_overflow=10); connect; SELECT the server version.
 *
 * The first connection of a PostgreSQL engine runs the dialect's "first connect" queries ([raw sql]);
 * SQLite runs none. The connection is never committed, so closing it logs ROLLBACK.
 */
import { create_engine, text } from "sqlalchemy";

const BACKEND = process.env.ORACLE_BACKEND ?? "sqlite";
const URL = {
  sqlite: "sqlite:///oracle.db",
  postgresql: "postgresql+psycopg2://oracle:oracle@127.0.0.1:54329/oracle",
}[BACKEND]!;
const VERSION_SQL = {
  sqlite: "SELECT sqlite_version()",
  postgresql: "SELECT VERSION()",
}[BACKEND]!;

const engine = create_engine(URL, { echo: true, pool_size: 5, max_overflow: 10 });
print("engine:", engine);
print("url:", engine.url);
print("dialect:", engine.dialect.name, "driver:", engine.dialect.driver);
print("pool class:", engine.pool.constructor.name);
print("pool status:", engine.pool.status());

print("## connect + execute");
{
  using conn = engine.connect();
  const res = conn.execute(text(VERSION_SQL));
  const row = res.first()!;
  print("row:", row);
  print("version:", row[0]);
  print("in_transaction:", conn.in_transaction());
}
print("## after with-block (connection returned to pool)");
print("pool status:", engine.pool.status());

print("## second connect: no first-connect queries this time");
{
  using conn = engine.connect();
  print(conn.execute(text("SELECT 1")).scalar());
}
