/**
 * The `check` API of an exercise's ```ts check fence, run in the kernel after the learner's code, in
 * the same scope, on the page's database. Each check takes the author's reason in plain words; a
 * failed check adds what was expected and what the learner's code did.
 *
 * What the learner's code printed, the SQL it sent and the exception it raised are observed by the
 * page from that cell's events (`Observed`) and handed to the check cell; rows, values, object
 * states and the pool are read live here. `report()` prints the results as one line the page reads
 * (`CHECK_MARKER` + JSON); it is never shown as output. A failed check carries what went wrong as
 * facts (`Problem`), values already written as Python writes them; the page puts them into words in
 * its own language (`site/client/check-words.ts`).
 */
import { inspect } from "sqlalchemy";
import { repr } from "../../engine-wasm/src/util/repr.ts";

export const CHECK_MARKER = "\u2063nb-check ";

/** What the learner's cell did, as its events showed it. */
export interface Observed {
  /** Its `print()` lines. */
  readonly prints: readonly string[];
  /** Each statement of the echo log in order: its SQL and its kind (first keyword, `BEGIN`, `COMMIT`…). */
  readonly statements: readonly {
    readonly kind: string;
    readonly sql: string;
    readonly transaction: boolean;
  }[];
  /** The exception it did not catch. */
  readonly error?: { readonly name: string; readonly message: string };
}

/** One way a check failed: what was expected and what the learner's code did. */
export type Problem =
  | { readonly kind: "printed-nothing"; readonly expected: string }
  | {
      readonly kind: "printed-line";
      /** 1-based. */
      readonly line: number;
      readonly expected: string | null;
      readonly got: string | null;
      readonly gotLines: number;
      readonly expectedLines: number;
    }
  | { readonly kind: "row-count"; readonly expected: number; readonly got: number; readonly rows: string }
  | { readonly kind: "rows"; readonly expected: string; readonly got: string; readonly ordered: boolean }
  | { readonly kind: "value"; readonly expected: string; readonly got: string }
  | { readonly kind: "statement-count"; readonly expected: number; readonly got: number }
  | {
      readonly kind: "statement-kinds";
      /** Each kind with how many times it occurs, in order of first occurrence. */
      readonly expected: readonly (readonly [string, number])[];
      readonly got: readonly (readonly [string, number])[];
      /** The kinds the code sent, in order. */
      readonly order: readonly string[];
    }
  | { readonly kind: "statement-sql"; readonly expected: string; readonly sent: readonly string[] }
  | { readonly kind: "not-mapped"; readonly got: string; readonly message: string }
  | {
      readonly kind: "state";
      readonly flag: "transient" | "pending" | "persistent" | "deleted" | "detached";
      readonly expected: boolean;
      readonly now: string;
    }
  | { readonly kind: "expired"; readonly expected: string; readonly got: string }
  | { readonly kind: "raised"; readonly expected: string; readonly name?: string; readonly message?: string }
  | { readonly kind: "not-engine"; readonly got: string }
  | { readonly kind: "checked-out"; readonly expected: number; readonly got: number }
  | { readonly kind: "overflow"; readonly expected: number; readonly got: number | null }
  | { readonly kind: "false" }
  /** The checks themselves threw (the author's check code, or a name the learner did not define). */
  | { readonly kind: "crashed"; readonly name: string; readonly message: string }
  /** A cell the exercise runs before the learner's code failed. */
  | { readonly kind: "setup-failed"; readonly cell: string; readonly name: string; readonly message: string }
  /** The kernel was restarted under the checks (`KernelRestartedEvent`'s facts). */
  | {
      readonly kind: "kernel-restarted";
      readonly reason: "timeout" | "stopped" | "crashed";
      readonly seconds?: number;
      readonly detail?: string;
    }
  | { readonly kind: "no-report" };

export interface CheckResult {
  readonly ok: boolean;
  /** The author's reason; absent when the checks could not run at all. */
  readonly why?: string;
  /** When it failed. */
  readonly problems?: readonly Problem[];
}

const isIterable = (v: unknown): v is Iterable<unknown> =>
  typeof v === "object" && v !== null && Symbol.iterator in v && typeof v !== "string";

