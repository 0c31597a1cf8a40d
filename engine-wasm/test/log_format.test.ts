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
