/**
 * expire_on_commit=True (default): after commit() every attribute is expired and the next access SELECTs.
 *
 * After the session is closed an expired object cannot reload: DetachedInstanceError.
 * expire_on_commit=False keeps the loaded values.
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

function show_error(err: any): void {
  print(`!! ${err.constructor.__module__}.${err.constructor.name}: ${str(err)}`);
}

/** Python's sorted() of strings. */
const sorted = (items: Iterable<string>) => [...items].sort();

const engine = create_engine(URL, { echo: true });
Base.metadata.create_all(engine);

let u: User;
{
  using session = new Session(engine);
  u = new User({ name: "spongebob", fullname: "Spongebob Squarepants" });
  session.add(u);
  session.commit();
  print("expired after commit:", sorted(inspect(u).expired_attributes));
  print("## first attribute access -> SELECT (loads all columns)");
  print("name:", u.name);
  print("## second access -> no SQL");
  print("fullname:", u.fullname);
  print("expired now:", sorted(inspect(u).expired_attributes));
}

print("## session closed; loaded values are still readable");
print("detached:", inspect(u).detached, "| name:", u.name);

print("## commit, close, then touch an expired attribute");
let u2: User;
{
  using session = new Session(engine);
  u2 = new User({ name: "sandy" });
  session.add(u2);
  session.commit();
}
print("detached:", inspect(u2).detached, "| expired:", sorted(inspect(u2).expired_attributes));
try {
  print(u2.name);
} catch (err) {
  show_error(err);
}

print("## expire_on_commit=False");
let u3: User;
{
  using session = new Session(engine, { expire_on_commit: false });
  u3 = new User({ name: "patrick", fullname: "Patrick Star" });
  session.add(u3);
  session.commit();
  print("expired after commit:", sorted(inspect(u3).expired_attributes));
  print("id, name (no SQL):", u3.id, u3.name);
}
print("after close (no SQL):", u3.id, u3.name, u3.fullname);
