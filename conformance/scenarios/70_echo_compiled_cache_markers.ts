/**
 * The compiled-cache markers in the echo log: [generated in Xs] the first time a statement structure
 * is compiled, [cached since Xs ago] afterwards, for Core, text(), text().bindparams() and ORM
 * statements.
 *
 * Bound values are not part of the cache key; the statement's structure (and, for INSERT with
 * parameters, the set of keys passed) is. The cache belongs to the Engine: a second engine compiles
 * everything again. (The Session's identity map holds objects weakly, so the script keeps references
 * to the objects it loads.)
 */
import { create_engine, insert, String, select, text } from "sqlalchemy";
import { DeclarativeBase, mapped_column, Session } from "sqlalchemy/orm";

const BACKEND = process.env.ORACLE_BACKEND ?? "sqlite";
const URL = {
  sqlite: "sqlite:///oracle.db",
  postgresql: "postgresql+psycopg2://oracle:oracle@127.0.0.1:54329/oracle",
}[BACKEND]!;

class Base extends DeclarativeBase {}

class User extends Base {
  static __tablename__ = "user_account";
  @mapped_column({ primary_key: true }) accessor id!: number;
  @mapped_column(String(30)) accessor name!: string;
}

/** Class-level mapped attributes (`User.id`) are not in the class's static type. */
const User_ = User as any;

const engine = create_engine(URL, { echo: true });
Base.metadata.create_all(engine);
const users = User_.__table__;

{
  using conn = engine.connect();
  print("## Core INSERT: same keys -> cached, different keys -> generated");
  conn.execute(insert(users), { name: "spongebob" });
  conn.execute(insert(users), { name: "sandy" });
  conn.execute(insert(users), { id: 10, name: "patrick" });
  print("## Core SELECT: other values -> cached; other structure -> generated");
  conn.execute(select(users.c.name).where(users.c.id.eq(1)));
  conn.execute(select(users.c.name).where(users.c.id.eq(2)));
  conn.execute(select(users.c.name).where(users.c.id.gt(2)));
  conn.execute(select(users.c.name).where(users.c.id.eq(10)));
  print("## in_() lists of different lengths share one entry");
  conn.execute(select(users.c.name).where(users.c.id.in_([1, 2])));
  conn.execute(select(users.c.name).where(users.c.id.in_([1, 2, 10])));
  print("## text(): keyed by the SQL string");
  conn.execute(text("SELECT name FROM user_account WHERE id = :id"), { id: 1 });
  conn.execute(text("SELECT name FROM user_account WHERE id = :id"), { id: 2 });
  conn.execute(text("SELECT name FROM user_account WHERE id=:id"), { id: 2 });
  print("## text().bindparams(): the bound value is not part of the key");
  conn.execute(text("SELECT name FROM user_account WHERE id = :id").bindparams({ id: 1 }));
  conn.execute(text("SELECT name FROM user_account WHERE id = :id").bindparams({ id: 10 }));
  conn.commit();
}

{
  using session = new Session(engine);
  print("## ORM select(): the Core statement above does not count, ORM statements have their own entries");
  session.scalars(select(User_.name).where(User_.id.eq(1))).all();
  const sandy = session.scalars(select(User).where(User_.name.eq("sandy"))).one();
  const patrick = session.scalars(select(User).where(User_.name.eq("patrick"))).one();
  print("## session.get(): a SELECT only for identities not loaded yet");
  const sb = session.get(User, 1)!;
  print(session.get(User, 2) === sandy, session.get(User, 10) === patrick, session.get(User, 1) === sb);
  print("## ORM flush: INSERT and UPDATE statements are cached too");
  session.add(new User({ name: "squidward" }));
  session.flush();
  session.add(new User({ name: "gary" }));
  session.flush();
  sb.name = "SpongeBob";
  session.flush();
  sandy.name = "Sandy";
  session.flush();
  session.commit();
}

print("## a second Engine has its own, empty cache");
const other = create_engine(URL, { echo: true });
{
  using conn = other.connect();
  conn.execute(select(users.c.name).where(users.c.id.eq(1)));
  conn.execute(text("SELECT name FROM user_account WHERE id = :id").bindparams({ id: 1 }));
}
