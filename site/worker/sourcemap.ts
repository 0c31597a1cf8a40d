/**
 * Reading a source map's `mappings` (v3, base64 VLQ): a generated position → the original one.
 * Just enough for one cell: a single source, no names.
 */

const B64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
const DIGIT = new Map([...B64].map((c, i) => [c, i]));

/** One segment: generated column → original line and column (all 0-based). */
export interface Segment {
  readonly generatedColumn: number;
  readonly line: number;
  readonly column: number;
}

/** Decode `mappings` into segments per generated line. */
export function decodeMappings(mappings: string): Segment[][] {
  const lines: Segment[][] = [];
  let srcLine = 0;
  let srcCol = 0;
  for (const lineText of mappings.split(";")) {
    const segments: Segment[] = [];
    let genCol = 0;
    for (const seg of lineText.split(",")) {
      if (!seg) continue;
      const v = decodeVlq(seg);
      genCol += v[0]!;
      if (v.length >= 4) {
        srcLine += v[2]!;
        srcCol += v[3]!;
        segments.push({ generatedColumn: genCol, line: srcLine, column: srcCol });
      }
    }
    lines.push(segments);
  }
  return lines;
}

function decodeVlq(text: string): number[] {
  const out: number[] = [];
  let value = 0;
  let shift = 0;
  for (const ch of text) {
    const digit = DIGIT.get(ch);
    if (digit === undefined) throw new Error(`invalid source map character ${JSON.stringify(ch)}`);
    value += (digit & 31) << shift;
    if (digit & 32) {
      shift += 5;
      continue;
    }
    out.push(value & 1 ? -(value >>> 1) : value >>> 1);
    value = 0;
    shift = 0;
  }
  return out;
}

/**
 * The original position of a generated one (0-based): the last segment at or before the column on
 * that line; if the line has none before it, its first segment; `null` for a line with no mapping.
 */
export function originalPosition(
  lines: readonly Segment[][],
  line: number,
  column: number,
): { line: number; column: number } | null {
  const segments = lines[line];
  if (!segments?.length) return null;
  let best = segments[0]!;
  for (const s of segments) {
    if (s.generatedColumn > column) break;
    best = s;
  }
  return { line: best.line, column: best.column };
}
