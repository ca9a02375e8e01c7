// Small pieces the editor's modules share: a select built from [value,
// text] pairs, a labelled number input, the parser for whole numbers typed
// into one, and the label of a layer kind.

import { el } from '../../dom.js';
import { className } from '../../kinds.js';

/** Which row template a layer kind uses (a change within one keeps the row). */
export const template = (kind) => (kind === 'linear' || kind === 'dropout' ? kind : 'act');

/** A kind's API class name, as the editor labels rows and options. */
export const typeName = className;

/** A select with [value, text] options. */
export function select(props, options) {
  return el('select', props, ...options.map(([value, text]) => el('option', { value, text })));
}

/** A number input inside a label whose visible text is hidden from screen readers (the input has its own aria-label). */
export function numberField(label, aria, testid, lo, hi) {
  const inp = el('input', { type: 'number', min: lo, max: hi, step: 1, inputmode: 'numeric', 'aria-label': aria, 'data-testid': testid });
  return { inp, wrap: el('label', { className: 'tt-ed-num' }, el('span', { text: label, 'aria-hidden': 'true' }), inp) };
}

/**
 * Parse a whole number typed into a number input. Returns { value, note }:
 * value is null when nothing usable was typed (the caller keeps the old
 * value); note says what was changed, for the status line.
 */
export function readInt(input, lo, hi, what) {
  const raw = input.value.trim();
  const v = Number(raw);
  if (raw === '' || !Number.isFinite(v)) return { value: null, note: `${what} must be a whole number from ${lo} to ${hi}; kept the previous value.` };
  const r = Math.round(v);
  const c = Math.min(hi, Math.max(lo, r));
  if (c !== v) return { value: c, note: `${what} must be a whole number from ${lo} to ${hi}; used ${c}.` };
  return { value: c, note: '' };
}
