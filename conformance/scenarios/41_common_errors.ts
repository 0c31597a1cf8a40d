/**
 * Errors a learner meets: plain-string execute, SQL syntax error, missing table, constraint violations,
 * bad URLs, aborted PG transaction.
 *
 * Driver errors are wrapped in sqlalchemy.exc classes; str() adds [SQL: ...], [parameters: ...] and a
 * "Background on this error" link.
 */
import { create_engine, str, text } from "sqlalchemy";

const BACKEND = process.env.ORACLE_BACKEND ?? "sqlite";
const URL = {
  sqlite: "sqlite:///oracle.db",
  postgresql: "postgresql+psycopg2://oracle:oracle@127.0.0.1:54329/oracle",
}[BACKEND]!;
const BAD_SERVER_URL = {
  sqlite: "sqlite:////nonexistent-dir/oracle.db",
  postgresql: "postgresql+psycopg2://oracle:oracle@127.0.0.1:1/oracle",
}[BACKEND]!;

function show_error(err: any): void {
  print(`!! ${err.constructor.__module__}.${err.constructor.name}: ${str(err)}`);
  const orig = err.orig ?? null;
  if (orig !== null) {
    print(`   .orig is ${orig.constructor.__module__}.${orig.constructor.name}`);
  }
}

const engine = create_engine(URL, { echo: true });
engine.begin((conn) => {
  conn.execute(text("CREATE TABLE users (id INTEGER PRIMARY KEY, name VARCHAR(30) NOT NULL UNIQUE)"));
  conn.execute(text("INSERT INTO users (id, name) VALUES (1, 'spongebob')"));
});

{
  using conn = engine.connect();
  print("## execute() of a plain string");
  try {
    conn.execute("SELECT 1");
  } catch (err) {
    show_error(err);
  }

  print("## SQL syntax error");
  try {
    conn.execute(text("SELEC 1"));
  } catch (err) {
    show_error(err);
  }
  conn.rollback();

  print("## missing table");
  try {
    conn.execute(text("SELECT * FROM nope"));
  } catch (err) {
    show_error(err);
  }
  conn.rollback();

  print("## UNIQUE violation");
  try {
    conn.execute(text("INSERT INTO users (id, name) VALUES (:id, :name)"), { id: 2, name: "spongebob" });
  } catch (err) {
    show_error(err);
  }
  conn.rollback();

  print("## NOT NULL violation");
  try {
    conn.execute(text("INSERT INTO users (id, name) VALUES (:id, :name)"), { id: 3, name: null });
  } catch (err) {
    show_error(err);
  }
  conn.rollback();

  print("## primary key violation inside executemany");
  try {
    conn.execute(text("INSERT INTO users (id, name) VALUES (:id, :name)"), [
      { id: 4, name: "sandy" },
      { id: 1, name: "dup" },
    ]);
  } catch (err) {
    show_error(err);
  }
  conn.rollback();

  print("## keep using the connection after an error without rollback()");
  try {
    conn.execute(text("SELECT * FROM nope"));
  } catch (err) {
    show_error(err);
  }
  try {
    print("next statement:", conn.execute(text("SELECT count(*) FROM users")).scalar());
  } catch (err) {
    show_error(err);
  }
  conn.rollback();
  print("after rollback():", conn.execute(text("SELECT count(*) FROM users")).scalar());
}

print("## URL that cannot be parsed");
try {
  create_engine("not a url");
} catch (err) {
  show_error(err);
}

print("## unknown dialect");
try {
  create_engine("nosuchdb://user@host/db");
} catch (err) {
  show_error(err);
}

print("## unknown driver");
try {
  create_engine("postgresql+nosuchdriver://user@host/db");
} catch (err) {
  show_error(err);
}

print("## the server/file cannot be reached: create_engine() is lazy, connect() fails");
const bad = create_engine(BAD_SERVER_URL);
print("engine created:", bad);
try {
  bad.connect();
} catch (err) {
  show_error(err);
}
