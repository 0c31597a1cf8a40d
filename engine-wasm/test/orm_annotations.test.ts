/**
 * Mapped[...] annotations on both databases: the cell compiler keeps each accessor's TypeScript type
 * (`static __annotations__`) and calls `__init_subclass__` at the end of the class body, so a mapped
 * class takes its column types and NULL / NOT NULL from its annotations as SQLAlchemy's
 * type_annotation_map does, and the declarative errors are raised at class creation (transcript 71).
 */
import {
  BigInteger,
  CreateTable,
  create_engine,
  type Decimal,
  type date,
  type datetime,
  repr,
  String as StringType,
  str,
} from "sqlalchemy";
import { ArgumentError, InvalidRequestError } from "sqlalchemy/exc";
import { type bytes, DeclarativeBase, type float, type Mapped, mapped_column } from "sqlalchemy/orm";
import { describe, expect, it } from "vitest";
import { eachDatabase } from "./support.ts";

class Base extends DeclarativeBase {}

class Item extends Base {
  static __tablename__ = "item";
  @mapped_column({ primary_key: true }) accessor id!: number;
  @mapped_column() accessor name!: string;
  @mapped_column() accessor vendor!: string | null;
  @mapped_column() accessor vendor2!: Mapped<undefined | string>;
  @mapped_column(StringType(20)) accessor sku!: string | null;
  @mapped_column({ nullable: true }) accessor qty!: number;
  @mapped_column({ nullable: false }) accessor note!: string | null;
  @mapped_column(BigInteger) accessor big!: number;
  @mapped_column() accessor price!: Decimal;
  @mapped_column() accessor ratio!: float | null;
  @mapped_column() accessor in_stock!: boolean;
  @mapped_column() accessor added!: date;
  @mapped_column() accessor updated!: datetime | null;
  @mapped_column() accessor image!: bytes | null;
}

const columns = () =>
  [...(Item as any).__table__.columns].map(
    (c: any) => `${c.name}: ${repr(c.type)} ${c.nullable ? "NULL" : "NOT NULL"}`,
  );

describe("Mapped annotations", () => {
  it("pick the column type and nullability as type_annotation_map does; mapped_column() overrides", () => {
    expect(columns()).toEqual([
      "id: Integer() NOT NULL",
      "name: String() NOT NULL",
      "vendor: String() NULL",
      "vendor2: String() NULL",
      "sku: String(length=20) NULL",
      "qty: Integer() NULL",
      "note: String() NOT NULL",
      "big: BigInteger() NOT NULL",
      "price: Numeric() NOT NULL",
      "ratio: Float() NULL",
      "in_stock: Boolean() NOT NULL",
      "added: Date() NOT NULL",
      "updated: DateTime() NULL",
      "image: LargeBinary() NULL",
    ]);
  });

  it("raise at class creation: no __tablename__, no primary key", () => {
    expect(
      () =>
        class NoTable extends Base {
          @mapped_column({ primary_key: true }) accessor id!: number;
        },
    ).toThrow(
      new InvalidRequestError(
        "Class <class '__main__.NoTable'> does not have a __table__ or __tablename__ specified and does not inherit from an existing table-mapped class.",
      ),
    );
    expect(
      () =>
        class NoPrimaryKey extends Base {
          static __tablename__ = "no_pk";
          @mapped_column() accessor name!: string;
        },
    ).toThrow(
      new ArgumentError(
        "Mapper Mapper[NoPrimaryKey(no_pk)] could not assemble any primary key columns for mapped table 'no_pk'",
      ),
    );
  });

  it("leave an __abstract__ class unmapped and give its columns to the classes that extend it", () => {
    class Common extends Base {
      static __abstract__ = true;
      @mapped_column() accessor created!: datetime | null;
    }
    class Thing extends Common {
      static __tablename__ = "thing";
      @mapped_column({ primary_key: true }) accessor id!: number;
    }
    expect(Object.hasOwn(Common, "__mapper__")).toBe(false);
    expect([...(Thing as any).__table__.columns].map((c: any) => `${c.name} ${c.nullable}`)).toEqual([
      "created true",
      "id false",
    ]);
  });
});

eachDatabase("Mapped annotations DDL", ({ kind, url }) => {
  it("CREATE TABLE with the types and NOT NULLs the annotations give", () => {
    const engine = create_engine(url);
    const ddl = str(new CreateTable((Item as any).__table__).compile({ dialect: engine.dialect }));
    const pg = kind === "postgresql";
    expect(ddl.split("\n")).toEqual([
      "",
      "CREATE TABLE item (",
      `\tid ${pg ? "SERIAL" : "INTEGER"} NOT NULL, `,
      "\tname VARCHAR NOT NULL, ",
      "\tvendor VARCHAR, ",
      "\tvendor2 VARCHAR, ",
      "\tsku VARCHAR(20), ",
      "\tqty INTEGER, ",
      "\tnote VARCHAR NOT NULL, ",
      "\tbig BIGINT NOT NULL, ",
      "\tprice NUMERIC NOT NULL, ",
      "\tratio FLOAT, ",
      "\tin_stock BOOLEAN NOT NULL, ",
      "\tadded DATE NOT NULL, ",
      `\tupdated ${pg ? "TIMESTAMP WITHOUT TIME ZONE" : "DATETIME"}, `,
      `\timage ${pg ? "BYTEA" : "BLOB"}, `,
      "\tPRIMARY KEY (id)",
      ")",
      "",
      "",
    ]);
    // and the database takes it
    Base.metadata.create_all(engine);
    using conn = engine.connect();
    expect((engine.dialect as any).has_table(conn, "item")).toBe(true);
  });
});
