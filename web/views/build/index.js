// Build: the student writes Linear, Dropout and Sequential in a code
// editor, presses Check, reads what each check expected, what their code
// gave and a hint, and can run the whole page on their own layers.
//
// Parts: editor.js (CodeMirror, loaded on demand, a textarea until then),
// storage.js (localStorage per exercise, download and open a file),
// engine.js (starter code, sandbox, checks), results.js (the results list),
// use.js (app.layerImpl: whose Linear and Dropout the page runs), and
// solution.js (the reference solution, loaded only when a link asks).
//
// A teacher's link (web/state.js): ex= the exercise (all, linear, dropout,
// sequential), hints=off hides the hints, solution=hide|show offers or
// shows the reference solution (solution=none, the default, ships nothing).

import { el, isEmbed } from '../../dom.js';
import { BUILD_EXERCISES } from '../../state.js';
import { mountCodeEditor } from './editor.js';
import { createStore, download, readPickedFile } from './storage.js';
import { EXERCISE_IDS, checkCode, exercisesOf, starterFor } from './engine.js';
import { mountResults } from './results.js';
import { REPLACEABLE, layerImplOf, setStudentLayers, whoseCode } from './use.js';
import { mountSolution } from './solution.js';

let uid = 0;
const SAVE_DELAY_MS = 400;
const EX_LABEL = { all: 'All three: Linear, Dropout, Sequential', linear: 'Linear', dropout: 'Dropout', sequential: 'Sequential' };
const FILE_NAME = { all: 'my-layers.mjs', linear: 'my-linear.mjs', dropout: 'my-dropout.mjs', sequential: 'my-sequential.mjs' };

