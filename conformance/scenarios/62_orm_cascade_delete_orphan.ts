/**
 * cascade="all, delete-orphan" vs the default cascade: removing a child, deleting a parent whose
 * collections are not loaded yet, and pending orphans.
 *
 * Deleting a User first SELECTs each collection that is not loaded, then DELETEs the addresses
 * (delete cascade) but only sets note.user_id to NULL (default cascade "save-update, merge").
 */
import { create_engine, ForeignKey, String, select, str } from "sqlalchemy";
import { DeclarativeBase, type InstrumentedList, mapped_column, relationship, Session } from "sqlalchemy/orm";

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
  @relationship(() => Address, {
    back_populates: "user",
    cascade: "all, delete-orphan",
    order_by: () => Address_.id,
  })
  accessor addresses!: Address[];
  @relationship(() => Note, { back_populates: "user", order_by: () => Note_.id }) accessor notes!: Note[];
}

class Address extends Base {
  static __tablename__ = "address";
  @mapped_column({ primary_key: true }) accessor id!: number;
  @mapped_column(String(50)) accessor email!: string;
  @mapped_column(ForeignKey("user_account.id")) accessor user_id!: number;
  @relationship(() => User, { back_populates: "addresses" }) accessor user!: User;
}

class Note extends Base {
  static __tablename__ = "note";
  @mapped_column({ primary_key: true }) accessor id!: number;
  @mapped_column(String(50)) accessor text!: string;
  @mapped_column(ForeignKey("user_account.id"), { nullable: true }) accessor user_id!: number | null;
  @relationship(() => User, { back_populates: "notes" }) accessor user!: User | null;
}

/** Class-level mapped attributes (`User.id`) are not in the classes' static types. */
const User_ = User as any;
const Address_ = Address as any;
const Note_ = Note as any;

print("User.addresses cascade:", User_.addresses.property.cascade);
print("User.notes cascade:", User_.notes.property.cascade);

const engine = create_engine(URL, { echo: true });
Base.metadata.create_all(engine);

print("## save-update cascade: adding the User adds its children");
{
  using session = new Session(engine);
  session.add(
    new User({
      name: "spongebob",
      addresses: [
        new Address({ email: "sb@krusty.com" }),
        new Address({ email: "sb@pineapple.com" }),
        new Address({ email: "sb@jelly.com" }),
      ],
      notes: [new Note({ text: "buy spatula" }), new Note({ text: "feed gary" })],
    }),
  );
  session.commit();
}

{
  using session = new Session(engine);
  const u = session.get(User, 1) as User;
  print(str(u.addresses.map((a) => a.email)), str(u.notes.map((n) => n.text)));
  print("## remove a child: delete-orphan DELETEs it, the default cascade nulls the foreign key");
  (u.addresses as InstrumentedList<Address>).remove(u.addresses[0]!);
  (u.notes as InstrumentedList<Note>).remove(u.notes[0]!);
  session.flush();
  session.commit();
}

{
  using session = new Session(engine);
  print("## delete the parent while its collections are not loaded");
  const u = session.get(User, 1) as User;
  print(
    "loaded attributes:",
    Object.keys((u as any).__dict__)
      .filter((k) => !k.startsWith("_"))
      .sort(),
  );
  session.delete(u);
  session.flush();
  print("addresses left:", session.scalars(select(Address_.email)).all());
  print("notes left:", session.execute(select(Note_.text, Note_.user_id).order_by(Note_.id)).all());
  session.commit();
}

print("## a pending child removed from a pending parent is expunged at once");
{
  using session = new Session(engine);
  const sandy = new User({
    name: "sandy",
    addresses: [new Address({ email: "sandy@tree.com" }), new Address({ email: "sandy@lab.com" })],
  });
  session.add(sandy);
  const lab = sandy.addresses[1]!;
  (sandy.addresses as InstrumentedList<Address>).remove(lab);
  print("lab in session:", session.contains(lab), "| new:", session.new.size);
  session.commit();
}

print("## a pending Address that never had a User is still INSERTed");
{
  using session = new Session(engine);
  session.add(new Address({ email: "nobody@nowhere.com" }));
  try {
    session.flush();
  } catch (err: any) {
    print(`!! ${err.constructor.__module__}.${err.constructor.name}: ${str(err)}`);
  }
}
