/**
 * The `sqlite3` / `aiosqlite` DBAPI modules over sql.js on their own: values, parameters, errors
 * (classes and texts as Python's sqlite3 module gives them), file vs memory databases, rowcount,
 * lastrowid, executemany. Expected texts come from Python 3.12's sqlite3 and the transcripts.
 */
import { beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { Connection } from "../src/connectors/dbapi.ts";
import { aiosqlite } from "../src/dbapi/aiosqlite.ts";
import { sqlite3 } from "../src/dbapi/sqlite3.ts";
import {
  IntegrityError,
  InterfaceError,
  OperationalError,
  ProgrammingError,
} from "../src/dbapi/sqljs/errors.ts";
import { SqljsSession } from "../src/dbapi/sqljs/physical.ts";
import {
  listFiles,
  newMemoryDatabase,
  resetSqlite,
  resolveFile,
  startSqlite,
} from "../src/dbapi/sqljs/runtime.ts";
import { OverflowError } from "../src/util/builtins.ts";
import { greenlet_spawn } from "../src/util/concurrency.ts";
import { Decimal, date, datetime, tuple } from "../src/util/pytypes.ts";
import { qualifiedErrorName } from "../src/util/repr.ts";

const connect = (database: string) => sqlite3.connect({ database }) as Connection;

function error(fn: () => unknown): Error {
  try {
    fn();
  } catch (e) {
    return e as Error;
  }
  throw new Error("expected an error");
}

beforeAll(async () => {
  await startSqlite();
});
beforeEach(async () => {
  await resetSqlite();
});

describe("sqlite3 values", () => {
  it("returns INTEGER and REAL as numbers, TEXT as strings, BLOB as Uint8Array, NULL as null", () => {
    const c = connect(":memory:").cursor();
    c.execute("SELECT 1, 2.5, 'x', x'0102ff', NULL");
    expect(c.fetchall()).toEqual([[1, 2.5, "x", new Uint8Array([1, 2, 255]), null]]);
    expect(c.description).toEqual([
      { name: "1", type_code: null },
      { name: "2.5", type_code: null },
      { name: "'x'", type_code: null },
      { name: "x'0102ff'", type_code: null },
      { name: "NULL", type_code: null },
    ]);
  });

  it("binds numbers, strings, null, booleans as 1/0, bytes, and dates / datetimes as ISO text", () => {
    const c = connect(":memory:").cursor();
    c.execute("SELECT ?, typeof(?), ?, ?, ?, ?, typeof(?), ?, ?", [
      7,
      7.5,
      "text",
      null,
      true,
      false,
      new Uint8Array([9]),
      new date(2024, 1, 31),
      new datetime(2024, 1, 31, 13, 5, 9, 120000),
    ]);
    expect(c.fetchone()).toEqual([
      7,
      "real",
      "text",
      null,
      1,
      0,
      "blob",
      "2024-01-31",
      "2024-01-31 13:05:09.120000",
    ]);
  });

  it("refuses Decimal as pysqlite does (SQLAlchemy's Numeric converts it to float first)", () => {
    const c = connect(":memory:").cursor();
    const err = error(() => c.execute("SELECT ?, ?", [1, new Decimal("1.5")]));
    expect(err).toBeInstanceOf(ProgrammingError);
    expect(err.message).toBe("Error binding parameter 2: type 'decimal.Decimal' is not supported");
    expect(error(() => c.execute("SELECT ?", [{ a: 1 }])).message).toBe(
      "Error binding parameter 1: type 'dict' is not supported",
    );
    expect(error(() => c.execute("SELECT ?", [[1]])).message).toBe(
      "Error binding parameter 1: type 'list' is not supported",
    );
  });

  it("refuses an int beyond 64 bits with Python's OverflowError", () => {
    const c = connect(":memory:").cursor();
    const err = error(() => c.execute("SELECT ?", [2n ** 63n]));
    expect(err).toBeInstanceOf(OverflowError);
    expect(`${qualifiedErrorName(err)}: ${err.message}`).toBe(
      "builtins.OverflowError: Python int too large to convert to SQLite INTEGER",
    );
    c.execute("SELECT ?", [2n ** 40n]);
    expect(c.fetchone()).toEqual([2 ** 40]);
  });
});

describe("sqlite3 parameters", () => {
  it("takes a tuple for ? placeholders and a dict for :name placeholders", () => {
    const c = connect(":memory:").cursor();
    c.execute("SELECT ? + ?", tuple([1, 2]));
    expect(c.fetchone()).toEqual([3]);
    c.execute("SELECT :a || :b || :a", { a: "x", b: "y" });
    expect(c.fetchone()).toEqual(["xyx"]);
    c.execute("SELECT ?2, ?1", ["one", "two"]);
    expect(c.fetchone()).toEqual(["two", "one"]);
  });

  it("counts placeholders outside literals and comments", () => {
    const c = connect(":memory:").cursor();
    c.execute("SELECT '?', ? -- why?\n", [5]);
    expect(c.fetchone()).toEqual(["?", 5]);
  });

  it("raises sqlite3's ProgrammingError messages for wrong bindings", () => {
    const c = connect(":memory:").cursor();
    const cases: [() => unknown, string][] = [
      [
        () => c.execute("SELECT ?, ?", [1]),
        "Incorrect number of bindings supplied. The current statement uses 2, and there are 1 supplied.",
      ],
      [
        () => c.execute("SELECT ?"),
        "Incorrect number of bindings supplied. The current statement uses 1, and there are 0 supplied.",
      ],
      [
        () => c.execute("SELECT :name", { other: 1 }),
        "You did not supply a value for binding parameter :name.",
      ],
      [
        () => c.execute("SELECT ?", { x: 1 }),
        "Binding 1 has no name, but you supplied a dictionary (which has only names).",
      ],
      [() => c.execute("SELECT ?", 5 as never), "parameters are of unsupported type"],
      [() => c.execute("SELECT 1; SELECT 2"), "You can only execute one statement at a time."],
    ];
    for (const [fn, message] of cases) {
      const err = error(fn);
      expect(err).toBeInstanceOf(ProgrammingError);
      expect(err.message).toBe(message);
    }
  });

  it("accepts a trailing semicolon and comment after the one statement", () => {
    const c = connect(":memory:").cursor();
    c.execute("SELECT 1; -- done\n");
    expect(c.fetchall()).toEqual([[1]]);
  });
});

describe("sqlite3 errors", () => {
  function users() {
    const conn = connect("oracle.db");
    const c = conn.cursor();
    c.execute("CREATE TABLE users (id INTEGER PRIMARY KEY, name VARCHAR(30) NOT NULL UNIQUE)");
    c.execute("INSERT INTO users (id, name) VALUES (1, 'spongebob')");
    conn.commit();
    return c;
  }

  it("raises OperationalError for syntax errors and missing tables, with SQLite's text", () => {
    const c = connect(":memory:").cursor();
    const syntax = error(() => c.execute("SELEC 1"));
    expect(syntax).toBeInstanceOf(OperationalError);
    expect(syntax.message).toBe('near "SELEC": syntax error');
    const missing = error(() => c.execute("SELECT * FROM nope"));
    expect(missing).toBeInstanceOf(OperationalError);
    expect(missing.message).toBe("no such table: nope");
    expect(qualifiedErrorName(missing)).toBe("sqlite3.OperationalError");
    expect((missing as unknown as { pep249: string }).pep249).toBe("OperationalError");
  });

  it("raises IntegrityError for UNIQUE, NOT NULL and primary key violations", () => {
    const c = users();
    const unique = error(() => c.execute("INSERT INTO users (id, name) VALUES (?, ?)", [2, "spongebob"]));
    expect(unique).toBeInstanceOf(IntegrityError);
    expect(unique.message).toBe("UNIQUE constraint failed: users.name");
    expect(qualifiedErrorName(unique)).toBe("sqlite3.IntegrityError");
    const notNull = error(() => c.execute("INSERT INTO users (id, name) VALUES (?, ?)", [3, null]));
    expect(notNull).toBeInstanceOf(IntegrityError);
    expect(notNull.message).toBe("NOT NULL constraint failed: users.name");
    const pk = error(() =>
      c.executemany("INSERT INTO users (id, name) VALUES (?, ?)", [
        [4, "sandy"],
        [1, "dup"],
      ]),
    );
    expect(pk).toBeInstanceOf(IntegrityError);
    expect(pk.message).toBe("UNIQUE constraint failed: users.id");
    expect(c.rowcount).toBe(-1);
  });

  it("says 'Cannot operate on a closed database.' / 'closed cursor.' as sqlite3 does", () => {
    const conn = connect(":memory:");
    const c = conn.cursor();
    c.close();
    const closedCursor = error(() => c.execute("SELECT 1"));
    expect(closedCursor).toBeInstanceOf(ProgrammingError);
    expect(closedCursor.message).toBe("Cannot operate on a closed cursor.");
    const c2 = conn.cursor();
    conn.close();
    for (const fn of [
      () => c2.execute("SELECT 1"),
      () => conn.cursor(),
      () => conn.commit(),
      () => c2.fetchall(),
    ]) {
      const err = error(fn);
      expect(err).toBeInstanceOf(ProgrammingError);
      expect(err.message).toBe("Cannot operate on a closed database.");
    }
    conn.close(); // closing twice is allowed
  });

  it("keeps a transaction usable after an error (no PostgreSQL-style aborted state)", () => {
    const c = users();
    c.execute("INSERT INTO users (id, name) VALUES (2, 'patrick')");
    expect(() => c.execute("SELECT * FROM nope")).toThrow(OperationalError);
    c.execute("SELECT count(*) FROM users");
    expect(c.fetchone()).toEqual([2]);
  });

  it("InterfaceError is a sqlite3 class too", () => {
    expect(qualifiedErrorName(new InterfaceError("x"))).toBe("sqlite3.InterfaceError");
  });
});

describe("sqlite3 rowcount and lastrowid", () => {
  it("reports -1 for SELECT and DDL, rows affected for DML, and the sum for executemany", () => {
    const conn = connect(":memory:");
    const c = conn.cursor();
    expect(c.rowcount).toBe(-1);
    c.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, x INTEGER)");
    expect(c.rowcount).toBe(-1);
    c.executemany("INSERT INTO t (x) VALUES (?)", [[1], [2], [3]]);
    expect(c.rowcount).toBe(3);
    c.execute("UPDATE t SET x = x + 1 WHERE x > ?", [1]);
    expect(c.rowcount).toBe(2);
    c.execute("SELECT * FROM t");
    expect(c.rowcount).toBe(-1);
    c.execute("DELETE FROM t WHERE x > 100");
    expect(c.rowcount).toBe(0);
    c.executemany("DELETE FROM t WHERE x = ?", []);
    expect(c.rowcount).toBe(0);
  });

  it("executemany() stops at the failing set; the sets before it stay in the transaction", () => {
    const conn = connect(":memory:");
    const c = conn.cursor();
    c.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, x INTEGER NOT NULL)");
    const notNull = error(() => c.executemany("INSERT INTO t (x) VALUES (?)", [[1], [2], [null], [4]]));
    expect(notNull).toBeInstanceOf(IntegrityError);
    expect(notNull.message).toBe("NOT NULL constraint failed: t.x");
    expect(c.rowcount).toBe(-1);
    const badType = error(() => c.executemany("INSERT INTO t (x) VALUES (?)", [[5], [{}], [6]]));
    expect(badType).toBeInstanceOf(ProgrammingError);
    expect(badType.message).toBe("Error binding parameter 1: type 'dict' is not supported");
    const wrongCount = error(() => c.executemany("INSERT INTO t (x) VALUES (?)", [[7], [8, 9]]));
    expect(wrongCount.message).toBe(
      "Incorrect number of bindings supplied. The current statement uses 1, and there are 2 supplied.",
    );
    c.execute("SELECT x FROM t ORDER BY id");
    expect(c.fetchall()).toEqual([[1], [2], [5], [7]]);
    expect(conn.in_transaction).toBe(true);
    conn.rollback();
    c.execute("SELECT count(*) FROM t");
    expect(c.fetchone()).toEqual([0]);
  });

  it("an executemany of a writer parked by another connection's read is replayed whole", () => {
    const writer = connect("park.db");
    const w = writer.cursor();
    w.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, x INTEGER)");
    w.executemany("INSERT INTO t (x) VALUES (?)", [[1], [2], [3]]);
    const r = connect("park.db").cursor();
    r.execute("SELECT count(*) FROM t");
    expect(r.fetchone()).toEqual([0]);
    w.execute("SELECT group_concat(id || ':' || x) FROM t");
    expect(w.fetchone()).toEqual(["1:1,2:2,3:3"]);
    writer.commit();
    r.execute("SELECT count(*) FROM t");
    expect(r.fetchone()).toEqual([3]);
  });

  it("executemany() refuses statements that only read", () => {
    const c = connect(":memory:").cursor();
    const err = error(() => c.executemany("SELECT ?", [[1], [2]]));
    expect(err).toBeInstanceOf(ProgrammingError);
    expect(err.message).toBe("executemany() can only execute DML statements.");
  });

  it("lastrowid: None on a new cursor, the connection's last_insert_rowid() after execute(), unchanged by executemany()", () => {
    const conn = connect("oracle.db");
    const c = conn.cursor();
    expect(c.lastrowid).toBeNull();
    c.execute("SELECT 1");
    expect(c.lastrowid).toBe(0);
    c.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, x INTEGER)");
    c.execute("INSERT INTO t (id, x) VALUES (41, 1)");
    expect(c.lastrowid).toBe(41);
    c.execute("INSERT INTO t (x) VALUES (2)");
    expect(c.lastrowid).toBe(42);
    c.executemany("INSERT INTO t (x) VALUES (?)", [[3], [4]]);
    expect(c.lastrowid).toBe(42);
    c.execute("SELECT max(id) FROM t");
    expect(c.fetchone()).toEqual([44]);
    expect(c.lastrowid).toBe(44);
    conn.commit();
    // another connection to the same file has its own last_insert_rowid()
    const other = connect("oracle.db").cursor();
    other.execute("SELECT 1");
    expect(other.lastrowid).toBe(0);
  });

  it("lastrowid is each cursor's own, kept through other cursors, connections, executemany() and close (Python 3.11's sqlite3)", () => {
    const conn = connect("own_rowid.db");
    const a = conn.cursor();
    const b = conn.cursor();
    a.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, x INTEGER)");
    a.execute("INSERT INTO t (x) VALUES (1)");
    b.execute("INSERT INTO t (x) VALUES (2)");
    expect([a.lastrowid, b.lastrowid]).toEqual([1, 2]);
    const c = conn.cursor();
    c.execute("SELECT 1");
    expect(c.lastrowid).toBe(2);
    a.execute("INSERT INTO t (x) VALUES (3) RETURNING id");
    expect(a.fetchall()).toEqual([[3]]);
    expect(a.lastrowid).toBe(3);
    a.execute("SELECT count(*) FROM t");
    expect(a.lastrowid).toBe(3);
    conn.commit();
    const y = connect("own_rowid.db").cursor();
    a.execute("INSERT INTO t (id, x) VALUES (10, 4)");
    y.execute("SELECT count(*) FROM t");
    expect(y.fetchone()).toEqual([3]);
    expect([y.lastrowid, a.lastrowid]).toEqual([0, 10]);
    conn.commit();
    a.executemany("INSERT INTO t (x) VALUES (?)", [[5], [6]]);
    expect(a.lastrowid).toBe(10);
    const d = conn.cursor();
    d.execute("SELECT 1");
    expect(d.lastrowid).toBe(12);
    // read only now, after more statements on the same cursor and after the connection closed
    a.execute("INSERT INTO t (x) VALUES (7)");
    a.execute("INSERT INTO t (x) VALUES (8)");
    conn.close();
    expect([a.lastrowid, d.lastrowid]).toEqual([14, 12]);
  });

  it("a statement run again after the schema changed describes the columns it has now", () => {
    const c = connect(":memory:").cursor();
    c.execute("CREATE TABLE t (a INTEGER)");
    c.execute("SELECT * FROM t");
    expect(c.description?.map((d) => d.name)).toEqual(["a"]);
    c.execute("ALTER TABLE t ADD COLUMN b TEXT");
    c.execute("SELECT * FROM t");
    expect(c.description?.map((d) => d.name)).toEqual(["a", "b"]);
    c.execute("ALTER TABLE t RENAME COLUMN a TO z");
    c.execute("SELECT * FROM t");
    expect(c.description?.map((d) => d.name)).toEqual(["z", "b"]);
  });

  it("INSERT … RETURNING gives rows and the rows affected", () => {
    const c = connect(":memory:").cursor();
    c.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, x INTEGER)");
    c.execute("INSERT INTO t (x) VALUES (?), (?) RETURNING id", [5, 6]);
    expect(c.fetchall()).toEqual([[1], [2]]);
    expect(c.rowcount).toBe(2);
    expect(c.description).toEqual([{ name: "id", type_code: null }]);
  });

  it("fetchone / fetchmany / fetchall walk the rows", () => {
    const c = connect(":memory:").cursor();
    c.execute("WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 5) SELECT i FROM n");
    expect(c.fetchone()).toEqual([1]);
    expect(c.fetchmany()).toEqual([[2]]);
    expect(c.fetchmany(2)).toEqual([[3], [4]]);
    expect(c.fetchall()).toEqual([[5]]);
    expect(c.fetchone()).toBeNull();
    c.execute("CREATE TABLE t (x INTEGER)");
    expect(c.description).toBeNull();
    expect(c.fetchall()).toEqual([]);
  });
});

