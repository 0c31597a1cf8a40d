/**
 * The configurations the Core and ORM layers run in.
 *
 * - `plain`: `create_engine(url)` as a script writes it (echo off, no listeners);
 * - `notebook`: as a lesson cell runs in the notebook kernel: the engine and sessions made through the
 *   kernel's instruments (`site/worker/instruments.ts`: the registry's before_cursor_execute and begin
 *   listeners, the inspector's listeners on every engine, and, around each repetition as around a
 *   cell, the inspector's snapshot before each of the first statements), `echo=True`, the log going to
 *   the output of a cell's run (`site/worker/cell-output.ts`, a new one each repetition, as each run
 *   of a cell gets), which posts every log record as an event (here to a MessagePort, drained outside
 *   the timed part: postMessage structured-clones the event, as a worker's does). The bench has no
 *   cell scope, so snapshots name no variables.
 *
 * Three more variants take the notebook's time apart (printed under the results, kept in the
 * notebook rows of results.json):
 * - `echo-off`: the kernel's instruments, echo off (notebook - echo-off = the echo log);
 * - `listeners-off`: echo into the cell's output, no instruments (notebook - listeners-off = events);
 * - `null-sink`: the kernel's instruments and echo, into a sink that only counts the records
 *   (notebook - null-sink = posting them). It also times making the log lines directly: a
 *   before_cursor_execute listener added after the kernel's notes the time, and the sink reads the
 *   clock again when the statement's parameters line arrives; what lies between is the engine writing
 *   that statement's two log lines (statement text, cache stats, parameters repr, timestamps, records).
 */
import { MessageChannel, receiveMessageOnPort } from "node:worker_threads";
import * as sqlalchemy from "sqlalchemy";
import * as orm from "sqlalchemy/orm";
import { type OutputSink, setOutputSink } from "sqlalchemy/testing";
import { CellOutput } from "../../site/worker/cell-output.ts";
import { KernelInstruments } from "../../site/worker/instruments.ts";
import { median } from "./measure.ts";

export const CONFIGS = ["plain", "notebook"] as const;
export type Config = (typeof CONFIGS)[number];

export const VARIANTS = ["plain", "notebook", "echo-off", "listeners-off", "null-sink"] as const;
export type Variant = (typeof VARIANTS)[number];

/** The variants run for each configuration. */
export const VARIANTS_OF: Readonly<Record<Config, readonly Variant[]>> = {
  plain: ["plain"],
  notebook: ["notebook", "echo-off", "listeners-off", "null-sink"],
};

type CreateEngine = (url: string, options?: Record<string, unknown>) => unknown;

/** How a layer makes its engine and sessions in one variant. */
export interface EngineSetup {
  readonly variant: Variant;
  create_engine(url: string): unknown;
  /** The Session class cells get (the kernel's wrapper registers each session). */
  readonly Session: unknown;
  /** Installs this variant's output sink and starts counting its log records (untimed, before each repetition). */
  begin(): void;
  /** Drains what was posted and tells what was logged since begin() (untimed, after each repetition). */
  end(): Logged;
}

/** The log of one repetition. */
export interface Logged {
  /** Log records. */
  readonly lines: number;
  /** null-sink only: the lines of the statements timed from their listener to their parameters line, and that time. */
  readonly timed_lines: number;
  readonly timed_ms: number;
  /** The median of those statements' times (a collection the workload's garbage causes can land in any). */
  readonly median_statement_ms: number | null;
}

/** Where the cell's output posts its events: a MessagePort, read back outside the timed part. */
const channel = new MessageChannel();
channel.port1.unref();
channel.port2.unref();
const postEvent = (event: unknown) => channel.port1.postMessage(event);
/** The output of the repetition under way (notebook variants but null-sink). */
let cellOutput: CellOutput | null = null;
let runs = 0;

function drained(): number {
  let n = 0;
  while (receiveMessageOnPort(channel.port2) !== undefined) n++;
  return n;
}

let counted = 0;
let timedLines = 0;
let timedMs = 0;
const statementMs: number[] = [];
/** When the last before_cursor_execute listener ran (-1: no statement being logged). */
let statementStart = -1;
const countingSink: OutputSink = (record) => {
  counted++;
  if (record.kind === "log" && record.tag === "params" && statementStart >= 0) {
    const ms = performance.now() - statementStart;
    timedMs += ms;
    timedLines += 2;
    statementMs.push(ms);
    statementStart = -1;
  }
};
const startTimer = () => {
  statementStart = performance.now();
};

const instruments = new KernelInstruments();
const registry = instruments.registry;
const kernelSqlalchemy = registry.wrapModule(sqlalchemy as unknown as Record<string, unknown>);
const kernelOrm = registry.wrapModule(orm as unknown as Record<string, unknown>);

/** Ends the kernel's cell around the repetition under way. */
let endCell: (() => unknown) | null = null;

export function engineSetup(variant: Variant): EngineSetup {
  const listeners = variant !== "plain" && variant !== "listeners-off";
  const echo = variant !== "plain" && variant !== "echo-off";
  const create = (listeners ? kernelSqlalchemy.create_engine : sqlalchemy.create_engine) as CreateEngine;
  const Session = variant === "plain" ? orm.Session : kernelOrm.Session;
  return {
    variant,
    create_engine(url) {
      const engine = create(url, echo ? { echo: true } : {});
      if (variant === "null-sink") sqlalchemy.event.listen(engine, "before_cursor_execute", startTimer);
      return engine;
    },
    Session,
    begin() {
      drained();
      cellOutput = variant === "null-sink" ? null : new CellOutput(postEvent, ++runs, "bench");
      setOutputSink(cellOutput ? cellOutput.write : countingSink);
      counted = 0;
      timedLines = 0;
      timedMs = 0;
      statementMs.length = 0;
      statementStart = -1;
      // as at a cell's start: fresh counts, the inspector's steps before the statements
      endCell = listeners ? instruments.beginCell("bench", () => undefined) : null;
    },
    end() {
      endCell?.();
      endCell = null;
      // as a cell's end: what is still gathered is sent
      cellOutput?.flush();
      cellOutput = null;
      const lines = variant === "null-sink" ? counted : drained();
      const median_statement_ms = statementMs.length ? median(statementMs) : null;
      return { lines, timed_lines: timedLines, timed_ms: timedMs, median_statement_ms };
    },
  };
}
