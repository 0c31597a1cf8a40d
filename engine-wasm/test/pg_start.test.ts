/**
 * PGlite's start when the pre-initialised data directory is unusable: the start from it fails (it is
 * given a stand-in for initdb.wasm, which it must not need), and a fresh initdb starts PostgreSQL.
 * In a file of its own: the started PGlite is one per module instance.
 */
import { expect, it } from "vitest";
import { getPostgres, postgresStartInfo, startPostgres } from "../src/dbapi/pglite/runtime.ts";

it("falls back to initdb when the data directory cannot be loaded", async () => {
  await startPostgres({ pgdata: new Blob([new Uint8Array([1, 2, 3])]) });
  expect(postgresStartInfo()).toMatchObject({ from: "initdb" });
  expect(postgresStartInfo()?.fallback_reason).toMatch(/initiali[sz]e/i);
  expect((await getPostgres().query<{ x: number }>("SELECT 1 AS x")).rows).toEqual([{ x: 1 }]);
}, 60_000);
