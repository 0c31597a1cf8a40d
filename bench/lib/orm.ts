/**
 * `orm`: engine-wasm ORM, as a lesson cell writes it, with the engine and Session the configuration
 * gives (lib/configs.ts).
 * - insert: `session.add_all([new User({…}), …])` + `session.commit()` in a new Session;
 * - select: `session.scalars(select(User)).all()` in a new Session (1,000 objects loaded);
 * - get: `session.get(User, id)` 1,000 times in one new Session (every id once: 1,000 SELECTs).
 *
 * The mapped class uses standard decorators, which Node cannot run; it is compiled the way lesson cells
 * are (conformance/lib/transpile.ts: `ts.transpileModule` with the project's fixed settings) and loaded
 * as a module whose `sqlalchemy…` imports point at engine-wasm.
 */
import { select } from "sqlalchemy";
import { CELL_COMPILER_OPTIONS, CELL_TRANSFORMERS, ensureSymbols } from "../../conformance/lib/transpile.ts";
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

/** The benchmark's mapped class, as a lesson cell spells it. */
const MODEL_SOURCE = `
import { String } from "sqlalchemy";
import { DeclarativeBase, mapped_column } from "sqlalchemy/orm";

export class Base extends DeclarativeBase {}

export class User extends Base {
  static __tablename__ = "${TABLE}";
  @mapped_column({ primary_key: true }) accessor id!: number;
  @mapped_column(String(30)) accessor name!: string;
  @mapped_column(String(50), { nullable: true }) accessor fullname!: string | null;
}
`;

interface UserObject {
  readonly id: number;
  readonly name: string;
  readonly fullname: string | null;
}
type UserClass = new (values: { name: string; fullname: string }) => UserObject;

interface OrmSession {
  add_all(objects: Iterable<object>): void;
  commit(): void;
  scalars(statement: unknown): { all(): unknown[] };
  get(cls: UserClass, id: number): UserObject | null;
  [Symbol.dispose](): void;
}
type SessionClass = new (engine: unknown) => OrmSession;

/** Compiles MODEL_SOURCE as a cell and imports it. */
async function loadModel(): Promise<{ User: UserClass }> {
  const { default: ts } = await import("typescript");
  ensureSymbols();
  let js = ts.transpileModule(MODEL_SOURCE, {
    compilerOptions: { ...CELL_COMPILER_OPTIONS, inlineSourceMap: false },
    fileName: "bench_model.ts",
    transformers: CELL_TRANSFORMERS,
  }).outputText;
  // A data: module resolves only absolute specifiers: point the imports at engine-wasm's files.
  js = js.replace(
    /from "(sqlalchemy(?:\/[a-z/]+)?)"/g,
    (_m, spec: string) => `from "${import.meta.resolve(spec)}"`,
  );
  js += "\n//# sourceURL=bench/orm-model.ts\n";
  return import(`data:text/javascript;base64,${Buffer.from(js).toString("base64")}`);
}

function tuples(users: readonly UserObject[]): UserRow[] {
  return users.map((u) => [u.id, u.name, u.fullname] as const);
}

export async function ormLayer(db: BenchDatabase, setup: EngineSetup): Promise<LayerCases> {
  const Session = setup.Session as SessionClass;
  const { User } = await loadModel();
  const engine = setup.create_engine(db.url) as { dispose(): void };
  return {
    cases: {
      insert: {
        before: () => db.freshTable(),
        run() {
          using session = new Session(engine);
          session.add_all(NEW_ROWS.map((r) => new User({ name: r.name, fullname: r.fullname })));
          session.commit();
        },
        check: async () => checkRows(await db.readAll(), "orm insert"),
      },
      select: {
        run() {
          using session = new Session(engine);
          return session.scalars(select(User as never)).all();
        },
        check: (users) => checkRows(tuples(users as UserObject[]), "orm select"),
      },
      get: {
        run() {
          using session = new Session(engine);
          const out: (UserObject | null)[] = [];
          for (const id of LOOKUP_IDS) out.push(session.get(User, id));
          return out;
        },
        check(users) {
          const found = users as (UserObject | null)[];
          const missing = found.indexOf(null);
          if (missing >= 0)
            throw new Error(`orm get: session.get(User, ${LOOKUP_IDS[missing]}) returned None`);
          checkLookups(tuples(found as UserObject[]), "orm get");
        },
      },
    },
    close: () => engine.dispose(),
  };
}
