/**
 * Table reflection, `Table(name, metadata, { autoload_with })` and the Inspector, as SQLAlchemy
 * 2.0.52 reflects a SQLite table (dialects/sqlite/base.py, engine/reflection.py): the statements it
 * sends, in its order, and the Table it builds. On PostgreSQL the port does not reflect yet: it says
 * so with NotImplementedError.
 */
import { create_engine, inspect, MetaData, repr, Table, text } from "sqlalchemy";
import { NoSuchTableError } from "sqlalchemy/exc";
import { describe, expect, it } from "vitest";
import { captureOutput, eachDatabase } from "./support.ts";

eachDatabase("reflection", (db) => {
  const out = captureOutput();
  describe("Table(..., { autoload_with })", () => {
    if (db.kind === "sqlite") {
      it("reads columns, types, nullability and the primary key with SQLAlchemy's statements", () => {
        const engine = create_engine(db.url, { echo: true });
        engine.begin((conn) => {
          conn.execute(text("DROP TABLE IF EXISTS refl_t"));
          conn.execute(
            text(
              "CREATE TABLE refl_t (id INTEGER PRIMARY KEY, name VARCHAR(30) NOT NULL, n NUMERIC(10, 2), x int, z)",
            ),
          );
        });
        const md = new MetaData();
        out.clear();
        const t = new Table("refl_t", md, { autoload_with: engine });
        expect(repr(t)).toBe(
          "Table('refl_t', MetaData(), Column('id', INTEGER(), table=<refl_t>, primary_key=True, nullable=False), " +
            "Column('name', VARCHAR(length=30), table=<refl_t>, nullable=False), " +
            "Column('n', NUMERIC(precision=10, scale=2), table=<refl_t>), Column('x', INTEGER(), table=<refl_t>), " +
            "Column('z', NullType(), table=<refl_t>), schema=None)",
        );
        const tableSql =
          "SELECT sql FROM  (SELECT * FROM sqlite_master UNION ALL   SELECT * FROM sqlite_temp_master) WHERE name = ? AND type in ('table', 'view')";
        const sql = out.sql();
        expect(sql.filter((l) => !l.startsWith("[") && l !== "BEGIN (implicit)" && l !== "ROLLBACK")).toEqual(
          [
            'PRAGMA main.table_xinfo("refl_t")',
            tableSql, // get_pk_constraint (not cached)
            'PRAGMA main.foreign_key_list("refl_t")',
            'PRAGMA temp.foreign_key_list("refl_t")',
            tableSql, // get_foreign_keys (not cached)
            'PRAGMA main.index_list("refl_t")',
            'PRAGMA temp.index_list("refl_t")',
            'PRAGMA main.table_info("refl_t")', // has_table: no indexes
            'PRAGMA main.index_list("refl_t")', // get_unique_constraints' automatic indexes
            'PRAGMA temp.index_list("refl_t")',
            'PRAGMA main.table_info("refl_t")',
            tableSql, // cached from here on (check constraints reuse it)
          ],
        );
        expect(sql[0]).toBe("BEGIN (implicit)");
        expect(sql[2]).toBe("[raw sql] ()");
        expect(sql[4]).toBe("[raw sql] ('refl_t',)");
        expect(sql.at(-1)).toBe("ROLLBACK");
        engine.dispose();
      });

      it("raises NoSuchTableError and leaves no table behind", () => {
        const engine = create_engine(db.url);
        const md = new MetaData();
        expect(() => new Table("no_such_table", md, { autoload_with: engine })).toThrow(NoSuchTableError);
        expect(md.tables.has("no_such_table")).toBe(false);
        expect(inspect(engine).has_table("no_such_table")).toBe(false);
        engine.dispose();
      });
    } else {
      it("says it does not reflect PostgreSQL tables yet", () => {
        const engine = create_engine(db.url);
        const md = new MetaData();
        expect(() => new Table("anything", md, { autoload_with: engine })).toThrow(
          expect.objectContaining({
            name: "NotImplementedError",
            message: expect.stringMatching(/postgresql/),
          }),
        );
        expect(md.tables.has("anything")).toBe(false);
        engine.dispose();
      });
    }
  });
});
