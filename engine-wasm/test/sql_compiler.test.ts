/**
 * The SQL compiler per dialect and driver paramstyle. Expected SQL is copied from the SQLAlchemy
 * 2.0.52 transcripts (conformance/transcripts/, named next to each case) or, where no transcript
 * shows a construct, from SQLAlchemy's documented output.
 */
import {
  bindparam,
  Column,
  create_engine,
  ForeignKey,
  func,
  Integer,
  insert,
  LABEL_STYLE_TABLENAME_PLUS_COL,
  literal,
  MetaData,
  String as StringType,
  select,
  Table,
  text,
  update,
} from "sqlalchemy";
import { CompileError, InvalidRequestError } from "sqlalchemy/exc";
import { describe, expect, it } from "vitest";
import { compileWithCache } from "../src/sql/compiler.ts";

const dialects = {
  pysqlite: create_engine("sqlite://").dialect,
  psycopg2: create_engine("postgresql+psycopg2://scott:tiger@localhost/test").dialect,
  psycopg: create_engine("postgresql+psycopg://scott:tiger@localhost/test").dialect,
  asyncpg: create_engine("postgresql+asyncpg://scott:tiger@localhost/test").dialect,
};
type DriverName = keyof typeof dialects;

function tables() {
  const md = new MetaData();
  const user_account = new Table(
    "user_account",
    md,
    new Column("id", Integer, { primary_key: true }),
    new Column("name", StringType(30)),
    new Column("fullname", StringType),
  );
  const address = new Table(
    "address",
    md,
    new Column("id", Integer, { primary_key: true }),
    new Column("user_id", ForeignKey("user_account.id"), { nullable: false }),
    new Column("email_address", StringType, { nullable: false }),
  );
  const pet = new Table(
    "pet",
    md,
    new Column("id", Integer, { primary_key: true }),
    new Column("name", StringType(20)),
  );
  return { md, user_account, address, pet };
}

/** Compiles as the engine does: through _compile_w_cache with the execution's parameter keys. */
function compiled(stmt: unknown, driver: DriverName, params: Record<string, unknown>[] = []) {
  const keys = params.length ? Object.keys(params[0]!).sort() : [];
  return compileWithCache(stmt as never, dialects[driver] as never, {
    compiled_cache: null,
    column_keys: keys,
    for_executemany: params.length > 1,
  }).compiled as ReturnType<typeof compileWithCache>["compiled"] & Record<string, any>;
}

function batches(stmt: unknown, driver: DriverName, params: Record<string, unknown>[]) {
  const c = compiled(stmt, driver, params);
  const cps = params.map((p) => c.construct_params(p));
  return [...c._deliver_insertmanyvalues_batches(c.string, cps, cps, 1000)] as {
    replaced_statement: string;
    replaced_parameters: unknown;
    batchnum: number;
    total_batches: number;
    rows_sorted: boolean;
    is_downgraded: boolean;
  }[];
}

