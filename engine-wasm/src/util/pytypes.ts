/**
 * The few Python value types that SQLAlchemy hands back and JavaScript has no twin for:
 * `tuple` (a row, a parameter set), `Decimal` (NUMERIC), `datetime.date` and `datetime.datetime`.
 * Each knows its Python `repr()` and `str()`; `print()` uses them.
 */

const TUPLE = Symbol.for("sqlalchemy.tuple");

/** A Python tuple: an Array that prints as `(1, 'a')`. */
export type PyTuple<T = unknown> = readonly T[] & { readonly [TUPLE]: true };

/**
 * A tuple is an Array carrying a symbol-keyed mark. Setting a property is a cached hidden-class
 * transition (tens of nanoseconds); a WeakSet, `defineProperty` or an Array subclass each cost ten
 * times that on the hot path of every execute, and a subclass also slows every array elsewhere.
 */
export function tuple<T>(items: Iterable<T>): PyTuple<T> {
  const out = (Array.isArray(items) ? items.slice() : Array.from(items)) as T[] & { [TUPLE]?: true };
  out[TUPLE] = true;
  return out as unknown as PyTuple<T>;
}

/** Marks an array nobody else holds as a tuple, without the copy `tuple()` makes. */
export function tupleOfOwn<T>(items: T[]): PyTuple<T> {
  const out = items as T[] & { [TUPLE]?: true };
  out[TUPLE] = true;
  return out as unknown as PyTuple<T>;
}

export function isTuple(value: unknown): value is PyTuple {
  return Array.isArray(value) && (value as { [TUPLE]?: true })[TUPLE] === true;
}

/** Python's `decimal.Decimal`, kept as its exact text. Arithmetic through `valueOf()` is a float. */
export class Decimal {
  readonly text: string;
  constructor(value: string | number | bigint) {
    this.text = typeof value === "string" ? value.trim() : String(value);
  }
  valueOf(): number {
    return Number(this.text);
  }
  toString(): string {
    return this.text;
  }
  toJSON(): string {
    return this.text;
  }
  __repr__(): string {
    return `Decimal('${this.text}')`;
  }
  __str__(): string {
    return this.text;
  }
  equals(other: unknown): boolean {
    return other instanceof Decimal ? Number(this.text) === Number(other.text) : Number(this.text) === other;
  }
}

const pad = (n: number, w = 2) => String(n).padStart(w, "0");

/** Python's `datetime.date`. */
export class date {
  readonly year: number;
  readonly month: number;
  readonly day: number;
  constructor(year: number, month: number, day: number) {
    this.year = year;
    this.month = month;
    this.day = day;
  }
  static fromisoformat(text: string): date {
    const m = /^(\d{4})-(\d\d)-(\d\d)/.exec(text);
    if (!m) throw new RangeError(`Invalid isoformat string: '${text}'`);
    return new date(Number(m[1]), Number(m[2]), Number(m[3]));
  }
  isoformat(): string {
    return `${pad(this.year, 4)}-${pad(this.month)}-${pad(this.day)}`;
  }
  toString(): string {
    return this.isoformat();
  }
  toJSON(): string {
    return this.isoformat();
  }
  valueOf(): number {
    return Date.UTC(this.year, this.month - 1, this.day);
  }
  __repr__(): string {
    return `datetime.date(${this.year}, ${this.month}, ${this.day})`;
  }
  __str__(): string {
    return this.isoformat();
  }
}

/** Python's naive `datetime.datetime` (what SQLAlchemy returns for DateTime / TIMESTAMP). */
export class datetime {
  readonly year: number;
  readonly month: number;
  readonly day: number;
  readonly hour: number;
  readonly minute: number;
  readonly second: number;
  readonly microsecond: number;
  /** Minutes east of UTC when the value is timezone-aware (TIMESTAMPTZ), else null. */
  readonly utcoffset: number | null;
  constructor(
    year: number,
    month: number,
    day: number,
    hour = 0,
    minute = 0,
    second = 0,
    microsecond = 0,
    utcoffset: number | null = null,
  ) {
    this.year = year;
    this.month = month;
    this.day = day;
    this.hour = hour;
    this.minute = minute;
    this.second = second;
    this.microsecond = microsecond;
    this.utcoffset = utcoffset;
  }
  /** Parses `2024-01-31 12:00:00[.123456][+02[:00]]` (PostgreSQL and SQLite text forms, `T` allowed). */
  static fromisoformat(text: string): datetime {
    const m =
      /^(\d{4})-(\d\d)-(\d\d)(?:[ T](\d\d):(\d\d)(?::(\d\d)(?:\.(\d{1,6}))?)?)?\s*(Z|[+-]\d\d(?::?\d\d)?)?$/.exec(
        text.trim(),
      );
    if (!m) throw new RangeError(`Invalid isoformat string: '${text}'`);
    let offset: number | null = null;
    if (m[8]) {
      if (m[8] === "Z") offset = 0;
      else {
        const sign = m[8][0] === "-" ? -1 : 1;
        const digits = m[8].slice(1).replace(":", "");
        offset = sign * (Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2, 4) || "0"));
      }
    }
    return new datetime(
      Number(m[1]),
      Number(m[2]),
      Number(m[3]),
      Number(m[4] ?? 0),
      Number(m[5] ?? 0),
      Number(m[6] ?? 0),
      Number((m[7] ?? "").padEnd(6, "0") || 0),
      offset,
    );
  }
  static fromDate(d: Date): datetime {
    return new datetime(
      d.getFullYear(),
      d.getMonth() + 1,
      d.getDate(),
      d.getHours(),
      d.getMinutes(),
      d.getSeconds(),
      d.getMilliseconds() * 1000,
    );
  }
  isoformat(sep = "T"): string {
    let s = `${pad(this.year, 4)}-${pad(this.month)}-${pad(this.day)}${sep}${pad(this.hour)}:${pad(this.minute)}:${pad(this.second)}`;
    if (this.microsecond) s += `.${pad(this.microsecond, 6)}`;
    if (this.utcoffset !== null) {
      const sign = this.utcoffset < 0 ? "-" : "+";
      const abs = Math.abs(this.utcoffset);
      s += `${sign}${pad(Math.floor(abs / 60))}:${pad(abs % 60)}`;
    }
    return s;
  }
  toString(): string {
    return this.isoformat(" ");
  }
  toJSON(): string {
    return this.isoformat();
  }
  valueOf(): number {
    const ms =
      Date.UTC(this.year, this.month - 1, this.day, this.hour, this.minute, this.second) +
      this.microsecond / 1000;
    return this.utcoffset === null ? ms : ms - this.utcoffset * 60_000;
  }
  __repr__(): string {
    const parts = [this.year, this.month, this.day, this.hour, this.minute];
    if (this.second || this.microsecond) parts.push(this.second);
    if (this.microsecond) parts.push(this.microsecond);
    const tz =
      this.utcoffset === null
        ? ""
        : this.utcoffset === 0
          ? ", tzinfo=datetime.timezone.utc"
          : `, tzinfo=datetime.timezone(datetime.timedelta(${this.utcoffset < 0 ? `days=-1, seconds=${86400 + this.utcoffset * 60}` : `seconds=${this.utcoffset * 60}`}))`;
    return `datetime.datetime(${parts.join(", ")}${tz})`;
  }
  __str__(): string {
    return this.isoformat(" ");
  }
}

