/**
 * sqlite:// (in-memory) uses SingletonThreadPool: pool_size is accepted, max_overflow is rejected.
 *
 * A file database (sqlite:///file.db) uses QueuePool and accepts both. An in-memory database is private
 * to its connection, and every connect() in the same thread gets that same connection.
 */
import { create_engine, text } from "sqlalchemy";

try {
  create_engine("sqlite://", { echo: true, pool_size: 5, max_overflow: 10 });
} catch (err) {
  show_error(err);
}

const mem = create_engine("sqlite://", { echo: true, pool_size: 5 });
print("memory engine:", mem, mem.pool.constructor.name);
print("status:", mem.pool.status());

const filedb = create_engine("sqlite:///oracle.db", { pool_size: 5, max_overflow: 10 });
print("file engine:", filedb, filedb.pool.constructor.name);
print("status:", filedb.pool.status());

const mem2 = create_engine("sqlite:///:memory:");
print("sqlite:///:memory: ->", mem2.pool.constructor.name);

print("## in-memory: table created on one connect() is visible on the next");
{
  using conn = mem.connect();
  conn.execute(text("CREATE TABLE t (x INTEGER)"));
  conn.execute(text("INSERT INTO t (x) VALUES (1)"));
  conn.commit();
}
{
  using conn = mem.connect();
  print(conn.execute(text("SELECT x FROM t")).all());
}

print("## two connect() calls at once in one thread share one DBAPI connection");
const c1 = mem.connect();
const c2 = mem.connect();
print("same DBAPI connection:", c1.connection.dbapi_connection === c2.connection.dbapi_connection);
c2.close();
c1.close();
