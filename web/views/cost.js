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
import { el, tableRegion, viewLevel } from '../dom.js';
import { setupCanvas } from '../draw/charts.js';
// the bench's native figures (bench/native-figures.mjs writes it; the build bundles it)
import nativeFigures from '../../bench/native-figures.json' with { type: 'json' };

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

// ---- throughput against batch size (the lesson's Reflect question)

/** The lesson MLP the curve times (the network the lesson's NumPy figures and the bench's are for). */
export const CURVE_NET = [784, 256, 128, 10];
export const CURVE_BATCHES = [1, 2, 4, 8, 16, 32, 64, 128, 256];
const SLICE_MS = 8; // one slice of calls, then the page gets the thread back (a long task is > 50 ms)
const CURVE_SAMPLES = 5; // slices timed per point, after one warm-up slice
/** The lesson's NumPy figures (its Reflect question), samples per second. */
export const LESSON_NUMPY = [{ batch: 1, perSec: 800 }, { batch: 32, perSec: 10000 }];

const yieldToPage = () => new Promise((r) => setTimeout(r, 0));

/**
 * Samples per second of the lesson MLP's forward pass (eval mode) and of
 * its training step (forward with Dropout, cross-entropy, backward, SGD)
 * at each batch of CURVE_BATCHES, with `api`, in slices of about SLICE_MS
 * (each slice repeats the call until that much time has passed, then
 * yields to the page). Returns { points: [{ batch, forward, step }] with
 * { perSec, msPerCall, calls } each, maxSliceMs }. Everything made here is
 * disposed here.
 */
export async function measureThroughput(api, onProgress, isStale = () => false) {
  const made = [];
  let maxSliceMs = 0;
  let maxSliceAt = '';
  let where = '';
  let slices = 0;
  let over = 0; // slices longer than a long task (50 ms): on a busy machine one call can be
  const slice = (fn) => {
    const t0 = performance.now();
    let calls = 0;
    let ms = 0;
    do { fn(); calls++; ms = performance.now() - t0; } while (ms < SLICE_MS);
    slices++;
    if (ms > 50) over++;
    if (ms > maxSliceMs) { maxSliceMs = ms; maxSliceAt = `${where}, ${calls} call${calls > 1 ? 's' : ''}`; }
    return { calls, ms };
  };
  try {
    const mk = (generator, drop) => {
      const layers = [];
      for (let i = 0; i + 1 < CURVE_NET.length; i++) {
        layers.push(new api.Linear(CURVE_NET[i], CURVE_NET[i + 1], { generator }));
        if (i + 2 < CURVE_NET.length) layers.push(new api.ReLU(), new api.Dropout(drop[i]));
      }
      const net = new api.Sequential(layers);
      made.push(net);
      return net;
    };
    let fwdNet, trainNet, xs;
    withGenerator(api, 'timing', [1], (generator) => {
      fwdNet = mk(generator, [0.5, 0.3]).eval();
      trainNet = mk(generator, [0.5, 0.3]).train();
      xs = api.Tensor.randn([CURVE_BATCHES[CURVE_BATCHES.length - 1], CURVE_NET[0]], { generator });
      made.push(xs);
    });
    const xsData = xs.data;
    const opt = new api.SGD(trainNet.parameters(), { lr: 0.01 });
    const lossFn = new api.CrossEntropyLoss();
    const points = [];
    let done = 0;
    for (const batch of CURVE_BATCHES) {
      const x = new api.Tensor(xsData.subarray(0, batch * CURVE_NET[0]), { shape: [batch, CURVE_NET[0]] });
      made.push(x);
      const labels = Int32Array.from({ length: batch }, (_, i) => i % 10);
      const calls = {
        forward: () => api.noGrad(() => fwdNet.forward(x).dispose()),
        step: () => api.tidy(() => { opt.zeroGrad(); lossFn.forward(trainNet.forward(x), labels).backward(); opt.step(); }),
      };
      const point = { batch };
      for (const [key, fn] of Object.entries(calls)) {
        where = `${key === 'step' ? 'training step' : 'forward'} at batch ${batch}`;
        slice(fn); // warm-up
        await yieldToPage();
        const rates = [];
        let totalCalls = 0;
        for (let s = 0; s < CURVE_SAMPLES; s++) {
          if (isStale()) return null;
          const r = slice(fn);
          rates.push((r.calls * batch * 1000) / r.ms);
          totalCalls += r.calls;
          await yieldToPage();
        }
        rates.sort((a, b) => a - b);
        const perSec = rates[rates.length >> 1];
        point[key] = { perSec, msPerCall: (1000 * batch) / perSec, calls: totalCalls };
        onProgress?.(++done, CURVE_BATCHES.length * 2, batch, key);
      }
      points.push(point);
    }
    return { points, maxSliceMs, maxSliceAt, slices, over };
  } finally {
    for (const m of made.reverse()) m.dispose();
  }
}

