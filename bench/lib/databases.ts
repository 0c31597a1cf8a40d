/**
 * The two databases, as the benchmark reaches them directly (bypassing engine-wasm): the engine's own
 * PGlite instance and the engine's own sql.js Database for the URL's file, so every layer works on the
 * same database. Table set-up and the checks of what a layer wrote go through here, untimed.
 */
import type { PGlite } from "@electric-sql/pglite";
import type { Database } from "sql.js";
import { start_database } from "sqlalchemy/databases";
import { getPostgres } from "../../engine-wasm/src/dbapi/pglite/runtime.ts";
import { openFile } from "../../engine-wasm/src/dbapi/sqljs/runtime.ts";
import { type DatabaseKind, NEW_ROWS, TABLE, type UserRow } from "./workloads.ts";

export interface BenchDatabase {
  readonly kind: DatabaseKind;
  /** The URL the Core and ORM layers connect with (the drivers lessons use). */
  readonly url: string;
  /** Drops bench_user and creates it empty (ids start at 1 again). */
  freshTable(): Promise<void>;
  /** A fresh bench_user holding NEW_ROWS with ids 1..ROWS. */
  filledTable(): Promise<void>;
  /** Every row of bench_user, by id. */
  readAll(): Promise<UserRow[]>;
  dropTable(): Promise<void>;
}

/** The DDL SQLAlchemy's create_all emits for the benchmark's mapped class / Table. */
function createTableSql(kind: DatabaseKind): string {
  const id = kind === "postgresql" ? "id SERIAL NOT NULL" : "id INTEGER NOT NULL";
  return `CREATE TABLE ${TABLE} (${id}, name VARCHAR(30) NOT NULL, fullname VARCHAR(50), PRIMARY KEY (id))`;
}

export const SELECT_ALL_SQL = `SELECT id, name, fullname FROM ${TABLE}`;

/** One multi-row INSERT with numbered parameters ($1, $2), ($3, $4), … and its flat parameter list. */
export function insertManyValues(): { sql: string; params: string[] } {
  const values = NEW_ROWS.map((_, i) => `($${2 * i + 1}, $${2 * i + 2})`).join(", ");
  return {
    sql: `INSERT INTO ${TABLE} (name, fullname) VALUES ${values}`,
    params: NEW_ROWS.flatMap((r) => [r.name, r.fullname]),
  };
}

export class PostgresDatabase implements BenchDatabase {
  readonly kind = "postgresql";
  readonly url = "postgresql+psycopg2://bench:bench@localhost:5432/bench";

  get pg(): PGlite {
    return getPostgres();
  }

  async freshTable(): Promise<void> {
    await this.pg.exec(`DROP TABLE IF EXISTS ${TABLE}; ${createTableSql(this.kind)}`);
  }

  async filledTable(): Promise<void> {
    await this.freshTable();
    const { sql, params } = insertManyValues();
    await this.pg.query(sql, params);
  }

  async readAll(): Promise<UserRow[]> {
    const res = await this.pg.query<UserRow>(`${SELECT_ALL_SQL} ORDER BY id`, [], { rowMode: "array" });
    return res.rows;
  }

  async dropTable(): Promise<void> {
    await this.pg.exec(`DROP TABLE IF EXISTS ${TABLE}`);
  }
}

export class SqliteDatabase implements BenchDatabase {
  readonly kind = "sqlite";
  static readonly FILE = "bench.db";
  readonly url = `sqlite:///${SqliteDatabase.FILE}`;

  /** The sql.js Database behind `sqlite:///bench.db` (created empty on first use, as sqlite3.connect does). */
  get db(): Database {
    return openFile(SqliteDatabase.FILE);
  }

  async freshTable(): Promise<void> {
    this.db.exec(`DROP TABLE IF EXISTS ${TABLE}; ${createTableSql(this.kind)}`);
  }

  async filledTable(): Promise<void> {
    await this.freshTable();
    const db = this.db;
    db.exec("BEGIN");
    const st = db.prepare(`INSERT INTO ${TABLE} (name, fullname) VALUES (?, ?)`);
    try {
      for (const r of NEW_ROWS) st.run([r.name, r.fullname]);
    } finally {
      st.free();
    }
    db.exec("COMMIT");
  }

  async readAll(): Promise<UserRow[]> {
    const res = this.db.exec(`${SELECT_ALL_SQL} ORDER BY id`);
    return (res[0]?.values ?? []) as unknown as UserRow[];
  }

  async dropTable(): Promise<void> {
    this.db.exec(`DROP TABLE IF EXISTS ${TABLE}`);
  }
}

export async function openDatabase(kind: DatabaseKind): Promise<BenchDatabase> {
  await start_database(kind);
  const db = kind === "postgresql" ? new PostgresDatabase() : new SqliteDatabase();
  return db;
}
