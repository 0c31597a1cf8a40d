/**
 * ORM-enabled update()/delete() through session.execute() with synchronize_session "auto"
 * (default), "evaluate", "fetch" and False: the SQL emitted and what happens to the objects already
 * loaded.
 *
 * "evaluate" applies the WHERE and SET in Python to the loaded objects; "fetch" uses RETURNING to
 * learn the matched primary keys; "auto" evaluates when it can and fetches otherwise; False leaves
 * loaded objects stale.
 */
import {
  create_engine,
  delete_,
  func,
  Integer,
  insert,
  inspect,
  String,
  select,
  str,
  tuple,
  update,
} from "sqlalchemy";
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
  @mapped_column(Integer) accessor age!: number;
}

/** Class-level mapped attributes (`User.id`) are not in the class's static type. */
const User_ = User as any;

const engine = create_engine(URL, { echo: true });
Base.metadata.create_all(engine);
{
  using session = new Session(engine);
  session.execute(
    insert(User),
    (
      [
        ["spongebob", 20],
        ["sandy", 25],
        ["patrick", 31],
        ["squidward", 45],
      ] as const
    ).map(([n, a]) => ({ name: n, age: a })),
  );
  session.commit();
}

function ages(users: User[]) {
  return users.filter((u) => !inspect(u).detached && !inspect(u).deleted).map((u) => tuple([u.name, u.age]));
}

{
  using session = new Session(engine);
  const users = session.scalars(select(User).order_by(User_.id)).all() as User[];
  print("## default ('auto'): evaluable WHERE and SET -> applied in Python, no extra SQL");
  const result = session.execute(
    update(User)
      .where(User_.age.lt(30))
      .values({ age: User_.age.add(1) }),
  );
  print("rowcount:", result.rowcount, "|", ages(users));

  print("## 'evaluate' with a WHERE Python cannot evaluate");
  try {
    session.execute(update(User).where(func.lower(User_.name).eq("sandy")).values({ age: 99 }), undefined, {
      execution_options: { synchronize_session: "evaluate" },
    });
  } catch (err: any) {
    print(`!! ${err.constructor.__module__}.${err.constructor.name}: ${str(err)}`);
  }

  print("## 'auto' with the same WHERE falls back to 'fetch' (RETURNING)");
  session.execute(update(User).where(func.lower(User_.name).eq("sandy")).values({ age: 99 }));
  print(ages(users));

  print("## 'fetch' explicitly");
  session.execute(update(User).where(User_.age.gt(40)).values({ name: "squiddy" }), undefined, {
    execution_options: { synchronize_session: "fetch" },
  });
  print(ages(users));

  print("## False: the loaded objects are not touched");
  session.execute(update(User).values({ age: User_.age.mul(2) }), undefined, {
    execution_options: { synchronize_session: false },
  });
  print("in memory:", ages(users));
  session.expire_all();
  print("after expire_all():", ages(users));

  print("## delete, 'auto': matched objects leave the session");
  session.execute(delete_(User).where(User_.age.gt(150)));
  print(
    "still loaded:",
    ages(users),
    "| users[1] deleted:",
    inspect(users[1]!).deleted,
    "detached:",
    inspect(users[1]!).detached,
  );

  print("## delete, 'fetch': DELETE ... RETURNING");
  session.execute(delete_(User).where(func.lower(User_.name).eq("patrick")), undefined, {
    execution_options: { synchronize_session: "fetch" },
  });
  print("still loaded:", ages(users), "| identity map size:", session.identity_map.length);
  session.commit();
  print("left in the table:", session.execute(select(User_.name, User_.age).order_by(User_.id)).all());
}
