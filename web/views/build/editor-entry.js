// The Build section's code editor: CodeMirror 6 with the JavaScript mode,
// bundled by scripts/build-site.mjs into its own classic script,
// assets/tinytorch-editor.js (global TinyTorchEditor), which the build view
// (web/views/build/editor.js) loads with a <script src> the first time the
// Build section is opened, so the lesson's first load does not pay for it.
//
// The editor lives in a shadow root of its own (`root` below). CodeMirror
// styles itself through style-mod, which writes a <style> element into a
// document (refused by the lesson's CSP, style-src 'self') but uses a
// constructed stylesheet (adoptedStyleSheets, which no CSP restricts) in a
// shadow root. Colours come from CSS custom properties set on the host
// element (web/views/build/build.css), which inherit into the shadow root,
// so the editor follows the page's and a <tt-view>'s light and dark themes.

import { EditorView, keymap, lineNumbers, highlightActiveLine, highlightActiveLineGutter, drawSelection, highlightSpecialChars } from '@codemirror/view';
import { EditorState } from '@codemirror/state';
import { defaultKeymap, history, historyKeymap, indentWithTab } from '@codemirror/commands';
import { indentOnInput, bracketMatching, syntaxHighlighting, HighlightStyle, indentUnit } from '@codemirror/language';
import { closeBrackets, closeBracketsKeymap } from '@codemirror/autocomplete';
import { javascript } from '@codemirror/lang-javascript';
import { tags as t } from '@lezer/highlight';

const v = (name, fallback) => `var(--tt-code-${name}, ${fallback})`;

// Token colours: custom properties of the host (build.css), each readable
// at 4.5:1 or more on its background (axe's colour-contrast rule).
const highlight = HighlightStyle.define([
  { tag: [t.keyword, t.controlKeyword, t.moduleKeyword, t.operatorKeyword, t.definitionKeyword, t.modifier], color: v('keyword', '#8b1f7a') },
  { tag: [t.string, t.special(t.string), t.regexp], color: v('string', '#1d6b2a') },
  { tag: [t.number, t.bool, t.null, t.atom], color: v('number', '#8a4a00') },
  { tag: [t.comment, t.lineComment, t.blockComment], color: v('comment', '#5c5c66'), fontStyle: 'italic' },
  { tag: [t.className, t.typeName, t.definition(t.className)], color: v('class', '#1f4f98') },
  { tag: [t.function(t.variableName), t.function(t.propertyName)], color: v('function', '#2a4a8a') },
  { tag: t.invalid, color: v('invalid', '#9b1c1c') },
]);

const theme = EditorView.theme({
  '&': { color: 'var(--fg, #1b1b1f)', backgroundColor: 'var(--tt-code-bg, #fbfbfa)', border: '1px solid var(--line, #d8d8de)', borderRadius: '4px', fontSize: '0.9rem' },
  '&.cm-focused': { outline: '3px solid var(--focus, #c14f00)', outlineOffset: '2px' },
  // no scrolling box of its own: long lines wrap and the editor grows with its text, so the page scrolls
  // (a region that scrolls must be reachable by keyboard as such, and phones scroll one thing better than two)
  '.cm-scroller': { fontFamily: 'ui-monospace, "SFMono-Regular", Menlo, Consolas, monospace', lineHeight: '1.5', minHeight: '12rem' },
  '.cm-content': { caretColor: 'var(--fg, #1b1b1f)' },
  '.cm-cursor, .cm-dropCursor': { borderLeftColor: 'var(--fg, #1b1b1f)' },
  '.cm-gutters': { backgroundColor: 'var(--tt-code-gutter-bg, #f1f1f3)', color: 'var(--muted, #5a5a66)', borderRight: '1px solid var(--line, #d8d8de)' },
  '.cm-activeLine': { backgroundColor: 'var(--tt-code-active, #eef3fa)' },
  '.cm-activeLineGutter': { backgroundColor: 'var(--tt-code-active, #eef3fa)', color: 'var(--fg, #1b1b1f)' },
  '&.cm-focused > .cm-scroller > .cm-selectionLayer .cm-selectionBackground, .cm-selectionBackground, ::selection': { backgroundColor: 'var(--tt-code-selection, #c9dcf5)' },
  '.cm-matchingBracket': { backgroundColor: 'var(--tt-code-bracket, #d9ead3)', outline: '1px solid var(--line, #d8d8de)' },
  '.cm-tt-error-line': { backgroundColor: 'var(--tt-code-error-line, #fde8e8)' },
});

/**
 * Make an editor in `parent` (an element inside `root`, a ShadowRoot).
 * opts: { doc (text), label (its accessible name), onChange(text), describedBy? }.
 * Returns { view, getText(), setText(text), focus(), destroy() }.
 */
export function createEditor(parent, root, { doc = '', label = 'Code', onChange = () => {} } = {}) {
  const view = new EditorView({
    root,
    parent,
    state: EditorState.create({
      doc,
      extensions: [
        lineNumbers(), highlightActiveLineGutter(), highlightSpecialChars(), history(), drawSelection(),
        indentOnInput(), bracketMatching(), closeBrackets(), highlightActiveLine(),
        EditorState.tabSize.of(2), indentUnit.of('  '),
        syntaxHighlighting(highlight), javascript(), theme, EditorView.lineWrapping,
        // Tab indents; Escape then Tab (or Ctrl-M / Shift-Alt-M toggling
        // tab focus mode) moves focus out, as CodeMirror documents.
        keymap.of([...closeBracketsKeymap, ...defaultKeymap, ...historyKeymap, indentWithTab]),
        EditorView.contentAttributes.of({ 'aria-label': label, spellcheck: 'false', autocapitalize: 'off', autocorrect: 'off' }),
        EditorView.updateListener.of((u) => { if (u.docChanged) onChange(u.state.doc.toString()); }),
      ],
    }),
  });
  return {
    view,
    getText: () => view.state.doc.toString(),
    setText(text) {
      view.dispatch({ changes: { from: 0, to: view.state.doc.length, insert: text } });
    },
    /** Put the cursor at the start of line `n` (1-based) and scroll it into view. */
    goToLine(n) {
      const line = view.state.doc.line(Math.min(Math.max(1, n), view.state.doc.lines));
      view.dispatch({ selection: { anchor: line.from }, scrollIntoView: true });
      view.focus();
    },
    /** Select the whole text (for copying where nothing else can take the code out). */
    selectAll() {
      view.dispatch({ selection: { anchor: 0, head: view.state.doc.length } });
      view.focus();
    },
    focus: () => view.focus(),
    destroy: () => view.destroy(),
  };
}
