/**
 * Session.identity_key() and session.merge(): SELECT-then-copy for an object not in the session, no
 * SELECT when it is already in the identity map, INSERT for an unknown key, merge(load=False).
 */
import { create_engine, inspect, repr, String, str, tuple } from "sqlalchemy";
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
    return `User(id=${repr(this.id)}, name=${repr(this.name)}, nickname=${repr(this.nickname)})`;
  }
}

const engine = create_engine(URL, { echo: true });
Base.metadata.create_all(engine);

print("## Session.identity_key()");
print("identity_key(User, 1):", Session.identity_key(User, 1));
print("identity_key(User, (1,)):", Session.identity_key(User, tuple([1])));

const sb = new User({ name: "spongebob", nickname: "sponge" });
{
  using session = new Session(engine, { expire_on_commit: false });
  session.add(sb);
  session.commit();
}
print(
  `identity_key(instance=sb): ${str(Session.identity_key({ instance: sb }))} | inspect(sb).key: ${str(inspect(sb).key)}`,
);
print("detached sb:", inspect(sb).detached);

print("## merge() of an object the session does not hold: SELECT, copy, UPDATE on flush");
{
  using session = new Session(engine);
  const incoming = new User({ id: 1, name: "SpongeBob", nickname: "sponge" });
  const merged = session.merge(incoming);
  print(
    `merged is incoming: ${str(merged === incoming)} | incoming in session: ${str(session.contains(incoming))} | merged in session: ${str(session.contains(merged))}`,
  );
  const modified = inspect(merged)
    .attrs.items()
    .filter(([, a]) => a.history.has_changes())
    .map(([k]) => k);
  print(`dirty: ${repr(session.dirty)} | modified attrs: ${repr(modified)}`);
  session.commit();
}

print("## merge() when the identity is already loaded: no SELECT, same instance");
{
  using session = new Session(engine);
  const existing = session.get(User, 1) as User;
  const merged = session.merge(new User({ id: 1, name: "SpongeBob", nickname: null }));
  print(`merged is existing: ${str(merged === existing)} | nickname now: ${str(merged.nickname)}`);
}

print("## merge() with a key that is not in the database: a pending INSERT");
{
  using session = new Session(engine);
  const merged = session.merge(new User({ id: 7, name: "patrick" }));
  print(
    `in session.new: ${str(session.new.has(merged))} | identity_key before flush: ${str(inspect(merged).key)}`,
  );
  session.commit();
}

print("## merge(load=False): trusts the given state, never SELECTs");
{
  using session = new Session(engine);
  const merged = session.merge(sb, { load: false });
  print(
    `${str(merged)} | persistent: ${str(inspect(merged).persistent)} | dirty: ${str(session.dirty.size > 0)}`,
  );
  try {
    session.merge(new User({ name: "transient" }), { load: false });
  } catch (err) {
    show_error(err);
  }
}
