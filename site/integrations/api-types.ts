/**
 * The editor's type data, generated at build time: engine-wasm's own declarations (TypeScript's
 * declaration emit over `engine-wasm/src`, from the modules cells import), the standard library files
 * the cells' target needs, and the kernel's globals. Served as the virtual module `virtual:api-types`,
 * which the editor's diagnostics worker imports when an editor first takes focus (nothing of it loads
 * with the page). `site/client/diagnostics/cell-check.ts` checks cells against it.
 */
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname } from "node:path";
import { fileURLToPath } from "node:url";
import ts from "typescript";
import type { Plugin } from "vite";
import type { TypeData } from "../client/diagnostics/cell-check.ts";

/** The modules a cell can import (site/worker/modules.ts) and their sources. */
export const CELL_MODULES: Readonly<Record<string, string>> = {
  sqlalchemy: "engine-wasm/src/index.ts",
  "sqlalchemy/orm": "engine-wasm/src/orm/index.ts",
  "sqlalchemy/ext/asyncio": "engine-wasm/src/ext/asyncio/index.ts",
  "sqlalchemy/exc": "engine-wasm/src/exc.ts",
  "sqlalchemy/dialects/postgresql": "engine-wasm/src/dialects/postgresql/index.ts",
  "sqlalchemy/dialects/sqlite": "engine-wasm/src/dialects/sqlite/index.ts",
  "sqlalchemy/dialects/mysql": "engine-wasm/src/dialects/mysql/index.ts",
  "sqlalchemy/dialects/oracle": "engine-wasm/src/dialects/oracle/index.ts",
};

/** The libraries of the kernel's JavaScript: ES2022, `using` (disposables) and standard decorators. */
const LIBS = ["es2022", "esnext.disposable", "esnext.decorators"];

/**
 * What every cell sees without an import (site/worker/runtime.ts `#globals`, and the timers of
 * site/worker/cell-context.ts).
 */
const GLOBALS = `
declare const print: typeof import("sqlalchemy").print;
declare const pprint: (value: unknown) => void;
declare const show_error: typeof import("sqlalchemy").show_error;
declare const settings: { readonly DATABASE_URL: string };
declare const console: {
  log(...values: unknown[]): void;
  info(...values: unknown[]): void;
  warn(...values: unknown[]): void;
  error(...values: unknown[]): void;
  debug(...values: unknown[]): void;
};
declare function setTimeout(handler: (...args: any[]) => void, ms?: number, ...args: any[]): number;
declare function setInterval(handler: (...args: any[]) => void, ms?: number, ...args: any[]): number;
declare function clearTimeout(id: number | undefined): void;
declare function clearInterval(id: number | undefined): void;
declare function queueMicrotask(callback: () => void): void;
declare var self: typeof globalThis;
`;

function libClosure(libDir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const visit = (name: string) => {
    const file = `lib.${name}.d.ts`;
    if (out[`/lib/${file}`] !== undefined) return;
    const text = readFileSync(`${libDir}/${file}`, "utf8");
    out[`/lib/${file}`] = text;
    for (const m of text.matchAll(/\/\/\/\s*<reference\s+lib="([^"]+)"/g)) visit(m[1]!);
  };
  for (const lib of LIBS) visit(lib);
  return out;
}

/**
 * The declarations as a cell sees them. What engine-wasm types as `unknown` (the rows and objects a
 * query returns, a scalar) is `any`: a cell uses them as Python code does, without narrowing first.
 * A mapped class's `name` is its column's class-level attribute (`User.name.eq(…)`), not
 * `Function.name`: `DeclarativeBase` gets a static `name` (the other class-level attributes are
 * the checker's, site/client/diagnostics/cell-check.ts).
 */
function learnerView(file: ts.SourceFile): string {
  const edits: { at: number; end: number; text: string }[] = [];
  const visit = (node: ts.Node): void => {
    if (node.kind === ts.SyntaxKind.UnknownKeyword)
      edits.push({ at: node.getStart(file), end: node.end, text: "any" });
    if (ts.isClassDeclaration(node) && node.name?.text === "DeclarativeBase") {
      const open = node.members.pos;
      edits.push({ at: open, end: open, text: "\n    static name: any;" });
    }
    ts.forEachChild(node, visit);
  };
  visit(file);
  let text = file.text;
  for (const e of edits.sort((x, y) => y.at - x.at)) text = text.slice(0, e.at) + e.text + text.slice(e.end);
  return text;
}

/** engine-wasm's declarations under `/engine/`, the libraries under `/lib/`, the globals. */
export function buildTypeData(root: string): TypeData {
  const program = ts.createProgram(
    Object.values(CELL_MODULES).map((f) => `${root}/${f}`),
    {
      target: ts.ScriptTarget.ES2022,
      module: ts.ModuleKind.ESNext,
      moduleResolution: ts.ModuleResolutionKind.Bundler,
      allowImportingTsExtensions: true,
      strict: true,
      skipLibCheck: true,
      declaration: true,
      emitDeclarationOnly: true,
      removeComments: false,
    },
  );
  const src = `${root}/engine-wasm/src/`;
  const files: Record<string, string> = {};
  program.emit(undefined, (name, text) => {
    if (!name.startsWith(src)) return;
    const file = ts.createSourceFile(name, text, ts.ScriptTarget.ES2022, true, ts.ScriptKind.TS);
    files[`/engine/${name.slice(src.length)}`] = learnerView(file);
  });
  const require = createRequire(import.meta.url);
  Object.assign(files, libClosure(dirname(require.resolve("typescript"))));
  files["/globals.d.ts"] = GLOBALS;
  const modules: Record<string, string> = {};
  for (const [spec, file] of Object.entries(CELL_MODULES))
    modules[spec] = `/engine/${file.slice("engine-wasm/src/".length).replace(/\.ts$/, ".d.ts")}`;
  return { files, lib: LIBS.map((l) => `lib.${l}.d.ts`), modules };
}

/** The Vite plugin serving `virtual:api-types`. */
export function apiTypes(): Plugin {
  const id = "virtual:api-types";
  const resolved = `\0${id}`;
  const root = fileURLToPath(new URL("../../", import.meta.url)).replace(/\/$/, "");
  let cached: string | null = null;
  return {
    name: "learn-api-types",
    resolveId: (source) => (source === id ? resolved : null),
    load(loadId) {
      if (loadId !== resolved) return null;
      cached ??= `export default ${JSON.stringify(buildTypeData(root))};`;
      return cached;
    },
  };
}
