/**
 * The notebook's interface text, per page language (`<html lang>`). Used at build time (cell markup)
 * and in the browser (messages written while running). Accessible names keep their English first
 * word ("Run", "Output", "Stop", …) only in English: the end-to-end specs read English pages.
 */

export type Lang = "en" | "ru";

export interface Strings {
  run: string;
  /** Accessible name of a cell's Run button. */
  runCell: (id: string) => string;
  runAll: string;
  runBoth: string;
  stop: string;
  restart: string;
  resetCell: string;
  resetCellLabel: (id: string) => string;
  keepMine: string;
  output: (id: string) => string;
  database: string;
  postgresql: string;
  sqlite: string;
  coreVsOrm: string;
  core: string;
  orm: string;
  editedNotice: string;
  changedNotice: string;
  statements: (n: number) => string;
  transactions: (n: number) => string;
  ms: (ms: number) => string;
  rows: (shown: number, total: number) => string;
  loading: (db: string) => string;
  downloading: (db: string, loaded: string, total: string) => string;
  downloadingSoFar: (db: string, loaded: string) => string;
  ready: (db: string, ms: number) => string;
  failed: (db: string, message: string) => string;
  idle: string;
  running: string;
  atLine: (line: number, column: number) => string;
  setupFailed: (id: string) => string;
  skipped: string;
  stoppedBeforeRun: string;
  /** A run ended by restarting the kernel: it ran past its time limit, was stopped, or the kernel crashed. */
  restartedTimeout: (seconds: number) => string;
  restartedStopped: string;
  restartedCrashed: (detail: string) => string;
  useNewVersion: string;
  shortcut: string;
  codeLabel: (id: string) => string;
  noOutput: string;
  /** The toggle of an output's log: its accessible name contains "as Python prints it". */
  rawLog: string;
  showMoreRows: (n: number) => string;
  inspector: string;
  /** Accessible name of a cell's inspector region (begins with "Inspector"). */
  inspectorOf: (id: string) => string;
  openInspector: (id: string) => string;
  step: string;
  previousStep: string;
  nextStep: string;
  beforeStatement: (n: number, total: number) => string;
  afterCell: string;
  sessions: string;
  connections: string;
  engines: string;
  noSessions: string;
  noConnections: string;
  inTransaction: string;
  noTransaction: string;
  summary: string;
  rowsFetched: string;
  objectsLoaded: string;
  time: string;
  statementsAligned: string;
  /** A cell not run because an earlier one failed: names it (the page links it). */
  blockedBy: (id: string) => string;
  runAnyway: string;
  /** The database could not start: what a cell says instead of running. */
  unavailable: (db: string) => string;
  retry: string;
  storageLost: string;
  crashed: string;
  truncated: (lines: number, chars: number) => string;
  showMore: string;
  returnedEarly: string;
}

export const plural = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;
export const ruPlural = (n: number, one: string, few: string, many: string) => {
  const d = n % 10;
  const dd = n % 100;
  const word = d === 1 && dd !== 11 ? one : d >= 2 && d <= 4 && (dd < 12 || dd > 14) ? few : many;
  return `${n.toLocaleString("ru")} ${word}`;
};
const fmtMs = (ms: number) => `${ms < 10 ? ms.toFixed(1) : Math.round(ms)} ms`;

