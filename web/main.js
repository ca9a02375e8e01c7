// The lesson page's entry: the classic-script bundle (assets/tinytorch-page.js)
// starts here. It owns the state, the input batch, the model and the render
// loop, and mounts whichever views a page contains: the full lesson
// (index.html), one view in an iframe (embed.html?view=dropout), or a
// <tt-view view="dropout"> element on any page that loads the script
// (in a shadow root; several with one group="..." share one app).
//
// Views draw; the core computes: the numbers a view shows come from the
// js/ API (tensors, stats, summary, the layers' own counts) and are
// formatted by web/format.js; what views still work out themselves is
// layout and counting (which cells to draw, shares of a total).

import * as api from '../js/api.js';
import { readHash, writeHash, classifyHash, defaults, LIMITS } from './state.js';
import { BUDGET, estimateWork, overBudget } from './budget.js';
import { NetworkModel } from './network.js';
import { fashionStart as firstImage, withGenerator } from './seeds.js';
import { VIEWS } from './views/index.js';
import { DATASETS } from './data/datasets.js';
import { sampleOf, loadSample } from './data/samples.js';
import { createViewScheduler } from './lazy-views.js';

// Where this bundle was loaded from, so assets next to it (the scalar
// bundle) resolve on any host, from file://, and on third-party pages.
const SCRIPT_SRC = globalThis.document?.currentScript?.src ?? globalThis.location?.href ?? '';


/** Where the weights the views show come from (app.weights.source). */
export const WEIGHT_SOURCES = Object.freeze(['initial', 'trained', 'compare', 'imported']);
const INITIAL_WEIGHTS = Object.freeze({ source: 'initial', label: 'initial weights' });

/** Index of the first image of the batch: the seed picks which slice of the sample is shown (web/seeds.js). */
export const imageStart = (state, data) => firstImage(state.seed, state.batch, data.count);

/** The input batch for a state, as a Tensor [batch, features] (owned by the caller). */
function makeInput(state, data) {
  const first = state.net[0];
  if (state.input === 'data' && data) {
    const n = Math.min(state.batch, data.count);
    const px = data.features;
    const start = imageStart(state, data);
    const values = data.pixels.subarray(start * px, (start + n) * px);
    // pixels 0..255 become [0, 1] by the core's division; the student's data is normalised already (scale 1)
    if (data.scale === 1) return new api.Tensor(Float32Array.from(values), { shape: [n, px] });
    return api.tidy(() => new api.Tensor(Float32Array.from(values), { shape: [n, px] }).div(data.scale));
  }
  const features = first?.kind === 'linear' ? first.in : 784;
  return withGenerator(api, 'input', [state.seed], (generator) => api.Tensor.randn([state.batch, features], { generator }));
}

/** The views a name list asks for: "editor,dropout" or ["editor", "dropout"], at most one of each. */
function viewNames(list) {
  const names = (Array.isArray(list) ? list : [list]).flatMap((v) => String(v ?? '').split(',')).map((v) => v.trim()).filter(Boolean);
  return [...new Set(names)].slice(0, Object.keys(VIEWS).length + 4);
}

/** A view's mount function, looked up as an own property only (so "constructor" or "__proto__" is just an unknown name). */
const mountFor = (name) => (Object.hasOwn(VIEWS, name) ? VIEWS[name] : null);

/**
 * Say on the page that WebAssembly could not start, and what the page's
 * host can do about it. The usual cause is a Content-Security-Policy whose
 * script-src lacks 'wasm-unsafe-eval'.
 */
function showStartFailure(root, error) {
  const box = noticeBox(root);
  const message = String(error?.message ?? error).slice(0, 300);
  const csp = /Content Security Policy|unsafe-eval|CompileError|wasm/i.test(message);
  const lines = [
    'This view could not start: the browser refused to run its WebAssembly core, so nothing can be computed here.',
    csp
      ? 'The page that shows it sends a Content-Security-Policy that does not allow WebAssembly. Whoever runs the site can fix it by adding \'wasm-unsafe-eval\' to the policy\'s script-src, for example: script-src \'self\' \'wasm-unsafe-eval\'.'
      : 'This browser may not support WebAssembly, or has it switched off.',
    `The browser said: ${message}`,
  ];
  box.replaceChildren(...lines.map((text) => Object.assign(document.createElement('p'), { textContent: text })));
  box.hidden = false;
  box.dataset.startFailed = '';
}

