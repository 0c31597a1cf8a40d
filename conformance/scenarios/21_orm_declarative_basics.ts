/**
 * ORM (declarative) style: DeclarativeBase, Mapped, mapped_column; create_all; Session add_all + commit;
 * select(User).
 *
 * The mapped classes produce the same Table objects as the Core style.
 */
import { create_engine, ForeignKey, repr, String, select } from "sqlalchemy";
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

  __repr__(): string {
    return `User(id=${repr(this.id)}, name=${repr(this.name)}, fullname=${repr(this.fullname)})`;
  }
}

class Address extends Base {
  static __tablename__ = "address";

  @mapped_column({ primary_key: true }) accessor id!: number;
  @mapped_column(String) accessor email_address!: string;
  @mapped_column(ForeignKey("user_account.id")) accessor user_id!: number;
}

/** no __repr__: shows the default object repr */
class Plain extends Base {
  static __tablename__ = "plain";
  @mapped_column({ primary_key: true }) accessor id!: number;
}

print("User.__table__:", repr(User.__table__));
print("Address.__table__.c:", Address.__table__.c.keys());
print("Base.metadata.tables:", [...Base.metadata.tables.keys()]);
print("User.name:", User.name);
print("User.name == 'x':", User.name.eq("x"));
print("transient User():", new User({ name: "a" }));
print("default repr:", new Plain());

const engine = create_engine(URL, { echo: true });
print("## create_all()");
Base.metadata.create_all(engine);

print("## add_all + commit");
{
  using session = new Session(engine);
  const spongebob = new User({ name: "spongebob", fullname: "Spongebob Squarepants" });
  const sandy = new User({ name: "sandy", fullname: "Sandy Cheeks" });
  const patrick = new User({ name: "patrick" });
  session.add_all([spongebob, sandy, patrick]);
  print("before commit:", spongebob, "| new:", session.new.size);
  session.commit();
  print("## after commit (attributes expired, so this SELECTs)");
  print(spongebob);
}

print("## select(User)");
{
  using session = new Session(engine);
  const stmt = select(User)
    .where(User.name.in_(["spongebob", "sandy"]))
    .order_by(User.id);
  print(stmt);
  for (const user of session.scalars(stmt)) {
    print(user);
  }
  print("## session.execute(select(User)) returns Row objects with one element");
  const rows = session.execute(select(User).order_by(User.id)).all();
  print(rows);
  print("## select of columns");
  print(session.execute(select(User.name, User.fullname).order_by(User.id)).all());
  print("## scalar_one()");
  print(session.scalars(select(User).where(User.name.eq("patrick"))).one());
}
