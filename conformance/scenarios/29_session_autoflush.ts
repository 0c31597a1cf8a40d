/** Autoflush: pending changes are flushed before a query runs; no_autoflush and autoflush=False turn that off. */
import { create_engine, func, String, select } from "sqlalchemy";
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

const engine = create_engine(URL, { echo: true });
Base.metadata.create_all(engine);

{
  using session = new Session(engine);
  print("## add() then query: INSERT is flushed before the SELECT");
  session.add(new User({ name: "spongebob" }));
  print("count:", session.scalar(select(func.count()).select_from(User)));

  print("## modify then query: UPDATE is flushed before the SELECT");
  const u = session.get(User, 1)!;
  u.fullname = "Spongebob Squarepants";
  print("found:", session.scalars(select(User.fullname).where(User.id.eq(1))).one());

  print("## session.get() of an object already in the identity map does not flush");
  u.fullname = "changed";
  print("get:", session.get(User, 1)!.fullname);
  print("dirty:", session.dirty.size > 0);
  session.flush();

  print("## inside no_autoflush: the SELECT does not see the pending object");
  {
    using _ = session.no_autoflush;
    session.add(new User({ name: "sandy" }));
    print("count:", session.scalar(select(func.count()).select_from(User)));
  }
  print("## leaving the block does not flush; the next query does");
  print("count:", session.scalar(select(func.count()).select_from(User)));
  session.commit();
}

print("## Session(engine, autoflush=False)");
{
  using session = new Session(engine, { autoflush: false });
  session.add(new User({ name: "patrick" }));
  print("count:", session.scalar(select(func.count()).select_from(User)));
  session.flush();
  print("count after explicit flush:", session.scalar(select(func.count()).select_from(User)));
  session.rollback();
}
