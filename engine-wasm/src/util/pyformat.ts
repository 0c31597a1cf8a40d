/**
 * Python's `%`-formatting of floats, as the engine's messages use it: `%.4g` (the echo log's
 * "[cached since …s ago]"), `%.5f` ("[generated in …s]"), `%.2f` (the pool's timeout), and the
 * `%.<scale>f` SQLAlchemy's Numeric result processor writes a float's Decimal from.
 *
 * Python rounds the exact binary value half to even; JavaScript's `toFixed` and `toPrecision` round
 * exact halves up (0.125 → "0.13", Python "0.12"), and a product or quotient of doubles can land on
 * the wrong side of a half (9.9995 is 9.99949999…, Python "9.999"). So digits come from integers.
 *
 * These run in every statement's log line, right after the previous database call, where every
 * builtin runs cold (`toFixed`, regular expressions, number-to-string, `slice`): so the common cases
 * are plain arithmetic and a table of digits.
 */

const POW10 = Array.from({ length: 23 }, (_, i) => 10 ** i);
const DIGITS = "0123456789";

/**
 * Python's `"%.<precision>g" % x` for a precision of 1 to 15: `precision` significant digits,
 * trailing zeros dropped, the exponent form below 1e-4 and from 10**precision.
 */
export function formatG(x: number, precision = 4): string {
  // the fixed form of a positive number, where the bracket's seconds nearly always are
  if (precision >= 1 && precision <= 15 && x >= 1e-4 && x < POW10[precision]!) {
    // the power of ten of the first digit, by comparison with exact powers (no Math.log10)
    let exp = 0;
    if (x >= 1) {
      while (exp + 1 < precision && x >= POW10[exp + 1]!) exp++;
    } else {
      exp = -1;
      while (x * POW10[-exp]! < 1) exp--;
    }
    const m = roundScaled(x, precision - 1 - exp);
    // else rounding carried into a new digit (9999.6 → 1e+04) or the product rounded across a power
    if (m < POW10[precision]! && m >= POW10[precision - 1]!) return decimalText(m, precision - 1 - exp);
  }
  return formatGAny(x, precision);
}

function formatGAny(x: number, precision: number): string {
  if (!(precision >= 1 && precision <= 15)) {
    throw new RangeError(`formatG: precision ${precision} is not 1..15`);
  }
  if (Number.isNaN(x)) return "nan";
  const negative = x < 0 || Object.is(x, -0);
  const a = negative ? -x : x;
  const sign = negative ? "-" : "";
  if (a === Number.POSITIVE_INFINITY) return `${sign}inf`;
  if (a === 0) return `${sign}0`;
  // the power of ten of the first digit once rounded (9999.6 → 1e+04)
  let exp = Math.floor(Math.log10(a));
  let m = roundScaled(a, precision - 1 - exp);
  if (m >= POW10[precision]!) m = roundScaled(a, precision - 1 - ++exp);
  else if (m < POW10[precision - 1]!) m = roundScaled(a, precision - 1 - --exp);
  if (exp >= -4 && exp < precision) return sign + decimalText(m, precision - 1 - exp);
  const e = exp < 0 ? -exp : exp;
  return `${sign}${decimalText(m, precision - 1)}e${exp < 0 ? "-" : "+"}${e < 10 ? `0${DIGITS[e]}` : decimalText(e, 0)}`;
}

/**
 * `m / 10**decimals` written out (an integer m below 2**53); `trim`: without trailing zeros after
 * the point, as `%g` writes them.
 */
function decimalText(m: number, decimals: number, trim = true): string {
  while (trim && decimals > 0 && m % 10 === 0) {
    m /= 10;
    decimals--;
  }
  let text = "";
  for (let i = 0; i < decimals; i++) {
    const d = m % 10;
    text = DIGITS[d] + text;
    m = (m - d) / 10;
  }
  if (decimals > 0) text = `.${text}`;
  do {
    const d = m % 10;
    text = DIGITS[d] + text;
    m = (m - d) / 10;
  } while (m > 0);
  return text;
}

/**
 * `a * 10**s` rounded to an integer, half to even, on the exact values (a ≥ 0, the result below
 * 2**53). The double product is within half an ulp of the exact one, so it rounds the same unless
 * a half lies that close; then, and where 10**s is not an exact double, integers decide.
 */
function roundScaled(a: number, s: number): number {
  if (s >= -22 && s <= 22) {
    const v = s >= 0 ? a * POW10[s]! : a / POW10[-s]!;
    const r = Math.round(v);
    const off = r - v;
    if (0.5 - (off < 0 ? -off : off) > v * 2.3e-16) return r;
  }
  return Number(roundScaledBig(a, s));
}

const float64 = new DataView(new ArrayBuffer(8));

/** `a * 10**s` rounded half to even, exactly, for any finite a ≥ 0 and any s. */
function roundScaledBig(a: number, s: number): bigint {
  // a = mantissa * 2**e exactly
  float64.setFloat64(0, a);
  const hi = float64.getUint32(0);
  const biased = (hi >>> 20) & 0x7ff;
  let mantissa = (BigInt(hi & 0xfffff) << 32n) | BigInt(float64.getUint32(4));
  let e = -1074;
  if (biased !== 0) {
    mantissa |= 1n << 52n;
    e = biased - 1075;
  }
  let num = e >= 0 ? mantissa << BigInt(e) : mantissa;
  let den = e >= 0 ? 1n : 1n << BigInt(-e);
  if (s >= 0) num *= 10n ** BigInt(s);
  else den *= 10n ** BigInt(-s);
  const q = num / den;
  const twice = (num % den) * 2n;
  return twice > den || (twice === den && (q & 1n) === 1n) ? q + 1n : q;
}

/** Python's `"%.<decimals>f" % x`, for any x (inf, nan and -0.0 as Python writes them). */
export function formatF(x: number, decimals: number): string {
  if (!(Number.isInteger(decimals) && decimals >= 0)) throw new RangeError(`formatF: ${decimals} decimals`);
  if (Number.isNaN(x)) return "nan";
  const negative = x < 0 || Object.is(x, -0);
  const a = negative ? -x : x;
  const sign = negative ? "-" : "";
  if (a === Number.POSITIVE_INFINITY) return `${sign}inf`;
  if (decimals <= 22 && a * POW10[decimals]! < 2 ** 53)
    return sign + decimalText(roundScaled(a, decimals), decimals, false);
  const digits = roundScaledBig(a, decimals)
    .toString()
    .padStart(decimals + 1, "0");
  const point = digits.length - decimals;
  return decimals ? `${sign}${digits.slice(0, point)}.${digits.slice(point)}` : sign + digits;
}
