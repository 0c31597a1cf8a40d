/**
 * The editor's knowledge of the API, generated at build time from engine-wasm's own types (the
 * TypeScript checker over `engine-wasm/src`): the modules' exports, the members of the classes they
 * reach (methods and properties with their JSDoc's first sentence and, for methods, the class they
 * return), and the properties of options-object parameters (`create_engine(url, { pool_size })`).
 * Served as the virtual module `virtual:api-table`, which the editor imports on first focus (its own
 * chunk: nothing of it loads with the page).
 */
import { fileURLToPath } from "node:url";
import ts from "typescript";
import type { Plugin } from "vite";

export interface ApiEntry {
  readonly kind: "function" | "class" | "method" | "property" | "value" | "type";
  readonly doc?: string;
  /** The class a call (function, method) or `new` (class) returns, if the table has it. */
  readonly returns?: string;
  /** Options-object parameters: argument index → its properties. */
  readonly options?: Readonly<Record<number, Readonly<Record<string, { doc?: string; type: string }>>>>;
}

export interface ApiTable {
  readonly modules: Readonly<Record<string, Readonly<Record<string, ApiEntry>>>>;
  readonly classes: Readonly<Record<string, Readonly<Record<string, ApiEntry>>>>;
}

const MODULES: Readonly<Record<string, string>> = {
  sqlalchemy: "engine-wasm/src/index.ts",
  "sqlalchemy/orm": "engine-wasm/src/orm/index.ts",
  "sqlalchemy/ext/asyncio": "engine-wasm/src/ext/asyncio/index.ts",
  "sqlalchemy/exc": "engine-wasm/src/exc.ts",
};

const firstSentence = (text: string) => {
  const flat = text.replace(/\s+/g, " ").trim();
  // "i.e." and "e.g." do not end a sentence
  return (/^.*?(?<!\b(?:i\.e|e\.g))[.!?](?=\s|$)/.exec(flat)?.[0] ?? flat).slice(0, 240) || undefined;
};

