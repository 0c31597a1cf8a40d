/**
 * Table reflection, `Table(name, metadata, { autoload_with })` and the Inspector, as SQLAlchemy
 * 2.0.52 reflects on SQLite (dialects/sqlite/base.py: PRAGMAs and sqlite_master) and on PostgreSQL
 * (dialects/postgresql/base.py: one pg_catalog query per kind of information): the statements it
 * sends, in its order, what the Inspector reports and the Table it builds. The expected values are
 * what SQLAlchemy 2.0.52 prints for the same tables (its echo log, the reprs of its answers).
 */
import { create_engine, insert, inspect, MetaData, repr, select, Table, text } from "sqlalchemy";
import { NoSuchTableError } from "sqlalchemy/exc";
import { describe, expect, it } from "vitest";
import { captureOutput, eachDatabase } from "./support.ts";

/** The columns query of PGDialect.get_multi_columns for one table, as SQLAlchemy logs it. */
const PG_COLUMNS_SQL =
  'SELECT pg_catalog.pg_attribute.attname AS name, pg_catalog.format_type(pg_catalog.pg_attribute.atttypid, pg_catalog.pg_attribute.atttypmod) AS format_type, (SELECT pg_catalog.pg_get_expr(pg_catalog.pg_attrdef.adbin, pg_catalog.pg_attrdef.adrelid) AS pg_get_expr_1 \nFROM pg_catalog.pg_attrdef \nWHERE pg_catalog.pg_attrdef.adrelid = pg_catalog.pg_attribute.attrelid AND pg_catalog.pg_attrdef.adnum = pg_catalog.pg_attribute.attnum AND pg_catalog.pg_attribute.atthasdef) AS "default", pg_catalog.pg_attribute.attnotnull AS not_null, pg_catalog.pg_class.relname AS table_name, pg_catalog.pg_description.description AS comment, pg_catalog.pg_attribute.attgenerated AS generated, (SELECT json_build_object(%(json_build_object_2)s, pg_catalog.pg_attribute.attidentity = %(attidentity_1)s, %(json_build_object_3)s, pg_catalog.pg_sequence.seqstart, %(json_build_object_4)s, pg_catalog.pg_sequence.seqincrement, %(json_build_object_5)s, pg_catalog.pg_sequence.seqmin, %(json_build_object_6)s, pg_catalog.pg_sequence.seqmax, %(json_build_object_7)s, pg_catalog.pg_sequence.seqcache, %(json_build_object_8)s, pg_catalog.pg_sequence.seqcycle) AS json_build_object_1 \nFROM pg_catalog.pg_sequence \nWHERE pg_catalog.pg_attribute.attidentity != %(attidentity_2)s AND pg_catalog.pg_sequence.seqrelid = CAST(CAST(pg_catalog.pg_get_serial_sequence(CAST(CAST(pg_catalog.pg_attribute.attrelid AS REGCLASS) AS TEXT), pg_catalog.pg_attribute.attname) AS REGCLASS) AS OID)) AS identity_options, CASE WHEN (pg_catalog.pg_attribute.attcollation != %(attcollation_1)s AND (SELECT pg_catalog.pg_type.typcollation \nFROM pg_catalog.pg_type \nWHERE pg_catalog.pg_type.oid = pg_catalog.pg_attribute.atttypid) != pg_catalog.pg_attribute.attcollation) THEN (SELECT pg_catalog.pg_collation.collname \nFROM pg_catalog.pg_collation \nWHERE pg_catalog.pg_collation.oid = pg_catalog.pg_attribute.attcollation) ELSE NULL END AS collation \nFROM pg_catalog.pg_class LEFT OUTER JOIN pg_catalog.pg_attribute ON pg_catalog.pg_class.oid = pg_catalog.pg_attribute.attrelid AND pg_catalog.pg_attribute.attnum > %(attnum_1)s AND NOT pg_catalog.pg_attribute.attisdropped LEFT OUTER JOIN pg_catalog.pg_description ON pg_catalog.pg_description.objoid = pg_catalog.pg_attribute.attrelid AND pg_catalog.pg_description.objsubid = pg_catalog.pg_attribute.attnum JOIN pg_catalog.pg_namespace ON pg_catalog.pg_namespace.oid = pg_catalog.pg_class.relnamespace \nWHERE pg_catalog.pg_class.relkind = ANY (ARRAY[%(param_1)s, %(param_2)s, %(param_3)s, %(param_4)s, %(param_5)s]) AND pg_catalog.pg_table_is_visible(pg_catalog.pg_class.oid) AND pg_catalog.pg_namespace.nspname != %(nspname_1)s AND pg_catalog.pg_class.relname IN (%(filter_names_1)s) ORDER BY pg_catalog.pg_class.relname, pg_catalog.pg_attribute.attnum';

