/**
 * The echo log's formatting: Python logging's `%(asctime)s` (`YYYY-MM-DD HH:MM:SS,mmm`, local time)
 * and the parameter values of the `[…]` line as Python's repr() writes them.
 */

import { tuple } from "sqlalchemy";
import { reprParams } from "sqlalchemy/exc";
import { expect, it } from "vitest";
import { asctime } from "../src/util/log.ts";

/** Python's formatTime with the default format, computed field by field. */
function expected(ms: number): string {
  const d = new Date(ms);
  const two = (n: number) => String(n).padStart(2, "0");
  return `${d.getFullYear()}-${two(d.getMonth() + 1)}-${two(d.getDate())} ${two(d.getHours())}:${two(
    d.getMinutes(),
  )}:${two(d.getSeconds())},${String(d.getMilliseconds()).padStart(3, "0")}`;
}

it("asctime writes local date, time and milliseconds for any instant, in any order", () => {
  const base = Date.UTC(2026, 11, 31, 23, 59, 58, 990);
  const instants = [
    base,
    base + 9, // ,999
    base + 10, // next second, ,000
    base + 15,
    base + 120,
    base, // back to an earlier second
    base + 1010 + 86_400_000, // a day later
    0,
    Date.UTC(2026, 2, 29, 1, 0, 0, 7), // around a DST change in many zones
    Date.UTC(2026, 9, 25, 1, 0, 0, 70),
  ];
  for (const ms of instants) expect(asctime(ms)).toBe(expected(ms));
});

it("parameter values print as Python's repr: quotes, escapes, numbers, None", () => {
  expect(
    reprParams(tuple(["plain", "it's", 'say "hi"', "a\\b", "tab\there", "ü€", 1, 2.5, 1e-7, null]), false),
  ).toBe(`('plain', "it's", 'say "hi"', 'a\\\\b', 'tab\\there', 'ü€', 1, 2.5, 1e-07, None)`);
  expect(reprParams({ "it's": "x\n", n: -0 }, false)).toBe(`{"it's": 'x\\n', 'n': -0.0}`);
});

it("the cache-stats bracket's seconds are Python's '%.4g' % x", async () => {
  const { formatG } = await import("../src/util/log.ts");
  // each right-hand side is what CPython 3 prints for '%.4g' % x
  const python: [number, string][] = [
    [0, "0"],
    [0.5, "0.5"],
    [100, "100"],
    [1000, "1000"],
    [9999, "9999"],
    [9999.6, "1e+04"],
    [12345.6, "1.235e+04"],
    [0.1, "0.1"],
    [0.001, "0.001"],
    [0.00099996, "0.001"],
    [0.000123456, "0.0001235"],
    [0.0001, "0.0001"],
    [0.00009999, "9.999e-05"],
    [1.23456e-5, "1.235e-05"],
    [1e-7, "1e-07"],
    [2.5e-10, "2.5e-10"],
    [1.5, "1.5"],
    [0.01234, "0.01234"],
    [0.012345678, "0.01235"],
    [7.77777, "7.778"],
    [42.01, "42.01"],
    [42.001, "42"],
    [123.456, "123.5"],
    [1e22, "1e+22"],
    [1e-25, "1e-25"],
    [1.5e-300, "1.5e-300"],
    [1.23456e-19, "1.235e-19"],
    [-0.0123, "-0.0123"],
    [Number.POSITIVE_INFINITY, "inf"],
  ];
  for (const [x, want] of python) expect([x, formatG(x)]).toEqual([x, want]);
  // around every power of ten, where log10 can round across it
  for (let e = -8; e <= 8; e++) {
    expect(formatG(10 ** e)).toBe(
      e < -4 || e >= 4 ? `1e${e < 0 ? "-" : "+"}${String(Math.abs(e)).padStart(2, "0")}` : String(10 ** e),
    );
  }
});
