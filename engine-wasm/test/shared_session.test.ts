/**
 * connectors/: several DBAPI connections over one physical session, on real databases (a sql.js
 * Database; PGlite for sequences and PostgreSQL's aborted transactions). A recording physical session
 * shows which statements actually reach the database.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { classify } from "../src/connectors/classify.ts";
import { Connection, type DriverHooks } from "../src/connectors/dbapi.ts";
import { POSTGRESQL, SQLITE } from "../src/connectors/scanner.ts";
import {
  CONFLICT_MESSAGE,
  type ExecResult,
  type PhysicalSession,
  type SequencePositions,
  SharedSession,
} from "../src/connectors/shared_session.ts";
import { getPostgres, resetPostgres, startPostgres } from "../src/dbapi/pglite/runtime.ts";
import { PGliteWire } from "../src/dbapi/pglite/wire.ts";
import { SqljsSession } from "../src/dbapi/sqljs/physical.ts";
import { newMemoryDatabase, startSqlite } from "../src/dbapi/sqljs/runtime.ts";
import type { DBAPIParameters } from "../src/engine/interfaces.ts";

class OperationalError extends Error {}
class InFailedSqlTransaction extends Error {}
class ClientError extends Error {}

/** Delegates to a real physical session and records what reaches it. */
class Recording implements PhysicalSession {
  readonly inner: PhysicalSession;
  readonly statements: string[] = [];
  /** Makes the next execution of this SQL fail (to break a replay). */
  failOn: string | null = null;
  constructor(inner: PhysicalSession) {
    this.inner = inner;
  }
  get begins_on_ddl() {
    return this.inner.begins_on_ddl;
  }
  get sql_rules() {
    return this.inner.sql_rules;
  }
  get initial_lastrowid() {
    return this.inner.initial_lastrowid;
  }
  last_insert_rowid(): number {
    return this.inner.last_insert_rowid!();
  }
  execute(sql: string, params: DBAPIParameters | undefined): ExecResult {
    this.statements.push(sql);
    if (sql === this.failOn) throw new Error("replay failed");
    return this.inner.execute(sql, params);
  }
  begin() {
    this.statements.push("BEGIN");
    this.inner.begin();
  }
  commit() {
    this.statements.push("COMMIT");
    this.inner.commit();
  }
  rollback() {
    this.statements.push("ROLLBACK");
    this.inner.rollback();
  }
}

function hooks(extra: Partial<DriverHooks> = {}): DriverHooks {
  return {
    select_rowcount: "minus_one",
    execute: (session, operation, parameters) => session.execute(operation, parameters),
    closedError: () => new Error("Cannot operate on a closed database."),
    ...extra,
  };
}

function sqliteShared() {
  const physical = new Recording(new SqljsSession(newMemoryDatabase()));
  const shared = new SharedSession(physical, (m) => new OperationalError(`database is locked: ${m}`));
  const connect = (h: Partial<DriverHooks> = {}) => new Connection(shared.open(), hooks(h));
  const setup = connect();
  setup.cursor().execute("CREATE TABLE t (id INTEGER PRIMARY KEY, x INTEGER)");
  setup.close();
  physical.statements.length = 0;
  return { physical, shared, connect };
}

function scalar(conn: Connection, sql: string, params?: DBAPIParameters): unknown {
  const c = conn.cursor();
  c.execute(sql, params);
  return c.fetchone()?.[0];
}

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

describe("classify", () => {
  it("reads statements by their keywords, outside literals and comments", () => {
    const cases: [string, ReturnType<typeof classify>][] = [
      ["SELECT 1", "read"],
      ["  -- note\n/* c */ (SELECT 1)", "read"],
      ["SELECT 'insert into t' FROM t", "read"],
      ['SELECT "update" FROM t', "read"],
      ["WITH x AS (SELECT 1) SELECT * FROM x", "read"],
      ["WITH x AS (SELECT 1) INSERT INTO t SELECT * FROM x", "write"],
      ["WITH d AS (DELETE FROM t RETURNING *) SELECT * FROM d", "write"],
      ["SELECT * FROM t FOR UPDATE", "write"],
      ["SELECT * FROM t FOR NO KEY UPDATE", "write"],
      ["SELECT * FROM t FOR SHARE", "write"],
      ["SELECT * INTO t2 FROM t", "ddl"],
      ["VALUES (1)", "read"],
      ["EXPLAIN QUERY PLAN SELECT * FROM t", "read"],
      ["EXPLAIN ANALYZE DELETE FROM t", "write"],
      ["PRAGMA table_info(t)", "read"],
      ["PRAGMA foreign_keys = ON", "ddl"],
      ["insert into t values (1)", "write"],
      ["REPLACE INTO t VALUES (1)", "write"],
      ["UPDATE t SET x = :update", "write"],
      ["SAVEPOINT sa_savepoint_1", "write"],
      ["RELEASE SAVEPOINT sa_savepoint_1", "write"],
      ["ROLLBACK TO SAVEPOINT sa_savepoint_1", "rollback_to"],
      ["CREATE TABLE t (x INTEGER)", "ddl"],
      ["DROP TABLE t", "ddl"],
      ["BEGIN IMMEDIATE", "begin"],
      ["START TRANSACTION", "begin"],
      ["COMMIT", "commit"],
      ["END", "commit"],
      ["ROLLBACK", "rollback"],
      ["SET search_path TO public", "read"],
      ["SELECT $$insert$$", "read"],
    ];
    for (const rules of [POSTGRESQL, SQLITE]) {
      for (const [sql, kind] of cases) expect([sql, classify(sql, rules)]).toEqual([sql, kind]);
    }
  });
});