/** The notice box of `root`: its [data-notices] element, or a new one at its top. */
function noticeBox(root) {
  let box = root.querySelector('[data-notices]');
  if (!box) {
    box = document.createElement('div');
    box.className = 'notices';
    box.dataset.notices = '';
    box.setAttribute('role', 'status');
    box.setAttribute('aria-live', 'polite');
    box.hidden = true;
    root.prepend(box);
  }
  return box;
}

/**
 * Start an app in `root`. opts: { views: names to mount into root (default:
 * every [data-view] element in root), hash: initial state text, syncHash:
 * keep location.hash in step (the full page only) }. Resolves to the app,
 * or to null when WebAssembly cannot start (a notice in root says why).
 */
export async function createApp(root, opts = {}) {
  try {
    await api.init();
  } catch (e) {
    showStartFailure(root, e);
    return null;
  }
  const parsed = readHash(opts.hash ?? '');
  const assetUrl = (file) => new URL(file, opts.assetBase ?? SCRIPT_SRC).href;
  // index.html and embed.html carry MNIST's sample only: a link to another
  // dataset loads its sample before the first render (the first input shown is that dataset's)
  const first = parsed.state;
  if (first.input === 'data' && Object.hasOwn(DATASETS, first.data) && !sampleOf(first.data)) await loadSample(first.data, assetUrl);
  const app = {
    api,
    root,
    state: parsed.state,
    notices: [...parsed.notices],
    model: null,
    /** The student's own data (web/data/user-data.js: { summary, sample, train, test, ... }), in memory only, or null. */
    userData: null,
    /** The chosen dataset's sample shown as the input batch (model.images without `start`), or null. */
    get images() { return sampleOf(app.state.data, app.userData); },
    views: [],
    /** What one state may cost (web/budget.js); a state over it is refused with a notice. */
    budget: { ...BUDGET },
    /** Merge a patch into the state, update the URL, re-render on the next frame. */
    setState(patch) {
      app.state = { ...app.state, ...patch };
      if (opts.syncHash) scheduleHash();
      schedule();
    },
    /**
     * Which weights the page's network shows: { source: 'initial' | 'trained'
     * | 'compare' | 'imported', label, epoch? } (web/network.js setWeights).
     */
    weights: INITIAL_WEIGHTS,
    /**
     * Show other weights than the seeded init in every view: `dict` maps the
     * network's parameter names (Sequential.namedParameters(): "0.weight",
     * "0.bias", ...) to { shape, data: Float32Array } (copied; checked against
     * the current network: a TypeError, RangeError or ShapeError names what
     * does not fit, and nothing changes). null: back to the initial weights.
     * meta: { source ('trained', 'compare' or 'imported'), label, epoch }.
     * The weights stay while the network's Linears keep their shapes (Dropout's
     * p and the activations may change); an edit that changes them goes back
     * to the init, with a notice. Returns app.weights.
     */
    useWeights(dict, meta = {}) {
      if (dict === null || dict === undefined) {
        model.setWeights(null);
        app.weights = INITIAL_WEIGHTS;
      } else {
        const source = meta?.source ?? 'imported';
        if (!WEIGHT_SOURCES.includes(source) || source === 'initial') {
          throw new RangeError(`useWeights: source must be one of ${WEIGHT_SOURCES.filter((s) => s !== 'initial').join(', ')}, got ${JSON.stringify(source)}`);
        }
        if (meta.epoch !== undefined && !(Number.isInteger(meta.epoch) && meta.epoch >= 0)) {
          throw new RangeError(`useWeights: epoch must be a non-negative integer, got ${meta.epoch}`);
        }
        model.setWeights(dict, app.state, app.layerImpl);
        const w = { source, label: String(meta.label ?? source).slice(0, 200) };
        if (meta.epoch !== undefined) w.epoch = meta.epoch;
        app.weights = Object.freeze(w);
      }
      schedule();
      return app.weights;
    },
    /**
     * Functions called before every render, before the network runs (the
     * training session follows the state and picks the weights to show):
     * what they change is in the render that follows.
     */
    renderHooks: new Set(),
    /** Re-render without a state change (e.g. after a view's own work). */
    refresh: () => schedule(),
    /** URL of a file in the assets folder next to this script (opts.assetBase: another folder, e.g. for the widget module). */
    assetUrl,
    /**
     * A promise that resolves once the pending render (if any) has run and
     * every view shows the current model, off-screen ones included.
     */
    settled() {
      return new Promise((ok) => {
        const check = () => {
          if (pending || samplesLoading.size) { raf(check); return; }
          viewScheduler.flush();
          ok();
        };
        if (disposed) { ok(); return; }
        check();
      });
    },
    /** How many views wait for a catch-up (off screen since the last render), and pieces of postponed work. */
    get staleViews() { return viewScheduler.staleCount; },
    /** Run a view's heavy `fn` once the page is quiet (web/lazy-views.js later); the latest per key wins. */
    whenQuiet: (key, fn) => viewScheduler.later(key, fn),
    /** Mount views by name into `container` (each in a new div); unknown names become a notice. */
    mountViews(names, container = root) {
      for (const name of viewNames(names)) mountView(name, container);
      containers.add(container);
      schedule();
    },
  };
  /**
   * Stop and free everything: the training session, each view's own
   * resources (a view's optional dispose()), the observers and timers, the
   * network's tensors. The app renders nothing afterwards (the widget's
   * cleanup: web/widget.js).
   */
  app.dispose = () => {
    if (disposed) return;
    disposed = true;
    clearTimeout(hashTimer);
    const t = app.training; // web/train/controller.js: stop it without telling its (gone) views
    if (t) {
      t.request++;
      t.listeners.clear();
      t.status = 'idle';
      clearTimeout(t.rebuildTimer);
      t.trainer?.dispose();
      t.trainer = null;
    }
    for (const v of app.views) v.dispose?.();
    viewScheduler.dispose();
    model.dispose();
    app.model = null;
    const list = globalThis.__tinytorchApps ?? [];
    if (list.includes(app)) list.splice(list.indexOf(app), 1);
  };
  let disposed = false;
  // A handle for the browser tests and for curious students' devtools.
  (globalThis.__tinytorchApps ??= []).push(app);
  const model = new NetworkModel(api);
  const containers = new Set([root]);
  let accepted = null; // the last state that was built and run
  let pending = false;
  const raf = globalThis.requestAnimationFrame?.bind(globalThis) ?? ((f) => setTimeout(f, 0));
  // Views off screen wait for a catch-up (web/lazy-views.js).
  const viewScheduler = createViewScheduler({
    update(v) {
      const tv = performance.now();
      v.update(app.model, app);
      performance.measure(`tt-view:${v.name ?? 'view'}`, { start: tv, end: performance.now() });
    },
    after() {
      labelScrollRegions();
      markComplete();
    },
    // training runs: the off-screen views catch up when it stops or when they scroll into view
    busy: () => app.training?.status === 'playing',
  });
  // When every view first shows the model (below the fold too), for bench/page.mjs.
  let complete = false;
  function markComplete() {
    if (complete || viewScheduler.staleCount > 0) return;
    complete = true;
    performance.mark('tt-views-complete');
  }

  /** The built-in datasets whose sample script is loading (settled() waits for them). */
  const samplesLoading = new Set();

  /** Build and run `state`; on failure the previous network is run again and a notice says so. */
  function run(state) {
    if (state.data === 'own' && !app.userData) {
      // a link cannot carry the student's file: data=own with nothing loaded falls back to the default
      app.notices.push('The link asks for your own data, which stays on the machine where it was loaded and is not in the link; the MNIST digits are used instead. Load a file in the editor\'s settings.');
      return run({ ...state, data: 'mnist' });
    }
    const images = sampleOf(state.data, app.userData);
    if (!images && state.input === 'data' && Object.hasOwn(DATASETS, state.data)) {
      // a host page without the dataset's <script>: load it, and render again
      const key = state.data;
      if (!samplesLoading.has(key)) {
        samplesLoading.add(key);
        loadSample(key, app.assetUrl).then((s) => { samplesLoading.delete(key); if (s) schedule(); });
      }
    }
    const refusal = overBudget(estimateWork(api, state, { features: images ? images.features : null }), app.budget);
    if (refusal) {
      const fallback = accepted ?? defaults();
      app.notices.push(`${refusal} ${accepted ? 'The previous network is still shown.' : 'The lesson\'s default network is shown instead.'}`);
      return run(fallback);
    }
    try {
      const input = makeInput(state, images);
      // app.layerImpl: the student's Linear / Dropout when Build's "use my layers" is on (web/views/build/use.js)
      const result = model.run(state, input, app.layerImpl); // its summaryText is made when a view first reads it
      accepted = state;
      return result;
    } catch (e) {
      if (!accepted || accepted === state) throw e;
      app.notices.push(`The network could not be built (${String(e.message).slice(0, 200)}). The previous network is still shown, unchanged.`);
      return run(accepted);
    }
  }

  function render() {
    // (still pending: a hook's setState or useWeights joins this render)
    for (const hook of app.renderHooks) {
      try {
        hook(app);
      } catch (e) {
        app.notices.push(`${String(e?.message ?? e).slice(0, 200)}`);
      }
    }
    pending = false;
    if (disposed) return;
    const t0 = performance.now();
    const before = app.state;
    app.model = run(app.state);
    if (app.model.weightsDropped && app.weights.source !== 'initial') {
      app.notices.push(`The ${app.weights.label} do not fit the edited network (a Linear's size changed): the views show the initial weights.`);
      app.weights = INITIAL_WEIGHTS;
    }
    app.model.weights = app.weights;
    if (app.model.state !== before) {
      app.state = app.model.state; // refused: the views and the URL show what runs
      if (opts.syncHash) scheduleHash();
    }
    app.model.images = app.state.input === 'data' && app.images ? { ...app.images, start: imageStart(app.state, app.images) } : null;
    const t1 = performance.now();
    performance.measure('tt-forward', { start: t0, end: t1 });
    viewScheduler.render(); // the views on screen; the others when they scroll in or the page is quiet
    labelScrollRegions();
    showNotices();
    // One measure per render (forward pass + the views on screen), for bench/page.mjs.
    performance.measure('tt-render', { start: t0, end: performance.now() });
    markComplete();
    opts.onRender?.(app); // the widget writes the state back to its host's model
  }

  // The URL follows the state, but at most every 200 ms: replaceState costs
  // milliseconds, too much to pay on every frame of a slider drag.
  let hashTimer = null;
  function scheduleHash() {
    if (hashTimer !== null) return;
    hashTimer = setTimeout(() => {
      hashTimer = null;
      const hash = writeHash(app.state);
      if (hash === location.hash || (hash === '' && location.hash === '')) return;
      try {
        history.replaceState(null, '', hash || location.pathname + location.search);
      } catch {
        // sandboxed or opaque origins may refuse; the state still applies
      }
    }, 200);
  }

  function schedule() {
    if (pending || disposed) return;
    pending = true;
    raf(render);
  }

  // A table that can scroll sideways (narrow screens) must be reachable and
  // scrollable from the keyboard: a focusable region named by its caption.
  function labelScrollRegions() {
    for (const c of containers) {
      // (data-tt-scroll: labelled here, so relabelled when a view that
      // caught up later has given its table a caption)
      for (const wrap of c.querySelectorAll('.table-wrap:not([tabindex]), .table-wrap[data-tt-scroll]')) {
        wrap.tabIndex = 0;
        wrap.setAttribute('role', 'region');
        wrap.dataset.ttScroll = '';
        const caption = wrap.querySelector('caption')?.textContent?.trim();
        const label = caption ? `${caption} (scrollable)` : 'Scrollable table';
        if (wrap.getAttribute('aria-label') !== label) wrap.setAttribute('aria-label', label);
      }
    }
  }

  const box = noticeBox(root);
  function showNotices() {
    box.replaceChildren(...app.notices.map((text) => {
      const p = document.createElement('p');
      p.textContent = text; // text, never markup: the notice may quote the link
      return p;
    }));
    box.hidden = app.notices.length === 0;
  }

  function mountView(name, container) {
    const mount = mountFor(name);
    if (!mount) {
      app.notices.push(`There is no view called "${String(name).slice(0, 30)}". The views are: ${Object.keys(VIEWS).join(', ')}.`);
      return;
    }
    const host = document.createElement('div');
    host.className = `tt-view tt-view-${name}`;
    container.append(host);
    const view = mount(host, app);
    view.name ??= name; // for the per-view measures bench/page.mjs reports
    app.views.push(view);
    viewScheduler.add(view, host);
  }

  if (opts.views) {
    app.mountViews(opts.views, root);
  } else {
    for (const el of root.querySelectorAll('[data-view]')) mountView(el.dataset.view, el);
  }
  if (opts.syncHash) {
    addEventListener('hashchange', () => {
      // a plain anchor (the table of contents, "Skip to the lesson") only scrolls
      const h = classifyHash(location.hash, hasElement);
      if (h.kind === 'anchor') return;
      const next = readHash(h.text);
      app.state = next.state;
      app.notices = next.notices;
      schedule();
    });
  }
  render();
  return app;
}

