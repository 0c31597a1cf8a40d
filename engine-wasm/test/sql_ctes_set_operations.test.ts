/**
 * CTEs, set operations and LATERAL as SQLAlchemy 2.0.52 compiles them (expected SQL is what
 * SQLAlchemy printed for the same constructs; the 49_sql_cte_recursive and 50_sql_set_operations
 * transcripts pin the rest): WITH entries in the order they are met, a recursive CTE restated by
 * union_all() under its name, an aliased CTE, compound SELECTs with their own ORDER BY / LIMIT,
 * nested compounds parenthesised, and cache keys that depend on structure only.
 */
import {
  Column,
  create_engine,
  except_all,
  ForeignKey,
  func,
  Integer,
  insert,
  intersect_all,
  literal,
  MetaData,
  String as StringType,
  select,
  Table,
  true_,
  union,
  union_all,
} from "sqlalchemy";
import { ArgumentError, CompileError as ExcCompileError, OperationalError } from "sqlalchemy/exc";
import { AssertionError } from "sqlalchemy/testing";
import { expect, it } from "vitest";
import { captureOutput, eachDatabase } from "./support.ts";

function tables() {
  const m = new MetaData();
  const emp = new Table(
    "employee",
    m,
    new Column("id", Integer, { primary_key: true }),
    new Column("name", StringType(30)),
    new Column("dept", StringType(10)),
    new Column("salary", Integer),
    new Column("manager_id", ForeignKey("employee.id")),
  );
  const staff = new Table(
    "staff",
    m,
    new Column("id", Integer, { primary_key: true }),
    new Column("name", StringType(30)),
    new Column("city", StringType(30)),
  );
  const cust = new Table(
    "customer",
    m,
    new Column("id", Integer, { primary_key: true }),
    new Column("name", StringType(30)),
    new Column("city", StringType(30)),
  );
  return { m, emp, staff, cust };
}

/** A recursive CTE of the numbers 1..`top`, built from scratch each time. */
function numbers(top: number, name: string | null = "nums") {
  let nums = select(literal(1).label("n")).cte(name, { recursive: true });
  nums = nums.union_all(select(nums.c.n.add(1)).where(nums.c.n.lt(top)));
  return select(nums.c.n);
}

