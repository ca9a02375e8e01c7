// Compute cost: the core's FLOPs per layer (Module.flops) with a bar each,
// and the forward pass timed in this browser on the page's own core build
// (SIMD128 where the engine has it) and on the scalar build, loaded from
// assets/tinytorch-scalar.js. Timing happens only when the student presses
// Measure (it blocks the tab for a few seconds and the scalar build is a
// download of its own). The timed networks are rebuilt from the same layer
// specs (in eval mode; their weights need not be the page's), so the page's
// model is never touched.

import { viridis, css } from '../draw/colormap.js';
import { formatNet } from '../state.js';
import { layersFromSpecs } from '../layers.js';
import { withGenerator } from '../seeds.js';
import { fmtFactor, fmtFlops, fmtInt, fmtLayer, fmtMs, fmtPct } from '../format.js';
import { el, isEmbed } from '../dom.js';

const WARMUPS = 3;
const SAMPLES = 15;
const SAMPLE_MIN_MS = 10; // repeat fast forwards so one sample is at least this long (timer resolution)
const BUDGET_MS = 2500; // per build: fewer samples for a network that is slow to run

/** The scalar build's API (a second core), loaded once per page by a classic <script src>. */
let scalarLoad = null;
function loadScalar(url) {
  if (globalThis.TINYTORCH_SCALAR) return Promise.resolve(globalThis.TINYTORCH_SCALAR);
  scalarLoad ??= new Promise((resolve, reject) => {
    const script = document.createElement('script');
    script.src = url;
    script.async = true;
    script.dataset.ttScalar = '';
    script.addEventListener('load', () => {
      if (globalThis.TINYTORCH_SCALAR) resolve(globalThis.TINYTORCH_SCALAR);
      else reject(new Error(`${url} loaded but did not provide the scalar build`));
    });
    script.addEventListener('error', () => {
      script.remove();
      reject(new Error(`could not load ${url}`));
    });
    document.head.append(script);
  }).catch((e) => {
    scalarLoad = null; // let a later Measure try again
    throw e;
  });
  return scalarLoad;
}

const nextTask = () => new Promise((r) => setTimeout(r, 0));

/**
 * Median time (ms) of one forward pass of `specs` on an input of `shape`,
 * with `api`. Everything made here is disposed here.
 */
async function timeForward(api, specs, shape, onProgress) {
  const layers = [];
  let net = null;
  let x = null;
  try {
    // any weights time the same: the fixed `timing` stream (web/seeds.js), one Generator per API instance
    withGenerator(api, 'timing', [], (generator) => {
      layers.push(...layersFromSpecs(api, specs, (s) => (s.kind === 'linear' ? { weights: generator } : {})));
      x = api.Tensor.randn(shape, { generator });
    });
    net = new api.Sequential(layers).eval();
    const run = () => net.forward(x).dispose();
    const timeReps = (n) => {
      const t0 = performance.now();
      for (let r = 0; r < n; r++) run();
      return performance.now() - t0;
    };
    let last = 0;
    for (let i = 0; i < WARMUPS; i++) {
      last = timeReps(1);
      if (last > BUDGET_MS / 4) break; // a slow network needs no more warming up
      await nextTask();
    }
    // How many forwards make one sample last SAMPLE_MIN_MS: grow until a
    // measured batch of runs is that long (a coarse timer may read 0 for one).
    let reps = 1;
    let batchMs = last;
    while (batchMs < SAMPLE_MIN_MS && reps < 1000) {
      reps = Math.min(1000, batchMs > 0.5 ? Math.ceil((reps * SAMPLE_MIN_MS) / batchMs) : reps * 8);
      batchMs = timeReps(reps);
      await nextTask();
    }
    const samples = Math.max(3, Math.min(SAMPLES, Math.floor(BUDGET_MS / Math.max(batchMs, 1e-3))));
    const times = [];
    for (let s = 0; s < samples; s++) {
      const t0 = performance.now();
      for (let r = 0; r < reps; r++) run();
      times.push((performance.now() - t0) / reps);
      onProgress?.(s + 1, samples);
      await nextTask(); // keep the page responsive between samples
    }
    times.sort((a, b) => a - b);
    const mid = times.length >> 1;
    const ms = times.length % 2 ? times[mid] : (times[mid - 1] + times[mid]) / 2;
    const info = api.backendInfo();
    return { ms, samples, reps, build: info.build, kernel: info.kernel };
  } finally {
    x?.dispose();
    if (net) net.dispose();
    else for (const l of layers) l.dispose();
  }
}