describe("str(stmt): the default dialect", () => {
  it("renders insert().values() with named binds and compile().params (19_core_insert_select)", () => {
    const { user_account } = tables();
    const stmt = insert(user_account).values({ name: "spongebob", fullname: "Spongebob Squarepants" });
    expect(stmt.toString()).toBe("INSERT INTO user_account (name, fullname) VALUES (:name, :fullname)");
    expect(stmt.compile().params).toEqual({ name: "spongebob", fullname: "Spongebob Squarepants" });
  });

  it("renders SELECT / FROM / WHERE on their own lines with a space before each newline", () => {
    const { user_account } = tables();
    expect(select(user_account).where(user_account.c.name.eq("spongebob")).toString()).toBe(
      "SELECT user_account.id, user_account.name, user_account.fullname \nFROM user_account \nWHERE user_account.name = :name_1",
    );
  });

  it("renders join_from with the FK's ON clause and an expanding IN as POSTCOMPILE", () => {
    const { user_account, address } = tables();
    const stmt = select(user_account.c.name, address.c.email_address)
      .join_from(user_account, address)
      .where(user_account.c.name.in_(["sandy", "patrick"]))
      .order_by(address.c.id);
    expect(stmt.toString()).toBe(
      "SELECT user_account.name, address.email_address \nFROM user_account JOIN address ON user_account.id = address.user_id \nWHERE user_account.name IN (__[POSTCOMPILE_name_1]) ORDER BY address.id",
    );
  });

  it("text() keeps its text; compile() lists its binds (09_text_bound_params)", () => {
    const stmt = text("SELECT x, y FROM some_table WHERE y > :y ORDER BY x");
    expect(stmt.toString()).toBe("SELECT x, y FROM some_table WHERE y > :y ORDER BY x");
    expect(stmt.compile().params).toEqual({ y: null });
    expect(text("SELECT '\\:not_a_bind', :b").toString()).toBe("SELECT ':not_a_bind', :b");
  });

  it("labels a function with its name and counts anonymous labels", () => {
    const { user_account } = tables();
    expect(select(func.count()).select_from(user_account).toString()).toBe(
      "SELECT count(*) AS count_1 \nFROM user_account",
    );
  });

  it("a subquery's anonymously labelled column is selected by its label, numbered where first rendered", () => {
    const { user_account } = tables();
    // SQLAlchemy 2.0.52: str(select(select(func.count(t.c.id)).subquery())),
    // str(select(select(t.c.id % 3).subquery()))
    expect(select(select(func.count(user_account.c.id)).subquery()).toString()).toBe(
      "SELECT anon_1.count_1 \nFROM (SELECT count(user_account.id) AS count_1 \nFROM user_account) AS anon_1",
    );
    expect(select(select(user_account.c.id.mod(3)).subquery()).toString()).toBe(
      "SELECT anon_2.anon_1 \nFROM (SELECT user_account.id % :id_1 AS anon_1 \nFROM user_account) AS anon_2",
    );
  });

  it("dedupes a repeated column (id__1) and labels another column of the same name (id_1)", () => {
    const { user_account, address } = tables();
    expect(select(user_account.c.id, user_account.c.id).toString()).toBe(
      "SELECT user_account.id, user_account.id AS id__1 \nFROM user_account",
    );
    const address_1 = address.alias();
    const stmt = select(
      user_account.c.id,
      user_account.c.name,
      address_1.c.id,
      address_1.c.email_address,
      address_1.c.user_id,
    )
      .select_from(user_account.outerjoin(address_1))
      .order_by(user_account.c.id);
    // 39_relationship_lazy_vs_selectinload (joinedload)
    expect(stmt.toString()).toBe(
      "SELECT user_account.id, user_account.name, address_1.id AS id_1, address_1.email_address, address_1.user_id \nFROM user_account LEFT OUTER JOIN address AS address_1 ON user_account.id = address_1.user_id ORDER BY user_account.id",
    );
  });

  it("renders LIMIT / OFFSET as the generic compiler does", () => {
    const { pet } = tables();
    expect(select(pet).limit(2).toString()).toBe("SELECT pet.id, pet.name \nFROM pet\n LIMIT :param_1");
    expect(select(pet).offset(2).toString()).toBe(
      "SELECT pet.id, pet.name \nFROM pet\n LIMIT -1 OFFSET :param_1",
    );
  });
});

