/**
 * The editor knows the API: completion and hover documentation for engine-wasm's exports, the
 * members of the objects cells hold (`session.` → `expire_all`…) and the options objects of calls
 * (`create_engine(url, { | })` → `pool_size`…), from the table generated at build time from
 * engine-wasm's own types (`site/integrations/api-table.ts`). The table is its own chunk, imported
 * the first time an editor takes focus.
 *
 * A name's class is read from how the cells of the page declare it: `const x = new Session(engine)`,
 * `const engine = create_engine(…)`, `using conn = engine.connect()` — each step looked up in the
 * table (the class a function, constructor or method returns).
 */
import {
  autocompletion,
  type Completion,
  type CompletionContext,
  type CompletionResult,
} from "@codemirror/autocomplete";
import { type Extension, StateEffect } from "@codemirror/state";
import { type EditorView, hoverTooltip } from "@codemirror/view";
import type { ApiEntry, ApiTable } from "../integrations/api-table.ts";

let table: ApiTable | null = null;
let loading: Promise<ApiTable> | null = null;

/** Load the type data (once per page). Resolves with it; `performance` marks its load. */
export function loadApiTable(): Promise<ApiTable> {
  loading ??= (async () => {
    performance.mark?.("nb:api-table:start");
    const mod = (await import("virtual:api-table")) as { default: ApiTable };
    table = mod.default;
    performance.mark?.("nb:api-table:end");
    performance.measure?.("nb:api-table", "nb:api-table:start", "nb:api-table:end");
    return table;
  })();
  return loading;
}

/** Every cell's code on the page (declarations in earlier cells name the types). */
function pageCode(view: EditorView): string {
  const parts: string[] = [];
  for (const cell of document.querySelectorAll<HTMLElement>("notebook-cell")) {
    const editor = cell.querySelector(".cm-content");
    if (editor && editor === view.contentDOM) continue;
    parts.push(
      editor
        ? [...editor.querySelectorAll(".cm-line")].map((l) => l.textContent).join("\n")
        : (cell.querySelector("[data-nb-code] pre")?.textContent ?? ""),
    );
  }
  parts.push(view.state.doc.toString());
  return parts.join("\n");
}

function exported(t: ApiTable, name: string): ApiEntry | undefined {
  for (const m of Object.values(t.modules)) if (m[name]) return m[name];
  return undefined;
}

/** Split `a.b(x, y).c` into steps `a`, `b()`, `c` (calls' arguments dropped). */
function steps(expr: string): { name: string; call: boolean }[] | null {
  const out: { name: string; call: boolean }[] = [];
  let i = 0;
  const s = expr.trim();
  while (i < s.length) {
    const m = /^[A-Za-z_$][\w$]*/.exec(s.slice(i));
    if (!m) return null;
    i += m[0].length;
    let call = false;
    if (s[i] === "(") {
      let depth = 0;
      for (; i < s.length; i++) {
        if (s[i] === "(") depth++;
        else if (s[i] === ")" && --depth === 0) break;
      }
      i++;
      call = true;
    }
    out.push({ name: m[0], call });
    if (i >= s.length) break;
    if (s[i] !== ".") return null;
    i++;
  }
  return out;
}

/** The class an expression evaluates to, or undefined. */
function classOf(t: ApiTable, code: string, expr: string, depth = 0): string | undefined {
  if (depth > 8) return undefined;
  const isNew = /^\s*(?:await\s+)?new\s+/.test(expr);
  const list = steps(expr.replace(/^\s*(?:await\s+)?(?:new\s+)?/, ""));
  if (!list?.length) return undefined;
  const [head, ...rest] = list;
  let cls: string | undefined;
  const entry = exported(t, head!.name);
  if (entry && (head!.call || isNew)) cls = entry.returns;
  else if (entry?.kind === "class" && !head!.call) cls = undefined;
  else cls = variableClass(t, code, head!.name, depth);
  for (const step of rest) {
    if (!cls) return undefined;
    cls = t.classes[cls]?.[step.name]?.returns;
  }
  return cls;
}

