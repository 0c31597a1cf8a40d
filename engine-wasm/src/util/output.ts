/**
 * Where `print()` and the echo log go.
 *
 * SQLAlchemy writes its echo log through `logging.StreamHandler(sys.stdout)`, so print() output and
 * log lines interleave on one stream. Here both go to one sink: stdout in Node, the notebook's output
 * panel in the browser worker. Log records stay structured so that a notebook can highlight SQL and
 * count statements; `formatted` is exactly the line Python's logging would have written.
 */

export interface PrintRecord {
  readonly kind: "print";
  /** What Python's print() writes, including the trailing newline. */
  readonly text: string;
}

export interface LogRecord {
  readonly kind: "log";
  /** Logger name, e.g. `sqlalchemy.engine.Engine` or `sqlalchemy.pool.impl.QueuePool`. */
  readonly name: string;
  readonly level: "DEBUG" | "INFO" | "WARNING" | "ERROR";
  readonly message: string;
  /** `%(asctime)s %(levelname)s %(name)s %(message)s` plus a newline, as the transcripts show it. */
  readonly text: string;
  /** Milliseconds since the epoch when the record was made. */
  readonly created: number;
  /** Free-form tags for the notebook: `statement` for a SQL text record, `params` for its bracket line. */
  readonly tag?: "statement" | "params" | "transaction" | "pool";
}

export type OutputRecord = PrintRecord | LogRecord;

export type OutputSink = (record: OutputRecord) => void;

const defaultSink: OutputSink = (record) => {
  const g = globalThis as { process?: { stdout?: { write(s: string): unknown } } };
  if (g.process?.stdout) g.process.stdout.write(record.text);
  else console.log(record.text.replace(/\n$/, ""));
};

let sink: OutputSink = defaultSink;

/** Replace the sink (the notebook kernel captures output per cell); returns the previous one. */
export function setOutputSink(next: OutputSink | null): OutputSink {
  const prev = sink;
  sink = next ?? defaultSink;
  return prev;
}

export function emit(record: OutputRecord): void {
  sink(record);
}