export const STRINGS: Readonly<Record<Lang, Strings>> = {
  en: {
    run: "Run",
    runCell: (id) => `Run cell ${id}`,
    runAll: "Run all",
    runBoth: "Run both",
    stop: "Stop",
    restart: "Restart",
    resetCell: "Reset cell",
    resetCellLabel: (id) => `Reset cell ${id}`,
    keepMine: "Keep my version",
    output: (id) => `Output of cell ${id}`,
    database: "Database",
    postgresql: "PostgreSQL",
    sqlite: "SQLite",
    coreVsOrm: "Core vs ORM",
    core: "Core",
    orm: "ORM",
    editedNotice: "You edited this cell; your version is saved in this browser.",
    changedNotice:
      "The lesson's version of this cell changed since you edited it. Reset the cell to get the new version.",
    statements: (n) => plural(n, "statement", "statements"),
    transactions: (n) => plural(n, "transaction", "transactions"),
    ms: fmtMs,
    rows: (shown, total) =>
      shown < total
        ? `first ${shown.toLocaleString("en")} of ${total.toLocaleString("en")} rows`
        : plural(total, "row", "rows"),
    loading: (db) => `Starting ${db}…`,
    downloading: (db, loaded, total) => `Downloading ${db}: ${loaded} of ${total}`,
    downloadingSoFar: (db, loaded) => `Downloading ${db}: ${loaded}`,
    ready: (db, ms) => `${db} ready (${fmtMs(ms)})`,
    failed: (db, message) => `${db} failed to start: ${message}`,
    idle: "The database starts when the page is idle.",
    running: "Running…",
    atLine: (line, column) => `at line ${line}:${column}`,
    setupFailed: (id) => `The setup cell "${id}" failed:`,
    skipped: "Not run: an earlier cell failed.",
    stoppedBeforeRun: "Stopped before it ran: nothing was executed.",
    restartedTimeout: (seconds) =>
      `The cell ran longer than ${seconds} s and was stopped: the kernel was restarted (earlier cells will run again).`,
    restartedStopped: "The cell was stopped: the kernel was restarted (earlier cells will run again).",
    restartedCrashed: (detail) => `The kernel crashed (${detail}) and was restarted.`,
    useNewVersion: "Use the lesson's version",
    shortcut: "Ctrl+Enter (⌘+Enter) runs the cell.",
    codeLabel: (id) => `Code of cell ${id}`,
    noOutput: "No output.",
    rawLog: "Show the log as Python prints it",
    showMoreRows: (n) => `Show ${n} more`,
    inspector: "Inspector",
    inspectorOf: (id) => `Inspector of cell ${id}`,
    openInspector: (id) => `Inspector: sessions, connections and pools after cell ${id}`,
    step: "Step",
    previousStep: "Previous statement",
    nextStep: "Next statement",
    beforeStatement: (n, total) => `Before statement ${n} of ${total}`,
    afterCell: "After the cell",
    sessions: "Sessions",
    connections: "Connections checked out",
    engines: "Engines and their pools",
    noSessions: "No Session.",
    noConnections: "None checked out.",
    inTransaction: "in a transaction",
    noTransaction: "no transaction",
    summary: "Summary",
    rowsFetched: "rows fetched",
    objectsLoaded: "objects loaded",
    time: "time",
    statementsAligned: "Statements, side by side",
    blockedBy: (id) => `Not run: cell ${id} failed before it.`,
    runAnyway: "Run this cell anyway",
    unavailable: (db) => `Not run: ${db} is not available.`,
    retry: "Retry",
    storageLost:
      "This browser does not let the page store anything: your edits will not be kept after a reload.",
    crashed:
      "This cell was running when the page stopped last time (probably out of memory). Your edits are kept; it was not run again.",
    truncated: (lines, chars) =>
      `${lines.toLocaleString("en")} more lines (${Math.ceil(chars / 1024).toLocaleString("en")} KB) not shown.`,
    showMore: "Show more",
    returnedEarly: "The cell returned early: a top-level return ended it before its last line.",
  },
  ru: {
    run: "Выполнить",
    runCell: (id) => `Выполнить ячейку ${id}`,
    runAll: "Выполнить все",
    runBoth: "Выполнить обе",
    stop: "Остановить",
    restart: "Перезапустить",
    resetCell: "Сбросить ячейку",
    resetCellLabel: (id) => `Сбросить ячейку ${id}`,
    keepMine: "Оставить мою версию",
    output: (id) => `Вывод ячейки ${id}`,
    database: "База данных",
    postgresql: "PostgreSQL",
    sqlite: "SQLite",
    coreVsOrm: "Core и ORM",
    core: "Core",
    orm: "ORM",
    editedNotice: "Вы изменили эту ячейку; ваша версия сохранена в этом браузере.",
    changedNotice:
      "Исходный код этой ячейки в уроке изменился после вашей правки. Сбросьте ячейку, чтобы получить новую версию.",
    statements: (n) => ruPlural(n, "запрос", "запроса", "запросов"),
    transactions: (n) => ruPlural(n, "транзакция", "транзакции", "транзакций"),
    ms: (ms) => fmtMs(ms).replace("ms", "мс"),
    rows: (shown, total) =>
      shown < total ? `первые ${shown} из ${total} строк` : ruPlural(total, "строка", "строки", "строк"),
    loading: (db) => `Запуск ${db}…`,
    downloading: (db, loaded, total) => `Загрузка ${db}: ${loaded} из ${total}`,
    downloadingSoFar: (db, loaded) => `Загрузка ${db}: ${loaded}`,
    ready: (db, ms) => `${db} готова (${fmtMs(ms).replace("ms", "мс")})`,
    failed: (db, message) => `${db} не запустилась: ${message}`,
    idle: "База данных запустится, когда страница освободится.",
    running: "Выполняется…",
    atLine: (line, column) => `строка ${line}:${column}`,
    setupFailed: (id) => `Подготовительная ячейка «${id}» завершилась ошибкой:`,
    skipped: "Не выполнена: предыдущая ячейка завершилась ошибкой.",
    stoppedBeforeRun: "Остановлена до запуска: ничего не выполнено.",
    restartedTimeout: (seconds) =>
      `Ячейка выполнялась дольше ${seconds} с и была остановлена: ядро перезапущено (предыдущие ячейки выполнятся снова).`,
    restartedStopped: "Ячейка остановлена: ядро перезапущено (предыдущие ячейки выполнятся снова).",
    restartedCrashed: (detail) => `Ядро упало (${detail}) и было перезапущено.`,
    useNewVersion: "Взять версию урока",
    shortcut: "Ctrl+Enter (⌘+Enter) выполняет ячейку.",
    codeLabel: (id) => `Код ячейки ${id}`,
    noOutput: "Нет вывода.",
    rawLog: "Показать журнал так, как его печатает Python (as Python prints it)",
    showMoreRows: (n) => `Показать ещё ${n}`,
    inspector: "Инспектор",
    inspectorOf: (id) => `Инспектор ячейки ${id}`,
    openInspector: (id) => `Инспектор: сессии, соединения и пулы после ячейки ${id}`,
    step: "Шаг",
    previousStep: "Предыдущий запрос",
    nextStep: "Следующий запрос",
    beforeStatement: (n, total) => `Перед запросом ${n} из ${total}`,
    afterCell: "После ячейки",
    sessions: "Сессии",
    connections: "Выданные соединения",
    engines: "Движки и их пулы",
    noSessions: "Нет сессий.",
    noConnections: "Нет выданных соединений.",
    inTransaction: "в транзакции",
    noTransaction: "нет транзакции",
    summary: "Итог",
    rowsFetched: "строк получено",
    objectsLoaded: "объектов загружено",
    time: "время",
    statementsAligned: "Запросы рядом",
    blockedBy: (id) => `Не выполнена: перед ней завершилась ошибкой ячейка ${id}.`,
    runAnyway: "Всё равно выполнить",
    unavailable: (db) => `Не выполнена: ${db} недоступна.`,
    retry: "Повторить",
    storageLost: "Браузер не даёт странице ничего сохранить: ваши правки пропадут после перезагрузки.",
    crashed:
      "Эта ячейка выполнялась, когда страница прервалась в прошлый раз (вероятно, не хватило памяти). Правки сохранены; ячейка не запускалась снова.",
    truncated: (lines, chars) =>
      `Не показано: ещё ${ruPlural(lines, "строка", "строки", "строк")} (${Math.ceil(chars / 1024).toLocaleString("ru")} КБ).`,
    showMore: "Показать ещё",
    returnedEarly: "Ячейка завершилась раньше: её прервал return верхнего уровня.",
  },
};

export function strings(lang: string | undefined | null): Strings {
  return lang?.toLowerCase().startsWith("ru") ? STRINGS.ru : STRINGS.en;
}