describe("one physical session, several connections (sql.js)", () => {
  it("runs reads outside any physical transaction; commit/rollback without writes send nothing", () => {
    const { physical, connect } = sqliteShared();
    const a = connect();
    expect(scalar(a, "SELECT count(*) FROM t")).toBe(0);
    a.commit();
    a.rollback();
    expect(a.in_transaction).toBe(false);
    expect(physical.statements).toEqual(["SELECT count(*) FROM t"]);
  });

  it("opens the physical transaction at the first write, and adds nothing when no one interleaves", () => {
    const { physical, shared, connect } = sqliteShared();
    const a = connect();
    expect(scalar(a, "SELECT count(*) FROM t")).toBe(0);
    a.cursor().execute("INSERT INTO t (x) VALUES (?)", [1]);
    expect(a.in_transaction).toBe(true);
    expect(shared.writer).not.toBeNull();
    expect(scalar(a, "SELECT count(*) FROM t")).toBe(1);
    a.commit();
    expect(shared.writer).toBeNull();
    expect(physical.statements).toEqual([
      "SELECT count(*) FROM t",
      "BEGIN",
      "INSERT INTO t (x) VALUES (?)",
      "SELECT count(*) FROM t",
      "COMMIT",
    ]);
    expect(shared.parked_count).toBe(0);
  });

  it("shows another connection the committed state, not the writer's uncommitted rows (transcript 05)", () => {
    const { physical, shared, connect } = sqliteShared();
    const a = connect();
    const b = connect();
    a.cursor().execute("INSERT INTO t (x) VALUES (1)");
    expect(scalar(a, "SELECT count(*) FROM t")).toBe(1);
    physical.statements.length = 0;
    expect(scalar(b, "SELECT count(*) FROM t")).toBe(0);
    // the writer was parked: rolled back, the read ran, its writes were replayed (reads are not)
    expect(physical.statements).toEqual([
      "ROLLBACK",
      "SELECT count(*) FROM t",
      "BEGIN",
      "INSERT INTO t (x) VALUES (1)",
    ]);
    expect(shared.parked_count).toBe(1);
    expect(scalar(a, "SELECT count(*) FROM t")).toBe(1);
    a.cursor().execute("INSERT INTO t (x) VALUES (2)");
    const c = a.cursor();
    c.execute("SELECT id, x FROM t ORDER BY id");
    expect(c.fetchall()).toEqual([
      [1, 1],
      [2, 2],
    ]);
    a.rollback();
    expect(scalar(b, "SELECT count(*) FROM t")).toBe(0);
  });

  it("keeps the writer's work when it commits after a parked read", () => {
    const { connect } = sqliteShared();
    const a = connect();
    const b = connect();
    a.cursor().execute("INSERT INTO t (x) VALUES (1)");
    expect(scalar(b, "SELECT count(*) FROM t")).toBe(0);
    a.commit();
    expect(scalar(b, "SELECT count(*) FROM t")).toBe(1);
  });

  it("refuses a second writer with an OperationalError that explains why, until the first ends", () => {
    const { connect } = sqliteShared();
    const a = connect();
    const b = connect();
    a.cursor().execute("INSERT INTO t (x) VALUES (1)");
    for (const sql of [
      "INSERT INTO t (x) VALUES (2)",
      "CREATE TABLE u (x INTEGER)",
      "SAVEPOINT s1",
      "BEGIN",
    ]) {
      const err = error(() => b.cursor().execute(sql));
      expect(err).toBeInstanceOf(OperationalError);
      expect(err.message).toBe(`database is locked: ${CONFLICT_MESSAGE}`);
    }
    expect(CONFLICT_MESSAGE).toMatch(/commit or roll back the other connection/);
    a.commit();
    b.cursor().execute("INSERT INTO t (x) VALUES (2)");
    b.commit();
    expect(scalar(a, "SELECT count(*) FROM t")).toBe(2);
  });

  it("lets a connection with no transaction COMMIT / ROLLBACK by hand without touching the writer's", () => {
    const { connect } = sqliteShared();
    const a = connect();
    const b = connect();
    a.cursor().execute("INSERT INTO t (x) VALUES (1)");
    expect(error(() => b.cursor().execute("COMMIT")).message).toBe(
      "cannot commit - no transaction is active",
    );
    expect(a.in_transaction).toBe(true);
    a.rollback();
    expect(scalar(b, "SELECT count(*) FROM t")).toBe(0);
  });

  it("treats a hand-written BEGIN / COMMIT as the connection's transaction", () => {
    const { shared, connect } = sqliteShared();
    const a = connect();
    const b = connect();
    a.cursor().execute("BEGIN");
    expect(shared.writer).not.toBeNull();
    expect(error(() => a.cursor().execute("BEGIN")).message).toBe(
      "cannot start a transaction within a transaction",
    );
    a.cursor().execute("INSERT INTO t (x) VALUES (1)");
    expect(scalar(b, "SELECT count(*) FROM t")).toBe(0);
    a.cursor().execute("COMMIT");
    expect(shared.writer).toBeNull();
    expect(scalar(b, "SELECT count(*) FROM t")).toBe(1);
  });

  it("counts savepoints as writes and replays them when the writer is parked", () => {
    const { connect } = sqliteShared();
    const a = connect();
    const b = connect();
    a.cursor().execute("SAVEPOINT s1");
    expect(a.in_transaction).toBe(true);
    a.cursor().execute("INSERT INTO t (x) VALUES (1)");
    a.cursor().execute("SAVEPOINT s2");
    a.cursor().execute("INSERT INTO t (x) VALUES (2)");
    expect(scalar(b, "SELECT count(*) FROM t")).toBe(0);
    a.cursor().execute("ROLLBACK TO SAVEPOINT s2");
    a.cursor().execute("RELEASE SAVEPOINT s1");
    expect(scalar(a, "SELECT count(*) FROM t")).toBe(1);
    a.commit();
    expect(scalar(b, "SELECT count(*) FROM t")).toBe(1);
  });

  it("runs DDL without a transaction when the database's driver does (pysqlite)", () => {
    const { physical, connect } = sqliteShared();
    const a = connect();
    a.cursor().execute("CREATE TABLE u (x INTEGER)");
    expect(a.in_transaction).toBe(false);
    a.rollback();
    expect(physical.statements).toEqual(["CREATE TABLE u (x INTEGER)"]);
  });

  it("a closed connection ends its transaction and refuses further use", () => {
    const { shared, connect } = sqliteShared();
    const a = connect();
    const cur = a.cursor();
    cur.execute("INSERT INTO t (x) VALUES (1)");
    a.close();
    expect(shared.writer).toBeNull();
    expect(shared.open_count).toBe(0);
    expect(() => cur.execute("SELECT 1")).toThrow("Cannot operate on a closed database.");
    expect(() => a.cursor()).toThrow("Cannot operate on a closed database.");
    const b = connect();
    expect(scalar(b, "SELECT count(*) FROM t")).toBe(0);
  });

  it("tells a writer whose work could not be replayed that it was lost", () => {
    const { physical, shared, connect } = sqliteShared();
    const a = connect();
    const b = connect();
    a.cursor().execute("INSERT INTO t (x) VALUES (1)");
    physical.failOn = "INSERT INTO t (x) VALUES (1)";
    expect(scalar(b, "SELECT count(*) FROM t")).toBe(0);
    physical.failOn = null;
    expect(shared.writer).toBeNull();
    const err = error(() => a.cursor().execute("SELECT 1"));
    expect(err).toBeInstanceOf(OperationalError);
    expect(err.message).toMatch(/uncommitted work was lost/);
    expect(scalar(a, "SELECT count(*) FROM t")).toBe(0);
  });

  it("autocommit commits each write at once", () => {
    const { physical, connect } = sqliteShared();
    const a = connect();
    a.autocommit = true;
    a.cursor().execute("INSERT INTO t (x) VALUES (1)");
    expect(a.in_transaction).toBe(false);
    expect(physical.statements).toEqual(["BEGIN", "INSERT INTO t (x) VALUES (1)", "COMMIT"]);
    // a BEGIN written by hand keeps its transaction open until COMMIT / ROLLBACK
    a.cursor().execute("BEGIN");
    a.cursor().execute("INSERT INTO t (x) VALUES (2)");
    expect(a.in_transaction).toBe(true);
    a.cursor().execute("ROLLBACK");
    expect(a.in_transaction).toBe(false);
    expect(scalar(a, "SELECT count(*) FROM t")).toBe(1);
  });

  it("Cursor: description, rowcount, executemany, fetch*", () => {
    const { connect } = sqliteShared();
    const a = connect();
    const c = a.cursor();
    c.executemany("INSERT INTO t (x) VALUES (?)", [[1], [2], [3]]);
    expect(c.rowcount).toBe(3);
    expect(c.description).toBeNull();
    c.execute("SELECT x FROM t ORDER BY x");
    expect(c.description).toEqual([{ name: "x", type_code: null }]);
    expect(c.fetchmany(2)).toEqual([[1], [2]]);
    expect(c.fetchall()).toEqual([[3]]);
  });
});

