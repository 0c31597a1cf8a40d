/**
 * The compiler's seams: Connection makes the dialect's execution context class; a cached compiled
 * statement is only read when an execution renders insertmanyvalues batches or an expanding IN;
 * bind names in text() are Unicode word characters as in SQLAlchemy (TextClause._bind_params_regex);
 * the visitor tables cover every element's `__visit_name__`.
 */
import {
  Column,
  create_engine,
  Date as DateType,
  date,
  Integer,
  insert,
  MetaData,
  String as StringType,
  select,
  Table,
  text,
} from "sqlalchemy";
import { describe, expect, it } from "vitest";
import { DefaultExecutionContext } from "../src/engine/default.ts";
import { compileWithCache, SQL_VISITORS, type SQLCompiler } from "../src/sql/compiler.ts";
import type { SQLVisitName, VisitorTable } from "../src/sql/visitors.ts";
import { captureOutput, eachDatabase } from "./support.ts";

const dialects = {
  pysqlite: create_engine("sqlite://").dialect,
  psycopg2: create_engine("postgresql+psycopg2://scott:tiger@localhost/test").dialect,
  asyncpg: create_engine("postgresql+asyncpg://scott:tiger@localhost/test").dialect,
};

function userTable() {
  const md = new MetaData();
  return new Table(
    "user_account",
    md,
    new Column("id", Integer, { primary_key: true }),
    new Column("name", StringType(30)),
    new Column("born", DateType),
  );
}

/** What an execution may not change on a compiled statement the cache shares. */
function snapshot(c: SQLCompiler & Record<string, any>) {
  return JSON.stringify({
    string: c.string,
    positiontup: c.positiontup,
    binds: [...c.binds].map(([name, info]) => [name, info.cast, info.bind.key]),
    processors: Object.keys(c._bind_processors),
    imv: c._insertmanyvalues ?? null,
  });
}

describe("a cached compiled statement is only read", () => {
  const people = [
    { name: "spongebob", born: new date(1999, 5, 1) },
    { name: "sandy", born: new date(1999, 6, 2) },
    { name: "patrick", born: null },
  ];
  for (const driver of ["pysqlite", "psycopg2", "asyncpg"] as const) {
    it(`${driver}: rendering insertmanyvalues batches leaves string, positiontup and binds as compiled`, () => {
      const t = userTable();
      const stmt = insert(t).returning(t.c.id);
      const c = compileWithCache(stmt, dialects[driver] as never, {
        compiled_cache: null,
        column_keys: ["born", "name"],
        for_executemany: true,
      }).compiled as SQLCompiler & Record<string, any>;
      const before = snapshot(c);
      const cps = people.map((p) => c.construct_params(p));
      // not even for a moment: the compiled statement's binds are never written while batches render
      c.binds.set = c.binds.delete = () => {
        throw new Error("compiled binds written");
      };
      const first = c._deliver_insertmanyvalues_batches(c.string, cps, cps, 2);
      const second = c._deliver_insertmanyvalues_batches(c.string, cps, cps, 2);
      expect(first).toEqual(second);
      expect(first.map((b: { current_batch_size: number }) => b.current_batch_size)).toEqual([2, 1]);
      expect(snapshot(c)).toBe(before);
      expect(c.binds.size).toBe(2);
    });
  }

  it("an expanding IN renders per execution without adding names to the compiled statement", () => {
    const t = userTable();
    const stmt = select(t.c.id).where(t.c.born.in_([new date(2000, 1, 1), new date(2000, 1, 2)]));
    const c = compileWithCache(stmt, dialects.pysqlite as never, {
      compiled_cache: null,
      column_keys: [],
      for_executemany: false,
    }).compiled as SQLCompiler & Record<string, any>;
    const before = snapshot(c);
    const name = [...c.binds.keys()][0]!;
    const three = c._process_parameters_for_postcompile({
      [name]: [new date(2000, 1, 1), new date(2000, 1, 2), null],
    });
    expect(three.statement).toBe(
      "SELECT user_account.id \nFROM user_account \nWHERE user_account.born IN (?, ?, ?)",
    );
    expect(Object.keys(three.processors)).toEqual([name, `${name}_1`, `${name}_2`, `${name}_3`]);
    expect(three.processors[`${name}_1`]!(new date(2000, 1, 1))).toBe("2000-01-01");
    expect(snapshot(c)).toBe(before);
  });
});

