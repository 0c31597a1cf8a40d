/**
 * JSON element access and type_coerce(), as SQLAlchemy 2.0 compiles them (the templates of
 * sql/compiler.py StrSQLCompiler.visit_getitem_binary, dialects/sqlite/base.py
 * visit_json_getitem_op_binary, dialects/postgresql/base.py visit_json_getitem_op_binary, the
 * JSONIndexType / JSONPathType bind formats of dialects/sqlite/json.py and postgresql/json.py; the
 * tutorial's data_select.rst), executed on both databases.
 */
import {
  Column,
  cast,
  create_engine,
  func,
  Integer,
  insert,
  JSON as JSONType,
  MetaData,
  String as StringType,
  select,
  Table,
  type_coerce,
} from "sqlalchemy";
import { InvalidRequestError } from "sqlalchemy/exc";
import { create_async_engine } from "sqlalchemy/ext/asyncio";
import { expect, it } from "vitest";
import { captureOutput, eachDatabase } from "./support.ts";

eachDatabase("JSON elements and type_coerce()", ({ kind, url, asyncUrl }) => {
  const out = captureOutput();
  const pg = kind === "postgresql";
  const p = (n: string) => (pg ? `%(${n})s` : "?");

  function setup() {
    const engine = create_engine(url, { echo: true });
    const m = new MetaData();
    const docs = new Table(
      "docs",
      m,
      new Column("id", Integer, { primary_key: true }),
      new Column("data", JSONType),
    );
    m.create_all(engine);
    engine.begin((conn) => {
      conn.execute(insert(docs), [
        { data: { name: "spongebob", tags: ["a", "b"], n: 5, inner: { k: "v" } } },
        { data: { name: "sandy", tags: [], n: 7, inner: { k: "w" } } },
      ]);
    });
    out.clear();
    return { engine, docs };
  }

  it("the default dialect renders x[key]; other dialects' spellings are their own", () => {
    const function_expr = func.json_object('{a, 1, b, "def", c, 3.5}', { type_: JSONType });
    expect(select(function_expr.getitem("def")).toString()).toBe(
      "SELECT json_object(:json_object_1)[:json_object_2] AS anon_1",
    );
    expect(cast("{'a': 'b'}", JSONType).getitem("a").toString()).toBe("CAST(:param_1 AS JSON)[:param_2]");
    // the element is of the JSON type; a non-JSON expression has no getitem
    expect(repr_(function_expr.getitem("def").type)).toBe("JSON()");
    expect(() => func.upper("x").getitem("a")).toThrow(
      "Operator 'getitem' is not supported on this expression",
    );
    expect(() => cast("x", JSONType).as_string()).toThrow(InvalidRequestError);
    expect(() => cast("x", JSONType).as_string()).toThrow(
      "The JSON cast operator JSON.as_string() only works with a JSON index expression e.g. col['q'].as_string()",
    );
  });

  it("selects an element as JSON, by key and by path, and as_string() / as_integer()", () => {
    const { engine, docs } = setup();
    const stmt = select(
      docs.c.data.getitem("name"),
      docs.c.data.getitem(["tags", 0]),
      docs.c.data.getitem("inner"),
      docs.c.data.getitem("name").as_string(),
      docs.c.data.getitem("n").as_integer(),
    ).order_by(docs.c.id);
    const sql = pg
      ? "SELECT docs.data -> %(data_1)s AS anon_1, docs.data #> %(data_2)s AS anon_2, docs.data -> %(data_3)s AS anon_3, CAST(docs.data ->> %(data_4)s AS VARCHAR) AS anon_4, CAST(docs.data ->> %(data_5)s AS INTEGER) AS anon_5 \nFROM docs ORDER BY docs.id"
      : "SELECT JSON_QUOTE(JSON_EXTRACT(docs.data, ?)) AS anon_1, JSON_QUOTE(JSON_EXTRACT(docs.data, ?)) AS anon_2, JSON_QUOTE(JSON_EXTRACT(docs.data, ?)) AS anon_3, JSON_EXTRACT(docs.data, ?) AS anon_4, JSON_EXTRACT(docs.data, ?) AS anon_5 \nFROM docs ORDER BY docs.id";
    expect(stmt.compile(engine).toString()).toBe(sql);
    using conn = engine.connect();
    const rows = conn
      .execute(stmt)
      .all()
      .map((r) => [...r]);
    expect(rows).toEqual([
      ["spongebob", "a", { k: "v" }, "spongebob", 5],
      ["sandy", null, { k: "w" }, "sandy", 7],
    ]);
    // the index binds go out as the backend takes them: SQLite's JSON paths, PostgreSQL's key / text array
    expect(out.sql()).toContain(
      pg
        ? "[generated in Xs] {'data_1': 'name', 'data_2': '{tags, 0}', 'data_3': 'inner', 'data_4': 'name', 'data_5': 'n'}"
        : `[generated in Xs] ('$."name"', '$."tags"[0]', '$."inner"', '$."name"', '$."n"')`,
    );
  });

  it("asyncpg casts the index binds (`-> $1::TEXT`) and takes a path as a list", async () => {
    const { docs } = setup();
    const engine = create_async_engine(asyncUrl, { echo: true });
    const stmt = select(docs.c.data.getitem("name"), docs.c.data.getitem(["tags", 1])).where(
      docs.c.data.getitem("n").as_integer().eq(5),
    );
    expect(stmt.compile(engine).toString()).toBe(
      pg
        ? "SELECT docs.data -> $1::TEXT AS anon_1, docs.data #> $2 AS anon_2 \nFROM docs \nWHERE CAST((docs.data ->> $3::TEXT) AS INTEGER) = $4::INTEGER"
        : "SELECT JSON_QUOTE(JSON_EXTRACT(docs.data, ?)) AS anon_1, JSON_QUOTE(JSON_EXTRACT(docs.data, ?)) AS anon_2 \nFROM docs \nWHERE JSON_EXTRACT(docs.data, ?) = ?",
    );
    out.clear();
    {
      await using conn = await engine.connect();
      expect((await conn.execute(stmt)).all().map((r) => [...r])).toEqual([["spongebob", "b"]]);
    }
    expect(out.sql()).toContain(
      pg
        ? "[generated in Xs] ('name', ['tags', '1'], 'n', 5)"
        : `[generated in Xs] ('$."name"', '$."tags"[1]', '$."n"', 5)`,
    );
    await engine.dispose();
  });

  it("compares an element in WHERE (PostgreSQL groups it inside the operator)", () => {
    const { engine, docs } = setup();
    const stmt = select(docs.c.id).where(docs.c.data.getitem("n").as_integer().gt(6));
    expect(stmt.compile(engine).toString()).toBe(
      pg
        ? "SELECT docs.id \nFROM docs \nWHERE CAST((docs.data ->> %(data_1)s) AS INTEGER) > %(param_1)s"
        : "SELECT docs.id \nFROM docs \nWHERE JSON_EXTRACT(docs.data, ?) > ?",
    );
    using conn = engine.connect();
    expect(conn.execute(stmt).scalars().all()).toEqual([2]);
  });

  it("type_coerce() renders no CAST; the type decides the bind and result processing", () => {
    const { engine, docs } = setup();
    const coerced = type_coerce({ some_key: { foo: "bar" } }, JSONType).getitem("some_key");
    const stmt = select(coerced);
    expect(stmt.compile(engine).toString()).toBe(
      pg ? "SELECT %(param_1)s -> %(param_2)s AS anon_1" : "SELECT JSON_QUOTE(JSON_EXTRACT(?, ?)) AS anon_1",
    );
    {
      using conn = engine.connect();
      // PostgreSQL cannot tell which `->` two untyped literals mean, and says so (as under psycopg2)
      if (pg) expect(() => conn.execute(stmt)).toThrow("operator is not unique: unknown -> unknown");
      else expect(conn.execute(stmt).scalar()).toEqual({ foo: "bar" });
    }
    // the dict was serialized as Python's json.dumps does
    expect(out.sql()).toContain(
      pg
        ? `[generated in Xs] {'param_1': '{"some_key": {"foo": "bar"}}', 'param_2': 'some_key'}`
        : `[generated in Xs] ('{"some_key": {"foo": "bar"}}', '$."some_key"')`,
    );
    // a column keeps its name; its value comes back as the coerced type reads it
    const named = select(type_coerce(docs.c.id, StringType)).order_by(docs.c.id);
    expect(named.compile(engine).toString()).toBe("SELECT docs.id AS id \nFROM docs ORDER BY docs.id");
    using conn = engine.connect();
    expect(conn.execute(named).scalars().all()).toEqual([1, 2]);
    const bound = select(type_coerce("5", Integer).add(1));
    expect(bound.compile(engine).toString()).toBe(`SELECT ${p("param_1")} + ${p("param_2")} AS anon_1`);
  });
});

function repr_(t: { __repr__(): string }): string {
  return t.__repr__();
}