function variableClass(t: ApiTable, code: string, name: string, depth: number): string | undefined {
  const esc = name.replace(/\$/g, "\\$");
  const decl = new RegExp(
    `(?:const|let|var|using)\\s+${esc}\\s*(?::\\s*([A-Za-z_$][\\w$]*))?\\s*=\\s*([^;\\n]+)`,
    "g",
  );
  let found: string | undefined;
  for (const m of code.matchAll(decl)) {
    if (m[1] && t.classes[m[1]]) found = m[1];
    else found = classOf(t, code, m[2]!, depth + 1) ?? found;
  }
  if (found) return found;
  // `engine.begin((conn) => …)`, `engine.connect()` in a `using` … : a conventional name.
  const conventional: Record<string, string> = {
    conn: "Connection",
    session: "Session",
    engine: "Engine",
    result: "Result",
  };
  const c = conventional[name];
  return c && t.classes[c] ? c : undefined;
}

const info = (e: ApiEntry) => e.doc;

function memberOptions(t: ApiTable, cls: string): Completion[] {
  return Object.entries(t.classes[cls] ?? {}).map(([label, e]) => ({
    label,
    type: e.kind === "method" ? "method" : "property",
    detail: e.returns ? `→ ${e.returns}` : undefined,
    info: info(e),
  }));
}

/** The call whose options object the cursor is in: its callee expression and argument index. */
function enclosingOptions(before: string): { callee: string; index: number; written: Set<string> } | null {
  let depth = 0;
  for (let i = before.length - 1; i >= 0; i--) {
    const ch = before[i];
    if (ch === "}" || ch === ")" || ch === "]") depth++;
    else if (ch === "[" || ch === "(") {
      if (depth-- === 0) return null;
    } else if (ch === "{") {
      if (depth > 0) {
        depth--;
        continue;
      }
      // The object starts at i: what precedes it must be `callee(arg, arg, `.
      let d = 0;
      let index = 0;
      for (let j = i - 1; j >= 0; j--) {
        const c = before[j];
        if (c === ")" || c === "}" || c === "]") d++;
        else if (c === "{" || c === "[") d--;
        else if (c === "(") {
          if (d-- > 0) continue;
          const m = /((?:new\s+)?[A-Za-z_$][\w$.]*(?:\([^()]*\))?(?:\.[A-Za-z_$][\w$]*)*)\s*$/.exec(
            before.slice(0, j),
          );
          if (!m) return null;
          const written = new Set([...before.slice(i).matchAll(/([A-Za-z_$][\w$]*)\s*:/g)].map((x) => x[1]!));
          return { callee: m[1]!, index, written };
        } else if (c === "," && d === 0) index++;
        else if (c === ";") return null;
      }
      return null;
    }
  }
  return null;
}

function calleeEntry(t: ApiTable, code: string, callee: string): ApiEntry | undefined {
  const list = steps(callee.replace(/^new\s+/, ""));
  if (!list?.length) return undefined;
  if (list.length === 1) return exported(t, list[0]!.name);
  const owner = list.slice(0, -1);
  const ownerExpr = owner.map((s) => (s.call ? `${s.name}()` : s.name)).join(".");
  const cls = classOf(t, code, ownerExpr);
  return cls ? t.classes[cls]?.[list.at(-1)!.name] : undefined;
}

