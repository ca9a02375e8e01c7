// The data-flow diagram: the input batch's shape, then one box per layer
// with its label and the shape of its output, as the core computed it
// (model.layers[i].shape), e.g. [32,784] → [32,256] → ... → [32,10]. The
// layer that raised an error shows the core's message (marked "ShapeError"
// in text, not by colour alone) and the layers after it show "not run".
// Each layer box is a button: it selects that layer for the other views.

import { el, viewLevel } from '../dom.js';
import { fmtLayer, fmtShape } from '../format.js';

const SVG = 'http://www.w3.org/2000/svg';

/** A small right-pointing arrow (decorative: the list order says the same). */
function arrow() {
  const svg = document.createElementNS(SVG, 'svg');
  svg.setAttribute('class', 'tt-sh-arrow');
  svg.setAttribute('viewBox', '0 0 28 16');
  svg.setAttribute('width', '28');
  svg.setAttribute('height', '16');
  svg.setAttribute('aria-hidden', 'true');
  svg.setAttribute('focusable', 'false');
  const line = document.createElementNS(SVG, 'path');
  line.setAttribute('d', 'M1 8 H20');
  line.setAttribute('stroke', 'currentColor');
  line.setAttribute('stroke-width', '2');
  const head = document.createElementNS(SVG, 'path');
  head.setAttribute('d', 'M18 3 L27 8 L18 13 Z');
  head.setAttribute('fill', 'currentColor');
  svg.append(line, head);
  return svg;
}

export function mountShapes(host, app) {
  const level = viewLevel(); // h1 in the one-view embed, else under the lesson's h3
  const inputShape = el('span', { className: 'tt-sh-shape mono' });
  const inputWhat = el('span', { className: 'tt-sh-label' });
  const inputBox = el('div', { className: 'tt-sh-box tt-sh-input', 'data-testid': 'shape-input' },
    el('span', { className: 'tt-sh-kicker', text: 'input' }), inputWhat, inputShape);
  const flow = el('ol', { className: 'tt-sh-flow', 'aria-label': 'Shapes through the network: the input, then each layer and the shape of its output' },
    el('li', { className: 'tt-sh-item' }, inputBox));
  const summary = el('p', { className: 'tt-sh-summary' });

  host.append(
    el(`h${level}`, { text: 'Shapes: what flows through' }),
    el('p', { className: 'tt-sh-intro', text: 'The batch enters on the left. Every box shows a layer and the shape of what it outputs, [batch, features], as computed by the core. A Linear layer changes only the features; ReLU, the other activations and Dropout keep the shape. Choose a box to look at that layer in the views below.' }),
    flow, summary,
  );

  let boxes = []; // { li, button, label, status, shown: { label, status, selected } }
  let count = -1;

  function buildBox(i) {
    const idx = el('span', { className: 'tt-sh-kicker mono' });
    const label = el('span', { className: 'tt-sh-label' });
    const note = el('span', { className: 'tt-sh-note', hidden: true });
    const status = el('span', { className: 'tt-sh-status' });
    const button = el('button', { type: 'button', className: 'tt-sh-box tt-sh-layer', 'data-testid': 'shape-box', 'data-index': String(i) }, idx, label, note, status);
    idx.textContent = `layer ${i}`;
    button.addEventListener('click', () => app.setState({ layer: i }));
    const li = el('li', { className: 'tt-sh-item' }, arrow(), button);
    return { li, button, label, note, status, shown: {} };
  }

  function rebuild(n) {
    const active = document.activeElement;
    const focusIndex = active && flow.contains(active) ? Number(active.dataset.index) : null;
    boxes = Array.from({ length: n }, (_, i) => buildBox(i));
    flow.replaceChildren(flow.firstChild, ...boxes.map((b) => b.li));
    if (Number.isInteger(focusIndex) && boxes.length) boxes[Math.min(focusIndex, boxes.length - 1)].button.focus();
  }

  let shownInput = '';
  let shownSummary = '';

  function update(model) {
    const { state, layers, error } = model;
    if (layers.length !== count) {
      count = layers.length;
      rebuild(count);
    }

    const inShape = model.input ? fmtShape(model.input.shape) : '–';
    const inWhat = state.input === 'data' && model.images ? `${model.images.name} batch` : 'random normal batch';
    const inKey = `${inWhat}|${inShape}`;
    if (inKey !== shownInput) {
      shownInput = inKey;
      inputWhat.textContent = inWhat;
      inputShape.textContent = inShape;
    }

    layers.forEach((row, i) => {
      const box = boxes[i];
      const text = fmtLayer(row.spec);
      if (box.shown.label !== text) {
        box.shown.label = text;
        box.label.textContent = text;
      }
      // Dropout in eval mode is the identity: say so on its box
      const noteText = row.spec.kind === 'dropout' && state.mode === 'eval' ? 'eval: passes through' : '';
      if (box.shown.note !== noteText) {
        box.shown.note = noteText;
        box.note.textContent = noteText;
        box.note.hidden = !noteText;
      }
      let status;
      if (row.shape) status = { kind: 'ok', text: fmtShape(row.shape) };
      else if (row.error) status = { kind: 'err', name: error?.index === i ? error.name : 'Error', text: row.error };
      else status = { kind: 'notrun', text: 'not run' };
      const key = `${status.kind}\n${status.name ?? ''}\n${status.text}`;
      if (box.shown.status !== key) {
        box.shown.status = key;
        box.button.classList.toggle('tt-sh-errored', status.kind === 'err');
        box.button.classList.toggle('tt-sh-notrun', status.kind === 'notrun');
        if (status.kind === 'ok') {
          // data-answer: hidden while a teacher's shape question is open (views/quiz.js, quiz.css)
          box.status.replaceChildren(el('span', { className: 'tt-sh-shape mono', 'data-testid': 'shape-text', 'data-answer': 'shapes', text: status.text }));
        } else if (status.kind === 'err') {
          box.status.replaceChildren(
            el('span', { className: 'tt-sh-errname', 'data-testid': 'shape-error-name', text: status.name }),
            el('span', { className: 'tt-sh-errmsg mono', 'data-testid': 'shape-error', text: status.text }),
          );
        } else {
          box.status.replaceChildren(el('span', { className: 'tt-sh-notrun-text', 'data-testid': 'shape-notrun', text: status.text }));
        }
      }
      const selected = state.layer === i;
      if (box.shown.selected !== selected) {
        box.shown.selected = selected;
        box.button.setAttribute('aria-pressed', String(selected));
        box.button.classList.toggle('tt-sh-selected', selected);
      }
    });

    // one sentence with the whole flow, for a quick read and for screen readers
    let text;
    if (!layers.length) {
      text = `No layers: the output is the input, ${inShape}.`;
    } else if (error) {
      const after = layers.length - error.index - 1;
      const rest = after ? `; the ${after === 1 ? 'layer' : `${after} layers`} after it did not run.` : '.';
      text = `Layer ${error.index} (${fmtLayer(layers[error.index].spec)}) raised ${error.name}${rest}`;
    } else {
      text = `Shapes: ${[inShape, ...layers.map((r) => fmtShape(r.shape))].join(' → ')}.`;
    }
    if (text !== shownSummary) {
      shownSummary = text;
      summary.textContent = text;
      // the whole flow as text states every output shape; the error sentence states none
      if (layers.length && !error) summary.setAttribute('data-answer', 'shapes');
      else summary.removeAttribute('data-answer');
    }
  }

  return { update };
}
