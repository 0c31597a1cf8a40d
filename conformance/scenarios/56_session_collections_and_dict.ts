/**
 * repr of session.new / session.dirty / session.deleted (IdentitySet) and of identity_map keys;
 * obj.__dict__ as the loaded-state view.
 */
import { create_engine, inspect, repr, String, select } from "sqlalchemy";
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
  @mapped_column(String, { nullable: true }) accessor nickname!: string | null;

  __repr__(): string {
    return `User(id=${repr(this.id)}, name=${repr(this.name)})`;
  }
}

/** Python's sorted(obj.__dict__): every key, the instance state's included. */
const dictKeys = (obj: any) => Object.getOwnPropertyNames(obj.__dict__).sort();

/** The loaded attribute values, by name: `{k: v for k, v in sorted(obj.__dict__.items()) if k != "_sa_instance_state"}`. */
function loaded(obj: any): string {
  const d = obj.__dict__;
  return repr(
    Object.fromEntries(
      Object.keys(d)
        .sort()
        .map((k) => [k, d[k]]),
    ),
  );
}

const engine = create_engine(URL, { echo: true });
Base.metadata.create_all(engine);

const session = new Session(engine);
print("## empty session");
print(`new: ${repr(session.new)} | dirty: ${repr(session.dirty)} | deleted: ${repr(session.deleted)}`);
const sandy = new User({ name: "sandy", nickname: null });
const patrick = new User({ name: "patrick", nickname: "pat" });
print("__dict__ keys of a transient object:", dictKeys(sandy));
print("inspect(obj).dict is obj.__dict__:", inspect(sandy).dict === (sandy as any).__dict__);

session.add_all([sandy, patrick]);
print("## after add_all()");
print(`new: ${repr(session.new)} | len: ${session.new.size} | sandy in new: ${repr(session.new.has(sandy))}`);

session.flush();
print("## after flush()");
print(`new: ${repr(session.new)} | identity_map keys: ${repr(session.identity_map.keys())}`);
print("loaded:", loaded(patrick));

session.commit();
print("## after commit(): everything expired");
print(`__dict__ keys: ${repr(dictKeys(patrick))} | loaded: ${loaded(patrick)}`);
print("accessing names:", patrick.name, sandy.name);
print("loaded now:", loaded(patrick));

print("## one dirty object");
patrick.nickname = "Pat";
print(`dirty: ${repr(session.dirty)} | new: ${repr(session.new)}`);

print("## two dirty objects (names printed sorted)");
sandy.nickname = "cheeks";
print("dirty names:", [...session.dirty].map((u) => (u as User).name).sort(), "| len:", session.dirty.size);
session.flush();
print("dirty after flush:", repr(session.dirty));

print("## delete()");
session.delete(sandy);
print(`deleted: ${repr(session.deleted)} | sandy in deleted: ${repr(session.deleted.has(sandy))}`);
session.flush();
print(
  `deleted after flush: ${repr(session.deleted)} | identity_map keys: ${repr(session.identity_map.keys())}`,
);
session.commit();

print("## an object loaded by a query has every column in __dict__");
const u = session.scalars(select(User)).one() as User;
print(u, "| loaded:", loaded(u));
session.expire(u, ["nickname"]);
print("after expire(u, ['nickname']):", loaded(u), "| unloaded:", [...inspect(u).unloaded].sort());

print("IdentitySet is unhashable:");
try {
  // Python: hash(session.new)
  session.new.__hash__();
} catch (err) {
  show_error(err);
}
session.close();
