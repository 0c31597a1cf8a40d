/**
 * SQLAlchemy's logging, as `echo=True` sets it up: `logging.StreamHandler(sys.stdout)` with the format
 * `%(asctime)s %(levelname)s %(name)s %(message)s` on the `sqlalchemy.engine.Engine` (and
 * `sqlalchemy.pool.impl.<PoolClass>`) logger. `echo` may be `true`, `"debug"` or false, per instance.
 */
import { emit, type LogRecord } from "./output.ts";

export type EchoFlag = boolean | "debug" | null | undefined;

const pad = (n: number, w = 2) => String(n).padStart(w, "0");

/** The second the last asctime() fell in, and its text up to the comma. */
let lastSecond = Number.NaN;
let lastPrefix = "";

/** `2026-11-24 05:35:20,117` in local time, as Python's logging.Formatter.formatTime. */
export function asctime(ms: number): string {
  const second = Math.floor(ms / 1000);
  if (second !== lastSecond) {
    // local time changes its offset only on whole seconds: the date and time up to the second are
    // the same for every record made within one
    const d = new Date(ms);
    lastPrefix = `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(
      d.getMinutes(),
    )}:${pad(d.getSeconds())},`;
    lastSecond = second;
  }
  const millis = Math.floor(ms) - second * 1000;
  return lastPrefix + (millis >= 100 ? String(millis) : millis >= 10 ? `0${millis}` : `00${millis}`);
}

/** Python's `%`-formatting subset the engine uses: `%s`, `%r`, `%d`, `%.5f`, `%.4g`, `%%`. */
export function percentFormat(fmt: string, args: readonly string[]): string {
  let i = 0;
  return fmt.replace(/%%|%s/g, (m) => (m === "%%" ? "%" : (args[i++] ?? "")));
}

/** A logger bound to one echo flag: SQLAlchemy's `InstanceLogger`. */
export class InstanceLogger {
  readonly name: string;
  echo: EchoFlag;
  constructor(name: string, echo: EchoFlag) {
    this.name = name;
    this.echo = echo;
  }
  get isInfo(): boolean {
    return !!this.echo;
  }
  get isDebug(): boolean {
    return this.echo === "debug";
  }
  info(message: string, tag?: LogRecord["tag"]): void {
    if (this.echo) this.log("INFO", message, tag);
  }
  debug(message: string, tag?: LogRecord["tag"]): void {
    if (this.echo === "debug") this.log("DEBUG", message, tag);
  }
  log(level: LogRecord["level"], message: string, tag?: LogRecord["tag"]): void {
    const created = Date.now();
    emit({
      kind: "log",
      name: this.name,
      level,
      message,
      created,
      tag,
      text: `${asctime(created)} ${level} ${this.name} ${message}\n`,
    });
  }
}
