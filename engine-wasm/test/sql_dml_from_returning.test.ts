/**
 * INSERT … SELECT, RETURNING on INSERT / UPDATE / DELETE, ordered_values(), values keyed by Column
 * objects, multi-row and tuple values(), UPDATE … FROM, DELETE with another table (PostgreSQL's
 * USING; SQLite's NotImplementedError), subqueries in SET correlated to the table updated — and
 * their cache keys. Expected SQL, parameters and cache markers are what SQLAlchemy 2.0.52 prints
 * for the same statements (the 53_ / 54_ transcripts, and the same calls run through
 * SQLAlchemy's own pysqlite and psycopg2 compilers).
 */
import {
  Column,
  create_engine,
  delete_,
  exists,
  ForeignKey,
  func,
  Integer,
  insert,
  literal,
  MetaData,
  String as StringType,
  select,
  str,
  Table,
  update,
} from "sqlalchemy";
import { CompileError, InvalidRequestError } from "sqlalchemy/exc";
import { NotImplementedError } from "sqlalchemy/testing";
import { expect, it } from "vitest";
import { captureOutput, eachDatabase } from "./support.ts";

function tables() {
  const m = new MetaData();
  const t = new Table(
    "t",
    m,
    new Column("id", Integer, { primary_key: true }),
    new Column("x", Integer),
    new Column("y", Integer),
    new Column("note", StringType(20), { default: "n/a" }),
  );
  const u = new Table(
    "u",
    m,
    new Column("id", Integer, { primary_key: true }),
    new Column("t_id", ForeignKey("t.id")),
    new Column("v", Integer),
  );
  return { m, t, u };
}