describe("paramstyles per driver", () => {
  const cases: [DriverName, string][] = [
    ["psycopg2", "SELECT pet.id, pet.name \nFROM pet \nWHERE pet.id > %(id_1)s ORDER BY pet.id"],
    ["psycopg", "SELECT pet.id, pet.name \nFROM pet \nWHERE pet.id > %(id_1)s::INTEGER ORDER BY pet.id"],
    ["asyncpg", "SELECT pet.id, pet.name \nFROM pet \nWHERE pet.id > $1::INTEGER ORDER BY pet.id"],
    ["pysqlite", "SELECT pet.id, pet.name \nFROM pet \nWHERE pet.id > ? ORDER BY pet.id"],
  ];
  for (const [driver, sql] of cases) {
    it(`${driver}: a comparison with a literal (43_pg_driver_paramstyles)`, () => {
      const { pet } = tables();
      const c = compiled(select(pet).where(pet.c.id.gt(1)).order_by(pet.c.id), driver);
      expect(c.string).toBe(sql);
      expect(c.construct_params()).toEqual({ id_1: 1 });
      expect(c.positiontup).toEqual(driver === "asyncpg" || driver === "pysqlite" ? ["id_1"] : null);
    });
  }

  it("text() binds: %(name)s, $n, ? and a literal % doubled for pyformat", () => {
    const stmt = text("SELECT :v AS a, :v AS b WHERE 'x' LIKE 'x%'");
    expect(compiled(stmt, "psycopg2").string).toBe("SELECT %(v)s AS a, %(v)s AS b WHERE 'x' LIKE 'x%%'");
    expect(compiled(stmt, "pysqlite").string).toBe("SELECT ? AS a, ? AS b WHERE 'x' LIKE 'x%'");
    expect(compiled(stmt, "pysqlite").positiontup).toEqual(["v", "v"]);
    expect(compiled(stmt, "asyncpg").string).toBe("SELECT $1 AS a, $1 AS b WHERE 'x' LIKE 'x%'");
  });

  it("casts string binds to VARCHAR without the length (psycopg, asyncpg)", () => {
    const { pet } = tables();
    expect(compiled(insert(pet), "psycopg", [{ name: "rex" }]).string).toBe(
      "INSERT INTO pet (name) VALUES (%(name)s::VARCHAR) RETURNING pet.id",
    );
    expect(compiled(insert(pet), "asyncpg", [{ name: "rex" }]).string).toBe(
      "INSERT INTO pet (name) VALUES ($1::VARCHAR) RETURNING pet.id",
    );
    expect(compiled(insert(pet), "psycopg2", [{ name: "rex" }]).string).toBe(
      "INSERT INTO pet (name) VALUES (%(name)s) RETURNING pet.id",
    );
    expect(compiled(insert(pet), "pysqlite", [{ name: "rex" }]).string).toBe(
      "INSERT INTO pet (name) VALUES (?)",
    );
  });

  it("expands IN per execution (19, 21, 37)", () => {
    const { user_account } = tables();
    const stmt = select(user_account.c.id).where(user_account.c.name.in_(["spongebob", "sandy"]));
    const pg = compiled(stmt, "psycopg2");
    const expanded = pg._process_parameters_for_postcompile(pg.construct_params());
    expect(expanded.statement).toBe(
      "SELECT user_account.id \nFROM user_account \nWHERE user_account.name IN (%(name_1_1)s, %(name_1_2)s)",
    );
    expect(expanded.parameters).toEqual({ name_1_1: "spongebob", name_1_2: "sandy" });
    const lite = compiled(stmt, "pysqlite");
    const e2 = lite._process_parameters_for_postcompile(lite.construct_params());
    expect(e2.statement).toBe(
      "SELECT user_account.id \nFROM user_account \nWHERE user_account.name IN (?, ?)",
    );
    expect(e2.positiontup).toEqual(["name_1_1", "name_1_2"]);
  });

  it("an expanding bindparam in text() (selectin loading's primary_keys)", () => {
    const stmt = text("SELECT * FROM address WHERE address.user_id IN :primary_keys").bindparams(
      bindparam("primary_keys", undefined, { expanding: true }),
    );
    const c = compiled(stmt, "psycopg2");
    const e = c._process_parameters_for_postcompile(c.construct_params({ primary_keys: [1, 2, 3] }));
    expect(e.statement).toBe(
      "SELECT * FROM address WHERE address.user_id IN (%(primary_keys_1)s, %(primary_keys_2)s, %(primary_keys_3)s)",
    );
  });

  it("an anonymous literal on the left is param_1 (lazy loading, 39)", () => {
    const { address } = tables();
    const c = compiled(select(address).where(literal(1).eq(address.c.user_id)), "psycopg2");
    expect(c.string).toBe(
      "SELECT address.id, address.user_id, address.email_address \nFROM address \nWHERE %(param_1)s = address.user_id",
    );
  });

  it("LABEL_STYLE_TABLENAME_PLUS_COL labels every column <table>_<col> (21, 27)", () => {
    const { user_account } = tables();
    const stmt = select(user_account)
      .where(user_account.c.id.eq(bindparam("pk_1")))
      .set_label_style(LABEL_STYLE_TABLENAME_PLUS_COL);
    expect(compiled(stmt, "psycopg2").string).toBe(
      "SELECT user_account.id AS user_account_id, user_account.name AS user_account_name, user_account.fullname AS user_account_fullname \nFROM user_account \nWHERE user_account.id = %(pk_1)s",
    );
  });

  it("LIMIT / OFFSET: SQLite always renders OFFSET, PostgreSQL LIMIT ALL", () => {
    const { pet } = tables();
    const lite = compiled(select(pet).limit(1), "pysqlite");
    expect(lite.string).toBe("SELECT pet.id, pet.name \nFROM pet\n LIMIT ? OFFSET ?");
    expect(lite.construct_params()).toEqual({ param_1: 1, param_2: 0 });
    expect(compiled(select(pet).limit(1), "psycopg2").string).toBe(
      "SELECT pet.id, pet.name \nFROM pet \n LIMIT %(param_1)s",
    );
    expect(compiled(select(pet).offset(3), "psycopg2").string).toBe(
      "SELECT pet.id, pet.name \nFROM pet\n LIMIT ALL OFFSET %(param_1)s",
    );
  });

  it("UPDATE … SET col=bind WHERE (29, 36)", () => {
    const { user_account } = tables();
    const stmt = update(user_account)
      .where(user_account.c.id.eq(bindparam("user_account_id")))
      .values({ fullname: "x" });
    expect(compiled(stmt, "psycopg2").string).toBe(
      "UPDATE user_account SET fullname=%(fullname)s WHERE user_account.id = %(user_account_id)s",
    );
    expect(
      compiled(update(user_account).where(user_account.c.id.eq(1)).values({ fullname: "x" }), "asyncpg")
        .string,
    ).toBe("UPDATE user_account SET fullname=$1::VARCHAR WHERE user_account.id = $2::INTEGER");
  });
});

