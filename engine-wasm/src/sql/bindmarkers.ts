/**
 * Bind parameters in a compiled statement's template: SQLCompiler writes each bind as a marker
 * (`\uE000B<name>\uE000`, `\uE000E<name>\uE000` for an expanding one) and renders the markers in the
 * driver's paramstyle once the statement is complete — for the cached `string`, per execution for
 * an expanding IN, per batch for insertmanyvalues. Rendering reads the template and returns new
 * values; it never changes the compiled statement.
 */
import type { Paramstyle } from "../engine/interfaces.ts";

export const MARK = "\uE000";
/** The place of an insertmanyvalues row's counter (PostgreSQL's `imp_sen` sentinel form). */
export const COUNTER_MARK = `${MARK}C${MARK}`;
/** A row's text split at its markers: text, bind name, text, … (odd entries are names). */
export const BIND_MARKER_SPLIT = /\uE000B([^\uE000]*)\uE000/;
const ANY_MARKER = /\uE000([BE])([^\uE000]*)\uE000/g;

export function bindMarker(name: string, expanding = false): string {
  return expanding ? `${MARK}E${name}${MARK}` : `${MARK}B${name}${MARK}`;
}

export interface RenderedBinds {
  readonly string: string;
  readonly positiontup: string[] | null;
}

/**
 * Turns markers into placeholders: `:name` (named), `%(name)s` (pyformat), `?` / `%s` (qmark /
 * format), `$n` / `:n` (numbered, one number per name). `castOf` gives a bind's `::TYPE`;
 * `expand` gives the names an expanding bind takes for this execution (absent: `__[POSTCOMPILE_x]`).
 */
export function renderBindMarkers(
  style: Paramstyle,
  positional: boolean,
  template: string,
  castOf: (name: string) => string | null,
  expand?: (name: string) => string[],
  emptySet?: (name: string) => string,
): RenderedBinds {
  const numbered = style === "numeric" || style === "numeric_dollar";
  const names: string[] = [];
  const numberOf = new Map<string, number>();
  const one = (name: string, cast: string | null): string => {
    let p: string;
    if (numbered) {
      let n = numberOf.get(name);
      if (n === undefined) {
        names.push(name);
        n = names.length;
        numberOf.set(name, n);
      }
      p = style === "numeric" ? `:${n}` : `$${n}`;
    } else if (positional) {
      names.push(name);
      p = style === "format" ? "%s" : "?";
    } else if (style === "pyformat") p = `%(${name})s`;
    else p = `:${name}`;
    return cast ? `${p}::${cast}` : p;
  };
  const out = template.replace(ANY_MARKER, (_m, kind: string, name: string) => {
    const cast = castOf(name);
    if (kind === "E") {
      if (!expand) return `(__[POSTCOMPILE_${name}])`;
      const names = expand(name);
      if (names.length === 0 && emptySet) return `(${emptySet(name)})`;
      return `(${names.map((n) => one(n, cast)).join(", ")})`;
    }
    return one(name, cast);
  });
  return { string: out, positiontup: positional ? names : null };
}