const hasElement = (id) => document.getElementById(id) !== null;

/** The lesson state a page's own location.hash carries ('' when it is a plain anchor). */
export function stateOfHash(hash) {
  const h = classifyHash(hash, hasElement);
  return h.kind === 'state' ? h.text : '';
}

/**
 * <tt-view view="dropout" state="net=...&batch=8" group="g">: views
 * anywhere the script is loaded. Each element draws in its own shadow root
 * with assets/view.css, so the host page's styles and the views' styles
 * stay apart; elements with the same group share one app (one network, one
 * state); the first of a group gives the state.
 */
const groups = new Map(); // group name -> Promise<app | null>
function defineElement() {
  if (!globalThis.customElements || customElements.get('tt-view')) return;
  customElements.define('tt-view', class TTView extends HTMLElement {
    connectedCallback() {
      if (this.started) return;
      this.started = true;
      const shadow = this.shadowRoot ?? this.attachShadow({ mode: 'open' });
      const link = document.createElement('link');
      link.rel = 'stylesheet';
      link.href = new URL('view.css', SCRIPT_SRC).href;
      const box = document.createElement('div');
      box.className = 'tt-root';
      shadow.append(link, box);
      const views = viewNames(this.getAttribute('view') ?? 'dropout');
      const hash = this.getAttribute('state') ?? '';
      const group = this.getAttribute('group');
      if (!group) {
        createApp(box, { views, hash });
        return;
      }
      if (!groups.has(group)) groups.set(group, createApp(box, { views: [], hash }));
      groups.get(group).then((app) => {
        if (app) app.mountViews(views, box);
        else showStartFailure(box, 'WebAssembly did not start for this group');
      });
    }
  });
}
// The widget module (web/widget.js, built with TT_WIDGET_BUILD defined) uses
// createApp only: no <tt-view> element and no autostart from it.
const WIDGET_BUILD = typeof TT_WIDGET_BUILD !== 'undefined' && TT_WIDGET_BUILD; // eslint-disable-line no-undef
if (!WIDGET_BUILD) defineElement();