export function complete(context: CompletionContext, view: EditorView): CompletionResult | null {
  const t = table;
  if (!t) return null;
  const before = context.state.sliceDoc(Math.max(0, context.pos - 2000), context.pos);
  const code = pageCode(view);
  // `obj.partial`
  const member =
    /((?:new\s+)?[A-Za-z_$][\w$]*(?:\([^()]*\))?(?:\.[A-Za-z_$][\w$]*(?:\([^()]*\))?)*)\.([\w$]*)$/.exec(
      before,
    );
  if (member) {
    const cls = classOf(t, code, member[1]!);
    if (cls)
      return { from: context.pos - member[2]!.length, options: memberOptions(t, cls), validFor: /^[\w$]*$/ };
  }
  // `{ partial` inside an options object
  const word = /[\w$]*$/.exec(before)![0];
  const opts = enclosingOptions(before.slice(0, before.length - word.length));
  if (opts && /(?:^|[{,]\s*)[\w$]*$/.test(before.replace(/\s+/g, " "))) {
    const entry = calleeEntry(t, code, opts.callee);
    const props = entry?.options?.[opts.index];
    if (props) {
      return {
        from: context.pos - word.length,
        options: Object.entries(props)
          .filter(([k]) => !opts.written.has(k))
          .map(([label, p]) => ({ label, type: "property", detail: p.type, info: p.doc })),
        validFor: /^[\w$]*$/,
      };
    }
  }
  // A bare name: the modules' exports.
  if (word.length > 0 || context.explicit) {
    const options: Completion[] = [];
    for (const [spec, entries] of Object.entries(t.modules)) {
      for (const [label, e] of Object.entries(entries)) {
        if (e.kind === "type") continue;
        options.push({
          label,
          type: e.kind === "class" ? "class" : e.kind === "function" ? "function" : "variable",
          detail: spec,
          info: info(e),
        });
      }
    }
    return { from: context.pos - word.length, options, validFor: /^[\w$]*$/ };
  }
  return null;
}

/** Documentation of the name under the pointer. */
function hoverDoc(view: EditorView, pos: number): { from: number; to: number; text: string } | null {
  const t = table;
  if (!t) return null;
  const line = view.state.doc.lineAt(pos);
  const col = pos - line.from;
  const text = line.text;
  let a = col;
  let b = col;
  while (a > 0 && /[\w$]/.test(text[a - 1]!)) a--;
  while (b < text.length && /[\w$]/.test(text[b]!)) b++;
  if (a === b) return null;
  const name = text.slice(a, b);
  let entry: ApiEntry | undefined;
  let title = name;
  const owner = /((?:new\s+)?[A-Za-z_$][\w$]*(?:\([^()]*\))?(?:\.[A-Za-z_$][\w$]*(?:\([^()]*\))?)*)\.$/.exec(
    text.slice(0, a),
  );
  if (owner) {
    const cls = classOf(t, pageCode(view), owner[1]!);
    if (cls) {
      entry = t.classes[cls]?.[name];
      title = `${cls}.${name}`;
    }
  } else entry = exported(t, name);
  if (!entry) return null;
  return {
    from: line.from + a,
    to: line.from + b,
    text: `${title}${entry.returns ? ` → ${entry.returns}` : ""}${entry.doc ? `\n${entry.doc}` : ""}`,
  };
}

/** The extensions, added to an editor the first time it takes focus. */
export function apiKnowledge(): Extension {
  return [
    autocompletion({
      override: [(ctx) => (ctx.view ? complete(ctx, ctx.view) : null)],
      activateOnTyping: true,
    }),
    hoverTooltip((view, pos) => {
      const found = hoverDoc(view, pos);
      if (!found) return null;
      return {
        pos: found.from,
        end: found.to,
        create: () => {
          const dom = document.createElement("div");
          dom.className = "nb-api-doc";
          dom.textContent = found.text;
          return { dom };
        },
      };
    }),
  ];
}

/** Give `view` the API's knowledge once it has focus (loads the table then). */
export function whenFocused(view: EditorView): void {
  const onFocus = async () => {
    view.contentDOM.removeEventListener("focus", onFocus);
    await loadApiTable();
    view.dispatch({ effects: StateEffect.appendConfig.of(apiKnowledge()) });
  };
  view.contentDOM.addEventListener("focus", onFocus);
  if (view.hasFocus) void onFocus();
}
