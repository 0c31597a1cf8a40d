/**
 * text() with :name bound parameters; executemany with a list of dicts; how echo shows parameters.
 *
 * A single dict is logged as one parameter set, a list of dicts as a list. SQLite's driver uses "?"
 * placeholders (parameters logged as tuples); psycopg2 uses %(name)s (parameters logged as dicts).
 */
import { create_engine, str, text } from "sqlalchemy";

const BACKEND = process.env.ORACLE_BACKEND ?? "sqlite";
const URL = {
  sqlite: "sqlite:///oracle.db",
  postgresql: "postgresql+psycopg2://oracle:oracle@127.0.0.1:54329/oracle",
}[BACKEND]!;

function show_error(err: any): void {
  print(`!! ${err.constructor.__module__}.${err.constructor.name}: ${str(err)}`);
}

const engine = create_engine(URL, { echo: true });

{
  using conn = engine.connect();
  conn.execute(text("CREATE TABLE some_table (x INTEGER, y INTEGER)"));
  print("## executemany: a list of dicts");
  let result = conn.execute(text("INSERT INTO some_table (x, y) VALUES (:x, :y)"), [
    { x: 1, y: 1 },
    { x: 2, y: 4 },
    { x: 3, y: 9 },
    { x: 4, y: 16 },
  ]);
  print("executemany rowcount:", result.rowcount);
  conn.commit();

  print("## one dict of parameters");
  result = conn.execute(text("SELECT x, y FROM some_table WHERE y > :y ORDER BY x"), { y: 2 });
  for (const row of result) {
    print(`x: ${str(row.x)}  y: ${str(row.y)}`);
  }

  print("## keyword-style parameters are not accepted; pass a dict");
  // Python: conn.execute(stmt, y=2) -> CPython's TypeError for the keyword argument. TypeScript has no
  // keyword arguments; the nearest mistake is passing the bare value instead of a dict.
  try {
    conn.execute(text("SELECT x FROM some_table WHERE y > :y"), 2 as any);
  } catch (err) {
    show_error(err);
  }

  print("## the same parameter name used twice");
  result = conn.execute(text("SELECT :v AS a, :v AS b"), { v: 7 });
  print(result.all());

  print("## a missing parameter");
  try {
    conn.execute(text("SELECT x FROM some_table WHERE y > :y AND x < :x"), { y: 2 });
  } catch (err) {
    show_error(err);
  }

  print("## extra keys in the dict are ignored");
  result = conn.execute(text("SELECT x FROM some_table WHERE x = :x"), { x: 3, unused: 99 });
  print(result.all());

  print("## str() of a text() construct");
  const stmt = text("SELECT x, y FROM some_table WHERE y > :y");
  print(str(stmt));
  print("compiled params:", stmt.compile().params);
  print("## the dialect's compiled form");
  print(str(stmt.compile(engine)));

  print("## strings, None and floats as parameters");
  result = conn.execute(text("SELECT :s AS s, :n AS n, :f AS f"), { s: "it's", n: null, f: 1.5 });
  print(result.one());
}
