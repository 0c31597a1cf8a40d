/**
 * Conformance runner: runs the TypeScript port of every transcript's script on its backend, each in
 * a fresh process, normalises the output and compares it line by line with what SQLAlchemy printed.
 *
 *   node conformance/run.ts [--filter SUBSTRING] [--backend sqlite|postgresql] [--area A,B] [--verbose]
 *                           [--scenarios DIR --transcripts DIR] [--deviations FILE]
 *                           [--jobs N] [--timeout SECONDS]
 *
 * Prints `PASS|FAIL|DEVIATION <scenario> <backend> matched/total` per run and ends with
 * `N passed, N failed`; exits 1 if any run fails.
 */
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { type Comparison, compareOutput, unifiedDiff } from "./lib/compare.ts";
import { deviationsFor, loadDeviations } from "./lib/deviations.ts";
import { type Backend, normalizeOutput } from "./lib/normalize.ts";
import { mapLimit, type RunResult, runScenario, uncaughtError } from "./lib/runner.ts";
import { findJobs, type Job } from "./lib/transcripts.ts";

const here = dirname(fileURLToPath(import.meta.url));
const COMPACT_DIFF_LINES = 30;

function usage(message: string): never {
  process.stderr.write(
    `${message}\nusage: node conformance/run.ts [--filter S] [--backend sqlite|postgresql] [--verbose] ` +
      "[--area A,B] [--scenarios DIR --transcripts DIR] [--deviations FILE] [--jobs N] [--timeout SECONDS]\n",
  );
  process.exit(2);
}

function options() {
  let parsed: ReturnType<typeof parse>;
  function parse() {
    return parseArgs({
      options: {
        filter: { type: "string" },
        backend: { type: "string" },
        area: { type: "string" },
        verbose: { type: "boolean", default: false },
        scenarios: { type: "string" },
        transcripts: { type: "string" },
        deviations: { type: "string" },
        jobs: { type: "string", default: "2" },
        timeout: { type: "string", default: "120" },
      },
      allowPositionals: false,
    });
  }
  try {
    parsed = parse();
  } catch (err) {
    usage((err as Error).message);
  }
  const v = parsed.values;
  if (v.backend !== undefined && v.backend !== "sqlite" && v.backend !== "postgresql") {
    usage(`--backend must be sqlite or postgresql, not ${v.backend}`);
  }
  if ((v.scenarios === undefined) !== (v.transcripts === undefined)) {
    usage("--scenarios and --transcripts go together");
  }
  const jobs = Number(v.jobs);
  const timeout = Number(v.timeout);
  if (!Number.isInteger(jobs) || jobs < 1) usage("--jobs must be a positive integer");
  if (!(timeout > 0)) usage("--timeout must be a positive number of seconds");
  const custom = v.transcripts !== undefined;
  return {
    filter: v.filter,
    backend: v.backend as Backend | undefined,
    areas: v.area ? v.area.split(",").map((a) => a.trim()) : undefined,
    verbose: v.verbose,
    scenariosDir: resolve(v.scenarios ?? resolve(here, "scenarios")),
    transcriptsDir: resolve(v.transcripts ?? resolve(here, "transcripts")),
    deviationsFile: v.deviations ?? (custom ? undefined : resolve(here, "deviations.json")),
    jobs,
    timeout,
  };
}

function report(job: Job, run: RunResult, result: Comparison, verbose: boolean): string[] {
  const { scenario, backend } = job.transcript;
  const lines = [`${result.status} ${scenario} ${backend} ${result.matched}/${result.total}`];
  if (result.status === "DEVIATION") {
    for (const d of result.applied) {
      lines.push(
        `    accepted${d.line === undefined ? "" : ` (line ${JSON.stringify(d.line)})`}: ${d.reason}`,
      );
    }
  }
  if (result.status === "FAIL" || (verbose && result.status === "DEVIATION")) {
    if (run.timedOut) lines.push(`    timed out after ${run.seconds.toFixed(0)}s`);
    else if (run.exitCode !== 0) lines.push(`    exit code ${run.exitCode}`);
    const raised = uncaughtError(run.output);
    if (raised) lines.push(`    raised: ${raised}`);
    const diff = unifiedDiff(result.ops, {
      context: 2,
      maxChanged: verbose ? undefined : COMPACT_DIFF_LINES,
      expectedLabel: `transcript ${scenario}.${backend}.json`,
      actualLabel: `${scenario}.ts on ${backend}`,
    });
    lines.push(...diff.map((l) => `    ${l}`));
  }
  return lines;
}

async function main(): Promise<number> {
  const opts = options();
  const deviations = opts.deviationsFile ? loadDeviations(opts.deviationsFile) : [];
  const { jobs, missing } = findJobs(opts.transcriptsDir, opts.scenariosDir, {
    substring: opts.filter,
    backend: opts.backend,
    areas: opts.areas,
  });
  if (jobs.length === 0) {
    process.stdout.write(
      `no scenario matches (${missing.length} transcripts have no port)\n0 passed, 0 failed\n`,
    );
    return missing.length > 0 || opts.filter ? 1 : 0;
  }

  const counts = { PASS: 0, FAIL: 0, DEVIATION: 0 };
  // print in transcript order as soon as the runs before have been printed
  const done: (string[] | undefined)[] = new Array(jobs.length);
  let printed = 0;
  await mapLimit(
    jobs,
    opts.jobs,
    async (job) => {
      const { transcript } = job;
      const run = await runScenario(job.scriptPath, transcript.backend, opts.timeout);
      const actual = normalizeOutput(run.output, {
        backend: transcript.backend,
        scenarioDir: opts.scenariosDir,
      });
      const listed = deviationsFor(deviations, transcript.scenario, transcript.backend);
      const result = compareOutput(transcript.output, actual, listed);
      counts[result.status]++;
      const lines = report(job, run, result, opts.verbose);
      if (result.status === "PASS" && listed.length > 0) {
        lines.push(
          `    note: ${listed.length} listed deviation(s) no longer needed; remove them from deviations.json`,
        );
      }
      return lines;
    },
    (lines, index) => {
      done[index] = lines;
      while (printed < jobs.length && done[printed]) process.stdout.write(`${done[printed++]!.join("\n")}\n`);
    },
  );

  if (missing.length > 0) {
    process.stdout.write(
      `(${missing.length} transcripts have no port: ${missing.map((t) => `${t.scenario}.${t.backend}`).join(", ")})\n`,
    );
  }
  if (counts.DEVIATION > 0)
    process.stdout.write(`(${counts.DEVIATION} of the passes with accepted deviations)\n`);
  process.stdout.write(`${counts.PASS + counts.DEVIATION} passed, ${counts.FAIL} failed\n`);
  return counts.FAIL > 0 ? 1 : 0;
}

process.exitCode = await main();