describe("insertmanyvalues batches", () => {
  it("psycopg2 batches a plain executemany INSERT (43)", () => {
    const { pet } = tables();
    const [b, ...rest] = batches(insert(pet), "psycopg2", [{ name: "tom" }, { name: "kit" }]);
    expect(rest).toEqual([]);
    expect(b!.replaced_statement).toBe("INSERT INTO pet (name) VALUES (%(name__0)s), (%(name__1)s)");
    expect(b!.replaced_parameters).toEqual({ name__0: "tom", name__1: "kit" });
    expect([b!.batchnum, b!.total_batches, b!.rows_sorted, b!.is_downgraded]).toEqual([1, 1, false, false]);
  });

  it("psycopg and asyncpg use a plain executemany without RETURNING (43)", () => {
    const { pet } = tables();
    expect(
      compiled(insert(pet), "psycopg", [{ name: "tom" }, { name: "kit" }])._insertmanyvalues,
    ).toBeUndefined();
    expect(compiled(insert(pet), "asyncpg", [{ name: "tom" }, { name: "kit" }]).string).toBe(
      "INSERT INTO pet (name) VALUES ($1::VARCHAR)",
    );
  });

  it("SQLite batches an INSERT … RETURNING into one multi-row statement (19)", () => {
    const { address } = tables();
    const rows = [
      { user_id: 1, email_address: "spongebob@sqlalchemy.org" },
      { user_id: 2, email_address: "sandy@sqlalchemy.org" },
      { user_id: 2, email_address: "sandy@squirrelpower.org" },
    ];
    const [b] = batches(insert(address).returning(address.c.id, address.c.email_address), "pysqlite", rows);
    expect(b!.replaced_statement).toBe(
      "INSERT INTO address (user_id, email_address) VALUES (?, ?), (?, ?), (?, ?) RETURNING id, email_address",
    );
    expect([...(b!.replaced_parameters as unknown[])]).toEqual([
      1,
      "spongebob@sqlalchemy.org",
      2,
      "sandy@sqlalchemy.org",
      2,
      "sandy@squirrelpower.org",
    ]);
  });

  const ordered = () => {
    const { user_account } = tables();
    return insert(user_account).returning(user_account.c.id, { sort_by_parameter_order: true });
  };
  const people = [
    { name: "spongebob", fullname: "Spongebob Squarepants" },
    { name: "sandy", fullname: "Sandy Cheeks" },
    { name: "patrick", fullname: null },
  ];

  it("PostgreSQL orders RETURNING rows with the imp_sen form and a sentinel column (21)", () => {
    const [b] = batches(ordered(), "psycopg2", people);
    expect(b!.replaced_statement).toBe(
      "INSERT INTO user_account (name, fullname) SELECT p0::VARCHAR, p1::VARCHAR FROM (VALUES (%(name__0)s, %(fullname__0)s, 0), (%(name__1)s, %(fullname__1)s, 1), (%(name__2)s, %(fullname__2)s, 2)) AS imp_sen(p0, p1, sen_counter) ORDER BY sen_counter RETURNING user_account.id, user_account.id AS id__1",
    );
    expect(b!.replaced_parameters).toEqual({
      fullname__0: "Spongebob Squarepants",
      name__0: "spongebob",
      fullname__1: "Sandy Cheeks",
      name__1: "sandy",
      fullname__2: null,
      name__2: "patrick",
    });
    expect([b!.rows_sorted, b!.is_downgraded]).toEqual([true, false]);
    const c = compiled(ordered(), "psycopg2", people);
    expect(c._num_sentinel_cols).toBe(1);
    expect(c._result_columns.length).toBe(1);
  });

  it("asyncpg numbers the batched binds (36)", () => {
    const [b] = batches(ordered(), "asyncpg", people.slice(1));
    expect(b!.replaced_statement).toBe(
      "INSERT INTO user_account (name, fullname) SELECT p0::VARCHAR, p1::VARCHAR FROM (VALUES ($1::VARCHAR, $2::VARCHAR, 0), ($3::VARCHAR, $4::VARCHAR, 1)) AS imp_sen(p0, p1, sen_counter) ORDER BY sen_counter RETURNING user_account.id, user_account.id AS id__1",
    );
    expect([...(b!.replaced_parameters as unknown[])]).toEqual(["sandy", "Sandy Cheeks", "patrick", null]);
  });

  it("SQLite downgrades an ordered RETURNING to one statement per row (21)", () => {
    const all = batches(ordered(), "pysqlite", people);
    expect(all.map((b) => b.replaced_statement)).toEqual(
      Array(3).fill("INSERT INTO user_account (name, fullname) VALUES (?, ?) RETURNING id"),
    );
    expect(all.map((b) => [b.batchnum, b.total_batches, b.rows_sorted, b.is_downgraded])).toEqual([
      [1, 3, true, true],
      [2, 3, true, true],
      [3, 3, true, true],
    ]);
  });
});

