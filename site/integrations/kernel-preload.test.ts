import { describe, expect, it } from "vitest";
import { HAND_OVER_BYTES, type KernelFiles, preloadScript, withKernelPreload } from "./kernel-preload.ts";

const FILES: KernelFiles = {
  kernel: ["_astro/kernel-a.js", "_astro/rolldown-runtime-b.js"],
  databases: {
    sqlite: ["_astro/sql-wasm-browser-c.js", "_astro/sql-wasm-d.wasm"],
    postgresql: ["_astro/dist-e.js", "_astro/pgdata-f.tar", "_astro/pglite-g.wasm"],
  },
};
const SIZES: Record<string, number> = {
  "_astro/sql-wasm-d.wasm": 700_000,
  "_astro/pgdata-f.tar": 8_000_000,
  "_astro/pglite-g.wasm": 9_000_000,
};
const size = (rel: string) => SIZES[rel] ?? 1000;

/** Runs the inline script with a stored choice; what it fetched and what it left for boot.ts. */
function runScript(script: string, saved: string | null) {
  const fetched: string[] = [];
  const g: Record<string, unknown> = {};
  const fakeFetch = (url: string) => {
    fetched.push(url);
    return Promise.resolve({ blob: () => Promise.resolve(null) });
  };
  new Function("localStorage", "fetch", "globalThis", script)({ getItem: () => saved }, fakeFetch, g);
  const early = g.__nbKernelEarly as { database: string; responses: [string, unknown][] };
  return { fetched, database: early.database, handed: early.responses.map(([u]) => u) };
}

const page = (bar: string, cells = true) =>
  `<!DOCTYPE html><html><head><meta charset="utf-8"/><title>t</title><link rel="stylesheet" href="/a.css"></head><body>${bar}${cells ? '<notebook-cell data-cell-id="a"></notebook-cell>' : ""}</body></html>`;

describe("the kernel's files asked for by the page's head", () => {
  it("goes first in the head of a page with cells, after the charset", () => {
    const html = withKernelPreload(
      page('<notebook-bar class="nb-bar" data-databases="postgresql sqlite" data-default="postgresql">'),
      FILES,
      "/",
      size,
    );
    expect(html).toMatch(/^<!DOCTYPE html><html><head><meta charset="utf-8"\/><script>\(\(\)=>\{/);
    expect(html.indexOf("<script>")).toBeLessThan(html.indexOf("stylesheet"));
  });

  it("leaves a page without cells or without a bar as it is", () => {
    const noCells = page('<notebook-bar data-databases="sqlite" data-default="sqlite">', false);
    expect(withKernelPreload(noCells, FILES, "/", size)).toBe(noCells);
    const noBar = page("");
    expect(withKernelPreload(noBar, FILES, "/", size)).toBe(noBar);
  });

  it("fetches the kernel, SQLite's driver and hands over its WebAssembly for the stored choice", () => {
    const script = preloadScript(FILES, "/learn/", ["postgresql", "sqlite"], "postgresql", size);
    const run = runScript(script, "sqlite");
    expect(run.database).toBe("sqlite");
    expect(run.fetched).toEqual([
      "/learn/_astro/kernel-a.js",
      "/learn/_astro/rolldown-runtime-b.js",
      "/learn/_astro/sql-wasm-browser-c.js",
      "/learn/_astro/sql-wasm-d.wasm",
    ]);
    expect(run.handed).toEqual(["/learn/_astro/sql-wasm-d.wasm"]);
  });

  it("takes the page's default when nothing (or a database the page does not offer) was chosen", () => {
    const script = preloadScript(FILES, "/", ["sqlite"], "sqlite", size);
    expect(runScript(script, null).database).toBe("sqlite");
    expect(runScript(script, "postgresql").database).toBe("sqlite");
  });

  it("does not hand over files larger in all than HAND_OVER_BYTES (PGlite's): only its code", () => {
    expect(SIZES["_astro/pgdata-f.tar"]! + SIZES["_astro/pglite-g.wasm"]!).toBeGreaterThan(HAND_OVER_BYTES);
    const script = preloadScript(FILES, "/", ["postgresql", "sqlite"], "postgresql", size);
    const run = runScript(script, null);
    expect(run.database).toBe("postgresql");
    expect(run.fetched).toEqual([
      "/_astro/kernel-a.js",
      "/_astro/rolldown-runtime-b.js",
      "/_astro/dist-e.js",
    ]);
    expect(run.handed).toEqual([]);
  });
});
