/**
 * TypeScript's diagnostics for one notebook cell, as the learner types (a language service over the
 * type data of `site/integrations/api-types.ts`: engine-wasm's declarations, the libraries, the
 * kernel's globals). Runs in the editor's diagnostics worker and in Node (the lessons' test).
 *
 * A cell sees what the cells before it declared, as the kernel's shared scope does: each cell is a
 * module of its own (`/cells/<n>.ts`), its text unchanged, followed by lines that export its
 * top-level names and bring in those of earlier cells that it does not declare itself (the latest
 * declaration of a name wins). A variable comes in as `declare var x: typeof import("./<n>.ts").x`
 * (a later cell may assign it, as the kernel lets it), a class, function, type or import binding as
 * an `import` (usable as a type and a value). Positions in the cell are the cell's own, so a
 * diagnostic needs no mapping back.
 *
 * A mapped class has a class-level attribute for each mapped attribute of its instances (`User.id`,
 * `User.addresses`), which its static type does not list: "property does not exist" on such a class
 * is dropped when its instances have that property (`User.nmae` is still reported).
 */
import type * as TS from "typescript";

export type TypeScript = typeof TS;

/** engine-wasm's declarations, the libraries and the globals, by absolute path. */
export interface TypeData {
  readonly files: Readonly<Record<string, string>>;
  /** `lib` compiler option: the library files (`lib.es2022.d.ts` …) under `/lib/`. */
  readonly lib: readonly string[];
  /** Module specifier → the declaration file it resolves to (`sqlalchemy` → `/engine/index.d.ts`). */
  readonly modules: Readonly<Record<string, string>>;
}

export interface CellDiagnostic {
  /** Offsets in the cell's code. */
  readonly from: number;
  readonly to: number;
  readonly message: string;
  readonly code: number;
  /** 1-based line of `from`. */
  readonly line: number;
}

/**
 * Codes never shown: what the kernel accepts although TypeScript would not, and what is learner-facing
 * noise rather than an error (see CONTRIBUTING, "The editor knows the API").
 */
export const HIDDEN_CODES: ReadonlySet<number> = new Set([
  1108, // a top-level `return`: the kernel ends the cell there and says so
  6133, // declared but never read
  6192, // all imports unused
  6196, // declared but never used
  6198, // all destructured elements unused
  7027, // unreachable code
  7028, // unused label
  80001, // "may be converted to an ES module" and other suggestions
]);

/** Compiler options of the check: lenient where a learner's script is not wrong, strict on the API. */
export function checkOptions(ts: TypeScript, data: TypeData): TS.CompilerOptions {
  return {
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.ESNext,
    moduleResolution: ts.ModuleResolutionKind.Bundler,
    allowImportingTsExtensions: true,
    noEmit: true,
    lib: [...data.lib],
    types: [],
    strict: false,
    strictNullChecks: false,
    noImplicitAny: false,
    useDefineForClassFields: false,
    allowUnreachableCode: true,
    allowUnusedLabels: true,
    skipLibCheck: true,
    noUnusedLocals: false,
    noUnusedParameters: false,
    isolatedModules: false,
    moduleDetection: ts.ModuleDetectionKind.Force,
  };
}

interface Declared {
  readonly name: string;
  /** A variable (`declare var` in later cells) or anything else (`import`). */
  readonly variable: boolean;
}

function bindingNames(ts: TypeScript, name: TS.BindingName, into: string[]): void {
  if (ts.isIdentifier(name)) into.push(name.text);
  else for (const el of name.elements) if (!ts.isOmittedExpression(el)) bindingNames(ts, el.name, into);
}