/** Python's `datetime.time` (TIME; aware when `utcoffset`, in minutes east of UTC, is set: TIMETZ). */
export class time {
  readonly hour: number;
  readonly minute: number;
  readonly second: number;
  readonly microsecond: number;
  readonly utcoffset: number | null;
  constructor(hour = 0, minute = 0, second = 0, microsecond = 0, utcoffset: number | null = null) {
    this.hour = hour;
    this.minute = minute;
    this.second = second;
    this.microsecond = microsecond;
    this.utcoffset = utcoffset;
  }
  isoformat(): string {
    let s = `${pad(this.hour)}:${pad(this.minute)}:${pad(this.second)}`;
    if (this.microsecond) s += `.${pad(this.microsecond, 6)}`;
    if (this.utcoffset !== null) {
      const abs = Math.abs(this.utcoffset);
      s += `${this.utcoffset < 0 ? "-" : "+"}${pad(Math.floor(abs / 60))}:${pad(abs % 60)}`;
    }
    return s;
  }
  toString(): string {
    return this.isoformat();
  }
  toJSON(): string {
    return this.isoformat();
  }
  __repr__(): string {
    const parts = [this.hour, this.minute];
    if (this.second || this.microsecond) parts.push(this.second);
    if (this.microsecond) parts.push(this.microsecond);
    const tz =
      this.utcoffset === null
        ? ""
        : this.utcoffset === 0
          ? ", tzinfo=datetime.timezone.utc"
          : `, tzinfo=datetime.timezone(${new timedelta(0, this.utcoffset * 60).__repr__()})`;
    return `datetime.time(${parts.join(", ")}${tz})`;
  }
  __str__(): string {
    return this.isoformat();
  }
}

/** Python's `datetime.timedelta`, normalised as Python does: days (may be negative), 0 <= seconds < 86400, 0 <= microseconds < 10^6. */
export class timedelta {
  readonly days: number;
  readonly seconds: number;
  readonly microseconds: number;
  constructor(days = 0, seconds = 0, microseconds = 0) {
    const total = Math.round((days * 86400 + seconds) * 1_000_000 + microseconds);
    const perDay = 86400 * 1_000_000;
    this.days = Math.floor(total / perDay);
    const rest = total - this.days * perDay;
    this.seconds = Math.floor(rest / 1_000_000);
    this.microseconds = rest - this.seconds * 1_000_000;
  }
  total_seconds(): number {
    return this.days * 86400 + this.seconds + this.microseconds / 1_000_000;
  }
  valueOf(): number {
    return this.total_seconds();
  }
  __repr__(): string {
    const parts: string[] = [];
    if (this.days) parts.push(`days=${this.days}`);
    if (this.seconds) parts.push(`seconds=${this.seconds}`);
    if (this.microseconds) parts.push(`microseconds=${this.microseconds}`);
    return `datetime.timedelta(${parts.length ? parts.join(", ") : "0"})`;
  }
  __str__(): string {
    const h = Math.floor(this.seconds / 3600);
    const m = Math.floor((this.seconds % 3600) / 60);
    let s = `${h}:${pad(m)}:${pad(this.seconds % 60)}`;
    if (this.microseconds) s += `.${pad(this.microseconds, 6)}`;
    if (this.days) s = `${this.days} day${Math.abs(this.days) === 1 ? "" : "s"}, ${s}`;
    return s;
  }
  toString(): string {
    return this.__str__();
  }
}
