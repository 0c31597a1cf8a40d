import { readdirSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { normalizeLine, normalizeOutput, splitOutput } from "./normalize.ts";

const transcriptsDir = join(dirname(fileURLToPath(import.meta.url)), "../transcripts");
const sqlite = { backend: "sqlite" as const };
const pg = { backend: "postgresql" as const };

describe("splitOutput", () => {
  it("splits on newlines; a trailing newline makes no extra element", () => {
    expect(splitOutput("a\nb\n")).toEqual(["a", "b"]);
    expect(splitOutput("a\nb")).toEqual(["a", "b"]);
    expect(splitOutput("")).toEqual([]);
  });

  it("keeps empty lines and trailing spaces (DDL ends with two empty lines)", () => {
    expect(splitOutput("x \n\n\n")).toEqual(["x ", "", ""]);
  });
});

describe("normalizeLine (transcripts/README.md placeholders)", () => {
  it("replaces the log timestamp at the start of a line", () => {
    expect(
      normalizeLine("2026-11-24 05:35:20,117 INFO sqlalchemy.engine.Engine BEGIN (implicit)", sqlite),
    ).toBe("<TS> INFO sqlalchemy.engine.Engine BEGIN (implicit)");
    // only at the start
    expect(normalizeLine("x 2026-11-24 05:35:20,117 y", sqlite)).toBe("x 2026-11-24 05:35:20,117 y");
  });

  it("replaces elapsed times in the echo brackets", () => {
    const cases: [string, string][] = [
      ["[generated in 0.00021s] ()", "[generated in Xs] ()"],
      ["[cached since 0.001234s ago] {}", "[cached since Xs ago] {}"],
      ["[no key 0.00012s] ()", "[no key Xs] ()"],
      [
        "[generated in 0.00031s (insertmanyvalues) 1/1 (unordered)] ()",
        "[generated in Xs (insertmanyvalues) 1/1 (unordered)] ()",
      ],
      ["[generated in 2.1e-05s] ()", "[generated in Xs] ()"],
    ];
    for (const [raw, expected] of cases)
      expect(normalizeLine(`<TS> INFO sqlalchemy.engine.Engine ${raw}`, pg)).toBe(
        `<TS> INFO sqlalchemy.engine.Engine ${expected}`,
      );
  });

  it("does not touch numbers that are not elapsed times", () => {
    expect(normalizeLine("timeout 0.10 (Background on this error", sqlite)).toBe(
      "timeout 0.10 (Background on this error",
    );
    expect(normalizeLine('("it\'s", None, 1.5)', sqlite)).toBe('("it\'s", None, 1.5)');
  });

  it("replaces memory addresses", () => {
    expect(
      normalizeLine("engine: <sqlalchemy.ext.asyncio.engine.AsyncEngine object at 0x7f3a1c2b9d50>", pg),
    ).toBe("engine: <sqlalchemy.ext.asyncio.engine.AsyncEngine object at 0x<ADDR>>");
  });

  it("replaces the SingletonThreadPool id", () => {
    expect(normalizeLine("status: SingletonThreadPool id:140245 size: 0", sqlite)).toBe(
      "status: SingletonThreadPool id:<ID> size: 0",
    );
  });

  it("replaces the PostgreSQL version string (server and PGlite forms) on postgresql only", () => {
    const server =
      "PostgreSQL 15.8 (Debian 15.8-1.pgdg120+1) on x86_64-pc-linux-gnu, compiled by gcc (Debian 12.2.0-14) 12.2.0, 64-bit";
    const pglite =
      "PostgreSQL 17.5 on x86_64-pc-linux-gnu, compiled by emcc (Emscripten gcc/clang-like replacement) 3.1.74, 32-bit";
    expect(normalizeLine(`row: ('${server}',)`, pg)).toBe("row: ('<PG_VERSION>',)");
    expect(normalizeLine(`version: ${pglite}`, pg)).toBe("version: <PG_VERSION>");
    expect(normalizeLine(`version: ${pglite}`, sqlite)).not.toContain("<PG_VERSION>");
  });

  it("replaces the SQLite library version on sqlite only", () => {
    expect(normalizeLine("row: ('3.49.1',)", sqlite)).toBe("row: ('<SQLITE_VERSION>',)");
    expect(normalizeLine("version: 3.40.1", sqlite)).toBe("version: <SQLITE_VERSION>");
    expect(normalizeLine("version: 3.40.1", pg)).toBe("version: 3.40.1");
    expect(normalizeLine("1.3.40.1", sqlite)).toBe("1.3.40.1");
  });

  it("replaces the scenario directory in warning lines", () => {
    expect(
      normalizeLine("/tmp/x/scenarios/30_session.ts:12: SAWarning: ...", {
        ...sqlite,
        scenarioDir: "/tmp/x/scenarios",
      }),
    ).toBe("<scenarios>/30_session.ts:12: SAWarning: ...");
  });

  it("normalizes a whole run", () => {
    expect(
      normalizeOutput(
        "2026-11-24 05:35:20,117 INFO sqlalchemy.engine.Engine SELECT 1\n2026-11-24 05:35:20,118 INFO sqlalchemy.engine.Engine [generated in 0.00009s] ()\n1\n",
        sqlite,
      ),
    ).toEqual([
      "<TS> INFO sqlalchemy.engine.Engine SELECT 1",
      "<TS> INFO sqlalchemy.engine.Engine [generated in Xs] ()",
      "1",
    ]);
  });
});

describe("the recorded transcripts", () => {
  const files = readdirSync(transcriptsDir).filter((f) => /\.(sqlite|postgresql)\.json$/.test(f));

  it("are exactly the ones the index lists", () => {
    const index = JSON.parse(readFileSync(join(transcriptsDir, "index.json"), "utf8")) as {
      transcripts: { file: string }[];
    };
    expect([...files].sort()).toEqual(index.transcripts.map((t) => t.file).sort());
    expect(files.length).toBeGreaterThanOrEqual(54);
  });

  it("are fixed points of the normalisation (already normalised lines stay as they are)", () => {
    for (const file of files) {
      const t = JSON.parse(readFileSync(join(transcriptsDir, file), "utf8")) as {
        backend: "sqlite";
        output: string[];
      };
      for (const line of t.output) expect(normalizeLine(line, { backend: t.backend }), file).toBe(line);
    }
  });
});