/** The top-level names a cell declares (variables, functions, classes, types, import bindings). */
export function topLevelNames(ts: TypeScript, code: string): Declared[] {
  const file = ts.createSourceFile("cell.ts", code, ts.ScriptTarget.ES2022, false, ts.ScriptKind.TS);
  const out: Declared[] = [];
  for (const stmt of file.statements) {
    if (ts.isVariableStatement(stmt)) {
      const names: string[] = [];
      for (const d of stmt.declarationList.declarations) bindingNames(ts, d.name, names);
      for (const name of names) out.push({ name, variable: true });
    } else if (
      (ts.isFunctionDeclaration(stmt) ||
        ts.isClassDeclaration(stmt) ||
        ts.isInterfaceDeclaration(stmt) ||
        ts.isTypeAliasDeclaration(stmt) ||
        ts.isEnumDeclaration(stmt)) &&
      stmt.name
    ) {
      out.push({ name: stmt.name.text, variable: false });
    } else if (ts.isImportDeclaration(stmt) && stmt.importClause) {
      const clause = stmt.importClause;
      if (clause.name) out.push({ name: clause.name.text, variable: false });
      const nb = clause.namedBindings;
      if (nb && ts.isNamespaceImport(nb)) out.push({ name: nb.name.text, variable: false });
      else if (nb) for (const el of nb.elements) out.push({ name: el.name.text, variable: false });
    }
  }
  return out;
}

/** The lines after a cell's code: its exports, and the names of earlier cells it does not declare. */
function tail(
  own: readonly Declared[],
  earlier: ReadonlyMap<string, { cell: number; variable: boolean }>,
): string {
  const mine = new Set(own.map((d) => d.name));
  const lines: string[] = [""];
  for (const [name, from] of earlier) {
    if (mine.has(name)) continue;
    const spec = JSON.stringify(`./${from.cell}.ts`);
    lines.push(
      from.variable
        ? `declare var ${name}: typeof import(${spec}).${name};`
        : `import { ${name} } from ${spec};`,
    );
  }
  lines.push(`export { ${[...mine].join(", ")} };`);
  return lines.join("\n");
}

/** A language service over the type data; `check()` re-checks only what changed. */
export class CellChecker {
  readonly #ts: TypeScript;
  readonly #cells = new Map<string, { text: string; version: number }>();
  readonly #service: TS.LanguageService;
  readonly #options: TS.CompilerOptions;
  /** Script versions only grow (a file dropped and added again is never taken for its old text). */
  #version = 0;

