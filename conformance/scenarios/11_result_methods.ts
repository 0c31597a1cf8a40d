/**
 * Result API: first, all, one, one_or_none, scalar, scalar_one, scalars, mappings, fetch*, keys, rowcount.
 *
 * Each method is called on a fresh execute() so the output of one does not depend on another.
 */
import { create_engine, text } from "sqlalchemy";

const BACKEND = process.env.ORACLE_BACKEND ?? "sqlite";
const URL = {
  sqlite: "sqlite:///oracle.db",
  postgresql: "postgresql+psycopg2://oracle:oracle@127.0.0.1:54329/oracle",
}[BACKEND]!;

const engine = create_engine(URL, { echo: true });

engine.begin((conn) => {
  conn.execute(text("CREATE TABLE users (id INTEGER PRIMARY KEY, name VARCHAR(30), age INTEGER)"));
  conn.execute(text("INSERT INTO users (id, name, age) VALUES (:id, :name, :age)"), [
    { id: 1, name: "spongebob", age: 20 },
    { id: 2, name: "sandy", age: 25 },
    { id: 3, name: "patrick", age: 20 },
  ]);
});

const ALL = text("SELECT id, name, age FROM users ORDER BY id");
const ONE = text("SELECT id, name, age FROM users WHERE id = :id");

{
  using conn = engine.connect();
  print("all():", conn.execute(ALL).all());
  print("first():", conn.execute(ALL).first());
  print("first() on no rows:", conn.execute(ONE, { id: 99 }).first());
  print("one():", conn.execute(ONE, { id: 2 }).one());
  print("one_or_none() (0 rows):", conn.execute(ONE, { id: 99 }).one_or_none());
  print("one_or_none() (1 row):", conn.execute(ONE, { id: 3 }).one_or_none());
  print("scalar():", conn.execute(ALL).scalar());
  print("scalar() on no rows:", conn.execute(ONE, { id: 99 }).scalar());
  print("scalar_one():", conn.execute(text("SELECT count(*) FROM users")).scalar_one());
  print(
    "scalar_one_or_none():",
    conn.execute(text("SELECT name FROM users WHERE id = 99")).scalar_one_or_none(),
  );
  print("scalars().all():", conn.execute(ALL).scalars().all());
  print("scalars(1).all():", conn.execute(ALL).scalars(1).all());
  print("scalars('name').all():", conn.execute(ALL).scalars("name").all());
  print("mappings().all():", conn.execute(ALL).mappings().all());
  print("mappings().first():", conn.execute(ALL).mappings().first());
  const m = conn.execute(ONE, { id: 1 }).mappings().one();
  print("mapping['name']:", m["name"], "type:", m.constructor.name);

  print("## fetchone / fetchmany / fetchall on one result");
  let res = conn.execute(ALL);
  print("keys():", res.keys());
  print("list(keys()):", [...res.keys()]);
  print("fetchone():", res.fetchone());
  print("fetchmany(1):", res.fetchmany(1));
  print("fetchall():", res.fetchall());
  print("fetchone() when exhausted:", res.fetchone());
  print("fetchall() when exhausted:", res.fetchall());

  print("## iteration");
  for (const row of conn.execute(ALL)) {
    print(
      "row:",
      row,
      "| row.name:",
      row.name,
      "| row[2]:",
      row[2],
      "| row._mapping['id']:",
      row._mapping["id"],
    );
  }
  for (const [user_id, name, age] of conn.execute(ALL)) {
    print("unpacked:", user_id, name, age);
  }

  print("## rowcount");
  res = conn.execute(text("UPDATE users SET age = age + 1 WHERE age = :age"), { age: 20 });
  print("UPDATE rowcount:", res.rowcount);
  res = conn.execute(text("DELETE FROM users WHERE id = :id"), { id: 99 });
  print("DELETE (no match) rowcount:", res.rowcount);
  res = conn.execute(ALL);
  print("SELECT rowcount:", res.rowcount);
  res.close();
  print(
    "returns_rows for SELECT / UPDATE:",
    conn.execute(ALL).returns_rows,
    conn.execute(text("UPDATE users SET age = age")).returns_rows,
  );
  conn.rollback();
}
