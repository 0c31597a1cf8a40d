/**
 * relationship(lazy="raise") and lazy="raise_on_sql": which attribute accesses raise, which are
 * served from memory or the identity map, and the options that override them.
 */
import { create_engine, event, ForeignKey, String, select, str } from "sqlalchemy";
import {
  DeclarativeBase,
  lazyload,
  mapped_column,
  relationship,
  Session,
  selectinload,
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
  @relationship(() => Address, { back_populates: "user", lazy: "raise", order_by: () => Address_.id })
  accessor addresses!: Address[];
}

class Address extends Base {
  static __tablename__ = "address";
  @mapped_column({ primary_key: true }) accessor id!: number;
  @mapped_column(String(50)) accessor email!: string;
  @mapped_column(ForeignKey("user_account.id")) accessor user_id!: number;
  @relationship(() => User, { back_populates: "addresses", lazy: "raise_on_sql" }) accessor user!: User;
}

/** Class-level mapped attributes (`User.id`) are not in the classes' static types. */
const User_ = User as any;
const Address_ = Address as any;

const engine = create_engine(URL, { echo: true });
Base.metadata.create_all(engine);

let statements = 0;
event.listens_for(
  engine,
  "before_cursor_execute",
)(function _count() {
  statements += 1;
});

/** Prints `label: value` (or the error) and how many statements the access emitted. */
function count(label: string, fn: () => unknown): void {
  const before = statements;
  try {
    const value = fn();
    print(`${label}: ${str(value)}`);
  } catch (err) {
    print(`${label}:`);
    show_error(err);
  }
  print(`COUNT ${label}: ${statements - before} statements`);
}

print("## transient and pending objects: no error, nothing to load");
{
  using session = new Session(engine);
  const u = new User({ name: "spongebob" });
  count("transient u.addresses", () => u.addresses);
  const sandy = new User({ name: "sandy" });
  session.add_all([u, sandy]);
  count("pending sandy.addresses", () => sandy.addresses);
  u.addresses.push(new Address({ email: "sb@krusty.com" }));
  session.commit();
}

print("## lazy='raise' collection on a loaded object");
{
  using session = new Session(engine);
  const u = session.get(User, 1) as User;
  count("u.addresses", () => u.addresses);

  print("## options override the default");
  count("selectinload query", () =>
    (
      session.scalars(select(User).where(User_.id.eq(1)).options(selectinload(User_.addresses))).one() as User
    ).addresses.map((a) => a.email),
  );
  session.expunge_all();
  count("lazyload() query", () =>
    (
      session.scalars(select(User).where(User_.id.eq(1)).options(lazyload(User_.addresses))).one() as User
    ).addresses.map((a) => a.email),
  );

  print("## lazy='raise_on_sql' many-to-one, target already in the identity map");
  const address = session.scalars(select(Address)).one() as Address;
  count("address.user", () => address.user.name);
}

print("## lazy='raise_on_sql', target not loaded");
{
  using session = new Session(engine);
  const address = session.scalars(select(Address)).one() as Address;
  count("address.user", () => address.user.name);
  count("address.user_id (a plain column)", () => address.user_id);
}