export function mountBuild(host, app) {
  const id = `tt-build-${++uid}`;
  const level = isEmbed() ? 1 : 3; // its own section (#write, h2) in the lesson: h3, one above the other views
  const store = createStore();
  let exercise = app.state.ex;

  // the exercise, and starting over
  const exSelect = el('select', { id: `${id}-ex`, 'data-testid': 'build-exercise' },
    BUILD_EXERCISES.map((e) => el('option', { value: e, text: EX_LABEL[e] })));
  exSelect.value = exercise;
  const resetBtn = el('button', { type: 'button', 'data-testid': 'build-reset', text: 'Start over from the starter code' });
  const undoResetBtn = el('button', { type: 'button', 'data-testid': 'build-undo-reset', text: 'Bring back my code', hidden: true });

  // the editor
  const helpId = `${id}-help`;
  const codeLabel = el('label', { for: `${id}-code`, className: 'tt-build-code-label', text: 'Your layers (a JavaScript module)' });
  const help = el('p', { id: helpId, className: 'tt-build-help', text: 'Tab indents the line. To leave the editor with the keyboard, press Escape, then Tab.' });
  const codeBox = el('div', { className: 'tt-build-code' });
  const editor = mountCodeEditor(codeBox, app, {
    id: `${id}-code`, label: 'Your layers (a JavaScript module)', describedBy: helpId, text: initialText(exercise), onChange: changed,
  });
  host.dataset.editor = 'textarea';
  // CodeMirror (assets/tinytorch-editor.js) loads when Build comes near the screen, or on the first keyboard visit
  function upgrade() {
    editor.upgrade().then((kind) => {
      host.dataset.editor = kind;
      if (kind === 'codemirror') codeLabel.removeAttribute('for'); // the editor's text box carries the name itself
    });
  }
  if (typeof IntersectionObserver === 'function') {
    const seen = new IntersectionObserver((entries) => {
      if (entries.some((e) => e.isIntersecting)) { seen.disconnect(); upgrade(); }
    }, { rootMargin: '1000px 0px' }); // started a screen or so early: ready by the time the student is there
    seen.observe(codeBox);
  } else {
    upgrade();
  }
  codeBox.addEventListener('focusin', upgrade, { once: true });
  codeLabel.addEventListener('click', () => editor.focus());

  // check, download, open
  const checkBtn = el('button', { type: 'button', className: 'tt-build-check', 'data-testid': 'build-check', text: 'Check' });
  const downloadBtn = el('button', { type: 'button', 'data-testid': 'build-download', text: 'Download the file' });
  const fileInput = el('input', { type: 'file', id: `${id}-file`, accept: '.mjs,.js,text/javascript', 'data-testid': 'build-open', className: 'tt-build-file' });
  const fileLabel = el('label', { for: fileInput.id, className: 'tt-build-file-label', text: 'Open a file' });
  const saveStatus = el('p', { className: 'tt-build-saved', role: 'status', 'data-testid': 'build-saved' });
  const storageNote = el('p', { className: 'tt-build-nostorage', 'data-testid': 'build-nostorage', hidden: store.available });
  const selectBtn = el('button', { type: 'button', 'data-testid': 'build-select-all', text: 'Select all the code' });
  selectBtn.addEventListener('click', () => editor.selectAll());
  if (!store.available) {
    // (a sandboxed frame or Jupyter's /files/ may refuse downloads as well: then copying is the way out)
    storageNote.append(
      `Your code is not saved by this page: ${store.reason}. It is lost when the page is closed or reloaded. Press "Download the file" to keep it, and "Open a file" to carry on later. Where this frame blocks downloads too, select all the code and copy it (Ctrl+C, or ⌘C) into a file of your own. `,
      selectBtn);
  }

  // results
  const results = mountResults(id, app, level + 1);

  // use my layers
  const useBoxes = REPLACEABLE.map(({ kind, name }) => {
    const box = el('input', { type: 'checkbox', id: `${id}-use-${kind}`, 'data-testid': `build-use-${kind}`, disabled: true });
    const state = el('span', { className: 'tt-build-use-state', 'data-testid': `build-use-${kind}-state` });
    box.addEventListener('change', () => applyUse());
    return { kind, name, box, state, label: el('label', { for: box.id }, box, ` Use my ${name}`), row: null };
  });
  const badge = el('p', { className: 'tt-build-badge', 'data-testid': 'build-badge', role: 'status' });
  const useError = el('p', { className: 'tt-build-use-error', 'data-testid': 'build-use-error', hidden: true });
  const useBox = el('fieldset', { className: 'tt-build-use' },
    el('legend', { text: 'Run the page on your layers' }),
    el('p', { text: 'Once you have pressed Check, the page can build its network, its training runs and its views from your classes instead of the library\'s, so you see what your code does to every number. The initialiser menu does not apply to your Linear: your code decides how its weights are drawn. The page seeds the default generator from its seed before it builds or runs your layers, so a link still shows the same numbers.' }),
    ...useBoxes.map((u) => el('div', { className: 'tt-build-use-row' }, u.label, ' ', u.state)),
    useError, badge);

  const solution = mountSolution(id, app, { insert: (text) => replaceText(text, 'the reference solution'), level: level + 1 });

  host.append(
    el(`h${level}`, { text: 'Write your own layers, then check them' }),
    el('p', { className: 'tt-build-intro', text: 'Write Linear, Dropout and Sequential on the public API (Tensor, Module, randn, matmul, add, mul), as the lesson describes them. Check runs the lesson\'s tests on your code, against the core\'s own layers under the same seed, and tells you what each test expected and what your code gave. Your code runs in a sandbox: it cannot reach this page.' }),
    el('div', { className: 'tt-build-bar' }, el('label', { for: exSelect.id, text: 'Exercise' }), exSelect, resetBtn, undoResetBtn),
    codeLabel, help, codeBox,
    el('div', { className: 'tt-build-bar' }, checkBtn, downloadBtn, fileLabel, fileInput),
    saveStatus, storageNote,
    results.element, useBox, solution.element,
  );

  // ---- storage: never lose work ----
  function initialText(ex) {
    return store.load(ex) ?? starterFor(ex);
  }
  let saveTimer = null;
  function changed() {
    clearTimeout(saveTimer);
    saveTimer = setTimeout(save, SAVE_DELAY_MS);
    // (no "Saving…" per keystroke: the status is a live region, and an unchanged text is not read out again)
  }
  function save() {
    clearTimeout(saveTimer);
    saveTimer = null;
    const r = store.save(exercise, editor.getText());
    if (r.ok) saveStatus.textContent = 'Saved in this browser.';
    else if (store.available) saveStatus.textContent = `Not saved: ${r.reason}.`;
  }
  const flush = () => { if (saveTimer !== null) save(); };
  addEventListener('pagehide', flush);
  document.addEventListener('visibilitychange', () => { if (document.visibilityState === 'hidden') flush(); });

  let beforeReset = null;
  function replaceText(text, what) {
    beforeReset = editor.getText();
    editor.setText(text);
    save();
    undoResetBtn.hidden = false;
    saveStatus.textContent = `Replaced your code with ${what}. "Bring back my code" restores it.`;
  }
  resetBtn.addEventListener('click', () => replaceText(starterFor(exercise), 'the starter code'));
  undoResetBtn.addEventListener('click', () => {
    if (beforeReset === null) return;
    editor.setText(beforeReset);
    beforeReset = null;
    undoResetBtn.hidden = true;
    save();
  });

  function switchExercise(ex) {
    if (ex === exercise) return;
    flush();
    exercise = ex;
    exSelect.value = ex;
    beforeReset = null;
    undoResetBtn.hidden = true;
    editor.setText(initialText(ex));
    results.clear();
    checked = null;
    releaseLoads();
    updateUse();
  }
  exSelect.addEventListener('change', () => app.setState({ ex: exSelect.value }));

  downloadBtn.addEventListener('click', () => download(FILE_NAME[exercise], editor.getText()));
  fileInput.addEventListener('change', async () => {
    const file = fileInput.files?.[0];
    try {
      const text = await readPickedFile(file);
      replaceText(text, file.name);
    } catch (e) {
      saveStatus.textContent = `Could not open the file: ${e.message}.`;
    } finally {
      fileInput.value = '';
    }
  });

  // ---- Check ----
  let checked = null; // { code, exports, pass: { linear: bool, ... } } of the last Check
  let running = false;
  checkBtn.addEventListener('click', async () => {
    if (running) return;
    running = true;
    checkBtn.disabled = true;
    flush();
    const code = editor.getText();
    const exercises = exercisesOf(exercise);
    results.start(exercises);
    try {
      const { load, results: list } = await checkCode(app, code, exercises, (r) => results.add(r));
      const pass = {};
      for (const id of EXERCISE_IDS) {
        const mine = list.filter((r) => r.exercise === id);
        pass[id] = mine.length > 0 && mine.every((r) => r.status === 'pass');
      }
      checked = { code, load, exports: load.exports, pass, ran: new Set(exercises) };
      results.done(list);
    } catch (e) {
      results.failed(e, (line) => editor.goToLine(line));
      checked = null;
    } finally {
      releaseLoads();
      running = false;
      checkBtn.disabled = false;
      updateUse();
    }
  });

  // Each Check is a new load of the module in the sandbox; a load lives while
  // it is the last Check's or the page runs its classes, and is disposed
  // once the page has moved on (after the render that dropped its layers).
  const loads = new Set();
  function releaseLoads() {
    if (checked?.load) loads.add(checked.load);
    const { impl } = layerImplOf(app);
    const inUse = (load) => Object.values(impl).some((C) => Object.values(load.exports ?? {}).includes(C));
    app.settled().then(() => {
      for (const load of loads) {
        if (load !== checked?.load && !inUse(load)) {
          load.dispose();
          loads.delete(load);
        }
      }
    });
  }

  // ---- use my layers ----
  function applyUse() {
    useError.hidden = true;
    const classes = {};
    for (const u of useBoxes) if (u.box.checked && checked?.exports?.[u.name]) classes[u.name] = checked.exports[u.name];
    setStudentLayers(app, classes);
    updateUse();
    releaseLoads();
  }
  function updateUse() {
    const { impl } = layerImplOf(app);
    for (const u of useBoxes) {
      const has = typeof checked?.exports?.[u.name] === 'function' && checked.ran.has(u.kind);
      const inUse = Boolean(impl[u.name]);
      u.box.disabled = !has && !inUse;
      u.box.checked = inUse;
      let text;
      if (!checked) text = inUse ? '(in use: the code of your last Check)' : '(press Check first)';
      else if (!has) text = checked.ran.has(u.kind) ? `(your module has no ${u.name})` : `(this exercise does not check ${u.name})`;
      else text = checked.pass[u.kind] ? '(all its checks pass)' : '(some of its checks fail: the page will show what your code does)';
      if (checked && inUse && impl[u.name] !== checked.exports?.[u.name]) text = '(in use: the code of an earlier Check; untick and tick to use the latest)';
      u.state.textContent = text;
    }
    badge.textContent = `Running now: ${whoseCode(app)}.`;
    host.dataset.layers = whoseCode(app);
  }

  // ---- teacher's link and state ----
  function update(model) {
    if (model.state.ex !== exercise) switchExercise(model.state.ex);
    // a student's class that cannot be built for this network: the library's ran (web/network.js); say why and switch back
    // the same when one of the student's layers throws while the network runs (a wrong shape, a stopped endless loop)
    const { impl } = layerImplOf(app);
    const thrown = model.layers.find((r) => r.error && ((r.spec.kind === 'linear' && impl.Linear && !(r.layer instanceof app.api.Linear))
      || (r.spec.kind === 'dropout' && impl.Dropout && !(r.layer instanceof app.api.Dropout))));
    if ((model.studentError || thrown) && Object.keys(impl).length) {
      useError.textContent = model.studentError
        ? `Your class could not be built for this network, so the page went back to the library's layers. It said: ${model.studentError}`
        : `Your ${thrown.spec.kind === 'linear' ? 'Linear' : 'Dropout'} raised an error in the network (layer ${thrown.index}), so the page went back to the library's layers. It said: ${thrown.error}`;
      useError.hidden = false;
      setStudentLayers(app, {});
      releaseLoads();
    }
    results.setHints(model.state.hints === 'on');
    solution.update(model.state);
    updateUse();
  }

  return { update };
}
