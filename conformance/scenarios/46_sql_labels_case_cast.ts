/**
 * Labels, ordering and grouping by a label's name, case(), cast(), literal_column() and text() as
 * columns.
 */
import {
  Column,
  case_,
  cast,
  create_engine,
  desc,
  func,
  Integer,
  insert,
  literal_column,
  MetaData,
  String,
  select,
  str,
  Table,
  text,
} from "sqlalchemy";

const BACKEND = process.env.ORACLE_BACKEND ?? "sqlite";
const URL = {
  sqlite: "sqlite:///oracle.db",
  postgresql: "postgresql+psycopg2://oracle:oracle@127.0.0.1:54329/oracle",
}[BACKEND]!;

const engine = create_engine(URL, { echo: true });
const metadata_obj = new MetaData();
const sales = new Table(
  "sales",
  metadata_obj,
  new Column("id", Integer, { primary_key: true }),
  new Column("region", String(10), { nullable: false }),
  new Column("amount", Integer, { nullable: false }),
);
metadata_obj.create_all(engine);
engine.begin((conn) => {
  conn.execute(
    insert(sales),
    (
      [
        ["north", 120],
        ["south", 40],
        ["north", 60],
        ["east", 75],
        ["south", 20],
      ] as const
    ).map(([r, a]) => ({ region: r, amount: a })),
  );
});

function run(conn: any, stmt: any) {
  print(stmt);
  const result = conn.execute(stmt);
  print("keys:", [...result.keys()]);
  for (const row of result) print(row);
}

{
  using conn = engine.connect();
  const total = func.sum(sales.c.amount).label("total");
  print("## group_by(column), order_by('total') by label name; having() repeats the expression");
  run(conn, select(sales.c.region, total).group_by(sales.c.region).having(total.gt(50)).order_by("total"));

  print("## group_by('region') and desc('total') by name");
  run(conn, select(sales.c.region, total).group_by("region").order_by(desc("total"), "region"));

  print("## a label name that is not in the columns clause");
  try {
    select(sales.c.region).order_by("nope").compile();
  } catch (err: any) {
    print(`!! ${err.constructor.__module__}.${err.constructor.name}: ${str(err)}`);
  }

  print("## case() with conditions, and case() with value= and a dict");
  const size = case_([sales.c.amount.gt(100), "big"], [sales.c.amount.gt(50), "medium"], {
    else_: "small",
  }).label("size");
  const short = case_({ north: "N", south: "S" }, { value: sales.c.region, else_: "?" }).label("short");
  run(conn, select(sales.c.id, size, short).order_by(sales.c.id));

  print("## cast()");
  run(
    conn,
    select(cast(sales.c.amount, String).label("amount_str"), cast("7", Integer).label("seven")).where(
      sales.c.id.eq(1),
    ),
  );
  const row = conn
    .execute(select(cast(sales.c.amount, String), cast("7", Integer)).where(sales.c.id.eq(1)))
    .one();
  print("unlabeled keys:", row._fields, "| python types:", typeName(row[0]), typeName(row[1]));

  print("## literal_column() and text() as columns; text() as a WHERE fragment");
  run(
    conn,
    select(
      sales.c.id,
      literal_column("amount * 2").label("doubled"),
      literal_column("'fixed'").label("tag"),
      text("region"),
    )
      .where(text("amount < 50"))
      .order_by(sales.c.id),
  );
}

function typeName(v: unknown): string {
  return typeof v === "string" ? "str" : Number.isInteger(v) ? "int" : typeof v;
}
