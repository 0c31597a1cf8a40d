/**
 * Test support: every engine test runs on both databases, with a fresh database per test and the
 * output (print + echo log) captured as the lines a learner would see.
 */

import { type DatabaseKind, reset_database, start_database } from "sqlalchemy/databases";
import { type OutputRecord, setOutputSink } from "sqlalchemy/testing";
import { afterEach, beforeAll, beforeEach, describe } from "vitest";

export const DATABASES: readonly DatabaseKind[] = ["sqlite", "postgresql"];

export interface DbContext {
  kind: DatabaseKind;
  /** The sync URL the transcripts use for this database. */
  url: string;
  /** The async URL. */
  asyncUrl: string;
}

const URLS: Record<DatabaseKind, { url: string; asyncUrl: string }> = {
  sqlite: { url: "sqlite:///test.db", asyncUrl: "sqlite+aiosqlite:///test.db" },
  postgresql: {
    url: "postgresql+psycopg2://scott:tiger@localhost/test",
    asyncUrl: "postgresql+asyncpg://scott:tiger@localhost/test",
  },
};

/** Runs `body` once per database inside `describe("<kind>")`, resetting the database before each test. */
export function eachDatabase(title: string, body: (db: DbContext) => void): void {
  for (const kind of DATABASES) {
    describe(`${title} [${kind}]`, () => {
      beforeAll(async () => {
        await start_database(kind);
      });
      beforeEach(async () => {
        await reset_database(kind);
      });
      body({ kind, ...URLS[kind] });
    });
  }
}

/** Captures output records while a test runs; `lines()` gives them as text with timestamps normalised. */
export function captureOutput() {
  const records: OutputRecord[] = [];
  let previous: ReturnType<typeof setOutputSink> | null = null;
  beforeEach(() => {
    records.length = 0;
    previous = setOutputSink((r) => records.push(r));
  });
  afterEach(() => {
    setOutputSink(previous);
  });
  return {
    records,
    /** Output as the transcripts show it: `<TS> ` for timestamps, `Xs` for elapsed times. */
    lines(): string[] {
      return records
        .map((r) => r.text)
        .join("")
        .replace(/\n$/, "")
        .split("\n")
        .map((l) =>
          l
            .replace(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d{3} /, "<TS> ")
            .replace(/(?<=[[ ])\d+(\.\d+)?(e-\d+)?s(?=[\] ]| ago)/g, "Xs"),
        );
    },
    /** Only the echo log messages (no timestamp / level / logger). */
    sql(): string[] {
      return records
        .filter((r) => r.kind === "log")
        .map((r) => (r as { message: string }).message.replace(/\d+\.\d+(e-\d+)?s/g, "Xs"));
    },
    clear(): void {
      records.length = 0;
    },
  };
}
