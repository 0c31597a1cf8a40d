/**
 * Interface text of exercises, Python twins, expected output, progress, sharing and offline, per page
 * language. Accessible names keep their English first word ("Check", "Python", "Expected output",
 * "Share") in English: the end-to-end specs read English pages.
 */
export interface LearnStrings {
  expectedOutput: (id: string, db?: string) => string;
  python: (id: string) => string;
  typescript: string;
  check: (id: string) => string;
  checking: string;
  passed: string;
  failed: (n: number, total: number) => string;
  hiddenData: string;
  nextHint: (shown: number, total: number) => string;
  noMoreHints: string;
  showSolution: string;
  hideSolution: string;
  applySolution: string;
  solutionDiff: (id: string) => string;
  pythonSolution: string;
  solved: string;
  share: string;
  shareCopied: string;
  shareTooLarge: string;
  sharedNotice: (n: number) => string;
  keepShared: string;
  discardShared: string;
  sharedCorrupt: string;
  storageUnavailable: string;
  resetProgress: string;
  progressOf: (done: number, total: number) => string;
  completed: string;
  newVersion: string;
  offlineReady: string;
}

const en: LearnStrings = {
  expectedOutput: (id, db) =>
    `Expected output of ${id}${db ? ` on ${db === "sqlite" ? "SQLite" : "PostgreSQL"}` : ""}`,
  python: (id) => `Python original of ${id}`,
  typescript: "TypeScript",
  check: (id) => `Check ${id}`,
  checking: "Checking…",
  passed: "All checks pass.",
  failed: (n, total) => `${n} of ${total} checks failed:`,
  hiddenData: "on a second data set (your code must not depend on the rows shown)",
  nextHint: (shown, total) => `Hint ${shown + 1} of ${total}`,
  noMoreHints: "No more hints",
  showSolution: "Solution (diff with your code)",
  hideSolution: "Hide the solution",
  applySolution: "Apply the solution to my code",
  solutionDiff: (id) => `Solution of ${id} as a diff with your code`,
  pythonSolution: "The solution in Python",
  solved: "Solved",
  share: "Share my code",
  shareCopied: "Link copied. It carries your edits of this page; nothing is sent anywhere.",
  shareTooLarge: "Your edits are too large for a link.",
  sharedNotice: (n) =>
    `This page was opened from a share link with ${n} edited cell${n === 1 ? "" : "s"}, marked “shared”. Nothing has run. Keep the shared code (it replaces your edits of those cells) or discard it?`,
  keepShared: "Keep the shared code",
  discardShared: "Discard it",
  sharedCorrupt: "This share link is damaged or too large to read; the page shows your own code.",
  storageUnavailable:
    "Your browser does not let this page store data: edits and progress last until you close it.",
  resetProgress: "Reset my progress",
  progressOf: (done, total) => `${done} of ${total} lessons completed`,
  completed: "completed",
  newVersion: "A new version of the site was installed; it is used from the next page you open.",
  offlineReady: "Lessons are saved for offline use.",
};

const ru: LearnStrings = {
  ...en,
  expectedOutput: (id, db) =>
    `Ожидаемый вывод ${id}${db ? ` (${db === "sqlite" ? "SQLite" : "PostgreSQL"})` : ""}`,
  python: (id) => `Python-оригинал ${id}`,
  check: (id) => `Проверить ${id}`,
  checking: "Проверяю…",
  passed: "Все проверки пройдены.",
  failed: (n, total) => `Не пройдено проверок: ${n} из ${total}:`,
  hiddenData: "на втором наборе данных (код не должен зависеть от показанных строк)",
  nextHint: (shown, total) => `Подсказка ${shown + 1} из ${total}`,
  noMoreHints: "Подсказок больше нет",
  showSolution: "Решение (разница с вашим кодом)",
  hideSolution: "Скрыть решение",
  applySolution: "Применить решение к моему коду",
  solutionDiff: (id) => `Решение ${id}: разница с вашим кодом`,
  pythonSolution: "Решение на Python",
  solved: "Решено",
  share: "Поделиться кодом",
  shareCopied: "Ссылка скопирована. В ней ваши правки этой страницы; ничего никуда не отправлено.",
  shareTooLarge: "Правки слишком велики для ссылки.",
  sharedNotice: (n) =>
    `Страница открыта по ссылке с правками ${n} ячеек (помечены «чужой код»). Ничего не запущено. Оставить присланный код (он заменит ваши правки этих ячеек) или отбросить?`,
  keepShared: "Оставить присланный код",
  discardShared: "Отбросить",
  sharedCorrupt: "Ссылка повреждена или слишком велика; показан ваш код.",
  storageUnavailable:
    "Браузер не даёт странице хранить данные: правки и прогресс живут до закрытия страницы.",
  resetProgress: "Сбросить прогресс",
  progressOf: (done, total) => `Пройдено уроков: ${done} из ${total}`,
  completed: "пройден",
  newVersion: "Установлена новая версия сайта; она откроется со следующей страницы.",
  offlineReady: "Уроки сохранены для работы без сети.",
};

export function learnStrings(lang?: string): LearnStrings {
  return lang?.startsWith("ru") ? ru : en;
}
