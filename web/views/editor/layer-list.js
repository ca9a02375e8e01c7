// The editor's list of layer rows, and the core's error shown inside the
// row of the layer that raised it (with a "Set in to N" fix when a Linear's
// in does not match what reaches it). The rows are rebuilt only when the
// network's structure (the sequence of row templates) changes; the
// keyboard is put back where it was, or on the control an edit asked for.

import { LIMITS } from '../../state.js';
import { el } from '../../dom.js';
import { template } from './fields.js';
import { buildRow, syncRow } from './layer-row.js';

/**
 * mountLayerList(id, ctx, fallbackFocus) -> { element, update(model),
 * focusAfter(target) }. ctx is the row context (see layer-row.js);
 * `fallbackFocus()` is the element to focus when no row is left.
 */
export function mountLayerList(id, ctx, fallbackFocus) {
  const { say, editLayer } = ctx;
  const listLabel = el('p', { id: `${id}-list-h`, className: 'tt-ed-list-h', text: 'Layers, in order (index: type):' });
  const list = el('ol', { className: 'tt-ed-list', 'aria-labelledby': `${id}-list-h` });
  const empty = el('p', { className: 'tt-ed-empty', text: 'The network has no layers: the input passes through unchanged. Add one below.', hidden: true });

  // the core's error, moved into the row of the layer that raised it
  const errorBox = el('div', { className: 'error tt-ed-error', role: 'alert', 'data-testid': 'layer-error', id: `${id}-error` });
  const fixButton = el('button', { type: 'button', className: 'tt-ed-fix', 'data-testid': 'fix-in' });
  const errorWrap = el('div', { className: 'tt-ed-error-wrap' }, errorBox, fixButton);

  let rows = []; // see buildRow
  let structure = null;
  let pendingFocus = null; // { index, testid } or { element } to focus after the next update

  /** Rebuild the rows; returns where the keyboard was (row index and control), to put it back. */
  function rebuild(net) {
    const active = document.activeElement;
    let where = null;
    if (active && list.contains(active)) {
      const li = active.closest('[data-testid="layer-row"]');
      where = { index: Number(li?.dataset.index), testid: active.dataset.testid };
    }
    errorWrap.remove();
    rows = net.map((spec, i) => buildRow(spec, i, net.length, ctx));
    list.replaceChildren(...rows.map((r) => r.li));
    empty.hidden = net.length > 0;
    return where;
  }

  function placeFocus(target) {
    if (target.element) {
      target.element.focus();
      return;
    }
    if (!Number.isInteger(target.index)) return;
    const li = rows[Math.min(target.index, rows.length - 1)]?.li;
    let f = li?.querySelector(`[data-testid="${target.testid}"]:not(:disabled)`);
    f ??= li?.querySelector('button:not(:disabled)');
    (f ?? fallbackFocus()).focus();
  }

  fixButton.addEventListener('click', () => {
    const { index, width } = fixButton.dataset;
    const i = Number(index);
    const w = Number(width);
    if (ctx.app.state.net[i]?.kind !== 'linear' || !(w >= 1 && w <= LIMITS.width)) return;
    pendingFocus = null;
    say(`Layer ${i}: in features set to ${w}.`);
    editLayer(i, { in: w });
    // the row stays; put the keyboard on the value just fixed
    rows[i]?.fin?.focus();
  });

  /** The core's message, as text, next to the layer that broke. */
  function showError(model) {
    const err = model.error;
    if (err && rows[err.index]) {
      const text = `${err.name ?? 'Error'}: ${err.message}`;
      if (errorBox.textContent !== text) errorBox.textContent = text;
      const li = rows[err.index].li;
      if (errorWrap.parentNode !== li) li.append(errorWrap);
      // a Linear whose in does not match: offer the width the layer before it produced
      const prev = err.index === 0 ? model.input?.shape : model.layers[err.index - 1]?.shape;
      const w = prev?.at(-1);
      const spec = model.state.net[err.index];
      const canFix = spec.kind === 'linear' && Number.isInteger(w) && w >= 1 && w <= LIMITS.width && w !== spec.in;
      fixButton.hidden = !canFix;
      if (canFix && (fixButton.dataset.width !== String(w) || fixButton.dataset.index !== String(err.index))) {
        fixButton.dataset.width = String(w);
        fixButton.dataset.index = String(err.index);
        fixButton.textContent = `Set in to ${w}`;
        fixButton.setAttribute('aria-label', `Set in to ${w}: in features of layer ${err.index} to the width of what comes before it`);
      }
    } else if (errorWrap.parentNode) {
      const hadFocus = errorWrap.contains(document.activeElement);
      errorWrap.remove();
      errorBox.textContent = '';
      if (hadFocus) rows[Number(fixButton.dataset.index)]?.fin?.focus();
    }
  }

  function update(model) {
    const { state } = model;
    const net = state.net;
    const key = net.map((s) => template(s.kind)).join(',');
    let target = pendingFocus;
    pendingFocus = null;
    if (key !== structure) {
      structure = key;
      const where = rebuild(net);
      target ??= where;
    }
    // after a move or remove, the keyboard follows the layer it acted on
    if (target) placeFocus(target);
    rows.forEach((row, i) => syncRow(row, i, net[i], model.layers[i], {
      broken: model.error?.index === i, selected: state.layer === i, errorId: errorBox.id,
    }));
    showError(model);
  }

  return {
    element: [listLabel, list, empty],
    update,
    /** Where the keyboard goes after the next update: { index, testid } or { element }. */
    focusAfter(target) { pendingFocus = target; },
  };
}
