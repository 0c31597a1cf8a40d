/**
 * session.expire(obj) / expire(obj, ['name']): discards unflushed changes and reloads on next access.
 *
 * expire() after a flush does NOT undo the flushed change (the reload reads the flushed value inside the
 * same transaction); rollback() does.
 */
import { create_engine, inspect, String, str } from "sqlalchemy";
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

/** Python's sorted() of strings. */
const sorted = (items: Iterable<string>) => [...items].sort();

const engine = create_engine(URL, { echo: true });
Base.metadata.create_all(engine);
{
  using session = new Session(engine);
  session.add(new User({ name: "spongebob", fullname: "Spongebob Squarepants" }));
  session.commit();
}

{
  using session = new Session(engine);
  const u = session.get(User, 1)!;

  print("## expire(obj) discards an unflushed change");
  u.name = "changed";
  print("in session.dirty:", session.dirty.has(u), "| name:", u.name);
  session.expire(u);
  print(
    "in session.dirty after expire:",
    session.dirty.has(u),
    "| expired:",
    sorted(inspect(u).expired_attributes),
  );
  print("name (reloads):", u.name);

  print("## expire(obj, ['name']) expires one attribute");
  u.name = "changed again";
  u.fullname = "Changed Fullname";
  session.expire(u, ["name"]);
  print("expired:", sorted(inspect(u).expired_attributes));
  print("fullname (no SQL, still the unflushed value):", u.fullname);
  print("name (SELECTs only name):", u.name);
  print("in session.dirty:", session.dirty.has(u));

  print("## expire() after flush keeps the flushed value");
  u.name = "flushed name";
  session.flush();
  session.expire(u);
  print("name (reload inside the same transaction):", u.name);
  print("fullname:", u.fullname);

  print("## rollback() undoes the flushed change");
  session.rollback();
  print("expired after rollback:", sorted(inspect(u).expired_attributes));
  print("name:", u.name, "| fullname:", u.fullname);

  print("## expire() on a pending (never flushed) object");
  const p = new User({ name: "pending" });
  session.add(p);
  try {
    session.expire(p);
  } catch (err: any) {
    print(`!! ${err.constructor.__module__}.${err.constructor.name}: ${str(err)}`);
  }
  session.rollback();
}
