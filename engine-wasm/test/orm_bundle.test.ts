/**
 * Bundle: columns selected as one entity of each row (orm/util.py Bundle), on both databases;
 * expected SQL and rows from SQLAlchemy 2.0.52.
 */
import { create_engine, ForeignKey, repr, String as StringType, select } from "sqlalchemy";
import { Bundle, DeclarativeBase, mapped_column, Session } from "sqlalchemy/orm";
import { expect, it } from "vitest";
import { captureOutput, eachDatabase } from "./support.ts";

class Base extends DeclarativeBase {}

class User extends Base {
  static __tablename__ = "user_account";
  @mapped_column({ primary_key: true }) accessor id!: number;
  @mapped_column(StringType(30)) accessor name!: string;
  @mapped_column(StringType(30)) accessor fullname!: string;
  __repr__(): string {
    return `User(name=${repr(this.name)})`;
  }
}

class Address extends Base {
  static __tablename__ = "address";
  @mapped_column({ primary_key: true }) accessor id!: number;
  @mapped_column(ForeignKey("user_account.id")) accessor user_id!: number;
  @mapped_column() accessor email!: string;
}

/** A bundle whose value is a dictionary (the create_row_processor() override SQLAlchemy documents). */
class DictBundle extends Bundle {
  override create_row_processor(
    _query: unknown,
    procs: readonly ((row: unknown[]) => unknown)[],
    labels: readonly string[],
  ) {
    return (row: unknown[]) => Object.fromEntries(labels.map((l, i) => [l, procs[i]!(row)]));
  }
}

const U = User as unknown as Record<string, any>;
const A = Address as unknown as Record<string, any>;

eachDatabase("Bundle", ({ kind, url }) => {
  const out = captureOutput();
  const pg = kind === "postgresql";
  const setup = () => {
    const engine = create_engine(url);
    Base.metadata.create_all(engine);
    {
      using session = new Session(engine);
      session.add_all([new User({ name: "a", fullname: "A" }), new User({ name: "b", fullname: "B" })]);
      session.flush();
      session.add_all([new Address({ user_id: 1, email: "a@x" }), new Address({ user_id: 2, email: "b@x" })]);
      session.commit();
    }
    engine.echo = true;
    return engine;
  };

  it("two bundles: their columns in the SELECT, each row a row of bundles; bundle.c in WHERE and ORDER BY", () => {
    using session = new Session(setup());
    const b = new Bundle("user", U.name, U.fullname);
    const stmt = select(b, new Bundle("email", A.email))
      .join_from(User, Address)
      .where(b.c.name.ne("zz"))
      .order_by(b.c.name);
    const result = session.execute(stmt);
    expect(repr(result.keys())).toBe("RMKeyView(['user', 'email'])");
    const rows = result.all() as any[];
    expect(out.sql()).toEqual([
      "BEGIN (implicit)",
      `SELECT user_account.name, user_account.fullname, address.email \nFROM user_account JOIN address ON user_account.id = address.user_id \nWHERE user_account.name != ${pg ? "%(name_1)s" : "?"} ORDER BY user_account.name`,
      pg ? "[generated in Xs] {'name_1': 'zz'}" : "[generated in Xs] ('zz',)",
    ]);
    expect(repr(rows)).toBe("[(('a', 'A'), ('a@x',)), (('b', 'B'), ('b@x',))]");
    expect(rows[0].user.fullname).toBe("A");
    expect(repr(rows[0]._fields)).toBe("('user', 'email')");
    expect(repr(rows[0].user._fields)).toBe("('name', 'fullname')");
  });

  it("a bundle beside an entity, a nested bundle, a subclass's create_row_processor()", () => {
    using session = new Session(setup());
    const withUser = session
      .execute(
        select(User, new Bundle("addr", A.id, A.email))
          .join(Address)
          .order_by(U.id),
      )
      .all();
    expect(repr(withUser)).toBe("[(User(name='a'), (1, 'a@x')), (User(name='b'), (2, 'b@x'))]");
    expect(out.sql()[1]).toBe(
      "SELECT user_account.id, user_account.name, user_account.fullname, address.id AS id_1, address.email \nFROM user_account JOIN address ON user_account.id = address.user_id ORDER BY user_account.id",
    );
    const nested = session
      .execute(select(new Bundle("outer", U.id, new Bundle("inner", U.name, U.fullname))).order_by(U.id))
      .all();
    expect(repr(nested)).toBe("[((1, ('a', 'A')),), ((2, ('b', 'B')),)]");
    out.clear();
    const dicts = () => select(new DictBundle("d", U.id, U.name)).order_by(U.id);
    expect(repr(session.execute(dicts()).all())).toBe(
      "[({'id': 1, 'name': 'a'},), ({'id': 2, 'name': 'b'},)]",
    );
    expect(repr(session.scalars(dicts()).all())).toBe("[{'id': 1, 'name': 'a'}, {'id': 2, 'name': 'b'}]");
    expect(out.sql().filter((l) => l.startsWith("["))).toEqual([
      pg ? "[generated in Xs] {}" : "[generated in Xs] ()",
      pg ? "[cached since Xs ago] {}" : "[cached since Xs ago] ()",
    ]);
  });
});

it("column_descriptions of a bundle", () => {
  const b = new Bundle("b", U.id, U.name);
  const [d] = select(b).column_descriptions;
  expect(d).toEqual({ name: "b", type: Bundle, aliased: false, expr: b, entity: User });
});
