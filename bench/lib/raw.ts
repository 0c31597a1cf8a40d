/**
 * `raw`: the same work done directly with the driver, in its fastest straightforward form.
 *
 * sql.js: one prepared statement reused in a loop (bind, step, reset) inside one transaction.
 *
 * PGlite, through its public async API (what an application without engine-wasm would write):
 * - insert: one multi-row `INSERT … VALUES ($1, $2), …` with bound parameters through `pg.query`. It is
 *   the fastest form measured (about 15x faster than 1,000 `tx.query` calls in a transaction, and 4x
 *   faster than the same statement with literal values through `pg.exec`, whose long SQL text costs
 *   more to parse than the parameters cost to bind);
 * - select: `pg.query(sql, [], { rowMode: "array" })`, rows as arrays like engine-wasm's tuples;
 * - get: 1,000 `tx.query(sql, [id], { rowMode: "array" })` inside one `pg.transaction`, about 2x faster
 *   than 1,000 `pg.query` calls each in its own implicit transaction, and faster than `pg.exec` with the
 *   id spelled into the SQL.
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

const GET_SQL_PG = `${SELECT_ALL_SQL} WHERE id = $1`;
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
            const out: UserRow[] = [];
            for (const id of LOOKUP_IDS) {
              out.push((await tx.query<UserRow>(GET_SQL_PG, [id], { rowMode: "array" })).rows[0]!);
            }
            return out;
          }),
        check: (rows) => checkLookups(rows as UserRow[], "raw get"),
      },
    },
    notes: [
      "raw PGlite: insert = one multi-row INSERT with bound parameters (pg.query); select = pg.query, rowMode array; get = tx.query per id inside one pg.transaction",
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
          const conn = db.db;
          conn.exec("BEGIN");
          const st = conn.prepare(SELECT_ALL_SQL);
          const rows: unknown[][] = [];
          while (st.step()) rows.push(st.get());
          st.free();
          conn.exec("COMMIT");
          return rows;
        },
        check: (rows) => checkRows(rows as UserRow[], "raw select"),
      },
      get: {
        run() {
          const conn = db.db;
          conn.exec("BEGIN");
          const st = conn.prepare(GET_SQL_SQLITE);
          const rows: unknown[][] = [];
          for (const id of LOOKUP_IDS) {
            st.bind([id]);
            st.step();
            rows.push(st.get());
            st.reset();
          }
          st.free();
          conn.exec("COMMIT");
          return rows;
        },
        check: (rows) => checkLookups(rows as UserRow[], "raw get"),
      },
    },
    notes: ["raw sql.js: one prepared statement reused in a loop inside one transaction (BEGIN … COMMIT)"],
    close() {},
  };
}
