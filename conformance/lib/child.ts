/**
 * One scenario run, in its own process: `node conformance/lib/child.ts <backend> <scenario.ts>`.
 *
 * Sets up what a notebook cell has (transpiled TypeScript, `sqlalchemy…` imports, the globals
 * `print`, `show_error`, `settings`), starts an empty database, imports the scenario and writes
 * everything (print, echo log, an uncaught error as Python's traceback would end) to stdout.
 */

import { readFileSync, realpathSync } from "node:fs";
import { register } from "node:module";
import { dirname, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { ensureSymbols } from "./transpile.ts";

export const DATABASE_URLS = {
  sqlite: "sqlite:///oracle.db",
  postgresql: "postgresql+psycopg2://oracle:oracle@127.0.0.1:54329/oracle",
} as const;

type Backend = keyof typeof DATABASE_URLS;

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), "../..");

type Helpers = { qualifiedErrorName(e: unknown): string; str(v: unknown): string };
let helpers: Helpers | null = null;

/** Python's last traceback line: `ValueError: boom`, `sqlalchemy.exc.OperationalError: ...`. */
function tracebackLastLine(err: unknown): string {
  if (!helpers) return err instanceof Error ? `${err.name}: ${err.message}` : String(err);
  const name = helpers.qualifiedErrorName(err).replace(/^builtins\./, "");
  const message = helpers.str(err);
  return message === "" ? name : `${name}: ${message}`;
}

/** What Python prints for an uncaught exception: the traceback (here: JS stack frames), then the error. */
function reportUncaught(err: unknown): void {
  process.stdout.write("Traceback (most recent call last):\n");
  const frames =
    err instanceof Error && err.stack
      ? err.stack
          .split("\n")
          .filter((l) => /^\s+at /.test(l) && !/node:internal|conformance\/lib\/child\.ts/.test(l))
      : [];
  for (const frame of frames.slice(0, 6)) process.stdout.write(`  ${frame.trim()}\n`);
  process.stdout.write(`${tracebackLastLine(err)}\n`);
}

/** The innermost frame of the current stack in `file`, with its source line. */
function scenarioLocation(file: string): { filename: string; lineno: number; line: string | null } | null {
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = 100;
  const stack = new Error().stack?.split("\n") ?? [];
  Error.stackTraceLimit = limit;
  for (const frame of stack) {
    const m = /\(?(?:file:\/\/)?([^\s()]+?):(\d+):\d+\)?$/.exec(frame.trim());
    if (!m || decodeURI(m[1]!) !== file) continue;
    const lineno = Number(m[2]);
    let line: string | null = null;
    try {
      line = readFileSync(file, "utf8").split("\n")[lineno - 1] ?? null;
    } catch {
      line = null;
    }
    return { filename: file, lineno, line };
  }
  return null;
}

async function main(): Promise<number> {
  const [backend, scenarioPath] = process.argv.slice(2) as [Backend, string];
  if (!(backend in DATABASE_URLS) || !scenarioPath) {
    process.stdout.write("usage: node conformance/lib/child.ts sqlite|postgresql <scenario.ts>\n");
    return 2;
  }
  // One stream, in order, as the transcripts were recorded (Python's stdout + stderr).
  process.stderr.write = process.stdout.write.bind(process.stdout) as typeof process.stderr.write;

  ensureSymbols();
  register("./hooks.ts", import.meta.url, {
    data: {
      anchor: pathToFileURL(resolve(repoRoot, "package.json")).href,
      engineRoot: realpathSync(resolve(repoRoot, "engine-wasm")),
    },
  });

  const { start_database } = await import("sqlalchemy/databases");
  const testing = await import("sqlalchemy/testing");
  Object.assign(globalThis, {
    print: testing.print,
    show_error: testing.show_error,
    settings: { DATABASE_URL: DATABASE_URLS[backend] },
  });
  helpers = testing;
  process.on("unhandledRejection", (err) => {
    reportUncaught(err);
    process.exitCode = 1;
  });

  // a warning points at the scenario's line and shows its source, as Python's warnings module
  // does with linecache (a notebook host gives the cell and its line the same way)
  const scenarioFile = resolve(scenarioPath);
  testing.set_warning_location(() => scenarioLocation(scenarioFile));

  await start_database(backend);
  process.env.ORACLE_BACKEND = backend;
  try {
    await import(pathToFileURL(resolve(scenarioPath)).href);
    return 0;
  } catch (err) {
    reportUncaught(err);
    return 1;
  }
}

let code: number;
try {
  code = await main();
} catch (err) {
  // the host itself failed (engine modules missing, database did not start)
  process.stdout.write(
    `Traceback (most recent call last):\n${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`,
  );
  code = 1;
}
process.stdout.write("", () => process.exit(process.exitCode || code));
