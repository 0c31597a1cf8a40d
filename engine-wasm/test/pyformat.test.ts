/**
 * Python's `%`-formatting of floats (`util/pyformat.ts`), against what CPython prints: the echo log's
 * `%.4g` and `%.5f` brackets, the pool's `%.2f`, and the `%.<scale>f` a Numeric column's Decimal is
 * made from on SQLite.
 */

import { readFileSync } from "node:fs";
import * as sqlalchemy from "sqlalchemy";
import { tuple } from "sqlalchemy";
import { reprParams } from "sqlalchemy/exc";
import { expect, it } from "vitest";
import { formatF, formatG } from "../src/util/pyformat.ts";
import { reprNumber, reprString } from "../src/util/repr.ts";
import { eachDatabase } from "./support.ts";

/** A file of test/data/ written by CPython: for each value its repr() and what each format printed. */
function cpython(name: string): { precisions?: number[]; decimals?: number[]; values: string[][] } {
  return JSON.parse(readFileSync(new URL(`./data/${name}`, import.meta.url), "utf8"));
}

it("the cache-stats bracket's seconds are Python's '%.4g' % x", () => {
  // each right-hand side is what CPython 3 prints for '%.4g' % x
  const python: [number, string][] = [
    [0, "0"],
    [0.5, "0.5"],
    [100, "100"],
    [1000, "1000"],
    [9999, "9999"],
    [9999.6, "1e+04"],
    [12345.6, "1.235e+04"],
    [0.1, "0.1"],
    [0.001, "0.001"],
    [0.00099996, "0.001"],
    [0.000123456, "0.0001235"],
    [0.0001, "0.0001"],
    [0.00009999, "9.999e-05"],
    [1.23456e-5, "1.235e-05"],
    [1e-7, "1e-07"],
    [2.5e-10, "2.5e-10"],
    [1.5, "1.5"],
    [0.01234, "0.01234"],
    [0.012345678, "0.01235"],
    [7.77777, "7.778"],
    [42.01, "42.01"],
    [42.001, "42"],
    [123.456, "123.5"],
    [1e22, "1e+22"],
    [1e-25, "1e-25"],
    [1.5e-300, "1.5e-300"],
    [1.23456e-19, "1.235e-19"],
    [-0.0123, "-0.0123"],
    [Number.POSITIVE_INFINITY, "inf"],
  ];
  for (const [x, want] of python) expect([x, formatG(x)]).toEqual([x, want]);
  // around every power of ten, where log10 can round across it
  for (let e = -8; e <= 8; e++) {
    expect(formatG(10 ** e)).toBe(
      e < -4 || e >= 4 ? `1e${e < 0 ? "-" : "+"}${String(Math.abs(e)).padStart(2, "0")}` : String(10 ** e),
    );
  }
});

it("'%.<p>g' matches CPython over 704 values: random, elapsed-like, and on both sides of every border", () => {
  // engine-wasm/test/data/format_g_python.json: written by CPython 3.11, for each value its repr()
  // and `'%.<p>g' % value` for p in 1, 2, 4, 6, 15 (random.seed(20261204): 500 values log-uniform
  // over 1e-7..1e7, 100 uniform over 0..2, d * 10.0**e for d in 0.99995, 0.999949, 0.9999, 1.0,
  // 1.00005, 9.9995, 9.99949 and e in -6..5, which sit on both sides of a rounding or a change of
  // form; and exact halves such as 1.0625 and 2.5, subnormals, the largest double, -0.0)
  const data = cpython("format_g_python.json");
  const wrong: string[] = [];
  for (const [text, ...outputs] of data.values) {
    const x = Number(text);
    data.precisions!.forEach((p, i) => {
      const got = formatG(x, p);
      if (got !== outputs[i]) wrong.push(`'%.${p}g' % ${text}: ${got}, CPython ${outputs[i]}`);
    });
  }
  expect(wrong).toEqual([]);
  expect(data.values.length).toBe(704);
});

