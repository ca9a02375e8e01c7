// The views as an AnyWidget front-end module: `export default { render({
// model, el }) }` (https://anywidget.dev/en/afm/), bundled by
// scripts/build-site.mjs into assets/tinytorch-widget.mjs, one ES module with
// the core, both wasm builds, the views' stylesheet and the image sample
// inlined (an anywidget cannot ship a separate .wasm: manzt/anywidget#921).
// The same file serves a notebook (anywidget), a Jupyter Book 2 page
// ({anywidget} directive, @myst-theme/anywidget) and a plain page:
//
//   import widget, { createModel } from './assets/tinytorch-widget.mjs';
//   widget.render({ model: createModel({ view: 'dropout', batch: 8 }), el });
//
// The model's keys: `view` (or `views`): a name or a list of the registry's
// names (web/views/index.js), "editor,dropout"; `state`: the state as an
// embed's query ("net=L784-64,R&batch=8"); any key of the STATE table
// (web/state.js: net, batch, mode, seed, ...) as its URL text, which wins over
// `state`; `group`: widgets of one page with the same group keep one state
// (an in-page channel, below; the first widget of the group that gives a
// state sets it, the others follow); `theme`: "dark" or "light"; `assets`: the
// folder of dist/site/assets (the cost view's scalar build, Build's editor,
// the training images), relative to the page.
//
// The widget follows model.on('change:<key>') for all of these, and writes
// the student's edits back (model.set('state', ...) and every STATE key the
// model has, then model.save_changes()), so a notebook cell reads the network
// the student built. render returns its cleanup: the app's tensors, timers and
// observers are freed (the API's memoryInfo().tensors goes back to where it
// was).
import { createApp, api } from './main.js';
import { readHash, writeQuery, STATE } from './state.js';
import { VIEWS } from './views/index.js';
// virtual modules of scripts/build-site.mjs: assets/view.css as text, and
// assets/mnist-data.js (the default dataset's sample: it sets globalThis.TT_MNIST_DATA)
import VIEW_CSS from 'tt:view-css';
import 'tt:image-sample';

const STATE_KEYS = STATE.map((s) => s.key);
const FORMAT = new Map(STATE.map((s) => [s.key, s.format]));
const REMOUNT_KEYS = ['view', 'views', 'group', 'assets'];

/**
 * The in-page channel of the groups: one EventTarget per page (on
 * globalThis, so copies of this module loaded from different URLs share it),
 * an event 'state' with { group, text, from } for every accepted state, and
 * the latest text per group, which a widget joining the group starts from.
 */
const CHANNEL = (globalThis[Symbol.for('tinytorch-wasm.widget-groups.v1')] ??= Object.assign(new EventTarget(), { latest: new Map() }));

let sheet = null;
function viewSheet() {
  if (!sheet) {
    sheet = new CSSStyleSheet();
    sheet.replaceSync(VIEW_CSS);
  }
  return sheet;
}

