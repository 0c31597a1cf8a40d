/**
 * SQLAlchemy 2.0's ORM Querying Guide, step by step (README.md): the ported pages run in the notebook
 * kernel on both databases, grouped as SQLAlchemy's `test/base/test_tutorials.py` runs them, and each
 * step shows what the guide's `.rst` shows.
 */
import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { describeDoctests, readPages } from "../doctest/pages.ts";

const here = dirname(fileURLToPath(import.meta.url));
const runs = [
  // test_orm_queryguide_select: _plain_setup.rst, select.rst, api.rst in one namespace
  ["01-select.md", "02-api.md"],
  // test_orm_queryguide_dml: dml.rst (its setup, _dml_setup.rst, included)
  ["03-dml.md"],
  // test_orm_queryguide_columns: columns.rst (its setup, _deferred_setup.rst, included)
  ["04-columns.md"],
].map((files) =>
  readPages(
    here,
    files.filter((f) => existsSync(join(here, f))),
  ),
);

describeDoctests("the ORM Querying Guide", runs);
