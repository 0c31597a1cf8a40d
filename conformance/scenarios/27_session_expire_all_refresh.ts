/**
 * expire_all() and refresh(obj): picking up a change committed by another connection.
 *
 * The identity map keeps stale values until the object is expired or refreshed; refresh() emits its
 * SELECT immediately, expire_all() waits for the next attribute access.
 */
import { create_engine, inspect, String, select, text } from "sqlalchemy";
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
  session.add_all([
    new User({ name: "spongebob", fullname: "Spongebob" }),
    new User({ name: "sandy", fullname: "Sandy" }),
  ]);
  session.commit();
}

function other_connection_update(user_id: number, name: string): void {
  engine.begin((other) => {
    other.execute(text("UPDATE user_account SET name = :name WHERE id = :id"), { name, id: user_id });
  });
}

{
  using session = new Session(engine);
  const u1 = session.get(User, 1)!;
  const u2 = session.get(User, 2)!;
  print("loaded:", u1.name, u2.name);

  print("## another connection commits a change to user 1");
  other_connection_update(1, "spongebob v2");
  print("u1.name (stale, no SQL):", u1.name);
  print("session.get(User, 1).name (identity map, no SQL):", session.get(User, 1)!.name);

  print("## refresh(u1): SELECT right away");
  session.refresh(u1);
  print("refreshed, no SQL on access:", u1.name);

  print("## refresh() also overwrites unflushed changes");
  u1.fullname = "unflushed";
  session.refresh(u1);
  print("fullname:", u1.fullname, "| dirty:", session.dirty.size > 0);

  print("## refresh(obj, ['name']) loads only the named attributes");
  other_connection_update(1, "spongebob v3");
  session.refresh(u1, ["name"]);
  print("name:", u1.name);

  print("## expire_all(): no SQL until each object is touched");
  other_connection_update(2, "sandy v2");
  session.expire_all();
  print("u1 expired:", sorted(inspect(u1).expired_attributes));
  print("u2 expired:", sorted(inspect(u2).expired_attributes));
  print("u2.name:", u2.name);
  print("u1.name:", u1.name);

  print("## populate_existing: a query that overwrites identity-map state");
  other_connection_update(2, "sandy v3");

  print("plain select:", session.scalars(select(User).where(User.id.eq(2))).one().name);
  print(
    "populate_existing:",
    session.scalars(select(User).where(User.id.eq(2)).execution_options({ populate_existing: true })).one()
      .name,
  );
}
