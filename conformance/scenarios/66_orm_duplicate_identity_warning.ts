/**
 * Adding a new object whose primary key is already loaded in the Session: SAWarning at flush, then
 * the INSERT fails; with the loaded object deleted first, the flush turns DELETE+INSERT into one
 * UPDATE ("row switch").
 *
 * Warnings are captured with warnings.catch_warnings({ record: true }) and
 * warnings.simplefilter("always"), and printed by the script itself as
 * `WARNING <module>.<Category>: <message>` after the flush returns or raises, so their position in
 * the output does not depend on the warning filters.
 */
import { create_engine, inspect, String, select, str, tuple } from "sqlalchemy";
import { DeclarativeBase, mapped_column, Session } from "sqlalchemy/orm";
import { type WarningMessage, warnings } from "sqlalchemy/testing";

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

function flush_capturing_warnings(session: Session): void {
  let caught: WarningMessage[];
  {
    using ctx = warnings.catch_warnings({ record: true });
    caught = ctx.log!;
    warnings.simplefilter("always");
    try {
      session.flush();
      print("flush: ok");
    } catch (err: any) {
      print(`!! ${err.constructor.__module__}.${err.constructor.name}: ${str(err)}`);
    }
  }
  for (const w of caught) {
    print(`WARNING ${(w.category as any).__module__}.${w.category.name}: ${str(w.message)}`);
  }
}

const engine = create_engine(URL, { echo: true });
Base.metadata.create_all(engine);
{
  using session = new Session(engine);
  session.add(new User({ id: 1, name: "spongebob" }));
  session.commit();
}

print("## a new User(id=1) while User 1 is loaded");
{
  using session = new Session(engine);
  const existing = session.get(User, 1) as User;
  const impostor = new User({ id: 1, name: "impostor" });
  session.add(impostor);
  print(
    "add() accepted it: pending =",
    inspect(impostor).pending,
    "| identity_map still holds:",
    (session.identity_map.get(Session.identity_key(User, tuple([1]))) as User).name,
  );
  flush_capturing_warnings(session);
  session.rollback();
  print(
    "after rollback(): impostor transient =",
    inspect(impostor).transient,
    "| existing persistent =",
    inspect(existing).persistent,
  );
}

print("## delete the loaded User 1 first, then add User(id=1): row switch");
{
  using session = new Session(engine);
  const existing = session.get(User, 1) as User;
  session.delete(existing);
  const replacement = new User({ id: 1, name: "replacement" });
  session.add(replacement);
  flush_capturing_warnings(session);
  print(
    "replacement persistent =",
    inspect(replacement).persistent,
    "| existing: deleted =",
    inspect(existing).deleted,
    "detached =",
    inspect(existing).detached,
  );
  session.commit();
  print(session.scalars(select((User as any).name)).all());
}

print("## the usual fix: merge() returns the loaded instance instead");
{
  using session = new Session(engine);
  const existing = session.get(User, 1) as User;
  const merged = session.merge(new User({ id: 1, name: "merged" }));
  print("merged is existing:", merged === existing);
  flush_capturing_warnings(session);
  session.commit();
}
