/**
 * SQLAlchemy 2.0's Unified Tutorial, step by step (README.md): every ported page runs top to bottom in
 * the notebook kernel on both databases, and each step shows what the tutorial's `.rst` shows.
 */
import { readdirSync } from "node:fs";
import { dirname } from "node:path";
import { fileURLToPath } from "node:url";
import { describeDoctests, readPages } from "../doctest/pages.ts";

const here = dirname(fileURLToPath(import.meta.url));
const files = readdirSync(here)
  .filter((f) => f.endsWith(".md") && f !== "README.md")
  .sort();

// The pages run in the tutorial's order in one kernel, as SQLAlchemy's documentation test runs them
// in one namespace: a later page uses what an earlier one made (the tables of metadata.rst …).
describeDoctests("the Unified Tutorial", [readPages(here, files)]);
