/**
 * str() and compile().params of INSERT / UPDATE / DELETE / SELECT: insert(table) with no values,
 * multi-row values(), update() with and without values(), delete() with where(), anonymous bind
 * names, literal_binds, a named bindparam and its missing value.
 */
import {
  bindparam,
  Column,
  create_engine,
  delete_,
  Integer,
  insert,
  MetaData,
  String,
  select,
  str,
  Table,
  update,
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
  new Column("name", String(30), { server_default: "nobody" }),
  new Column("age", Integer),
);
m.create_all(engine);

function show(stmt: any) {
  print(stmt);
  print("params:", stmt.compile().params);
}

engine.begin((conn) => {
  print("## insert(table) with no values()");
  show(insert(users));
  conn.execute(insert(users), { name: "spongebob", age: 20 });
  conn.execute(insert(users));
  print("## insert().values() with several rows: one INSERT, numbered parameters");
  let stmt: any = insert(users).values([
    { name: "sandy", age: 25 },
    { name: "patrick", age: 31 },
  ]);
  show(stmt);
  conn.execute(stmt);
  print("## update() with where() and values(); update() without values()");
  stmt = update(users).where(users.c.id.eq(2)).values({ name: "nobody at all" });
  show(stmt);
  conn.execute(stmt);
  show(update(users));
  print("## delete() with where()");
  stmt = delete_(users).where(users.c.name.eq("nobody at all"), users.c.age.is_(null));
  show(stmt);
  print("rowcount:", conn.execute(stmt).rowcount);
});

print("## select().where(): anonymous bound names per column, literal_binds, a named bindparam");
const stmt = select(users.c.name)
  .where(users.c.id.gt(1), users.c.id.lt(5), users.c.name.ne("x"))
  .order_by(users.c.id);
show(stmt);
print("literal_binds:", stmt.compile({ compile_kwargs: { literal_binds: true } }));
print("for this dialect:", stmt.compile(engine));
const named = select(users.c.id).where(users.c.name.eq(bindparam("who")));
show(named);
{
  using conn = engine.connect();
  print(conn.execute(stmt).all());
  print(conn.execute(named, { who: "patrick" }).all());
  try {
    conn.execute(named);
  } catch (err: any) {
    print(`!! ${err.constructor.__module__}.${err.constructor.name}: ${str(err)}`);
  }
}