/** Python's `==` for the values a cell handles: numbers, strings, None, tuples/Rows/lists, dicts. */
export function pyEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if ((a === null || a === undefined) && (b === null || b === undefined)) return true;
  if (typeof a === "bigint" || typeof b === "bigint") return Number(a) === Number(b);
  if (typeof a === "boolean" && typeof b === "number") return Number(a) === b;
  if (typeof b === "boolean" && typeof a === "number") return Number(b) === a;
  if (isIterable(a) && isIterable(b) && !(a instanceof Map) && !(b instanceof Map)) {
    const x = [...a];
    const y = [...b];
    return x.length === y.length && x.every((v, i) => pyEqual(v, y[i]));
  }
  if (a instanceof Date && b instanceof Date) return a.getTime() === b.getTime();
  if (
    typeof a === "object" &&
    typeof b === "object" &&
    a &&
    b &&
    a.constructor === Object &&
    b.constructor === Object
  ) {
    const ka = Object.keys(a);
    const kb = Object.keys(b);
    return (
      ka.length === kb.length &&
      ka.every((k) => pyEqual((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]))
    );
  }
  return false;
}

const show = (v: unknown) => {
  try {
    return repr(v);
  } catch {
    return String(v);
  }
};
const normalSql = (sql: string) =>
  sql
    .replace(/\s+/g, " ")
    .trim()
    .replace(/\s*([(),])\s*/g, "$1")
    .toLowerCase();
/** Each item with its count, in order of first occurrence. */
const tally = (list: readonly string[]) =>
  [...new Set(list)].map((k) => [k, list.filter((x) => x === k).length] as const);

export class Check {
  readonly #observed: Observed;
  readonly #results: CheckResult[] = [];

  constructor(observed: Observed) {
    this.#observed = observed;
  }

