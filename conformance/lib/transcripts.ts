/**
 * The transcript set: `<scenario>.<backend>.json` files (conformance/transcripts/README.md) and the
 * TypeScript port of each scenario (`<scenario>.ts` in the scenarios directory).
 */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import type { Backend } from "./normalize.ts";

export interface Transcript {
  scenario: string;
  backend: Backend;
  /** Concept area (engine+echo, transactions, core, orm, session …). */
  area: string;
  output: string[];
  file: string;
}

export interface Job {
  transcript: Transcript;
  /** Absolute path of the scenario's TypeScript port. */
  scriptPath: string;
}

const FILE_NAME = /^(.+)\.(sqlite|postgresql)\.json$/;

export function readTranscript(path: string): Transcript {
  const data = JSON.parse(readFileSync(path, "utf8")) as Partial<Transcript>;
  const area = typeof data.area === "string" ? data.area : "";
  if (typeof data.scenario !== "string" || !Array.isArray(data.output)) {
    throw new Error(`${path}: not a transcript (needs "scenario" and "output")`);
  }
  if (data.backend !== "sqlite" && data.backend !== "postgresql") {
    throw new Error(`${path}: backend must be "sqlite" or "postgresql", got ${JSON.stringify(data.backend)}`);
  }
  return {
    scenario: data.scenario,
    backend: data.backend,
    area,
    output: data.output.map(String),
    file: path,
  };
}

/** Transcripts in file-name order; `missing` lists those with no `<scenario>.ts` port. */
export function findJobs(
  transcriptsDir: string,
  scenariosDir: string,
  filter: { substring?: string; backend?: Backend; areas?: readonly string[] } = {},
): { jobs: Job[]; missing: Transcript[] } {
  if (!existsSync(transcriptsDir)) throw new Error(`no such transcripts directory: ${transcriptsDir}`);
  const jobs: Job[] = [];
  const missing: Transcript[] = [];
  const names = readdirSync(transcriptsDir)
    .filter((n) => FILE_NAME.test(n))
    .sort();
  for (const name of names) {
    const [, scenario, backend] = FILE_NAME.exec(name)!;
    if (filter.backend && backend !== filter.backend) continue;
    if (filter.substring && !`${scenario}.${backend}`.includes(filter.substring)) continue;
    const transcript = readTranscript(join(transcriptsDir, name));
    if (filter.areas && !filter.areas.includes(transcript.area)) continue;
    const scriptPath = join(scenariosDir, `${scenario}.ts`);
    if (existsSync(scriptPath)) jobs.push({ transcript, scriptPath });
    else missing.push(transcript);
  }
  return { jobs, missing };
}