describe("async turn-taking", () => {
  it("await_turn waits for the writer to finish, then the second writer runs", async () => {
    const { connect } = sqliteShared();
    const a = connect();
    const b = connect();
    a.cursor().execute("INSERT INTO t (x) VALUES (1)");
    await b.await_turn("SELECT count(*) FROM t", 10); // reads never wait
    let waited = false;
    const turn = b.await_turn("INSERT INTO t (x) VALUES (2)", 5000).then(() => {
      waited = true;
    });
    await new Promise((r) => setTimeout(r, 20));
    expect(waited).toBe(false);
    a.commit();
    await turn;
    expect(waited).toBe(true);
    b.cursor().execute("INSERT INTO t (x) VALUES (2)");
    b.commit();
    expect(scalar(a, "SELECT count(*) FROM t")).toBe(2);
  });

  it("await_turn gives up after the timeout with the same error", async () => {
    const { connect } = sqliteShared();
    const a = connect();
    const b = connect();
    a.cursor().execute("INSERT INTO t (x) VALUES (1)");
    const started = performance.now();
    await expect(b.await_turn("", 60)).rejects.toThrow(`database is locked: ${CONFLICT_MESSAGE}`);
    expect(performance.now() - started).toBeGreaterThanOrEqual(55);
  });
});

