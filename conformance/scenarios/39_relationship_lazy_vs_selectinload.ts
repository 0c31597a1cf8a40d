/**
 * relationship() one-to-many: lazy loading costs N+1 SELECTs; selectinload() costs 2; joinedload() costs 1.
 *
 * Statements are counted with the before_cursor_execute event.
 */
import { create_engine, event, ForeignKey, String, select, str, tuple } from "sqlalchemy";
import {
  DeclarativeBase,
  joinedload,
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
  @relationship(() => Address, { back_populates: "user" }) accessor addresses!: Address[];
}

class Address extends Base {
  static __tablename__ = "address";
  @mapped_column({ primary_key: true }) accessor id!: number;
  @mapped_column(String) accessor email!: string;
  @mapped_column(ForeignKey("user_account.id")) accessor user_id!: number;
  @relationship(() => User, { back_populates: "addresses" }) accessor user!: User;
}

const engine = create_engine(URL, { echo: true });
Base.metadata.create_all(engine);

{
  using session = new Session(engine);
  for (const name of ["spongebob", "sandy", "patrick"]) {
    session.add(
      new User({
        name,
        addresses: [new Address({ email: `${name}@a.com` }), new Address({ email: `${name}@b.com` })],
      }),
    );
  }
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

print("######## lazy loading (default lazy='select')");
{
  using session = new Session(engine);
  for (const user of session.scalars(select(User).order_by(User.id))) {
    print(
      user.name,
      user.addresses.map((a) => a.email),
    );
  }
}
report("lazy loading, 3 users");

print("######## selectinload");
{
  using session = new Session(engine);
  for (const user of session.scalars(select(User).options(selectinload(User.addresses)).order_by(User.id))) {
    print(
      user.name,
      user.addresses.map((a) => a.email),
    );
  }
}
report("selectinload, 3 users");

print("######## joinedload");
{
  using session = new Session(engine);
  for (const user of session
    .scalars(select(User).options(joinedload(User.addresses)).order_by(User.id))
    .unique()) {
    print(
      user.name,
      user.addresses.map((a) => a.email),
    );
  }
}
report("joinedload, 3 users");

print("######## joinedload without unique()");
{
  using session = new Session(engine);
  try {
    session.scalars(select(User).options(joinedload(User.addresses))).all();
  } catch (err: any) {
    print(`!! ${err.constructor.__module__}.${err.constructor.name}: ${str(err)}`);
  }
}
report("joinedload without unique()");

print("######## many-to-one lazy load uses the identity map");
{
  using session = new Session(engine);
  const _users = session.scalars(select(User)).all();
  const addrs = session.scalars(select(Address).order_by(Address.id)).all();
  print(addrs.map((a) => tuple([a.email, a.user.name])));
}
report("2 queries, then address.user from the identity map");
