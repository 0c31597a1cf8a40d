/**
 * Accepted deviations (conformance/deviations.json): differences the browser or TypeScript forces,
 * each with its reason. A malformed entry is an error, not a silent pass.
 */
import { existsSync, readFileSync } from "node:fs";
import type { Deviation } from "./compare.ts";

export function validateDeviations(data: unknown, source = "deviations"): Deviation[] {
  if (!Array.isArray(data)) throw new Error(`${source}: expected a JSON array of deviations`);
  return data.map((entry, i) => {
    const where = `${source}[${i}]`;
    if (entry === null || typeof entry !== "object") throw new Error(`${where}: expected an object`);
    const { scenario, backend, line, reason } = entry as Record<string, unknown>;
    if (typeof scenario !== "string" || scenario === "")
      throw new Error(`${where}: "scenario" must be a string`);
    if (backend !== "sqlite" && backend !== "postgresql") {
      throw new Error(`${where}: "backend" must be "sqlite" or "postgresql"`);
    }
    if (line !== undefined && typeof line !== "string" && !(Number.isInteger(line) && (line as number) > 0)) {
      throw new Error(`${where}: "line" must be a 1-based line number or the line's text`);
    }
    if (typeof reason !== "string" || reason.trim() === "")
      throw new Error(`${where}: every deviation needs a "reason"`);
    return { scenario, backend, line: line as number | string | undefined, reason };
  });
}

export function loadDeviations(path: string): Deviation[] {
  if (!existsSync(path)) return [];
  return validateDeviations(JSON.parse(readFileSync(path, "utf8")), path);
}

export function deviationsFor(all: readonly Deviation[], scenario: string, backend: string): Deviation[] {
  return all.filter((d) => d.scenario === scenario && d.backend === backend);
}
