/**
 * ORM joins: select(User).join(User.addresses), join_from(), join to an entity with ON from the
 * foreign key or explicit, aliased() entities, outerjoin + group_by.
 *
 * A joined select of one entity returns that entity once per joined row (no automatic
 * de-duplication); .unique() removes repeats.
 */
import { create_engine, ForeignKey, func, repr, String, select } from "sqlalchemy";
import { aliased, DeclarativeBase, mapped_column, relationship, Session } from "sqlalchemy/orm";

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

  __repr__(): string {
    return `User(${repr(this.name)})`;
  }
}

class Address extends Base {
  static __tablename__ = "address";
  @mapped_column({ primary_key: true }) accessor id!: number;
  @mapped_column(String(50)) accessor email!: string;
  @mapped_column(ForeignKey("user_account.id")) accessor user_id!: number;
  @relationship(() => User, { back_populates: "addresses" }) accessor user!: User;

  __repr__(): string {
    return `Address(${repr(this.email)})`;
  }
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

{
  using session = new Session(engine);
  print("## select(User).join(User.addresses): one User per matching Address");
  let stmt = select(User).join(User_.addresses).where(Address_.email.like("%.com")).order_by(User_.id);
  print(stmt);
  print(session.scalars(stmt).all(), "| unique():", session.scalars(stmt).unique().all());
  print("## join_from(User, Address) and join(Address) with ON from the foreign key");
  print(
    session.execute(select(User_.name, Address_.email).join_from(User, Address).order_by(Address_.id)).all(),
  );
  print(
    session.scalars(select(Address).join(User).where(User_.name.eq("sandy")).order_by(Address_.id)).all(),
  );
  print("## many-to-one direction, explicit ON");
  stmt = select(Address_.email).join(Address_.user).where(User_.name.eq("spongebob"));
  print(session.scalars(stmt).all());
  stmt = select(User_.name).join(Address, User_.id.eq(Address_.user_id)).where(Address_.email.like("%tree%"));
  print(session.scalars(stmt).all());
  print("## aliased(): the same entity twice");
  const a1 = aliased(Address) as any;
  const a2 = aliased(Address, { name: "other" }) as any;
  stmt = select(User_.name, a1.email, a2.email)
    .join(User_.addresses.of_type(a1))
    .join(User_.addresses.of_type(a2))
    .where(a1.email.like("%tree%"), a2.email.like("%krusty%"));
  print(stmt);
  print(session.execute(stmt).all());
  print("repr of an aliased class:", a2);
  print("## select(User, Address): rows of entities");
  for (const row of session.execute(select(User, a1).join(User_.addresses.of_type(a1)).order_by(a1.id))) {
    print(row, "| keys:", row._fields);
  }
  print("## outerjoin + group_by: users without addresses count 0");
  stmt = select(User_.name, func.count(Address_.id))
    .outerjoin(User_.addresses)
    .group_by(User_.id, User_.name)
    .order_by(User_.id);
  print(session.execute(stmt).all());
}
