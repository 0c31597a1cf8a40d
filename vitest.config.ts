import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["engine-wasm/test/**/*.test.ts", "site/**/*.test.ts", "conformance/**/*.test.ts"],
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});