export { api, defaults, LIMITS };

/**
 * The embed's size protocol: embed.html posts
 *   { type: 'tinytorch-wasm:size', version: 1, height, width }
 * (css px of its document) to its parent whenever its content changes size,
 * so a host page (assets/embed-host.js) can set the iframe's height.
 */
function postSize() {
  if (globalThis.parent === globalThis || !globalThis.ResizeObserver) return;
  let last = -1;
  const send = () => {
    const rect = document.documentElement.getBoundingClientRect();
    const height = Math.ceil(rect.height);
    if (height === last) return;
    last = height;
    parent.postMessage({ type: 'tinytorch-wasm:size', version: 1, height, width: Math.ceil(rect.width) }, '*');
  };
  new ResizeObserver(send).observe(document.documentElement);
  send();
}

/** Start what the page asks for: <html data-app="lesson"> or <html data-app="embed">. */
function autostart() {
  const mode = document.documentElement.dataset.app;
  if (mode === 'lesson') {
    createApp(document.body, { hash: stateOfHash(location.hash), syncHash: true });
  } else if (mode === 'embed') {
    const query = new URLSearchParams(location.search);
    const views = query.getAll('view');
    query.delete('view');
    const main = document.querySelector('main') ?? document.body;
    createApp(main, { views: views.length ? views : ['dropout'], hash: query.toString() }).then((app) => {
      // each view titles itself with the page's h1; with none, the page still needs one
      if (!app || app.views.length === 0) main.prepend(Object.assign(document.createElement('h1'), { textContent: 'tinytorch-wasm: no view to show' }));
      postSize(); // from the first render on: the empty page's height means nothing to the host
    });
  }
}
if (globalThis.document && !WIDGET_BUILD) autostart();
