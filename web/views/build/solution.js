// The reference solution, for a teacher's link only: solution=hide offers
// it behind a button, solution=show shows it at once, and without the key
// (solution=none) the page neither shows nor loads it. It ships as its own
// script, assets/tinytorch-solution.js (examples/build/layers-solution.mjs
// as a string, made by scripts/build-site.mjs), loaded on demand.

import { el } from '../../dom.js';

let loading = null;

function loadSolution(app) {
  if (typeof globalThis.TT_LAYERS_SOLUTION === 'string') return Promise.resolve(globalThis.TT_LAYERS_SOLUTION);
  loading ??= new Promise((resolve, reject) => {
    const script = document.createElement('script');
    script.src = app.assetUrl('tinytorch-solution.js');
    script.onload = () => (typeof globalThis.TT_LAYERS_SOLUTION === 'string' ? resolve(globalThis.TT_LAYERS_SOLUTION) : reject(new Error('the solution file is empty')));
    script.onerror = () => { loading = null; reject(new Error('the solution file could not be loaded')); };
    document.head.append(script);
  });
  return loading;
}

export function mountSolution(id, app, { insert, level = 4 }) {
  const showBtn = el('button', { type: 'button', 'data-testid': 'build-solution-show', text: 'Show the reference solution' });
  const useBtn = el('button', { type: 'button', 'data-testid': 'build-solution-use', text: 'Put it in the editor', hidden: true });
  const pre = el('pre', { className: 'tt-build-solution-code', 'data-testid': 'build-solution', hidden: true, tabindex: '0', 'aria-label': 'The reference solution' });
  const status = el('p', { className: 'tt-build-solution-status', role: 'status' });
  const element = el('section', { className: 'tt-build-solution', 'aria-labelledby': `${id}-sol-h`, hidden: true },
    el(`h${level}`, { id: `${id}-sol-h`, text: 'The reference solution' }),
    el('p', { text: 'Your teacher\'s link offers the solution. Try the checks on your own code first: reading a solution teaches less than finding the mistake.' }),
    el('div', { className: 'tt-build-bar' }, showBtn, useBtn), status, pre);
  let mode = 'none';
  let text = null;

  async function show() {
    try {
      status.textContent = 'Loading the solution…';
      text = await loadSolution(app);
      pre.textContent = text;
      pre.hidden = false;
      useBtn.hidden = false;
      showBtn.hidden = true;
      status.textContent = '';
    } catch (e) {
      status.textContent = `The solution is not available: ${e.message}.`;
    }
  }
  showBtn.addEventListener('click', show);
  useBtn.addEventListener('click', () => { if (text) insert(text); });

  return {
    element,
    update(state) {
      if (state.solution === mode) return;
      mode = state.solution;
      element.hidden = mode === 'none';
      if (mode === 'none') { pre.hidden = true; pre.textContent = ''; useBtn.hidden = true; showBtn.hidden = false; text = null; }
      else if (mode === 'show') show();
      else { pre.hidden = true; showBtn.hidden = false; useBtn.hidden = true; }
    },
  };
}
