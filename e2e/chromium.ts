/** How the end-to-end tests and the site benchmark launch Chromium. */
import { existsSync } from "node:fs";

export const CHROMIUM_ARGS = [
  "--no-sandbox",
  "--disable-gpu",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--no-first-run",
];

/** A system Chromium when present (`CHROMIUM_PATH`, default `/usr/bin/chromium`), else Playwright's own. */
export function chromiumLaunchOptions(): { args: string[]; executablePath?: string } {
  const path =
    process.env.CHROMIUM_PATH ?? (existsSync("/usr/bin/chromium") ? "/usr/bin/chromium" : undefined);
  return { args: CHROMIUM_ARGS, ...(path ? { executablePath: path } : {}) };
}