eachDatabase("INSERT … SELECT, RETURNING, UPDATE … FROM", ({ kind, url }) => {
  const out = captureOutput();
  const pg = kind === "postgresql";
  /** A bind as the driver shows it in the SQL. */
  const p = (n: string) => (pg ? `%(${n})s` : "?");
  /** The parameters as the echo log shows them: psycopg2 a dict, pysqlite a tuple. */
  const params = (...kv: [string, string][]) =>
    pg
      ? `{${kv.map(([k, v]) => `'${k}': ${v}`).join(", ")}}`
      : kv.length === 1
        ? `(${kv[0]![1]},)`
        : `(${kv.map(([, v]) => v).join(", ")})`;

  function setup() {
    const engine = create_engine(url, { echo: true });
    const s = tables();
    s.m.create_all(engine);
    engine.begin((conn) => {
      conn.execute(insert(s.t), [
        { x: 1, y: 10 },
        { x: 2, y: 20 },
      ]);
      conn.execute(insert(s.u), [
        { t_id: 1, v: 1 },
        { t_id: 2, v: 2 },
      ]);
    });
    out.clear();
    return { engine, ...s };
  }

  /** The log line after the (last) one that is `sql`. */
  function markerAfter(sql: string, nth = 0): string | undefined {
    const log = out.sql();
    const at = log.flatMap((l, i) => (l === sql ? [i] : []));
    return log[at[nth]! + 1];
  }

  it("from_select() adds the other columns' Python defaults; built the same way twice it is cached", () => {
    const { engine, t, u } = setup();
    const build = (n: number) => insert(t).from_select(["x", "y"], select(u.c.v, u.c.id).where(u.c.v.gt(n)));
    const sql = `INSERT INTO t (x, y, note) SELECT u.v, u.id, ${p("note")} AS anon_1 \nFROM u \nWHERE u.v > ${p("v_1")}`;
    expect(str(build(0))).toBe(
      "INSERT INTO t (x, y, note) SELECT u.v, u.id, :note AS anon_1 \nFROM u \nWHERE u.v > :v_1",
    );
    expect(build(0).compile(engine).toString()).toBe(sql);
    engine.begin((conn) => {
      expect(conn.execute(build(0)).rowcount).toBe(2);
      expect(conn.execute(build(1)).rowcount).toBe(1);
      // include_defaults is not part of SQLAlchemy's cache key: the cached form (with note) runs
      expect(
        conn.execute(insert(t).from_select(["x", "y"], select(u.c.v, u.c.id).where(u.c.v.gt(1)), false))
          .rowcount,
      ).toBe(1);
      const swapped = insert(t).from_select([t.c.y, t.c.x], select(u.c.v, u.c.id).where(u.c.v.gt(1)), false);
      expect(str(swapped)).toBe("INSERT INTO t (y, x) SELECT u.v, u.id \nFROM u \nWHERE u.v > :v_1");
      conn.execute(swapped);
      expect(
        conn
          .execute(select(t.c.x, t.c.y, t.c.note).order_by(t.c.id))
          .all()
          .map((r) => [...r]),
      ).toEqual([
        [1, 10, "n/a"],
        [2, 20, "n/a"],
        [1, 1, "n/a"],
        [2, 2, "n/a"],
        [2, 2, "n/a"],
        [2, 2, "n/a"],
        [2, 2, null],
      ]);
    });
    expect(markerAfter(sql, 0)).toBe(`[generated in Xs] ${params(["note", "'n/a'"], ["v_1", "0"])}`);
    expect(markerAfter(sql, 1)).toBe(`[cached since Xs ago] ${params(["note", "'n/a'"], ["v_1", "1"])}`);
    expect(markerAfter(sql, 2)).toBe(`[cached since Xs ago] ${params(["note", "'n/a'"], ["v_1", "1"])}`);
    expect(markerAfter(`INSERT INTO t (y, x) SELECT u.v, u.id \nFROM u \nWHERE u.v > ${p("v_1")}`)).toBe(
      `[generated in Xs] ${params(["v_1", "1"])}`,
    );
  });

  it("from_select() with RETURNING; values() after from_select() and the reverse are refused", () => {
    const { engine, t, u } = setup();
    const stmt = insert(t)
      .from_select(["x", "y"], select(u.c.v, u.c.id.add(100)), false)
      .returning(t.c.id, t.c.y);
    expect(str(stmt)).toBe(
      "INSERT INTO t (x, y) SELECT u.v, u.id + :id_1 AS anon_1 \nFROM u RETURNING t.id, t.y",
    );
    engine.begin((conn) => {
      const rows = conn
        .execute(stmt)
        .all()
        .map((r) => [...r]);
      expect(rows.sort((a, b) => (a[0] as number) - (b[0] as number))).toEqual([
        [3, 101],
        [4, 102],
      ]);
    });
    expect(out.sql()).toContain(
      `INSERT INTO t (x, y) SELECT u.v, u.id + ${p("id_1")} AS anon_1 \nFROM u RETURNING ${pg ? "t.id, t.y" : "id, y"}`,
    );
    expect(() => insert(t).values({ x: 1 }).from_select(["x"], select(u.c.v))).toThrow(
      new InvalidRequestError("This construct already inserts value expressions"),
    );
    expect(() => insert(t).from_select(["x"], select(u.c.v)).values({ x: 1 })).toThrow(
      new InvalidRequestError("This construct already inserts from a SELECT"),
    );
  });

  it("insert().returning() one row and several: rows back, cached the second time", () => {
    const { engine, t } = setup();
    engine.begin((conn) => {
      const one = (x: number) => insert(t).values({ x }).returning(t.c.id, t.c.note);
      expect([...conn.execute(one(5)).one()]).toEqual([3, "n/a"]);
      expect([...conn.execute(one(6)).one()]).toEqual([4, "n/a"]);
      expect(str(insert(t).values([{ x: 7 }, { x: t.c.y.add(1) }]))).toBe(
        "INSERT INTO t (x, note) VALUES (:x_m0, :note), ((t.y + :y_1), :note_m1)",
      );
      const many = insert(t)
        .values([
          { x: 7, y: 1 },
          { x: 8, y: literal(3).mul(2) },
        ])
        .returning(t.c.id);
      expect(str(many)).toBe(
        "INSERT INTO t (x, y, note) VALUES (:x_m0, :y_m0, :note), (:x_m1, (:param_1 * :param_2), :note_m1) RETURNING t.id",
      );
      expect(conn.execute(many).scalars().all().sort()).toEqual([5, 6]);
    });
    const sql = `INSERT INTO t (x, note) VALUES (${p("x")}, ${p("note")}) RETURNING ${pg ? "t.id, t.note" : "id, note"}`;
    expect(markerAfter(sql, 0)).toBe(`[generated in Xs] ${params(["x", "5"], ["note", "'n/a'"])}`);
    expect(markerAfter(sql, 1)).toBe(`[cached since Xs ago] ${params(["x", "6"], ["note", "'n/a'"])}`);
    const multi = `INSERT INTO t (x, y, note) VALUES (${p("x_m0")}, ${p("y_m0")}, ${p("note")}), (${p("x_m1")}, (${p("param_1")} * ${p("param_2")}), ${p("note_m1")}) RETURNING ${pg ? "t.id" : "id"}`;
    expect(markerAfter(multi)).toBe(
      `[no key Xs] ${params(["x_m0", "7"], ["y_m0", "1"], ["note", "'n/a'"], ["x_m1", "8"], ["param_1", "3"], ["param_2", "2"], ["note_m1", "'n/a'"])}`,
    );
  });

  it("values() as a tuple per column, rows of tuples, and mixing one row with several refused", () => {
    const { t } = setup();
    expect(str(insert(t).values([9, 1, 2, "a"]))).toBe(
      "INSERT INTO t (id, x, y, note) VALUES (:id, :x, :y, :note)",
    );
    expect(
      str(
        insert(t).values([
          [9, 1, 2, "a"],
          [10, 3, 4, "b"],
        ]),
      ),
    ).toBe(
      "INSERT INTO t (id, x, y, note) VALUES (:id_m0, :x_m0, :y_m0, :note_m0), (:id_m1, :x_m1, :y_m1, :note_m1)",
    );
    expect(() =>
      str(
        insert(t)
          .values([{ x: 1 }])
          .values({ x: 2 }),
      ),
    ).toThrow(
      new InvalidRequestError(
        "Can't mix single and multiple VALUES formats in one INSERT statement; one style appends to a list while the other replaces values, so the intent is ambiguous.",
      ),
    );
    const m = new MetaData();
    const nodefault = new Table(
      "n",
      m,
      new Column("id", Integer, { primary_key: true }),
      new Column("x", Integer),
    );
    expect(() => str(insert(nodefault).values([{ id: 1, x: 1 }, { id: 2 }]))).toThrow(
      new CompileError(
        "INSERT value for column n.x is explicitly rendered as a boundparameter in the VALUES clause; a Python-side value or SQL expression is required",
      ),
    );
  });

  it("ordered_values() keeps its SET order; values keyed by Column objects; both in the cache key", () => {
    const { engine, t } = setup();
    expect(str(update(t).ordered_values([t.c.y, 20], [t.c.x, t.c.y.add(10)]))).toBe(
      "UPDATE t SET y=:y, x=(t.y + :y_1)",
    );
    expect(str(update(t).ordered_values(["y", 20], ["x", t.c.y.add(10)]))).toBe(
      "UPDATE t SET y=:y, x=(t.y + :y_1)",
    );
    expect(
      str(
        update(t).values(
          new Map<unknown, unknown>([
            [t.c.y, 5],
            [t.c.x, t.c.x.add(1)],
          ]),
        ),
      ),
    ).toBe("UPDATE t SET x=(t.x + :x_1), y=:y");
    expect(() => update(t).values({ x: 1 }).ordered_values(["y", 2])).toThrow(
      "This statement already has values present",
    );
    expect(() => update(t).ordered_values(["y", 2]).values({ x: 1 })).toThrow(
      new InvalidRequestError("This statement already has ordered values present"),
    );
    engine.begin((conn) => {
      conn.execute(update(t).values({ x: 1 }));
      conn.execute(update(t).values(new Map([[t.c.x, 1]])));
      conn.execute(update(t).values(new Map([[t.c.x, 2]])));
      conn.execute(update(t).values({ y: 1, x: 2 }));
      conn.execute(update(t).ordered_values(["y", 1], ["x", 2]));
      conn.execute(update(t).ordered_values(["y", 3], ["x", 4]));
      conn.execute(update(t).ordered_values(["x", 3], ["y", 4]));
    });
    const log = out.sql().filter((l) => !l.startsWith("BEGIN") && l !== "COMMIT");
    expect(log).toEqual([
      `UPDATE t SET x=${p("x")}`,
      `[generated in Xs] ${params(["x", "1"])}`,
      `UPDATE t SET x=${p("x")}`,
      `[generated in Xs] ${params(["x", "1"])}`,
      `UPDATE t SET x=${p("x")}`,
      `[cached since Xs ago] ${params(["x", "2"])}`,
      `UPDATE t SET x=${p("x")}, y=${p("y")}`,
      `[generated in Xs] ${params(["x", "2"], ["y", "1"])}`,
      `UPDATE t SET y=${p("y")}, x=${p("x")}`,
      `[generated in Xs] ${params(["y", "1"], ["x", "2"])}`,
      `UPDATE t SET y=${p("y")}, x=${p("x")}`,
      `[cached since Xs ago] ${params(["y", "3"], ["x", "4"])}`,
      `UPDATE t SET x=${p("x")}, y=${p("y")}`,
      `[generated in Xs] ${params(["x", "3"], ["y", "4"])}`,
    ]);
  });

  it("UPDATE … FROM when SET or WHERE names another table; with RETURNING; cached when built again", () => {
    const { engine, t, u } = setup();
    const build = (n: number) =>
      update(t)
        .where(t.c.id.eq(u.c.t_id))
        .values({ y: u.c.v.add(n) });
    expect(str(build(10))).toBe("UPDATE t SET y=(u.v + :v_1) FROM u WHERE t.id = u.t_id");
    const sql = `UPDATE t SET y=(u.v + ${p("v_1")}) FROM u WHERE t.id = u.t_id`;
    expect(build(10).compile(engine).toString()).toBe(sql);
    engine.begin((conn) => {
      expect(conn.execute(build(10)).rowcount).toBe(2);
      expect(conn.execute(build(20)).rowcount).toBe(2);
      const rows = conn
        .execute(build(30).returning(t.c.id, t.c.y))
        .all()
        .map((r) => [...r]);
      expect(rows.sort((a, b) => (a[0] as number) - (b[0] as number))).toEqual([
        [1, 31],
        [2, 32],
      ]);
    });
    expect(markerAfter(sql, 0)).toBe(`[generated in Xs] ${params(["v_1", "10"])}`);
    expect(markerAfter(sql, 1)).toBe(`[cached since Xs ago] ${params(["v_1", "20"])}`);
    expect(out.sql()).toContain(`${sql} RETURNING ${pg ? "t.id, t.y" : "id, y"}`);
    // a column of another table as a SET key: only MySQL can do that
    expect(() =>
      str(
        update(t)
          .where(t.c.id.eq(u.c.t_id))
          .values(
            new Map<unknown, unknown>([
              [t.c.x, 1],
              [u.c.v, 2],
            ]),
          ),
      ),
    ).toThrow(
      new CompileError(
        "Backend does not support additional tables in the SET clause; cannot include columns from table(s) 'u' in SET clause",
      ),
    );
  });

  it("a subquery in SET correlates to the table updated; a subquery in a DELETE's WHERE too", () => {
    const { engine, t, u } = setup();
    const build = () =>
      update(t).values({ y: select(u.c.v).where(u.c.t_id.eq(t.c.id)).scalar_subquery().mul(3) });
    const sql = "UPDATE t SET y=((SELECT u.v \nFROM u \nWHERE u.t_id = t.id) * %s)";
    expect(str(build())).toBe(sql.replace("%s", ":param_1"));
    expect(str(update(t).values({ y: select(u.c.v).where(u.c.id.eq(1)).scalar_subquery() }))).toBe(
      "UPDATE t SET y=(SELECT u.v \nFROM u \nWHERE u.id = :id_1)",
    );
    const del = delete_(u).where(exists(select(t.c.id).where(t.c.id.eq(u.c.t_id), t.c.y.gt(4))));
    expect(str(del)).toBe(
      "DELETE FROM u WHERE EXISTS (SELECT t.id \nFROM t \nWHERE t.id = u.t_id AND t.y > :y_1)",
    );
    engine.begin((conn) => {
      expect(conn.execute(build()).rowcount).toBe(2);
      expect(conn.execute(build()).rowcount).toBe(2);
      expect(conn.execute(select(t.c.y).order_by(t.c.id)).scalars().all()).toEqual([3, 6]);
      expect(conn.execute(del).rowcount).toBe(1);
    });
    const compiled = sql.replace("%s", p("param_1"));
    expect(markerAfter(compiled, 0)).toBe(`[generated in Xs] ${params(["param_1", "3"])}`);
    expect(markerAfter(compiled, 1)).toBe(`[cached since Xs ago] ${params(["param_1", "3"])}`);
  });

  it("DELETE naming another table: ', t' as a string, USING on PostgreSQL, NotImplementedError on SQLite", () => {
    const { engine, t, u } = setup();
    const build = (n: number) => delete_(u).where(u.c.t_id.eq(t.c.id)).where(t.c.y.gt(n)).returning(u.c.id);
    const multi = build(15);
    expect(str(multi)).toBe("DELETE FROM u , t WHERE u.t_id = t.id AND t.y > :y_1 RETURNING u.id");
    if (pg) {
      const sql = "DELETE FROM u USING t WHERE u.t_id = t.id AND t.y > %(y_1)s RETURNING u.id";
      expect(multi.compile(engine).toString()).toBe(sql);
      engine.begin((conn) => {
        expect(conn.execute(multi).scalars().all()).toEqual([2]);
        expect(conn.execute(build(5)).scalars().all()).toEqual([1]);
      });
      expect(markerAfter(sql, 0)).toBe("[generated in Xs] {'y_1': 15}");
      expect(markerAfter(sql, 1)).toBe("[cached since Xs ago] {'y_1': 5}");
    } else {
      expect(() => multi.compile(engine)).toThrow(
        new NotImplementedError("This backend does not support multiple-table criteria within DELETE"),
      );
    }
  });

  it("delete().returning() and update().returning(): rows back; other RETURNING columns, another key", () => {
    const { engine, t, u } = setup();
    engine.begin((conn) => {
      conn.execute(delete_(u));
      expect(
        conn.execute(update(t).where(t.c.id.eq(1)).values({ x: t.c.x.neg() }).returning(t.c.x)).scalar(),
      ).toBe(-1);
      expect(
        conn
          .execute(delete_(t).where(t.c.y.gt(15)).returning(t.c.id))
          .scalars()
          .all(),
      ).toEqual([2]);
      expect(
        conn
          .execute(delete_(t).where(t.c.y.gt(16)).returning(t.c.id))
          .scalars()
          .all(),
      ).toEqual([]);
      expect([...conn.execute(delete_(t).where(t.c.y.gt(5)).returning(t)).one()]).toEqual([1, -1, 10, "n/a"]);
    });
    const upd = `UPDATE t SET x=(-t.x) WHERE t.id = ${p("id_1")} RETURNING ${pg ? "t.x" : "x"}`;
    const del = `DELETE FROM t WHERE t.y > ${p("y_1")} RETURNING ${pg ? "t.id" : "id"}`;
    expect(markerAfter(upd)).toBe(`[generated in Xs] ${params(["id_1", "1"])}`);
    expect(markerAfter(del, 0)).toBe(`[generated in Xs] ${params(["y_1", "15"])}`);
    expect(markerAfter(del, 1)).toBe(`[cached since Xs ago] ${params(["y_1", "16"])}`);
    const all = `DELETE FROM t WHERE t.y > ${p("y_1")} RETURNING ${pg ? "t.id, t.x, t.y, t.note" : "id, x, y, note"}`;
    expect(markerAfter(all)).toBe(`[generated in Xs] ${params(["y_1", "5"])}`);
  });

  it("RETURNING labels expressions as a SELECT does: anon_1, a function's name, a repeated column", () => {
    const { engine, t } = setup();
    const stmt = update(t)
      .where(t.c.id.eq(1))
      .values({ x: 5 })
      .returning(t.c.x.add(1), t.c.note.label("nn"), func.lower(t.c.note), t.c.id, t.c.id);
    expect(str(stmt)).toBe(
      "UPDATE t SET x=:x WHERE t.id = :id_1 RETURNING t.x + :x_1 AS anon_1, t.note AS nn, lower(t.note) AS lower_1, t.id, t.id",
    );
    const sql = pg
      ? "UPDATE t SET x=%(x)s WHERE t.id = %(id_1)s RETURNING t.x + %(x_1)s AS anon_1, t.note AS nn, lower(t.note) AS lower_1, t.id, t.id AS id__1"
      : "UPDATE t SET x=? WHERE t.id = ? RETURNING x + ? AS anon_1, note AS nn, lower(note) AS lower_1, id, id AS id__1";
    expect(stmt.compile(engine).toString()).toBe(sql);
    engine.begin((conn) => {
      const result = conn.execute(stmt);
      expect([...result.keys()]).toEqual(["anon_1", "nn", "lower_1", "id", "id__1"]);
      expect([...result.one()]).toEqual([6, "n/a", "n/a", 1, 1]);
    });
  });
});
