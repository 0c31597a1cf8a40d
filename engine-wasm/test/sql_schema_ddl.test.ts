/**
 * Types (repr, DDL names per dialect, SQLite value conversions), schema objects (repr, sorted_tables)
 * and the DDL compiler. Expected text is SQLAlchemy 2.0.52's (transcripts 18, 19, 43 where they show it).
 */
import {
  BigInteger,
  Boolean as BooleanType,
  CheckConstraint,
  Column,
  CreateIndex,
  CreateTable,
  create_engine,
  DateTime,
  Date as DateType,
  Double,
  DropTable,
  date,
  datetime,
  Float,
  ForeignKey,
  Index,
  Integer,
  JSON as JSONType,
  LargeBinary,
  MetaData,
  Numeric,
  repr,
  String as StringType,
  select,
  str,
  Table,
  Text,
  tuple,
  UniqueConstraint,
  Uuid,
} from "sqlalchemy";
import { CircularDependencyError } from "sqlalchemy/exc";
import { describe, expect, it } from "vitest";

const sqlite = create_engine("sqlite://").dialect;
const pg = create_engine("postgresql+psycopg2://scott:tiger@localhost/test").dialect;

function userAddress() {
  const md = new MetaData();
  const address = new Table(
    "address",
    md,
    new Column("id", Integer, { primary_key: true }),
    new Column("user_id", ForeignKey("user_account.id"), { nullable: false }),
    new Column("email_address", StringType, { nullable: false }),
  );
  const user_account = new Table(
    "user_account",
    md,
    new Column("id", Integer, { primary_key: true }),
    new Column("name", StringType(30)),
    new Column("fullname", StringType),
  );
  return { md, user_account, address };
}

describe("types", () => {
  it("print as SQLAlchemy's repr", () => {
    expect(repr(StringType(30))).toBe("String(length=30)");
    expect(repr(Integer())).toBe("Integer()");
    expect(repr(StringType())).toBe("String()");
    expect(repr(Numeric(10, 2))).toBe("Numeric(precision=10, scale=2)");
    expect(repr(DateTime(true))).toBe("DateTime(timezone=True)");
    // str() compiles the type for the default dialect, as TypeEngine.__str__ does.
    expect(str(StringType(30))).toBe("VARCHAR(30)");
    expect(str(Integer())).toBe("INTEGER");
    expect(str(Numeric(10, 2))).toBe("NUMERIC(10, 2)");
  });

  const names: [unknown, string, string][] = [
    [Integer(), "INTEGER", "INTEGER"],
    [BigInteger(), "BIGINT", "BIGINT"],
    [StringType(30), "VARCHAR(30)", "VARCHAR(30)"],
    [StringType(), "VARCHAR", "VARCHAR"],
    [Text(), "TEXT", "TEXT"],
    [BooleanType(), "BOOLEAN", "BOOLEAN"],
    [Float(), "FLOAT", "FLOAT"],
    [Double(), "DOUBLE", "DOUBLE PRECISION"],
    [Numeric(10, 2), "NUMERIC(10, 2)", "NUMERIC(10, 2)"],
    [DateType(), "DATE", "DATE"],
    [DateTime(), "DATETIME", "TIMESTAMP WITHOUT TIME ZONE"],
    [LargeBinary(), "BLOB", "BYTEA"],
    [JSONType(), "JSON", "JSON"],
    [Uuid(), "CHAR(32)", "UUID"],
  ];
  for (const [type, onSqlite, onPg] of names) {
    it(`${repr(type)} is ${onSqlite} on SQLite, ${onPg} on PostgreSQL`, () => {
      expect((type as { compile(d: unknown): string }).compile(sqlite)).toBe(onSqlite);
      expect((type as { compile(d: unknown): string }).compile(pg)).toBe(onPg);
    });
  }

  it("SQLite stores dates as ISO strings and reads them back as date / datetime", () => {
    const d = DateType();
    expect(d.bind_processor(sqlite)!(new date(2024, 1, 31))).toBe("2024-01-31");
    expect(d.result_processor(sqlite)!("2024-01-31")).toEqual(new date(2024, 1, 31));
    const dt = DateTime();
    expect(dt.bind_processor(sqlite)!(new datetime(2024, 1, 31, 12, 30, 5))).toBe(
      "2024-01-31 12:30:05.000000",
    );
    expect(dt.result_processor(sqlite)!("2024-01-31 12:30:05.000000")).toEqual(
      new datetime(2024, 1, 31, 12, 30, 5),
    );
    expect(dt.bind_processor(pg)).toBeNull();
  });

  it("SQLite: Numeric returns Decimal at its scale, Float a number, Boolean true/false", () => {
    expect(repr(Numeric(10, 2).result_processor(sqlite)!(3.5))).toBe("Decimal('3.50')");
    expect(Float().result_processor(sqlite)!(1.5)).toBe(1.5);
    expect(BooleanType().result_processor(sqlite)!(1)).toBe(true);
    expect(BooleanType().result_processor(sqlite)!(0)).toBe(false);
    expect(BooleanType().bind_processor(sqlite)!(true)).toBe(1);
  });
});