  #add(ok: boolean, why: string, problems: () => readonly Problem[]): void {
    this.#results.push(ok ? { ok, why } : { ok, why, problems: problems() });
  }

  /** The learner's printed lines (log lines excluded) equal `lines`. */
  output(lines: readonly string[], why: string): void {
    const got = this.#observed.prints.flatMap((p) => p.replace(/\n$/, "").split("\n"));
    const ok = got.length === lines.length && got.every((l, i) => l === lines[i]);
    this.#add(ok, why, () => {
      if (!got.length) return [{ kind: "printed-nothing", expected: show(lines.join("\n")) }];
      const i = got.findIndex((l, k) => l !== lines[k]);
      const at = i < 0 ? Math.min(got.length, lines.length) : i;
      const line = (l: string | undefined) => (l === undefined ? null : show(l));
      return [
        {
          kind: "printed-line",
          line: at + 1,
          expected: line(lines[at]),
          got: line(got[at]),
          gotLines: got.length,
          expectedLines: lines.length,
        },
      ];
    });
  }

  /** Rows equal `expected`, as Python tuples compare; in order unless `ordered: false`. */
  rows(actual: unknown, expected: readonly unknown[], why: string, { ordered = true } = {}): void {
    const got = isIterable(actual) ? [...actual] : [];
    let ok = got.length === expected.length;
    if (ok && ordered) ok = got.every((r, i) => pyEqual(r, expected[i]));
    else if (ok) {
      const left = [...expected];
      ok = got.every((r) => {
        const i = left.findIndex((e) => pyEqual(r, e));
        if (i >= 0) left.splice(i, 1);
        return i >= 0;
      });
    }
    this.#add(ok, why, () => [
      got.length !== expected.length
        ? { kind: "row-count", expected: expected.length, got: got.length, rows: show(got) }
        : { kind: "rows", expected: show(expected), got: show(got), ordered },
    ]);
  }

  /** Values equal as Python's `==` says. */
  equal(actual: unknown, expected: unknown, why: string): void {
    this.#add(pyEqual(actual, expected), why, () => [
      { kind: "value", expected: show(expected), got: show(actual) },
    ]);
  }

  /** The SQL the learner's code sent: how many statements, their kinds in order, one statement's SQL. */
  statements(expect: { count?: number; kinds?: readonly string[]; sql?: string }, why: string): void {
    const all = this.#observed.statements;
    const sent = all.filter((s) => !s.transaction);
    const problems: Problem[] = [];
    if (expect.count !== undefined && sent.length !== expect.count) {
      problems.push({ kind: "statement-count", expected: expect.count, got: sent.length });
    }
    if (expect.kinds) {
      const kinds = expect.kinds.map((k) => k.toUpperCase());
      const withTransactions = kinds.some((k) =>
        ["BEGIN", "COMMIT", "ROLLBACK", "SAVEPOINT", "RELEASE"].includes(k),
      );
      const got = (withTransactions ? all : sent).map((s) => s.kind);
      if (got.join(" ") !== kinds.join(" ")) {
        problems.push({ kind: "statement-kinds", expected: tally(kinds), got: tally(got), order: got });
      }
    }
    if (expect.sql !== undefined) {
      const want = normalSql(expect.sql);
      if (!sent.some((s) => normalSql(s.sql) === want)) {
        problems.push({
          kind: "statement-sql",
          expected: show(expect.sql.trim()),
          sent: sent.map((s) => show(s.sql)),
        });
      }
    }
    this.#add(!problems.length, why, () => problems);
  }

  /** `inspect(obj)`'s flags; `expired` the names of the expired attributes. */
  state(
    obj: unknown,
    expect: {
      transient?: boolean;
      pending?: boolean;
      persistent?: boolean;
      deleted?: boolean;
      detached?: boolean;
      expired?: readonly string[];
    },
    why: string,
  ): void {
    let st: Record<string, unknown>;
    try {
      st = inspect(obj) as Record<string, unknown>;
    } catch (e) {
      this.#add(false, why, () => [{ kind: "not-mapped", got: show(obj), message: (e as Error).message }]);
      return;
    }
    const problems: Problem[] = [];
    const flags = ["transient", "pending", "persistent", "deleted", "detached"] as const;
    const now = flags.find((f) => st[f]) ?? "unknown";
    for (const f of flags) {
      const want = expect[f];
      if (want !== undefined && Boolean(st[f]) !== want) {
        problems.push({ kind: "state", flag: f, expected: want, now });
      }
    }
    if (expect.expired) {
      const got = [...((st.expired_attributes as Set<string>) ?? [])].sort();
      const want = [...expect.expired].sort();
      if (got.join(",") !== want.join(",")) {
        problems.push({ kind: "expired", expected: show(want), got: show(got) });
      }
    }
    this.#add(!problems.length, why, () => problems);
  }

  /** The learner's code raised this exception class. */
  raises(name: string, why: string): void {
    const e = this.#observed.error;
    this.#add(e?.name === name, why, () => [
      e
        ? { kind: "raised", expected: name, name: e.name, message: e.message.split("\n")[0] ?? "" }
        : { kind: "raised", expected: name },
    ]);
  }

  /** The pool's status: connections checked out, overflow. */
  pool(engine: unknown, expect: { checkedout?: number; overflow?: number }, why: string): void {
    const pool = (engine as { pool?: { checkedout?: () => number; overflow?: () => number } })?.pool;
    const problems: Problem[] = [];
    if (!pool?.checkedout) {
      this.#add(false, why, () => [{ kind: "not-engine", got: show(engine) }]);
      return;
    }
    if (expect.checkedout !== undefined && pool.checkedout() !== expect.checkedout) {
      problems.push({ kind: "checked-out", expected: expect.checkedout, got: pool.checkedout() });
    }
    if (expect.overflow !== undefined && pool.overflow?.() !== expect.overflow) {
      problems.push({ kind: "overflow", expected: expect.overflow, got: pool.overflow?.() ?? null });
    }
    this.#add(!problems.length, why, () => problems);
  }

  /** Anything else. */
  that(condition: unknown, why: string): void {
    this.#add(Boolean(condition), why, () => [{ kind: "false" }]);
  }

  /** A check that threw (the author's check code, or a name the learner did not define). */
  crashed(e: unknown): void {
    const name = (e as Error)?.name ?? "Error";
    const message = (e as Error)?.message ?? String(e);
    this.#results.push({
      ok: false,
      problems: [{ kind: "crashed", name: String(name), message: String(message) }],
    });
  }

  get results(): readonly CheckResult[] {
    return this.#results;
  }

  /** One printed line the page reads: every result. */
  report(): string {
    return `${CHECK_MARKER}${JSON.stringify(this.#results)}`;
  }
}

/** The source of the cell that runs an exercise's checks after the learner's code. */
export function checkCellSource(checks: string, observed: Observed): string {
  return [
    `import { Check } from "notebook/check";`,
    `const check = new Check(${JSON.stringify(observed)});`,
    "try {",
    checks,
    "} catch (e) { check.crashed(e); }",
    "print(check.report());",
  ].join("\n");
}

/** The results in a check cell's printed line, if it is one. */
export function readReport(line: string): readonly CheckResult[] | null {
  if (!line.startsWith(CHECK_MARKER)) return null;
  try {
    return JSON.parse(line.slice(CHECK_MARKER.length)) as CheckResult[];
  } catch {
    return null;
  }
}
