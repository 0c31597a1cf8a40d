/**
 * Declarative mapping: the Table a mapped class produces, the class attributes (User.name), the
 * default constructor, default reprs, inspect() and the mapping errors SQLAlchemy raises.
 */
import {
  ForeignKey,
  Integer,
  inspect,
  repr,
  String as StringType,
  select,
  str,
  UniqueConstraint,
} from "sqlalchemy";
import { ArgumentError, NoForeignKeysError } from "sqlalchemy/exc";
import { DeclarativeBase, Mapper, mapped_column, relationship, Session } from "sqlalchemy/orm";
import { describe, expect, it } from "vitest";

class Base extends DeclarativeBase {}

class User extends Base {
  static __tablename__ = "user_account";
  @mapped_column({ primary_key: true }) accessor id!: number;
  @mapped_column(StringType(30)) accessor name!: string;
  @mapped_column(StringType, { nullable: true }) accessor fullname!: string | null;
  @relationship(() => Address, { back_populates: "user" }) accessor addresses!: Address[];
  static __table_args__ = [new UniqueConstraint("name")];

  __repr__(): string {
    return `User(id=${repr(this.id)}, name=${repr(this.name)})`;
  }
}

class Address extends Base {
  static __tablename__ = "address";
  @mapped_column({ primary_key: true }) accessor id!: number;
  @mapped_column(StringType) accessor email!: string;
  @mapped_column(ForeignKey("user_account.id")) accessor user_id!: number;
  @relationship(() => User, { back_populates: "addresses" }) accessor user!: User;
}

class Plain extends Base {
  static __tablename__ = "plain";
  @mapped_column({ primary_key: true }) accessor id!: number;
  @mapped_column("label", Integer, { nullable: true }) accessor value!: number | null;
}

/** Class-level mapped attributes (`User.id`) are not in the classes' static types. */
const User_ = User as unknown as Record<string, any>;
const Plain_ = Plain as unknown as Record<string, any>;

describe("declarative mapping", () => {
  it("produces the Table SQLAlchemy produces (transcript 21)", () => {
    expect(repr(User.__table__)).toBe(
      "Table('user_account', MetaData(), Column('id', Integer(), table=<user_account>, primary_key=True, nullable=False), Column('name', String(length=30), table=<user_account>, nullable=False), Column('fullname', String(), table=<user_account>), schema=None)",
    );
    expect(Address.__table__!.c.keys()).toEqual(["id", "email", "user_id"]);
    expect([...Base.metadata.tables.keys()]).toEqual(["user_account", "address", "plain"]);
    // a ForeignKey column without a type takes the referenced column's type
    expect(repr(Address.__table__!.c.get("user_id")!.type)).toBe("Integer()");
    // __table_args__ assigned after __tablename__ still reaches the table
    expect([...User.__table__!.constraints].some((c) => c instanceof UniqueConstraint)).toBe(true);
  });

  it("maps an attribute to a column of another name", () => {
    expect(Plain.__table__!.c.get("value")!.name).toBe("label");
    expect(str(select(Plain_.value))).toBe("SELECT plain.label \nFROM plain");
  });

  it("makes class attributes usable in SQL expressions", () => {
    expect(str(User_.name)).toBe("User.name");
    expect(str(User_.name.eq("x"))).toBe("user_account.name = :name_1");
    expect(str(select(User).where(User_.id.gt(2)).order_by(User_.name.desc()))).toBe(
      "SELECT user_account.id, user_account.name, user_account.fullname \nFROM user_account \nWHERE user_account.id > :id_1 ORDER BY user_account.name DESC",
    );
  });

  it("constructs objects from keyword arguments and rejects unknown ones", () => {
    const u = new User({ name: "a" });
    expect(repr(u)).toBe("User(id=None, name='a')");
    expect(() => new User({ name: "a", nope: 1 } as never)).toThrow(TypeError);
    expect(() => new User({ nope: 1 } as never)).toThrow("'nope' is an invalid keyword argument for User");
  });

  it("prints Python's default repr when the class has no __repr__", () => {
    expect(repr(new Plain())).toMatch(/^<__main__\.Plain object at 0x[0-9a-f]+>$/);
  });

  it("inspect() gives the InstanceState of an object and the Mapper of a class", () => {
    const u = new User({ name: "x" });
    const insp = inspect(u);
    expect(insp.constructor.name).toBe("InstanceState");
    expect(insp.transient).toBe(true);
    expect(insp.attrs.keys()).toEqual(["id", "name", "fullname", "addresses"]);
    expect(inspect(User)).toBeInstanceOf(Mapper);
    expect(str(inspect(User))).toBe("Mapper[User(user_account)]");
  });

  it("keeps back_populates in step in memory, without a session", () => {
    const u = new User({ name: "u" });
    const a = new Address({ email: "a@x" });
    u.addresses.push(a);
    expect(a.user).toBe(u);
    const b = new Address({ email: "b@x", user: u });
    expect(u.addresses).toEqual([a, b]);
    b.user = null as never;
    expect(u.addresses).toEqual([a]);
    expect(inspect(u).attrs.addresses.history.added).toEqual([a]);
  });
});

describe("mapping errors", () => {
  it("a mapped class without a primary key", () => {
    expect(() => {
      class NoPk extends Base {
        static __tablename__ = "users";
        @mapped_column(StringType) accessor name!: string;
      }
      return NoPk;
    }).toThrow(
      new ArgumentError(
        "Mapper Mapper[NoPk(users)] could not assemble any primary key columns for mapped table 'users'",
      ),
    );
  });

  it("a column whose annotation has no SQL type", () => {
    expect(() => {
      class NoType extends Base {
        static __tablename__ = "no_type";
        @mapped_column({ primary_key: true }) accessor id!: number;
        @mapped_column() accessor tags!: string[];
      }
      return NoType;
    }).toThrow(
      new ArgumentError(
        "Could not locate SQLAlchemy Core type when resolving for the type indicated by 'string[]' inside the annotation for the 'tags' attribute of NoType; give one, e.g. @mapped_column(String) accessor tags!: string;",
      ),
    );
    expect(Base.metadata.tables.has("no_type")).toBe(false);
  });

  it("a relationship between tables with no foreign key", () => {
    class Base2 extends DeclarativeBase {}
    class A extends Base2 {
      static __tablename__ = "a";
      @mapped_column({ primary_key: true }) accessor id!: number;
      @relationship(() => B) accessor bs!: B[];
    }
    class B extends Base2 {
      static __tablename__ = "b";
      @mapped_column({ primary_key: true }) accessor id!: number;
    }
    expect(() => new A()).toThrow(NoForeignKeysError);
    expect(() => new A()).toThrow(
      "Could not determine join condition between parent/child tables on relationship A.bs - there are no foreign keys linking these tables.",
    );
    // the error must not poison later configuration of unrelated mappers
    expect(() => new Session()).not.toThrow();
    void B;
  });

  it("a decorator used on something that is not an accessor", () => {
    expect(() => {
      class Wrong extends Base {
        static __tablename__ = "wrong";
        // @ts-expect-error a method is not an accessor field
        @mapped_column({ primary_key: true }) id() {}
      }
      return Wrong;
    }).toThrow(/decorates an instance 'accessor' field/);
  });
});
