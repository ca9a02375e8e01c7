// The Build view's code editor: a labelled <textarea> at once, replaced by
// CodeMirror 6 (assets/tinytorch-editor.js, web/views/build/editor-entry.js)
// once that script has loaded. The script is loaded with a <script src> on
// the first call, so the lesson's first load does not carry it; if it
// cannot load (a host that strips it, an old browser), the textarea stays
// and everything else works the same.
//
// CodeMirror draws in a shadow root of its own: there its styles go into a
// constructed stylesheet, which the lesson's CSP (style-src 'self') allows;
// in the document they would need a <style> element, which it refuses.

import { el } from '../../dom.js';

let loading = null; // Promise<TinyTorchEditor module | null>, one per page

/** Load assets/tinytorch-editor.js once; resolves to its exports, or null if it did not load. */
export function loadEditorScript(app) {
  if (globalThis.TinyTorchEditor) return Promise.resolve(globalThis.TinyTorchEditor);
  loading ??= new Promise((resolve) => {
    const script = document.createElement('script');
    script.src = app.assetUrl('tinytorch-editor.js');
    script.onload = () => resolve(globalThis.TinyTorchEditor ?? null);
    script.onerror = () => { loading = null; resolve(null); };
    document.head.append(script);
  });
  return loading;
}

/**
 * A code editor in `box` (an element of the view). opts: { id, label,
 * describedBy, text, onChange(text) }. Returns { getText, setText,
 * goToLine(n), focus, upgrade() -> Promise<'codemirror'|'textarea'> }.
 */
export function mountCodeEditor(box, app, { id, label, describedBy, text, onChange }) {
  const area = el('textarea', {
    id, className: 'tt-build-textarea mono', rows: '18', spellcheck: 'false', autocapitalize: 'off', autocomplete: 'off',
    'aria-describedby': describedBy, 'data-testid': 'build-textarea',
  });
  area.value = text;
  area.addEventListener('input', () => onChange(area.value));
  box.append(area);
  let cm = null;
  const editor = {
    kind: 'textarea',
    getText: () => (cm ? cm.getText() : area.value),
    setText(t) {
      if (cm) cm.setText(t);
      else area.value = t;
    },
    goToLine(n) {
      if (cm) { cm.goToLine(n); return; }
      const lines = area.value.split('\n');
      const at = lines.slice(0, Math.max(0, n - 1)).reduce((k, l) => k + l.length + 1, 0);
      area.focus();
      area.setSelectionRange(at, at);
    },
    focus: () => (cm ? cm.focus() : area.focus()),
    /** The selected text (CodeMirror's selection, or the textarea's). */
    selectedText() {
      if (cm) { const { from, to } = cm.view.state.selection.main; return cm.view.state.sliceDoc(from, to); }
      return area.value.slice(area.selectionStart, area.selectionEnd);
    },
    selectAll() {
      if (cm) cm.selectAll();
      else { area.focus(); area.select(); }
    },
    ready: null,
  };
  // CodeMirror replaces the textarea on the first upgrade() (the view calls it when Build comes on screen)
  editor.upgrade = () => (editor.ready ??= loadEditorScript(app).then((mod) => {
    if (!mod?.createEditor) return 'textarea';
    const shell = el('div', { className: 'tt-build-cm', 'data-testid': 'build-cm' });
    const shadow = shell.attachShadow({ mode: 'open' });
    // Ctrl/Cmd+Z and Y inside the editor are its own undo: outside the shadow
    // root the event's target is this shell, which the page's undo
    // (web/history.js) would not know for a text field, and would undo an edit of the network too
    shell.addEventListener('keydown', (e) => {
      const k = e.key.toLowerCase();
      if ((e.ctrlKey || e.metaKey) && (k === 'z' || k === 'y')) e.stopPropagation();
    });
    const inner = document.createElement('div');
    shadow.append(inner);
    const current = area.value; // what was typed while the editor loaded
    cm = mod.createEditor(inner, shadow, { doc: current, label, onChange });
    shell.ttEditor = editor; // for the browser tests and curious devtools: getText(), setText()
    // the textarea's description (how to leave the editor) goes with the editor's text box
    if (describedBy) {
      const hint = box.getRootNode().getElementById?.(describedBy);
      if (hint) cm.view.contentDOM.setAttribute('aria-description', hint.textContent);
    }
    const hadFocus = box.getRootNode().activeElement === area;
    area.replaceWith(shell);
    editor.kind = 'codemirror';
    if (hadFocus) cm.focus();
    return 'codemirror';
  }));
  return editor;
}
