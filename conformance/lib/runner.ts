/**
 * Running one scenario in a fresh child process (child.ts) and capturing what it wrote.
 */
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import type { Backend } from "./normalize.ts";

const CHILD = join(dirname(fileURLToPath(import.meta.url)), "child.ts");

export interface RunResult {
  output: string;
  exitCode: number | null;
  timedOut: boolean;
  seconds: number;
}

/** Runs `scriptPath` on `backend` in a new Node process whose working directory is an empty temp dir. */
export function runScenario(
  scriptPath: string,
  backend: Backend,
  timeoutSeconds: number,
): Promise<RunResult> {
  const cwd = mkdtempSync(join(tmpdir(), "conformance-"));
  const started = performance.now();
  return new Promise((resolvePromise) => {
    const child = spawn(
      process.execPath,
      ["--enable-source-maps", "--disable-warning=ExperimentalWarning", CHILD, backend, scriptPath],
      { cwd, env: { ...process.env, ORACLE_BACKEND: backend }, stdio: ["ignore", "pipe", "pipe"] },
    );
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (s: string) => (stdout += s));
    child.stderr.setEncoding("utf8").on("data", (s: string) => (stderr += s));
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill("SIGKILL");
    }, timeoutSeconds * 1000);
    child.on("close", (exitCode) => {
      clearTimeout(timer);
      rmSync(cwd, { recursive: true, force: true });
      let output = stdout + stderr;
      if (timedOut)
        output += `${output === "" || output.endsWith("\n") ? "" : "\n"}!! timed out after ${timeoutSeconds}s\n`;
      resolvePromise({ output, exitCode, timedOut, seconds: (performance.now() - started) / 1000 });
    });
  });
}

/** Runs `tasks` with at most `limit` in flight; results keep the tasks' order. */
export async function mapLimit<T, R>(
  items: readonly T[],
  limit: number,
  task: (item: T, index: number) => Promise<R>,
  onResult?: (result: R, index: number) => void,
): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await task(items[index], index);
      onResult?.(results[index], index);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
  return results;
}

/** The error line that ends an uncaught error's traceback in a run's output, if any. */
export function uncaughtError(output: string): string | null {
  const lines = output.split("\n");
  const start = lines.lastIndexOf("Traceback (most recent call last):");
  if (start < 0) return null;
  const rest = lines.slice(start + 1).filter((l) => l !== "" && !/^\s/.test(l));
  return rest[0] ?? null;
}