describe("compiled cache keys", () => {
  function key(stmt: unknown, driver: DriverName = "psycopg2") {
    const cache = new Map<unknown, unknown>();
    const r = compileWithCache(stmt as never, dialects[driver] as never, {
      compiled_cache: cache,
      column_keys: [],
      for_executemany: false,
    });
    return { cache, r };
  }

  it("literal values are extracted, not part of the key", () => {
    const { user_account } = tables();
    const cache = new Map<unknown, unknown>();
    const opts = { compiled_cache: cache, column_keys: [], for_executemany: false };
    const a = compileWithCache(
      select(user_account).where(user_account.c.id.eq(5)),
      dialects.psycopg2 as never,
      opts,
    );
    const b = compileWithCache(
      select(user_account).where(user_account.c.id.eq(6)),
      dialects.psycopg2 as never,
      opts,
    );
    expect(a.cache_status).toBe("generated");
    expect(b.cache_status).toBe("cached");
    expect(b.compiled).toBe(a.compiled);
    expect(b.extracted_params).toEqual([6]);
    expect(b.compiled.construct_params(null, b.extracted_params)).toEqual({ id_1: 6 });
  });

  it("a different structure, column or dialect gets another entry", () => {
    const { user_account } = tables();
    const cache = new Map<unknown, unknown>();
    const opts = { compiled_cache: cache, column_keys: [], for_executemany: false };
    const run = (stmt: unknown, driver: DriverName = "psycopg2") =>
      compileWithCache(stmt as never, dialects[driver] as never, opts).cache_status;
    expect(run(select(user_account).where(user_account.c.id.eq(5)))).toBe("generated");
    expect(run(select(user_account).where(user_account.c.id.gt(5)))).toBe("generated");
    expect(run(select(user_account).where(user_account.c.name.eq("x")))).toBe("generated");
    expect(run(select(user_account).where(user_account.c.id.eq(5)), "asyncpg")).toBe("generated");
    expect(run(select(user_account).where(user_account.c.id.eq(7)), "asyncpg")).toBe("cached");
  });

  it("a statement derived from one already compiled gets its own key and values", () => {
    const { user_account } = tables();
    const cache = new Map<unknown, unknown>();
    const opts = { compiled_cache: cache, column_keys: [], for_executemany: false };
    const run = (stmt: unknown) => compileWithCache(stmt as never, dialects.psycopg2 as never, opts);
    const base = select(user_account).where(user_account.c.id.eq(5));
    const ins = insert(user_account).values({ name: "a" });
    expect(run(base).cache_status).toBe("generated");
    expect(run(ins).cache_status).toBe("generated");
    const derived = run(base.where(user_account.c.name.eq("x")));
    expect(derived.cache_status).toBe("generated");
    expect(derived.compiled.string).toContain("user_account.name = %(name_1)s");
    expect(derived.extracted_params).toEqual([5, "x"]);
    const returning = run(ins.returning(user_account.c.id));
    expect(returning.cache_status).toBe("generated");
    expect(returning.compiled.string).toMatch(/RETURNING user_account\.id$/);
    expect(run(base).cache_status).toBe("cached");
  });

  it("text() is keyed by its text", () => {
    const cache = new Map<unknown, unknown>();
    const opts = { compiled_cache: cache, column_keys: ["y"], for_executemany: false };
    const run = (sql: string) =>
      compileWithCache(text(sql) as never, dialects.pysqlite as never, opts).cache_status;
    expect(run("SELECT x FROM t WHERE y > :y")).toBe("generated");
    expect(run("SELECT x FROM t WHERE y > :y")).toBe("cached");
    expect(run("SELECT x FROM t WHERE y >= :y")).toBe("generated");
  });

  it("a compiled form without a cache reports 'disabled'", () => {
    const { r } = key(select(func.count()));
    expect(r.cache_status).toBe("generated");
    const none = compileWithCache(select(func.count()) as never, dialects.psycopg2 as never, {
      compiled_cache: null,
      column_keys: [],
      for_executemany: false,
    });
    expect(none.cache_status).toBe("disabled");
  });
});

describe("bad input", () => {
  it("a bind without a value raises InvalidRequestError cd3x", () => {
    const c = compiled(text("SELECT :x"), "psycopg2");
    expect(() => c.construct_params({})).toThrow(InvalidRequestError);
    expect(() => c.construct_params({})).toThrow("A value is required for bind parameter 'x'");
  });

  it("values() naming no column raises CompileError at compile time", () => {
    const { user_account } = tables();
    const stmt = insert(user_account).values({ nickname: "x" });
    expect(() => stmt.toString()).toThrow(CompileError);
    expect(() => compiled(stmt, "pysqlite")).toThrow("Unconsumed column names: nickname");
  });

  it("bindparams() naming a bind the text lacks raises ArgumentError", () => {
    expect(() => text("SELECT :a").bindparams({ b: 1 })).toThrow(
      "This text() construct doesn't define a bound parameter named 'b'",
    );
  });
});
