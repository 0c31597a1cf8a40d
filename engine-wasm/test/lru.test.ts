/** SQLAlchemy's LRUCache: entries read recently survive a prune; the cache shrinks back to capacity. */
import { expect, it } from "vitest";
import { LRUCache } from "../src/util/lru.ts";

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
