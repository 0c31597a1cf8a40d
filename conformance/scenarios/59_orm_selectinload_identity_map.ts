/**
 * selectinload() when some parents are already in the identity map: the IN list still names every
 * parent, but a collection that is already loaded is kept (not refreshed) unless populate_existing.
 *
 * Setup: user 1 has its addresses loaded, user 2 is loaded without them, user 3 is not in the
 * session; then another connection commits one more address per user. Statements are counted with
 * before_cursor_execute. The identity map holds objects weakly, so the script keeps references to
 * the loaded users.
 */
import { create_engine, event, ForeignKey, insert, String, select, tuple } from "sqlalchemy";
import { DeclarativeBase, mapped_column, relationship, Session, selectinload } from "sqlalchemy/orm";

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
  @relationship(() => Address, { back_populates: "user", order_by: "Address.id" })
  accessor addresses!: Address[];
}

class Address extends Base {
  static __tablename__ = "address";
  @mapped_column({ primary_key: true }) accessor id!: number;
  @mapped_column(String(50)) accessor email!: string;
  @mapped_column(ForeignKey("user_account.id")) accessor user_id!: number;
  @relationship(() => User, { back_populates: "addresses" }) accessor user!: User;
}

/** Class-level mapped attributes (`User.id`) are not in the classes' static types. */
const User_ = User as any;
const Address_ = Address as any;

const engine = create_engine(URL, { echo: true });
Base.metadata.create_all(engine);
{
  using session = new Session(engine);
  session.add_all(
    ["spongebob", "sandy", "patrick"].map(
      (n) => new User({ name: n, addresses: [new Address({ email: `${n}@old.com` })] }),
    ),
  );
  session.commit();
}

let count = 0;

event.listens_for(
  engine,
  "before_cursor_execute",
)(function _count(
  _conn: unknown,
  _cursor: unknown,
  _statement: unknown,
  _parameters: unknown,
  _context: unknown,
  _executemany: unknown,
) {
  count += 1;
});

function report(label: string): void {
  print(`COUNT ${label}: ${count} statements`);
  count = 0;
}

function show(users: Iterable<User>): void {
  for (const u of users) {
    print(
      u.id,
      u.name,
      u.addresses.map((a) => a.email),
    );
  }
}

{
  using session = new Session(engine);
  print("## user 1 with its addresses (lazy load), user 2 without");
  const sb = session.get(User, 1) as User;
  print(
    sb.name,
    sb.addresses.map((a) => a.email),
  );
  const sandy = session.get(User, 2) as User;
  print(sandy.name);
  report("setup loads");
  engine.begin((other) => {
    other.execute(
      insert(Address),
      ["sb", "sandy", "pat"].map((n, i) => ({ email: `${n}@new.com`, user_id: i + 1 })),
    );
  });
  report("another connection adds 3 addresses");

  print("## selectinload: every parent id in the IN list; user 1 keeps its old collection");
  const stmt = select(User).options(selectinload(User_.addresses)).order_by(User_.id);
  const users = session.scalars(stmt).all();
  show(users as User[]);
  report("selectinload");

  print("## the same query again: the second SELECT is still emitted");
  show(session.scalars(stmt).all() as User[]);
  report("selectinload, all collections loaded");

  print("## populate_existing=True: collections overwritten from the rows");
  show(session.scalars(stmt.execution_options({ populate_existing: true })).all() as User[]);
  report("selectinload + populate_existing");
}

print("## selectinload on many-to-one: IN over the distinct foreign keys");
{
  using session = new Session(engine);
  const sb = session.get(User, 1) as User;
  print(sb.name);
  const addresses = session
    .scalars(
      select(Address)
        .options(selectinload(Address_.user))
        .where(Address_.email.like("%new%"))
        .order_by(Address_.id),
    )
    .all() as Address[];
  print(addresses.map((a) => tuple([a.email, a.user.name])));
}
report("selectinload many-to-one (user 1 already loaded)");
