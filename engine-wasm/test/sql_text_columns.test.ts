/**
 * text() as a SELECT: TextClause.columns() gives a TextualSelect whose columns type the result (by
 * position when given in order, by name when given as types only) and name a subquery's `.c`;
 * bindparams({ name: value }) types an untyped bind from its value, so its cache key is not the
 * untyped statement's. Expected output is what SQLAlchemy 2.0.52 prints for the same calls.
 */
import {
  Column,
  column,
  create_engine,
  Date as DateType,
  date,
  Integer,
  insert,
  MetaData,
  String as StringType,
  select,
  str,
  Table,
  TextualSelect,
  text,
} from "sqlalchemy";
import { expect, it } from "vitest";
import { captureOutput, eachDatabase } from "./support.ts";

eachDatabase("text().columns() and bindparams()", ({ kind, url }) => {
  const out = captureOutput();
  const pg = kind === "postgresql";
  const p = (n: string) => (pg ? `%(${n})s` : "?");

  function setup() {
    const engine = create_engine(url, { echo: true });
    const m = new MetaData();
    const t = new Table(
      "t",
      m,
      new Column("id", Integer, { primary_key: true }),
      new Column("name", StringType(20)),
      new Column("d", DateType),
    );
    m.create_all(engine);
    engine.begin((conn) => {
      conn.execute(insert(t), [
        { name: "a", d: new date(2024, 1, 2) },
        { name: "b", d: new date(2024, 3, 4) },
      ]);
    });
    out.clear();
    return { engine, t };
  }

  it("columns() in order: result keys from the cursor, values typed by position; cached when built again", () => {
    const { engine, t } = setup();
    const ts = text("SELECT id AS ident, name, d FROM t ORDER BY id").columns(
      column("id", Integer),
      column("name", StringType),
      column("d", DateType),
    );
    expect(ts).toBeInstanceOf(TextualSelect);
    expect(str(ts)).toBe("SELECT id AS ident, name, d FROM t ORDER BY id");
    expect([...ts.selected_columns].map((c) => c.key)).toEqual(["id", "name", "d"]);
    expect(ts.selected_columns.keys()).toEqual(["id", "name", "d"]);
    using conn = engine.connect();
    const result = conn.execute(ts);
    expect([...result.keys()]).toEqual(["ident", "name", "d"]);
    expect(str(result.all())).toBe(
      "[(1, 'a', datetime.date(2024, 1, 2)), (2, 'b', datetime.date(2024, 3, 4))]",
    );
    const build = () => text("SELECT id, name, d FROM t ORDER BY id").columns(t.c.id, t.c.name, t.c.d);
    const rows = conn.execute(build()).all();
    expect(str(rows[0]!._mapping.get(t.c.d))).toBe("2024-01-02");
    conn.execute(build());
    const log = out.sql();
    const sql = "SELECT id, name, d FROM t ORDER BY id";
    expect(log[log.indexOf(sql) + 1]).toMatch(/^\[generated in Xs\]/);
    expect(log[log.lastIndexOf(sql) + 1]).toMatch(/^\[cached since Xs ago\]/);
  });

  it("columns({ name: type }) types the columns it names, by name; a TextualSelect as a subquery", () => {
    const { engine, t } = setup();
    const ts = text("SELECT id, name, d FROM t ORDER BY id").columns({ d: DateType });
    const sq = text("SELECT id, name, d FROM t ORDER BY id").columns(t.c.id, t.c.name, t.c.d).subquery("x");
    const stmt = select(sq.c.name).where(sq.c.id.gt(1));
    expect(str(stmt)).toBe(
      "SELECT x.name \nFROM (SELECT id, name, d FROM t ORDER BY id) AS x \nWHERE x.id > :id_1",
    );
    using conn = engine.connect();
    const result = conn.execute(ts);
    expect([...result.keys()]).toEqual(["id", "name", "d"]);
    expect(str(result.all())).toBe(
      "[(1, 'a', datetime.date(2024, 1, 2)), (2, 'b', datetime.date(2024, 3, 4))]",
    );
    expect(conn.execute(stmt).scalars().all()).toEqual(["b"]);
    expect(out.sql()).toContain(
      `SELECT x.name \nFROM (SELECT id, name, d FROM t ORDER BY id) AS x \nWHERE x.id > ${p("id_1")}`,
    );
  });

  it("bindparams({ x: value }) types the bind from the value: a cache key of its own", () => {
    const { engine } = setup();
    const q = text("SELECT :x AS v");
    using conn = engine.connect();
    expect(conn.execute(q, { x: 5 }).scalar()).toBe(5);
    expect(conn.execute(q, { x: 6 }).scalar()).toBe(6);
    expect(conn.execute(q.bindparams({ x: 5 })).scalar()).toBe(5);
    expect(conn.execute(q.bindparams({ x: 6 })).scalar()).toBe(6);
    expect(conn.execute(q.bindparams({ x: "s" })).scalar()).toBe("s");
    const qd = text("SELECT d FROM t WHERE d > :dd").columns({ d: DateType });
    expect(
      str(
        conn
          .execute(qd.bindparams({ dd: new date(2024, 2, 1) }))
          .scalars()
          .all(),
      ),
    ).toBe("[datetime.date(2024, 3, 4)]");
    const params = (v: string) => (pg ? `{'x': ${v}}` : `(${v},)`);
    const log = out.sql().filter((l) => !l.startsWith("BEGIN") && l !== "ROLLBACK");
    expect(log.slice(0, 10)).toEqual([
      `SELECT ${p("x")} AS v`,
      `[generated in Xs] ${params("5")}`,
      `SELECT ${p("x")} AS v`,
      `[cached since Xs ago] ${params("6")}`,
      `SELECT ${p("x")} AS v`,
      `[generated in Xs] ${params("5")}`,
      `SELECT ${p("x")} AS v`,
      `[cached since Xs ago] ${params("6")}`,
      `SELECT ${p("x")} AS v`,
      `[generated in Xs] ${params("'s'")}`,
    ]);
    // a typed date bind goes through Date's bind processor: pysqlite gets the ISO string
    expect(log[11]).toBe(
      pg ? "[generated in Xs] {'dd': datetime.date(2024, 2, 1)}" : "[generated in Xs] ('2024-02-01',)",
    );
  });
});