/** The state text a model asks for: `state`, then the single keys over it. */
function stateText(model) {
  const params = new URLSearchParams(String(model.get('state') ?? '').replace(/^#?(tt:)?/, ''));
  for (const key of STATE_KEYS) {
    const v = model.get(key);
    if (v === undefined || v === null || v === '') continue;
    params.set(key, Array.isArray(v) ? v.join(',') : String(v));
  }
  return params.toString();
}

function viewsOf(model) {
  const v = model.get('views') ?? model.get('view');
  return v === undefined || v === null || v === '' ? ['dropout'] : v;
}

/** The assets folder: the model's `assets` (relative to the page), else the folder of this module. */
function assetBase(model) {
  const given = model.get('assets');
  if (typeof given === 'string' && given !== '') return new URL(given.endsWith('/') ? given : `${given}/`, document.baseURI).href;
  try {
    const here = new URL('./', import.meta.url);
    if (here.protocol === 'http:' || here.protocol === 'https:' || here.protocol === 'file:') return here.href;
  } catch {
    // blob: or data: URLs (a notebook's module) have no folder
  }
  return undefined;
}

/** Call a model method the host may not implement (@myst-theme/anywidget's off and save_changes throw). */
function attempt(fn) {
  try {
    return fn();
  } catch {
    return undefined;
  }
}

/**
 * Mount the views the model asks for into `el`; returns the cleanup. The
 * views draw in a shadow root of their own (the host's styles and theirs
 * stay apart), as a <tt-view> does.
 */
function render({ model, el }) {
  const host = document.createElement('div');
  host.className = 'tinytorch-widget';
  const shadow = host.attachShadow({ mode: 'open' });
  shadow.adoptedStyleSheets = [viewSheet()];
  el.append(host);

  let alive = true;
  let app = null;
  let starting = null;
  let generations = 0; // each start() is one; an older start that resolves late disposes its app
  let group = null;
  let last = null; // the state text last written back
  const token = {};

  const setTheme = () => {
    const theme = model.get('theme');
    if (theme === 'dark' || theme === 'light') host.setAttribute('theme', theme);
    else host.removeAttribute('theme');
  };

  let writing = false; // the model's change events during a write-back are our own
  function writeBack(a) {
    const text = writeQuery(a.state);
    if (text === last) return;
    const first = last === null; // the first render is the start, not an edit: the group is not told
    last = text;
    writing = true;
    try {
      if (model.get('state') !== text) model.set('state', text);
      for (const key of STATE_KEYS) {
        if (model.get(key) === undefined) continue; // only the keys the host's model has
        const value = FORMAT.get(key)(a.state[key]);
        if (String(model.get(key)) !== value) model.set(key, value);
      }
    } finally {
      writing = false;
    }
    attempt(() => model.save_changes());
    if (group && !first) {
      CHANNEL.latest.set(group, { text, given: true });
      CHANNEL.dispatchEvent(new CustomEvent('state', { detail: { group, text, from: token } }));
    }
  }

  function apply(text) {
    if (!app) return;
    const parsed = readHash(text);
    if (writeQuery(parsed.state) === writeQuery(app.state)) return;
    app.notices = parsed.notices;
    app.setState(parsed.state);
  }

  const onGroup = (e) => {
    const d = e.detail;
    if (alive && app && group && d.group === group && d.from !== token) apply(d.text);
  };

  function start() {
    const box = document.createElement('div');
    box.className = 'tt-root';
    shadow.replaceChildren(box);
    group = typeof model.get('group') === 'string' && model.get('group') !== '' ? model.get('group') : null;
    last = null;
    // A group's state: the first widget that gives one (`state` or a state
    // key) sets it, whatever order the host loads the widgets in; widgets
    // that give none, and later ones, follow the group.
    const own = stateText(model);
    let text = own;
    if (group) {
      const entry = CHANNEL.latest.get(group);
      if (!entry || (!entry.given && own !== '')) {
        CHANNEL.latest.set(group, { text: own, given: own !== '' });
        if (entry) CHANNEL.dispatchEvent(new CustomEvent('state', { detail: { group, text: own, from: token } }));
      } else {
        text = entry.text;
      }
    }
    const generation = ++generations;
    starting = createApp(box, { views: viewsOf(model), hash: text, assetBase: assetBase(model), onRender: (a) => alive && generation === generations && writeBack(a) }).then((a) => {
      if (!alive || generation !== generations) { // cleaned up or remounted while the core started
        a?.dispose();
        return null;
      }
      app = a;
      // the group's state changed while this widget's core started
      if (a && group && CHANNEL.latest.get(group).text !== text) apply(CHANNEL.latest.get(group).text);
      return a;
    });
    return starting;
  }

  function stop() {
    generations++;
    app?.dispose();
    app = null;
    starting = null;
  }

  // `state` set by the host is the whole state; a single key changes that key
  const onState = () => { if (alive && !writing) apply(String(model.get('state') ?? '')); };
  const onKey = () => { if (alive && !writing) apply(stateText(model)); };
  const onRemount = () => {
    if (!alive) return;
    stop();
    start();
  };
  const onTheme = () => { if (alive) setTheme(); };
  const handlers = [
    ['change:state', onState],
    ...STATE_KEYS.map((key) => [`change:${key}`, onKey]),
    ...REMOUNT_KEYS.map((key) => [`change:${key}`, onRemount]),
    ['change:theme', onTheme],
  ];
  for (const [name, fn] of handlers) model.on(name, fn);
  CHANNEL.addEventListener('state', onGroup);
  setTheme();
  start();

  const cleanup = () => {
    if (!alive) return;
    alive = false;
    for (const [name, fn] of handlers) attempt(() => model.off(name, fn));
    CHANNEL.removeEventListener('state', onGroup);
    stop();
    host.remove();
  };
  // for a host or a test that waits for the views: el's widget, its app once started
  host.ttWidget = { get app() { return app; }, ready: () => starting, cleanup };
  return cleanup;
}

/**
 * A model for a plain page: the AnyWidget model interface (get, set, on,
 * off, save_changes) over a plain object, for
 * `widget.render({ model: createModel({ view: 'memory' }), el })`.
 * `save_changes` calls `onSave(state)` when given.
 */
export function createModel(initial = {}, onSave = null) {
  const data = { ...initial };
  const target = new EventTarget();
  const wrapped = new Map(); // listener -> its event handler
  return {
    get: (key) => data[key],
    set(key, value) {
      data[key] = value;
      target.dispatchEvent(new CustomEvent(`change:${key}`, { detail: value }));
    },
    on(name, fn) {
      const h = (e) => fn(e.detail);
      wrapped.set(fn, h);
      target.addEventListener(name, h);
    },
    off(name, fn) {
      if (wrapped.has(fn)) target.removeEventListener(name, wrapped.get(fn));
    },
    save_changes: () => onSave?.({ ...data }),
  };
}

/** The names `view` takes: the registry's (web/views/index.js). */
export const VIEW_NAMES = Object.freeze(Object.keys(VIEWS));
export { api };

export default { render };
