/**
 * func: count/max/coalesce/lower, return types and type_=, func.now() per dialect, window functions
 * with over(), aggregate filter().
 *
 * A function's SQL type decides how its result is processed: generic functions (count, max, now)
 * know their type; lower() and unknown names are NullType unless type_= is given. func.now()
 * renders CURRENT_TIMESTAMP on SQLite and now() on PostgreSQL; its value is printed only as a type,
 * never as a time.
 */
import {
  Column,
  create_engine,
  Date,
  date,
  func,
  Integer,
  insert,
  MetaData,
  repr,
  String,
  select,
  Table,
} from "sqlalchemy";

const BACKEND = process.env.ORACLE_BACKEND ?? "sqlite";
const URL = {
  sqlite: "sqlite:///oracle.db",
  postgresql: "postgresql+psycopg2://oracle:oracle@127.0.0.1:54329/oracle",
}[BACKEND]!;

const engine = create_engine(URL, { echo: true });
const m = new MetaData();
const emp = new Table(
  "employee",
  m,
  new Column("id", Integer, { primary_key: true }),
  new Column("name", String(30), { nullable: false }),
  new Column("dept", String(10), { nullable: false }),
  new Column("salary", Integer, { nullable: false }),
  new Column("nickname", String(30)),
  new Column("hired", Date, { nullable: false }),
);
m.create_all(engine);
engine.begin((conn) => {
  conn.execute(insert(emp), [
    { name: "Krabs", dept: "mgmt", salary: 100, nickname: "Mr. K", hired: new date(2001, 1, 1) },
    { name: "Squidward", dept: "till", salary: 40, nickname: null, hired: new date(2003, 5, 1) },
    { name: "SpongeBob", dept: "grill", salary: 50, nickname: "Bob", hired: new date(2004, 7, 9) },
    { name: "Patrick", dept: "grill", salary: 30, nickname: null, hired: new date(2010, 2, 3) },
  ]);
});

function run(conn: any, stmt: any) {
  print(stmt);
  for (const row of conn.execute(stmt)) print(row);
}

print("## SQL types of function expressions");
for (const [label, expr] of [
  ["func.count()", func.count()],
  ["func.max(emp.c.hired)", func.max(emp.c.hired)],
  ["func.lower(emp.c.name)", func.lower(emp.c.name)],
  ["func.now()", func.now()],
  ["func.my_func(emp.c.hired)", func.my_func(emp.c.hired)],
  ["func.my_func(emp.c.hired, type_=Date)", func.my_func(emp.c.hired, { type_: Date })],
  ["func.max(emp.c.hired, type_=String)", func.max(emp.c.hired, { type_: String })],
] as const) {
  print(`${label}: ${expr} -> ${repr(expr.type)}`);
}
print("now() compiled for this dialect:", func.now().compile({ dialect: engine.dialect }));

{
  using conn = engine.connect();
  print("## count, max, coalesce, lower");
  run(
    conn,
    select(
      func.count(),
      func.count(emp.c.nickname),
      func.max(emp.c.salary),
      func.lower(func.max(emp.c.name)),
    ),
  );
  run(conn, select(emp.c.name, func.coalesce(emp.c.nickname, "(none)").label("nick")).order_by(emp.c.id));
  print("## the result type decides the Python value");
  const row = conn.execute(select(func.max(emp.c.hired), func.max(emp.c.hired, { type_: String }))).one();
  // type(x).__name__: Python's str is a JS string
  const typeName = (v: any) => (typeof v === "string" ? "str" : v.constructor.name);
  print(row, "|", typeName(row[0]), typeName(row[1]));
  const now = conn.execute(select(func.now())).scalar_one();
  // now.tzinfo is not None: the port's datetime keeps its UTC offset (null when naive)
  print("func.now() returned a", now.constructor.name, "| tz-aware:", now.utcoffset !== null);
  print("## window functions: over(partition_by=..., order_by=...)");
  run(
    conn,
    select(
      emp.c.name,
      emp.c.dept,
      func
        .row_number()
        .over({ partition_by: emp.c.dept, order_by: emp.c.salary.desc() })
        .label("rank_in_dept"),
      func.sum(emp.c.salary).over({ partition_by: emp.c.dept }).label("dept_total"),
      func.count().over().label("everyone"),
    ).order_by(emp.c.id),
  );
  print("## aggregate FILTER (WHERE ...)");
  run(
    conn,
    select(
      func.count(emp.c.id).filter(emp.c.salary.gt(35)).label("well_paid"),
      func.sum(emp.c.salary).filter(emp.c.dept.eq("grill")).label("grill_cost"),
    ),
  );
}
