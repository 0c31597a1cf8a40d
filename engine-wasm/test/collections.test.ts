/** SQLAlchemy's util/_collections: LRUCache (recently read entries survive a prune) and option merging. */
import { expect, it } from "vitest";
import { LRUCache, mergeOptions } from "../src/util/collections.ts";

it("keeps at most capacity × 1.5 entries and drops the least recently used ones down to capacity", () => {
  const cache = new LRUCache<string, number>(4);
  for (const k of ["a", "b", "c", "d", "e", "f"]) cache.set(k, k.charCodeAt(0));
  expect(cache.size).toBe(6);
  expect(cache.get("a")).toBe(97); // "a" is now the most recently used
  cache.set("g", 103); // 7 > 4 × 1.5: prune to 4
  expect(cache.size).toBe(4);
  expect([...cache.keys()].sort()).toEqual(["a", "e", "f", "g"]);
  expect(cache.get("b")).toBeUndefined();
});

it("set on an existing key replaces the value without growing", () => {
  const cache = new LRUCache<string, number>(2);
  cache.set("x", 1);
  cache.set("x", 2);
  expect(cache.size).toBe(1);
  expect(cache.get("x")).toBe(2);
});

it("merging execution options returns one side untouched when the other is empty, else a new object", () => {
  const a: Record<string, unknown> = { stream_results: true };
  const b: Record<string, unknown> = { compiled_cache: null };
  expect(mergeOptions(a, {})).toBe(a);
  expect(mergeOptions({}, b)).toBe(b);
  expect(mergeOptions(a, undefined)).toBe(a);
  const both = mergeOptions(a, b);
  expect(both).toEqual({ stream_results: true, compiled_cache: null });
  expect(both).not.toBe(a);
  expect(a).toEqual({ stream_results: true });
});