describe("schema objects", () => {
  it("index table.c as Python does: by key, by position, and by a tuple of keys", () => {
    const { user_account } = userAddress();
    expect(user_account.c.getitem("name")).toBe(user_account.c.name);
    expect(user_account.c.getitem(-1)).toBe(user_account.c.fullname);
    const sub = user_account.c.getitem(tuple(["name", "fullname"]));
    expect(sub.keys()).toEqual(["name", "fullname"]);
    expect(str(select(sub))).toBe("SELECT user_account.name, user_account.fullname \nFROM user_account");
    expect(() => user_account.c.getitem("nope")).toThrow(expect.objectContaining({ name: "KeyError" }));
    expect(() => user_account.c.getitem(7)).toThrow(expect.objectContaining({ name: "IndexError" }));
  });

  it("Table and Column print as SQLAlchemy (18_core_metadata_create_all)", () => {
    const { user_account, address } = userAddress();
    expect(repr(user_account)).toBe(
      "Table('user_account', MetaData(), Column('id', Integer(), table=<user_account>, primary_key=True, nullable=False), Column('name', String(length=30), table=<user_account>), Column('fullname', String(), table=<user_account>), schema=None)",
    );
    expect(String(user_account.c.name)).toBe("user_account.name");
    expect(repr(user_account.c["name"])).toBe("Column('name', String(length=30), table=<user_account>)");
    expect(user_account.c.keys()).toEqual(["id", "name", "fullname"]);
    expect(repr(user_account.primary_key)).toBe(
      "PrimaryKeyConstraint(Column('id', Integer(), table=<user_account>, primary_key=True, nullable=False))",
    );
    expect(repr(address.c.user_id.type)).toBe("Integer()");
  });

  it("sorted_tables puts referenced tables first; a cycle raises CircularDependencyError", () => {
    const { md } = userAddress();
    expect(md.sorted_tables.map((t) => t.name)).toEqual(["user_account", "address"]);
    expect([...md.tables.keys()]).toEqual(["address", "user_account"]);
    const md2 = new MetaData();
    new Table(
      "a",
      md2,
      new Column("id", Integer, { primary_key: true }),
      new Column("b_id", ForeignKey("b.id")),
    );
    new Table(
      "b",
      md2,
      new Column("id", Integer, { primary_key: true }),
      new Column("a_id", ForeignKey("a.id")),
    );
    expect(() => md2.sorted_tables).toThrow(CircularDependencyError);
  });

  it("a second Table of the same name in one MetaData is an error", () => {
    const { md } = userAddress();
    expect(() => new Table("address", md, new Column("id", Integer))).toThrow(
      "Table 'address' is already defined for this MetaData instance.",
    );
  });
});

describe("DDL", () => {
  it("CREATE TABLE on SQLite (19_core_insert_select)", () => {
    const { address } = userAddress();
    expect(new CreateTable(address).compile(sqlite).toString()).toBe(
      "\nCREATE TABLE address (\n\tid INTEGER NOT NULL, \n\tuser_id INTEGER NOT NULL, \n\temail_address VARCHAR NOT NULL, \n\tPRIMARY KEY (id), \n\tFOREIGN KEY(user_id) REFERENCES user_account (id)\n)\n\n",
    );
  });

  it("CREATE TABLE on PostgreSQL uses SERIAL for the integer primary key (18, 43)", () => {
    const { address, user_account } = userAddress();
    expect(new CreateTable(address).compile(pg).toString()).toBe(
      "\nCREATE TABLE address (\n\tid SERIAL NOT NULL, \n\tuser_id INTEGER NOT NULL, \n\temail_address VARCHAR NOT NULL, \n\tPRIMARY KEY (id), \n\tFOREIGN KEY(user_id) REFERENCES user_account (id)\n)\n\n",
    );
    expect(new CreateTable(user_account).compile(pg).toString()).toBe(
      "\nCREATE TABLE user_account (\n\tid SERIAL NOT NULL, \n\tname VARCHAR(30), \n\tfullname VARCHAR, \n\tPRIMARY KEY (id)\n)\n\n",
    );
    expect(new DropTable(address).compile(pg).toString()).toBe("\nDROP TABLE address");
  });

  it("constraints given to Table() come before those its columns create (SQLAlchemy's creation order)", () => {
    const md = new MetaData();
    const t = new Table(
      "item",
      md,
      new Column("id", BigInteger, { primary_key: true }),
      new Column("sku", StringType(20), { unique: true, nullable: false }),
      new Column("qty", Integer, { server_default: "0" }),
      new CheckConstraint("qty >= 0", { name: "qty_positive" }),
      new UniqueConstraint("sku", "qty"),
      new Index("ix_item_qty", "qty"),
    );
    expect(new CreateTable(t).compile(pg).toString()).toBe(
      "\nCREATE TABLE item (\n\tid BIGSERIAL NOT NULL, \n\tsku VARCHAR(20) NOT NULL, \n\tqty INTEGER DEFAULT '0', \n\tPRIMARY KEY (id), \n\tCONSTRAINT qty_positive CHECK (qty >= 0), \n\tUNIQUE (sku, qty), \n\tUNIQUE (sku)\n)\n\n",
    );
    const [ix] = [...t.indexes];
    expect(new CreateIndex(ix!).compile(sqlite).toString()).toBe("CREATE INDEX ix_item_qty ON item (qty)");
  });
});
