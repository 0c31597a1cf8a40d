/**
 * SQL functions as SQLAlchemy 2.0.52 compiles them (expected SQL is what SQLAlchemy printed for the
 * same constructs; the 51_sql_functions_window transcripts pin the rest): generic functions and
 * their types, binds named after the function and numbered after its label, per-dialect spellings,
 * window frames, FILTER, WITHIN GROUP, table- and column-valued functions, and cache keys.
 */
import {
  Column,
  create_engine,
  ForeignKey,
  func,
  Integer,
  insert,
  MetaData,
  repr,
  String as StringType,
  select,
  Table,
} from "sqlalchemy";
import { expect, it } from "vitest";
import { captureOutput, eachDatabase } from "./support.ts";

function employees() {
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
  return { m, emp };
}

eachDatabase("SQL functions", ({ kind, url }) => {
  const out = captureOutput();
  const pg = kind === "postgresql";

  function setup() {
    const engine = create_engine(url, { echo: true });
    const { m, emp } = employees();
    m.create_all(engine);
    engine.begin((conn) => {
      conn.execute(insert(emp), [
        { name: "krabs", dept: "mgmt", salary: 100, manager_id: null },
        { name: "squidward", dept: "till", salary: 40, manager_id: 1 },
        { name: "spongebob", dept: "grill", salary: 50, manager_id: 1 },
        { name: "patrick", dept: "grill", salary: 30, manager_id: 3 },
      ]);
    });
    out.clear();
    return { engine, emp };
  }
  /** The cache markers of the statements logged since the last clear. */
  const markers = () =>
    out
      .sql()
      .filter((l) => l.startsWith("["))
      .map((l) => l.replace(/ [({].*$/, ""));

  it("generic functions know their return type; names are case-insensitive; others are NullType", () => {
    const { emp } = setup();
    expect(repr(func.rank().type)).toBe("Integer()");
    expect(repr(func.percent_rank().type)).toBe("Numeric()");
    expect(repr(func.coalesce(null, emp.c.salary).type)).toBe("Integer()");
    expect(repr(func.char_length(emp.c.name).type)).toBe("Integer()");
    expect(repr(func.MAX(emp.c.id).type)).toBe("Integer()");
    expect(repr(func.Now().type)).toBe("DateTime()");
    expect(repr(func.percentile_cont(0.5).within_group(emp.c.salary).type)).toBe("Integer()");
    expect(repr(func.mode().within_group(emp.c.dept).type)).toBe("String(length=10)");
    expect(repr(func.row_number().type)).toBe("NullType()");
    expect(
      select(
        func.max(emp.c.name, { type_: StringType }),
        func.MAX(emp.c.id),
        func.Count(emp.c.id),
      ).toString(),
    ).toBe(
      "SELECT max(employee.name) AS max_1, max(employee.id) AS max_2, count(employee.id) AS count_1 \nFROM employee",
    );
  });

  it("binds are named after the function, numbered after its label; comparisons too", () => {
    const { emp } = setup();
    const stmt = select(func.lower("X"), func.my_func(1, 2), func.count().label("n")).having(
      func.count().gt(1),
    );
    expect(stmt.toString()).toBe(
      "SELECT lower(:lower_2) AS lower_1, my_func(:my_func_2, :my_func_3) AS my_func_1, count(*) AS n \nHAVING count(*) > :count_1",
    );
    expect(stmt.compile().params).toEqual({ lower_2: "X", my_func_2: 1, my_func_3: 2, count_1: 1 });
    expect(
      select(func.coalesce(emp.c.salary, 0).label("s"), (func as any)["my fn"](emp.c.id)).toString(),
    ).toBe(
      'SELECT coalesce(employee.salary, :coalesce_1) AS s, "my fn"(employee.id) AS my_fn_1 \nFROM employee',
    );
    expect(select(func.pg_catalog.version(), func.my.pkg.fn(3)).toString()).toBe(
      "SELECT pg_catalog.version() AS version_1, my.pkg.fn(:fn_2) AS fn_1",
    );
    // an untyped function takes a string operand's type: `+` is concatenation
    expect(select(func.upper("lowercase").add(" suffix")).toString()).toBe(
      "SELECT upper(:upper_1) || :upper_2 AS anon_1",
    );
    expect(select(func.count("*")).select_from(emp).toString()).toBe(
      "SELECT count(:count_2) AS count_1 \nFROM employee",
    );
    expect(func.unnest(func.percentile_disc([0.25, 0.5, 0.75, 1]).within_group(emp.c.name)).toString()).toBe(
      "unnest(percentile_disc(:percentile_disc_1) WITHIN GROUP (ORDER BY employee.name))",
    );
  });

  it("functions each dialect spells its own way, run on the database", () => {
    const { engine, emp } = setup();
    const ansi = select(func.current_date(), func.current_timestamp(), func.localtimestamp(), func.now());
    expect(ansi.toString()).toBe(
      "SELECT CURRENT_DATE AS current_date_1, CURRENT_TIMESTAMP AS current_timestamp_1, LOCALTIMESTAMP AS localtimestamp_1, now() AS now_1",
    );
    expect(ansi.compile(engine).toString()).toBe(
      pg
        ? "SELECT CURRENT_DATE AS current_date_1, CURRENT_TIMESTAMP AS current_timestamp_1, LOCALTIMESTAMP AS localtimestamp_1, now() AS now_1"
        : "SELECT CURRENT_DATE AS current_date_1, CURRENT_TIMESTAMP AS current_timestamp_1, DATETIME(CURRENT_TIMESTAMP, 'localtime') AS localtimestamp_1, CURRENT_TIMESTAMP AS now_1",
    );
    const strings = select(func.aggregate_strings(emp.c.name, ",")).where(emp.c.id.lt(3));
    expect(strings.compile(engine).toString()).toBe(
      pg
        ? "SELECT string_agg(employee.name, %(aggregate_strings_2)s) AS aggregate_strings_1 \nFROM employee \nWHERE employee.id < %(id_1)s"
        : "SELECT group_concat(employee.name, ?) AS aggregate_strings_1 \nFROM employee \nWHERE employee.id < ?",
    );
    const length = select(func.char_length(emp.c.name)).where(emp.c.id.eq(1));
    expect(length.compile(engine).toString()).toBe(
      pg
        ? "SELECT char_length(employee.name) AS char_length_1 \nFROM employee \nWHERE employee.id = %(id_1)s"
        : "SELECT length(employee.name) AS char_length_1 \nFROM employee \nWHERE employee.id = ?",
    );
    using conn = engine.connect();
    const row = conn.execute(ansi).one();
    // CURRENT_DATE is a Date, the others DateTime: each value comes back as its type's Python value
    expect([
      row[0].constructor.name,
      row[1].constructor.name,
      row[2].constructor.name,
      row[3].constructor.name,
    ]).toEqual(["date", "datetime", "datetime", "datetime"]);
    expect((conn.execute(strings).scalar() as string).split(",").sort()).toEqual(["krabs", "squidward"]);
    expect(conn.execute(length).scalar()).toBe(5);
  });

  it("window frames, FILTER … OVER, and their results", () => {
    const { engine, emp } = setup();
    const stmt = select(
      emp.c.id,
      func
        .sum(emp.c.salary)
        .over({ order_by: emp.c.id, rows: [-1, 0] })
        .label("running"),
      func
        .sum(emp.c.salary)
        .over({ range_: [null, null] })
        .label("total"),
      func.count(emp.c.id).filter(emp.c.salary.gt(35)).over({ partition_by: emp.c.dept }).label("n"),
    ).order_by(emp.c.id);
    expect(stmt.toString()).toBe(
      "SELECT employee.id, sum(employee.salary) OVER (ORDER BY employee.id ROWS BETWEEN :param_1 PRECEDING AND CURRENT ROW) AS running, sum(employee.salary) OVER (RANGE BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING) AS total, count(employee.id) FILTER (WHERE employee.salary > :salary_1) OVER (PARTITION BY employee.dept) AS n \nFROM employee ORDER BY employee.id",
    );
    expect(stmt.compile().params).toEqual({ param_1: 1, salary_1: 35 });
    using conn = engine.connect();
    expect(
      conn
        .execute(stmt)
        .all()
        .map((r) => [...r]),
    ).toEqual([
      [1, 100, 220, 1],
      [2, 140, 220, 1],
      [3, 90, 220, 1],
      [4, 80, 220, 1],
    ]);
    expect(out.sql().find((l) => l.startsWith("["))).toBe(
      pg ? "[generated in Xs] {'param_1': 1, 'salary_1': 35}" : "[generated in Xs] (1, 35)",
    );
    expect(() => func.sum(emp.c.salary).over({ rows: [1, 2], range_: [1, 2] })).toThrow(
      "only one of 'rows', 'range_', or 'groups' may be provided",
    );
  });

  it("WITHIN GROUP, table_valued(), column_valued(), render_derived(), scalar_table_valued()", () => {
    const { engine, emp } = setup();
    const within = select(
      func.percentile_cont(0.5).within_group(emp.c.salary),
      func.mode().within_group(emp.c.dept),
    );
    expect(within.toString()).toBe(
      "SELECT percentile_cont(:percentile_cont_1) WITHIN GROUP (ORDER BY employee.salary) AS anon_1, mode() WITHIN GROUP (ORDER BY employee.dept) AS anon_2 \nFROM employee",
    );
    const elements = pg ? func.json_array_elements_text('["a","b"]') : func.json_each('["a","b"]');
    const fname = pg ? "json_array_elements_text" : "json_each";
    const tv = elements.table_valued("value");
    const tvStmt = select(tv.c.value);
    expect(tvStmt.compile(engine).toString()).toBe(
      `SELECT anon_1.value \nFROM ${fname}(${pg ? `%(${fname}_1)s` : "?"}) AS anon_1`,
    );
    const cv = func.json_array_elements_text('["a","b"]').column_valued("x");
    expect(select(cv).toString()).toBe(
      "SELECT x \nFROM json_array_elements_text(:json_array_elements_text_1) AS x",
    );
    const derived = select(func.generate_series(1, 3).table_valued("n").render_derived());
    expect(derived.toString()).toBe(
      "SELECT anon_1.n \nFROM generate_series(:generate_series_1, :generate_series_2) AS anon_1(n)",
    );
    expect(select(func.my_row(emp.c.id).scalar_table_valued("x", Integer)).toString()).toBe(
      "SELECT (my_row(employee.id)).x",
    );
    const ord = func.json_array_elements_text('["a","b"]').table_valued("value", { with_ordinality: "n" });
    expect(select(ord.c.value, ord.c.n).toString()).toBe(
      "SELECT anon_1.value, anon_1.n \nFROM json_array_elements_text(:json_array_elements_text_1) WITH ORDINALITY AS anon_1",
    );
    const named = ord.render_derived();
    const ordStmt = select(named.c.value, named.c.n);
    expect(ordStmt.toString()).toBe(
      "SELECT anon_1.value, anon_1.n \nFROM json_array_elements_text(:json_array_elements_text_1) WITH ORDINALITY AS anon_1(value, n)",
    );
    expect(
      select(emp.c.id, func.json_each(emp.c.name).table_valued("value").lateral().c.value).toString(),
    ).toBe("SELECT employee.id, anon_1.value \nFROM employee, LATERAL json_each(employee.name) AS anon_1");
    expect(
      select(func.json_each(emp.c.name).table_valued("value").render_derived({ name: "q" })).toString(),
    ).toBe("SELECT q.value \nFROM json_each(employee.name) AS q(value)");
    expect(() => func.max(emp.c.id).over({ partitionby: emp.c.dept } as never)).toThrow(
      new TypeError("FunctionElement.over() got an unexpected keyword argument 'partitionby'"),
    );
    using conn = engine.connect();
    expect(conn.execute(tvStmt).scalars().all()).toEqual(["a", "b"]);
    if (pg) {
      expect(
        conn
          .execute(ordStmt)
          .all()
          .map((r) => [...r]),
      ).toEqual([
        ["a", 1],
        ["b", 2],
      ]);
      expect([...conn.execute(within).one()]).toEqual([45, "grill"]);
      expect(conn.execute(select(cv)).scalars().all()).toEqual(["a", "b"]);
      expect(conn.execute(derived).scalars().all()).toEqual([1, 2, 3]);
    }
  });

  it("a function statement built again is cached; another type_, frame or filter is not", () => {
    const { engine, emp } = setup();
    // a set-returning function each database has
    const ids = () =>
      pg
        ? func.generate_series(1, 2).table_valued("value").render_derived()
        : func.json_each("[1,2]").table_valued("value");
    const build = (opts: { type_?: unknown; rows?: [number, number]; ne?: boolean } = {}) =>
      select(
        emp.c.id,
        func.max(emp.c.name, opts.type_ ? { type_: opts.type_ } : {}).over({ partition_by: emp.c.dept }),
        func.sum(emp.c.salary).over({ order_by: emp.c.id, rows: opts.rows ?? [-1, 0] }),
        func
          .count(emp.c.id)
          .filter(opts.ne ? emp.c.dept.ne("x") : emp.c.salary.gt(1))
          .over(),
      ).where(emp.c.id.in_(select(ids().c.value)));
    using conn = engine.connect();
    expect(
      conn
        .execute(build())
        .all()
        .map((r) => [...r]),
    ).toEqual([
      [1, "krabs", 100, 2],
      [2, "squidward", 140, 2],
    ]);
    for (const s of [build(), build({ type_: Integer }), build({ rows: [0, 1] }), build({ ne: true })])
      conn.execute(s);
    expect(markers()).toEqual([
      "[generated in Xs]",
      "[cached since Xs ago]",
      "[generated in Xs]",
      "[generated in Xs]",
      "[generated in Xs]",
    ]);
  });
});
