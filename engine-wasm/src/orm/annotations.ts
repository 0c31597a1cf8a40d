/**
 * `Mapped[...]` annotations → column type and nullability, as SQLAlchemy's declarative does with
 * `type_annotation_map` (sqltypes `_type_map`). The cell compiler keeps each class's TypeScript
 * annotations as text in `cls.__annotations__` (Python's stringified annotations):
 *
 * | TypeScript annotation                  | Python                    | column type      |
 * | -------------------------------------- | ------------------------- | ---------------- |
 * | `number`, `int`                        | `int`                     | `Integer()`      |
 * | `float`                                | `float`                   | `Float()`        |
 * | `bigint`                               | —                         | `BigInteger()`   |
 * | `string`                               | `str`                     | `String()`       |
 * | `boolean`                              | `bool`                    | `Boolean()`      |
 * | `Decimal`                              | `decimal.Decimal`         | `Numeric()`      |
 * | `date`                                 | `datetime.date`           | `Date()`         |
 * | `datetime`, `Date`                     | `datetime.datetime`       | `DateTime()`     |
 * | `time`                                 | `datetime.time`           | `Time()`         |
 * | `timedelta`                            | `datetime.timedelta`      | `Interval()`     |
 * | `Uint8Array`, `bytes`                  | `bytes`                   | `LargeBinary()`  |
 * | `T \| null` (or `\| undefined`)        | `Optional[T]`             | nullable         |
 *
 * `Mapped<T>` around the type is the same as `T`. A type given to `mapped_column()` wins over the
 * annotation's; `nullable` given to it wins over the annotation's optionality.
 */
import * as sqltypes from "../sql/sqltypes.ts";

/** Python's `int`, `float` and `bytes` for annotations: `accessor ratio!: float | null`. */
export type int = number;
export type float = number;
export type bytes = Uint8Array;

const TYPE_ANNOTATION_MAP: Record<string, () => sqltypes.TypeEngine> = {
  number: () => new sqltypes.Integer(),
  int: () => new sqltypes.Integer(),
  float: () => new sqltypes.Float(),
  bigint: () => new sqltypes.BigInteger(),
  string: () => new sqltypes.String(),
  boolean: () => new sqltypes.Boolean(),
  Decimal: () => new sqltypes.Numeric(),
  date: () => new sqltypes.Date(),
  datetime: () => new sqltypes.DateTime(),
  Date: () => new sqltypes.DateTime(),
  time: () => new sqltypes.Time(),
  timedelta: () => new sqltypes.Interval(),
  Uint8Array: () => new sqltypes.LargeBinary(),
  bytes: () => new sqltypes.LargeBinary(),
};

export interface MappedAnnotation {
  /** The annotation without `Mapped<…>` and `| null`. */
  readonly inner: string;
  /** `T | null`: Python's `Optional[T]`. */
  readonly optional: boolean;
}

/** Splits `a | b | c` at its top level (not inside `<…>`, `(…)`, `[…]`, `{…}`). */
function unionParts(text: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if ("<([{".includes(ch)) depth++;
    else if (">)]}".includes(ch)) depth--;
    else if (ch === "|" && depth === 0) {
      parts.push(text.slice(start, i).trim());
      start = i + 1;
    }
  }
  parts.push(text.slice(start).trim());
  return parts.filter((p) => p !== "");
}

/** Reads an annotation's text: `Mapped<string | null>` → `{ inner: "string", optional: true }`. */
export function parse_annotation(text: string): MappedAnnotation {
  let t = text.trim();
  let optional = false;
  for (;;) {
    const wrapped = /^(?:Mapped|Optional)<(.*)>$/s.exec(t);
    if (wrapped) {
      if (t.startsWith("Optional")) optional = true;
      t = wrapped[1]!.trim();
      continue;
    }
    const parts = unionParts(t);
    const rest = parts.filter((p) => p !== "null" && p !== "undefined");
    if (rest.length !== parts.length) optional = true;
    const next = rest.join(" | ");
    if (next === t) break;
    t = next;
  }
  return { inner: t, optional };
}

/** The column type `type_annotation_map` picks for an annotation, or null when it has none. */
export function type_for_annotation(annotation: MappedAnnotation): sqltypes.TypeEngine | null {
  const make = Object.hasOwn(TYPE_ANNOTATION_MAP, annotation.inner)
    ? TYPE_ANNOTATION_MAP[annotation.inner]
    : undefined;
  return make ? make() : null;
}
