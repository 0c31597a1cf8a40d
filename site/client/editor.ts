/**
 * A cell's CodeMirror 6 editor (its own chunk: loaded when the notebook mounts editors, never with
 * the page). TypeScript highlighting uses `tok-*` classes that notebook.css colours like the build's
 * GitHub themes, light and dark; errors are marked with lint diagnostics: TypeScript's as the learner
 * types (from the first focus on, `diagnostics/lint.ts`) and a run's exception at its line.
 */
import { defaultKeymap, history, historyKeymap } from "@codemirror/commands";
import { javascript } from "@codemirror/lang-javascript";
import { bracketMatching, indentOnInput, syntaxHighlighting } from "@codemirror/language";
import { type Diagnostic, diagnosticCount, setDiagnostics } from "@codemirror/lint";
import { EditorState, StateEffect } from "@codemirror/state";
import {
  Decoration,
  type DecorationSet,
  drawSelection,
  EditorView,
  highlightActiveLine,
  highlightSpecialChars,
  keymap,
  lineNumbers,
  ViewPlugin,
  type ViewUpdate,
} from "@codemirror/view";
import { classHighlighter } from "@lezer/highlight";
import { whenFocused } from "./api-complete.ts";
import { recheck, setRunMark, typeDiagnostics } from "./diagnostics/lint.ts";

export interface EditorOptions {
  parent: HTMLElement;
  doc: string;
  /** Accessible name of the editing area. */
  label: string;
  onChange: (code: string) => void;
  /** Ctrl/Cmd+Enter. */
  onRun: () => void;
  /** The code of the cells this one sees (its diagnostics know what they declare), in order. */
  scope?: () => readonly string[];
  /** Resolves when the diagnostics may start their worker (no run or database start in progress). */
  checkGate?: () => Promise<void>;
}

export interface CellEditor {
  readonly view: EditorView;
  code(): string;
  setCode(code: string): void;
  /** Mark an error at a 1-based line:column (to the end of the token, or the line). */
  markError(line: number, column: number, message: string): void;
  clearMarks(): void;
  focus(): void;
}

/**
 * A wrapped line's continuation lines start under its first character, not at the margin: each
 * line with leading whitespace gets its width as `--nb-indent` (in `ch`), which notebook.css turns
 * into padding and a negative text-indent — as the build's static block does with Expressive
 * Code's `--ecIndent`, so nothing moves when the editor takes over.
 */
const wrappedIndent = ViewPlugin.fromClass(
  class {
    decorations: DecorationSet;
    constructor(view: EditorView) {
      this.decorations = indentDecorations(view);
    }
    update(update: ViewUpdate) {
      if (update.docChanged || update.viewportChanged) this.decorations = indentDecorations(update.view);
    }
  },
  { decorations: (plugin) => plugin.decorations },
);

const indentCache = new Map<number, Decoration>();
/** The indentation itself, kept on the first row (Expressive Code's `span.indent`). */
const lead = Decoration.mark({ class: "nb-lead" });

function indentDecorations(view: EditorView): DecorationSet {
  const ranges = [];
  const doc = view.state.doc;
  for (const { from, to } of view.visibleRanges) {
    for (let pos = from; pos <= to; ) {
      const line = doc.lineAt(pos);
      // as Expressive Code counts it: one `ch` per leading whitespace character
      const indent = /^\s*/.exec(line.text)![0].length;
      if (indent > 0) {
        let deco = indentCache.get(indent);
        if (!deco) {
          deco = Decoration.line({ attributes: { style: `--nb-indent: ${indent}ch` } });
          indentCache.set(indent, deco);
        }
        ranges.push(deco.range(line.from), lead.range(line.from, line.from + indent));
      }
      pos = line.to + 1;
    }
  }
  return Decoration.set(ranges, true);
}

export function createEditor(options: EditorOptions): CellEditor {
  const view = new EditorView({
    parent: options.parent,
    state: EditorState.create({
      doc: options.doc,
      extensions: [
        lineNumbers(),
        highlightSpecialChars(),
        history(),
        drawSelection(),
        indentOnInput(),
        bracketMatching(),
        highlightActiveLine(),
        syntaxHighlighting(classHighlighter),
        javascript({ typescript: true }),
        // long lines wrap, as the build's static block does (no sideways scrolling in a lesson)
        EditorView.lineWrapping,
        wrappedIndent,
        keymap.of([
          {
            key: "Mod-Enter",
            run: () => {
              options.onRun();
              return true;
            },
          },
          ...defaultKeymap,
          ...historyKeymap,
        ]),
        EditorView.contentAttributes.of({ "aria-label": options.label }),
        EditorView.updateListener.of((update) => {
          if (update.docChanged) options.onChange(update.state.doc.toString());
        }),
      ],
    }),
  });
  // A cell with long lines scrolls sideways: keyboard users reach that region too (axe:
  // scrollable-region-focusable).
  view.scrollDOM.tabIndex = 0;
  whenFocused(view);
  const checkTypes = () => {
    view.contentDOM.removeEventListener("focus", checkTypes);
    view.dispatch({
      effects: StateEffect.appendConfig.of(typeDiagnostics(options.scope ?? (() => []), options.checkGate)),
    });
  };
  view.contentDOM.addEventListener("focus", checkTypes);

  return {
    view,
    code: () => view.state.doc.toString(),
    setCode(code) {
      view.dispatch({ changes: { from: 0, to: view.state.doc.length, insert: code } });
    },
    markError(line, column, message) {
      const doc = view.state.doc;
      const l = doc.line(Math.min(Math.max(line, 1), doc.lines));
      const from = Math.min(l.from + Math.max(column - 1, 0), l.to);
      const word = /^[\w$]+|^\S/.exec(doc.sliceString(from, l.to));
      let to = from + (word ? word[0].length : 0);
      let start = from;
      if (to === start) {
        // An empty line or the end of a line: mark the whole line.
        start = l.from;
        to = l.to;
      }
      const diagnostic: Diagnostic = { from: start, to, severity: "error", message };
      setRunMark(view, diagnostic);
      // TypeScript's diagnostics come back beside it (`recheck`)
      view.dispatch(setDiagnostics(view.state, [diagnostic]), { effects: recheck.of(null) });
    },
    clearMarks() {
      // Nothing shown, nothing to clear: every Run clears its cell's marks, and the first
      // `setDiagnostics` of an editor adds the lint extension to its state (a reconfiguration, tens of
      // milliseconds on the page's thread before the run is sent).
      if (!setRunMark(view, null) && diagnosticCount(view.state) === 0) return;
      view.dispatch(setDiagnostics(view.state, []), { effects: recheck.of(null) });
    },
    focus() {
      view.focus();
    },
  };
}