/** The first line of each statement Table("some_table", …) sends on PostgreSQL, and its parameters. */
const PG_REFLECT_SOME_TABLE: [string, string][] = [
  [
    "SELECT pg_catalog.pg_attribute.attname AS name, pg_catalog.format_type(pg_catalog.pg_attribute.atttypid, pg_catalog.pg_attribute.atttypmod) AS format_type, (SELECT pg_catalog.pg_get_expr(pg_catalog.pg_attrdef.adbin, pg_catalog.pg_attrdef.adrelid) AS pg_get_expr_1 ",
    "[generated in Xs] {'json_build_object_2': 'always', 'attidentity_1': 'a', 'json_build_object_3': 'start', 'json_build_object_4': 'increment', 'json_build_object_5': 'minvalue', 'json_build_object_6': 'maxvalue', 'json_build_object_7': 'cache', 'json_build_object_8': 'cycle', 'attidentity_2': '', 'attcollation_1': 0, 'attnum_1': 0, 'param_1': 'r', 'param_2': 'p', 'param_3': 'f', 'param_4': 'v', 'param_5': 'm', 'nspname_1': 'pg_catalog', 'filter_names_1': 'some_table'}",
  ],
  [
    'SELECT pg_catalog.pg_type.typname AS name, pg_catalog.format_type(pg_catalog.pg_type.typbasetype, pg_catalog.pg_type.typtypmod) AS attype, NOT pg_catalog.pg_type.typnotnull AS nullable, pg_catalog.pg_type.typdefault AS "default", pg_catalog.pg_type_is_visible(pg_catalog.pg_type.oid) AS visible, pg_catalog.pg_namespace.nspname AS schema, domain_constraints.condefs, domain_constraints.connames, pg_catalog.pg_collation.collname ',
    "[generated in Xs] {'pg_get_constraintdef_1': True, 'contypid_1': 0, 'typtype_1': 'd'}",
  ],
  [
    "SELECT pg_catalog.pg_type.typname AS name, pg_catalog.pg_type_is_visible(pg_catalog.pg_type.oid) AS visible, pg_catalog.pg_namespace.nspname AS schema, lbl_agg.labels AS labels ",
    "[generated in Xs] {'typtype_1': 'e'}",
  ],
  [
    "SELECT pg_catalog.pg_class.oid, pg_catalog.pg_class.relname ",
    "[generated in Xs] {'param_1': 'r', 'param_2': 'p', 'param_3': 'f', 'param_4': 'v', 'param_5': 'm', 'nspname_1': 'pg_catalog', 'filter_names_1': 'some_table'}",
  ],
  [
    "SELECT attr.conrelid, array_agg(CAST(attr.attname AS TEXT) ORDER BY attr.ord) AS cols, attr.conname, min(attr.description) AS description, min(attr.indnkeyatts) AS indnkeyatts, bool_and(attr.indnullsnotdistinct) AS indnullsnotdistinct ",
    "[generated in Xs] {'generate_subscripts_1': 1, 'contype': 'p', 'oids_1': OID}",
  ],
  [
    "SELECT pg_catalog.pg_class.relname, pg_catalog.pg_constraint.conname, CASE WHEN (pg_catalog.pg_constraint.oid IS NOT NULL) THEN pg_catalog.pg_get_constraintdef(pg_catalog.pg_constraint.oid, %(pg_get_constraintdef_1)s) END AS anon_1, nsp_ref.nspname, pg_catalog.pg_description.description ",
    "[generated in Xs] {'pg_get_constraintdef_1': True, 'contype_1': 'f', 'param_1': 'r', 'param_2': 'p', 'param_3': 'f', 'param_4': 'v', 'param_5': 'm', 'nspname_1': 'pg_catalog', 'filter_names_1': 'some_table'}",
  ],
  [
    "SELECT pg_catalog.pg_index.indrelid, pg_catalog.pg_class.relname, pg_catalog.pg_index.indisunique, pg_catalog.pg_constraint.conrelid IS NOT NULL AS has_constraint, pg_catalog.pg_index.indoption, pg_catalog.pg_class.reloptions, pg_catalog.pg_am.amname, CASE WHEN (pg_catalog.pg_index.indpred IS NOT NULL) THEN pg_catalog.pg_get_expr(pg_catalog.pg_index.indpred, pg_catalog.pg_index.indrelid) END AS filter_definition, pg_catalog.pg_index.indnkeyatts, pg_catalog.pg_index.indnullsnotdistinct, idx_cols.elements, idx_cols.elements_is_expr, idx_cols.elements_opclass, idx_cols.elements_opdefault ",
    "[generated in Xs] {'attnum_1': 0, 'ord_1': 1, 'pg_get_indexdef_1': True, 'attnum_2': 0, 'generate_subscripts_1': 1, 'param_1': 'p', 'param_2': 'u', 'param_3': 'x', 'oids_1': OID}",
  ],
  [
    "SELECT attr.conrelid, array_agg(CAST(attr.attname AS TEXT) ORDER BY attr.ord) AS cols, attr.conname, min(attr.description) AS description, min(attr.indnkeyatts) AS indnkeyatts, bool_and(attr.indnullsnotdistinct) AS indnullsnotdistinct ",
    "[cached since Xs ago] {'generate_subscripts_1': 1, 'contype': 'u', 'oids_1': OID}",
  ],
  [
    "SELECT pg_catalog.pg_class.relname, pg_catalog.pg_description.description ",
    "[generated in Xs] {'objsubid_1': 0, 'param_1': 'pg_catalog.pg_class', 'param_2': 'r', 'param_3': 'p', 'param_4': 'f', 'param_5': 'v', 'param_6': 'm', 'nspname_1': 'pg_catalog', 'filter_names_1': 'some_table'}",
  ],
  [
    "SELECT pg_catalog.pg_class.relname, pg_catalog.pg_constraint.conname, CASE WHEN (pg_catalog.pg_constraint.oid IS NOT NULL) THEN pg_catalog.pg_get_constraintdef(pg_catalog.pg_constraint.oid, %(pg_get_constraintdef_1)s) END AS anon_1, pg_catalog.pg_description.description ",
    "[generated in Xs] {'pg_get_constraintdef_1': True, 'contype_1': 'c', 'param_1': 'r', 'param_2': 'p', 'param_3': 'f', 'param_4': 'v', 'param_5': 'm', 'nspname_1': 'pg_catalog', 'filter_names_1': 'some_table'}",
  ],
];

