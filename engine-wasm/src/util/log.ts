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

const POW10 = Array.from({ length: 23 }, (_, i) => 10 ** i);

/** `s` without trailing zeros (and without its point if nothing is left after it). */
function trimFraction(s: string): string {
  let end = s.length;
  while (end > 0 && s.charCodeAt(end - 1) === 48 /* 0 */) end--;
  if (end > 0 && s.charCodeAt(end - 1) === 46 /* . */) end--;
  return end === s.length ? s : s.slice(0, end);
}

/**
 * Python's `"%.<precision>g" % x`: `precision` significant digits, trailing zeros dropped, the
 * exponent form below 1e-4 and from 10**precision. The "[cached since …s ago]" bracket of every
 * cached statement's log line writes one, so it is made from integers (no `toFixed`, no regular
 * expression: right after a database call those builtins are what the log line spends its time in).
 */
export function formatG(x: number, precision = 4): string {
  if (x === 0) return "0";
  const a = Math.abs(x);
  if (!Number.isFinite(a) || precision < 1 || precision > 15) return formatGSlow(x, precision);
  let exp = Math.floor(Math.log10(a));
  // below 1e-18 the scale would leave the table of exact powers
  if (exp < -18) return formatGSlow(x, precision);
  let scale = exp - (precision - 1);
  let m = Math.round(scale >= 0 ? a / 10 ** scale : a * POW10[-scale]!);
  if (m < POW10[precision - 1]!) {
    // log10 rounded up across a power of ten
    exp--;
    scale--;
    m = Math.round(scale >= 0 ? a / 10 ** scale : a * POW10[-scale]!);
  }
  if (m >= POW10[precision]!) {
    // rounding carried into a new digit (9999.6 → 1000e1), or log10 rounded down across a power
    m = Math.round(m / 10);
    exp++;
  }
  const digits = String(m);
  const sign = x < 0 ? "-" : "";
  if (exp < -4 || exp >= precision) {
    const mantissa = trimFraction(`${digits[0]}.${digits.slice(1)}`);
    const e = exp < 0 ? -exp : exp;
    return `${sign}${mantissa}e${exp < 0 ? "-" : "+"}${e < 10 ? `0${e}` : e}`;
  }
  if (exp >= 0) return sign + trimFraction(`${digits.slice(0, exp + 1)}.${digits.slice(exp + 1)}`);
  return sign + trimFraction(`0.${"0".repeat(-exp - 1)}${digits}`);
}

/** The same with JavaScript's own number formatting, for what `formatG` does not take (inf, nan). */
function formatGSlow(x: number, precision: number): string {
  if (Number.isNaN(x)) return "nan";
  if (!Number.isFinite(x)) return x > 0 ? "inf" : "-inf";
  const exp = Math.floor(Math.log10(Math.abs(x)));
  if (exp < -4 || exp >= precision) {
    const [mant, e] = x.toExponential(Math.max(0, precision - 1)).split("e");
    const en = Number(e);
    return `${trimFraction(mant!)}e${en < 0 ? "-" : "+"}${String(Math.abs(en)).padStart(2, "0")}`;
  }
  return trimFraction(x.toFixed(Math.max(0, precision - 1 - exp)));
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