eachDatabase("executing one compiled INSERT in batches again", ({ kind, url }) => {
  it("takes it from the cache unchanged and renders the same batches", () => {
    const engine = create_engine(url, { insertmanyvalues_page_size: 2 } as never);
    const t = userTable();
    t.metadata.create_all(engine);
    const rows = [{ name: "a" }, { name: "b" }, { name: "c" }];
    const stmt = insert(t).returning(t.c.name);
    const seen: string[] = [];
    engine.begin((conn) => {
      expect(conn.execute(stmt, rows).scalars().all()).toEqual(["a", "b", "c"]);
      const cache = engine._compiled_cache as unknown as { data: Map<unknown, { value: SQLCompiler }> };
      const compiled = [...cache.data.values()].map((e) => e.value).find((c) => c.isinsert) as SQLCompiler &
        Record<string, any>;
      const before = snapshot(compiled);
      seen.push(before);
      expect(conn.execute(stmt, rows).scalars().all()).toEqual(["a", "b", "c"]);
      expect(snapshot(compiled)).toBe(before);
    });
    expect(JSON.parse(seen[0]!).string).toBe(
      kind === "sqlite"
        ? "INSERT INTO user_account (name) VALUES (?) RETURNING name"
        : "INSERT INTO user_account (name) VALUES (%(name)s) RETURNING user_account.name",
    );
  });
});

eachDatabase("text() bind names of Unicode word characters", ({ kind, url }) => {
  const out = captureOutput();
  it("SELECT :имя with {имя: 1} binds, logs and returns as SQLAlchemy does", () => {
    const engine = create_engine(url, { echo: true });
    const stmt = text("SELECT :имя AS n, :größe_2 AS m");
    expect(stmt.compile().params).toEqual({ имя: null, größe_2: null });
    expect(stmt.toString()).toBe("SELECT :имя AS n, :größe_2 AS m");
    {
      using conn = engine.connect();
      out.clear();
      const row = conn.execute(stmt, { имя: 1, größe_2: "x" }).one();
      expect([...row]).toEqual([1, "x"]);
    }
    expect(out.sql().slice(1, 3)).toEqual(
      kind === "sqlite"
        ? ["SELECT ? AS n, ? AS m", "[generated in Xs] (1, 'x')"]
        : ["SELECT %(имя)s AS n, %(größe_2)s AS m", "[generated in Xs] {'имя': 1, 'größe_2': 'x'}"],
    );
  });

  it("a name not preceded by a word character or colon: `x:имя` and `::имя` stay text", () => {
    const stmt = text("SELECT 'a:имя', 1::int, :ä\\:b");
    expect([...stmt._bindparams.keys()]).toEqual(["ä"]);
    expect(stmt.compile(create_engine(url)).toString()).toBe(
      kind === "sqlite" ? "SELECT 'a:имя', 1::int, ?:b" : "SELECT 'a:имя', 1::int, %(ä)s:b",
    );
  });
});

eachDatabase("Connection asks its dialect for the execution context class", ({ url }) => {
  it("uses dialect.execution_ctx_cls for compiled and driver-SQL statements", () => {
    const engine = create_engine(url);
    const made: string[] = [];
    class RecordingContext extends DefaultExecutionContext {
      override pre_exec(): void {
        made.push(this.statement);
      }
    }
    engine.dialect.execution_ctx_cls = RecordingContext;
    {
      using conn = engine.connect();
      conn.execute(text("SELECT 1")).all();
      conn.exec_driver_sql("SELECT 2").all();
    }
    expect(made.filter((s) => s.startsWith("SELECT "))).toEqual(["SELECT 1", "SELECT 2"]);
  });
});

describe("the visitor tables", () => {
  it("name a visitor for every statement element", () => {
    const { select: _omitted, ...rest } = SQL_VISITORS;
    // @ts-expect-error a table without the `select` visitor is not a SQLCompiler visitor table
    const incomplete: VisitorTable<SQLCompiler, SQLVisitName> = rest;
    expect(Object.keys(incomplete)).not.toContain("select");
    expect(Object.keys(SQL_VISITORS)).toContain("select");
  });
});