describe("sqlite3 databases: files and memory", () => {
  it("shares a file database between connections, and a new file starts empty", () => {
    const a = connect("oracle.db");
    a.cursor().execute("CREATE TABLE t (x INTEGER)");
    const b = connect("./oracle.db").cursor();
    b.execute("SELECT count(*) FROM t");
    expect(b.fetchone()).toEqual([0]);
    const other = connect("other.db").cursor();
    expect(error(() => other.execute("SELECT * FROM t")).message).toBe("no such table: t");
    expect(listFiles().sort()).toEqual(["oracle.db", "other.db"]);
  });

  it("gives every :memory: connection its own database, freed when it closes", () => {
    const a = connect(":memory:");
    a.cursor().execute("CREATE TABLE only_here (x INTEGER)");
    const b = connect(":memory:").cursor();
    expect(error(() => b.execute("SELECT * FROM only_here")).message).toBe("no such table: only_here");
    a.close();
    expect(listFiles()).toEqual([]);
  });

  it("runs DDL outside a transaction (pysqlite) and begins one at the first DML", () => {
    const a = connect("oracle.db");
    const c = a.cursor();
    c.execute("CREATE TABLE t (x INTEGER)");
    expect(a.in_transaction).toBe(false);
    a.rollback();
    c.execute("INSERT INTO t (x) VALUES (1)");
    expect(a.in_transaction).toBe(true);
    a.rollback();
    c.execute("SELECT count(*) FROM t");
    expect(c.fetchone()).toEqual([0]);
  });

  it("commits every statement when isolation_level is None", () => {
    const a = connect("oracle.db") as Connection & { isolation_level: string | null };
    expect(a.isolation_level).toBe("");
    a.isolation_level = null;
    const c = a.cursor();
    c.execute("CREATE TABLE t (x INTEGER)");
    c.execute("INSERT INTO t (x) VALUES (1)");
    expect(a.in_transaction).toBe(false);
    const b = connect("oracle.db").cursor();
    b.execute("INSERT INTO t (x) VALUES (2)");
    b.execute("SELECT count(*) FROM t");
    expect(b.fetchone()).toEqual([2]);
  });

  it("opens files in the working directory and /tmp only: elsewhere 'unable to open database file'", () => {
    expect(resolveFile("oracle.db")).toBe("oracle.db");
    expect(resolveFile("./oracle.db")).toBe("oracle.db");
    expect(resolveFile("/tmp/oracle.db")).toBe("/tmp/oracle.db");
    expect(resolveFile("/tmp//oracle.db")).toBe("/tmp/oracle.db");
    for (const path of ["/nonexistent-dir/oracle.db", "sub/oracle.db", "/oracle.db"]) {
      expect(resolveFile(path)).toBeNull();
      const err = error(() => connect(path));
      expect(err).toBeInstanceOf(OperationalError);
      expect(err.message).toBe("unable to open database file");
    }
    connect("/tmp/oracle.db").cursor().execute("CREATE TABLE t (x INTEGER)");
    expect(listFiles()).toEqual(["/tmp/oracle.db"]);
  });

  it("resetSqlite() deletes every file; connections left open fail as on a closed database", async () => {
    const a = connect("oracle.db");
    a.cursor().execute("CREATE TABLE t (x INTEGER)");
    a.cursor().execute("INSERT INTO t (x) VALUES (1)");
    await resetSqlite();
    expect(listFiles()).toEqual([]);
    expect(error(() => a.cursor().execute("SELECT 1")).message).toBe("Cannot operate on a closed database.");
    a.close(); // its transaction went with the file
    const b = connect("oracle.db").cursor();
    expect(error(() => b.execute("SELECT * FROM t")).message).toBe("no such table: t");
  });

  it("aiosqlite is the same driver under its own module name", () => {
    expect(aiosqlite.name).toBe("aiosqlite");
    expect(aiosqlite.paramstyle).toBe("qmark");
    expect(sqlite3.paramstyle).toBe("qmark");
    const conn = aiosqlite.connect({ database: ":memory:" }) as Connection;
    expect(conn.__repr__()).toMatch(/^<aiosqlite\.Connection object at 0x[0-9a-f]+>$/);
    expect((sqlite3.connect({ database: ":memory:" }) as Connection).__repr__()).toMatch(
      /^<sqlite3\.Connection object/,
    );
    // the adapter does IO only inside greenlet_spawn(), as SQLAlchemy's aiosqlite adapter does
    expect(qualifiedErrorName(error(() => conn.cursor().execute("SELECT 1")))).toBe(
      "sqlalchemy.exc.MissingGreenlet",
    );
    const err = error(() => greenlet_spawn(() => conn.cursor().execute("SELEC 1")));
    expect(qualifiedErrorName(err)).toBe("sqlite3.OperationalError");
  });
});

