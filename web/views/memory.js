// Parameter memory: per Linear layer the parameter formula with the numbers
// filled in (in and out from the spec, the count from the core), its bytes
// at float32 (the core's count) and what float16 / int8 would take, and its
// share of the total; then the totals with honest units, the activation
// memory of this batch, and the core's Keras/torchinfo-style summary.

import { viridis, css } from '../draw/colormap.js';
import { className } from '../kinds.js';
import { fmtFactor, fmtInt, fmtLayer, fmtPct, honestBytes } from '../format.js';
import { dataTable, el, scrollCue, viewLevel } from '../dom.js';

export function mountMemory(host, app) {
  const level = viewLevel(); // h1 in the one-view embed, else under the lesson's h3
  const uid = `tt-mem-${Math.random().toString(36).slice(2, 8)}`;

  // -- per layer
  const { tbody, region: tableBox } = dataTable({
    className: 'mem-table',
    caption: 'Parameters of each Linear layer: weights in × out plus a bias of out, and what storing them takes',
    columns: ['Layer', 'Parameters: in × out + out', 'float32 (4 B each)', 'float16 would take (2 B)', 'int8 would take (1 B)', 'Share of all parameters'],
    label: 'Parameters per layer (table)',
  });
  const others = el('p', { className: 'mem-note', 'data-answer': 'params' });

  // -- totals
  // data-answer: what a teacher's question hides until it is answered (views/quiz.js, quiz.css);
  // a total count gives the float16 bytes at once (× 2), and bytes give the count (÷ 4)
  const totalParams = el('span', { 'data-testid': 'mem-total-params', className: 'mem-num', 'data-answer': 'params bytes' });
  const totalBytes = el('span', { 'data-testid': 'mem-total-bytes', className: 'mem-num', 'data-answer': 'bytes params' });
  const smaller = el('span', { className: 'mem-num', 'data-answer': 'bytes params' });
  const actBytes = el('span', { 'data-testid': 'mem-activation-bytes', className: 'mem-num' });
  const actLabel = el('dt');
  const comparison = el('p', { className: 'mem-compare' });
  const totals = el('dl', { className: 'mem-totals' }, [
    el('dt', { text: 'Total parameters' }), el('dd', {}, [totalParams]),
    el('dt', { text: 'Parameter memory (float32)' }), el('dd', {}, [totalBytes]),
    el('dt', { text: 'The same parameters would take' }), el('dd', {}, [smaller]),
    actLabel, el('dd', {}, [actBytes]),
  ]);

  // -- summary
  // the summary states every shape, count and byte count: hidden while any such question is open
  const pre = el('pre', { 'data-testid': 'summary-text', className: 'mem-summary', tabindex: '0', role: 'region', 'aria-label': 'Model summary (text)', id: `${uid}-summary`, 'data-answer': 'params shapes bytes' });
  const noSummary = el('p', { className: 'error mem-nosummary', hidden: '' });
  const copyButton = el('button', { type: 'button', 'data-testid': 'copy-summary', 'aria-controls': `${uid}-summary`, text: 'Copy as text', 'data-answer': 'params shapes bytes' });
  const copyStatus = el('span', { className: 'mem-copy-status', role: 'status', 'aria-live': 'polite' });

  host.append(
    el(`h${level}`, { className: 'mem-title', text: 'Parameters and bytes, layer by layer' }),
    el('p', { text: 'Each Linear(in, out) stores in × out weights and out biases, 4 bytes each as float32. The counts are the core\'s; the formula beside each is there to check them.' }),
    tableBox,
    others,
    el(`h${level + 1}`, { className: 'mem-subtitle', text: 'Totals' }),
    totals,
    comparison,
    el(`h${level + 1}`, { className: 'mem-subtitle', text: 'Summary (as Keras and torchinfo print it)' }),
    el('div', { className: 'mem-copy' }, [copyButton, copyStatus]),
    noSummary,
    scrollCue(pre),
  );

  let statusTimer = 0;
  function say(text) {
    copyStatus.textContent = text;
    clearTimeout(statusTimer);
    statusTimer = setTimeout(() => { copyStatus.textContent = ''; }, 4000);
  }
  function selectSummary() {
    const range = document.createRange();
    range.selectNodeContents(pre);
    const sel = getSelection();
    sel.removeAllRanges();
    sel.addRange(range);
  }
  copyButton.addEventListener('click', async () => {
    const text = pre.textContent;
    if (!text) return;
    try {
      if (navigator.clipboard?.writeText) {
        await navigator.clipboard.writeText(text);
        say('Copied');
        return;
      }
    } catch {
      // no clipboard permission here (an iframe, an insecure origin): select instead
    }
    selectSummary();
    let copied = false;
    try {
      copied = document.execCommand('copy');
    } catch {
      copied = false;
    }
    say(copied ? 'Copied' : 'The summary is selected: press Ctrl+C (⌘C on a Mac) to copy it.');
  });

  let lastKey = '';

  return {
    update(model) {
      const linears = model.layers.filter((r) => r.spec.kind === 'linear');
      const key = JSON.stringify([
        model.layers.map((r) => [r.spec, r.params, r.bytes]),
        model.totals.params, model.totals.paramBytes, model.totals.activationBytes,
        model.input?.shape, model.error?.message ?? null, model.summaryText,
      ]);
      if (key === lastKey) return; // nothing shown here changed
      lastKey = key;
      const total = model.totals.params;

      tbody.replaceChildren(...linears.map((r) => {
        const { spec } = r;
        const formula = spec.bias ? `${fmtInt(spec.in)} × ${fmtInt(spec.out)} + ${fmtInt(spec.out)}` : `${fmtInt(spec.in)} × ${fmtInt(spec.out)} (no bias)`;
        // the formula's count (Linear.countParameters) and the layer's own parameters must agree; say so if they do not
        const agrees = app.api.Linear.countParameters(spec.in, spec.out, spec.bias) === r.params;
        const share = total > 0 ? (100 * r.params) / total : 0;
        const fill = el('span', { className: 'mem-bar-fill' });
        fill.style.width = `${Math.min(100, share)}%`;
        fill.style.background = css(viridis(0.35));
        const formulaCell = el('td', { 'data-testid': 'mem-formula', className: 'mem-formula' }, [
          `${formula} ${agrees ? '=' : '≠'} `,
          el('span', { 'data-testid': 'mem-params', 'data-answer': 'params', text: fmtInt(r.params) }),
        ]);
        if (!agrees) {
          formulaCell.append(el('span', { className: 'error', 'data-answer': 'params', text: ` (the core counts ${fmtInt(r.params)} parameters)` }));
        }
        return el('tr', { 'data-testid': 'mem-row', 'data-index': String(r.index) }, [
          el('th', { scope: 'row', text: `${r.index}: ${fmtLayer(spec)}` }),
          formulaCell,
          el('td', { className: 'mem-num mem-bytes', 'data-label': 'float32', 'data-answer': 'bytes params', text: `${fmtInt(r.bytes)} B` }),
          el('td', { className: 'mem-num mem-bytes', 'data-label': 'float16 would take', 'data-answer': 'bytes params', text: `${fmtInt(r.params * 2)} B` }),
          el('td', { className: 'mem-num mem-bytes', 'data-label': 'int8 would take', 'data-answer': 'bytes params', text: `${fmtInt(r.params)} B` }),
          el('td', { className: 'mem-share', 'data-label': 'share' }, [
            el('span', { className: 'mem-bar', 'aria-hidden': 'true' }, [fill]),
            el('span', { className: 'mem-num', text: fmtPct(r.params, total) }),
          ]),
        ]);
      }));
      if (!linears.length) {
        tbody.replaceChildren(el('tr', {}, [el('td', { colspan: '6', text: 'This network has no Linear layer, so it has no parameters to store.' })]));
      }

      const rest = model.layers.filter((r) => r.spec.kind !== 'linear');
      if (rest.length) {
        const kinds = [...new Set(rest.map((r) => className(r.spec.kind)))].join(', ');
        const restParams = rest.reduce((n, r) => n + r.params, 0);
        const one = rest.length === 1;
        const what = restParams === 0
          ? `${one ? 'has' : 'have'} no parameters: ${one ? 'it stores' : 'they store'} nothing`
          : `${one ? 'has' : 'have'} ${fmtInt(restParams)} parameters`;
        others.textContent = one
          ? `The other layer (${kinds}) ${what}.`
          : `The other ${rest.length} layers (${kinds}) ${what}.`;
        others.hidden = false;
      } else {
        others.hidden = true;
      }

      totalParams.textContent = fmtInt(total);
      totalBytes.textContent = honestBytes(model.totals.paramBytes);
      smaller.textContent = `${honestBytes(total * 2, { notes: false })} at float16 (2 bytes each), ${honestBytes(total, { notes: false })} at int8 (1 byte each)`;

      const batch = model.input?.shape?.[0] ?? model.state.batch;
      const ran = model.layers.filter((r) => r.output).length;
      actLabel.textContent = `Activation memory (the layers' outputs in one forward pass, batch of ${batch})`;
      actBytes.textContent = honestBytes(model.totals.activationBytes, { notes: false });
      const act = model.totals.activationBytes;
      const param = model.totals.paramBytes;
      // totals.activationBytes (web/network.js): the sum of every layer's output, 4 bytes per element
      let sentence = `That is every layer's output for this batch of ${batch}, 4 bytes per element`;
      sentence += model.error ? ` (only the ${ran} layer${ran === 1 ? '' : 's'} before the break ran)` : '';
      sentence += '; the input batch and the Dropout masks are not in it (a Dropout\'s output is). ';
      if (param > 0 && act > 0) {
        const how = act >= param ? `${fmtFactor(act / param)} times the parameter memory` : `${fmtPct(act, param)} of the parameter memory`;
        sentence += `The activations take ${how}. Parameters are stored once, whatever the batch; activations grow with the batch size, and training keeps them for the backward pass.`;
      } else if (param === 0) {
        sentence += 'With no parameters, activations are all the memory this network needs.';
      }
      comparison.textContent = sentence;

      if (model.summaryText) {
        pre.textContent = model.summaryText;
        pre.hidden = false;
        noSummary.hidden = true;
        copyButton.disabled = false;
      } else {
        pre.textContent = '';
        pre.hidden = true;
        noSummary.hidden = false;
        const why = model.error ? `layer ${model.error.index} fails: ${model.error.message}` : 'the core could not run it';
        noSummary.textContent = `There is no summary: the network does not chain (${why}). Fix the shapes in the editor and it comes back.`;
        copyButton.disabled = true;
      }
    },
  };
}
