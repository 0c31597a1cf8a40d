/**
 * End-to-end tests in Chromium (`npm run test:e2e`).
 *
 * - project `kernel`: the notebook kernel's real worker in a bare page (`e2e/harness`, built with
 *   Vite using the same worker settings as the site);
 * - project `site`: the built site (`npm run build`, then `astro preview`), once it has an Astro config.
 *
 * A system Chromium is used when present (`CHROMIUM_PATH`, default `/usr/bin/chromium`), else
 * Playwright's own. Ports are picked once per run and handed to the worker processes through the
 * environment. `E2E_SITE_URL=http://localhost:4321/ npx playwright test --project site` tests a site
 * that is already being served.
 */
import { existsSync } from "node:fs";
import { defineConfig, devices } from "@playwright/test";
import { chromiumLaunchOptions } from "./e2e/chromium.ts";

const randomPort = () => String(20_000 + Math.floor(Math.random() * 20_000));
process.env.E2E_SITE_PORT ??= randomPort();
process.env.E2E_HARNESS_PORT ??= randomPort();
const sitePort = Number(process.env.E2E_SITE_PORT);
const harnessPort = Number(process.env.E2E_HARNESS_PORT);

const basePath = `/${(process.env.BASE_PATH ?? "").replace(/^\/+|\/+$/g, "")}/`.replace(/\/+/g, "/");
const hasSite = ["astro.config.mjs", "astro.config.ts", "astro.config.js"].some((f) => existsSync(f));
/** An already running site (e.g. `astro preview` elsewhere): used as is, nothing is built. */
const siteUrl = process.env.E2E_SITE_URL ?? `http://localhost:${sitePort}${basePath}`;

const chromium = { ...devices["Desktop Chrome"], launchOptions: chromiumLaunchOptions() };

export default defineConfig({
  testDir: "e2e",
  outputDir: "test-results",
  fullyParallel: false,
  workers: 1,
  // On CI a test that fails once is run again (and reported flaky): the frame-gap and start-up
  // bounds are measured on a 2-core machine that a stray process can stall for a moment.
  retries: process.env.CI ? 1 : 0,
  timeout: 60_000,
  expect: { timeout: 15_000 },
  reporter: process.env.CI ? "line" : "list",
  use: { trace: "retain-on-failure" },
  projects: [
    {
      name: "kernel",
      testMatch: /kernel\.spec\.ts$/,
      use: { ...chromium, baseURL: `http://localhost:${harnessPort}/` },
    },
    ...(hasSite
      ? [
          {
            name: "site",
            testIgnore: /kernel\.spec\.ts$/,
            use: { ...chromium, baseURL: siteUrl },
          },
        ]
      : []),
  ],
  webServer: [
    {
      command: `npx vite build --config e2e/harness/vite.config.ts && npx vite preview --config e2e/harness/vite.config.ts --port ${harnessPort} --strictPort`,
      url: `http://localhost:${harnessPort}/`,
      timeout: 180_000,
      reuseExistingServer: false,
    },
    ...(hasSite && !process.env.E2E_SITE_URL
      ? [
          {
            command: `npm run build && npx astro preview --port ${sitePort}`,
            url: `http://localhost:${sitePort}${basePath}`,
            timeout: 600_000,
            reuseExistingServer: false,
          },
        ]
      : []),
  ],
});
