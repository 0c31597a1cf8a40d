/**
 * The page's User Timing entries stay one per name however many events it handles, while an
 * observer still receives every one of them.
 */
import { afterEach, expect, it } from "vitest";
import { markWith, measureSince } from "./user-timing.ts";

afterEach(() => {
  performance.clearMeasures();
  performance.clearMarks();
});

it("keeps one entry per name in the timeline and hands every entry to an observer", async () => {
  const observed: PerformanceEntry[] = [];
  const observer = new PerformanceObserver((list) => observed.push(...list.getEntries()));
  observer.observe({ entryTypes: ["mark", "measure"] });
  for (let i = 0; i < 1000; i++) {
    measureSince("nb:panel:output:log", performance.now());
    measureSince("nb:panel:inspector:inspector", performance.now());
    markWith("nb:kernel:inspector", i);
  }
  expect(performance.getEntriesByName("nb:panel:output:log", "measure")).toHaveLength(1);
  expect(performance.getEntriesByType("measure")).toHaveLength(2);
  const marks = performance.getEntriesByName("nb:kernel:inspector", "mark") as PerformanceMark[];
  expect(marks.map((m) => m.detail)).toEqual([999]);
  await new Promise((resolve) => setTimeout(resolve, 50));
  observed.push(...observer.takeRecords());
  observer.disconnect();
  expect(observed.filter((e) => e.name === "nb:panel:output:log")).toHaveLength(1000);
  expect(observed.filter((e) => e.name === "nb:kernel:inspector")).toHaveLength(1000);
});