eachDatabase("reflection", (db) => {
  const out = captureOutput();
  const pg = db.kind === "postgresql";

  /** parent / child with a foreign key, the same on both databases (SERIAL on PostgreSQL). */
  function createParentChild(engine: ReturnType<typeof create_engine>) {
    engine.begin((conn) => {
      conn.exec_driver_sql("DROP TABLE IF EXISTS child");
      conn.exec_driver_sql("DROP TABLE IF EXISTS parent");
      conn.exec_driver_sql(
        `CREATE TABLE parent (id ${pg ? "SERIAL" : "INTEGER"} PRIMARY KEY, name VARCHAR(30) NOT NULL, score NUMERIC(10, 2))`,
      );
      conn.exec_driver_sql(
        "CREATE TABLE child (id INTEGER PRIMARY KEY, parent_id INTEGER NOT NULL REFERENCES parent (id) ON DELETE CASCADE, note TEXT)",
      );
    });
  }

  describe("Table(..., { autoload_with })", () => {
    it("reflects the tutorial's some_table", () => {
      const engine = create_engine(db.url);
      engine.begin((conn) => {
        conn.execute(text("DROP TABLE IF EXISTS some_table"));
        conn.execute(text("CREATE TABLE some_table (x INTEGER, y INTEGER)"));
      });
      const t = new Table("some_table", new MetaData(), { autoload_with: engine });
      expect(repr(t)).toBe(
        "Table('some_table', MetaData(), Column('x', INTEGER(), table=<some_table>), Column('y', INTEGER(), table=<some_table>), schema=None)",
      );
      engine.dispose();
    });

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
        // SQLite reports INTEGER PRIMARY KEY as nullable, and SQLAlchemy keeps that
        expect(repr(t)).toBe(
          "Table('refl_t', MetaData(), Column('id', INTEGER(), table=<refl_t>, primary_key=True), " +
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
    } else {
      it("sends SQLAlchemy's pg_catalog queries, in its order, in one transaction", () => {
        const engine = create_engine(db.url, { echo: true });
        engine.begin((conn) => {
          conn.execute(text("DROP TABLE IF EXISTS some_table"));
          conn.execute(text("CREATE TABLE some_table (x INTEGER, y INTEGER)"));
        });
        out.clear();
        new Table("some_table", new MetaData(), { autoload_with: engine });
        const sql = out.sql().map((l) => l.replace(/'oids_1': \d+/, "'oids_1': OID"));
        expect(sql[0]).toBe("BEGIN (implicit)");
        expect(sql.at(-1)).toBe("ROLLBACK");
        // each statement's first line, then its parameters
        expect(sql.slice(1, -1).map((l) => l.split("\n")[0])).toEqual(PG_REFLECT_SOME_TABLE.flat());
        expect(sql[1]).toBe(PG_COLUMNS_SQL);
        engine.dispose();
      });

      it("reads SERIAL and identity columns, server defaults, comments, constraints and indexes", () => {
        const engine = create_engine(db.url);
        engine.begin((conn) => {
          conn.exec_driver_sql("DROP TABLE IF EXISTS refl_child, refl_parent");
          conn.exec_driver_sql(
            "CREATE TABLE refl_parent (id SERIAL PRIMARY KEY, name VARCHAR(30) NOT NULL, n NUMERIC(10, 2), created TIMESTAMP DEFAULT now(), flag BOOLEAN DEFAULT false, body TEXT, CONSTRAINT uq_parent_name UNIQUE (name), CONSTRAINT ck_parent_n CHECK (n > 0))",
          );
          conn.exec_driver_sql("COMMENT ON COLUMN refl_parent.body IS 'the text'");
          conn.exec_driver_sql(
            "CREATE TABLE refl_child (id INTEGER GENERATED BY DEFAULT AS IDENTITY, parent_id INTEGER NOT NULL, note VARCHAR, CONSTRAINT pk_child PRIMARY KEY (id), CONSTRAINT fk_child_parent FOREIGN KEY (parent_id) REFERENCES refl_parent (id) ON DELETE CASCADE ON UPDATE SET NULL)",
          );
          conn.exec_driver_sql("CREATE INDEX ix_child_note ON refl_child (note)");
          conn.exec_driver_sql("CREATE UNIQUE INDEX ix_child_pn ON refl_child (parent_id, note)");
        });
        const insp = inspect(engine);
        expect(repr(insp.get_columns("refl_parent"))).toBe(
          "[{'name': 'id', 'type': INTEGER(), 'nullable': False, 'default': \"nextval('refl_parent_id_seq'::regclass)\", 'autoincrement': True, 'comment': None}, " +
            "{'name': 'name', 'type': VARCHAR(length=30), 'nullable': False, 'default': None, 'autoincrement': False, 'comment': None}, " +
            "{'name': 'n', 'type': NUMERIC(precision=10, scale=2), 'nullable': True, 'default': None, 'autoincrement': False, 'comment': None}, " +
            "{'name': 'created', 'type': TIMESTAMP(), 'nullable': True, 'default': 'now()', 'autoincrement': False, 'comment': None}, " +
            "{'name': 'flag', 'type': BOOLEAN(), 'nullable': True, 'default': 'false', 'autoincrement': False, 'comment': None}, " +
            "{'name': 'body', 'type': TEXT(), 'nullable': True, 'default': None, 'autoincrement': False, 'comment': 'the text'}]",
        );
        expect(repr(insp.get_columns("refl_child"))).toBe(
          "[{'name': 'id', 'type': INTEGER(), 'nullable': False, 'default': None, 'autoincrement': True, 'comment': None, 'identity': {'always': False, 'start': 1, 'increment': 1, 'minvalue': 1, 'maxvalue': 2147483647, 'cache': 1, 'cycle': False}}, " +
            "{'name': 'parent_id', 'type': INTEGER(), 'nullable': False, 'default': None, 'autoincrement': False, 'comment': None}, " +
            "{'name': 'note', 'type': VARCHAR(), 'nullable': True, 'default': None, 'autoincrement': False, 'comment': None}]",
        );
        expect(repr(insp.get_pk_constraint("refl_child"))).toBe(
          "{'constrained_columns': ['id'], 'name': 'pk_child', 'comment': None, 'dialect_options': {'postgresql_include': []}}",
        );
        expect(repr(insp.get_foreign_keys("refl_child"))).toBe(
          "[{'name': 'fk_child_parent', 'constrained_columns': ['parent_id'], 'referred_schema': None, 'referred_table': 'refl_parent', 'referred_columns': ['id'], 'options': {'onupdate': 'SET NULL', 'ondelete': 'CASCADE'}, 'comment': None}]",
        );
        expect(repr(insp.get_indexes("refl_child"))).toBe(
          "[{'name': 'ix_child_note', 'unique': False, 'column_names': ['note'], 'include_columns': [], 'dialect_options': {'postgresql_include': []}}, " +
            "{'name': 'ix_child_pn', 'unique': True, 'column_names': ['parent_id', 'note'], 'include_columns': [], 'dialect_options': {'postgresql_include': []}}]",
        );
        expect(repr(insp.get_unique_constraints("refl_parent"))).toBe(
          "[{'column_names': ['name'], 'name': 'uq_parent_name', 'comment': None, 'dialect_options': {'postgresql_include': [], 'postgresql_nulls_not_distinct': False}}]",
        );
        expect(repr(insp.get_check_constraints("refl_parent"))).toBe(
          "[{'name': 'ck_parent_n', 'sqltext': 'n > 0::numeric', 'comment': None}]",
        );
        expect(repr(insp.get_view_names())).toBe("[]");

        const md = new MetaData();
        const child = new Table("refl_child", md, { autoload_with: engine });
        expect([...md.tables.keys()]).toEqual(["refl_child", "refl_parent"]);
        expect(repr(child)).toBe(
          "Table('refl_child', MetaData(), Column('id', INTEGER(), table=<refl_child>, primary_key=True, nullable=False), " +
            "Column('parent_id', INTEGER(), ForeignKey('refl_parent.id'), table=<refl_child>, nullable=False), " +
            "Column('note', VARCHAR(), table=<refl_child>), schema=None)",
        );
        expect(child.primary_key.name).toBe("pk_child");
        expect([...child.indexes].map((i) => [i.name, i.unique, i.columns.map((c) => c.name)])).toEqual([
          ["ix_child_note", false, ["note"]],
          ["ix_child_pn", true, ["parent_id", "note"]],
        ]);
        const fk = [...child.foreign_keys][0]!;
        expect([fk.target_fullname, fk.name, fk.ondelete, fk.onupdate]).toEqual([
          "refl_parent.id",
          "fk_child_parent",
          "CASCADE",
          "SET NULL",
        ]);
        const parent = md.tables.get("refl_parent")!;
        expect(parent.c.body.comment).toBe("the text");
        expect(String(parent.c.created.server_default)).toBe("now()");
        expect(parent.c.id.autoincrement).toBe(true);
        const constraints = [...parent.constraints].map((c) => [c.constructor.name, c.name]);
        expect(constraints).toEqual(
          expect.arrayContaining([
            ["UniqueConstraint", "uq_parent_name"],
            ["CheckConstraint", "ck_parent_n"],
          ]),
        );
        expect(String(insert(child).compile(engine))).toBe(
          "INSERT INTO refl_child (id, parent_id, note) VALUES (%(id)s, %(parent_id)s, %(note)s)",
        );
        engine.dispose();
      });

      it("reflects in a named schema: sequence defaults and referred tables carry it", () => {
        const engine = create_engine(db.url);
        engine.begin((conn) => {
          conn.exec_driver_sql("DROP TABLE IF EXISTS child, parent");
          conn.exec_driver_sql("CREATE TABLE parent (id SERIAL PRIMARY KEY, name VARCHAR(30) NOT NULL)");
          conn.exec_driver_sql(
            "CREATE TABLE child (id INTEGER PRIMARY KEY, parent_id INTEGER REFERENCES parent (id))",
          );
        });
        const insp = inspect(engine);
        expect(insp.get_table_names("public")).toEqual(["parent", "child"]);
        expect(repr(insp.get_columns("parent", "public")[0])).toBe(
          "{'name': 'id', 'type': INTEGER(), 'nullable': False, 'default': 'nextval(\\'\"public\".parent_id_seq\\'::regclass)', 'autoincrement': True, 'comment': None}",
        );
        expect(repr(insp.get_foreign_keys("child", "public"))).toBe(
          "[{'name': 'child_parent_id_fkey', 'constrained_columns': ['parent_id'], 'referred_schema': 'public', 'referred_table': 'parent', 'referred_columns': ['id'], 'options': {}, 'comment': None}]",
        );
        const md = new MetaData();
        const child = new Table("child", md, { schema: "public", autoload_with: engine });
        expect([...md.tables.keys()]).toEqual(["public.child", "public.parent"]);
        expect(repr(child)).toBe(
          "Table('child', MetaData(), Column('id', INTEGER(), table=<child>, primary_key=True, nullable=False), " +
            "Column('parent_id', INTEGER(), ForeignKey('public.parent.id'), table=<child>), schema='public')",
        );
        engine.dispose();
      });
    }

    it("reflects the tables a foreign key refers to; select() and insert() emit what they emit for declared tables", () => {
      const engine = create_engine(db.url);
      createParentChild(engine);
      const md = new MetaData();
      const child = new Table("child", md, { autoload_with: engine });
      expect([...md.tables.keys()]).toEqual(["child", "parent"]);
      const pkNullable = pg ? ", nullable=False" : ""; // SQLite's INTEGER PRIMARY KEY is nullable
      expect(repr(child)).toBe(
        `Table('child', MetaData(), Column('id', INTEGER(), table=<child>, primary_key=True${pkNullable}), ` +
          "Column('parent_id', INTEGER(), ForeignKey('parent.id'), table=<child>, nullable=False), " +
          "Column('note', TEXT(), table=<child>), schema=None)",
      );
      const parent = md.tables.get("parent")!;
      expect(repr(parent)).toBe(
        `Table('parent', MetaData(), Column('id', INTEGER(), table=<parent>, primary_key=True${pkNullable}), ` +
          "Column('name', VARCHAR(length=30), table=<parent>, nullable=False), " +
          "Column('score', NUMERIC(precision=10, scale=2), table=<parent>), schema=None)",
      );
      const fk = [...child.foreign_keys][0]!;
      expect([fk.target_fullname, fk.ondelete, fk.name]).toEqual(
        pg ? ["parent.id", "CASCADE", "child_parent_id_fkey"] : ["parent.id", null, null],
      );
      expect(String(select(child).where(child.c.parent_id.eq(5)))).toBe(
        "SELECT child.id, child.parent_id, child.note \nFROM child \nWHERE child.parent_id = :parent_id_1",
      );
      expect(String(select(child.join(parent)))).toBe(
        "SELECT child.id, child.parent_id, child.note, parent.id AS id_1, parent.name, parent.score \nFROM child JOIN parent ON parent.id = child.parent_id",
      );
      engine.echo = true;
      out.clear();
      engine.begin((conn) => {
        const r = conn.execute(insert(parent).values({ name: "spongebob" }));
        expect(repr(r.inserted_primary_key)).toBe("(1,)");
      });
      expect(out.sql()[1]).toBe(
        pg
          ? "INSERT INTO parent (name) VALUES (%(name)s) RETURNING parent.id"
          : "INSERT INTO parent (name) VALUES (?)",
      );
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
  });

  describe("inspect(engine)", () => {
    it("lists the tables and reports columns, primary key and foreign keys", () => {
      const engine = create_engine(db.url);
      createParentChild(engine);
      const insp = inspect(engine);
      // PostgreSQL lists them in pg_class order, SQLite by name
      expect(insp.get_table_names()).toEqual(pg ? ["parent", "child"] : ["child", "parent"]);
      expect([insp.has_table("parent"), insp.has_table("nope")]).toEqual([true, false]);
      expect(repr(insp.get_columns("child"))).toBe(
        pg
          ? "[{'name': 'id', 'type': INTEGER(), 'nullable': False, 'default': None, 'autoincrement': False, 'comment': None}, " +
              "{'name': 'parent_id', 'type': INTEGER(), 'nullable': False, 'default': None, 'autoincrement': False, 'comment': None}, " +
              "{'name': 'note', 'type': TEXT(), 'nullable': True, 'default': None, 'autoincrement': False, 'comment': None}]"
          : "[{'name': 'id', 'type': INTEGER(), 'nullable': True, 'default': None, 'primary_key': 1}, " +
              "{'name': 'parent_id', 'type': INTEGER(), 'nullable': False, 'default': None, 'primary_key': 0}, " +
              "{'name': 'note', 'type': TEXT(), 'nullable': True, 'default': None, 'primary_key': 0}]",
      );
      expect(repr(insp.get_pk_constraint("child"))).toBe(
        pg
          ? "{'constrained_columns': ['id'], 'name': 'child_pkey', 'comment': None, 'dialect_options': {'postgresql_include': []}}"
          : "{'constrained_columns': ['id'], 'name': None}",
      );
      expect(repr(insp.get_foreign_keys("child"))).toBe(
        pg
          ? "[{'name': 'child_parent_id_fkey', 'constrained_columns': ['parent_id'], 'referred_schema': None, 'referred_table': 'parent', 'referred_columns': ['id'], 'options': {'ondelete': 'CASCADE'}, 'comment': None}]"
          : "[{'name': None, 'constrained_columns': ['parent_id'], 'referred_schema': None, 'referred_table': 'parent', 'referred_columns': ['id'], 'options': {}}]",
      );
      expect(() => insp.get_columns("nope")).toThrow(NoSuchTableError);
      engine.dispose();
    });
  });
});
