/**
 * The PostgreSQL driver layer alone: PGlite's start and reset, the sync wire client (simple and
 * extended protocol), values as psycopg2 returns them, psycopg2's literal interpolation, the
 * drivers' error classes and messages (checked against the transcripts), and the state of a
 * session after errors.
 */
import { readFileSync } from "node:fs";
import { afterAll, beforeAll, beforeEach, expect, describe as group, it } from "vitest";
import { asyncpg } from "../src/dbapi/asyncpg.ts";
import { errorPositionLines } from "../src/dbapi/pglite/errors.ts";
import {
  getPostgres,
  postgresStarted,
  postgresStartInfo,
  resetPostgres,
  startPostgres,
} from "../src/dbapi/pglite/runtime.ts";
import { PGliteWire } from "../src/dbapi/pglite/wire.ts";
import { psycopg } from "../src/dbapi/psycopg.ts";
import { psycopg2, psycopg2_mogrify } from "../src/dbapi/psycopg2.ts";
import type { DBAPIConnection, DBAPIParameters } from "../src/engine/interfaces.ts";
import { DBAPIError, MissingGreenlet } from "../src/exc.ts";
import { greenlet_spawn } from "../src/util/concurrency.ts";
import { Decimal, date, datetime, time, timedelta, tuple } from "../src/util/pytypes.ts";
import { qualifiedErrorName, repr, str } from "../src/util/repr.ts";

function transcript(name: string): string[] {
  const url = new URL(`../../conformance/transcripts/${name}.postgresql.json`, import.meta.url);
  return (JSON.parse(readFileSync(url, "utf8")) as { output: string[] }).output;
}

/** The lines of the transcript's `!! <first>` error report, through its "Background" line. */
function errorReport(lines: string[], first: string): string {
  const start = lines.findIndex((l) => l.startsWith(`!! ${first}`));
  if (start < 0) throw new Error(`no "${first}" in the transcript`);
  const end = lines.findIndex((l, i) => i > start && l.startsWith("(Background on this error"));
  return lines.slice(start, end + 1).join("\n");
}

/** What the transcripts' show_error() prints for the error SQLAlchemy wraps around `orig`. */
function shown(statement: string, params: unknown, orig: unknown): string {
  const wrapped = DBAPIError.instance(statement, params, orig as Error);
  return `!! ${qualifiedErrorName(wrapped)}: ${str(wrapped)}`;
}

function caught(fn: () => unknown): Error & Record<string, unknown> {
  try {
    fn();
  } catch (err) {
    return err as Error & Record<string, unknown>;
  }
  throw new Error("expected an error");
}

function run(conn: DBAPIConnection, sql: string, params?: DBAPIParameters): unknown[][] {
  const cur = conn.cursor();
  cur.execute(sql, params);
  return cur.description ? cur.fetchall() : [];
}

const connectArgs = { database: "test", host: "localhost", username: "scott", password: "tiger" };

