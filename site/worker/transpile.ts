/**
 * Cell TypeScript → kernel JavaScript, with TypeScript 6's `transpileModule` and the project's fixed
 * settings (ES2022, ESNext modules, `useDefineForClassFields: false`, standard decorators and
 * `using` downleveled). Used in the worker (TypeScript loaded lazily on the first edit) and at build
 * time from Node for starter code: the result is plain data (`CompiledCell`).
 *
 * What the kernel needs besides the JavaScript:
 * - `import … from "sqlalchemy"` becomes `const {…} = __k.import("sqlalchemy", [...])` (the kernel
 *   provides engine-wasm; an unknown module raises Python's ModuleNotFoundError);
 * - the last top-level expression is wrapped in `__k.out(…)` so its value can be shown, as Jupyter does;
 * - the top-level bindings (shared with later cells), the names the cell mentions and assigns;
 * - the source map, to report errors at line:column of the learner's TypeScript;
 * - each class's annotations and its `__init_subclass__` hook (class_annotations.ts), so that a mapped
 *   class reads its column types from `accessor name!: string | null` and fails at creation as in Python.
 */
import type * as TS from "typescript";
import { classAnnotations } from "./class_annotations.ts";
import type { CompiledCell } from "./protocol.ts";

export type TypeScript = typeof TS;

export interface CompileDiagnostic {
  readonly message: string;
  /** 1-based, in the learner's TypeScript. */
  readonly line: number;
  readonly column: number;
}

export type CompileResult =
  | { readonly ok: true; readonly cell: CompiledCell }
  | { readonly ok: false; readonly diagnostics: readonly CompileDiagnostic[] };

const OUT_PREFIX = "__k.out(";

let loading: Promise<TypeScript> | null = null;

/** TypeScript, loaded once (a separate chunk in the browser: several MB, so only when needed). */
export function loadTypeScript(): Promise<TypeScript> {
  loading ??= import("typescript").then((m) => ((m as { default?: TypeScript }).default ?? m) as TypeScript);
  loading.catch(() => {
    loading = null;
  });
  return loading;
}

/** The project's fixed transpile settings. */
export function transpileOptions(ts: TypeScript): TS.CompilerOptions {
  return {
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.ESNext,
    useDefineForClassFields: false,
    experimentalDecorators: false,
    sourceMap: true,
  };
}

interface Edit {
  readonly start: number;
  readonly end: number;
  readonly text: string;
}

function applyEdits(text: string, edits: Edit[]): string {
  let out = text;
  for (const e of [...edits].sort((a, b) => b.start - a.start))
    out = out.slice(0, e.start) + e.text + out.slice(e.end);
  return out;
}

/** Top-level names a TypeScript statement declares. */
function declaredNames(ts: TypeScript, stmt: TS.Statement, into: Set<string>): void {
  if (ts.isVariableStatement(stmt)) {
    for (const d of stmt.declarationList.declarations) bindingNames(ts, d.name, into);
  } else if (
    (ts.isFunctionDeclaration(stmt) ||
      ts.isClassDeclaration(stmt) ||
      ts.isEnumDeclaration(stmt) ||
      ts.isModuleDeclaration(stmt)) &&
    stmt.name &&
    ts.isIdentifier(stmt.name)
  ) {
    into.add(stmt.name.text);
  }
}

function bindingNames(ts: TypeScript, name: TS.BindingName, into: Set<string>): void {
  if (ts.isIdentifier(name)) into.add(name.text);
  else for (const el of name.elements) if (!ts.isOmittedExpression(el)) bindingNames(ts, el.name, into);
}

/** Identifiers that are assigned in an assignment target (`x = …`, `[x, y] = …`, `({ x } = …)`). */
function targetNames(ts: TypeScript, target: TS.Expression, into: Set<string>): void {
  if (ts.isIdentifier(target)) into.add(target.text);
  else if (ts.isParenthesizedExpression(target)) targetNames(ts, target.expression, into);
  else if (ts.isArrayLiteralExpression(target)) {
    for (const el of target.elements) targetNames(ts, ts.isSpreadElement(el) ? el.expression : el, into);
  } else if (ts.isObjectLiteralExpression(target)) {
    for (const p of target.properties) {
      if (ts.isShorthandPropertyAssignment(p)) into.add(p.name.text);
      else if (ts.isPropertyAssignment(p)) targetNames(ts, p.initializer, into);
      else if (ts.isSpreadAssignment(p)) targetNames(ts, p.expression, into);
    }
  } else if (ts.isBinaryExpression(target) && target.operatorToken.kind === ts.SyntaxKind.EqualsToken) {
    targetNames(ts, target.left, into);
  }
}

