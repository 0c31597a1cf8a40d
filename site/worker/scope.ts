/**
 * The cells' shared scope, as in a Jupyter kernel: a cell's top-level bindings are visible to the
 * cells after it.
 *
 * Each cell runs as an async function. Its own top-level declarations stay ordinary local bindings;
 * the function's first line registers a live accessor for each one here (a later cell reads the
 * current value, as an ES module's importers do). Names the cell uses from earlier cells become
 * locals initialised from here; those it assigns are written back when it ends.
 */
import type { CompiledCell } from "./protocol.ts";

export type BindingKind = "const" | "let" | "var";

interface Binding {
  readonly kind: BindingKind;
  readonly cellId: string;
  readonly get: () => unknown;
  readonly set?: (value: unknown) => void;
}

/** What every cell sees without an import (`print`, `pprint`, `show_error`, `settings`, `console`). */
export type Globals = Readonly<Record<string, unknown>>;

export class CellScope {
  readonly #bindings = new Map<string, Binding>();

  has(name: string): boolean {
    return this.#bindings.has(name);
  }

  names(): string[] {
    return [...this.#bindings.keys()];
  }

  kind(name: string): BindingKind | undefined {
    return this.#bindings.get(name)?.kind;
  }

  cellOf(name: string): string | undefined {
    return this.#bindings.get(name)?.cellId;
  }

  /** The current value; `undefined` for a binding whose declaration never ran (its cell failed first). */
  get(name: string): unknown {
    const b = this.#bindings.get(name);
    if (!b) return undefined;
    try {
      return b.get();
    } catch (e) {
      if (e instanceof ReferenceError) return undefined;
      throw e;
    }
  }

  set(name: string, value: unknown): void {
    const b = this.#bindings.get(name);
    if (!b?.set) throw new TypeError(`Assignment to constant variable '${name}'.`);
    b.set(value);
  }

  define(
    name: string,
    kind: BindingKind,
    cellId: string,
    get: () => unknown,
    set?: (v: unknown) => void,
  ): void {
    this.#bindings.set(name, { kind, cellId, get, set });
  }

  /** Every binding with its current value (for the inspector: which variable holds an engine). */
  *entries(): IterableIterator<[string, unknown]> {
    for (const name of this.#bindings.keys()) yield [name, this.get(name)];
  }

  clear(): void {
    this.#bindings.clear();
  }
}

const IDENT = /^[A-Za-z_$][\w$]*$/;

/**
 * The source of the async function that runs a compiled cell: one line of prologue (bindings from
 * earlier cells, globals, live accessors for the cell's own declarations), then the cell's JavaScript
 * line for line, so that a stack frame at line L is line L - 2 of `cell.js`.
 */
export function cellFunctionSource(
  cell: CompiledCell,
  scope: CellScope,
  globals: Globals,
  sourceUrl: string,
): string {
  const own = new Set(cell.declared.map((d) => d.name));
  const prologue: string[] = ['"use strict";'];
  for (const name of cell.mentioned) {
    if (own.has(name) || !IDENT.test(name)) continue;
    const q = JSON.stringify(name);
    if (scope.has(name)) {
      const writable = cell.assigned.includes(name) && scope.kind(name) !== "const";
      prologue.push(`${writable ? "let" : "const"} ${name} = __k.get(${q});`);
      if (writable) prologue.push(`__k.writeback(() => __k.set(${q}, ${name}));`);
    } else if (Object.hasOwn(globals, name)) {
      prologue.push(`const ${name} = __k.globals[${q}];`);
    }
  }
  for (const { name, kind } of cell.declared) {
    const q = JSON.stringify(name);
    const setter = kind === "const" ? "" : `, (v) => { ${name} = v; }`;
    prologue.push(`__k.define(${q}, ${JSON.stringify(kind)}, () => ${name}${setter});`);
  }
  return `(async function (__k) { ${prologue.join(" ")}\n${cell.js}\n__k.finished();\n})\n//# sourceURL=${sourceUrl}`;
}

/** Lines the wrapper adds before the cell's JavaScript. */
export const PROLOGUE_LINES = 1;
