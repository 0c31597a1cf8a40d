/**
 * Session: add() -> pending; flush() emits the INSERT and the primary key is available before commit().
 *
 * A second connection cannot see the flushed row until commit().
 */
import { create_engine, inspect, String, text } from "sqlalchemy";
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
  @mapped_column(String, { nullable: true }) accessor fullname!: string | null;
}

function state(obj: object): string | undefined {
  const insp: any = inspect(obj);
  return ["transient", "pending", "persistent", "deleted", "detached"].find((s) => insp[s]);
}

const engine = create_engine(URL, { echo: true });
Base.metadata.create_all(engine);

const session = new Session(engine);
const u = new User({ name: "spongebob", fullname: "Spongebob Squarepants" });
print("new object:", state(u), "| id:", u.id);

print("## add()");
session.add(u);
print("after add:", state(u), "| id:", u.id, "| in session.new:", session.new.has(u));

print("## flush()");
session.flush();
print("after flush:", state(u), "| id:", u.id, "| in session.new:", session.new.has(u));
print("identity:", inspect(u).identity, "| identity key:", inspect(u).key);
print("in_transaction:", session.in_transaction());

print("## another connection, before commit");
{
  using other = engine.connect();
  print("rows visible elsewhere:", other.execute(text("SELECT count(*) FROM user_account")).scalar());
}

print("## commit()");
session.commit();
print("after commit:", state(u));

print("## another connection, after commit");
{
  using other = engine.connect();
  print("rows visible elsewhere:", other.execute(text("SELECT id, name FROM user_account")).all());
}

print("## the id comes from the database: a second object");
const u2 = new User({ name: "sandy" });
session.add(u2);
print("before flush id:", u2.id);
session.flush();
print("after flush id:", u2.id);
session.commit();

print("## commit() flushes automatically");
const u3 = new User({ name: "patrick" });
session.add(u3);
session.commit();
print("id after commit:", u3.id);
session.close();
