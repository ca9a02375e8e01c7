// Undo and redo for the page's edits. attachHistory(app) wraps
// app.setState once: before a patch changes a tracked key, the tracked part
// of the state is pushed on the undo stack. The selected layer (`layer`) is
// a view choice, not an edit, and is not tracked.
//
// One step is one entry: successive changes of the same field of the same
// layer (the frames of a slider drag) merge into the entry the first one
// made, until seal() is called (the slider's `change` event, at the end of
// the drag) or the next edit touches something else. Ctrl/Cmd+Z undoes,
// Ctrl/Cmd+Shift+Z and Ctrl+Y redo, except while the keyboard is in a text
// field, whose own undo then applies. On the lesson page a link that
// changes the hash (a "Try this" link) is one entry too: the listener runs
// before the app applies the new hash, so the state it saves is the one
// the link replaced.

import { readHash } from './state.js';

// (the Dropout experiment's settings too: undoing a change brings its kept run back, web/train/controller.js)
const TRACKED = ['net', 'batch', 'mode', 'input', 'seed', 'draw', 'init', 'depth', 'act', 'widths', 'data', 'tsize', 'epochs', 'optim', 'lr', 'cmp'];
const MAX_ENTRIES = 200;

const same = (a, b) => JSON.stringify(a) === JSON.stringify(b);
const snapshot = (state) => Object.fromEntries(TRACKED.map((k) => [k, structuredClone(state[k])]));

/**
 * What an edit touched, as a merge key: "net:2:p" when exactly one field of
 * one layer changed in a network of the same length, else null (never
 * merged). Only network fields merge: they are what sliders drag.
 */
export function editKey(before, patch) {
  const keys = TRACKED.filter((k) => k in patch && !same(patch[k], before[k]));
  if (keys.length !== 1 || keys[0] !== 'net') return null;
  const a = before.net;
  const b = patch.net;
  if (a.length !== b.length) return null;
  const diff = [];
  for (let i = 0; i < a.length; i++) {
    if (a[i].kind !== b[i].kind) return null;
    for (const f of new Set([...Object.keys(a[i]), ...Object.keys(b[i])])) if (a[i][f] !== b[i][f]) diff.push(`${i}:${f}`);
  }
  return diff.length === 1 ? `net:${diff[0]}` : null;
}

/** Is this element a text field with an undo of its own? */
function isTextField(t) {
  if (!t || !t.tagName) return false;
  if (t.isContentEditable || t.tagName === 'TEXTAREA') return true;
  return t.tagName === 'INPUT' && ['text', 'number', 'search', 'email', 'url', 'tel', 'password'].includes(t.type);
}

/**
 * Give `app` a history (once): returns { undo(), redo(), seal(), canUndo,
 * canRedo, size: {undo, redo}, onChange(fn) }. `keys`: the element whose
 * keydown events it listens to (default: document, for the lesson page).
 */
export function attachHistory(app, { keys = globalThis.document } = {}) {
  if (app.history) return app.history;
  const past = [];
  const future = [];
  const listeners = new Set();
  let open = null; // merge key of the entry still open for merging
  const setState = app.setState;
  const notify = () => { for (const fn of listeners) fn(history); };

  app.setState = (patch) => {
    const changed = TRACKED.some((k) => k in patch && !same(patch[k], app.state[k]));
    if (changed) {
      const key = editKey(app.state, patch);
      if (key === null || key !== open) {
        past.push(snapshot(app.state));
        if (past.length > MAX_ENTRIES) past.shift();
      }
      open = key;
      future.length = 0;
    }
    setState(patch);
    if (changed) notify();
  };

  function restore(from, to) {
    if (!from.length) return false;
    to.push(snapshot(app.state));
    const s = from.pop();
    open = null;
    // a layer selection past the restored network's end moves to its last layer
    const layer = Math.min(app.state.layer, Math.max(0, s.net.length - 1));
    setState({ ...s, layer });
    notify();
    return true;
  }

  const history = {
    undo: () => restore(past, future),
    redo: () => restore(future, past),
    /** End the open entry: the next edit starts a new one (a slider's drag ended). */
    seal() { open = null; },
    get canUndo() { return past.length > 0; },
    get canRedo() { return future.length > 0; },
    get size() { return { undo: past.length, redo: future.length }; },
    /** Call fn(history) after every change of the stacks; returns an unsubscribe function. */
    onChange(fn) { listeners.add(fn); return () => listeners.delete(fn); },
  };
  app.history = history;

  if (keys && keys === globalThis.document) {
    addEventListener('hashchange', () => {
      const next = readHash(location.hash).state;
      if (TRACKED.every((k) => same(next[k], app.state[k]))) return;
      past.push(snapshot(app.state));
      if (past.length > MAX_ENTRIES) past.shift();
      open = null;
      future.length = 0;
      queueMicrotask(notify);
    });
  }

  keys?.addEventListener?.('keydown', (e) => {
    if (!(e.ctrlKey || e.metaKey) || e.altKey || isTextField(e.target)) return;
    const k = e.key.toLowerCase();
    let done = false;
    if (k === 'z' && !e.shiftKey) done = history.undo();
    else if ((k === 'z' && e.shiftKey) || (k === 'y' && e.ctrlKey && !e.metaKey)) done = history.redo();
    else return;
    if (done) e.preventDefault();
  });
  return history;
}
