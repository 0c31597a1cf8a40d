/**
 * back_populates keeps both sides in sync; attribute events (append/remove/set) show the order and
 * which side initiated; a backref does not cascade a new object into the Session (2.0).
 *
 * Each listener prints one EVENT line. 'initiated by' is the attribute the user's code touched; the
 * other side's event carries the same initiator. A never-set many-to-one reports its old value as
 * the NO_VALUE symbol. The SAWarning at the last commit goes to stderr through Python's default
 * warning format (file:line: category: message, then the source line).
 */
import { create_engine, event, ForeignKey, String, str } from "sqlalchemy";
import {
  attributes,
  DeclarativeBase,
  type InstrumentedList,
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
  @relationship(() => Address, { back_populates: "user" }) accessor addresses!: Address[];
}

class Address extends Base {
  static __tablename__ = "address";
  @mapped_column({ primary_key: true }) accessor id!: number;
  @mapped_column(String(50)) accessor email!: string;
  @mapped_column(ForeignKey("user_account.id"), { nullable: true }) accessor user_id!: number | null;
  @relationship(() => User, { back_populates: "addresses" }) accessor user!: User | null;
}

/** Class-level mapped attributes (`User.addresses`) are not in the classes' static types. */
const User_ = User as any;
const Address_ = Address as any;

function name(obj: unknown): string | null {
  if (obj === null || obj === attributes.NO_VALUE) return obj === attributes.NO_VALUE ? "NO_VALUE" : null;
  return obj instanceof User ? obj.name : (obj as Address).email;
}

function by(initiator: any): string {
  return `${initiator.impl.class_.__name__}.${initiator.impl.key}`;
}

event.listens_for(
  User_.addresses,
  "append",
)(function _append(target: User, value: Address, initiator: any) {
  print(`EVENT User.addresses append: ${name(value)} to ${name(target)} (initiated by ${by(initiator)})`);
});

event.listens_for(
  User_.addresses,
  "remove",
)(function _remove(target: User, value: Address, initiator: any) {
  print(`EVENT User.addresses remove: ${name(value)} from ${name(target)} (initiated by ${by(initiator)})`);
});

event.listens_for(
  Address_.user,
  "set",
)(function _set(target: Address, value: User | null, oldvalue: unknown, initiator: any) {
  print(
    `EVENT Address.user set: ${name(target)} -> ${str(name(value))}, old ${str(name(oldvalue))} (initiated by ${by(initiator)})`,
  );
});

function state(...users: User[]) {
  print("   ", users.map((u) => `${u.name}.addresses=${str(u.addresses.map((a) => a.email))}`).join(" | "));
}

const addresses = (u: User) => u.addresses as InstrumentedList<Address>;

const [sb, sandy] = [new User({ name: "spongebob" }), new User({ name: "sandy" })];
const [a1, a2] = [new Address({ email: "a1" }), new Address({ email: "a2" })];
print("## sb.addresses.append(a1)");
addresses(sb).append(a1);
state(sb, sandy);
print("a1.user:", name(a1.user));
print("## a2.user = sb");
a2.user = sb;
state(sb, sandy);
print("## a2.user = sandy: moved between collections");
a2.user = sandy;
state(sb, sandy);
print("## sb.addresses.remove(a1)");
addresses(sb).remove(a1);
state(sb, sandy);
print("a1.user:", a1.user);
print("## sandy.addresses = [a1]: replacing the whole collection");
sandy.addresses = [a1];
state(sb, sandy);
print("a2.user:", a2.user, "| a1.user:", name(a1.user));

const engine = create_engine(URL, { echo: true });
Base.metadata.create_all(engine);
{
  using session = new Session(engine, { expire_on_commit: false });
  session.add_all([sb, sandy]);
  session.commit();
  print("## 2.0: a new Address attached through the backref is not added to the Session");
  const a3 = new Address({ email: "a3" });
  a3.user = sb;
  print(
    "a3 in session:",
    session.contains(a3),
    "| sb.addresses:",
    sb.addresses.map((a) => a.email),
  );
  const a4 = new Address({ email: "a4" });
  addresses(sb).append(a4);
  print("a4 in session:", session.contains(a4));
  session.commit();
  print("a3 persisted:", session.contains(a3), "| a4 id:", a4.id);
}
