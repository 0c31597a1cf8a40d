/** Dirty tracking: UPDATE sets only the changed columns; session.dirty, is_modified(), attribute history. */
import { create_engine, Integer, inspect, String, select } from "sqlalchemy";
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
  @mapped_column(Integer, { nullable: true }) accessor age!: number | null;
}

const engine = create_engine(URL, { echo: true });
Base.metadata.create_all(engine);
{
  using session = new Session(engine);
  session.add_all([
    new User({ name: "spongebob", fullname: "Spongebob Squarepants", age: 20 }),
    new User({ name: "sandy", fullname: "Sandy Cheeks", age: 25 }),
    new User({ name: "patrick", fullname: "Patrick Star", age: 20 }),
  ]);
  session.commit();
}

{
  using session = new Session(engine);
  const sb = session.get(User, 1)!;
  const sandy = session.get(User, 2)!;
  const patrick = session.get(User, 3)!;

  print("## change one column");
  sb.fullname = "Spongebob S.";
  print(
    "dirty:",
    [...session.dirty].map((u) => (u as User).name),
    "| is_modified:",
    session.is_modified(sb),
  );
  const hist = inspect(sb).attrs.fullname.history;
  print("history:", hist.added, hist.unchanged, hist.deleted);
  session.flush();
  print("dirty after flush:", session.dirty.size > 0);

  print("## set an attribute to the value it already has");
  sandy.name = "sandy";
  print("in dirty:", session.dirty.has(sandy), "| is_modified:", session.is_modified(sandy));
  session.flush();
  print("(no UPDATE emitted)");

  print("## change then change back");
  patrick.age = 99;
  patrick.age = 20;
  print("in dirty:", session.dirty.has(patrick), "| is_modified:", session.is_modified(patrick));
  session.flush();

  print("## same column changed on two objects: one executemany");
  sandy.age = 26;
  patrick.age = 21;
  session.flush();

  print("## different columns on two objects: two UPDATEs");
  sandy.name = "Sandy";
  patrick.fullname = "P. Star";
  session.flush();

  print("## two columns on one object");
  sb.name = "SpongeBob";
  sb.age = 21;
  session.flush();
  session.commit();
}

{
  using session = new Session(engine);
  for (const u of session.scalars(select(User).order_by(User.id))) {
    print(u.id, u.name, u.fullname, u.age);
  }
}