export function buildApiTable(root: string): ApiTable {
  const files = Object.values(MODULES).map((f) => `${root}/${f}`);
  const program = ts.createProgram(files, {
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.ESNext,
    moduleResolution: ts.ModuleResolutionKind.Bundler,
    allowImportingTsExtensions: true,
    noEmit: true,
    strict: true,
    skipLibCheck: true,
  });
  const checker = program.getTypeChecker();
  const classes: Record<string, Record<string, ApiEntry>> = {};
  const queue: { name: string; type: ts.Type }[] = [];
  const doc = (s: ts.Symbol) => firstSentence(ts.displayPartsToString(s.getDocumentationComment(checker)));
  const className = (t: ts.Type): string | undefined => {
    const s = t.getSymbol() ?? t.aliasSymbol;
    if (!s || !(s.flags & (ts.SymbolFlags.Class | ts.SymbolFlags.Interface))) return undefined;
    const name = s.getName();
    if (/^(Promise|Array|Map|Set|Object|Function|String|Number|Boolean|Date|Iterable\w*)$/.test(name))
      return undefined;
    if (!(name in classes) && !queue.some((q) => q.name === name)) queue.push({ name, type: t });
    return name;
  };
  const unwrap = (t: ts.Type): ts.Type => {
    // Promise<Result> → Result (an awaited call completes as its result does).
    const s = t.getSymbol();
    if (s?.getName() === "Promise")
      return (checker.getTypeArguments(t as ts.TypeReference)[0] ?? t) as ts.Type;
    if (t.isUnion())
      return t.types.find((u) => !(u.flags & (ts.TypeFlags.Undefined | ts.TypeFlags.Null))) ?? t;
    return t;
  };
  const optionsOf = (sig: ts.Signature) => {
    const out: Record<number, Record<string, { doc?: string; type: string }>> = {};
    sig.getParameters().forEach((p, i) => {
      const decl = p.valueDeclaration;
      if (!decl) return;
      const t = unwrap(checker.getTypeOfSymbolAtLocation(p, decl));
      if (!(t.flags & (ts.TypeFlags.Object | ts.TypeFlags.Intersection)) || t.getCallSignatures().length)
        return;
      const props = t.getProperties();
      const s = t.getSymbol()?.getName();
      if (!props.length || (s && /^(Array|Map|Set|Date|URL)$/.test(s))) return;
      const entries: Record<string, { doc?: string; type: string }> = {};
      for (const prop of props) {
        const pt = prop.valueDeclaration
          ? checker.getTypeOfSymbolAtLocation(prop, prop.valueDeclaration)
          : undefined;
        entries[prop.getName()] = {
          ...(doc(prop) ? { doc: doc(prop) } : {}),
          type: pt ? checker.typeToString(pt).slice(0, 80) : "unknown",
        };
      }
      if (Object.keys(entries).length && !classes[s ?? ""]) out[i] = entries;
    });
    return Object.keys(out).length ? out : undefined;
  };
  const callable = (sigs: readonly ts.Signature[]) => {
    const sig = sigs[0];
    if (!sig) return {};
    const returns = className(unwrap(sig.getReturnType()));
    const options = optionsOf(sig);
    return { ...(returns ? { returns } : {}), ...(options ? { options } : {}) };
  };

  const modules: Record<string, Record<string, ApiEntry>> = {};
  for (const [spec, file] of Object.entries(MODULES)) {
    const source = program.getSourceFile(`${root}/${file}`);
    const moduleSymbol = source && checker.getSymbolAtLocation(source);
    if (!moduleSymbol) continue;
    const entries: Record<string, ApiEntry> = {};
    for (const exp of checker.getExportsOfModule(moduleSymbol)) {
      const name = exp.getName();
      if (name.startsWith("_")) continue;
      const s = exp.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(exp) : exp;
      const d = doc(s);
      const base = d ? { doc: d } : {};
      if (s.flags & ts.SymbolFlags.Class) {
        const t = checker.getDeclaredTypeOfSymbol(s);
        className(t);
        const ctor = checker.getTypeOfSymbol(s).getConstructSignatures();
        const options = ctor[0] ? optionsOf(ctor[0]) : undefined;
        entries[name] = { kind: "class", ...base, returns: s.getName(), ...(options ? { options } : {}) };
      } else if (s.flags & ts.SymbolFlags.Function) {
        entries[name] = {
          kind: "function",
          ...base,
          ...callable(checker.getTypeOfSymbol(s).getCallSignatures()),
        };
      } else if (s.flags & ts.SymbolFlags.Value) {
        const t = checker.getTypeOfSymbol(s);
        entries[name] = t.getCallSignatures().length
          ? { kind: "function", ...base, ...callable(t.getCallSignatures()) }
          : { kind: "value", ...base };
      } else entries[name] = { kind: "type", ...base };
    }
    modules[spec] = entries;
  }
  // Exported classes always; the classes only reached through them up to a bound (the table's size).
  const exportedClasses = new Set(
    Object.values(modules).flatMap((m) =>
      Object.entries(m)
        .filter(([, e]) => e.kind === "class")
        .map(([n]) => n),
    ),
  );
  while (queue.length) {
    const { name, type } = queue.shift()!;
    if (Object.keys(classes).length >= 80 && !exportedClasses.has(name)) continue;
    const members: Record<string, ApiEntry> = {};
    classes[name] = members;
    for (const prop of checker.getPropertiesOfType(type)) {
      const pname = prop.getName();
      if (pname.startsWith("_") || pname.startsWith("#") || pname.startsWith("__")) continue;
      const decl = prop.valueDeclaration ?? prop.declarations?.[0];
      if (
        decl &&
        ts.getCombinedModifierFlags(decl as ts.Declaration) &
          (ts.ModifierFlags.Private | ts.ModifierFlags.Protected)
      )
        continue;
      const t = decl ? checker.getTypeOfSymbolAtLocation(prop, decl) : undefined;
      const d = doc(prop);
      const base = d ? { doc: d } : {};
      const sigs = t?.getCallSignatures() ?? [];
      if (prop.flags & ts.SymbolFlags.Method || sigs.length)
        members[pname] = { kind: "method", ...base, ...callable(sigs) };
      else {
        const returns = t ? className(unwrap(t)) : undefined;
        members[pname] = { kind: "property", ...base, ...(returns ? { returns } : {}) };
      }
    }
  }
  return { modules, classes };
}

/** The Vite plugin serving `virtual:api-table`. */
export function apiTable(): Plugin {
  const id = "virtual:api-table";
  const resolved = `\0${id}`;
  const root = fileURLToPath(new URL("../../", import.meta.url)).replace(/\/$/, "");
  let cached: string | null = null;
  return {
    name: "learn-api-table",
    resolveId: (source) => (source === id ? resolved : null),
    load(loadId) {
      if (loadId !== resolved) return null;
      cached ??= `export default ${JSON.stringify(buildApiTable(root))};`;
      return cached;
    },
  };
}
