/**
 * The VALUES construct (SQLAlchemy's Values): as a named FROM `(VALUES …) AS v (a, b)` in a SELECT
 * and in UPDATE … FROM, unnamed, with literal_binds, and as an expression through scalar_values().
 * A statement holding VALUES rows has no cache key (`[no key]`), as in SQLAlchemy. SQLite has no
 * column list after a subquery's alias, so there the named form fails in SQLite itself, exactly as
 * it does under SQLAlchemy. Expected output is what SQLAlchemy 2.0.52 prints for the same calls.
 */
import {
  Column,
  column,
  create_engine,
  Integer,
  insert,
  MetaData,
  String as StringType,
  select,
  str,
  Table,
  update,
  Values,
  values,
} from "sqlalchemy";
import { OperationalError } from "sqlalchemy/exc";
import { expect, it } from "vitest";
import { captureOutput, eachDatabase } from "./support.ts";

eachDatabase("VALUES", ({ kind, url }) => {
  const out = captureOutput();
  const pg = kind === "postgresql";
  const p = (n: string) => (pg ? `%(${n})s` : "?");

  function setup() {
    const engine = create_engine(url, { echo: true });
    const m = new MetaData();
    const users = new Table(
      "user_account",
      m,
      new Column("id", Integer, { primary_key: true }),
      new Column("name", StringType(30)),
    );
    m.create_all(engine);
    engine.begin((conn) => {
      conn.execute(insert(users), [{ name: "a" }, { name: "b" }, { name: "c" }]);
    });
    out.clear();
    return { engine, users };
  }

  it("Values(table columns, { name }) in UPDATE … FROM: columns proxied to the VALUES, one bind per value", () => {
    const { engine, users } = setup();
    const v = Values(users.c.id, users.c.name, { name: "my_values" }).data([
      [1, "new_name"],
      [2, "another_name"],
      ["3", "name_name"],
    ]);
    const stmt = update(users).values({ name: v.c.name }).where(users.c.id.eq(v.c.id));
    expect(str(stmt)).toBe(
      "UPDATE user_account SET name=my_values.name FROM (VALUES (:param_1, :param_2), (:param_3, :param_4), (:param_5, :param_6)) AS my_values (id, name) WHERE user_account.id = my_values.id",
    );
    expect(stmt.compile(engine).params).toEqual({
      param_1: 1,
      param_2: "new_name",
      param_3: 2,
      param_4: "another_name",
      param_5: "3",
      param_6: "name_name",
    });
    const sql = `UPDATE user_account SET name=my_values.name FROM (VALUES (${p("param_1")}, ${p("param_2")}), (${p("param_3")}, ${p("param_4")}), (${p("param_5")}, ${p("param_6")})) AS my_values (id, name) WHERE user_account.id = my_values.id`;
    if (pg) {
      engine.begin((conn) => {
        expect(conn.execute(stmt).rowcount).toBe(3);
        expect(conn.execute(select(users.c.name).order_by(users.c.id)).scalars().all()).toEqual([
          "new_name",
          "another_name",
          "name_name",
        ]);
      });
      const log = out.sql();
      expect(log[log.indexOf(sql) + 1]).toBe(
        "[no key Xs] {'param_1': 1, 'param_2': 'new_name', 'param_3': 2, 'param_4': 'another_name', 'param_5': '3', 'param_6': 'name_name'}",
      );
    } else {
      using conn = engine.connect();
      expect(() => conn.execute(stmt)).toThrow(OperationalError);
      const log = out.sql();
      expect(log[log.indexOf(sql) + 1]).toBe(
        "[no key Xs] (1, 'new_name', 2, 'another_name', '3', 'name_name')",
      );
    }
  });

  it("values(column(), …) as a SELECT's FROM, unnamed, with literal_binds; never cached", () => {
    const { engine } = setup();
    const v = values(column("a", Integer), column("b", StringType), { name: "v" }).data([
      [1, "x"],
      [2, "y"],
    ]);
    expect(v.c.keys()).toEqual(["a", "b"]);
    const stmt = select(v.c.a, v.c.b).where(v.c.b.ne("z")).order_by(v.c.a);
    expect(str(stmt)).toBe(
      "SELECT v.a, v.b \nFROM (VALUES (:param_1, :param_2), (:param_3, :param_4)) AS v (a, b) \nWHERE v.b != :b_1 ORDER BY v.a",
    );
    expect(str(select(v))).toBe(
      "SELECT v.a, v.b \nFROM (VALUES (:param_1, :param_2), (:param_3, :param_4)) AS v (a, b)",
    );
    expect(
      str(
        select(
          values(column("a", Integer), column("b", StringType), { name: "v", literal_binds: true }).data([
            [1, "x"],
            [2, "y"],
          ]),
        ),
      ),
    ).toBe("SELECT v.a, v.b \nFROM (VALUES (1, 'x'), (2, 'y')) AS v (a, b)");
    expect(str(select(values(column("a", Integer)).data([[1], [2]])))).toBe(
      "SELECT a \nFROM (VALUES (:param_1), (:param_2))",
    );
    if (pg) {
      using conn = engine.connect();
      expect(str(conn.execute(stmt).all())).toBe("[(1, 'x'), (2, 'y')]");
      conn.execute(stmt);
      const sql =
        "SELECT v.a, v.b \nFROM (VALUES (%(param_1)s, %(param_2)s), (%(param_3)s, %(param_4)s)) AS v (a, b) \nWHERE v.b != %(b_1)s ORDER BY v.a";
      const log = out.sql();
      const marker = "[no key Xs] {'param_1': 1, 'param_2': 'x', 'param_3': 2, 'param_4': 'y', 'b_1': 'z'}";
      expect(log[log.indexOf(sql) + 1]).toBe(marker);
      expect(log[log.lastIndexOf(sql) + 1]).toBe(marker);
    }
  });

  it("scalar_values() as the right side of IN, on both databases", () => {
    const { engine, users } = setup();
    const build = () =>
      select(users.c.name)
        .where(
          users.c.id.in_(
            values(column("a", Integer))
              .data([[1], [3]])
              .scalar_values(),
          ),
        )
        .order_by(users.c.id);
    expect(str(build())).toBe(
      "SELECT user_account.name \nFROM user_account \nWHERE user_account.id IN (VALUES (:param_1), (:param_2)) ORDER BY user_account.id",
    );
    using conn = engine.connect();
    expect(conn.execute(build()).scalars().all()).toEqual(["a", "c"]);
    expect(conn.execute(build()).scalars().all()).toEqual(["a", "c"]);
    const sql = `SELECT user_account.name \nFROM user_account \nWHERE user_account.id IN (VALUES (${p("param_1")}), (${p("param_2")})) ORDER BY user_account.id`;
    const marker = pg ? "[no key Xs] {'param_1': 1, 'param_2': 3}" : "[no key Xs] (1, 3)";
    const log = out.sql();
    expect(log[log.indexOf(sql) + 1]).toBe(marker);
    expect(log[log.lastIndexOf(sql) + 1]).toBe(marker);
  });
});
