/**
 * sessionmaker(engine) and sessionmaker(engine, expire_on_commit=False); `with Session() as session:` and
 * `with Session.begin() as session:`.
 */
import { create_engine, func, inspect, String, select, str } from "sqlalchemy";
import { DeclarativeBase, mapped_column, sessionmaker } from "sqlalchemy/orm";
import { RuntimeError } from "sqlalchemy/testing";

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

const Session = sessionmaker(engine);
print("Session:", Session);
print("## with Session() as session: ... session.commit()");
{
  using session = Session();
  print("session type:", session.constructor.name, "| bind:", session.bind);
  session.add(new User({ name: "spongebob" }));
  session.commit();
}

print("## with Session() as session: no commit -> ROLLBACK on close");
{
  using session = Session();
  session.add(new User({ name: "never saved" }));
  session.flush();
}

print("## with Session.begin() as session: commits at the end");
Session.begin((session) => {
  session.add(new User({ name: "sandy" }));
});

print("## with Session.begin() + exception -> ROLLBACK, exception propagates");
try {
  Session.begin((session) => {
    session.add(new User({ name: "also never saved" }));
    session.flush();
    throw new RuntimeError("boom");
  });
} catch (err) {
  if (!(err instanceof RuntimeError)) throw err;
  show_error(err);
}

print("## nested: with Session() as session, session.begin():");
{
  using session = Session();
  session.begin(() => {
    session.add(new User({ name: "patrick" }));
  });
}

{
  using session = Session();
  print("names:", session.scalars(select(User.name).order_by(User.id)).all());
}

print("## sessionmaker(engine, expire_on_commit=False)");
const KeepSession = sessionmaker(engine, { expire_on_commit: false });
print("KeepSession:", KeepSession);
let u: User;
{
  using session = KeepSession();
  u = new User({ name: "squidward", fullname: "Squidward Tentacles" });
  session.add(u);
  session.commit();
  print("expired after commit:", sorted(inspect(u).expired_attributes));
}
print("after close, no SQL:", u.id, u.name, u.fullname);

print("## a sessionmaker can be reconfigured / called with overrides");
{
  using session = Session({ expire_on_commit: false });
  print("expire_on_commit override:", session.expire_on_commit);
  print("count:", session.scalar(select(func.count()).select_from(User)));
}
