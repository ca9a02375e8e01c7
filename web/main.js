// The lesson page's entry: the classic-script bundle (assets/tinytorch-page.js)
// starts here. It owns the state, the input batch, the model and the render
// loop, and mounts whichever views a page contains: the full lesson
// (index.html), one view in an iframe (embed.html?view=dropout), or a
// <tt-view view="dropout"> element on any page that loads the script.
//
// Views draw; the core computes: the numbers a view shows come from the
// js/ API (tensors, stats, summary, the layers' own counts) and are
// formatted by web/format.js; what views still work out themselves is
// layout and counting (which cells to draw, shares of a total).

import * as api from '../js/api.js';
import { readHash, writeHash, defaults, LIMITS } from './state.js';
import { NetworkModel } from './network.js';
import { fashionStart as firstImage, withGenerator } from './seeds.js';
import { VIEWS } from './views/index.js';

// Where this bundle was loaded from, so assets next to it (the scalar
// bundle) resolve on any host, from file://, and on third-party pages.
const SCRIPT_SRC = globalThis.document?.currentScript?.src ?? globalThis.location?.href ?? '';

const FASHION_CLASSES = ['T-shirt/top', 'Trouser', 'Pullover', 'Dress', 'Coat', 'Sandal', 'Shirt', 'Sneaker', 'Bag', 'Ankle boot'];

/** The Fashion-MNIST sample shipped as assets/fashion-data.js (a classic script), decoded once. */
function fashionData() {
  const raw = globalThis.TT_FASHION_DATA;
  if (!raw) return null;
  if (!raw.decoded) {
    const bin = atob(raw.pixels);
    const pixels = new Uint8Array(bin.length);
    for (let i = 0; i < bin.length; i++) pixels[i] = bin.charCodeAt(i);
    raw.decoded = { count: raw.count, rows: raw.rows, cols: raw.cols, labels: Uint8Array.from(raw.labels), pixels, classes: FASHION_CLASSES };
  }
  return raw.decoded;
}

/** Index of the first image of the batch: the seed picks which slice of the sample is shown (web/seeds.js). */
export const fashionStart = (state, data) => firstImage(state.seed, state.batch, data.count);

/** The input batch for a state, as a Tensor [batch, features] (owned by the caller). */
function makeInput(state) {
  const first = state.net[0];
  const data = state.input === 'fashion' ? fashionData() : null;
  if (data) {
    const n = Math.min(state.batch, data.count);
    const px = data.rows * data.cols;
    const start = fashionStart(state, data);
    const bytes = data.pixels.subarray(start * px, (start + n) * px);
    // pixels 0..255 become [0, 1] by the core's division
    return api.tidy(() => new api.Tensor(Float32Array.from(bytes), { shape: [n, px] }).div(255));
  }
  const features = first?.kind === 'linear' ? first.in : 784;
  return withGenerator(api, 'input', [state.seed], (generator) => api.Tensor.randn([state.batch, features], { generator }));
}

/**
 * Start an app in `root`. opts: { views: names to mount (default: every
 * [data-view] element in root), hash: initial state text, syncHash: keep
 * location.hash in step (the full page only) }.
 */
export async function createApp(root, opts = {}) {
  await api.init();
  const parsed = readHash(opts.hash ?? '');
  const app = {
    api,
    root,
    state: parsed.state,
    notices: [...parsed.notices],
    model: null,
    fashion: fashionData(),
    views: [],
    /** Merge a patch into the state, update the URL, re-render on the next frame. */
    setState(patch) {
      app.state = { ...app.state, ...patch };
      if (opts.syncHash) scheduleHash();
      schedule();
    },
    /** Re-render without a state change (e.g. after a view's own work). */
    refresh: () => schedule(),
    /** URL of a file in the assets folder next to this script. */
    assetUrl: (file) => new URL(file, SCRIPT_SRC).href,
  };
  // A handle for the browser tests and for curious students' devtools.
  (globalThis.__tinytorchApps ??= []).push(app);
  const model = new NetworkModel(api);
  let pending = false;

  function render() {
    pending = false;
    const t0 = performance.now();
    const input = makeInput(app.state);
    app.model = model.run(app.state, input); // its summaryText is made when a view first reads it
    app.model.fashion = app.state.input === 'fashion' && app.fashion ? { ...app.fashion, start: fashionStart(app.state, app.fashion) } : null;
    for (const v of app.views) v.update(app.model, app);
    labelScrollRegions();
    showNotices();
    // One measure per render (forward pass + every view), for bench/page.mjs.
    performance.measure('tt-render', { start: t0, end: performance.now() });
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
    if (pending) return;
    pending = true;
    const raf = globalThis.requestAnimationFrame ?? ((f) => setTimeout(f, 0));
    raf(render);
  }

  // A table that can scroll sideways (narrow screens) must be reachable and
  // scrollable from the keyboard: a focusable region named by its caption.
  function labelScrollRegions() {
    for (const wrap of root.querySelectorAll('.table-wrap:not([tabindex])')) {
      wrap.tabIndex = 0;
      wrap.setAttribute('role', 'region');
      const caption = wrap.querySelector('caption')?.textContent?.trim();
      wrap.setAttribute('aria-label', caption ? `${caption} (scrollable)` : 'Scrollable table');
    }
  }

  function showNotices() {
    const box = root.querySelector('[data-notices]');
    if (!box) return;
    box.replaceChildren(...app.notices.map((text) => {
      const p = document.createElement('p');
      p.textContent = text; // text, never markup: the notice may quote the link
      return p;
    }));
    box.hidden = app.notices.length === 0;
  }

  const names = opts.views ?? [...root.querySelectorAll('[data-view]')].map((el) => el.dataset.view);
  for (const name of names) {
    const mount = VIEWS[name];
    const el = opts.views ? root : root.querySelector(`[data-view="${name}"]`);
    if (!mount) {
      app.notices.push(`There is no view called "${String(name).slice(0, 30)}".`);
      continue;
    }
    const host = document.createElement('div');
    host.className = `tt-view tt-view-${name}`;
    el.append(host);
    app.views.push(mount(host, app));
  }
  if (opts.syncHash) {
    addEventListener('hashchange', () => {
      const next = readHash(location.hash);
      app.state = next.state;
      app.notices = next.notices;
      schedule();
    });
  }
  render();
  return app;
}

/** <tt-view view="dropout" state="net=...&batch=8">: one view, anywhere the script is loaded. */
function defineElement() {
  if (!globalThis.customElements || customElements.get('tt-view')) return;
  customElements.define('tt-view', class TTView extends HTMLElement {
    connectedCallback() {
      if (this.started) return;
      this.started = true;
      createApp(this, { views: [this.getAttribute('view') ?? 'dropout'], hash: this.getAttribute('state') ?? '' });
    }
  });
}
defineElement();

export { api, defaults, LIMITS };

/** Start what the page asks for: <html data-app="lesson"> or <html data-app="embed">. */
function autostart() {
  const mode = document.documentElement.dataset.app;
  if (mode === 'lesson') {
    createApp(document.body, { hash: location.hash, syncHash: true });
  } else if (mode === 'embed') {
    const query = new URLSearchParams(location.search);
    const view = query.get('view') ?? 'dropout';
    query.delete('view');
    createApp(document.querySelector('main') ?? document.body, { views: [view], hash: query.toString() });
  }
}
if (globalThis.document) autostart();