group("runtime", () => {
  it("refuses to hand out PGlite before the start, then starts once for every caller", async () => {
    expect(postgresStarted()).toBe(false);
    expect(() => getPostgres()).toThrow(
      "PostgreSQL (PGlite) has not been started: await start_database('postgresql') first",
    );
    const progress: string[] = [];
    const a = startPostgres({ onProgress: (e) => progress.push(e.phase) });
    const b = startPostgres();
    await Promise.all([a, b]);
    expect(postgresStarted()).toBe(true);
    const first = getPostgres();
    await startPostgres();
    expect(getPostgres()).toBe(first);
    // the build's data directory is there (npm run build:pgdata runs before the tests)
    expect(postgresStartInfo()?.from).toBe("datadir");
    expect(progress).toEqual(["postgresql:start", "postgresql:ready"]);
  });

  it("reset leaves an empty public schema, sequences from 1 and a clean session", async () => {
    await startPostgres();
    const wire = new PGliteWire(getPostgres());
    wire.query("CREATE TABLE t (id SERIAL PRIMARY KEY, x TEXT)");
    wire.query("INSERT INTO t (x) VALUES ('a'), ('b')");
    wire.query("CREATE SCHEMA other; CREATE TABLE other.u (y INT); CREATE TYPE mood AS ENUM ('ok')");
    wire.query("CREATE TEMP TABLE scratch (z INT)");
    wire.query("SET TimeZone = 'Europe/Paris'");
    wire.query("BEGIN");
    wire.query("INSERT INTO t (x) VALUES ('uncommitted')");
    await resetPostgres();
    wire.query("SELECT 1");
    expect(wire.status).toBe("I");
    expect(
      wire.query(
        "SELECT nspname FROM pg_namespace WHERE nspname NOT LIKE 'pg\\_%' AND nspname <> 'information_schema' ORDER BY 1",
      ).rows,
    ).toEqual([["public"]]);
    expect(
      wire.query("SELECT count(*) FROM pg_class WHERE relnamespace = 'public'::regnamespace").rows,
    ).toEqual([[0]]);
    expect(wire.query("SELECT to_regclass('pg_temp.scratch') IS NULL").rows).toEqual([[true]]);
    expect(wire.query("SHOW TimeZone").rows).toEqual([["UTC"]]);
    wire.query("CREATE TABLE t (id SERIAL PRIMARY KEY, x TEXT)");
    expect(wire.query("INSERT INTO t (x) VALUES ('again') RETURNING id").rows).toEqual([[1]]);
    await resetPostgres();
  });
});