/** Log-log chart of samples/s against batch size: measured lines, the lesson's and the bench's points. */
function drawThroughput(canvas, series, width) {
  const height = 240;
  const ctx = setupCanvas(canvas, width, height);
  const pad = { l: 50, r: 10, t: 10, b: 30 };
  const all = series.flatMap((s) => s.points.map((p) => p[1])).filter((v) => v > 0);
  if (!all.length) return;
  const lo = 10 ** Math.floor(Math.log10(Math.min(...all))), hi = 10 ** Math.ceil(Math.log10(Math.max(...all)));
  const X = (b) => pad.l + ((width - pad.l - pad.r) * Math.log2(b)) / 8;
  const Y = (v) => height - pad.b - ((height - pad.t - pad.b) * Math.log10(v / lo)) / Math.log10(hi / lo);
  ctx.strokeStyle = '#ccc';
  ctx.fillStyle = '#555';
  ctx.lineWidth = 1;
  ctx.textAlign = 'center';
  for (const b of CURVE_BATCHES) {
    ctx.beginPath(); ctx.moveTo(X(b), pad.t); ctx.lineTo(X(b), height - pad.b); ctx.stroke();
    ctx.fillText(String(b), X(b), height - pad.b + 13);
  }
  ctx.fillText('batch size', (pad.l + width - pad.r) / 2, height - 3);
  ctx.textAlign = 'right';
  const short = (v) => (v >= 1e6 ? `${v / 1e6}M` : v >= 1e3 ? `${v / 1e3}k` : String(v));
  for (let v = lo; v <= hi * 1.001; v *= 10) {
    ctx.beginPath(); ctx.moveTo(pad.l, Y(v)); ctx.lineTo(width - pad.r, Y(v)); ctx.stroke();
    ctx.fillText(short(v), pad.l - 4, Y(v) + 4);
  }
  ctx.save();
  ctx.translate(11, (pad.t + height - pad.b) / 2);
  ctx.rotate(-Math.PI / 2);
  ctx.textAlign = 'center';
  ctx.fillText('samples per second', 0, 0);
  ctx.restore();
  for (const s of series) {
    ctx.strokeStyle = s.color;
    ctx.fillStyle = s.color;
    ctx.lineWidth = s.line ? 2 : 1.5;
    const pts = s.points.filter((p) => p[1] > 0);
    if (s.line) {
      ctx.beginPath();
      pts.forEach(([b, v], i) => (i ? ctx.lineTo(X(b), Y(v)) : ctx.moveTo(X(b), Y(v))));
      ctx.stroke();
    }
    for (const [b, v] of pts) {
      ctx.beginPath();
      if (s.marker === 'square') ctx.rect(X(b) - 3.5, Y(v) - 3.5, 7, 7);
      else ctx.arc(X(b), Y(v), s.line ? 2.5 : 4, 0, 2 * Math.PI);
      s.line ? ctx.fill() : ctx.stroke();
    }
  }
}

