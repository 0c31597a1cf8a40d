/// <reference types="vite/client" />
/**
 * The bare driver alone in a worker (no engine-wasm): the baseline the site benchmark compares with.
 * PGlite starts from the same pre-initialised data directory and file bundle the kernel uses.
 */

import sqljsWasmUrl from "sql.js/dist/sql-wasm.wasm?url";
import pgdataUrl from "../../engine-wasm/assets/pgdata.tar?url";
import fsBundleUrl from "../../engine-wasm/assets/pglite-lessons.data?url";

self.onmessage = async (e: MessageEvent<{ database: "postgresql" | "sqlite" }>) => {
  const t0 = performance.now();
  try {
    if (e.data.database === "postgresql") {
      const { PGlite } = await import("@electric-sql/pglite");
      const [loadDataDir, fsBundle] = await Promise.all(
        [pgdataUrl, fsBundleUrl].map(async (url) => (await fetch(url)).blob()),
      );
      const pg = await PGlite.create({ loadDataDir, fsBundle });
      await pg.query("SELECT 1");
    } else {
      const initSqlJs = (await import("sql.js")).default;
      const SQL = await initSqlJs({
        locateFile: () => sqljsWasmUrl,
      });
      new SQL.Database().exec("SELECT 1");
    }
    self.postMessage({ ms: performance.now() - t0 });
  } catch (err) {
    self.postMessage({ error: String(err) });
  }
};
