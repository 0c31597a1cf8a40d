/**
 * CTEs: cte() named and anonymous, a CTE used twice, and recursive CTEs (WITH RECURSIVE ... UNION ALL).
 *
 * The recursive CTE is built as select(...).cte({ recursive: true }) and then
 * .union_all() with a SELECT that refers to the CTE itself.
 */
import {
  Column,
  create_engine,
  ForeignKey,
  func,
  Integer,
  insert,
  literal,
  MetaData,
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
  new Column("manager_id", ForeignKey("employee.id")),
  new Column("salary", Integer, { nullable: false }),
);
m.create_all(engine);
engine.begin((conn) => {
  conn.execute(insert(emp), [
    { name: "krabs", manager_id: null, salary: 100 },
    { name: "squidward", manager_id: 1, salary: 40 },
    { name: "spongebob", manager_id: 1, salary: 50 },
    { name: "patrick", manager_id: 3, salary: 10 },
    { name: "gary", manager_id: 4, salary: 5 },
  ]);
});

function run(conn: any, stmt: any) {
  print(stmt);
  for (const row of conn.execute(stmt)) print(row);
}

{
  using conn = engine.connect();
  print("## named cte(): WITH team AS (...)");
  const team = select(
    emp.c.manager_id,
    func.count(emp.c.id).label("reports"),
    func.sum(emp.c.salary).label("cost"),
  )
    .where(emp.c.manager_id.is_not(null))
    .group_by(emp.c.manager_id)
    .cte("team");
  run(
    conn,
    select(emp.c.name, team.c.reports, team.c.cost)
      .join(team, emp.c.id.eq(team.c.manager_id))
      .order_by(emp.c.id),
  );

  print("## anonymous cte() used twice (a self-join of the CTE)");
  const pay = select(emp.c.id, emp.c.name, emp.c.salary).cte();
  const other = pay.alias("other");
  run(
    conn,
    select(pay.c.name, func.count(other.c.id).label("earn_more"))
      .join(other, other.c.salary.gt(pay.c.salary))
      .group_by(pay.c.name)
      .order_by(pay.c.name),
  );

  print("## recursive CTE: the numbers 1..5");
  let nums = select(literal(1).label("n")).cte("nums", { recursive: true });
  nums = nums.union_all(select(nums.c.n.add(1)).where(nums.c.n.lt(5)));
  const stmt = select(nums.c.n);
  print(stmt);
  print(conn.execute(stmt).scalars().all());

  print("## recursive CTE: everyone under spongebob, with depth");
  let chain = select(emp.c.id, emp.c.name, literal(0).label("depth"))
    .where(emp.c.name.eq("spongebob"))
    .cte("chain", { recursive: true });
  const child = emp.alias("child");
  chain = chain.union_all(
    select(child.c.id, child.c.name, chain.c.depth.add(1)).where(child.c.manager_id.eq(chain.c.id)),
  );
  run(conn, select(chain.c.name, chain.c.depth).order_by(chain.c.depth));
}
