/** Object states via sqlalchemy.inspect(obj): transient, pending, persistent, deleted, detached; expired_attributes. */
import { create_engine, inspect, repr, String, str } from "sqlalchemy";
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

function show(label: string, obj: object): void {
  const i: any = inspect(obj);
  const flags = ["transient", "pending", "persistent", "deleted", "detached"].filter((s) => i[s]);
  // f"{label:<28} ..." pads the label to 28 characters
  print(
    `${label.padEnd(28)} state=${repr(flags)} has_identity=${str(i.has_identity)} identity=${str(i.identity)} ` +
      `expired=${repr(sorted(i.expired_attributes))} modified=${str(i.modified)} session=${str(i.session ? "yes" : null)}`,
  );
}

const engine = create_engine(URL, { echo: true });
Base.metadata.create_all(engine);

const u = new User({ name: "spongebob" });
show("User(...)", u);
print("inspect(u) type:", inspect(u).constructor.name, "| mapper:", inspect(u).mapper);

let session = new Session(engine);
session.add(u);
show("after add()", u);
session.flush();
show("after flush()", u);
u.fullname = "Spongebob Squarepants";
show("after attribute change", u);
print("unmodified:", sorted(inspect(u).unmodified));
session.commit();
show("after commit()", u);
print("name:", u.name);
show("after attribute access", u);
session.expire(u, ["fullname"]);
show("after expire(u, ['fullname'])", u);
session.close();
show("after session.close()", u);

print("## attribute keys and the values currently loaded");
print("attrs:", inspect(u).attrs.keys());
print("loaded:", Object.fromEntries(Object.entries(inspect(u).dict).filter(([k]) => !k.startsWith("_"))));

print("## detached object added to a new session");
session = new Session(engine);
session.add(u);
show("after add() to new session", u);
print("fullname:", u.fullname);
session.delete(u);
show("after delete()", u);
session.flush();
show("after flush() of delete", u);
session.commit();
show("after commit()", u);
session.close();

print("## a brand new object with an existing id is still transient");
show("User(id=1)", new User({ id: 1, name: "x" }));
