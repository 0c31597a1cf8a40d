import ts from "typescript";
import { defineConfig, type Plugin } from "vitest/config";
import { kernelAssetSizes } from "./site/worker/asset-sizes.ts";
import { classAnnotations } from "./site/worker/class_annotations.ts";

/**
 * ORM tests declare mapped classes with standard decorators and `accessor` fields, which vitest's
 * default transform does not downlevel. They are transpiled as lesson cells are (see
 * conformance/lib/transpile.ts and CONTRIBUTING.md): TypeScript's transpileModule with ES2022,
 * ESNext modules and useDefineForClassFields: false, with the class step (annotations and the
 * `__init_subclass__` hook, site/worker/class_annotations.ts).
 */
function transpileDecorators(): Plugin {
  return {
    name: "transpile-standard-decorators",
    enforce: "pre",
    transform(code, id) {
      if (!/engine-wasm\/test\/orm_[^/]*\.test\.ts$/.test(id)) return null;
      const out = ts.transpileModule(code, {
        fileName: id,
        compilerOptions: {
          target: ts.ScriptTarget.ES2022,
          module: ts.ModuleKind.ESNext,
          useDefineForClassFields: false,
          experimentalDecorators: false,
          sourceMap: true,
        },
        transformers: { before: [classAnnotations(ts)] },
      });
      return { code: out.outputText, map: out.sourceMapText ?? null };
    },
  };
}

export default defineConfig({
  plugins: [transpileDecorators(), kernelAssetSizes()],
  test: {
    include: [
      "engine-wasm/test/**/*.test.ts",
      "site/**/*.test.ts",
      "conformance/**/*.test.ts",
      "lessons/*.test.ts",
    ],
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});
