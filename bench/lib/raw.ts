/**
 * `raw`: the same work done directly with the driver, in its fastest straightforward form.
 *
 * sql.js: the statements engine-wasm's Core layer sends, one prepared statement reused in a loop
 * (bind, step, reset). The insert runs inside one BEGIN … COMMIT, as Python's sqlite3 opens a
 * transaction before an INSERT; the selects run in autocommit, as sqlite3 opens none before a SELECT
 * (SQLAlchemy's "BEGIN (implicit)" sends nothing to the database). Inside a BEGIN … COMMIT, which
 * neither layer sends for them, 1,000 gets took about 0.1 ms less. The ORM's flush sends one
 * `INSERT … RETURNING id` per object (SQLAlchemy's "ordered; batch not supported" on SQLite): that
 * statement's own cost in SQLite (about 3x a plain INSERT) is part of the ORM insert's ratio.
 *
 * PGlite, through its public async API (what an application without engine-wasm would write):
 * - insert: one multi-row `INSERT … VALUES ($1, $2), …` with bound parameters through `pg.query`. 1,000
 *   `tx.query` calls inside one `pg.transaction` were an order of magnitude slower; the same multi-row
 *   statement with literal values (`pg.exec` or `pg.query`) was not measurably faster, and binding
 *   parameters is the form an application would write;
 * - select: `pg.query(sql, [], { rowMode: "array" })`, rows as arrays like engine-wasm's tuples;
 * - get: 1,000 `tx.exec("SELECT … WHERE id = <integer>")` inside one `pg.transaction` (the simple query
 *   protocol, as psycopg2 uses it; an integer literal needs no escaping). It was 1.5-2x faster than
 *   `tx.query(sql, [id])` (the extended protocol: parse, bind, describe, execute, sync) and about 2x
 *   faster than either outside a transaction (each statement then commits on its own).
 */
import { insertManyValues, type PostgresDatabase, SELECT_ALL_SQL, type SqliteDatabase } from "./databases.ts";
import {
  checkLookups,
  checkRows,
  type LayerCases,
  LOOKUP_IDS,
  NEW_ROWS,
  TABLE,
  type UserRow,
} from "./workloads.ts";

/** A row as `pg.exec` returns it. */
interface UserObjectRow {
  id: number;
  name: string;
  fullname: string | null;
}

const GET_SQL_SQLITE = `${SELECT_ALL_SQL} WHERE id = ?`;
const INSERT_SQL_SQLITE = `INSERT INTO ${TABLE} (name, fullname) VALUES (?, ?)`;

export function rawPglite(db: PostgresDatabase): LayerCases {
  const pg = db.pg;
  const many = insertManyValues();
  return {
    cases: {
      insert: {
        before: () => db.freshTable(),
        run: () => pg.query(many.sql, many.params),
        check: async () => checkRows(await db.readAll(), "raw insert"),
      },
      select: {
        run: async () => (await pg.query<UserRow>(SELECT_ALL_SQL, [], { rowMode: "array" })).rows,
        check: (rows) => checkRows(rows as UserRow[], "raw select"),
      },
      get: {
        run: () =>
          pg.transaction(async (tx) => {
            const out: UserObjectRow[] = [];
            for (const id of LOOKUP_IDS)
              out.push((await tx.exec(`${SELECT_ALL_SQL} WHERE id = ${id}`))[0]!.rows[0] as UserObjectRow);
            return out;
          }),
        check: (rows) =>
          checkLookups(
            (rows as UserObjectRow[]).map((r) => [r.id, r.name, r.fullname]),
            "raw get",
          ),
      },
    },
    notes: [
      "raw PGlite: insert = one multi-row INSERT with bound parameters (pg.query); select = pg.query, rowMode array; get = tx.exec per id (integer literal) inside one pg.transaction",
    ],
    close() {},
  };
}

export function rawSqljs(db: SqliteDatabase): LayerCases {
  return {
    cases: {
      insert: {
        before: () => db.freshTable(),
        run() {
          const conn = db.db;
          conn.exec("BEGIN");
          const st = conn.prepare(INSERT_SQL_SQLITE);
          for (const r of NEW_ROWS) st.run([r.name, r.fullname]);
          st.free();
          conn.exec("COMMIT");
        },
        check: async () => checkRows(await db.readAll(), "raw insert"),
      },
      select: {
        run() {
          const st = db.db.prepare(SELECT_ALL_SQL);
          const rows: unknown[][] = [];
          while (st.step()) rows.push(st.get());
          st.free();
          return rows;
        },
        check: (rows) => checkRows(rows as UserRow[], "raw select"),
      },
      get: {
        run() {
          const st = db.db.prepare(GET_SQL_SQLITE);
          const rows: unknown[][] = [];
          for (const id of LOOKUP_IDS) {
            st.bind([id]);
            st.step();
            rows.push(st.get());
            st.reset();
          }
          st.free();
          return rows;
        },
        check: (rows) => checkLookups(rows as UserRow[], "raw get"),
      },
    },
    notes: [
      "raw sql.js: one prepared statement reused in a loop; insert inside BEGIN … COMMIT, selects in autocommit (the statements Core sends, as Python's sqlite3 sends them)",
    ],
    close() {},
  };
}