function isAssignmentOperator(ts: TypeScript, kind: TS.SyntaxKind): boolean {
  return kind >= ts.SyntaxKind.FirstAssignment && kind <= ts.SyntaxKind.LastAssignment;
}

/** The value names a TypeScript import declaration binds (not `import type`, not `type X` specifiers). */
function importedValues(
  ts: TypeScript,
  node: TS.ImportDeclaration,
): { spec: string; name: string; local: string }[] {
  const spec = (node.moduleSpecifier as TS.StringLiteral).text;
  const clause = node.importClause;
  if (!clause || clause.isTypeOnly) return [];
  const out: { spec: string; name: string; local: string }[] = [];
  if (clause.name) out.push({ spec, name: "default", local: clause.name.text });
  const nb = clause.namedBindings;
  if (nb && ts.isNamespaceImport(nb)) out.push({ spec, name: "*", local: nb.name.text });
  else if (nb) {
    for (const el of nb.elements) {
      if (!el.isTypeOnly) out.push({ spec, name: (el.propertyName ?? el.name).text, local: el.name.text });
    }
  }
  return out;
}

function rewriteImport(ts: TypeScript, node: TS.ImportDeclaration): { text: string; spec: string } {
  const spec = (node.moduleSpecifier as TS.StringLiteral).text;
  const call = (names?: string[]) =>
    `__k.import(${JSON.stringify(spec)}${names ? `, ${JSON.stringify(names)}` : ""})`;
  const clause = node.importClause;
  if (!clause) return { text: `${call()};`, spec };
  const parts: string[] = [];
  if (clause.name) parts.push(`const ${clause.name.text} = ${call(["default"])}.default;`);
  const nb = clause.namedBindings;
  if (nb && ts.isNamespaceImport(nb)) parts.push(`const ${nb.name.text} = ${call()};`);
  else if (nb && ts.isNamedImports(nb)) {
    const names = nb.elements.map((el) => (el.propertyName ?? el.name).text);
    const bindings = nb.elements.map((el) =>
      el.propertyName ? `${JSON.stringify(el.propertyName.text)}: ${el.name.text}` : el.name.text,
    );
    parts.push(`const { ${bindings.join(", ")} } = ${call(names)};`);
  }
  return { text: parts.join(" ") || `${call()};`, spec };
}

