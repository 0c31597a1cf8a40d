import { fileURLToPath } from "node:url";
import { defineConfig } from "vite";
import { kernelAssetSizes } from "../../site/worker/asset-sizes.ts";

/** The same worker settings the site's Astro config uses (module worker, PGlite not pre-bundled). */
export default defineConfig({
  root: fileURLToPath(new URL(".", import.meta.url)),
  base: "./",
  logLevel: "warn",
  worker: { format: "es", plugins: () => [kernelAssetSizes()] },
  optimizeDeps: { exclude: ["@electric-sql/pglite"] },
  build: {
    outDir: fileURLToPath(new URL("../../node_modules/.cache/kernel-harness", import.meta.url)),
    emptyOutDir: true,
    target: "es2022",
  },
});
