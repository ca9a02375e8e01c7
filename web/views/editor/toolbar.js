// The editor's undo and redo buttons (web/history.js keeps the stacks).
// Each button says what it would do and is disabled when there is nothing
// to undo or redo; Ctrl/Cmd+Z and Ctrl/Cmd+Shift+Z do the same.

import { el } from '../../dom.js';

/** mountToolbar(history, say) -> { element, update() }. */
export function mountToolbar(history, say) {
  const undo = el('button', { type: 'button', 'data-testid': 'undo', 'aria-keyshortcuts': 'Control+Z Meta+Z', title: 'Undo (Ctrl+Z, ⌘Z)', text: 'Undo' });
  const redo = el('button', { type: 'button', 'data-testid': 'redo', 'aria-keyshortcuts': 'Control+Shift+Z Meta+Shift+Z Control+Y', title: 'Redo (Ctrl+Shift+Z, ⌘⇧Z)', text: 'Redo' });
  const count = el('span', { className: 'tt-ed-note', 'data-testid': 'history-size' });
  const element = el('div', { className: 'tt-ed-toolbar', role: 'group', 'aria-label': 'Edit history' }, undo, redo, count);

  undo.addEventListener('click', () => { if (history.undo()) say('Undid the last edit.'); });
  redo.addEventListener('click', () => { if (history.redo()) say('Redid the edit.'); });

  function update() {
    const { undo: u, redo: r } = history.size;
    // a disabled button cannot keep the keyboard: leave it enabled while it has focus and is empty
    undo.disabled = u === 0 && document.activeElement !== undo;
    redo.disabled = r === 0 && document.activeElement !== redo;
    undo.setAttribute('aria-disabled', String(u === 0));
    redo.setAttribute('aria-disabled', String(r === 0));
    count.textContent = `${u} to undo, ${r} to redo`;
  }
  history.onChange(update);
  update();
  return { element, update };
}
