/**
 * engine.connect() without commit(): the work is rolled back when the connection closes.
 *
 * A second connection proves the INSERT was never persisted. Closing with an explicit conn.close()
 * behaves the same as leaving the with-block.
 */
import { create_engine, text } from "sqlalchemy";

const BACKEND = process.env.ORACLE_BACKEND ?? "sqlite";
const URL = {
  sqlite: "sqlite:///oracle.db",
  postgresql: "postgresql+psycopg2://oracle:oracle@127.0.0.1:54329/oracle",
}[BACKEND]!;

const engine = create_engine(URL, { echo: true });

print("## create the table (committed by engine.begin())");
engine.begin((conn) => {
  conn.execute(text("CREATE TABLE some_table (x INTEGER, y INTEGER)"));
});

print("## INSERT, never committed");
{
  using conn = engine.connect();
  const result = conn.execute(text("INSERT INTO some_table (x, y) VALUES (:x, :y)"), { x: 1, y: 1 });
  print("rowcount:", result.rowcount);
  const count = conn.execute(text("SELECT count(*) FROM some_table")).scalar();
  print("rows seen by the same connection:", count);

  print("## a second connection while the first is still open");
  {
    using other = engine.connect();
    print(
      "rows seen by another connection:",
      other.execute(text("SELECT count(*) FROM some_table")).scalar(),
    );
  }
}
print("## first connection closed");

{
  using conn = engine.connect();
  print("rows after close without commit:", conn.execute(text("SELECT count(*) FROM some_table")).scalar());
}

print("## explicit close() instead of a with-block");
const conn = engine.connect();
conn.execute(text("INSERT INTO some_table (x, y) VALUES (:x, :y)"), { x: 2, y: 4 });
print("in_transaction before close:", conn.in_transaction());
conn.close();
print("closed:", conn.closed);

{
  using conn = engine.connect();
  print("rows after explicit close:", conn.execute(text("SELECT count(*) FROM some_table")).scalar());
}
