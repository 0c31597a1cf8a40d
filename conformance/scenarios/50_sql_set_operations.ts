/**
 * Set operations: union(), union_all(), except_(), intersect(), the method forms, ORDER BY on the
 * compound, and a compound as a subquery.
 *
 * Rows are always ordered, so the output does not depend on the backend's row order.
 */
import {
  Column,
  create_engine,
  except_,
  Integer,
  insert,
  intersect,
  MetaData,
  String,
  select,
  str,
  Table,
  union,
  union_all,
} from "sqlalchemy";

const BACKEND = process.env.ORACLE_BACKEND ?? "sqlite";
const URL = {
  sqlite: "sqlite:///oracle.db",
  postgresql: "postgresql+psycopg2://oracle:oracle@127.0.0.1:54329/oracle",
}[BACKEND]!;

const engine = create_engine(URL, { echo: true });
const m = new MetaData();
const staff = new Table(
  "staff",
  m,
  new Column("id", Integer, { primary_key: true }),
  new Column("name", String(30)),
  new Column("city", String(30)),
);
const customers = new Table(
  "customer",
  m,
  new Column("id", Integer, { primary_key: true }),
  new Column("name", String(30)),
  new Column("city", String(30)),
);
m.create_all(engine);
engine.begin((conn) => {
  conn.execute(insert(staff), [
    { name: "krabs", city: "bikini" },
    { name: "squidward", city: "bikini" },
    { name: "plankton", city: "chum" },
  ]);
  conn.execute(insert(customers), [
    { name: "spongebob", city: "bikini" },
    { name: "krabs", city: "bikini" },
    { name: "larry", city: "goo" },
  ]);
});

const s1 = select(staff.c.city);
const s2 = select(customers.c.city);

function run(conn: any, stmt: any) {
  print(stmt);
  print(conn.execute(stmt).all());
}

{
  using conn = engine.connect();
  print("## union(): duplicates removed");
  run(conn, union(s1, s2).order_by("city"));
  print("## union_all(): duplicates kept");
  run(conn, union_all(s1, s2).order_by("city"));
  print("## except_() and intersect()");
  run(conn, except_(s1, s2).order_by("city"));
  run(conn, intersect(select(staff.c.name), select(customers.c.name)));
  print("## method form: s1.union(s2); three selects");
  run(conn, s1.union(s2, select(staff.c.name)).order_by("city"));
  print("## selected_columns of a compound");
  print([
    ...union(
      select(staff.c.name, staff.c.city),
      select(customers.c.name, customers.c.city),
    ).selected_columns.keys(),
  ]);
  print("## a compound as a subquery, filtered");
  const everyone = union_all(
    select(staff.c.name, staff.c.city),
    select(customers.c.name, customers.c.city),
  ).subquery("everyone");
  run(conn, select(everyone.c.name).where(everyone.c.city.eq("bikini")).order_by(everyone.c.name));
  print("## ORDER BY/LIMIT inside one branch: parenthesised; SQLite rejects it, PostgreSQL runs it");
  try {
    run(conn, union(s1.order_by(staff.c.city).limit(1), s2).order_by("city"));
  } catch (err: any) {
    print(`!! ${err.constructor.__module__}.${err.constructor.name}: ${str(err)}`);
    conn.rollback();
  }
}
