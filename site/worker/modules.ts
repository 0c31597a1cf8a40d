/**
 * The modules a cell can import, as the bundler sees them: `sqlalchemy`, `sqlalchemy/orm`,
 * `sqlalchemy/ext/asyncio`, `sqlalchemy/exc` and the dialect packages `sqlalchemy/dialects/postgresql`,
 * `sqlalchemy/dialects/sqlite`, `sqlalchemy/dialects/mysql`, `sqlalchemy/dialects/oracle` (their
 * `dialect` class, for `stmt.compile({ dialect })`; the last two compile only) resolve to
 * engine-wasm. A module engine-wasm does not have yet is simply absent (a cell importing it gets
 * Python's ModuleNotFoundError).
 *
 * They are bundled with the kernel (eager), as are an exercise's checks: one script for the worker,
 * no second round of requests for the chunks they would otherwise share.
 */
import * as checks from "./checks.ts";

const files = import.meta.glob(
  [
    "../../engine-wasm/src/index.ts",
    "../../engine-wasm/src/orm/index.ts",
    "../../engine-wasm/src/ext/asyncio/index.ts",
    "../../engine-wasm/src/exc.ts",
    "../../engine-wasm/src/dialects/postgresql/index.ts",
    "../../engine-wasm/src/dialects/sqlite/index.ts",
    "../../engine-wasm/src/dialects/mysql/index.ts",
    "../../engine-wasm/src/dialects/oracle/index.ts",
  ],
  { eager: true },
);

const SPECIFIERS: Readonly<Record<string, string>> = {
  sqlalchemy: "../../engine-wasm/src/index.ts",
  "sqlalchemy/orm": "../../engine-wasm/src/orm/index.ts",
  "sqlalchemy/ext/asyncio": "../../engine-wasm/src/ext/asyncio/index.ts",
  "sqlalchemy/exc": "../../engine-wasm/src/exc.ts",
  "sqlalchemy/dialects/postgresql": "../../engine-wasm/src/dialects/postgresql/index.ts",
  "sqlalchemy/dialects/sqlite": "../../engine-wasm/src/dialects/sqlite/index.ts",
  "sqlalchemy/dialects/mysql": "../../engine-wasm/src/dialects/mysql/index.ts",
  "sqlalchemy/dialects/oracle": "../../engine-wasm/src/dialects/oracle/index.ts",
};

export function loadModule(specifier: string): Promise<Record<string, unknown>> | null {
  // An exercise's checks (site/worker/checks.ts), imported by the cell the page builds to run them.
  if (specifier === "notebook/check") return Promise.resolve(checks as Record<string, unknown>);
  const file = SPECIFIERS[specifier];
  const mod = file ? files[file] : undefined;
  return mod ? Promise.resolve(mod as Record<string, unknown>) : null;
}