describe("failed transactions (PostgreSQL semantics in the logical connection)", () => {
  const pgLike = {
    in_failed_transaction_error: () =>
      new InFailedSqlTransaction(
        "current transaction is aborted, commands ignored until end of transaction block",
      ),
    aborts_transaction: (err: unknown) => !(err instanceof ClientError),
  };

  it("refuses every statement after an error until rollback, also when the transaction only read", () => {
    const { physical, connect } = sqliteShared();
    const a = connect(pgLike);
    expect(() => a.cursor().execute("SELECT * FROM nope")).toThrow("no such table: nope");
    const before = physical.statements.length;
    expect(() => a.cursor().execute("SELECT 1")).toThrow(InFailedSqlTransaction);
    expect(physical.statements.length).toBe(before);
    a.rollback();
    expect(scalar(a, "SELECT 1")).toBe(1);
  });

  it("COMMIT of a failed transaction rolls it back; ROLLBACK TO SAVEPOINT clears the state", () => {
    const { connect } = sqliteShared();
    const a = connect(pgLike);
    const b = connect();
    a.cursor().execute("INSERT INTO t (x) VALUES (1)");
    a.cursor().execute("SAVEPOINT s1");
    expect(() => a.cursor().execute("INSERT INTO nope VALUES (1)")).toThrow("no such table: nope");
    expect(() => a.cursor().execute("INSERT INTO t (x) VALUES (2)")).toThrow(InFailedSqlTransaction);
    a.cursor().execute("ROLLBACK TO SAVEPOINT s1");
    a.cursor().execute("INSERT INTO t (x) VALUES (3)");
    expect(() => a.cursor().execute("SELEC")).toThrow();
    // a parked-and-replayed transaction is healthy physically, but stays failed for its connection
    expect(scalar(b, "SELECT count(*) FROM t")).toBe(0);
    expect(() => a.cursor().execute("SELECT 1")).toThrow(InFailedSqlTransaction);
    a.commit();
    expect(scalar(b, "SELECT count(*) FROM t")).toBe(0);
    expect(scalar(a, "SELECT count(*) FROM t")).toBe(0);
  });

  it("errors the driver raises before the server (bad parameters) do not abort the transaction", () => {
    const { connect } = sqliteShared();
    const a = connect({
      ...pgLike,
      execute: (session, operation, parameters) => {
        if (parameters === undefined && operation.includes("?")) throw new ClientError("missing parameters");
        return session.execute(operation, parameters);
      },
    });
    expect(() => a.cursor().execute("SELECT ?")).toThrow(ClientError);
    expect(scalar(a, "SELECT 1")).toBe(1);
  });

  it("SQLite semantics (no hook): an error leaves the transaction usable", () => {
    const { connect } = sqliteShared();
    const a = connect();
    a.cursor().execute("INSERT INTO t (x) VALUES (1)");
    expect(() => a.cursor().execute("SELECT * FROM nope")).toThrow();
    a.cursor().execute("INSERT INTO t (x) VALUES (2)");
    a.commit();
    expect(scalar(a, "SELECT count(*) FROM t")).toBe(2);
  });
});

