/**
 * back_populates and backref on both databases: attribute events (append / remove / set) in
 * SQLAlchemy's order with their initiators, both sides kept in step on append, remove, assignment
 * and replacement, the 2.0 rule that a backref does not cascade a new object into the Session (with
 * its flush warning), and the SQL the flush emits.
 */
import { create_engine, event, ForeignKey, String as StringType, select } from "sqlalchemy";
import { SAWarning } from "sqlalchemy/exc";
import {
  attributes,
  backref,
  DeclarativeBase,
  type InstrumentedList,
  mapped_column,
  relationship,
  Session,
} from "sqlalchemy/orm";
import { warnings } from "sqlalchemy/testing";
import { beforeEach, expect, it } from "vitest";
import { captureOutput, eachDatabase } from "./support.ts";

class Base extends DeclarativeBase {}

class User extends Base {
  static __tablename__ = "user_account";
  @mapped_column({ primary_key: true }) accessor id!: number;
  @mapped_column(StringType(30)) accessor name!: string;
  @relationship(() => Address, { back_populates: "user" }) accessor addresses!: Address[];
}

class Address extends Base {
  static __tablename__ = "address";
  @mapped_column({ primary_key: true }) accessor id!: number;
  @mapped_column(StringType(50)) accessor email!: string;
  @mapped_column(ForeignKey("user_account.id"), { nullable: true }) accessor user_id!: number | null;
  @relationship(() => User, { back_populates: "addresses" }) accessor user!: User | null;
}

/** backref= on one side only: the other side is created. */
class BackrefBase extends DeclarativeBase {}
class Parent extends BackrefBase {
  static __tablename__ = "parent";
  @mapped_column({ primary_key: true }) accessor id!: number;
  @mapped_column(StringType(20)) accessor label!: string;
  @relationship(() => Child, { backref: backref("parent", { lazy: "select" }) }) accessor children!: Child[];
}
class Child extends BackrefBase {
  static __tablename__ = "child";
  @mapped_column({ primary_key: true }) accessor id!: number;
  @mapped_column(StringType(20)) accessor label!: string;
  @mapped_column(ForeignKey("parent.id"), { nullable: true }) accessor parent_id!: number | null;
  declare parent: Parent | null;
}

/** passive_deletes: the database deletes the children (ON DELETE CASCADE). */
class PassiveBase extends DeclarativeBase {}
class Owner extends PassiveBase {
  static __tablename__ = "owner";
  @mapped_column({ primary_key: true }) accessor id!: number;
  @mapped_column(StringType(20)) accessor name!: string;
  @relationship(() => Pet, { back_populates: "owner", cascade: "all, delete-orphan", passive_deletes: true })
  accessor pets!: Pet[];
}
class Pet extends PassiveBase {
  static __tablename__ = "pet";
  @mapped_column({ primary_key: true }) accessor id!: number;
  @mapped_column(StringType(20)) accessor name!: string;
  @mapped_column(ForeignKey("owner.id", { ondelete: "CASCADE" })) accessor owner_id!: number;
  @relationship(() => Owner, { back_populates: "pets" }) accessor owner!: Owner;
}

const User_ = User as unknown as Record<string, any>;
const Address_ = Address as unknown as Record<string, any>;
const Parent_ = Parent as unknown as Record<string, any>;

const events: string[] = [];
const label = (o: unknown) =>
  o === attributes.NO_VALUE
    ? "NO_VALUE"
    : o === null
      ? "None"
      : o instanceof User
        ? o.name
        : (o as Address).email;
const by = (initiator: any) => `${initiator.impl.class_.__name__}.${initiator.impl.key}`;
event.listen(User_.addresses, "append", (target: User, value: Address, initiator: unknown) => {
  events.push(`append ${label(value)} to ${label(target)} by ${by(initiator)}`);
});
event.listen(User_.addresses, "remove", (target: User, value: Address, initiator: unknown) => {
  events.push(`remove ${label(value)} from ${label(target)} by ${by(initiator)}`);
});
event.listen(
  Address_.user,
  "set",
  (target: Address, value: User | null, old: unknown, initiator: unknown) => {
    events.push(`set ${label(target)} -> ${label(value)} old ${label(old)} by ${by(initiator)}`);
  },
);
const list = <T extends object>(l: T[]) => l as InstrumentedList<T>;
const emails = (u: User) => u.addresses.map((a) => a.email);