export function mountCost(host, app) {
  const level = isEmbed() ? 1 : 4; // under the lesson's own h3 for this topic
  // -- FLOPs table
  const tbody = el('tbody');
  const table = el('table', { className: 'cost-table', 'data-testid': 'cost-table' }, [
    el('caption', { text: 'Floating-point operations of one forward pass, per layer (counted by the core)' }),
    el('thead', {}, [el('tr', {}, [
      el('th', { scope: 'col', text: 'Layer' }),
      el('th', { scope: 'col', text: 'How' }),
      el('th', { scope: 'col', text: 'FLOPs' }),
      el('th', { scope: 'col', text: 'Share' }),
    ])]),
    tbody,
  ]);
  const totalFlops = el('span', { 'data-testid': 'cost-total-flops', className: 'cost-num' });
  const totalLine = el('p', { className: 'cost-total' }, ['Total per forward pass: ', totalFlops]);

  // -- timing
  const measureButton = el('button', { type: 'button', 'data-testid': 'measure', text: 'Measure' });
  const status = el('p', { className: 'cost-status', role: 'status', 'aria-live': 'polite', text: 'Nothing measured yet: press Measure to time this network (it also loads the scalar build, about 300 kB).' });
  const cells = {};
  const row = (key, label) => {
    cells[key] = {
      label: el('th', { scope: 'row', text: label }),
      kernel: el('td', { className: 'cost-kernel', 'data-label': 'kernel', text: '…' }),
      time: el('td', { 'data-testid': `time-${key}`, className: 'cost-num', 'data-label': 'time', text: '…' }),
      rate: el('td', { className: 'cost-num', 'data-label': 'GFLOP/s', text: '…' }),
    };
    const c = cells[key];
    return el('tr', {}, [c.label, c.kernel, c.time, c.rate]);
  };
  const timeTable = el('table', { className: 'cost-times', 'data-testid': 'cost-times' }, [
    el('caption', { text: 'Forward pass of this network in this browser (median)' }),
    el('thead', {}, [el('tr', {}, [
      el('th', { scope: 'col', text: 'Core build' }),
      el('th', { scope: 'col', text: 'Matmul kernel' }),
      el('th', { scope: 'col', text: 'Time' }),
      el('th', { scope: 'col', text: 'GFLOP/s' }),
    ])]),
    el('tbody', {}, [row('simd', 'This page\'s build'), row('scalar', 'Scalar build')]),
  ]);
  const speedup = el('span', { 'data-testid': 'speedup', className: 'cost-num cost-speedup', text: '…' });
  const speedupLine = el('p', { className: 'cost-speedup-line' }, ['Speedup of this page\'s build over scalar: ', speedup]);
  const note = el('p', { className: 'cost-note' });
  const stale = el('p', { className: 'cost-stale', hidden: '' });

  host.append(
    el(`h${level}`, { className: 'cost-title', text: 'FLOPs per layer, and the time they take here' }),
    // what Module.flops counts (js/module.js, js/linear.js; Dropout does not override it)
    el('p', { 'data-testid': 'cost-conventions', text: 'How the core counts (Module.flops): a Linear layer does 2 × rows × in × out floating-point operations, one multiply and one add each time a weight is used, so its FLOPs are 2 × its multiply-accumulates (MACs); the bias additions are not counted. torchinfo\'s "mult-adds" counts MACs, half of this figure. Every other layer counts 1 FLOP per element of its input: ReLU and the other activations, and Dropout too, even in evaluation mode, where it is the identity and passes its input through unchanged.' }),
    el('div', { className: 'table-wrap', role: 'region', tabindex: '0', 'aria-label': 'FLOPs per layer (table)' }, [table]),
    totalLine,
    el(`h${level + 1}`, { className: 'cost-subtitle', text: 'Measured here: SIMD against scalar' }),
    el('p', { text: 'The same layers, rebuilt in evaluation mode, run forward on a random batch of the same shape: first with this page\'s core, then with the scalar build of the same C code (loaded when you measure).' }),
    el('div', { className: 'cost-measure' }, [measureButton]),
    status,
    el('div', { className: 'table-wrap', role: 'region', tabindex: '0', 'aria-label': 'Measured times (table)' }, [timeTable]),
    speedupLine,
    stale,
    note,
  );

  let measuring = false;
  let measured = null; // { key, ... } of the last measurement
  let lastKey = '';

  // What a measurement depends on: the layers (Dropout's p does nothing in
  // eval mode, so dragging it does not make the times stale) and the input shape.
  const keyOf = (model) => `${formatNet(model.state.net.map((s) => (s.kind === 'dropout' ? { ...s, p: 0 } : s)))}|${model.input?.shape?.join('x')}`;

  function setRow(key, result, flops) {
    const c = cells[key];
    if (!result) {
      c.kernel.textContent = '—';
      c.time.textContent = '—';
      c.rate.textContent = '—';
      return;
    }
    c.label.textContent = key === 'simd' ? `This page's build (${result.build})` : `Scalar build (${result.build})`;
    c.kernel.textContent = result.kernel;
    c.time.textContent = fmtMs(result.ms);
    c.rate.textContent = fmtFactor(flops / (result.ms * 1e6)); // FLOPs per ms / 1e6 = GFLOP/s
  }

  function showStale() {
    const model = app.model;
    stale.hidden = !(measured && model && measured.key !== keyOf(model));
    stale.textContent = 'These times were measured for an earlier network or batch: press Measure to time this one.';
  }

  async function measure() {
    if (measuring) return;
    const model = app.model;
    if (!model) return;
    if (model.error) {
      status.textContent = `Nothing to time: the network does not chain (layer ${model.error.index}: ${model.error.message}).`;
      return;
    }
    if (!model.input) return;
    measuring = true;
    measureButton.setAttribute('aria-disabled', 'true'); // stays focusable; clicks wait for this run
    const specs = model.state.net.map((s) => ({ ...s }));
    const shape = model.input.shape;
    const flops = model.totals.flops;
    const key = keyOf(model);
    const info = app.api.backendInfo();
    for (const k of ['simd', 'scalar']) {
      cells[k].time.textContent = '…';
      cells[k].rate.textContent = '…';
    }
    speedup.textContent = '…';
    try {
      const progress = (name) => (i, n) => { status.textContent = `Timing ${name}: run ${i} of ${n}…`; };
      let page = null;
      let scalar = null;
      const problems = [];
      try {
        page = await timeForward(app.api, specs, shape, progress(`this page's build (${info.build})`));
        setRow('simd', page, flops);
      } catch (e) {
        problems.push(`this page's build failed: ${e.message}`);
        setRow('simd', null);
      }
      try {
        status.textContent = 'Loading the scalar build…';
        const scalarApi = await loadScalar(app.assetUrl('tinytorch-scalar.js'));
        scalar = await timeForward(scalarApi, specs, shape, progress('the scalar build'));
        setRow('scalar', scalar, flops);
      } catch (e) {
        problems.push(`the scalar build could not be loaded or run (${e.message}), so there is no speedup to show`);
        setRow('scalar', null);
      }
      if (page && scalar) {
        speedup.textContent = `×${fmtFactor(scalar.ms / page.ms)}`;
      } else {
        speedup.textContent = '—';
      }
      status.textContent = problems.length
        ? `${problems.join('; ')}.`.replace(/^./, (c) => c.toUpperCase())
        : `Done: the median of ${page.samples} (this page) and ${scalar.samples} (scalar) timed samples after warm-up${page.reps > 1 || scalar.reps > 1 ? `; a sample repeats the forward pass (${page.reps}× and ${scalar.reps}×) so it lasts at least ${SAMPLE_MIN_MS} ms, well above the browser timer's resolution` : ''}. ${fmtFlops(flops)} per forward pass.`;
      if (page) {
        note.textContent = info.build === 'simd'
          ? `This page runs the SIMD128 build (kernel "${page.kernel}")${scalar ? `; the scalar build uses kernel "${scalar.kernel}"` : ''}. Times vary from run to run and machine to machine; press Measure again to see the spread.`
          : `This browser does not run WebAssembly SIMD128, so the page itself uses the scalar build (kernel "${page.kernel}") and both rows time scalar code.`;
      }
      measured = { key };
    } finally {
      measuring = false;
      measureButton.removeAttribute('aria-disabled');
      showStale();
    }
  }

  measureButton.addEventListener('click', () => { measure(); });

  return {
    update(model) {
      showStale();
      const key = JSON.stringify([model.layers.map((r) => [r.spec, r.flops, r.shape]), model.totals.flops, model.input?.shape, model.error?.message ?? null]);
      if (key !== lastKey) {
        lastKey = key;
        const total = model.totals.flops;
        const rows = model.layers.map((r) => {
          const inShape = r.index === 0 ? model.input?.shape : model.layers[r.index - 1].shape;
          let how = '—';
          let howAnswer = null; // an element-wise layer's "how" is its input's shape: the output shape of the layer before
          if (r.output && inShape) {
            if (r.spec.kind === 'linear') {
              const rowsIn = inShape.slice(0, -1).reduce((a, b) => a * b, 1);
              how = `2 × ${fmtInt(rowsIn)} × ${fmtInt(r.spec.in)} × ${fmtInt(r.spec.out)}`;
            } else {
              how = `${inShape.map(fmtInt).join(' × ')} elements`;
              howAnswer = r.index > 0 ? 'shapes' : null; // the input's shape is no question's answer
            }
          }
          const share = total > 0 ? (100 * r.flops) / total : 0;
          const fill = el('span', { className: 'cost-bar-fill' });
          fill.style.width = `${Math.min(100, share)}%`;
          fill.style.background = css(viridis(0.55));
          return el('tr', { 'data-index': String(r.index) }, [
            el('th', { scope: 'row', text: `${r.index}: ${fmtLayer(r.spec)}` }),
            el('td', { className: 'cost-how', 'data-answer': r.error ? null : howAnswer, text: r.error ? 'does not run' : how }),
            el('td', { className: 'cost-num cost-flops', text: r.output ? fmtInt(r.flops) : '—' }),
            el('td', { className: 'cost-share' }, [
              el('span', { className: 'cost-bar', 'aria-hidden': 'true' }, [fill]),
              el('span', { className: 'cost-num', text: r.output ? fmtPct(r.flops, total) : '—' }),
            ]),
          ]);
        });
        tbody.replaceChildren(...rows);
        totalFlops.textContent = `${fmtInt(total)} FLOPs = ${fmtFlops(total)}${model.error ? ` (only the layers before layer ${model.error.index}, which does not chain)` : ''}`;
        if (model.error && !measuring) {
          status.textContent = `Nothing to time: the network does not chain (layer ${model.error.index}: ${model.error.message}).`;
        } else if (!measuring && status.textContent.startsWith('Nothing to time')) {
          status.textContent = '';
        }
      }
    },
  };
}
