/**
 * Declarative mapping: how Mapped[...] annotations become column types and NULL/NOT NULL,
 * mapped_column() overrides, __table_args__, the missing-__tablename__ error, and the reprs of mapped
 * classes and their parts.
 *
 * Optional[...] makes a column nullable, anything else NOT NULL, unless mapped_column(nullable=...)
 * says otherwise; a type given to mapped_column() wins over the annotation. Memory addresses in reprs
 * are normalised.
 *
 * `name: Mapped[str]` with no mapped_column() is `@mapped_column() accessor name!: string;`,
 * `Optional[T]` is `T | null`; `float` and `bytes` are sqlalchemy/orm's names for Python's types.
 */
import {
  BigInteger,
  CheckConstraint,
  create_engine,
  type Decimal,
  type date,
  type datetime,
  Index,
  inspect,
  repr,
  String,
  str,
  UniqueConstraint,
} from "sqlalchemy";
import { type bytes, DeclarativeBase, type float, mapped_column } from "sqlalchemy/orm";

const BACKEND = process.env.ORACLE_BACKEND ?? "sqlite";
const URL = {
  sqlite: "sqlite:///oracle.db",
  postgresql: "postgresql+psycopg2://oracle:oracle@127.0.0.1:54329/oracle",
}[BACKEND]!;

class Base extends DeclarativeBase {}

class Product extends Base {
  static __tablename__ = "product";
  static __table_args__ = [
    new UniqueConstraint("sku", "vendor", { name: "uq_product_sku_vendor" }),
    new Index("ix_product_name", "name"),
    new CheckConstraint("qty >= 0", { name: "ck_product_qty" }),
  ];
  @mapped_column({ primary_key: true }) accessor id!: number;
  @mapped_column() accessor name!: string;
  @mapped_column(String(20)) accessor sku!: string;
  @mapped_column() accessor vendor!: string | null;
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

/** Class-level mapped attributes (`Product.name`) are not in the class's static type. */
const Product_ = Product as any;

print("## columns made from the annotations");
for (const col of Product_.__table__.columns) {
  print(`${col.name}: ${repr(col.type)}, nullable=${str(col.nullable)}, primary_key=${str(col.primary_key)}`);
}
print(
  "constraints:",
  [...Product_.__table__.constraints]
    .filter((c: any) => c.name)
    .map((c: any) => c.name)
    .sort(),
);
print("indexes:", [...Product_.__table__.indexes].map((i: any) => i.name).sort());

const engine = create_engine(URL, { echo: true });
Base.metadata.create_all(engine);

/** Python's `try: class X(Base): ... except Exception as err:` — the class statement itself raises. */
function attempt(declare: () => unknown): void {
  try {
    declare();
  } catch (err: any) {
    print(`!! ${err.constructor.__module__}.${err.constructor.name}: ${str(err)}`);
  }
}

print("## a mapped class without __tablename__");
attempt(
  () =>
    class NoTable extends Base {
      @mapped_column({ primary_key: true }) accessor id!: number;
    },
);

print("## a table without a primary key");
attempt(
  () =>
    class NoPrimaryKey extends Base {
      static __tablename__ = "no_pk";
      @mapped_column() accessor name!: string;
    },
);

print("## reprs");
const p = new Product({ name: "kelp", sku: "K-1" });
print("instance without __repr__:", repr(p));
print(
  "the class:",
  Product,
  "| its mapper:",
  inspect(Product),
  "| __mapper__ is inspect():",
  Product_.__mapper__ === inspect(Product),
);
print("class attribute: str ->", str(Product_.name), "| type ->", Product_.name.constructor.name);
print("table:", repr(Product_.__table__.c.sku), "|", Product_.__table__.c.sku);
print("unset attributes read as None:", p.id, p.vendor, "| set:", p.name);
