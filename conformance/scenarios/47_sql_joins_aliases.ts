/**
 * Joins and aliases: str() of a Join, join_from / join with the ON clause from the foreign key or
 * given, outerjoin, Table.alias() (anonymous and named, a self-join), and the errors when no
 * foreign key links the tables.
 */
import {
  Column,
  create_engine,
  ForeignKey,
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
const tags = new Table(
  "tag",
  m,
  new Column("id", Integer, { primary_key: true }),
  new Column("label", String(20)),
);
const emp = new Table(
  "employee",
  m,
  new Column("id", Integer, { primary_key: true }),
  new Column("name", String(30)),
  new Column("manager_id", ForeignKey("employee.id")),
);
m.create_all(engine);
engine.begin((conn) => {
  conn.execute(insert(users), [{ name: "spongebob" }, { name: "sandy" }, { name: "patrick" }]);
  conn.execute(insert(addresses), [
    { user_id: 1, email: "sb@a.com" },
    { user_id: 2, email: "sandy@a.com" },
    { user_id: 2, email: "sandy@b.com" },
  ]);
  conn.execute(insert(emp), [
    { name: "krabs", manager_id: null },
    { name: "squidward", manager_id: 1 },
    { name: "spongebob", manager_id: 1 },
  ]);
});

function run(conn: any, stmt: any) {
  print(stmt);
  print(conn.execute(stmt).all());
}

{
  using conn = engine.connect();
  print("## str() of a Join object");
  print(users.join(addresses), "|", users.outerjoin(addresses));
  print("## join_from(users, addresses): ON from the foreign key");
  run(conn, select(users.c.name, addresses.c.email).join_from(users, addresses).order_by(addresses.c.id));
  print("## .join(addresses): the left side is the first FROM of the statement");
  run(conn, select(addresses.c.email).join(users).where(users.c.name.eq("sandy")).order_by(addresses.c.id));
  print("## explicit ON clause");
  run(
    conn,
    select(users.c.name)
      .select_from(users)
      .join(addresses, users.c.id.eq(addresses.c.user_id))
      .where(addresses.c.email.like("%b.com")),
  );
  print("## outerjoin: users without an address get None");
  run(
    conn,
    select(users.c.name, addresses.c.email).outerjoin(addresses).order_by(users.c.id, addresses.c.id),
  );
  print("## Table.alias(): two anonymous aliases of address");
  const [a1, a2] = [addresses.alias(), addresses.alias()];
  run(
    conn,
    select(users.c.name, a1.c.email, a2.c.email)
      .join_from(users, a1)
      .join_from(users, a2)
      .where(a1.c.id.lt(a2.c.id)),
  );
  print("## named alias for a self-join, explicit ON; duplicate column names get _1");
  const mgr = emp.alias("mgr");
  let stmt: any = select(emp.c.name, mgr.c.name)
    .join_from(emp, mgr, emp.c.manager_id.eq(mgr.c.id))
    .order_by(emp.c.id);
  run(conn, stmt);
  print("keys:", [...conn.execute(stmt).keys()]);
  print("## self-join of an alias WITHOUT ON: both foreign-key directions are used");
  print(select(emp.c.name, mgr.c.name).join_from(emp, mgr));
  print("## no foreign key between the tables");
  for (stmt of [select(users.c.name).join_from(users, tags), select(users.c.name).join(tags)]) {
    print("constructed fine; compiling ...");
    try {
      stmt.compile();
    } catch (err: any) {
      print(`!! ${err.constructor.__module__}.${err.constructor.name}: ${str(err)}`);
    }
  }
}
