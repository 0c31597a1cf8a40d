/**
 * UPDATE ... FROM another table named in WHERE (both backends), multi-table DELETE (PostgreSQL
 * USING; SQLite refuses), DELETE ... RETURNING.
 *
 * When an UPDATE's WHERE refers to another table, SQLAlchemy adds it as UPDATE ... FROM
 * (PostgreSQL, and SQLite >= 3.33 which uses the same form). The same for DELETE renders
 * DELETE ... USING on PostgreSQL but cannot be compiled for SQLite; the portable form is an
 * IN (subquery).
 */
import {
  Column,
  create_engine,
  delete_,
  ForeignKey,
  Integer,
  insert,
  MetaData,
  String,
  select,
  str,
  Table,
  update,
} from "sqlalchemy";

const BACKEND = process.env.ORACLE_BACKEND ?? "sqlite";
const URL = {
  sqlite: "sqlite:///oracle.db",
  postgresql: "postgresql+psycopg2://oracle:oracle@127.0.0.1:54329/oracle",
}[BACKEND]!;

/** Python's sorted() of rows whose first items are distinct integers. */
const sorted = (rows: Iterable<any>) => [...rows].sort((a, b) => a[0] - b[0]);

const engine = create_engine(URL, { echo: true });
const m = new MetaData();
const product = new Table(
  "product",
  m,
  new Column("id", Integer, { primary_key: true }),
  new Column("name", String(40)),
  new Column("price", Integer),
);
const discount = new Table(
  "discount",
  m,
  new Column("id", Integer, { primary_key: true }),
  new Column("product_id", ForeignKey("product.id")),
  new Column("amount", Integer),
);
m.create_all(engine);
engine.begin((conn) => {
  conn.execute(insert(product), [
    { name: "patty", price: 10 },
    { name: "shake", price: 4 },
    { name: "fries", price: 3 },
  ]);
  conn.execute(insert(discount), [
    { product_id: 1, amount: 2 },
    { product_id: 3, amount: 1 },
  ]);
});

engine.begin((conn) => {
  print("## update() whose WHERE names another table -> UPDATE ... FROM");
  let stmt: any = update(product)
    .where(product.c.id.eq(discount.c.product_id))
    .values({ price: product.c.price.sub(discount.c.amount) });
  print("generic:", stmt);
  print("dialect:", stmt.compile(engine));
  print("rowcount:", conn.execute(stmt).rowcount);
  print(conn.execute(select(product).order_by(product.c.id)).all());

  print("## the same with RETURNING");
  stmt = stmt.values({ price: product.c.price.add(100) }).returning(product.c.id, product.c.price);
  print("sorted:", sorted(conn.execute(stmt).all()));

  print("## delete() whose WHERE names another table");
  const multi = delete_(product).where(product.c.id.eq(discount.c.product_id)).where(discount.c.amount.gt(1));
  print("generic:", multi);
  try {
    print("dialect:", multi.compile(engine));
  } catch (err: any) {
    print(`!! ${err.constructor.__module__}.${err.constructor.name}: ${str(err)}`);
  }

  print("## portable form: IN (subquery), with RETURNING");
  conn.execute(delete_(discount).where(discount.c.amount.gt(1)));
  stmt = delete_(product)
    .where(product.c.id.not_in(select(discount.c.product_id)))
    .where(product.c.price.gt(100))
    .returning(product.c.id, product.c.name);
  print(stmt);
  print("deleted:", sorted(conn.execute(stmt).all()));
  print("left:", conn.execute(select(product.c.name).order_by(product.c.id)).scalars().all());

  print("## delete with where(), returning(table): every column");
  stmt = delete_(product).where(product.c.name.eq("shake")).returning(product);
  print(stmt);
  const result = conn.execute(stmt);
  print("keys:", [...result.keys()], "| rows:", result.all());
});
