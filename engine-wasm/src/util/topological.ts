/**
 * Dependency order (SQLAlchemy's util/topological.py): every edge `[a, b]` puts `a` before `b`; items
 * with no ordering between them keep their original order. A cycle raises CircularDependencyError.
 */
import { CircularDependencyError } from "../exc.ts";

export function topologicalSort<T>(items: readonly T[], edges: readonly (readonly [T, T])[]): T[] {
  // SQLAlchemy's sort_as_subsets: each pass takes, in the given order, every item whose
  // dependencies are all placed already.
  const parents = new Map<T, Set<T>>();
  for (const it of items) parents.set(it, new Set());
  for (const [a, b] of edges) {
    if (a === b || !parents.has(a) || !parents.has(b)) continue;
    parents.get(b)!.add(a);
  }
  const result: T[] = [];
  let todo = [...items];
  const pending = new Set(items);
  while (todo.length) {
    const ready = todo.filter((it) => ![...parents.get(it)!].some((p) => pending.has(p)));
    if (!ready.length) throw new CircularDependencyError("Circular dependency detected.");
    for (const r of ready) pending.delete(r);
    result.push(...ready);
    todo = todo.filter((it) => pending.has(it));
  }
  return result;
}
