/**
 * "Commit as you go": conn.commit() several times on one connection; conn.rollback().
 *
 * Each commit() ends the current transaction; the next execute() autobegins a new one
 * ("BEGIN (implicit)"). commit() with no transaction in progress emits nothing.
 */
import { create_engine, text } from "sqlalchemy";

const BACKEND = process.env.ORACLE_BACKEND ?? "sqlite";
const URL = {
  sqlite: "sqlite:///oracle.db",
  postgresql: "postgresql+psycopg2://oracle:oracle@127.0.0.1:54329/oracle",
}[BACKEND]!;

const engine = create_engine(URL, { echo: true });

{
  using conn = engine.connect();
  print("in_transaction at start:", conn.in_transaction());
  conn.execute(text("CREATE TABLE some_table (x INTEGER, y INTEGER)"));
  conn.execute(text("INSERT INTO some_table (x, y) VALUES (:x, :y)"), [
    { x: 1, y: 1 },
    { x: 2, y: 4 },
  ]);
  print("in_transaction before commit:", conn.in_transaction());
  conn.commit();
  print("in_transaction after commit:", conn.in_transaction());

  print("## commit() again with no transaction: no SQL");
  conn.commit();

  print("## second unit of work on the same connection");
  conn.execute(text("INSERT INTO some_table (x, y) VALUES (:x, :y)"), { x: 3, y: 9 });
  conn.commit();

  print("## third unit of work, rolled back");
  conn.execute(text("INSERT INTO some_table (x, y) VALUES (:x, :y)"), { x: 4, y: 16 });
  conn.rollback();

  print("## fourth unit of work, left open when the connection closes");
  conn.execute(text("INSERT INTO some_table (x, y) VALUES (:x, :y)"), { x: 5, y: 25 });
}

{
  using conn = engine.connect();
  const rows = conn.execute(text("SELECT x, y FROM some_table ORDER BY x")).all();
  print("persisted rows:", rows);
}