eachDatabase("back_populates, backref and attribute events", ({ kind, url }) => {
  const out = captureOutput();
  const pg = kind === "postgresql";
  const p = (name: string) => (pg ? `%(${name})s` : "?");
  beforeEach(() => {
    events.length = 0;
  });
  const setup = (base: typeof Base | typeof BackrefBase | typeof PassiveBase = Base) => {
    const engine = create_engine(url, { echo: false });
    base.metadata.create_all(engine);
    engine.echo = true;
    return engine;
  };

  it("append and assignment fire both sides' events, the initiator being the side the code touched", () => {
    const sb = new User({ name: "sb" });
    const a1 = new Address({ email: "a1" });
    const a2 = new Address({ email: "a2" });
    list(sb.addresses).append(a1);
    a2.user = sb;
    expect(events).toEqual([
      "append a1 to sb by User.addresses",
      "set a1 -> sb old NO_VALUE by User.addresses",
      "set a2 -> sb old NO_VALUE by Address.user",
      "append a2 to sb by Address.user",
    ]);
    expect(emails(sb)).toEqual(["a1", "a2"]);
    expect(a1.user).toBe(sb);
  });

  it("moving a child between parents removes it from the old collection; removing clears the reference", () => {
    const sb = new User({ name: "sb" });
    const sandy = new User({ name: "sandy" });
    const a1 = new Address({ email: "a1", user: sb });
    events.length = 0;
    a1.user = sandy;
    expect(events).toEqual([
      "set a1 -> sandy old sb by Address.user",
      "remove a1 from sb by Address.user",
      "append a1 to sandy by Address.user",
    ]);
    expect([emails(sb), emails(sandy)]).toEqual([[], ["a1"]]);
    events.length = 0;
    list(sandy.addresses).remove(a1);
    expect(events).toEqual([
      "remove a1 from sandy by User.addresses",
      "set a1 -> None old sandy by User.addresses",
    ]);
    expect(a1.user).toBe(null);
  });

  it("replacing a collection appends the new members, then removes the others (bulk replace)", () => {
    const sandy = new User({ name: "sandy" });
    const a1 = new Address({ email: "a1" });
    const a2 = new Address({ email: "a2", user: sandy });
    events.length = 0;
    sandy.addresses = [a1];
    expect(events).toEqual([
      "append a1 to sandy by User.addresses",
      "set a1 -> sandy old NO_VALUE by User.addresses",
      "remove a2 from sandy by User.addresses",
      "set a2 -> None old sandy by User.addresses",
      "remove a2 from sandy by Address.user",
    ]);
    expect([emails(sandy), a2.user, a1.user]).toEqual([["a1"], null, sandy]);
  });

  it("a retval listener replaces the appended value; an unknown event name is refused", () => {
    const a = new Address({ email: "given" });
    const replacement = new Address({ email: "replacement" });
    const fn = () => replacement;
    event.listen(User_.addresses, "append", fn, { retval: true, once: true });
    const u = new User({ name: "u" });
    list(u.addresses).append(a);
    expect(emails(u)).toEqual(["replacement"]);
    expect(() => event.listen(User_.addresses, "appended", () => {})).toThrow(
      "No such event 'appended' for target 'User.addresses'",
    );
  });

  it("2.0: an object attached through the backref stays out of the Session; the flush warns and skips it", () => {
    const engine = setup();
    using session = new Session(engine, { expire_on_commit: false });
    const sb = new User({ name: "sb", addresses: [] });
    session.add(sb);
    session.commit();
    const a3 = new Address({ email: "a3" });
    a3.user = sb;
    const a4 = new Address({ email: "a4" });
    list(sb.addresses).append(a4);
    expect([session.contains(a3), session.contains(a4)]).toEqual([false, true]);
    out.clear();
    let caught: { message: unknown; category: Function }[];
    {
      using ctx = warnings.catch_warnings({ record: true });
      warnings.simplefilter("always");
      caught = ctx.log!;
      session.commit();
    }
    expect(caught.map((w) => [w.category, String((w.message as Error).message)])).toEqual([
      [
        SAWarning,
        "Object of type <Address> not in session, add operation along 'User.addresses' will not proceed",
      ],
    ]);
    expect(out.sql()).toEqual([
      "BEGIN (implicit)",
      `INSERT INTO address (email, user_id) VALUES (${p("email")}, ${p("user_id")})${pg ? " RETURNING address.id" : ""}`,
      pg ? "[generated in Xs] {'email': 'a4', 'user_id': 1}" : "[generated in Xs] ('a4', 1)",
      "COMMIT",
    ]);
  });

  it("backref= creates the reverse relationship: both sides in step, the flush writes the foreign key", () => {
    const engine = setup(BackrefBase);
    expect(Parent_.children.property.back_populates).toBe("parent");
    expect((Child as unknown as Record<string, any>).parent.property.back_populates).toBe("children");
    const parent = new Parent({ label: "p" });
    const c1 = new Child({ label: "c1" });
    const c2 = new Child({ label: "c2" });
    list(parent.children).append(c1);
    c2.parent = parent;
    expect(c1.parent).toBe(parent);
    expect(parent.children.map((c) => c.label)).toEqual(["c1", "c2"]);
    using session = new Session(engine);
    session.add(parent);
    session.flush();
    expect(out.sql().filter((l) => l.startsWith("INSERT INTO child"))).toHaveLength(pg ? 1 : 2);
    expect(session.execute(select(Child).where((Child as any).parent_id.eq(parent.id))).all()).toHaveLength(
      2,
    );
    list(parent.children).remove(c1);
    expect(c1.parent).toBe(null);
    out.clear();
    session.flush();
    expect(out.sql()[0]).toBe(
      `UPDATE child SET parent_id=${p("parent_id")} WHERE child.id = ${p("child_id")}`,
    );
  });

  it("passive_deletes: deleting a parent leaves an unloaded collection unloaded; loaded children are deleted", () => {
    const engine = setup(PassiveBase);
    {
      using session = new Session(engine);
      session.add_all([
        new Owner({ name: "sb", pets: [new Pet({ name: "gary" })] }),
        new Owner({ name: "sandy", pets: [new Pet({ name: "squirrel" })] }),
      ]);
      session.commit();
    }
    using session = new Session(engine);
    const sb = session.get(Owner, 1)!;
    out.clear();
    session.delete(sb);
    session.flush();
    expect(out.sql()).toEqual([
      `DELETE FROM owner WHERE owner.id = ${p("id")}`,
      pg ? "[generated in Xs] {'id': 1}" : "[generated in Xs] (1,)",
    ]);
    const sandy = session.get(Owner, 2)!;
    expect(sandy.pets.map((x) => x.name)).toEqual(["squirrel"]);
    out.clear();
    session.delete(sandy);
    session.flush();
    expect(out.sql().filter((l) => l.startsWith("DELETE"))).toEqual([
      `DELETE FROM pet WHERE pet.id = ${p("id")}`,
      `DELETE FROM owner WHERE owner.id = ${p("id")}`,
    ]);
  });
});
