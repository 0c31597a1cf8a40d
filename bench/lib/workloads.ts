/**
 * The three workloads, their data, and the checks that each layer did the work it was timed for.
 *
 * Every layer works on the same table, `bench_user (id, name, fullname)`, filled with the same rows:
 * id i (1-based) has name `user i` and fullname `User Number i`.
 */
import type { Case } from "./measure.ts";

export const ROWS = 1000;
export const TABLE = "bench_user";

export const WORKLOADS = ["insert", "select", "get"] as const;
export type Workload = (typeof WORKLOADS)[number];

export const WORKLOAD_TITLES: Readonly<Record<Workload, string>> = {
  insert: `insert ${ROWS} rows`,
  select: `select ${ROWS} rows, all()`,
  get: `${ROWS} selects by primary key`,
};

/** The workloads whose whole work is one statement (the others are many single statements). */
export const BULK: ReadonlySet<Workload> = new Set(["insert", "select"]);

export const LAYERS = ["raw", "core", "orm"] as const;
export type Layer = (typeof LAYERS)[number];

export type DatabaseKind = "postgresql" | "sqlite";

export function nameOf(id: number): string {
  return `user ${id}`;
}
export function fullnameOf(id: number): string {
  return `User Number ${id}`;
}

/** The rows to insert, as the parameter dictionaries of an executemany. */
export const NEW_ROWS: readonly { name: string; fullname: string }[] = Array.from(
  { length: ROWS },
  (_, i) => ({
    name: nameOf(i + 1),
    fullname: fullnameOf(i + 1),
  }),
);

/** The ids the single-row selects look up (all of them, in a fixed shuffled order). */
export const LOOKUP_IDS: readonly number[] = shuffled(ROWS, 20240601);

function shuffled(n: number, seed: number): number[] {
  const ids = Array.from({ length: n }, (_, i) => i + 1);
  let s = seed;
  for (let i = n - 1; i > 0; i--) {
    s = (s * 1103515245 + 12345) % 2147483648;
    const j = s % (i + 1);
    [ids[i], ids[j]] = [ids[j]!, ids[i]!];
  }
  return ids;
}

/** A row of bench_user as any layer hands it back. */
export type UserRow = readonly [id: number, name: string, fullname: string | null];

export class CheckError extends Error {
  override name = "CheckError";
}

/** `rows` are the ROWS rows of NEW_ROWS with ids 1..ROWS, in any order. */
export function checkRows(rows: readonly UserRow[], what: string): void {
  if (rows.length !== ROWS) throw new CheckError(`${what}: expected ${ROWS} rows, got ${rows.length}`);
  const seen = new Set<number>();
  for (const row of rows) checkRow(row, row[0], what, seen);
}

/** `rows[k]` is the row whose id is LOOKUP_IDS[k]. */
export function checkLookups(rows: readonly UserRow[], what: string): void {
  if (rows.length !== ROWS) throw new CheckError(`${what}: expected ${ROWS} rows, got ${rows.length}`);
  for (let k = 0; k < rows.length; k++) checkRow(rows[k]!, LOOKUP_IDS[k]!, what);
}

function checkRow(row: UserRow, id: number, what: string, seen?: Set<number>): void {
  const [rid, name, fullname] = row;
  if (rid !== id || name !== nameOf(id) || fullname !== fullnameOf(id)) {
    throw new CheckError(
      `${what}: expected (${id}, '${nameOf(id)}', '${fullnameOf(id)}'), got (${row.join(", ")})`,
    );
  }
  if (seen) {
    if (seen.has(id)) throw new CheckError(`${what}: id ${id} twice`);
    seen.add(id);
  }
}

/** What a layer provides for one database: a case per workload, or why it cannot run. */
export interface LayerCases {
  readonly cases: Readonly<Record<Workload, Case>>;
  /** How the layer does the work (shown under the table). */
  readonly notes?: readonly string[];
  close(): void | Promise<void>;
}
