// "The network from the editor", as code: tinytorch-wasm (JavaScript, the
// calls this page makes), PyTorch and Keras (web/export.js), each with a
// copy button. The code follows the editor on every change. In the
// JavaScript, the parameter count and requiresGrad are the core's, read
// from the model's own parameters() through a Sequential of its layers.

import { EXPORTS } from '../export.js';
import { fmtInt } from '../format.js';
import { el, viewLevel } from '../dom.js';

let uid = 0;

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

  copy.addEventListener('click', async () => {
    const text = code.textContent;
    try {
      await navigator.clipboard.writeText(text);
      copied.textContent = `Copied the ${EXPORTS[lang].label} code.`;
    } catch {
      // no clipboard (an insecure origin, a sandbox): select the text for Ctrl+C instead
      const range = document.createRange();
      range.selectNodeContents(code);
      const sel = getSelection();
      sel.removeAllRanges();
      sel.addRange(range);
      copied.textContent = 'The browser does not allow copying here: the code is selected, press Ctrl+C (⌘C).';
    }
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
  }
  return { update };
}
