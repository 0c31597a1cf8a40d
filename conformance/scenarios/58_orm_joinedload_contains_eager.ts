/**
 * joinedload() on many-to-one (a scalar) and one-to-many, innerjoin=True, and contains_eager() with
 * an explicit join; statements counted.
 *
 * joinedload renders an anonymous alias (user_account_1, address_1) in a LEFT OUTER JOIN;
 * innerjoin=True makes it an inner JOIN, which drops parents without children. contains_eager()
 * fills the collection from the query's own join, so a filtered join gives a filtered collection.
 */
import { create_engine, event, ForeignKey, String, select, tuple } from "sqlalchemy";
import {
  contains_eager,
  DeclarativeBase,
  joinedload,
  mapped_column,
  relationship,
  Session,
} from "sqlalchemy/orm";

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
  session.add_all([
    new User({ name: "spongebob", addresses: [new Address({ email: "sb@krusty.com" })] }),
    new User({
      name: "sandy",
      addresses: [new Address({ email: "sandy@tree.com" }), new Address({ email: "sandy@krusty.com" })],
    }),
    new User({ name: "patrick" }),
  ]);
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

function show_users(users: Iterable<unknown>): void {
  for (const u of users as Iterable<User>) {
    print(
      u.name,
      u.addresses.map((a) => a.email),
    );
  }
}

print("## joinedload(Address.user): many-to-one, the attribute is a User");
{
  using session = new Session(engine);
  const addresses = session
    .scalars(select(Address).options(joinedload(Address_.user)).order_by(Address_.id))
    .all() as Address[];
  print(addresses.map((a) => tuple([a.email, (a.user.constructor as any).__name__, a.user.name])));
}
report("joinedload many-to-one");

print("## joinedload(Address.user, innerjoin=True)");
{
  using session = new Session(engine);
  print(
    [
      ...(session.scalars(
        select(Address)
          .options(joinedload(Address_.user, { innerjoin: true }))
          .order_by(Address_.id),
      ) as Iterable<Address>),
    ].map((a) => a.user.name),
  );
}
report("joinedload many-to-one innerjoin");

print("## joinedload(User.addresses): one-to-many, needs .unique()");
{
  using session = new Session(engine);
  show_users(session.scalars(select(User).options(joinedload(User_.addresses)).order_by(User_.id)).unique());
}
report("joinedload one-to-many");

print("## joinedload(User.addresses, innerjoin=True): patrick (no addresses) is gone");
{
  using session = new Session(engine);
  show_users(
    session
      .scalars(
        select(User)
          .options(joinedload(User_.addresses, { innerjoin: true }))
          .order_by(User_.id),
      )
      .unique(),
  );
}
report("joinedload one-to-many innerjoin");

print("## contains_eager(Address.user): the explicit join supplies the columns");
{
  using session = new Session(engine);
  const stmt = select(Address)
    .join(Address_.user)
    .where(User_.name.eq("sandy"))
    .options(contains_eager(Address_.user))
    .order_by(Address_.id);
  print([...(session.scalars(stmt) as Iterable<Address>)].map((a) => tuple([a.email, a.user.name])));
}
report("contains_eager many-to-one");

print("## contains_eager(User.addresses) with a filtered join: the collection is filtered");
{
  using session = new Session(engine);
  const stmt = select(User)
    .join(User_.addresses)
    .where(Address_.email.like("%krusty%"))
    .options(contains_eager(User_.addresses))
    .order_by(User_.id, Address_.id);
  show_users(session.scalars(stmt).unique());
}
report("contains_eager one-to-many");