/** Compile one cell. Syntax errors come back as diagnostics at the learner's line:column. */
export function compileCell(ts: TypeScript, source: string): CompileResult {
  const tsFile = ts.createSourceFile("cell.ts", source, ts.ScriptTarget.ES2022, true, ts.ScriptKind.TS);

  // The last top-level expression statement's value is what the cell shows.
  const shifts: { line: number; column: number; length: number }[] = [];
  const tsEdits: Edit[] = [];
  const last = tsFile.statements.at(-1);
  if (last && ts.isExpressionStatement(last)) {
    const expr = last.expression;
    const start = expr.getStart(tsFile);
    const pos = tsFile.getLineAndCharacterOfPosition(start);
    shifts.push({ line: pos.line, column: pos.character, length: OUT_PREFIX.length });
    tsEdits.push({ start, end: start, text: OUT_PREFIX }, { start: expr.end, end: expr.end, text: ")" });
  }
  const tsDeclared = new Set<string>();
  const tsImports: { spec: string; name: string; local: string }[] = [];
  for (const stmt of tsFile.statements) {
    declaredNames(ts, stmt, tsDeclared);
    if (ts.isImportDeclaration(stmt)) tsImports.push(...importedValues(ts, stmt));
  }

  const edited = applyEdits(source, tsEdits);
  const out = ts.transpileModule(edited, {
    compilerOptions: transpileOptions(ts),
    fileName: "cell.ts",
    reportDiagnostics: true,
    transformers: { before: [classAnnotations(ts)] },
  });
  const errors = (out.diagnostics ?? []).filter((d) => d.category === ts.DiagnosticCategory.Error);
  if (errors.length) {
    const editedFile = ts.createSourceFile(
      "cell.ts",
      edited,
      ts.ScriptTarget.ES2022,
      false,
      ts.ScriptKind.TS,
    );
    return {
      ok: false,
      diagnostics: errors.map((d) => {
        const p = editedFile.getLineAndCharacterOfPosition(d.start ?? 0);
        const orig = unshift(shifts, p.line, p.character);
        return {
          message: ts.flattenDiagnosticMessageText(d.messageText, "\n"),
          line: orig.line + 1,
          column: orig.column + 1,
        };
      }),
    };
  }

  const jsText = out.outputText.replace(/\n\/\/# sourceMappingURL=.*\s*$/, "\n");
  const jsFile = ts.createSourceFile("cell.js", jsText, ts.ScriptTarget.ES2022, true, ts.ScriptKind.JS);
  const jsEdits: Edit[] = [];
  const importLines: number[] = [];
  const imports: string[] = [];
  const declared = new Map<string, "const" | "let" | "var">();
  const jsDeclared = new Set<string>();

  for (const stmt of jsFile.statements) {
    if (ts.isImportDeclaration(stmt)) {
      const { text, spec } = rewriteImport(ts, stmt);
      jsEdits.push({ start: stmt.getStart(jsFile), end: stmt.end, text });
      importLines.push(jsFile.getLineAndCharacterOfPosition(stmt.getStart(jsFile)).line);
      if (!imports.includes(spec)) imports.push(spec);
      const clause = stmt.importClause;
      if (clause?.name) declared.set(clause.name.text, "const");
      const nb = clause?.namedBindings;
      if (nb && ts.isNamespaceImport(nb)) declared.set(nb.name.text, "const");
      else if (nb) for (const el of nb.elements) declared.set(el.name.text, "const");
      continue;
    }
    if (ts.isExportDeclaration(stmt) || ts.isExportAssignment(stmt)) {
      jsEdits.push({ start: stmt.getStart(jsFile), end: stmt.end, text: "" });
      continue;
    }
    const mods = ts.canHaveModifiers(stmt) ? ts.getModifiers(stmt) : undefined;
    const exp = mods?.find((m) => m.kind === ts.SyntaxKind.ExportKeyword);
    if (exp)
      jsEdits.push({
        start: exp.getStart(jsFile),
        end: exp.end,
        text: " ".repeat(exp.end - exp.getStart(jsFile)),
      });
    if (ts.isVariableStatement(stmt)) {
      const flags = stmt.declarationList.flags;
      const kind = flags & ts.NodeFlags.Const ? "const" : flags & ts.NodeFlags.Let ? "let" : "var";
      const names = new Set<string>();
      for (const d of stmt.declarationList.declarations) bindingNames(ts, d.name, names);
      for (const n of names) {
        jsDeclared.add(n);
        if (tsDeclared.has(n)) declared.set(n, kind);
      }
    } else if ((ts.isFunctionDeclaration(stmt) || ts.isClassDeclaration(stmt)) && stmt.name) {
      jsDeclared.add(stmt.name.text);
      if (tsDeclared.has(stmt.name.text)) declared.set(stmt.name.text, "let");
    }
  }

  const mentioned = new Set<string>();
  const assigned = new Set<string>();
  const visit = (node: TS.Node): void => {
    if (ts.isIdentifier(node)) mentioned.add(node.text);
    else if (ts.isBinaryExpression(node) && isAssignmentOperator(ts, node.operatorToken.kind)) {
      targetNames(ts, node.left, assigned);
    } else if (
      (ts.isPrefixUnaryExpression(node) || ts.isPostfixUnaryExpression(node)) &&
      (node.operator === ts.SyntaxKind.PlusPlusToken || node.operator === ts.SyntaxKind.MinusMinusToken) &&
      ts.isIdentifier(node.operand)
    ) {
      assigned.add(node.operand.text);
    } else if (ts.isCallExpression(node) && node.expression.kind === ts.SyntaxKind.ImportKeyword) {
      jsEdits.push({
        start: node.expression.getStart(jsFile),
        end: node.expression.end,
        text: "__k.dynamicImport",
      });
    }
    ts.forEachChild(node, visit);
  };
  visit(jsFile);
  for (const n of [...declared.keys(), ...jsDeclared]) {
    mentioned.delete(n);
    assigned.delete(n);
  }

  const lazyImports = tsImports.filter((i) => !declared.has(i.local));
  for (const { spec } of lazyImports) if (!imports.includes(spec)) imports.push(spec);

  const sourceMap = JSON.parse(out.sourceMapText ?? '{"mappings":""}') as { mappings: string };
  return {
    ok: true,
    cell: {
      source,
      js: applyEdits(jsText, jsEdits),
      mappings: sourceMap.mappings,
      shifts,
      declared: [...declared].map(([name, kind]) => ({ name, kind })),
      mentioned: [...mentioned].filter((n) => !n.startsWith("__")),
      assigned: [...assigned],
      importLines,
      imports,
      lazyImports,
    },
  };
}

/** A position in the edited TypeScript → the learner's (0-based). */
export function unshift(
  shifts: CompiledCell["shifts"],
  line: number,
  column: number,
): { line: number; column: number } {
  for (const s of shifts) {
    if (s.line !== line || column < s.column) continue;
    column = column < s.column + s.length ? s.column : column - s.length;
  }
  return { line, column };
}