export function mountCost(host, app) {
  const level = viewLevel(); // h1 in the one-view embed, else under the lesson's h3
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
  const status = el('p', { className: 'cost-status', 'data-testid': 'measure-status', role: 'status', 'aria-live': 'polite', text: 'Nothing measured yet: press Measure to time this network (it also loads the scalar build, about 300 kB).' });
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
    tableRegion(table, 'FLOPs per layer (table)'),
    totalLine,
    el(`h${level + 1}`, { className: 'cost-subtitle', text: 'Measured here: SIMD against scalar' }),
    el('p', { text: 'The same layers, rebuilt in evaluation mode, run forward on a random batch of the same shape: first with this page\'s core, then with the scalar build of the same C code (loaded when you measure).' }),
    el('div', { className: 'cost-measure' }, [measureButton]),
    status,
    tableRegion(timeTable, 'Measured times (table)'),
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

  // -- throughput against batch size
  const fig = nativeFigures?.runs?.[nativeFigures.runs.length - 1] ?? null;
  const tpButton = el('button', { type: 'button', 'data-testid': 'measure-throughput', text: 'Measure throughput' });
  const tpStatus = el('p', { className: 'cost-status', role: 'status', 'aria-live': 'polite', 'data-testid': 'throughput-status', text: 'Nothing measured yet: press Measure throughput (about 2 s of work, in slices of 8 ms, so the page stays responsive).' });
  const tpCanvas = el('canvas', { role: 'img', className: 'cost-curve', 'data-testid': 'throughput-chart', 'aria-label': 'Samples per second against batch size: not measured yet (the table below has the numbers)' });
  const tpBody = el('tbody', { 'data-testid': 'throughput-rows' });
  const tpTable = el('table', { className: 'cost-throughput', 'data-testid': 'throughput-table' }, [
    el('caption', { text: 'Samples per second of the lesson MLP (784-256-128-10) against batch size' }),
    el('thead', {}, [el('tr', {}, [
      el('th', { scope: 'col', text: 'Batch' }),
      el('th', { scope: 'col', text: 'Forward, here' }),
      el('th', { scope: 'col', text: 'Training step, here' }),
      el('th', { scope: 'col', text: 'NumPy forward (bench)' }),
      el('th', { scope: 'col', text: 'PyTorch step, SGD (bench)' }),
      el('th', { scope: 'col', text: 'The lesson\'s NumPy' }),
    ])]),
    tpBody,
  ]);
  const legendItem = (color, text, mark) => {
    const key = el('span', { className: `cost-key${mark ? ` cost-key-${mark}` : ''}`, 'aria-hidden': 'true' });
    key.style.setProperty('--key', color); // CSSOM, which the page's CSP allows (a style attribute it would not)
    return el('li', {}, [key, text]);
  };
  const COLORS = { forward: css(viridis(0.15)), step: css(viridis(0.55)), numpy: '#c05a00', torch: '#8a2be2', lesson: '#222' };
  const figLine = fig
    ? `Native figures: measured by this project's bench (bench/native-figures.mjs) on ${nativeFigures.date}, ${nativeFigures.machine}; ${fig.versions}, OpenBLAS kernel ${fig.openblas}, one thread, the fastest of 15 samples${nativeFigures.runs.length > 1 ? ` (left to itself, this OpenBLAS picked its ${nativeFigures.runs[0].openblas.split(' ')[0]} kernel on that CPU, ${fmtFactor(nativeFigures.runs[1].numpyForward[2] / nativeFigures.runs[0].numpyForward[2])}× slower for NumPy at batch 32)` : ''}.`
    : `Native figures: not available (${(nativeFigures?.errors ?? ['bench/native-figures.json has no run']).join('; ')}).`;
  host.append(
    el(`h${level + 1}`, { className: 'cost-subtitle', text: 'Throughput against batch size' }),
    el('p', { text: 'The lesson asks how throughput changes with batch size and quotes NumPy at about 800 samples per second at batch 1 and 10,000 at batch 32. Measure the lesson\'s MLP here, in this browser: its forward pass (evaluation mode) and a training step (forward with Dropout, cross-entropy, backward, SGD) at batch sizes 1 to 256.' }),
    el('div', { className: 'cost-measure' }, [tpButton]),
    tpStatus,
    tpCanvas,
    el('ul', { className: 'cost-legend' }, [
      legendItem(COLORS.forward, 'forward, measured here'),
      legendItem(COLORS.step, 'training step, measured here'),
      legendItem(COLORS.numpy, 'NumPy forward (bench)', 'square'),
      legendItem(COLORS.torch, 'PyTorch training step, SGD (bench)', 'square'),
      legendItem(COLORS.lesson, 'the lesson\'s NumPy figures', 'circle'),
    ]),
    el('p', { className: 'cost-note', 'data-testid': 'throughput-why', text: 'Why the curve has this shape: at small batches every call pays a fixed cost (the JavaScript wrapper, allocating the result, for a step also autograd\'s bookkeeping and the optimizer\'s pass over every parameter), so samples per second grow almost in proportion to the batch; once the matrix products dominate, the arithmetic peak of this CPU caps it and the curve flattens.' }),
    tableRegion(tpTable, 'Throughput against batch size (table)'),
    el('p', { className: 'cost-note', 'data-testid': 'throughput-native', text: figLine }),
  );

  let tpResult = null;
  let tpRunning = false;
  const figAt = (key, b) => {
    if (!fig) return null;
    const i = fig.batches.indexOf(b);
    return i >= 0 ? fig[key][i] : null;
  };
  function drawCurve() {
    const width = Math.max(260, Math.min(640, host.clientWidth || 560));
    const pts = tpResult?.points ?? [];
    const series = [
      { color: COLORS.forward, line: true, points: pts.map((p) => [p.batch, p.forward.perSec]) },
      { color: COLORS.step, line: true, points: pts.map((p) => [p.batch, p.step.perSec]) },
      { color: COLORS.numpy, line: false, marker: 'square', points: fig ? fig.batches.map((b, i) => [b, fig.numpyForward[i]]) : [] },
      { color: COLORS.torch, line: false, marker: 'square', points: fig ? fig.batches.map((b, i) => [b, fig.torchSgd[i]]) : [] },
      { color: COLORS.lesson, line: false, points: LESSON_NUMPY.map((p) => [p.batch, p.perSec]) },
    ];
    drawThroughput(tpCanvas, series, width);
    const rows = CURVE_BATCHES.map((b) => {
      const p = pts.find((q) => q.batch === b);
      const lesson = LESSON_NUMPY.find((q) => q.batch === b);
      const n = (v) => (v == null ? '—' : fmtInt(Math.round(v)));
      return el('tr', { 'data-batch': String(b) }, [
        el('th', { scope: 'row', text: String(b) }),
        el('td', { className: 'cost-num', 'data-key': 'forward', 'data-ms': p ? String(p.forward.msPerCall) : null, text: p ? `${n(p.forward.perSec)} (${fmtMs(p.forward.msPerCall)})` : '…' }),
        el('td', { className: 'cost-num', 'data-key': 'step', 'data-ms': p ? String(p.step.msPerCall) : null, text: p ? `${n(p.step.perSec)} (${fmtMs(p.step.msPerCall)})` : '…' }),
        el('td', { className: 'cost-num', text: n(figAt('numpyForward', b)) }),
        el('td', { className: 'cost-num', text: n(figAt('torchSgd', b)) }),
        el('td', { className: 'cost-num', text: lesson ? n(lesson.perSec) : '—' }),
      ]);
    });
    tpBody.replaceChildren(...rows);
    if (pts.length) {
      const at = (b, k) => pts.find((q) => q.batch === b)?.[k].perSec;
      tpCanvas.setAttribute('aria-label', `Samples per second against batch size, log scales: forward ${n0(at(1, 'forward'))} at batch 1, ${n0(at(32, 'forward'))} at 32, ${n0(at(256, 'forward'))} at 256; training step ${n0(at(1, 'step'))}, ${n0(at(32, 'step'))} and ${n0(at(256, 'step'))}; the table below has every value`);
    }
  }
  const n0 = (v) => (v == null ? '—' : fmtInt(Math.round(v)));
  tpButton.addEventListener('click', async () => {
    if (tpRunning) return;
    tpRunning = true;
    tpButton.setAttribute('aria-disabled', 'true');
    try {
      const r = await measureThroughput(app.api, (i, n, b, k) => { tpStatus.textContent = `Timing ${k === 'step' ? 'the training step' : 'the forward pass'} at batch ${b} (${i} of ${n})…`; });
      if (r) {
        tpResult = r;
        const info = app.api.backendInfo();
        tpStatus.textContent = `Done (${info.build} build): each figure is the median of ${CURVE_SAMPLES} slices of at least ${SLICE_MS} ms after a warm-up slice; ${r.slices} slices, the longest ${fmtMs(r.maxSliceMs)} (${r.maxSliceAt})${r.over ? `; ${r.over} took over 50 ms, so this machine was busy or slow: one call then cannot be split` : ''}.`;
        tpStatus.dataset.maxSliceMs = String(r.maxSliceMs);
        tpStatus.dataset.slices = String(r.slices);
        tpStatus.dataset.over = String(r.over);
        drawCurve();
      }
    } catch (e) {
      tpStatus.textContent = `The measurement failed: ${e.message}`;
    } finally {
      tpRunning = false;
      tpButton.removeAttribute('aria-disabled');
    }
  });
  drawCurve();

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