group("wire client and drivers", () => {
  let wire: PGliteWire;
  beforeAll(async () => {
    await startPostgres();
    wire = new PGliteWire(getPostgres());
  });
  beforeEach(async () => {
    await resetPostgres();
  });
  afterAll(async () => {
    await resetPostgres();
  });

  group("simple Query protocol", () => {
    it("returns fields (name, type OID), rows, the command tag and rowcount", () => {
      const r = wire.query("SELECT 1 AS one, 'x'::text AS two");
      expect(r.columns).toEqual(["one", "two"]);
      expect(r.types).toEqual([23, 25]);
      expect(r.rows).toEqual([[1, "x"]]);
      expect(r.command).toBe("SELECT 1");
      wire.query("CREATE TABLE t (x INT)");
      const ins = wire.query("INSERT INTO t VALUES (1), (2), (3)");
      expect([ins.columns, ins.rowcount, ins.command]).toEqual([null, 3, "INSERT 0 3"]);
      expect(wire.query("UPDATE t SET x = x + 1 WHERE x > 1").rowcount).toBe(2);
      expect(wire.query("DELETE FROM t").rowcount).toBe(3);
      expect(wire.query("ALTER TABLE t ADD COLUMN y INT").rowcount).toBe(-1);
    });

    it("decodes UTF-8 text in column names and values, short and long, and NULL", () => {
      const long = "é".repeat(100);
      const r = wire.query(`SELECT 'Grüße, 世界 🐘' AS "größe", NULL AS n, '${long}' AS l, '' AS e`);
      expect(r.columns).toEqual(["größe", "n", "l", "e"]);
      expect(r.rows).toEqual([["Grüße, 世界 🐘", null, long, ""]]);
      const err = (() => {
        try {
          wire.query(`SELECT "spalte_ö" FROM (SELECT 1) AS s`);
        } catch (e) {
          return e as { fields: Record<string, string> };
        }
      })();
      expect(err?.fields).toMatchObject({
        severity: "ERROR",
        code: "42703",
        message: 'column "spalte_ö" does not exist',
        position: "8",
      });
    });

    it("gives the last statement's result when one string holds several (as libpq's PQexec)", () => {
      expect(wire.query("SELECT 1; SELECT 2 AS b").rows).toEqual([[2]]);
      const r = wire.query("SELECT 1; CREATE TABLE t (x INT)");
      expect([r.columns, r.rows, r.command]).toEqual([null, [], "CREATE TABLE"]);
    });

    it("tracks the transaction status (idle, in transaction, failed)", () => {
      wire.query("SELECT 1");
      expect(wire.status).toBe("I");
      wire.query("BEGIN");
      expect(wire.status).toBe("T");
      expect(() => wire.query("SELECT * FROM nope")).toThrow('relation "nope" does not exist');
      expect(wire.status).toBe("E");
      const err = caught(() => wire.query("SELECT 1"));
      expect((err.fields as { code: string }).code).toBe("25P02");
      wire.query("ROLLBACK");
      expect(wire.status).toBe("I");
      expect(wire.query("SELECT 1").rows).toEqual([[1]]);
    });
  });

  group("extended protocol", () => {
    it("binds parameters for the types the server infers", () => {
      wire.query("CREATE TABLE t (id INT, name TEXT, born DATE, ok BOOLEAN, amount NUMERIC(10, 2))");
      const ins = wire.extended("INSERT INTO t VALUES ($1, $2, $3, $4, $5)", [
        7,
        "it's",
        new date(2024, 1, 31),
        true,
        new Decimal("12.50"),
      ]);
      expect(ins.rowcount).toBe(1);
      const r = wire.extended("SELECT id, name, born, ok, amount FROM t WHERE id = $1", [7]);
      expect(repr(tuple(r.rows[0]!))).toBe(
        "(7, \"it's\", datetime.date(2024, 1, 31), True, Decimal('12.50'))",
      );
      expect(wire.extended("SELECT 41 + 1 AS x", []).rows).toEqual([[42]]);
      expect(wire.describe("SELECT $1::int8, $2::text").paramTypes).toEqual([20, 25]);
    });

    it("refuses a statement with several commands, as a prepared statement", () => {
      const err = caught(() => wire.extended("SELECT 1; SELECT 2", []));
      expect((err.fields as { code: string }).code).toBe("42601");
      expect(err.message).toBe("cannot insert multiple commands into a prepared statement");
    });
  });

  group("values as psycopg2 returns them", () => {
    it("numbers, text, booleans, NULL", () => {
      const r = wire.query(
        "SELECT 1::int2, 2::int4, 3::int8, 9007199254740993::int8, 1.5::float4, 0.1::float8, 'NaN'::float8, " +
          "1.50::numeric, true, false, 'a''b'::varchar, 'c'::char(3), NULL::int",
      );
      expect(r.rows[0]).toEqual([
        1,
        2,
        3,
        9007199254740993n,
        1.5,
        0.1,
        Number.NaN,
        new Decimal("1.50"),
        true,
        false,
        "a'b",
        "c  ",
        null,
      ]);
    });

    it("dates and times", () => {
      const r = wire.query(
        "SELECT '2024-01-31'::date, '2024-01-31 12:30:05.25'::timestamp, '2024-01-31 12:30:00+02'::timestamptz, " +
          "'12:30:00'::time, '12:30:00.5+02'::timetz, '1 day 02:00:00'::interval, '-01:30:00'::interval",
      );
      expect(r.rows[0]!.map((v) => repr(v))).toEqual([
        "datetime.date(2024, 1, 31)",
        "datetime.datetime(2024, 1, 31, 12, 30, 5, 250000)",
        "datetime.datetime(2024, 1, 31, 10, 30, tzinfo=datetime.timezone.utc)",
        "datetime.time(12, 30)",
        "datetime.time(12, 30, 0, 500000, tzinfo=datetime.timezone(datetime.timedelta(seconds=7200)))",
        "datetime.timedelta(days=1, seconds=7200)",
        "datetime.timedelta(days=-1, seconds=81000)",
      ]);
      expect(r.rows[0]![3]).toBeInstanceOf(time);
      expect(r.rows[0]![5]).toBeInstanceOf(timedelta);
    });

    it("json, bytea, arrays, and other types as text", () => {
      const r = wire.query(
        `SELECT '{"a": [1, null]}'::json, '{"b": true}'::jsonb, '\\x00ff41'::bytea, ARRAY[1, NULL, 3], ` +
          `ARRAY['a b', 'c"d', NULL]::text[], ARRAY[[1, 2], [3, 4]], '{}'::int[], ` +
          `'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11'::uuid, '192.168.0.1'::inet`,
      );
      expect(r.rows[0]).toEqual([
        { a: [1, null] },
        { b: true },
        new Uint8Array([0, 255, 65]),
        [1, null, 3],
        ["a b", 'c"d', null],
        [
          [1, 2],
          [3, 4],
        ],
        [],
        "a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11",
        "192.168.0.1",
      ]);
    });
  });

  group("psycopg2: parameters interpolated as literals", () => {
    it("mogrify quotes strings and writes None, booleans, numbers, dates, bytes, lists and tuples as psycopg2", () => {
      expect(
        psycopg2_mogrify("%(s)s %(n)s %(t)s %(f)s %(i)s %(neg)s %(d)s", {
          s: "it's",
          n: null,
          t: true,
          f: false,
          i: 42,
          neg: -1.5,
          d: new Decimal("3.10"),
        }),
      ).toBe("'it''s' NULL true false 42  -1.5 3.10");
      expect(
        psycopg2_mogrify("%s, %s, %s, %s", [
          new date(2024, 1, 31),
          new datetime(2024, 1, 31, 12, 0, 0),
          new Uint8Array([1, 171]),
          [1, 2],
        ]),
      ).toBe("'2024-01-31'::date, '2024-01-31T12:00:00'::timestamp, '\\x01ab'::bytea, ARRAY[1,2]");
      expect(psycopg2_mogrify("x IN %s AND y LIKE 'a%%'", [tuple([1, "b"])])).toBe(
        "x IN (1, 'b') AND y LIKE 'a%'",
      );
      // without parameters the operation is sent unchanged
      expect(psycopg2_mogrify("SELECT '100%%'")).toBe("SELECT '100%%'");
    });

    it("refuses what psycopg2 refuses", () => {
      const missing = caught(() => psycopg2_mogrify("%(a)s %(b)s", { a: 1 }));
      expect(qualifiedErrorName(missing)).toBe("builtins.KeyError");
      expect(str(missing)).toBe("'b'");
      const dict = caught(() => psycopg2_mogrify("%(a)s", { a: { x: 1 } }));
      expect(`${qualifiedErrorName(dict)}: ${str(dict)}`).toBe(
        "psycopg2.ProgrammingError: can't adapt type 'dict'",
      );
      const few = caught(() => psycopg2_mogrify("%s %s", [1]));
      expect(`${qualifiedErrorName(few)}: ${str(few)}`).toBe(
        "psycopg2.ProgrammingError: not enough arguments for format string",
      );
      const nul = caught(() => psycopg2_mogrify("%s", ["a\0b"]));
      expect(`${qualifiedErrorName(nul)}: ${str(nul)}`).toBe(
        "builtins.ValueError: A string literal cannot contain NUL (0x00) characters.",
      );
    });

    it("sends the literal 1.5, which PostgreSQL types as numeric (transcript 09)", () => {
      const expected = transcript("09_text_bound_params").find((l) => l.includes("Decimal"));
      const conn = psycopg2.connect(connectArgs);
      const rows = run(conn, "SELECT %(s)s AS s, %(n)s AS n, %(f)s AS f", { s: "it's", n: null, f: 1.5 });
      expect(repr(tuple(rows[0]!))).toBe(expected);
      conn.close();
    });

    it("round-trips values through a table, with psycopg2's rowcounts", () => {
      const conn = psycopg2.connect(connectArgs);
      run(
        conn,
        "CREATE TABLE v (d DATE, ts TIMESTAMP, n NUMERIC, b BYTEA, ok BOOLEAN, tags TEXT[], j JSONB)",
      );
      const cur = conn.cursor();
      cur.execute("INSERT INTO v VALUES (%(d)s, %(ts)s, %(n)s, %(b)s, %(ok)s, %(tags)s, %(j)s)", {
        d: new date(2024, 2, 29),
        ts: new datetime(2024, 2, 29, 23, 59, 59, 123456),
        n: new Decimal("-0.001"),
        b: new Uint8Array([0, 39, 92]),
        ok: false,
        tags: ["x", "it's"],
        j: '{"k": [1]}',
      });
      expect(cur.rowcount).toBe(1);
      cur.execute("SELECT * FROM v");
      expect(cur.rowcount).toBe(1);
      expect(cur.description!.map((c) => c.type_code)).toEqual([1082, 1114, 1700, 17, 16, 1009, 3802]);
      expect(cur.fetchall()).toEqual([
        [
          new date(2024, 2, 29),
          new datetime(2024, 2, 29, 23, 59, 59, 123456),
          new Decimal("-0.001"),
          new Uint8Array([0, 39, 92]),
          false,
          ["x", "it's"],
          { k: [1] },
        ],
      ]);
      conn.commit();
      conn.close();
    });
  });

  group("psycopg2 errors (transcript 41)", () => {
    const lines = transcript("41_common_errors");
    let conn: DBAPIConnection;
    beforeEach(() => {
      conn = psycopg2.connect(connectArgs);
      run(conn, "CREATE TABLE users (id INTEGER PRIMARY KEY, name VARCHAR(30) NOT NULL UNIQUE)");
      run(conn, "INSERT INTO users (id, name) VALUES (1, 'spongebob')");
      conn.commit();
    });

    it("syntax error: class, str() with LINE and caret", () => {
      const err = caught(() => run(conn, "SELEC 1"));
      expect(qualifiedErrorName(err)).toBe("psycopg2.errors.SyntaxError");
      expect([err.pep249, err.pgcode]).toEqual(["ProgrammingError", "42601"]);
      expect(shown("SELEC 1", {}, err)).toBe(
        errorReport(lines, "sqlalchemy.exc.ProgrammingError: (psycopg2.errors.SyntaxError)"),
      );
      conn.rollback();
    });

    it("undefined table", () => {
      const err = caught(() => run(conn, "SELECT * FROM nope"));
      expect(shown("SELECT * FROM nope", {}, err)).toBe(
        errorReport(lines, "sqlalchemy.exc.ProgrammingError: (psycopg2.errors.UndefinedTable)"),
      );
      conn.rollback();
    });

    it("unique and not-null violations, with DETAIL", () => {
      const sql = "INSERT INTO users (id, name) VALUES (%(id)s, %(name)s)";
      const unique = caught(() => run(conn, sql, { id: 2, name: "spongebob" }));
      expect(shown(sql, { id: 2, name: "spongebob" }, unique)).toBe(
        errorReport(lines, "sqlalchemy.exc.IntegrityError: (psycopg2.errors.UniqueViolation)"),
      );
      expect((unique.diag as { constraint_name: string }).constraint_name).toBe("users_name_key");
      conn.rollback();
      const notNull = caught(() => run(conn, sql, { id: 3, name: null }));
      expect(shown(sql, { id: 3, name: null }, notNull)).toBe(
        errorReport(lines, "sqlalchemy.exc.IntegrityError: (psycopg2.errors.NotNullViolation)"),
      );
      conn.rollback();
    });

    it("an aborted transaction refuses statements until rollback, then the connection works", () => {
      caught(() => run(conn, "SELECT * FROM nope"));
      const failed = caught(() => run(conn, "SELECT count(*) FROM users"));
      expect(shown("SELECT count(*) FROM users", {}, failed)).toBe(
        errorReport(lines, "sqlalchemy.exc.InternalError: (psycopg2.errors.InFailedSqlTransaction)"),
      );
      conn.rollback();
      expect(run(conn, "SELECT count(*) FROM users")).toEqual([[1]]);
    });

    it("ROLLBACK TO SAVEPOINT recovers a failed transaction, keeping earlier work", () => {
      run(conn, "INSERT INTO users (id, name) VALUES (2, 'sandy')");
      run(conn, "SAVEPOINT sp");
      caught(() => run(conn, "INSERT INTO users (id, name) VALUES (3, 'sandy')"));
      expect(qualifiedErrorName(caught(() => run(conn, "SELECT 1")))).toBe(
        "psycopg2.errors.InFailedSqlTransaction",
      );
      run(conn, "ROLLBACK TO SAVEPOINT sp");
      expect(run(conn, "SELECT name FROM users ORDER BY id")).toEqual([["spongebob"], ["sandy"]]);
      conn.commit();
    });

    it("errors outside the database leave the transaction usable", () => {
      run(conn, "INSERT INTO users (id, name) VALUES (2, 'sandy')");
      expect(qualifiedErrorName(caught(() => run(conn, "SELECT %(x)s", { x: new Map() })))).toBe(
        "psycopg2.ProgrammingError",
      );
      const empty = caught(() => run(conn, "  "));
      expect(`${qualifiedErrorName(empty)}: ${str(empty)}`).toBe(
        "psycopg2.ProgrammingError: can't execute an empty query",
      );
      expect(run(conn, "SELECT count(*) FROM users")).toEqual([[2]]);
      conn.rollback();
    });

    it("COPY FROM STDIN is refused and the session stays usable", () => {
      const err = caught(() => run(conn, "COPY users FROM STDIN"));
      expect(str(err)).toBe("can't execute COPY FROM: use the copy_from() method instead");
      conn.rollback();
      expect(run(conn, "SELECT count(*) FROM users")).toEqual([[1]]);
    });

    it("the position display of a later line and of a long line, as libpq cuts it", () => {
      const err = caught(() => run(conn, "SELECT id,\n  nope_col\nFROM users"));
      expect(str(err)).toBe('column "nope_col" does not exist\nLINE 2:   nope_col\n          ^\n');
      conn.rollback();
      const long = "SELECT aaaaaaaaaa, bbbbbbbbbb, cccccccccc, dddddddddd, eeeeeeeeee, ffffffffff FROM nope";
      expect(errorPositionLines(long, 84)).toBe(
        `LINE 1: ...bb, cccccccccc, dddddddddd, eeeeeeeeee, ffffffffff FROM nope\n${" ".repeat(67)}^\n`,
      );
    });

    it("a closed connection refuses work", () => {
      conn.close();
      const err = caught(() => conn.cursor());
      expect(`${qualifiedErrorName(err)}: ${str(err)}`).toBe(
        "psycopg2.InterfaceError: connection already closed",
      );
    });
  });

  group("psycopg (3) and asyncpg errors", () => {
    beforeEach(() => {
      const conn = psycopg2.connect(connectArgs);
      run(conn, "CREATE TABLE users (id INTEGER PRIMARY KEY, name VARCHAR(30) NOT NULL UNIQUE)");
      run(conn, "INSERT INTO users (id, name) VALUES (1, 'spongebob')");
      conn.commit();
      conn.close();
    });

    it("psycopg: psycopg.errors classes, libpq's message without the trailing newline", () => {
      const conn = psycopg.connect(connectArgs);
      const err = caught(() =>
        run(conn, "INSERT INTO users (id, name) VALUES (%(id)s, %(name)s)", { id: 2, name: "spongebob" }),
      );
      expect(qualifiedErrorName(err)).toBe("psycopg.errors.UniqueViolation");
      expect(str(err)).toBe(
        'duplicate key value violates unique constraint "users_name_key"\nDETAIL:  Key (name)=(spongebob) already exists.',
      );
      conn.rollback();
      conn.close();
    });

    it("asyncpg: outside greenlet_spawn() a statement raises MissingGreenlet before it runs", () => {
      const conn = asyncpg.connect(connectArgs);
      expect(() => run(conn, "INSERT INTO users (id, name) VALUES (3, 'x')")).toThrow(MissingGreenlet);
      expect(greenlet_spawn(() => run(conn, "SELECT count(*) FROM users"))).toEqual([[1]]);
      conn.close();
    });

    it("asyncpg: the adapter's class around asyncpg's, as SQLAlchemy's asyncpg dialect raises it", () =>
      greenlet_spawn(() => {
        const conn = asyncpg.connect(connectArgs);
        const unique = caught(() =>
          run(conn, "INSERT INTO users (id, name) VALUES ($1::INTEGER, $2::VARCHAR)", [2, "spongebob"]),
        );
        expect(qualifiedErrorName(unique)).toBe("sqlalchemy.dialects.postgresql.asyncpg.IntegrityError");
        expect(str(unique)).toBe(
          "<class 'asyncpg.exceptions.UniqueViolationError'>: duplicate key value violates unique constraint \"users_name_key\"\nDETAIL:  Key (name)=(spongebob) already exists.",
        );
        expect(qualifiedErrorName(unique.cause)).toBe("asyncpg.exceptions.UniqueViolationError");
        expect(DBAPIError.instance("INSERT …", [2, "spongebob"], unique).constructor.name).toBe(
          "IntegrityError",
        );
        // any other server error is the adapter's Error (sqlalchemy.exc.DBAPIError)
        const failed = caught(() => run(conn, "SELECT 1"));
        expect(qualifiedErrorName(failed)).toBe("sqlalchemy.dialects.postgresql.asyncpg.Error");
        expect(str(failed)).toBe(
          "<class 'asyncpg.exceptions.InFailedSQLTransactionError'>: current transaction is aborted, commands ignored until end of transaction block",
        );
        expect(DBAPIError.instance("SELECT 1", [], failed).constructor.name).toBe("DBAPIError");
        conn.rollback();
        const syntax = caught(() => run(conn, "SELEC $1", [1]));
        expect(`${qualifiedErrorName(syntax)}: ${str(syntax)}`).toBe(
          "sqlalchemy.dialects.postgresql.asyncpg.ProgrammingError: <class 'asyncpg.exceptions.PostgresSyntaxError'>: syntax error at or near \"SELEC\"",
        );
        conn.rollback();
        expect(run(conn, "SELECT name FROM users WHERE id = $1::INTEGER", [1])).toEqual([["spongebob"]]);
        conn.close();
      }));

    it("asyncpg: a value the parameter's type cannot take is refused before execution (DataError)", () =>
      greenlet_spawn(() => {
        const conn = asyncpg.connect(connectArgs);
        const err = caught(() => run(conn, "SELECT $1", [5]));
        expect(`${qualifiedErrorName(err)}: ${str(err)}`).toBe(
          "sqlalchemy.dialects.postgresql.asyncpg.InterfaceError: <class 'asyncpg.exceptions._base.DataError'>: invalid input for query argument $1: 5 (expected str, got int)",
        );
        const text = caught(() => run(conn, "SELECT id FROM users WHERE id = $1", ["1"]));
        expect(str(text)).toBe(
          "<class 'asyncpg.exceptions._base.DataError'>: invalid input for query argument $1: '1' ('str' object cannot be interpreted as an integer)",
        );
        // not a server error: the transaction goes on
        expect(run(conn, "SELECT $1::INTEGER + 1", [41])).toEqual([[42]]);
        conn.rollback();
        conn.close();
      }));
  });

  it("sequence positions read and set for a parked writer's replay", () => {
    wire.query("CREATE TABLE t (id SERIAL PRIMARY KEY); CREATE SEQUENCE s START 10 INCREMENT 5");
    expect(wire.read_sequences()).toEqual(
      new Map([
        ["public.t_id_seq", 0],
        ["public.s", 5],
      ]),
    );
    wire.query("INSERT INTO t DEFAULT VALUES; INSERT INTO t DEFAULT VALUES; SELECT nextval('s')");
    expect(wire.read_sequences()).toEqual(
      new Map([
        ["public.t_id_seq", 2],
        ["public.s", 10],
      ]),
    );
    wire.set_sequences(
      new Map([
        ["public.t_id_seq", 0],
        ["public.s", 15],
      ]),
    );
    expect(wire.query("SELECT nextval('t_id_seq'), nextval('s')").rows).toEqual([[1, 20]]);
  });
});
