/**
 * Just enough of a Python literal reader to compare two dict reprs as mappings: psycopg2's
 * insertmanyvalues parameter dict (`{'fullname__0': 'Sandy', 'name__0': 'sandy'}`) lists its keys in
 * Python set order, which says nothing about behaviour (transcripts/README.md).
 */

/** Splits `s` at top-level occurrences of `sep`, skipping quoted strings and brackets. */
export function splitTopLevel(s: string, sep: string): string[] | null {
  const parts: string[] = [];
  let depth = 0;
  let quote: string | null = null;
  let start = 0;
  for (let i = 0; i < s.length; i++) {
    const ch = s[i];
    if (quote) {
      if (ch === "\\") i++;
      else if (ch === quote) quote = null;
      continue;
    }
    if (ch === "'" || ch === '"') quote = ch;
    else if (ch === "(" || ch === "[" || ch === "{") depth++;
    else if (ch === ")" || ch === "]" || ch === "}") {
      depth--;
      if (depth < 0) return null;
    } else if (depth === 0 && s.startsWith(sep, i)) {
      parts.push(s.slice(start, i));
      start = i + sep.length;
      i += sep.length - 1;
    }
  }
  if (quote || depth !== 0) return null;
  parts.push(s.slice(start));
  return parts;
}

/**
 * Reads a dict repr into key repr → value repr, or null when `s` is not one dict literal (or has a
 * duplicate key, which a repr never has).
 */
export function parseDictRepr(s: string): Map<string, string> | null {
  const text = s.trim();
  if (!text.startsWith("{") || !text.endsWith("}")) return null;
  const body = text.slice(1, -1).trim();
  const result = new Map<string, string>();
  if (body === "") return result;
  const items = splitTopLevel(body, ", ");
  if (!items) return null;
  for (const item of items) {
    const pair = splitTopLevel(item, ": ");
    if (!pair || pair.length < 2) return null;
    const key = pair[0].trim();
    if (result.has(key)) return null;
    result.set(key, pair.slice(1).join(": ").trim());
  }
  return result;
}

export function sameMapping(a: Map<string, string>, b: Map<string, string>): boolean {
  if (a.size !== b.size) return false;
  for (const [k, v] of a) if (b.get(k) !== v) return false;
  return true;
}
