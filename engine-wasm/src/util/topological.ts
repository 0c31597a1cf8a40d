/**
 * Dependency order (SQLAlchemy's util/topological.py): every edge `[a, b]` puts `a` before `b`; items
 * with no ordering between them keep their original order. A cycle raises CircularDependencyError.
 */
import { CircularDependencyError } from "../exc.ts";

export function topologicalSort<T>(items: readonly T[], edges: readonly (readonly [T, T])[]): T[] {
  const incoming = new Map<T, number>();
  const out = new Map<T, T[]>();
  for (const it of items) {
    incoming.set(it, 0);
    out.set(it, []);
  }
  for (const [a, b] of edges) {
    if (!incoming.has(a) || !incoming.has(b) || a === b) continue;
    out.get(a)!.push(b);
    incoming.set(b, incoming.get(b)! + 1);
  }
  const result: T[] = [];
  const remaining = [...items];
  while (remaining.length) {
    const i = remaining.findIndex((it) => incoming.get(it) === 0);
    if (i < 0) throw new CircularDependencyError("Circular dependency detected.");
    const [next] = remaining.splice(i, 1);
    result.push(next!);
    for (const b of out.get(next!)!) incoming.set(b, incoming.get(b)! - 1);
  }
  return result;
}
