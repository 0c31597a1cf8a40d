/**
 * Where a running cell's output goes: the output sink (`util/output.ts`) the kernel installs for each
 * cell, turning print() output and echo log records into `print` / `log` events for the page.
 */
import type { OutputRecord, OutputSink } from "sqlalchemy/testing";
import type { KernelEvent } from "./protocol.ts";

export function cellOutputSink(
  post: (event: KernelEvent) => void,
  runId: number,
  cellId: string,
): OutputSink {
  return (record: OutputRecord) => {
    if (record.kind === "print") post({ type: "print", runId, cellId, text: record.text });
    else
      post({
        type: "log",
        runId,
        cellId,
        logger: record.name,
        level: record.level,
        message: record.message,
        text: record.text,
        ...(record.tag ? { tag: record.tag } : {}),
      });
  };
}
