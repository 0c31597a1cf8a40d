/**
 * text("SELECT 1,2,3"): res.all(), res.first(), Row repr, column keys.
 *
 * Shows what a learner sees when selecting literal values, including the auto-generated column names
 * each database gives to unnamed expressions.
 */
import { create_engine, text, tuple } from "sqlalchemy";

const BACKEND = process.env.ORACLE_BACKEND ?? "sqlite";
const URL = {
  sqlite: "sqlite:///oracle.db",
  postgresql: "postgresql+psycopg2://oracle:oracle@127.0.0.1:54329/oracle",
}[BACKEND]!;

const engine = create_engine(URL, { echo: true });

{
  using conn = engine.connect();
  let res = conn.execute(text("SELECT 1,2,3"));
  print("keys:", [...res.keys()]);
  const rows = res.all();
  print("all():", rows);
  // type(rows).__name__: Python's list is a JS Array
  print(
    "type of all():",
    Array.isArray(rows) ? "list" : rows.constructor.name,
    "type of row:",
    rows[0].constructor.name,
  );

  res = conn.execute(text("SELECT 1,2,3"));
  print("first():", res.first());

  res = conn.execute(text("SELECT 1 AS a, 2 AS b, 3 AS c"));
  const row = res.one();
  print("one():", row);
  print("row.a, row.b, row.c:", row.a, row.b, row.c);
  print("row[0], row[-1]:", row[0], row[-1]);
  print("row._mapping:", row._mapping);
  print("row._asdict():", row._asdict());
  print("row._fields:", row._fields);
  print("tuple(row):", tuple(row));
  const [a, b, c] = row;
  print("unpacked:", a, b, c);
  // Python's `row == (1, 2, 3)`
  print("row == (1, 2, 3):", row.equals(tuple([1, 2, 3])));
  print("len(row):", row.length);

  res = conn.execute(text("SELECT 'x' AS letter UNION ALL SELECT 'y' ORDER BY 1"));
  print("list of rows:", res.all());
}
