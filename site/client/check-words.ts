/**
 * A failed check's facts (`Problem`, from the kernel's `check` API) in the page's language: what was
 * expected and what the learner's code did. Values arrive written as Python writes them; SQL
 * keywords, SQLAlchemy's state names and exception classes stay as the learner sees them in code.
 */
import type { Problem } from "../worker/checks.ts";
import { type Lang, plural, ruPlural, type Strings, strings } from "./strings.ts";

export interface CheckWords {
  /** The reason of a result the checks themselves produced (no author's reason). */
  readonly couldNotRun: string;
  readonly problem: (p: Problem) => string;
}

type Tally = readonly (readonly [string, number])[];
const counts = (t: Tally) => t.map(([kind, n]) => `${n} ${kind}`).join(", ");

function restarted(s: Strings, p: Extract<Problem, { kind: "kernel-restarted" }>): string {
  if (p.reason === "timeout") return s.restartedTimeout(p.seconds ?? 0);
  if (p.reason === "crashed") return s.restartedCrashed(p.detail ?? "worker error");
  return s.restartedStopped;
}

function english(p: Problem): string {
  switch (p.kind) {
    case "printed-nothing":
      return `expected it to print ${p.expected}; your code printed nothing`;
    case "printed-line":
      return `expected line ${p.line} to be ${p.expected ?? "(no line)"}; your code printed ${p.got ?? "(no line)"} (${plural(p.gotLines, "line", "lines")} in all, ${p.expectedLines} expected)`;
    case "row-count":
      return `expected ${plural(p.expected, "row", "rows")}, your code has ${plural(p.got, "row", "rows")}: ${p.rows}`;
    case "rows":
      return `expected ${p.expected}${p.ordered ? "" : " (in any order)"}, your code has ${p.got}`;
    case "value":
      return `expected ${p.expected}, your code has ${p.got}`;
    case "statement-count":
      return `expected ${plural(p.expected, "statement", "statements")}, your code sent ${p.got}`;
    case "statement-kinds":
      return `expected ${counts(p.expected) || "no statement"}, your code sent ${counts(p.got) || "nothing"} (${p.order.join(", ") || "—"})`;
    case "statement-sql":
      return `expected the statement ${p.expected}; your code sent ${p.sent.join(", ") || "none"}`;
    case "not-mapped":
      return `expected a mapped object, your code has ${p.got} (${p.message})`;
    case "state":
      return `expected it ${p.expected ? "" : "not "}${p.flag}, it is ${p.now}`;
    case "expired":
      return `expected expired attributes ${p.expected}, they are ${p.got}`;
    case "raised":
      return p.name
        ? `expected ${p.expected}, your code raised ${p.name}: ${p.message}`
        : `expected ${p.expected}, your code raised nothing`;
    case "not-engine":
      return `expected an Engine, your code has ${p.got}`;
    case "checked-out":
      return `expected ${plural(p.expected, "connection", "connections")} checked out, there are ${p.got}`;
    case "overflow":
      return `expected overflow ${p.expected}, it is ${p.got}`;
    case "false":
      return "the condition is false";
    case "crashed":
      return `${p.name}: ${p.message}`;
    case "setup-failed":
      return `the cell "${p.cell}" this exercise needs failed: ${p.name}: ${p.message}`;
    case "kernel-restarted":
      return restarted(strings("en"), p);
    case "no-report":
      return "they reported nothing";
  }
}

const ruRows = (n: number) => ruPlural(n, "строка", "строки", "строк");

function russian(p: Problem): string {
  switch (p.kind) {
    case "printed-nothing":
      return `ожидался вывод ${p.expected}; ваш код ничего не напечатал`;
    case "printed-line":
      return `строка ${p.line} должна быть ${p.expected ?? "(нет строки)"}; ваш код напечатал ${p.got ?? "(нет строки)"} (всего ${ruRows(p.gotLines)}, ожидалось ${p.expectedLines})`;
    case "row-count":
      return `ожидалось строк: ${p.expected}, у вашего кода — ${p.got}: ${p.rows}`;
    case "rows":
      return `ожидалось ${p.expected}${p.ordered ? "" : " (в любом порядке)"}, у вашего кода — ${p.got}`;
    case "value":
      return `ожидалось ${p.expected}, у вашего кода — ${p.got}`;
    case "statement-count":
      return `ожидалось запросов: ${p.expected}, ваш код отправил ${p.got}`;
    case "statement-kinds":
      return `${p.expected.length ? `ожидалось ${counts(p.expected)}` : "запросов не ожидалось"}, ${p.got.length ? `ваш код отправил ${counts(p.got)} (${p.order.join(", ")})` : "ваш код ничего не отправил"}`;
    case "statement-sql":
      return `ожидался запрос ${p.expected}; ${p.sent.length ? `ваш код отправил ${p.sent.join(", ")}` : "ваш код ничего не отправил"}`;
    case "not-mapped":
      return `ожидался отображённый (mapped) объект, у вашего кода — ${p.got} (${p.message})`;
    case "state":
      return `ожидалось, что объект ${p.expected ? "" : "не "}${p.flag}, а он ${p.now}`;
    case "expired":
      return `ожидались истёкшие (expired) атрибуты ${p.expected}, а истекли ${p.got}`;
    case "raised":
      return p.name
        ? `ожидалось исключение ${p.expected}, ваш код выбросил ${p.name}: ${p.message}`
        : `ожидалось исключение ${p.expected}, ваш код ничего не выбросил`;
    case "not-engine":
      return `ожидался Engine, у вашего кода — ${p.got}`;
    case "checked-out":
      return `ожидалось выданных соединений: ${p.expected}, сейчас их ${p.got}`;
    case "overflow":
      return `ожидалось overflow ${p.expected}, сейчас ${p.got}`;
    case "false":
      return "условие не выполнено";
    case "crashed":
      return `${p.name}: ${p.message}`;
    case "setup-failed":
      return `ячейка «${p.cell}», нужная упражнению, упала: ${p.name}: ${p.message}`;
    case "kernel-restarted":
      return restarted(strings("ru"), p);
    case "no-report":
      return "они ничего не сообщили";
  }
}

const WORDS: Readonly<Record<Lang, CheckWords>> = {
  en: { couldNotRun: "the checks could not run", problem: english },
  ru: { couldNotRun: "проверки не смогли выполниться", problem: russian },
};

export function checkWords(lang: string | undefined | null): CheckWords {
  return lang?.toLowerCase().startsWith("ru") ? WORDS.ru : WORDS.en;
}
