/**
 * insert().from_select(), insert().returning(), UPDATE SET from expressions (parentheses, ||, a
 * literal on the left), update().returning().
 *
 * SET expressions are parenthesised as a whole and inner groupings keep their parentheses; the SET
 * clause lists columns in table order, not in the order given to values(). RETURNING rows are
 * sorted before printing.
 */
import {
  Column,
  create_engine,
  Integer,
  insert,
  literal,
  MetaData,
  String,
  select,
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
  new Column("name", String(40), { nullable: false }),
  new Column("price", Integer, { nullable: false }),
  new Column("stock", Integer, { nullable: false }),
);
const archive = new Table(
  "archive",
  m,
  new Column("id", Integer, { primary_key: true }),
  new Column("name", String(40)),
  new Column("price", Integer),
);
m.create_all(engine);

engine.begin((conn) => {
  print("## insert().returning(): one row");
  let stmt: any = insert(product)
    .values({ name: "kelp shake", price: 3, stock: 10 })
    .returning(product.c.id, product.c.name);
  print(stmt);
  print(conn.execute(stmt).one());

  print("## insert().values([...]).returning(): several rows");
  stmt = insert(product)
    .values([
      { name: "krabby patty", price: 5, stock: 4 },
      { name: "coral bits", price: 2, stock: 0 },
    ])
    .returning(product.c.id, product.c.price);
  print(sorted(conn.execute(stmt).all()));

  print("## insert().from_select()");
  stmt = insert(archive).from_select(
    ["name", "price"],
    select(product.c.name, product.c.price).where(product.c.price.gt(2)),
  );
  print(stmt);
  print("rowcount:", conn.execute(stmt).rowcount);
  print(conn.execute(select(archive).order_by(archive.c.id)).all());

  print("## update with expressions: values() order vs SET order, parentheses");
  stmt = update(product)
    .where(product.c.stock.gt(0))
    .values({
      price: product.c.price.add(1).mul(2),
      stock: product.c.stock.sub(product.c.price.sub(1)),
      name: product.c.name.radd("sale: "),
    });
  print(stmt);
  print("rowcount:", conn.execute(stmt).rowcount);

  print("## no parentheses needed; unary minus; literal() on the left and a string on the right");
  stmt = update(product)
    .where(product.c.id.eq(3))
    .values({
      price: product.c.price.mul(2).add(1),
      stock: product.c.stock.neg(),
      name: literal("[").add(product.c.name).add("]"),
    });
  print(stmt);
  conn.execute(stmt);

  print("## update().returning()");
  stmt = update(product)
    .where(product.c.name.like("sale:%"))
    .values({ stock: product.c.stock.add(100) })
    .returning(product.c.id, product.c.stock);
  print("sorted:", sorted(conn.execute(stmt).all()));
  print(conn.execute(select(product).order_by(product.c.id)).all());
});