describe("INSERT … RETURNING on the physical session", () => {
  /**
   * Each table: its DDL and the INSERT … RETURNING as SQLAlchemy renders it. The oracle is SQLite
   * itself: the same statements on a second database, through sql.js alone.
   */
  const cases: { ddl: string[]; insert: string; values: unknown[][] }[] = [
    {
      ddl: ["CREATE TABLE t (id INTEGER NOT NULL, name VARCHAR(30) NOT NULL, PRIMARY KEY (id))"],
      insert: "INSERT INTO t (name) VALUES (?) RETURNING id",
      values: [["a"], ["b"]],
    },
    {
      ddl: ['CREATE TABLE "User" ("Id" integer PRIMARY KEY, x INTEGER)'],
      insert: 'INSERT INTO "User" (x) VALUES (?) RETURNING "Id"',
      values: [[1], [2]],
    },
    {
      ddl: ["CREATE TABLE t (id INTEGER PRIMARY KEY, x INTEGER)"],
      insert: "INSERT INTO t DEFAULT VALUES RETURNING id",
      values: [[], []],
    },
    {
      ddl: ["CREATE TABLE t (id INTEGER PRIMARY KEY DESC, x INTEGER)"],
      insert: "INSERT INTO t (x) VALUES (?) RETURNING id",
      values: [[1], [2]],
    },
    {
      ddl: ["CREATE TABLE t (id TEXT NOT NULL DEFAULT 'k', x INTEGER, PRIMARY KEY (id))"],
      insert: "INSERT INTO t (x) VALUES (?) RETURNING id",
      values: [[1]],
    },
    {
      ddl: ["CREATE TABLE t (id INTEGER NOT NULL, x INTEGER, PRIMARY KEY (id)) WITHOUT ROWID"],
      insert: "INSERT INTO t (id, x) VALUES (?, ?) RETURNING id",
      values: [[7, 1]],
    },
    {
      ddl: ["CREATE TABLE t (a INTEGER NOT NULL, b INTEGER NOT NULL, PRIMARY KEY (a, b))"],
      insert: "INSERT INTO t (a, b) VALUES (?, ?) RETURNING a",
      values: [[1, 2]],
    },
    {
      ddl: ["CREATE TABLE t (id INTEGER PRIMARY KEY, x INTEGER)"],
      insert: "INSERT INTO t (x) VALUES (?) RETURNING x",
      values: [[5]],
    },
    {
      ddl: [
        "CREATE TABLE t (id INTEGER PRIMARY KEY, x INTEGER)",
        "CREATE TEMP TABLE t (id TEXT PRIMARY KEY DEFAULT 'temp', x INTEGER)",
      ],
      insert: "INSERT INTO t (x) VALUES (?) RETURNING id",
      values: [[1]],
    },
    {
      // a trigger that skips the row: RETURNING gives nothing, and last_insert_rowid() stays
      ddl: [
        "CREATE TABLE t (id INTEGER PRIMARY KEY, x INTEGER)",
        "CREATE TRIGGER skip BEFORE INSERT ON t WHEN NEW.x < 0 BEGIN SELECT RAISE(IGNORE); END",
      ],
      insert: "INSERT INTO t (x) VALUES (?) RETURNING id",
      values: [[1], [-1], [2]],
    },
    {
      // a trigger's own INSERTs: last_insert_rowid() goes back to the outer row's when it ends
      ddl: [
        "CREATE TABLE t (id INTEGER PRIMARY KEY, x INTEGER)",
        "CREATE TABLE log (id INTEGER PRIMARY KEY, t_id INTEGER)",
        "CREATE TRIGGER logged AFTER INSERT ON t BEGIN INSERT INTO log (t_id) VALUES (NEW.id); INSERT INTO log (t_id) VALUES (NEW.id); END",
      ],
      insert: "INSERT INTO t (x) VALUES (?) RETURNING id",
      values: [[1], [2]],
    },
    {
      // an upsert that updates returns the row but inserts none: last_insert_rowid() stays
      ddl: ["CREATE TABLE t (id INTEGER PRIMARY KEY, x INTEGER)"],
      insert:
        "INSERT INTO t (id, x) VALUES (?, ?) ON CONFLICT (id) DO UPDATE SET x = excluded.x RETURNING id",
      values: [
        [1, 1],
        [5, 2],
        [1, 3],
      ],
    },
  ];

  for (const { ddl, insert, values } of cases) {
    it(`${ddl.at(-1)}: ${insert} gives what SQLite's RETURNING gives`, () => {
      const oracle = newMemoryDatabase();
      const session = new SqljsSession(newMemoryDatabase());
      for (const d of ddl) {
        oracle.run(d);
        session.execute(d, undefined);
      }
      for (const v of values) {
        const expected = oracle.exec(insert, v as never)[0];
        const rowid = oracle.exec("SELECT last_insert_rowid()")[0]!.values[0]![0];
        const got = session.execute(insert, v.length ? (v as never) : undefined);
        expect(got.rows).toEqual(expected?.values ?? []);
        expect(got.rowcount).toBe(oracle.getRowsModified());
        expect(got.inserted).toBe(true);
        expect(session.last_insert_rowid()).toBe(rowid);
        expect(got.columns).toEqual(oracle.prepare(insert).getColumnNames());
      }
    });
  }

  it("a failing INSERT … RETURNING raises SQLite's error; after a schema change its result is read anew", () => {
    const session = new SqljsSession(newMemoryDatabase());
    session.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE)", undefined);
    const insert = "INSERT INTO t (name) VALUES (?) RETURNING id";
    expect(session.execute(insert, ["a"]).rows).toEqual([[1]]);
    const dup = error(() => session.execute(insert, ["a"]));
    expect(dup).toBeInstanceOf(IntegrityError);
    expect(dup.message).toBe("UNIQUE constraint failed: t.name");
    // the table is made again with a TEXT key: the same statement now returns that key
    session.execute("DROP TABLE t", undefined);
    session.execute("CREATE TABLE t (id TEXT PRIMARY KEY DEFAULT 'k', name TEXT)", undefined);
    expect(session.execute(insert, ["b"]).rows).toEqual([["k"]]);
  });
});
