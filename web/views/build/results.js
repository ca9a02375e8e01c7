// The Build view's results: one item per check, in the order the checks
// run, each with pass/fail/error/skip in words (not only a colour), what
// was expected, what the student's code gave, the tolerance of a
// statistical check, the named mistake when the checks recognise one, and
// a hint (hidden by a teacher's hints=off). A summary line counts them as
// the CLI does ("N passed, N failed").

import { el } from '../../dom.js';
import { mistakeName } from './engine.js';

const MARK = { pass: '✓ pass', fail: '✗ fail', error: '! error', skip: '– skipped' };


export function mountResults(id, app, level = 4) {
  const summary = el('p', { className: 'tt-build-summary', role: 'status', 'aria-live': 'polite', 'data-testid': 'build-summary' });
  const list = el('ol', { className: 'tt-build-results', 'data-testid': 'build-results' });
  const error = el('div', { className: 'tt-build-error', 'data-testid': 'build-error', hidden: true });
  const element = el('section', { className: 'tt-build-results-box', 'aria-labelledby': `${id}-results-h`, hidden: true },
    el(`h${level}`, { id: `${id}-results-h`, text: 'Results' }), summary, error, list);
  let hints = app.state.hints === 'on';
  let count = 0;

  function item(r) {
    const status = MARK[r.status] ? r.status : 'error';
    const li = el('li', { className: `tt-build-r tt-build-${status}`, 'data-testid': 'build-result', 'data-id': r.id ?? '', 'data-status': status });
    li.append(el('p', { className: 'tt-build-r-head' }, el('span', { className: 'tt-build-mark', text: MARK[status] }), ' ', el('strong', { text: r.title ?? r.id ?? 'check' })));
    if (status !== 'pass') {
      const dl = el('dl', { className: 'tt-build-r-facts' });
      if (r.expected) dl.append(el('dt', { text: 'Expected' }), el('dd', { className: 'mono', text: r.expected }));
      if (r.got) dl.append(el('dt', { text: 'Your code gave' }), el('dd', { className: 'mono', text: r.got }));
      if (r.tolerance) dl.append(el('dt', { text: 'Tolerance' }), el('dd', { text: r.tolerance }));
      if (dl.childNodes.length) li.append(dl);
      if (r.mistake) li.append(el('p', { className: 'tt-build-mistake', 'data-testid': 'build-mistake', 'data-mistake': r.mistake }, 'A known mistake: ', el('strong', { text: mistakeName(r.mistake) })));
      if (r.hint) li.append(el('p', { className: 'tt-build-hint', 'data-testid': 'build-hint', hidden: !hints, text: `Hint: ${r.hint}` }));
    } else if (r.tolerance) {
      li.append(el('p', { className: 'tt-build-tol', text: `Within the tolerance: ${r.tolerance}` }));
    }
    return li;
  }

  function counts(results) {
    const n = (s) => results.filter((r) => r.status === s).length;
    const failed = results.length - n('pass') - n('skip');
    const skipped = n('skip') ? `, ${n('skip')} skipped` : '';
    return `${n('pass')} passed, ${failed} failed${skipped}`;
  }

  return {
    element,
    clear() {
      element.hidden = true;
      list.replaceChildren();
      summary.textContent = '';
      error.hidden = true;
      count = 0;
    },
    start(exercises) {
      this.clear();
      element.hidden = false;
      summary.textContent = `Checking ${exercises.join(', ')}…`;
      element.dataset.state = 'running';
    },
    add(r) {
      list.append(item(r));
      count++;
    },
    done(results) {
      if (count !== results.length) list.replaceChildren(...results.map(item)); // onResult was not called for each
      summary.textContent = counts(results);
      element.dataset.state = 'done';
    },
    /** The code did not load (StudentCodeError { message, line, column }) or the sandbox failed. */
    failed(e, goToLine) {
      list.replaceChildren();
      summary.textContent = 'Your code did not run, so no check could.';
      const where = Number.isInteger(e?.line) ? ` (line ${e.line}${Number.isInteger(e.column) ? `, column ${e.column}` : ''})` : '';
      error.replaceChildren(el('p', { text: `${e?.name ?? 'Error'}${where}: ${String(e?.message ?? e).slice(0, 500)}` }));
      if (Number.isInteger(e?.line)) {
        const go = el('button', { type: 'button', 'data-testid': 'build-goto', text: `Go to line ${e.line}` });
        go.addEventListener('click', () => goToLine(e.line));
        error.append(go);
      }
      error.hidden = false;
      element.dataset.state = 'error';
    },
    setHints(on) {
      hints = on;
      for (const h of list.querySelectorAll('.tt-build-hint')) h.hidden = !on;
    },
  };
}
