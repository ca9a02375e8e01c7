// "The network from the editor", as code: tinytorch-wasm (JavaScript, the
// calls this page makes), PyTorch and Keras (web/export.js), each with a
// copy button. The code follows the editor on every change. In the
// JavaScript, the parameter count and requiresGrad are the core's, read
// from the model's own parameters() through a Sequential of its layers.
//
// Below it, the weights the views show (initial, trained or imported:
// app.weights) as files PyTorch loads: safetensors and NumPy's .npz, with
// PyTorch's names and layout (js/serialize.js), the code that loads them
// in the chosen language, and a file input that loads such a file into the
// page (checked against the network first: the message names the key, the
// shapes or the dtype, and the weights shown before stay).

import { EXPORTS, LOAD_CODE, weightsFileBase } from '../export.js';
import { fmtBytes, fmtInt } from '../format.js';
import { el, viewLevel } from '../dom.js';

let uid = 0;
/** Room for a file's header and names beyond the float32 values (safetensors JSON, .npz's zip and .npy headers). */
const MAX_HEADER_BYTES = 1 << 20;

export function mountCode(host, app) {
  const id = `tt-code-${++uid}`;
  const level = viewLevel(); // h1 in the one-view embed, else under the lesson's h3
  const names = Object.keys(EXPORTS);
  let lang = names[0];

  const radios = names.map((name) => {
    const input = el('input', { type: 'radio', name: `${id}-lang`, value: name, id: `${id}-${name}`, 'data-testid': `code-${name}` });
    input.checked = name === lang;
    input.addEventListener('change', () => { if (input.checked) { lang = name; copied.textContent = ''; app.refresh(); } });
    return el('label', { for: input.id, className: 'tt-code-choice' }, input, ` ${EXPORTS[name].label}`);
  });
  const picker = el('fieldset', { className: 'tt-code-picker' }, el('legend', { text: 'Language' }), ...radios);
  const code = el('code', { 'data-testid': 'code-text' });
  const pre = el('pre', { className: 'tt-code-pre', id: `${id}-pre`, tabindex: '0', 'aria-label': 'The network as code' }, code);
  // it would copy the parameter count that a teacher's ask= hides (quiz.js)
  const copy = el('button', { type: 'button', 'data-testid': 'code-copy', 'aria-describedby': `${id}-pre`, 'data-answer': 'params' });
  const copied = el('span', { className: 'tt-code-copied', role: 'status', 'aria-live': 'polite', 'data-testid': 'code-copied' });
  host.append(
    el(`h${level}`, { text: 'The network from the editor, as code' }),
    picker, el('div', { className: 'tt-code-actions' }, copy, copied), pre,
  );

  // ---- the weights: download, the code that loads them, load a file
  const shown = el('p', { className: 'tt-weights-shown', 'data-testid': 'weights-shown' });
  const dlSt = el('button', { type: 'button', 'data-testid': 'weights-download-safetensors', text: 'Download .safetensors' });
  const dlNpz = el('button', { type: 'button', 'data-testid': 'weights-download-npz', text: 'Download .npz' });
  const dlNote = el('p', { className: 'tt-weights-note', 'data-testid': 'weights-download-note' });
  const loadCode = el('code', { 'data-testid': 'weights-code' });
  const loadPre = el('pre', { className: 'tt-code-pre', id: `${id}-load`, tabindex: '0', 'aria-label': 'Code that loads the weight files' }, loadCode);
  const copyLoad = el('button', { type: 'button', 'data-testid': 'weights-code-copy', 'aria-describedby': `${id}-load` });
  const copiedLoad = el('span', { className: 'tt-code-copied', role: 'status', 'aria-live': 'polite' });
  const file = el('input', { type: 'file', id: `${id}-file`, accept: '.safetensors,.npz', 'data-testid': 'weights-file', 'aria-describedby': `${id}-load-help` });
  const loadHelp = el('p', { id: `${id}-load-help`, className: 'tt-weights-note', text: 'A .safetensors or .npz file saved from PyTorch (model.state_dict()) for a network of this shape: names, shapes and float32 are checked, then every view and the drawing pad use its weights.' });
  const status = el('p', { className: 'tt-weights-status', role: 'status', 'aria-live': 'polite', 'data-testid': 'weights-status' });
  const error = el('p', { className: 'tt-weights-error', role: 'alert', 'data-testid': 'weights-error' });
  const back = el('button', { type: 'button', 'data-testid': 'weights-initial', text: 'Back to the initial weights', hidden: true });
  host.append(el('section', { className: 'tt-weights', 'aria-labelledby': `${id}-wh` },
    el(`h${Math.min(level + 1, 6)}`, { id: `${id}-wh`, text: 'Weights out and in' }),
    shown,
    el('div', { className: 'tt-code-actions' }, dlSt, dlNpz), dlNote,
    el('div', { className: 'tt-code-actions' }, copyLoad, copiedLoad), loadPre,
    el('div', { className: 'tt-weights-load' },
      el('label', { for: file.id, text: 'Load weights: ' }), file, back),
    loadHelp, status, error));

  async function copyText(from, to, what) {
    try {
      await navigator.clipboard.writeText(from.textContent);
      to.textContent = `Copied the ${what}.`;
    } catch {
      // no clipboard (an insecure origin, a sandbox): select the text for Ctrl+C instead
      const range = document.createRange();
      range.selectNodeContents(from);
      const sel = getSelection();
      sel.removeAllRanges();
      sel.addRange(range);
      to.textContent = 'The browser does not allow copying here: the code is selected, press Ctrl+C (⌘C).';
    }
  }
  copy.addEventListener('click', () => copyText(code, copied, `${EXPORTS[lang].label} code`));
  copyLoad.addEventListener('click', () => copyText(loadCode, copiedLoad, `${EXPORTS[lang].label} code that loads the weights`));

  let last = null; // the model of the last update: what a download writes
  /** Why the shown network's weights cannot be written, or null. */
  function cannotExport(model) {
    if (!model?.sequential) return 'The network did not run, so it has no weights to write.';
    if (model.error) return `The network raises an error (layer ${model.error.index}), so PyTorch could not load its weights either: fix it in the editor first.`;
    const theirs = model.layers.find((r) => r.spec.kind === 'linear' && !(r.layer instanceof app.api.Linear));
    if (theirs) return `Layer ${theirs.index} is your own Linear class (Build's "use my layers"): only the library's Linear is written in PyTorch's layout.`;
    return null;
  }
  function download(kind) {
    const why = cannotExport(last);
    if (why) { dlNote.textContent = why; return; }
    const api = app.api;
    const bytes = kind === 'npz' ? api.saveNpz(last.sequential) : api.saveSafetensors(last.sequential, { metadata: { source: String(last.weights?.source ?? 'initial'), producer: 'tinytorch-wasm' } });
    const name = `${weightsFileBase(last.state.net)}.${kind}`;
    const url = URL.createObjectURL(new Blob([bytes], { type: 'application/octet-stream' }));
    const a = el('a', { href: url, download: name, hidden: true });
    host.append(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(url), 10_000);
    // no parameter count here: a teacher's ask= may hide it (views/quiz.js)
    dlNote.textContent = `Saved ${name}: float32, PyTorch's names and layout (each nn.Linear weight [out, in]).`;
  }
  dlSt.addEventListener('click', () => download('safetensors'));
  dlNpz.addEventListener('click', () => download('npz'));

  /** Read a weight file and hand its weights to the page; errors are shown and change nothing. */
  async function loadFile(f) {
    status.textContent = '';
    error.textContent = '';
    if (!f) return;
    try {
      const api = app.api;
      const seq = app.model?.sequential;
      if (!seq) throw new Error('the page\'s network is not built yet; try again in a moment');
      // a file much larger than this network's weights is not for it: refused before it is read into memory
      const need = seq.parameters().reduce((n, p) => n + p.size, 0) * 4;
      if (f.size > need + MAX_HEADER_BYTES) {
        throw new RangeError(`the file is ${fmtBytes(f.size)}, but this network's weights are ${fmtBytes(need)} as float32: it holds another network (or not float32 values)`);
      }
      const bytes = new Uint8Array(await f.arrayBuffer());
      const zip = bytes.length >= 4 && bytes[0] === 0x50 && bytes[1] === 0x4b;
      const dict = zip ? api.loadNpz(bytes) : api.loadSafetensors(bytes);
      if (app.model?.sequential !== seq) throw new Error('the network changed while the file was read; load it again');
      const ours = api.fromTorchStateDict(seq, dict); // checked: names, shapes, float32; transposed to [in, out]
      let nonFinite = 0;
      for (const { data } of ours.values()) for (let i = 0; i < data.length; i++) if (!Number.isFinite(data[i])) nonFinite++;
      app.useWeights(Object.fromEntries(ours), { source: 'imported', label: f.name });
      status.textContent = `Loaded ${ours.size} tensors from ${f.name} (${zip ? '.npz' : 'safetensors'}): every view shows these weights.${nonFinite ? ` ${fmtInt(nonFinite)} of the values are NaN or infinite (as they were saved): the outputs they reach are too.` : ''}`;
    } catch (e) {
      // the message without the API function's name (the student did not call it), ending in one full stop
      const msg = String(e?.message ?? e).replace(/^(fromTorchStateDict|loadSafetensors|loadNpz|useWeights): /, '').replace(/[.?!]?$/, (m) => m || '.');
      error.textContent = `${f.name} was not loaded: ${msg} The weights shown before stay.`;
    } finally {
      file.value = ''; // the same file again is a new change
    }
  }
  file.addEventListener('change', () => loadFile(file.files?.[0]));
  back.addEventListener('click', () => {
    app.useWeights(null);
    status.textContent = 'Back to the initial weights.';
    error.textContent = '';
  });

  let seq = null;
  function facts(model) {
    const layers = model.layers.map((r) => r.layer);
    if (!seq || seq.length !== layers.length || seq.layers.some((l, i) => l !== layers[i])) seq = new app.api.Sequential(layers); // not disposed: network.js owns the layers
    const params = seq.parameters();
    const numbers = params.reduce((n, p) => n + p.size, 0);
    return { tensors: params.length, numbers: fmtInt(numbers), allGrad: params.every((p) => p.requiresGrad), bytesText: `${fmtInt(numbers * 4)} bytes` };
  }

  /**
   * The code as text nodes, with the comment that states the core's
   * parameter count in a span marked data-answer (a teacher's question
   * hides it: views/quiz.js, quiz.css). The text is the same either way.
   */
  function show(text, f) {
    const at = f ? text.indexOf(`// ${f.numbers} numbers`) : -1;
    if (at < 0) {
      code.textContent = text;
      return;
    }
    const end = text.indexOf('\n', at) < 0 ? text.length : text.indexOf('\n', at);
    code.replaceChildren(text.slice(0, at), el('span', { 'data-answer': 'params bytes', text: text.slice(at, end) }), text.slice(end));
  }

  function update(model) {
    const s = model.state;
    const opts = { net: s.net, init: s.init, batch: s.batch, mode: s.mode };
    const f = lang === 'tinytorch' ? facts(model) : null;
    const text = EXPORTS[lang].make(f ? { ...opts, facts: f } : opts);
    if (code.textContent !== text) show(text, f);
    code.dataset.lang = lang;
    copy.textContent = `Copy as ${EXPORTS[lang].label}`;

    last = model;
    const w = model.weights ?? app.weights;
    shown.textContent = `The views show ${w?.source === 'initial' || !w ? 'the initial weights (the seeded init)' : `${w.label}${w.epoch !== undefined ? ` (epoch ${w.epoch})` : ''}`}: these are the weights the buttons write.`;
    back.hidden = !w || w.source === 'initial';
    const why = cannotExport(model);
    dlSt.disabled = dlNpz.disabled = why !== null;
    if (why) dlNote.textContent = why;
    else if (dlNote.textContent && !dlNote.textContent.startsWith('Saved')) dlNote.textContent = '';
    const loadText = LOAD_CODE[lang](opts);
    if (loadCode.textContent !== loadText) loadCode.textContent = loadText;
    copyLoad.textContent = `Copy the ${EXPORTS[lang].label} code that loads them`;
  }
  return { update };
}
