/**
 * A Vite plugin: the sizes of the databases' files, known at build time, as the module
 * `virtual:kernel-asset-sizes` (the kernel's download progress has its total from the first byte,
 * whatever compression the host applies on the way). Used by `astro.config.mjs` and the kernel's
 * end-to-end harness.
 */
import { statSync } from "node:fs";
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";

const ID = "virtual:kernel-asset-sizes";

export function kernelAssetSizes() {
  const require = createRequire(import.meta.url);
  const size = (path: string) => statSync(path).size;
  const engineAsset = (file: string) =>
    fileURLToPath(new URL(`../../engine-wasm/assets/${file}`, import.meta.url));
  return {
    name: "kernel-asset-sizes",
    resolveId(id: string) {
      return id === ID ? `\0${ID}` : null;
    },
    load(id: string) {
      if (id !== `\0${ID}`) return null;
      const pglite = (file: string) => require.resolve(`@electric-sql/pglite/${file}`);
      const sizes = {
        pgliteWasm: size(pglite("pglite.wasm")),
        pgliteData: size(engineAsset("pglite-lessons.data")),
        sqljsWasm: size(require.resolve("sql.js/dist/sql-wasm.wasm")),
        pgdata: size(engineAsset("pgdata.tar")),
      };
      return `export default ${JSON.stringify(sizes)};`;
    },
  };
}
