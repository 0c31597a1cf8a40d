/// <reference types="vite/client" />
/**
 * The modules a cell can import, as the bundler sees them: `sqlalchemy`, `sqlalchemy/orm`,
 * `sqlalchemy/ext/asyncio`, `sqlalchemy/exc` resolve to engine-wasm. A module engine-wasm does not
 * have yet is simply absent (a cell importing it gets Python's ModuleNotFoundError).
 */

import sqljsWasmUrl from "sql.js/dist/sql-wasm.wasm?url";
import pgdataUrl from "../../engine-wasm/assets/pgdata.tar.gz?url";
import type { DatabaseAssets } from "./databases.ts";

/** The databases' files, emitted by the bundler next to the worker. */
export const assets: DatabaseAssets = { sqljsWasmUrl, pgdataUrl };

const files = import.meta.glob([
  "../../engine-wasm/src/index.ts",
  "../../engine-wasm/src/orm/index.ts",
  "../../engine-wasm/src/ext/asyncio/index.ts",
  "../../engine-wasm/src/exc.ts",
]);

const SPECIFIERS: Readonly<Record<string, string>> = {
  sqlalchemy: "../../engine-wasm/src/index.ts",
  "sqlalchemy/orm": "../../engine-wasm/src/orm/index.ts",
  "sqlalchemy/ext/asyncio": "../../engine-wasm/src/ext/asyncio/index.ts",
  "sqlalchemy/exc": "../../engine-wasm/src/exc.ts",
};

export function loadModule(specifier: string): Promise<Record<string, unknown>> | null {
  const file = SPECIFIERS[specifier];
  const loader = file ? files[file] : undefined;
  return loader ? (loader() as Promise<Record<string, unknown>>) : null;
}
