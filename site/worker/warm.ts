/**
 * Warming a started database for the first Run, outside what any cell shows (the echo log, results,
 * the database's state): the engine's compiler runs once over the statement kinds a lesson's first cell
 * uses (a throwaway engine that never connects; its compiled cache is its own); on PostgreSQL the
 * catalog lookups the dialect's first connect and `create_all` make run once, raw, through PGlite,
 * inside a transaction that is rolled back (so PostgreSQL's catalog caches and PGlite's code paths are
 * warm); on SQLite `create_all`'s PRAGMA, a CREATE TABLE, INSERTs and a SELECT run raw on an
 * in-memory sql.js database of their own, rolled back and closed (so the WebAssembly functions that
 * open a database, prepare, bind and step statements are compiled before a cell needs them; the
 * cells' `learn.db` is not opened). Nothing of it reaches a cell: no engine a cell sees ran
 * a statement, no row or table is left. The kernel awaits it before a cell's first statement
 * (runtime.ts), after saying the database is ready.
 */
import * as sa from "sqlalchemy";
import type { DatabaseKind } from "sqlalchemy/databases";
import { getPostgres } from "../../engine-wasm/src/dbapi/pglite/runtime.ts";
import { SqljsSession } from "../../engine-wasm/src/dbapi/sqljs/physical.ts";
import { newMemoryDatabase } from "../../engine-wasm/src/dbapi/sqljs/runtime.ts";

const warmed = new Map<DatabaseKind, Promise<void>>();

export function warmDatabase(kind: DatabaseKind, url: string): Promise<void> {
  let p = warmed.get(kind);
  if (!p) {
    p = (async () => {
      await warmCompiler(url).catch(() => {});
      if (kind === "postgresql") await warmPostgres().catch(() => {});
      else await warmSqlite().catch(() => {});
    })();
    warmed.set(kind, p);
  }
  return p;
}

async function warmCompiler(url: string): Promise<void> {
  const engine = sa.create_engine(url);
  const metadata = sa.MetaData();
  const table = sa.Table(
    "nb_warm",
    metadata,
    sa.Column("id", sa.Integer, { primary_key: true }),
    sa.Column("name", sa.String(30), { nullable: false }),
  );
  sa.CreateTable(table).compile(engine);
  sa.select(table).where(table.c.name.eq("x")).compile(engine);
  sa.insert(table).values({ name: "x" }).compile(engine);
  sa.text("SELECT 1").compile(engine);
  engine.dispose();
}

/**
 * The catalog queries of a first connect and of `create_all` (has_table), and CREATE TABLEs (one with a
 * FOREIGN KEY), INSERTs and SELECTs, rolled back.
 */
async function warmPostgres(): Promise<void> {
  const pg = getPostgres();
  // a statement that fails leaves the transaction aborted: end it, so cells start outside one
  await pg.exec(WARM_POSTGRES).catch(async (e) => {
    await pg.exec("ROLLBACK").catch(() => {});
    throw e;
  });
}

const WARM_POSTGRES = `BEGIN;
select pg_catalog.version();
select current_schema();
show standard_conforming_strings;
SELECT pg_catalog.pg_class.relname FROM pg_catalog.pg_class JOIN pg_catalog.pg_namespace ON pg_catalog.pg_namespace.oid = pg_catalog.pg_class.relnamespace WHERE pg_catalog.pg_class.relname = 'nb_warm' AND pg_catalog.pg_class.relkind = ANY (ARRAY['r', 'p', 'f', 'v', 'm']) AND pg_catalog.pg_table_is_visible(pg_catalog.pg_class.oid) AND pg_catalog.pg_namespace.nspname != 'pg_catalog';
CREATE TABLE nb_warm (id SERIAL NOT NULL, name VARCHAR(30) NOT NULL, PRIMARY KEY (id));
INSERT INTO nb_warm (name) VALUES ('x') RETURNING nb_warm.id;
SELECT nb_warm.id, nb_warm.name FROM nb_warm WHERE nb_warm.name = 'x';
CREATE TABLE nb_warm_child (id SERIAL NOT NULL, parent_id INTEGER NOT NULL, email VARCHAR NOT NULL, PRIMARY KEY (id), FOREIGN KEY(parent_id) REFERENCES nb_warm (id));
INSERT INTO nb_warm_child (parent_id, email) SELECT nb_warm.id, 'x' FROM nb_warm RETURNING nb_warm_child.id;
SELECT nb_warm.name, nb_warm_child.email FROM nb_warm JOIN nb_warm_child ON nb_warm.id = nb_warm_child.parent_id;
ROLLBACK;`;

/**
 * The statements a first cell's `create_all` and DML send (`PRAGMA main.table_info(...)` for
 * `has_table`, CREATE TABLE, INSERT, INSERT … RETURNING, SELECT) on a throwaway in-memory sql.js
 * database of its own, through the physical session cells' connections use, in a transaction that is
 * rolled back; the database is then closed. No DBAPI connection is made (a cell's connections are
 * numbered as before) and `learn.db` is not opened.
 */
async function warmSqlite(): Promise<void> {
  const session = new SqljsSession(newMemoryDatabase());
  try {
    session.execute('PRAGMA main.table_info("nb_warm")', undefined);
    session.execute('PRAGMA temp.table_info("nb_warm")', undefined);
    session.begin();
    session.execute(
      "CREATE TABLE nb_warm (id INTEGER NOT NULL, name VARCHAR(30) NOT NULL, PRIMARY KEY (id))",
      undefined,
    );
    session.execute('PRAGMA main.table_info("nb_warm")', undefined);
    session.execute("INSERT INTO nb_warm (name) VALUES (?) RETURNING id", ["x"]);
    session.execute("INSERT INTO nb_warm (name) VALUES (?)", ["y"]);
    session.last_insert_rowid();
    session.execute("SELECT nb_warm.id, nb_warm.name FROM nb_warm WHERE nb_warm.name = ?", ["x"]);
    session.execute(
      "CREATE TABLE nb_warm_child (id INTEGER NOT NULL, parent_id INTEGER NOT NULL, email VARCHAR NOT NULL, PRIMARY KEY (id), FOREIGN KEY(parent_id) REFERENCES nb_warm (id))",
      undefined,
    );
    session.execute("INSERT INTO nb_warm_child (parent_id, email) VALUES (?, ?)", [1, "x"]);
    session.execute(
      "SELECT nb_warm.name, nb_warm_child.email FROM nb_warm JOIN nb_warm_child ON nb_warm.id = nb_warm_child.parent_id",
      undefined,
    );
    session.rollback();
  } finally {
    session.close(); // closes the database too
  }
}
