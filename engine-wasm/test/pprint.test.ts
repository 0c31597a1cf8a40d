/**
 * Python's pprint.pformat() as the cells' `pprint()` writes it; expected outputs from python3's own
 * pprint module (width 80, dictionaries sorted by key).
 */
import { pformat } from "sqlalchemy/testing";
import { expect, it } from "vitest";
import { tuple } from "../src/util/pytypes.ts";

it("a short value is its repr, a dict's keys sorted", () => {
  expect(pformat({ b: 1, a: [1, 2] })).toBe("{'a': [1, 2], 'b': 1}");
  expect(pformat([{}, [], tuple([])])).toBe("[{}, [], ()]");
});

it("a list of dicts too long for a line: one item a line, each dict wrapped under its brace", () => {
  const value = [
    { name: "id", type: "Integer()", expr: "x".repeat(30), aliased: false },
    { name: "name", zeta: null, alpha: true },
  ];
  expect(pformat(value)).toBe(
    [
      "[{'aliased': False,",
      "  'expr': 'xxxxxxxxxxxxxxxxxxxxxxxxxxxxxx',",
      "  'name': 'id',",
      "  'type': 'Integer()'},",
      " {'alpha': True, 'name': 'name', 'zeta': None}]",
    ].join("\n"),
  );
});

it("a long list of numbers has one a line", () => {
  const lines = pformat(Array.from({ length: 30 }, (_, i) => i)).split("\n");
  expect(lines[0]).toBe("[0,");
  expect(lines[1]).toBe(" 1,");
  expect(lines.at(-1)).toBe(" 29]");
  expect(lines.length).toBe(30);
});

it("nested values are indented under the key that holds them; a one-item tuple keeps its comma", () => {
  const value = {
    key: [{ inner: "v".repeat(40), other: [1, 2, 3] }, "s".repeat(70)],
    a: tuple([1]),
    t: tuple(["a".repeat(50), "b".repeat(30)]),
  };
  expect(pformat(value)).toBe(
    [
      "{'a': (1,),",
      ` 'key': [{'inner': '${"v".repeat(40)}',`,
      "          'other': [1, 2, 3]},",
      `         '${"s".repeat(70)}'],`,
      ` 't': ('${"a".repeat(50)}',`,
      `       '${"b".repeat(30)}')}`,
    ].join("\n"),
  );
});
