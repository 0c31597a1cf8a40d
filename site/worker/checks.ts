/**
 * The `check` API of an exercise's ```ts check fence, run in the kernel after the learner's code, in
 * the same scope, on the page's database. Each check takes the author's reason in plain words; a
 * failed check adds what was expected and what the learner's code did.
 *
 * What the learner's code printed, the SQL it sent and the exception it raised are observed by the
 * page from that cell's events (`Observed`) and handed to the check cell; rows, values, object
 * states and the pool are read live here. `report()` prints the results as one line the page reads
 * (`CHECK_MARKER` + JSON); it is never shown as output.
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

export interface CheckResult {
  readonly ok: boolean;
  readonly why: string;
  /** What was expected and what the code did, when it failed. */
  readonly detail?: string;
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
const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? "" : "s"}`;

export class Check {
  readonly #observed: Observed;
  readonly #results: CheckResult[] = [];

  constructor(observed: Observed) {
    this.#observed = observed;
  }

  #add(ok: boolean, why: string, detail: () => string): void {
    this.#results.push(ok ? { ok, why } : { ok, why, detail: detail() });
  }

  /** The learner's printed lines (log lines excluded) equal `lines`. */
  output(lines: readonly string[], why: string): void {
    const got = this.#observed.prints.flatMap((p) => p.replace(/\n$/, "").split("\n"));
    const ok = got.length === lines.length && got.every((l, i) => l === lines[i]);
    this.#add(ok, why, () => {
      if (!got.length) return `expected it to print ${show(lines.join("\n"))}; your code printed nothing`;
      const i = got.findIndex((l, k) => l !== lines[k]);
      const at = i < 0 ? Math.min(got.length, lines.length) : i;
      return `expected line ${at + 1} to be ${show(lines[at] ?? "(no line)")}; your code printed ${show(got[at] ?? "(no line)")} (${plural(got.length, "line")} in all, ${lines.length} expected)`;
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
    this.#add(ok, why, () =>
      got.length !== expected.length
        ? `expected ${plural(expected.length, "row")}, your code has ${plural(got.length, "row")}: ${show(got)}`
        : `expected ${show(expected)}${ordered ? "" : " (in any order)"}, your code has ${show(got)}`,
    );
  }

  /** Values equal as Python's `==` says. */
  equal(actual: unknown, expected: unknown, why: string): void {
    this.#add(
      pyEqual(actual, expected),
      why,
      () => `expected ${show(expected)}, your code has ${show(actual)}`,
    );
  }

  /** The SQL the learner's code sent: how many statements, their kinds in order, one statement's SQL. */
  statements(expect: { count?: number; kinds?: readonly string[]; sql?: string }, why: string): void {
    const all = this.#observed.statements;
    const sent = all.filter((s) => !s.transaction);
    const problems: string[] = [];
    if (expect.count !== undefined && sent.length !== expect.count) {
      problems.push(`expected ${plural(expect.count, "statement")}, your code sent ${sent.length}`);
    }
    if (expect.kinds) {
      const kinds = expect.kinds.map((k) => k.toUpperCase());
      const withTransactions = kinds.some((k) =>
        ["BEGIN", "COMMIT", "ROLLBACK", "SAVEPOINT", "RELEASE"].includes(k),
      );
      const got = (withTransactions ? all : sent).map((s) => s.kind);
      if (got.join(" ") !== kinds.join(" ")) {
        const counts = (list: string[]) =>
          [...new Set(list)].map((k) => `${list.filter((x) => x === k).length} ${k}`).join(", ");
        problems.push(
          `expected ${counts(kinds) || "no statement"}, your code sent ${counts(got) || "nothing"} (${got.join(", ") || "—"})`,
        );
      }
    }
    if (expect.sql !== undefined) {
      const want = normalSql(expect.sql);
      if (!sent.some((s) => normalSql(s.sql) === want)) {
        problems.push(
          `expected the statement ${show(expect.sql.trim())}; your code sent ${sent.map((s) => show(s.sql)).join(", ") || "none"}`,
        );
      }
    }
    this.#add(!problems.length, why, () => problems.join("; "));
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
      this.#add(
        false,
        why,
        () => `expected a mapped object, your code has ${show(obj)} (${(e as Error).message})`,
      );
      return;
    }
    const problems: string[] = [];
    const flags = ["transient", "pending", "persistent", "deleted", "detached"] as const;
    const now = flags.find((f) => st[f]) ?? "unknown";
    for (const f of flags) {
      if (expect[f] !== undefined && Boolean(st[f]) !== expect[f]) {
        problems.push(`expected it ${expect[f] ? "" : "not "}${f}, it is ${now}`);
      }
    }
    if (expect.expired) {
      const got = [...((st.expired_attributes as Set<string>) ?? [])].sort();
      const want = [...expect.expired].sort();
      if (got.join(",") !== want.join(",")) {
        problems.push(`expected expired attributes ${show(want)}, they are ${show(got)}`);
      }
    }
    this.#add(!problems.length, why, () => problems.join("; "));
  }

  /** The learner's code raised this exception class. */
  raises(name: string, why: string): void {
    const e = this.#observed.error;
    this.#add(e?.name === name, why, () =>
      e
        ? `expected ${name}, your code raised ${e.name}: ${e.message.split("\n")[0]}`
        : `expected ${name}, your code raised nothing`,
    );
  }

  /** The pool's status: connections checked out, overflow. */
  pool(engine: unknown, expect: { checkedout?: number; overflow?: number }, why: string): void {
    const pool = (engine as { pool?: { checkedout?: () => number; overflow?: () => number } })?.pool;
    const problems: string[] = [];
    if (!pool?.checkedout) {
      this.#add(false, why, () => `expected an Engine, your code has ${show(engine)}`);
      return;
    }
    if (expect.checkedout !== undefined && pool.checkedout() !== expect.checkedout) {
      problems.push(
        `expected ${plural(expect.checkedout, "connection")} checked out, there are ${pool.checkedout()}`,
      );
    }
    if (expect.overflow !== undefined && pool.overflow?.() !== expect.overflow) {
      problems.push(`expected overflow ${expect.overflow}, it is ${pool.overflow?.()}`);
    }
    this.#add(!problems.length, why, () => problems.join("; "));
  }

  /** Anything else. */
  that(condition: unknown, why: string): void {
    this.#add(Boolean(condition), why, () => "the condition is false");
  }

  /** A check that threw (the author's check code, or a name the learner did not define). */
  crashed(e: unknown): void {
    const name = (e as Error)?.name ?? "Error";
    const message = (e as Error)?.message ?? String(e);
    this.#results.push({ ok: false, why: "the checks could not run", detail: `${name}: ${message}` });
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
