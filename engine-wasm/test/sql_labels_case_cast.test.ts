/**
 * Labels in ORDER BY / GROUP BY, case(), cast() and textual columns as SQLAlchemy compiles them
 * (expected SQL from the 46_sql_labels_case_cast transcripts), executed on both databases.
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
  String as StringType,
  select,
  Table,
  text,
} from "sqlalchemy";
import { CompileError } from "sqlalchemy/exc";
import { expect, it } from "vitest";
import { captureOutput, eachDatabase } from "./support.ts";

eachDatabase("labels, case() and cast()", ({ kind, url }) => {
  const out = captureOutput();
  const pg = kind === "postgresql";
  const p = (n: string) => (pg ? `%(${n})s` : "?");

  function setup() {
    const engine = create_engine(url, { echo: true });
    const m = new MetaData();
    const sales = new Table(
      "sales",
      m,
      new Column("id", Integer, { primary_key: true }),
      new Column("region", StringType(10), { nullable: false }),
      new Column("amount", Integer, { nullable: false }),
    );
    m.create_all(engine);
    engine.begin((conn) => {
      conn.execute(insert(sales), [
        { region: "north", amount: 120 },
        { region: "south", amount: 40 },
        { region: "north", amount: 60 },
      ]);
    });
    out.clear();
    return { engine, sales };
  }

  it("orders and groups by a label's name; a name that is not there raises CompileError", () => {
    const { engine, sales } = setup();
    const total = func.sum(sales.c.amount).label("total");
    const stmt = select(sales.c.region, total)
      .group_by("region")
      .having(total.gt(50))
      .order_by(desc("total"));
    const sql = `SELECT sales.region, sum(sales.amount) AS total \nFROM sales GROUP BY sales.region \nHAVING sum(sales.amount) > ${p("param_1")} ORDER BY total DESC`;
    expect(stmt.compile(engine).toString()).toBe(sql);
    using conn = engine.connect();
    expect(
      conn
        .execute(stmt)
        .all()
        .map((r) => [...r]),
    ).toEqual([["north", 180]]);
    expect(select(sales.c.region, total).order_by(total).toString()).toBe(
      "SELECT sales.region, sum(sales.amount) AS total \nFROM sales ORDER BY total",
    );
    expect(() => select(sales.c.region).order_by("nope").compile()).toThrow(CompileError);
    expect(() => select(sales.c.region).order_by("nope").compile()).toThrow(
      "Can't resolve label reference for ORDER BY / GROUP BY / DISTINCT etc. Textual SQL expression 'nope' should be explicitly declared as text('nope')",
    );
  });

  it("case() with conditions and with value= and a dict", () => {
    const { engine, sales } = setup();
    const size = case_([sales.c.amount.gt(100), "big"], [sales.c.amount.gt(50), "medium"], {
      else_: "small",
    }).label("size");
    const short = case_({ north: "N", south: "S" }, { value: sales.c.region, else_: "?" }).label("short");
    const stmt = select(sales.c.id, size, short).order_by(sales.c.id);
    expect(stmt.toString()).toBe(
      "SELECT sales.id, CASE WHEN (sales.amount > :amount_1) THEN :param_1 WHEN (sales.amount > :amount_2) THEN :param_2 ELSE :param_3 END AS size, CASE sales.region WHEN :param_4 THEN :param_5 WHEN :param_6 THEN :param_7 ELSE :param_8 END AS short \nFROM sales ORDER BY sales.id",
    );
    using conn = engine.connect();
    expect(
      conn
        .execute(stmt)
        .all()
        .map((r) => [...r]),
    ).toEqual([
      [1, "big", "N"],
      [2, "small", "S"],
      [3, "medium", "N"],
    ]);
    expect(out.sql()[2]).toBe(
      pg
        ? "[generated in Xs] {'amount_1': 100, 'param_1': 'big', 'amount_2': 50, 'param_2': 'medium', 'param_3': 'small', 'param_4': 'north', 'param_5': 'N', 'param_6': 'south', 'param_7': 'S', 'param_8': '?'}"
        : "[generated in Xs] (100, 'big', 50, 'medium', 'small', 'north', 'N', 'south', 'S', '?')",
    );
  });

  it("cast() of a column is named after it, of a literal anon_1; text() and literal_column() as columns", () => {
    const { engine, sales } = setup();
    const stmt = select(cast(sales.c.amount, StringType), cast("7", Integer)).where(sales.c.id.eq(1));
    expect(stmt.toString()).toBe(
      "SELECT CAST(sales.amount AS VARCHAR) AS amount, CAST(:param_1 AS INTEGER) AS anon_1 \nFROM sales \nWHERE sales.id = :id_1",
    );
    using conn = engine.connect();
    const row = conn.execute(stmt).one();
    expect([...row._fields]).toEqual(["amount", "anon_1"]);
    expect([...row]).toEqual(["120", 7]);
    const textual = select(sales.c.id, literal_column("amount * 2").label("doubled"), text("region"))
      .where(text("amount < 50"))
      .order_by(sales.c.id);
    expect(textual.toString()).toBe(
      "SELECT sales.id, amount * 2 AS doubled, region \nFROM sales \nWHERE amount < 50 ORDER BY sales.id",
    );
    const result = conn.execute(textual);
    expect([...result.keys()]).toEqual(["id", "doubled", "region"]);
    expect(result.all().map((r) => [...r])).toEqual([[2, 80, "south"]]);
  });
});
