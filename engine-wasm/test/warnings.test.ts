/**
 * util/warnings.ts, Python's warnings module: how a warning is shown, the "default" once-per-location
 * rule, filters, catch_warnings, and the location a host gives.
 */
import { SAWarning } from "sqlalchemy/exc";
import { set_warning_location, UserWarning, warnings } from "sqlalchemy/testing";
import { afterEach, describe, expect, it } from "vitest";
import { captureOutput } from "./support.ts";

describe("warnings", () => {
  const out = captureOutput();
  afterEach(() => {
    set_warning_location(null);
    warnings.resetwarnings();
  });

  it("shows `<file>:<line>: Category: message` once per location under the default filter", () => {
    const warnHere = () => warnings.warn(new SAWarning("the same thing"));
    warnHere();
    warnHere();
    const lines = out.lines();
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^\/.*warnings\.test\.ts:\d+: SAWarning: the same thing$/);
    warnings.warn("a text", UserWarning);
    expect(out.lines()[1]).toMatch(/warnings\.test\.ts:\d+: UserWarning: a text$/);
  });

  it("prints the host's location and source line", () => {
    set_warning_location(() => ({ filename: "cell 3", lineno: 2, line: "  session.flush()" }));
    warnings.warn(new SAWarning("w"));
    expect(out.lines()).toEqual(["cell 3:2: SAWarning: w", "  session.flush()"]);
  });

  it("filters: ignore, error, always; catch_warnings records and restores them", () => {
    warnings.simplefilter("ignore", SAWarning);
    warnings.warn(new SAWarning("hidden"));
    expect(out.records).toEqual([]);
    {
      using ctx = warnings.catch_warnings({ record: true });
      warnings.simplefilter("always");
      warnings.warn(new SAWarning("one"));
      warnings.warn(new SAWarning("one"));
      expect(ctx.log!.map((w) => [w.category, String(w.message.message)])).toEqual([
        [SAWarning, "one"],
        [SAWarning, "one"],
      ]);
      warnings.simplefilter("error");
      expect(() => warnings.warn(new SAWarning("raised"))).toThrow(SAWarning);
    }
    // the ignore filter is back
    warnings.warn(new SAWarning("hidden again"));
    expect(out.records).toEqual([]);
  });
});
