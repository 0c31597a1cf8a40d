/**
 * session.begin_nested(): it flushes pending objects at once, but the SAVEPOINT is only emitted when
 * the nested transaction first uses the connection; a nested transaction that never does emits
 * nothing.
 *
 * Also: `with session.begin_nested():` flushes and RELEASEs at the end of the block, rollback() of a
 * SAVEPOINT expunges objects inserted inside it, and an IntegrityError inside the block rolls back
 * only to the SAVEPOINT. Each SAVEPOINT is preceded by an INSERT, so SQLite's driver has really begun
 * the outer transaction.
 */
import { create_engine, func, inspect, String, select, str } from "sqlalchemy";
import { IntegrityError } from "sqlalchemy/exc";
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
  @mapped_column(String(30), { unique: true }) accessor name!: string;
}

/** Class-level mapped attributes (`User.id`) are not in the class's static type. */
const User_ = User as any;

const engine = create_engine(URL, { echo: true });
Base.metadata.create_all(engine);

{
  using session = new Session(engine);
  print("## begin_nested() with a pending object: flush now, no SAVEPOINT yet");
  session.add(new User({ name: "spongebob" }));
  let nested = session.begin_nested();
  print("returned:", nested.constructor.name, "| nested:", nested.nested, "| active:", nested.is_active);
  const sandy = new User({ name: "sandy" });
  session.add(sandy);
  print("## rollback() of a nested transaction that never touched the connection");
  nested.rollback();
  print(
    "emitted nothing | sandy in session:",
    session.contains(sandy),
    "| transient:",
    inspect(sandy).transient,
  );

  print("## with session.begin_nested(): SAVEPOINT when the block's flush needs it, RELEASE at the end");
  session.begin_nested(() => {
    session.add(new User({ name: "patrick" }));
    print("inside the block, nothing emitted yet");
  });
  print("block done");

  print("## a query inside the nested transaction emits the SAVEPOINT first");
  nested = session.begin_nested();
  print("count:", session.scalar(select(func.count(User_.id))));
  const squid = new User({ name: "squidward" });
  session.add(squid);
  session.flush();
  nested.rollback();
  print("squidward after ROLLBACK TO SAVEPOINT: transient =", inspect(squid).transient);

  print("## IntegrityError inside begin_nested(): only the SAVEPOINT is rolled back");
  try {
    session.begin_nested(() => {
      session.add(new User({ name: "spongebob" }));
    });
  } catch (err: any) {
    if (!(err instanceof IntegrityError)) throw err;
    print(`!! ${err.constructor.__module__}.${err.constructor.name}: ${str(err)}`);
  }
  print(
    "outer transaction still active:",
    session.in_transaction(),
    "| nested:",
    session.in_nested_transaction(),
  );
  session.commit();
}

{
  using session = new Session(engine);
  print(session.scalars(select(User_.name).order_by(User_.id)).all());
}
