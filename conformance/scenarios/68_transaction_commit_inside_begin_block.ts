/**
 * commit()/rollback() called inside `with engine.begin()`, `with conn.begin()` and
 * `with Session.begin()` blocks: the work is committed at once, then every further statement in the
 * block raises "Can't operate on closed transaction inside context manager".
 *
 * Leaving the block afterwards raises nothing; after a `with conn.begin()` or `with session.begin()`
 * block the same Connection / Session autobegins again.
 */
import { create_engine, func, insert, String, select, str } from "sqlalchemy";
import { DeclarativeBase, mapped_column, sessionmaker } from "sqlalchemy/orm";

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

const engine = create_engine(URL, { echo: true });
Base.metadata.create_all(engine);
const users = (User as any).__table__;

function attempt(label: string, fn: () => unknown): void {
  print(label);
  try {
    fn();
  } catch (err: any) {
    print(`!! ${err.constructor.__module__}.${err.constructor.name}: ${str(err)}`);
  }
}

function names(): unknown[] {
  using conn = engine.connect();
  return conn.execute(select(users.c.name).order_by(users.c.id)).scalars().all();
}

print("## with engine.begin(): conn.commit() inside the block");
engine.begin((conn) => {
  conn.execute(insert(users), { name: "spongebob" });
  conn.commit();
  print("in_transaction:", conn.in_transaction());
  attempt("execute after commit():", () => conn.execute(select(func.count()).select_from(users)));
});
print("block exited | names:", names());

print("## with engine.begin(): conn.rollback() inside the block");
engine.begin((conn) => {
  conn.execute(insert(users), { name: "never" });
  conn.rollback();
  attempt("execute after rollback():", () => conn.execute(insert(users), { name: "never either" }));
});
print("block exited | names:", names());

print("## with conn.begin(): commit() inside, then the same connection after the block");
{
  using conn = engine.connect();
  conn.begin(() => {
    conn.execute(insert(users), { name: "sandy" });
    conn.commit();
    attempt("execute inside the block:", () => conn.execute(select(users.c.name)));
  });
  print("after the block:", conn.execute(select(func.count()).select_from(users)).scalar());
}

const Session = sessionmaker(engine);
print("## with Session.begin(): session.commit() inside the block");
Session.begin((session) => {
  session.add(new User({ name: "patrick" }));
  session.commit();
  attempt("add() after commit():", () => session.add(new User({ name: "squidward" })));
  print("in session.new:", session.new.size);
  attempt("execute after commit():", () => session.execute(select(User)));
});
print("block exited | names:", names());

print("## with session.begin() on an existing Session: usable again after the block");
{
  using session = Session();
  session.begin(() => {
    session.add(new User({ name: "gary" }));
    session.commit();
    attempt("get() inside the block:", () => session.get(User, 1));
  });
  print("after the block:", (session.get(User, 1) as User).name);
  session.add(new User({ name: "larry" }));
  session.commit();
}
print("names:", names());