it("'%.<d>f' matches CPython over 457 values: exact halves go to even, the doubles beside them do not", () => {
  // engine-wasm/test/data/format_f_python.json: written by CPython 3.11, for each value its repr()
  // and `'%.<d>f' % value` for d in 0, 2, 5, 10 (random.seed(20261205): 300 values log-uniform over
  // 1e-8..1e8, 100 uniform over 0..2; exact halves such as 0.125, 2.5, 1/64, 12345.5 and
  // math.nextafter on both sides of each; 0.0, -0.0, -1e-9, 5e-324, 2**53, 1e22, the largest double)
  const data = cpython("format_f_python.json");
  const wrong: string[] = [];
  for (const [text, ...outputs] of data.values) {
    const x = Number(text);
    data.decimals!.forEach((d, i) => {
      const got = formatF(x, d);
      if (got !== outputs[i]) wrong.push(`'%.${d}f' % ${text}: ${got}, CPython ${outputs[i]}`);
    });
  }
  expect(wrong).toEqual([]);
  expect(data.values.length).toBe(457);
  expect([formatF(Number.NaN, 2), formatF(Number.NEGATIVE_INFINITY, 2)]).toEqual(["nan", "-inf"]);
});

it("repr() of a float is CPython's for 413 values: the exponent form from below 1e-4 (1.5e-05)", () => {
  // engine-wasm/test/data/repr_float_python.json: repr() of 400 non-integral floats log-uniform over
  // ±1e-12..1e15 (random.seed(20261206)) and of 1e-5, 1.5e-5, -1.2e-5, 9.999e-5, 0.0001, 0.00012, 1e-7,
  // 5e-324, the smallest normal double, 0.1, 1/3, 123456789.125 and the double below 1e-4
  const { repr } = JSON.parse(
    readFileSync(new URL("./data/repr_float_python.json", import.meta.url), "utf8"),
  ) as {
    repr: string[];
  };
  expect(repr.filter((text) => reprNumber(Number(text)) !== text)).toEqual([]);
  expect(repr.length).toBe(413);
});

it("repr() of a str escapes what CPython's does, in the log's parameters too (U+00A0, U+200B, lone surrogates)", () => {
  // engine-wasm/test/data/repr_str_python.json: CPython 3.11 (Unicode 14), random.seed(20261207): 1,500
  // code points below U+3100 and 900 above it that Unicode 14 assigns, in strings of six, and the
  // separators, format characters, surrogates and private use listed in the file; each string as
  // UTF-16LE hex and its repr()
  const { strings } = JSON.parse(
    readFileSync(new URL("./data/repr_str_python.json", import.meta.url), "utf8"),
  ) as {
    strings: [string, string][];
  };
  const wrong: string[] = [];
  for (const [hex, want] of strings) {
    const units = hex.match(/.{4}/g)!.map((u) => Number.parseInt(u.slice(2) + u.slice(0, 2), 16));
    const s = String.fromCharCode(...units);
    if (reprString(s) !== want) wrong.push(`${want}: ${reprString(s)}`);
    if (reprParams(tuple([s]), false) !== `(${want},)`)
      wrong.push(`parameters ${want}: ${reprParams(tuple([s]), false)}`);
  }
  expect(wrong).toEqual([]);
  expect(strings.length).toBe(388);
});

eachDatabase("Numeric(10, 2)", ({ kind, url }) => {
  it("returns 0.125, 0.375 and 2.675 rounded as the database, or on SQLite as Python's '%.2f', does", () => {
    const engine = sqlalchemy.create_engine(url);
    const metadata = new sqlalchemy.MetaData();
    const t = new sqlalchemy.Table(
      "prices",
      metadata,
      new sqlalchemy.Column("id", sqlalchemy.Integer, { primary_key: true }),
      new sqlalchemy.Column("amount", new sqlalchemy.Numeric(10, 2)),
    );
    metadata.create_all(engine);
    using conn = engine.connect();
    conn.execute(sqlalchemy.insert(t), [{ amount: 0.125 }, { amount: 0.375 }, { amount: 2.675 }]);
    const amounts = conn.execute(sqlalchemy.select(t.c.amount).order_by(t.c.id)).scalars().all();
    // SQLite keeps the floats and SQLAlchemy makes Decimal('%.2f' % value): 0.125 is an exact half,
    // which Python rounds to even, and 2.675 is 2.67499999… as a double. PostgreSQL casts each float
    // to numeric(10, 2) itself, from its 15-digit text, rounding halves away from zero.
    expect(amounts.map(String)).toEqual(
      kind === "sqlite" ? ["0.12", "0.38", "2.67"] : ["0.13", "0.38", "2.68"],
    );
  });
});
