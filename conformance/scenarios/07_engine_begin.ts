/**
 * engine.begin(): COMMIT when the block succeeds, ROLLBACK when it raises.
 *
 * The exception propagates out of the with-block after the rollback. A database error inside the
 * block rolls back the same way.
 */
import { create_engine, str, text } from "sqlalchemy";
import { ValueError } from "sqlalchemy/testing";

const BACKEND = process.env.ORACLE_BACKEND ?? "sqlite";
const URL = {
  sqlite: "sqlite:///oracle.db",
  postgresql: "postgresql+psycopg2://oracle:oracle@127.0.0.1:54329/oracle",
}[BACKEND]!;

function show_error(err: any): void {
  print(`!! ${err.constructor.__module__}.${err.constructor.name}: ${str(err)}`);
}

const engine = create_engine(URL, { echo: true });

print("## success -> COMMIT");
engine.begin((conn) => {
  conn.execute(text("CREATE TABLE some_table (x INTEGER, y INTEGER)"));
  conn.execute(text("INSERT INTO some_table (x, y) VALUES (:x, :y)"), [
    { x: 1, y: 1 },
    { x: 2, y: 4 },
  ]);
  print("inside begin(): in_transaction =", conn.in_transaction());
});

print("## Python exception -> ROLLBACK, exception propagates");
try {
  engine.begin((conn) => {
    conn.execute(text("INSERT INTO some_table (x, y) VALUES (:x, :y)"), { x: 3, y: 9 });
    throw new ValueError("something went wrong");
  });
} catch (err) {
  if (!(err instanceof ValueError)) throw err;
  show_error(err);
}

print("## database error -> ROLLBACK");
try {
  engine.begin((conn) => {
    conn.execute(text("INSERT INTO some_table (x, y) VALUES (:x, :y)"), { x: 4, y: 16 });
    conn.execute(text("INSERT INTO no_such_table (x) VALUES (1)"));
  });
} catch (err) {
  show_error(err);
}

{
  using conn = engine.connect();
  print("persisted rows:", conn.execute(text("SELECT x, y FROM some_table ORDER BY x")).all());
}

print("## the Transaction object returned by begin()");
{
  using conn = engine.connect();
  const trans = conn.begin();
  print("is_active:", trans.is_active);
  conn.execute(text("INSERT INTO some_table (x, y) VALUES (:x, :y)"), { x: 5, y: 25 });
  trans.commit();
  print("is_active after commit:", trans.is_active);
}
{
  using conn = engine.connect();
  print("persisted rows:", conn.execute(text("SELECT x, y FROM some_table ORDER BY x")).all());
}
