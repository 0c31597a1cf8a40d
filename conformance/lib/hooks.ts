/**
 * Module hooks for running learner TypeScript (a scenario) in Node the way a notebook cell runs:
 *
 * - `sqlalchemy`, `sqlalchemy/orm`, `sqlalchemy/ext/asyncio`, `sqlalchemy/exc` (any `sqlalchemy…`
 *   specifier) resolve to the engine-wasm package, wherever the importing file lives;
 * - `.ts` files outside engine-wasm are transpiled with `ts.transpileModule` using the settings fixed
 *   for cells (see transpile.ts); engine-wasm's own files go to Node's type stripping as usual.
 *
 * Registered by child.ts with `module.register(…, { data: { anchor, engineRoot } })`.
 */
import { readFile } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import { transpileCell } from "./transpile.ts";

interface HookData {
  /** A file URL from which `sqlalchemy` resolves to engine-wasm (the repository root). */
  anchor: string;
  /** Real path of the engine-wasm directory. */
  engineRoot: string;
}

type ResolveContext = { parentURL?: string; conditions?: string[]; importAttributes?: object };
type ResolveResult = { url: string; format?: string | null; shortCircuit?: boolean };
type LoadContext = { format?: string | null; conditions?: string[]; importAttributes?: object };
type LoadResult = { format: string; source?: string | ArrayBuffer | Uint8Array; shortCircuit?: boolean };

let settings: HookData | null = null;

export function initialize(data: HookData): void {
  settings = data;
}

export function isSqlalchemySpecifier(specifier: string): boolean {
  return specifier === "sqlalchemy" || specifier.startsWith("sqlalchemy/");
}

export async function resolve(
  specifier: string,
  context: ResolveContext,
  nextResolve: (specifier: string, context?: ResolveContext) => Promise<ResolveResult>,
): Promise<ResolveResult> {
  if (settings && isSqlalchemySpecifier(specifier)) {
    return nextResolve(specifier, { ...context, parentURL: settings.anchor });
  }
  return nextResolve(specifier, context);
}

/** Whether a module URL is learner code to transpile (a `.ts` file outside engine-wasm and node_modules). */
export function isCellModule(url: string, engineRoot: string): boolean {
  if (!url.startsWith("file:") || !/\.(?:ts|mts)$/.test(url)) return false;
  const path = fileURLToPath(url);
  if (path.includes("/node_modules/")) return false;
  const root = engineRoot.replace(/\/+$/, "");
  return path !== root && !path.startsWith(`${root}/`);
}

export async function load(
  url: string,
  context: LoadContext,
  nextLoad: (url: string, context?: LoadContext) => Promise<LoadResult>,
): Promise<LoadResult> {
  if (settings && isCellModule(url, settings.engineRoot)) {
    const source = await readFile(fileURLToPath(url), "utf8");
    return { format: "module", source: transpileCell(source, fileURLToPath(url)), shortCircuit: true };
  }
  return nextLoad(url, context);
}
