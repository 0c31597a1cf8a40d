/**
 * Subqueries: subquery() as a FROM and its .c columns, join to a subquery (ON inferred),
 * scalar_subquery() auto-correlation, correlate(), exists(), in_(select).
 *
 * The scalar subquery leaves user_account out of its own FROM because the enclosing SELECT
 * provides it (auto-correlation). Auto-correlation only acts on a subquery with two or more FROM
 * entries: a subquery selecting from the enclosing table alone keeps its FROM; one whose every
 * FROM is in the enclosing SELECT fails to compile.
 */
import {
  Column,
  create_engine,
  exists,
  ForeignKey,
  func,
  Integer,
  insert,
  MetaData,
  String,
  select,
  str,
  Table,
} from "sqlalchemy";

const BACKEND = process.env.ORACLE_BACKEND ?? "sqlite";
const URL = {
  sqlite: "sqlite:///oracle.db",
  postgresql: "postgresql+psycopg2://oracle:oracle@127.0.0.1:54329/oracle",
}[BACKEND]!;

const engine = create_engine(URL, { echo: true });
const m = new MetaData();
const users = new Table(
  "user_account",
  m,
  new Column("id", Integer, { primary_key: true }),
  new Column("name", String(30)),
);
const addresses = new Table(
  "address",
  m,
  new Column("id", Integer, { primary_key: true }),
  new Column("user_id", ForeignKey("user_account.id")),
  new Column("email", String(50)),
);
m.create_all(engine);
engine.begin((conn) => {
  conn.execute(insert(users), [{ name: "spongebob" }, { name: "sandy" }, { name: "patrick" }]);
  conn.execute(insert(addresses), [
    { user_id: 1, email: "sb@a.com" },
    { user_id: 2, email: "sandy@a.com" },
    { user_id: 2, email: "sandy@b.com" },
  ]);
});

function run(conn: any, stmt: any) {
  print(stmt);
  print(conn.execute(stmt).all());
}

{
  using conn = engine.connect();
  print("## subquery(): rendered AS anon_1, .c collection");
  const counts = select(addresses.c.user_id, func.count(addresses.c.id).label("address_count"))
    .group_by(addresses.c.user_id)
    .subquery();
  print("c keys:", counts.c.keys(), "| str(counts.c.address_count):", counts.c.address_count);
  run(conn, select(counts.c.user_id).where(counts.c.address_count.gt(1)));

  print("## join to the subquery: ON inferred from address.user_id's foreign key");
  run(conn, select(users.c.name, counts.c.address_count).join_from(users, counts).order_by(users.c.id));

  print("## named subquery + outerjoin");
  const named = select(addresses.c.user_id, addresses.c.email)
    .where(addresses.c.email.like("%a.com"))
    .subquery("a_com");
  run(conn, select(users.c.name, named.c.email).outerjoin(named).order_by(users.c.id));

  print("## scalar_subquery(): auto-correlated to the enclosing user_account");
  const n_sq = select(func.count(addresses.c.id)).where(addresses.c.user_id.eq(users.c.id)).scalar_subquery();
  run(conn, select(users.c.name, n_sq.label("n")).order_by(users.c.id));

  print("## the same subquery in WHERE");
  run(conn, select(users.c.name).where(n_sq.eq(0)));

  print("## a subquery with a single FROM is not auto-correlated");
  let inner = select(users.c.id).where(users.c.name.eq("sandy")).scalar_subquery();
  run(conn, select(users.c.name).where(users.c.id.eq(inner)));

  print("## every FROM of the subquery is in the enclosing SELECT: no FROM left");
  inner = select(addresses.c.id).where(addresses.c.user_id.eq(users.c.id)).scalar_subquery();
  try {
    select(users.c.name, addresses.c.email)
      .join_from(users, addresses)
      .where(addresses.c.id.eq(inner))
      .compile();
  } catch (err: any) {
    print(`!! ${err.constructor.__module__}.${err.constructor.name}: ${str(err)}`);
  }

  print("## explicit correlate(users) / correlate(None)");
  const explicit = select(func.max(addresses.c.email))
    .where(addresses.c.user_id.eq(users.c.id))
    .correlate(users)
    .scalar_subquery();
  run(conn, select(users.c.name, explicit.label("last_email")).order_by(users.c.id));
  const uncorrelated = select(func.count(addresses.c.id))
    .where(addresses.c.user_id.eq(users.c.id))
    .correlate(null)
    .scalar_subquery();
  run(conn, select(users.c.name, uncorrelated.label("all_pairs")).order_by(users.c.id));

  print("## exists() and ~exists()");
  const has_addr = exists().where(addresses.c.user_id.eq(users.c.id));
  run(conn, select(users.c.name).where(has_addr).order_by(users.c.id));
  run(
    conn,
    select(users.c.name).where(
      select(addresses.c.id).where(addresses.c.user_id.eq(users.c.id)).exists().not(),
    ),
  );

  print("## in_(select(...))");
  run(
    conn,
    select(users.c.name)
      .where(users.c.id.in_(select(addresses.c.user_id)))
      .order_by(users.c.id),
  );
}