eachDatabase("CTEs, set operations, LATERAL", ({ kind, url }) => {
  const out = captureOutput();
  const pg = kind === "postgresql";
  /** The SQL as this database's driver renders it: `?` or `%(name)s`. */
  const p = (name: string) => (pg ? `%(${name})s` : "?");

  function setup() {
    const engine = create_engine(url, { echo: true });
    const t = tables();
    t.m.create_all(engine);
    engine.begin((conn) => {
      conn.execute(insert(t.emp), [
        { name: "krabs", dept: "mgmt", salary: 100, manager_id: null },
        { name: "squidward", dept: "till", salary: 40, manager_id: 1 },
        { name: "spongebob", dept: "grill", salary: 50, manager_id: 1 },
        { name: "patrick", dept: "grill", salary: 30, manager_id: 3 },
      ]);
      conn.execute(insert(t.staff), [
        { name: "krabs", city: "bikini" },
        { name: "squidward", city: "bikini" },
        { name: "plankton", city: "chum" },
      ]);
      conn.execute(insert(t.cust), [
        { name: "spongebob", city: "bikini" },
        { name: "krabs", city: "bikini" },
        { name: "larry", city: "goo" },
      ]);
    });
    out.clear();
    return { engine, ...t };
  }

  it("a CTE used in WHERE and a CTE selecting from another render in the order they are met", () => {
    const { engine, emp } = setup();
    const rich = select(emp.c.id).where(emp.c.salary.gt(45)).cte("rich");
    const inWhere = select(emp.c.name)
      .where(emp.c.id.in_(select(rich.c.id)))
      .order_by(emp.c.id);
    expect(inWhere.toString()).toBe(
      "WITH rich AS \n(SELECT employee.id AS id \nFROM employee \nWHERE employee.salary > :salary_1)\n SELECT employee.name \nFROM employee \nWHERE employee.id IN (SELECT rich.id \nFROM rich) ORDER BY employee.id",
    );
    const totals = select(emp.c.dept, func.sum(emp.c.salary).label("total"))
      .group_by(emp.c.dept)
      .cte("totals");
    const big = select(totals.c.dept).where(totals.c.total.gt(70)).cte("big");
    const stmt = select(emp.c.name).join(big, big.c.dept.eq(emp.c.dept)).order_by(emp.c.id);
    const sql = `WITH totals AS \n(SELECT employee.dept AS dept, sum(employee.salary) AS total \nFROM employee GROUP BY employee.dept), \nbig AS \n(SELECT totals.dept AS dept \nFROM totals \nWHERE totals.total > ${p("total_1")})\n SELECT employee.name \nFROM employee JOIN big ON big.dept = employee.dept ORDER BY employee.id`;
    expect(stmt.compile(engine).toString()).toBe(sql);
    using conn = engine.connect();
    expect(conn.execute(inWhere).scalars().all()).toEqual(["krabs", "spongebob"]);
    expect(conn.execute(stmt).scalars().all()).toEqual(["krabs", "spongebob", "patrick"]);
    expect(out.sql()).toContain(sql);
    const scalar = select(emp.c.name, select(func.max(totals.c.total)).scalar_subquery().label("mx")).where(
      emp.c.id.eq(1),
    );
    expect(scalar.compile(engine).toString()).toBe(
      `WITH totals AS \n(SELECT employee.dept AS dept, sum(employee.salary) AS total \nFROM employee GROUP BY employee.dept)\n SELECT employee.name, (SELECT max(totals.total) AS max_1 \nFROM totals) AS mx \nFROM employee \nWHERE employee.id = ${p("id_1")}`,
    );
    expect(
      conn
        .execute(scalar)
        .all()
        .map((r) => [...r]),
    ).toEqual([["krabs", 100]]);
  });

  it("an anonymous recursive CTE is anon_1 in every part; a recursive CTE joined to its alias", () => {
    const { engine, emp } = setup();
    const anon = numbers(3, null);
    expect(anon.toString()).toBe(
      "WITH RECURSIVE anon_1(n) AS \n(SELECT :param_1 AS n UNION ALL SELECT anon_1.n + :n_1 AS anon_2 \nFROM anon_1 \nWHERE anon_1.n < :n_2)\n SELECT anon_1.n \nFROM anon_1",
    );
    let tree = select(emp.c.id, emp.c.manager_id)
      .where(emp.c.manager_id.eq(null))
      .cte("tree", { recursive: true });
    const t = tree.alias("t");
    tree = tree.union_all(select(emp.c.id, emp.c.manager_id).join(t, emp.c.manager_id.eq(t.c.id)));
    const stmt = select(tree).order_by(tree.c.id);
    expect(stmt.compile(engine).toString()).toBe(
      "WITH RECURSIVE tree(id, manager_id) AS \n(SELECT employee.id AS id, employee.manager_id AS manager_id \nFROM employee \nWHERE employee.manager_id IS NULL UNION ALL SELECT employee.id AS id, employee.manager_id AS manager_id \nFROM employee JOIN tree AS t ON employee.manager_id = t.id)\n SELECT tree.id, tree.manager_id \nFROM tree ORDER BY tree.id",
    );
    using conn = engine.connect();
    expect(conn.execute(anon).scalars().all()).toEqual([1, 2, 3]);
    expect(
      conn
        .execute(stmt)
        .all()
        .map((r) => [...r]),
    ).toEqual([
      [1, null],
      [2, 1],
      [3, 1],
      [4, 3],
    ]);
  });

  it("the same CTE built again is cached; another name or another operator is not", () => {
    const { engine } = setup();
    using conn = engine.connect();
    conn.execute(numbers(5));
    conn.execute(numbers(4));
    conn.execute(numbers(5, "other"));
    const markers = out
      .sql()
      .filter((l) => l.startsWith("["))
      .map((l) => l.replace(/ [({].*$/, ""));
    expect(markers).toEqual(["[generated in Xs]", "[cached since Xs ago]", "[generated in Xs]"]);
    const log = out.sql();
    expect(log[log.indexOf(log.find((l) => l.startsWith("WITH RECURSIVE other"))!) + 1]).toBe(
      pg ? "[generated in Xs] {'param_1': 1, 'n_1': 1, 'n_2': 5}" : "[generated in Xs] (1, 1, 5)",
    );
    // a recursive CTE and a plain one of the same SELECT are different statements
    const plain = select(literal(1).label("n")).cte("c");
    const recursive = select(literal(1).label("n")).cte("c", { recursive: true });
    expect(select(plain.c.n).toString()).toBe("WITH c AS \n(SELECT :param_1 AS n)\n SELECT c.n \nFROM c");
    expect(select(recursive.c.n).toString()).toBe(
      "WITH RECURSIVE c(n) AS \n(SELECT :param_1 AS n)\n SELECT c.n \nFROM c",
    );
    out.clear();
    conn.execute(select(plain.c.n));
    conn.execute(select(recursive.c.n));
    expect(
      out
        .sql()
        .filter((l) => l.startsWith("["))
        .map((l) => l.replace(/ [({].*$/, "")),
    ).toEqual(["[generated in Xs]", "[generated in Xs]"]);
  });

  it("a nesting CTE renders in the WITH of the SELECT that uses it, again wherever it is used", () => {
    const { engine, emp } = setup();
    const c = select(emp.c.id).where(emp.c.salary.gt(45)).cte("c", { nesting: true });
    const sq = select(c.c.id).subquery();
    const stmt = select(sq.c.id)
      .where(emp.c.id.in_(select(c.c.id)))
      .order_by(sq.c.id);
    expect(select(sq.c.id).toString()).toBe(
      "SELECT anon_1.id \nFROM (WITH c AS \n(SELECT employee.id AS id \nFROM employee \nWHERE employee.salary > :salary_1)\n SELECT c.id AS id \nFROM c) AS anon_1",
    );
    expect(select(c.c.id).toString()).toBe(
      "WITH c AS \n(SELECT employee.id AS id \nFROM employee \nWHERE employee.salary > :salary_1)\n SELECT c.id \nFROM c",
    );
    const u = union(select(c.c.id), select(emp.c.id).where(emp.c.id.eq(4))).subquery();
    expect(select(u.c.id).toString()).toBe(
      "SELECT anon_1.id \nFROM (WITH c AS \n(SELECT employee.id AS id \nFROM employee \nWHERE employee.salary > :salary_1)\n SELECT c.id AS id \nFROM c UNION SELECT employee.id AS id \nFROM employee \nWHERE employee.id = :id_1) AS anon_1",
    );
    expect(stmt.toString()).toBe(
      "SELECT anon_1.id \nFROM (WITH c AS \n(SELECT employee.id AS id \nFROM employee \nWHERE employee.salary > :salary_1)\n SELECT c.id AS id \nFROM c) AS anon_1, employee \nWHERE employee.id IN (WITH c AS \n(SELECT employee.id AS id \nFROM employee \nWHERE employee.salary > :salary_1)\n SELECT c.id \nFROM c) ORDER BY anon_1.id",
    );
    using conn = engine.connect();
    expect(conn.execute(select(u.c.id).order_by(u.c.id)).scalars().all()).toEqual([1, 3, 4]);
    expect(conn.execute(stmt).scalars().all()).toEqual([1, 1, 3, 3]);
  });

  it("a CTE of a compound cannot be restated (SQLAlchemy's assertion)", () => {
    const { emp } = setup();
    let r = select(emp.c.id).cte("r", { recursive: true });
    r = r.union_all(select(emp.c.id));
    expect(() => r.union_all(select(emp.c.id))).toThrow(AssertionError);
    expect(() => r.union_all(select(emp.c.id))).toThrow(/^CTE element f.* does not support union_all\(\)$/s);
  });

  it("two unrelated CTEs of one name raise CompileError", () => {
    const { emp } = setup();
    const a = select(emp.c.id).cte("x");
    const b = select(emp.c.name).cte("x");
    const compile = () => select(a.c.id, b.c.name).toString();
    expect(compile).toThrow(ExcCompileError);
    expect(compile).toThrow("Multiple, unrelated CTEs found with the same name: 'x'");
  });

  it("a compound's own ORDER BY / LIMIT / OFFSET, ALL variants, nested compounds, a compound in a CTE", () => {
    const { engine, staff, cust } = setup();
    const s1 = select(staff.c.city);
    const s2 = select(cust.c.city);
    expect(except_all(s1, s2).toString()).toBe(
      "SELECT staff.city \nFROM staff EXCEPT ALL SELECT customer.city \nFROM customer",
    );
    const limited = intersect_all(s1, s2).order_by("city").limit(2).offset(1);
    expect(limited.toString()).toBe(
      "SELECT staff.city \nFROM staff INTERSECT ALL SELECT customer.city \nFROM customer ORDER BY city\n LIMIT :param_1 OFFSET :param_2",
    );
    expect(limited.compile(engine).toString()).toBe(
      pg
        ? "SELECT staff.city \nFROM staff INTERSECT ALL SELECT customer.city \nFROM customer ORDER BY city \n LIMIT %(param_1)s OFFSET %(param_2)s"
        : "SELECT staff.city \nFROM staff INTERSECT ALL SELECT customer.city \nFROM customer ORDER BY city\n LIMIT ? OFFSET ?",
    );
    const nested = union(union(s1, s2), select(staff.c.name)).order_by("city");
    expect(nested.toString()).toBe(
      "(SELECT staff.city \nFROM staff UNION SELECT customer.city \nFROM customer) UNION SELECT staff.name \nFROM staff ORDER BY city",
    );
    const limit = union(s1, s2).order_by("city").limit(2);
    expect(limit.compile(engine).toString()).toBe(
      pg
        ? "SELECT staff.city \nFROM staff UNION SELECT customer.city \nFROM customer ORDER BY city \n LIMIT %(param_1)s"
        : "SELECT staff.city \nFROM staff UNION SELECT customer.city \nFROM customer ORDER BY city\n LIMIT ? OFFSET ?",
    );
    const cities = union(s1, s2).cte("cities");
    expect(select(cities.c.city).toString()).toBe(
      "WITH cities AS \n(SELECT staff.city AS city \nFROM staff UNION SELECT customer.city AS city \nFROM customer)\n SELECT cities.city \nFROM cities",
    );
    const everyone = union_all(
      select(staff.c.name, staff.c.city),
      select(cust.c.name, cust.c.city),
    ).subquery();
    const grouped = select(everyone.c.name, func.count()).group_by(everyone.c.name).order_by(everyone.c.name);
    expect(grouped.toString()).toBe(
      "SELECT anon_1.name, count(*) AS count_1 \nFROM (SELECT staff.name AS name, staff.city AS city \nFROM staff UNION ALL SELECT customer.name AS name, customer.city AS city \nFROM customer) AS anon_1 GROUP BY anon_1.name ORDER BY anon_1.name",
    );
    using conn = engine.connect();
    expect(conn.execute(limit).scalars().all()).toEqual(["bikini", "chum"]);
    expect(conn.execute(select(cities.c.city).order_by(cities.c.city)).scalars().all()).toEqual([
      "bikini",
      "chum",
      "goo",
    ]);
    expect(
      conn
        .execute(grouped)
        .all()
        .map((r) => [...r]),
    ).toEqual([
      ["krabs", 2],
      ["larry", 1],
      ["plankton", 1],
      ["spongebob", 1],
      ["squidward", 1],
    ]);
    if (pg) {
      expect(conn.execute(nested).scalars().all()).toEqual([
        "bikini",
        "chum",
        "goo",
        "krabs",
        "plankton",
        "squidward",
      ]);
      expect(conn.execute(except_all(s1, s2)).scalars().all()).toEqual(["chum"]);
      expect(conn.execute(intersect_all(s1, s2)).scalars().all()).toEqual(["bikini", "bikini"]);
    } else {
      // SQLite has neither a parenthesised compound nor EXCEPT ALL: the database says so, as under SQLAlchemy
      expect(() => conn.execute(nested)).toThrow(OperationalError);
      expect(() => conn.execute(except_all(s1, s2))).toThrow(OperationalError);
    }
  });

  it("a compound in IN and as a scalar subquery", () => {
    const { engine, staff, cust } = setup();
    const names = select(staff.c.id).where(
      staff.c.name.in_(union(select(cust.c.name), select(staff.c.name).where(staff.c.city.eq("chum")))),
    );
    expect(names.toString()).toBe(
      "SELECT staff.id \nFROM staff \nWHERE staff.name IN (SELECT customer.name \nFROM customer UNION SELECT staff.name \nFROM staff \nWHERE staff.city = :city_1)",
    );
    const both = select(
      union(select(func.max(staff.c.id)), select(func.min(cust.c.id)))
        .scalar_subquery()
        .label("x"),
    );
    expect(both.toString()).toBe(
      "SELECT (SELECT max(staff.id) AS max_1 \nFROM staff UNION SELECT min(customer.id) AS min_1 \nFROM customer) AS x",
    );
    using conn = engine.connect();
    expect(conn.execute(names.order_by(staff.c.id)).scalars().all()).toEqual([1, 3]);
  });

  it("selects of different widths cannot be combined (CompileError); only SELECTs combine (ArgumentError)", () => {
    const { staff, cust } = setup();
    expect(() => union(select(staff.c.city), "x" as never)).toThrow(
      new ArgumentError(
        "SELECT construct for inclusion in a UNION or other set construct expected, got 'x'.",
      ),
    );
    expect(() => union(select(staff.c.city), "x" as never)).toThrow(ArgumentError);
    const compile = () => union(select(staff.c.city), select(cust.c.name, cust.c.city)).toString();
    expect(compile).toThrow(ExcCompileError);
    expect(compile).toThrow(
      "All selectables passed to CompoundSelect must have identical numbers of columns; select #1 has 1 columns, select #2 has 2",
    );
  });

  it("a compound built again is cached; UNION and UNION ALL are different statements", () => {
    const { engine, staff, cust } = setup();
    using conn = engine.connect();
    const build = (all: boolean) =>
      (all ? union_all : union)(select(staff.c.city), select(cust.c.city)).order_by("city").subquery("u");
    const u0 = build(false);
    expect(select(u0.c.city).where(u0.c.city.ne("goo")).toString()).toBe(
      "SELECT u.city \nFROM (SELECT staff.city AS city \nFROM staff UNION SELECT customer.city AS city \nFROM customer ORDER BY city) AS u \nWHERE u.city != :city_1",
    );
    for (const all of [false, false, true]) {
      const u = build(all);
      conn.execute(select(u.c.city).where(u.c.city.ne("goo")));
    }
    expect(
      out
        .sql()
        .filter((l) => l.startsWith("["))
        .map((l) => l.replace(/ [({].*$/, "")),
    ).toEqual(["[generated in Xs]", "[cached since Xs ago]", "[generated in Xs]"]);
  });

  it("lateral(): the subquery correlates to the FROM before it", () => {
    const { engine, staff, cust } = setup();
    const first = select(cust.c.name)
      .where(cust.c.city.eq(staff.c.city))
      .order_by(cust.c.name)
      .limit(1)
      .lateral("l");
    const stmt = select(staff.c.name, first.c.name).join(first, true_()).order_by(staff.c.id);
    expect(stmt.toString()).toBe(
      "SELECT staff.name, l.name AS name_1 \nFROM staff JOIN LATERAL (SELECT customer.name AS name \nFROM customer \nWHERE customer.city = staff.city ORDER BY customer.name\n LIMIT :param_1) AS l ON true ORDER BY staff.id",
    );
    const anon = select(cust.c.name).where(cust.c.city.eq(staff.c.city)).lateral();
    expect(select(staff.c.name, anon.c.name).select_from(staff).join(anon, true_()).toString()).toBe(
      "SELECT staff.name, anon_1.name AS name_1 \nFROM staff JOIN LATERAL (SELECT customer.name AS name \nFROM customer \nWHERE customer.city = staff.city) AS anon_1 ON true",
    );
    if (pg) {
      expect(stmt.compile(engine).toString()).toBe(
        "SELECT staff.name, l.name AS name_1 \nFROM staff JOIN LATERAL (SELECT customer.name AS name \nFROM customer \nWHERE customer.city = staff.city ORDER BY customer.name \n LIMIT %(param_1)s) AS l ON true ORDER BY staff.id",
      );
      using conn = engine.connect();
      expect(
        conn
          .execute(stmt)
          .all()
          .map((r) => [...r]),
      ).toEqual([
        ["krabs", "krabs"],
        ["squidward", "krabs"],
      ]);
    }
  });
});