  constructor(ts: TypeScript, data: TypeData) {
    this.#ts = ts;
    this.#options = checkOptions(ts, data);
    const files = data.files;
    const snapshots = new Map<string, TS.IScriptSnapshot>();
    const host: TS.LanguageServiceHost = {
      getCompilationSettings: () => this.#options,
      getScriptFileNames: () => [...this.#cells.keys(), "/globals.d.ts"],
      getScriptVersion: (f) => String(this.#cells.get(f)?.version ?? 0),
      getScriptSnapshot: (f) => {
        const cell = this.#cells.get(f);
        if (cell) return ts.ScriptSnapshot.fromString(cell.text);
        const text = files[f];
        if (text === undefined) return undefined;
        let snap = snapshots.get(f);
        if (!snap) snapshots.set(f, (snap = ts.ScriptSnapshot.fromString(text)));
        return snap;
      },
      getCurrentDirectory: () => "/",
      getDefaultLibFileName: () => "/lib/lib.d.ts",
      fileExists: (f) => this.#cells.has(f) || f in files,
      readFile: (f) => this.#cells.get(f)?.text ?? files[f],
      directoryExists: (d) => d === "/" || Object.keys(files).some((f) => f.startsWith(`${d}/`)),
      getDirectories: () => [],
      resolveModuleNameLiterals: (literals, containingFile) =>
        literals.map((lit) => {
          const target = data.modules[lit.text];
          if (target) return { resolvedModule: { resolvedFileName: target, extension: ts.Extension.Dts } };
          return ts.resolveModuleName(lit.text, containingFile, this.#options, {
            fileExists: (f) => this.#cells.has(f) || f in files,
            readFile: (f) => this.#cells.get(f)?.text ?? files[f],
          });
        }),
    };
    this.#service = ts.createLanguageService(host, ts.createDocumentRegistry());
  }

  /** Diagnostics of `code`, a cell that sees the cells of `scope` (their code, in page order). */
  check(scope: readonly string[], code: string): CellDiagnostic[] {
    const ts = this.#ts;
    const earlier = new Map<string, { cell: number; variable: boolean }>();
    const names = scope.map((c) => topLevelNames(ts, c));
    const wanted = new Set<string>();
    scope.forEach((c, i) => {
      this.#set(`/cells/${i}.ts`, c + tail(names[i]!, new Map(earlier)));
      wanted.add(`/cells/${i}.ts`);
      for (const d of names[i]!) {
        earlier.delete(d.name); // keep insertion order = the latest declaration last
        earlier.set(d.name, { cell: i, variable: d.variable });
      }
    });
    const file = `/cells/${scope.length}.ts`;
    this.#set(file, code + tail(topLevelNames(ts, code), earlier));
    wanted.add(file);
    // A syntax error is reported on the cell's code alone (an unclosed brace would take in the added lines).
    this.#set("/cells/syntax.ts", code);
    wanted.add("/cells/syntax.ts");
    for (const f of [...this.#cells.keys()]) if (!wanted.has(f)) this.#cells.delete(f);

    const syntax = this.#service.getSyntacticDiagnostics("/cells/syntax.ts");
    const all = syntax.length ? syntax : this.#service.getSemanticDiagnostics(file);
    const starts = lineStarts(code);
    const out: CellDiagnostic[] = [];
    for (const d of all) {
      if (d.category !== ts.DiagnosticCategory.Error || HIDDEN_CODES.has(d.code)) continue;
      if ((d.code === 2339 || d.code === 2551) && this.#classLevelAttribute(file, d.start ?? 0)) continue;
      const from = d.start ?? 0;
      // A diagnostic in the lines the checker added (an earlier cell's name) is the checker's, not the learner's.
      if (from > code.length) continue;
      const to = Math.min(from + (d.length ?? 0), code.length);
      out.push({
        from,
        to,
        code: d.code,
        message: ts.flattenDiagnosticMessageText(d.messageText, "\n"),
        line: lineOf(starts, from),
      });
    }
    return out;
  }

  /** Is the name at `pos` (in `obj.name`) a mapped class's attribute that its instances have? */
  #classLevelAttribute(file: string, pos: number): boolean {
    const ts = this.#ts;
    const program = this.#service.getProgram();
    const source = program?.getSourceFile(file);
    if (!program || !source) return false;
    const find = (node: TS.Node): TS.Node | undefined =>
      node.getStart(source) === pos && ts.isIdentifier(node)
        ? node
        : ts.forEachChild(node, (child) => (child.pos <= pos && pos < child.end ? find(child) : undefined));
    const name = find(source);
    const access = name?.parent;
    if (!name || !access || !ts.isPropertyAccessExpression(access) || access.name !== name) return false;
    const checker = program.getTypeChecker();
    let symbol = checker.getSymbolAtLocation(access.expression);
    if (symbol && symbol.flags & ts.SymbolFlags.Alias) symbol = checker.getAliasedSymbol(symbol);
    if (!symbol || !(symbol.flags & ts.SymbolFlags.Class)) return false;
    const instance = checker.getDeclaredTypeOfSymbol(symbol);
    if (!checker.getPropertyOfType(instance, (name as TS.Identifier).text)) return false;
    const mapped = (t: TS.Type, depth: number): boolean =>
      depth < 16 &&
      (checker.getBaseTypes(t as TS.InterfaceType) ?? []).some(
        (b) => b.getSymbol()?.getName() === "DeclarativeBase" || mapped(b, depth + 1),
      );
    return instance.isClassOrInterface() && mapped(instance, 0);
  }

  #set(file: string, text: string): void {
    const cur = this.#cells.get(file);
    if (cur?.text === text) return;
    this.#cells.set(file, { text, version: ++this.#version });
  }
}

function lineStarts(text: string): number[] {
  const starts = [0];
  for (let i = 0; i < text.length; i++) if (text[i] === "\n") starts.push(i + 1);
  return starts;
}

function lineOf(starts: readonly number[], pos: number): number {
  let lo = 0;
  let hi = starts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (starts[mid]! <= pos) lo = mid;
    else hi = mid - 1;
  }
  return lo + 1;
}
