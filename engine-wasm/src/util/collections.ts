/**
 * From SQLAlchemy's util/_collections.py: `LRUCache`, `IdentitySet` and `immutabledict.merge_with`.
 *
 * `LRUCache`: a get stamps the entry with a counter instead
 * of moving it, and once the cache holds `capacity × (1 + threshold)` entries the least recently
 * stamped ones are dropped down to `capacity`. A hit costs one Map lookup and one store.
 */
import { defineModule, repr } from "./repr.ts";

export class LRUCache<K, V> {
  readonly capacity: number;
  readonly threshold: number;
  private readonly data = new Map<K, { value: V; stamp: number }>();
  private counter = 0;

  constructor(capacity = 100, threshold = 0.5) {
    this.capacity = capacity;
    this.threshold = threshold;
  }

  get size(): number {
    return this.data.size;
  }

  get(key: K): V | undefined {
    const entry = this.data.get(key);
    if (entry === undefined) return undefined;
    entry.stamp = ++this.counter;
    return entry.value;
  }

  has(key: K): boolean {
    return this.data.has(key);
  }

  set(key: K, value: V): this {
    const entry = this.data.get(key);
    if (entry) {
      entry.value = value;
      entry.stamp = ++this.counter;
    } else {
      this.data.set(key, { value, stamp: ++this.counter });
      this.manageSize();
    }
    return this;
  }

  delete(key: K): boolean {
    return this.data.delete(key);
  }

  clear(): void {
    this.data.clear();
  }

  keys(): IterableIterator<K> {
    return this.data.keys();
  }

  private manageSize(): void {
    if (this.data.size <= this.capacity * (1 + this.threshold)) return;
    const byAge = [...this.data].sort((a, b) => b[1].stamp - a[1].stamp);
    for (const [key] of byAge.slice(this.capacity)) this.data.delete(key);
  }
}

/** What a compiled cache must offer: an `LRUCache`, or a plain `Map` in tests. */
export interface CompiledCache {
  get(key: string): unknown;
  set(key: string, value: unknown): unknown;
}

/**
 * `a` updated with `b`, as SQLAlchemy's `immutabledict.merge_with`: when either is empty the other
 * itself is returned (options are never mutated), so the common execute with no options allocates
 * nothing.
 */
export function mergeOptions<T extends object>(a: T, b: T | undefined | null): T {
  if (b == null || isEmpty(b)) return a;
  if (isEmpty(a)) return b;
  return { ...a, ...b };
}

function isEmpty(o: object): boolean {
  for (const _ in o) return false;
  return true;
}

/**
 * A set of objects by identity, in insertion order (SQLAlchemy's `IdentitySet`: `session.new`,
 * `session.dirty`, `session.deleted`). `has()` is Python's `in`, `size` its `len()`; it prints as
 * `IdentitySet([User(id=1, name='x')])` and, like Python's sets, cannot be hashed.
 */
export class IdentitySet<T extends object = object> extends Set<T> {
  get length(): number {
    return this.size;
  }
  __len__(): number {
    return this.size;
  }
  __contains__(value: T): boolean {
    return this.has(value);
  }
  __hash__(): never {
    throw new TypeError("set objects are unhashable");
  }
  __repr__(): string {
    return `IdentitySet([${[...this].map((v) => repr(v)).join(", ")}])`;
  }
  __str__(): string {
    return this.__repr__();
  }
}

defineModule("sqlalchemy.util._collections", IdentitySet);
