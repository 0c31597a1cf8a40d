/**
 * `core`: engine-wasm Core, as a lesson cell writes it, with the engine made as the configuration says
 * (lib/configs.ts).
 * - insert: `engine.begin((conn) => conn.execute(insert(table), [dict, …]))` (executemany);
 * - select: `conn.execute(select(table)).all()`;
 * - get: `conn.execute(text("SELECT … WHERE id = :id"), { id }).one()` 1,000 times on one connection.
 */
import {
  Column,
  type Engine,
  Integer,
  insert,
  MetaData,
  type Row,
  // biome-ignore lint/suspicious/noShadowRestrictedNames: SQLAlchemy's type, as lessons import it
  String,
  select,
  Table,
  text,
} from "sqlalchemy";
import type { EngineSetup } from "./configs.ts";
import type { BenchDatabase } from "./databases.ts";
import {
  checkLookups,
  checkRows,
  type LayerCases,
  LOOKUP_IDS,
  NEW_ROWS,
  TABLE,
  type UserRow,
} from "./workloads.ts";

function tuples(rows: readonly Row[]): UserRow[] {
  return rows.map((r) => [r[0], r[1], r[2]] as unknown as UserRow);
}

export function coreLayer(db: BenchDatabase, setup: EngineSetup): LayerCases {
  const engine = setup.create_engine(db.url) as Engine;
  const metadata = new MetaData();
  const users = new Table(
    TABLE,
    metadata,
    new Column("id", Integer, { primary_key: true }),
    new Column("name", String(30), { nullable: false }),
    new Column("fullname", String(50)),
  );
  const params = NEW_ROWS.map((r) => ({ ...r }));
  const byId = text(`SELECT id, name, fullname FROM ${TABLE} WHERE id = :id`);
  return {
    cases: {
      insert: {
        before: () => db.freshTable(),
        run: () => engine.begin((conn) => conn.execute(insert(users), params)),
        check: async () => checkRows(await db.readAll(), "core insert"),
      },
      select: {
        run() {
          using conn = engine.connect();
          return conn.execute(select(users)).all();
        },
        check: (rows) => checkRows(tuples(rows as Row[]), "core select"),
      },
      get: {
        run() {
          using conn = engine.connect();
          const out: Row[] = [];
          for (const id of LOOKUP_IDS) out.push(conn.execute(byId, { id }).one());
          return out;
        },
        check: (rows) => checkLookups(tuples(rows as Row[]), "core get"),
      },
    },
    close: () => engine.dispose(),
  };
}