/** PGlite's sequences through the lazy hooks: positions as "last value handed out". */
class PGliteWithSequences extends PGliteWire {
  reads = 0;
  read_sequences(): SequencePositions {
    this.reads++;
    const r = this.query(
      "SELECT quote_ident(schemaname) || '.' || quote_ident(sequencename), last_value, start_value, increment_by FROM pg_sequences",
    );
    return new Map(
      (r.rows as [string, number | null, number, number][]).map(([name, last, start, inc]) => [
        name,
        Number(last ?? Number(start) - Number(inc)),
      ]),
    );
  }
  set_sequences(positions: SequencePositions): void {
    const starts = new Map(
      (
        this.query(
          "SELECT quote_ident(schemaname) || '.' || quote_ident(sequencename), start_value FROM pg_sequences",
        ).rows as [string, number][]
      ).map(([n, s]) => [n, Number(s)]),
    );
    const calls = [...positions].map(([name, value]) => {
      const start = starts.get(name)!;
      return value < start ? `setval('${name}', ${start}, false)` : `setval('${name}', ${value}, true)`;
    });
    if (calls.length) this.query(`SELECT ${calls.join(", ")}`);
  }
}

describe("PostgreSQL (PGlite): replayed SERIAL ids are the same", () => {
  beforeAll(async () => {
    await startPostgres();
  });
  beforeEach(async () => {
    await resetPostgres();
  });
  afterAll(async () => {
    await resetPostgres();
  });

  function pgShared() {
    const wire = new PGliteWithSequences(getPostgres());
    const shared = new SharedSession(wire, (m) => new OperationalError(m));
    const connect = (h: Partial<DriverHooks> = {}) =>
      new Connection(shared.open(), hooks({ select_rowcount: "rows", ...h }));
    const setup = connect();
    setup.cursor().execute("CREATE TABLE t (id SERIAL PRIMARY KEY, x INTEGER)");
    setup.commit();
    wire.reads = 0;
    return { wire, shared, connect };
  }

  it("rewinds sequences before replaying a parked writer, from a fresh and from a used sequence", () => {
    const { wire, connect } = pgShared();
    const a = connect();
    const b = connect();
    const insert = (x: number) => scalar(a, `INSERT INTO t (x) VALUES (${x}) RETURNING id`);
    expect([insert(10), insert(20)]).toEqual([1, 2]);
    expect(wire.reads).toBe(0);
    expect(scalar(b, "SELECT count(*) FROM t")).toBe(0);
    expect(wire.reads).toBeGreaterThan(0);
    expect(insert(30)).toBe(3);
    a.commit();
    const c = b.cursor();
    c.execute("SELECT id, x FROM t ORDER BY id");
    expect(c.fetchall()).toEqual([
      [1, 10],
      [2, 20],
      [3, 30],
    ]);
    b.commit();
    // a sequence that had been used before the transaction began
    expect(insert(40)).toBe(4);
    expect(scalar(b, "SELECT count(*) FROM t")).toBe(3);
    expect(insert(50)).toBe(5);
    a.commit();
    expect(scalar(b, "SELECT max(id) FROM t")).toBe(5);
  });

  it("the logical connection's failed state matches the server's (25P02 until ROLLBACK)", () => {
    const { connect } = pgShared();
    const a = connect({
      in_failed_transaction_error: () => new InFailedSqlTransaction("current transaction is aborted"),
    });
    expect(scalar(a, "SELECT 1")).toBe(1);
    expect(() => a.cursor().execute("SELECT * FROM nope")).toThrow('relation "nope" does not exist');
    expect(() => a.cursor().execute("SELECT 1")).toThrow(InFailedSqlTransaction);
    a.rollback();
    expect(scalar(a, "SELECT 1")).toBe(1);
  });
});
