// Initialisation on a deep stack: depth x (Linear + activation), with the
// layer widths of a pattern (web/kinds.js INIT_WIDTHS: all 256, or 256 and
// 1024 in turn, so fan-in and fan-out differ), built once per initialiser
// of the API (js/enums.js INITIALIZERS: names, formulas and weight scales
// come from there) and run on the same input batch. The core measures the
// std of every layer's output (Tensor.stats()); this view only draws the
// curves (log scale), lists the numbers in a table and puts the trend into
// words.
//
// The forward work (initialisers x depth Linear inits and forwards) runs
// only when depth, activation, widths or seed change. Layer i's weights
// come from the stream (page seed, i) (web/seeds.js `initWeights`), the
// same for every initialiser, and its shape from the pattern's width(i)
// and width(i + 1), which do not depend on the depth either; so a shallower
// stack is exactly the first layers of a deeper one: forward results for
// depth d are served from a deeper run. The gradient pass depends on the
// depth and redraws every layer's weights: it waits until the page is
// quiet (app.whenQuiet), one initialiser per task, and the last gradients
// stay on screen meanwhile, dimmed and aria-busy; so does the deepest
// forward run, which fills the cache. Only without app.whenQuiet (a host
// that does not schedule) does everything run at once, the gradient pass on
// the forward pass's Linear layers.
//
// With Build's "use my layers" on for Linear (app.layerImpl, web/views/
// build/use.js), the student's class gets one more series, "your Linear":
// its stack is built by web/layers.js from their class and runs like the
// others (the same input, activation, upstream gradient, caching and
// postponing), its stds and gradient norms measured by the core. Their
// Linear draws from the default generator, which is seeded before each
// layer with the very seed of that layer's initWeights stream: the core's
// default generator and a Generator are the same PCG32, so a Linear that
// draws randn([in, out]) and scales by √(1/in) has exactly the lesson
// init's weights (the widths are powers of two, so the scale is exact),
// and its line lies on the lesson's. The caches are keyed by
// app.layerImpl.version, so a new version of their code re-runs; a class
// that throws shows its error in place of its series, the library's stay.

import { drawLines } from '../draw/charts.js';
import { viridis, css } from '../draw/colormap.js';
import { LIMITS } from '../state.js';
import { ELEMENTWISE_ACTIVATIONS, INITIALIZERS, INIT_WIDTHS } from '../kinds.js';
import { generatorFor, reseed, streamSeed, withGenerator } from '../seeds.js';
import { layerFromSpec } from '../layers.js';
import { fmtFactor, fmtInt, fmtNum, fmtScale } from '../format.js';
import { el, tableRegion, viewLevel } from '../dom.js';
import { trainingFor } from '../train/controller.js';

const BATCH = 64; // rows of the input batch the forward stds are measured on (256-wide layers)
const GRAD_BATCH = 16; // its first rows, which the gradient pass uses (it runs on every depth change)
const BASE_WEIGHTS = 256 * 256; // the layer size BATCH and GRAD_BATCH are set for

/**
 * Rows of the forward batch and of the gradient pass for a pattern: BATCH
 * and GRAD_BATCH shrunk by its largest layer's size over 256 x 256, so a
 * layer costs the same multiply-adds per pass whatever the widths (a
 * Linear(256, 1024) gets a quarter of the rows: 16 and 4). The std of a
 * layer's output is then over 16 x 1024 or 16 x 256 numbers, still a tight
 * estimate. Measured as CPU time of measure() in Node (the same V8 and
 * wasm as Chromium) on a busy 2-core machine, depth 24, 4 initialisers:
 * all 256, 0.29 s for both passes and 0.19 s for a depth step (the
 * gradient pass alone); 256 and 1024 in turn, 0.9 s at 64 rows and 0.72 s
 * at 16, a depth step 0.62 s. What the rows cannot shrink is per weight:
 * drawing 4 x 24 x 262,144 weights and the stats of as many gradients.
 */
function rowsFor(pattern) {
  const largest = Math.max(...shapesOf(pattern).map(([k, n]) => k * n));
  const shrink = Math.max(1, Math.round(largest / BASE_WEIGHTS));
  return { batch: Math.max(1, Math.floor(BATCH / shrink)), gradBatch: Math.max(1, Math.floor(GRAD_BATCH / shrink)), shrink };
}

/** How each initialiser's line looks (colour position on viridis, dash), by its place in INITIALIZERS. */
const LINE_STYLES = [
  { t: 0.0, dash: [] },
  { t: 0.3, dash: [9, 4] },
  { t: 0.52, dash: [2, 3] },
  { t: 0.74, dash: [11, 3, 2, 3] },
  { t: 0.88, dash: [4, 2] },
  { t: 0.15, dash: [1, 2] },
];

/** The initialisers, as this view names and draws them. */
const INITS = INITIALIZERS.map((rec, i) => ({
  rec,
  init: rec.key,
  label: rec.label,
  name: `init '${rec.key}'`, // how the sentences below name it
  formula: rec.formula,
  ...LINE_STYLES[i % LINE_STYLES.length],
}));

/** The student's Linear (Build's "use my layers"), as this view names and draws it: one more series, after the initialisers. */
const STUDENT = Object.freeze({
  init: 'yours', label: 'your Linear', name: 'your Linear', formula: 'your code from Build', student: true, t: 0.62, dash: [7, 2, 1, 2, 1, 2],
});

/** The view's record of a series key (an initialiser's key, or STUDENT's). */
const metaOf = (init) => (init === STUDENT.init ? STUDENT : INITS.find((m) => m.init === init));

/** A short message for an error thrown by student code. */
const errorText = (e) => `${e?.name ?? 'Error'}: ${String(e?.message ?? e).slice(0, 300)}`;

/**
 * Layer i of a stack: the library's Linear with the series' initialiser
 * from layer i's stream, or (STUDENT) the student's class `impl` through
 * web/layers.js, the default generator seeded with that stream's seed.
 */
function makeLinear(api, meta, impl, width, seed, i, generator) {
  if (!meta.student) {
    reseed(generator, 'initWeights', seed, i);
    return new api.Linear(width(i), width(i + 1), { init: meta.init, generator });
  }
  api.manualSeed(streamSeed('initWeights', seed, i));
  return layerFromSpec(api, { kind: 'linear', in: width(i), out: width(i + 1), bias: true }, { impl: { Linear: impl } });
}

/** The width pattern of a `widths` key (web/kinds.js INIT_WIDTHS). */
const patternFor = (key) => INIT_WIDTHS.find((w) => w.key === key) ?? INIT_WIDTHS[0];

/** The distinct layer shapes [in, out] of a pattern over the deepest stack, in the order they first come. */
function shapesOf(pattern) {
  const seen = new Map();
  for (let i = 0; i < LIMITS.depth[1]; i++) {
    const k = pattern.width(i);
    const n = pattern.width(i + 1);
    if (!seen.has(`${k}-${n}`)) seen.set(`${k}-${n}`, [k, n]);
  }
  return [...seen.values()];
}

/** "Linear(256, 256)" or "Linear(256, 1024) and Linear(1024, 256) in turn". */
function stackText(pattern) {
  const shapes = shapesOf(pattern).map(([k, n]) => `Linear(${k}, ${n})`);
  return shapes.length === 1 ? shapes[0] : `${shapes.join(' and ')} in turn`;
}

/** An initialiser's weight scale for each layer shape of a pattern: "std 0.0625" or "256→1024: std 0.0625, 1024→256: std 0.03125". */
function scaleText(rec, pattern) {
  const shapes = shapesOf(pattern);
  if (shapes.length === 1) return fmtScale(rec.scale(...shapes[0]));
  return shapes.map(([k, n]) => `${k}→${n}: ${fmtScale(rec.scale(k, n))}`).join(', ');
}

/** The variance of one weight of a Linear(k, n), from the initialiser's own scale (a uniform ±a has a²/3). */
function weightVar(rec, k, n) {
  const sc = rec.scale(k, n);
  return sc.distribution === 'uniform' ? sc.bound ** 2 / 3 : sc.std ** 2;
}

/** The variance a Linear(k, n) alone gives inputs of variance 1: k · Var(w). */
const linearGain = (rec, k, n) => k * weightVar(rec, k, n);

/**
 * Run one stack per initialiser in the core. The forward pass (no
 * autograd) goes through `forwardDepth` layers on the input batch (rowsFor) and
 * measures each layer's output std (0: not run, the caller has it cached).
 * The gradient pass builds the stack of exactly `gradDepth` layers (the
 * same weights) on the batch's first rows (rowsFor: gradBatch), then runs
 * backward from a fixed random upstream gradient dy ~ N(0, 1) of the
 * output's shape. It returns, per layer, the norm of the gradient that
 * reaches that layer's output, ‖∂L/∂hᵢ‖ (read as the .grad of a zero
 * tensor added to hᵢ: adding zeros changes no value, and its gradient is
 * exactly ∂L/∂hᵢ), and of its weight gradient ‖∂L/∂Wᵢ‖, both from the core
 * (stats().norm). Unlike the forward stds these depend on the depth (the
 * gradient flows down from the top), so they are measured for the depth
 * shown (gradDepth 0: no gradient pass). `inits`: the initialisers to run
 * (all by default; each one's numbers do not depend on the others, since
 * every layer's stream is reseeded), STUDENT among them with `impl` the
 * student's Linear class. Both passes share the Linear layers, so each is
 * drawn once. Returns plain numbers only: { forward: { depth, inputStd,
 * series: [{ init, stds, nonFinite, error? }] } | null, grads: [{ init,
 * norms, weightNorms, error? }] | null }; `error` (the student's series
 * only: what their code threw) comes with empty numbers.
 */
function measure(api, pattern, act, seed, forwardDepth, gradDepth, inits = INITS, impl = null) {
  const Act = api[ELEMENTWISE_ACTIVATIONS.find((a) => a.name === act).className];
  const width = pattern.width;
  const { batch, gradBatch } = rowsFor(pattern);
  return api.tidy(() => {
    const x = withGenerator(api, 'initInput', [seed], (generator) => api.Tensor.randn([batch, width(0)], { generator }));
    const inputStd = x.stats().std;
    const gradInput = new api.Tensor(x.reshape(batch * width(0)).data.subarray(0, gradBatch * width(0)), { shape: [gradBatch, width(0)] });
    const dy = withGenerator(api, 'initGrad', [seed], (generator) => api.Tensor.randn([gradBatch, width(gradDepth)], { generator }));
    const activation = new Act();
    const generator = generatorFor(api, 'initWeights', seed, 0);
    // the student's Linear reseeds the default generator: put it back as it was afterwards
    const savedDefault = inits.some((m) => m.student) ? api.defaultGenerator().getState() : null;
    const series = [];
    const grads = [];
    try {
      for (const meta of inits) {
        const { init } = meta;
        const layers = []; // the first gradDepth layers, kept for the gradient pass
        const stds = [];
        const nonFinite = [];
        let ranForward = false;
        try {
          let h = x;
          for (let i = 0; i < Math.max(forwardDepth, gradDepth); i++) {
            const linear = makeLinear(api, meta, impl, width, seed, i, generator);
            if (i < gradDepth) layers.push(linear);
            try {
              if (i < forwardDepth) {
                api.noGrad(() => {
                  const z = linear.forward(h);
                  const a = activation.forward(z);
                  z.dispose();
                  if (h !== x) h.dispose();
                  h = a;
                });
                const st = h.stats();
                stds.push(st.std);
                nonFinite.push(st.nonFinite);
              }
            } finally {
              if (i >= gradDepth) linear.dispose();
            }
          }
          if (h !== x) h.dispose();
          if (forwardDepth > 0) series.push({ init, stds, nonFinite });
          ranForward = true;
          if (gradDepth === 0) continue; // the forward pass only
          const probes = [];
          let g = gradInput;
          for (const [i, linear] of layers.entries()) {
            const probe = api.Tensor.zeros([gradBatch, width(i + 1)], { requiresGrad: true });
            probes.push(probe);
            g = activation.forward(linear.forward(g)).add(probe);
          }
          g.backward(dy);
          grads.push({
            init,
            norms: probes.map((t) => t.grad.stats().norm),
            weightNorms: layers.map((l) => l.weight.grad.stats().norm),
          });
        } catch (e) {
          if (!meta.student) throw e;
          // the student's code threw: its series says so, the others run (tidy frees what it left)
          const error = errorText(e);
          if (forwardDepth > 0 && !ranForward) series.push({ init, stds: [], nonFinite: [], error });
          if (gradDepth > 0) grads.push({ init, norms: [], weightNorms: [], error });
        } finally {
          layers.forEach((l) => l.dispose());
        }
      }
      return { forward: forwardDepth > 0 ? { depth: forwardDepth, inputStd, series } : null, grads: gradDepth > 0 ? grads : null };
    } finally {
      if (savedDefault) api.defaultGenerator().setState(savedDefault);
      activation.dispose();
      generator.dispose();
    }
  });
}

/** One phrase per initialiser: the gradient at layer 1's output over the one at the top. */
function describeGrads(meta, g) {
  const n = g.norms.length;
  const first = g.norms[0];
  const last = g.norms[n - 1];
  if (!Number.isFinite(first) || !Number.isFinite(last)) return `${meta.name}: the gradients overflow to inf/NaN`;
  if (n === 1) return `${meta.name}: ‖∂L/∂h‖ = ${fmtNum(first)}`;
  if (first === 0) return `${meta.name}: no gradient reaches layer 1 (it died on the way down)`;
  const r = first / last;
  const verdict = r < 0.1 ? 'vanishes' : r > 10 ? 'explodes' : 'keeps its size';
  return `${meta.name}: ${fmtNum(last)} at the top, ${fmtNum(first)} at layer 1 (×${fmtFactor(r)}: it ${verdict} on the way down; ‖∂L/∂W‖ of layer 1: ${fmtNum(g.weightNorms[0])})`;
}

/** The first n layers of a deeper result (layer i does not depend on depth). */
function prefix(result, n) {
  return {
    depth: n,
    inputStd: result.inputStd,
    series: result.series.map((s) => ({ ...s, stds: s.stds.slice(0, n), nonFinite: s.nonFinite.slice(0, n) })),
  };
}

/** One phrase per initialiser, from the measured stds of the first and last layer. */
function describeSeries(meta, s) {
  const n = s.stds.length;
  const bad = s.nonFinite.findIndex((c, i) => c > 0 || !Number.isFinite(s.stds[i]));
  if (bad === 0) return `${meta.name} overflows at once (layer 1 has non-finite values)`;
  const last = bad > 0 ? bad - 1 : n - 1;
  const first = s.stds[0];
  const end = s.stds[last];
  const tail = bad > 0 ? `, and overflows to inf/NaN at layer ${bad + 1}` : '';
  if (last === 0) return `${meta.name} has std ${fmtNum(first)} at layer 1${tail}`;
  if (first === 0 || end === 0) {
    return `${meta.name} goes from std ${fmtNum(first)} at layer 1 to ${fmtNum(end)} at layer ${last + 1} (it dies out)${tail}`;
  }
  const total = end / first;
  const r = total ** (1 / last); // the geometric mean factor per layer
  const span = `std ${fmtNum(first)} at layer 1 → ${fmtNum(end)} at layer ${last + 1}`;
  if (r > 1.1 || total > 2) return `${meta.name} grows by about ×${fmtFactor(r)} per layer (${span})${tail}`;
  if (r < 0.9 || total < 0.5) return `${meta.name} shrinks by about ×${fmtFactor(r)} per layer (${span})${tail}`;
  if (total >= 0.8 && total <= 1.25) return `${meta.name} keeps it steady, ×${fmtFactor(r)} per layer (${span})${tail}`;
  return `${meta.name} drifts slowly, ×${fmtFactor(r)} per layer (${span})${tail}`;
}

/**
 * The sentence on fan-in against fan-average, with the numbers the chart
 * shows: the lesson's init (variance 1/in) and Glorot (2/(in+out)), the
 * gain each gives a Linear of the pattern alone, and their measured std at
 * layer 1 and at the top.
 */
function describeFan(pattern, result, actLabel) {
  const i = INITS.findIndex((m) => m.rec.name === 'lesson');
  const j = INITS.findIndex((m) => m.rec.name === 'xavier_uniform');
  if (i < 0 || j < 0) return '';
  const n = result.depth;
  const span = (s) => `std ${fmtNum(s.stds[0])} at layer 1 → ${fmtNum(s.stds[n - 1])} at layer ${n}`;
  const shapes = shapesOf(pattern);
  const lesson = INITS[i].rec;
  const glorot = INITS[j].rec;
  if (shapes.length === 1 && shapes[0][0] === shapes[0][1]) {
    const [k] = shapes[0];
    return `Fan-in against fan-average: with every layer ${k}→${k}, in = out, so 1/in and 2/(in+out) are the same variance (1/${k}) and the two lines lie almost on top of each other (with ${actLabel}: the lesson's init ${span(result.series[i])}, Glorot ${span(result.series[j])}); pick widths that differ to pull them apart.`;
  }
  const gains = (rec) => shapes.map(([k, m]) => linearGain(rec, k, m));
  const measured = result.series[j].stds[n - 1] / result.series[i].stds[n - 1];
  let predicted = 1; // what the weight variances alone give over the first n layers
  for (let l = 0; l < n; l++) {
    const [k, m] = [pattern.width(l), pattern.width(l + 1)];
    predicted *= Math.sqrt(linearGain(glorot, k, m) / linearGain(lesson, k, m));
  }
  const product = (g) => g.reduce((a, b) => a * b, 1);
  const gg = gains(glorot);
  const lg = gains(lesson);
  const scales = [...new Set(shapes.map(([k, m]) => fmtScale(glorot.scale(k, m))))];
  const glorotStds = scales.length === 1
    ? `2/${shapes[0][0] + shapes[0][1]} = ${fmtNum(weightVar(glorot, ...shapes[0]))}, ${scales[0]}`
    : shapes.map(([k, m]) => `${k}→${m}: ${fmtScale(glorot.scale(k, m))}`).join(', ');
  return `Fan-in against fan-average: the lesson's init, variance 1/in, makes each Linear alone keep the variance of its input (${shapes.map(([k, m], t) => `${k}→${m}: ×${fmtFactor(lg[t])}`).join(', ')}); Glorot's 2/(in+out) gives ${shapes.map(([k, m]) => `${k}→${m}`).join(' and ')} the same weight variance (${glorotStds}), so a Linear multiplies the variance by 2·in/(in+out): ${gg.map((g) => `×${fmtFactor(g)}`).join(', then ')}, ×${fmtFactor(product(gg))} per ${shapes.length === 2 ? 'pair of layers' : `${shapes.length} layers`} (std ×${fmtFactor(Math.sqrt(product(gg)))}). With ${actLabel} the chart shows it: the lesson's init ${span(result.series[i])}, Glorot ${span(result.series[j])}; at layer ${n} Glorot's std is ×${fmtFactor(measured)} the lesson's, and the Linear layers alone predict ×${fmtFactor(predicted)}.`;
}

/**
 * The sentence on the student's series: their error, or their std at the
 * top of the stack against the lesson's init (the same weights when their
 * Linear draws randn([in, out]) · √(1/in)) and N(0, 1)'s.
 */
function describeStudent(s, result) {
  if (s.error) return `Your Linear (from Build) raised an error on this stack, so it has no line here; the library's initialisers are shown. It said: ${s.error}`;
  const n = result.depth;
  const at = (key) => result.series.find((t) => t.init === key)?.stds[n - 1];
  const lessonRec = INITS.find((m) => m.rec.name === 'lesson');
  const naiveRec = INITS.find((m) => m.rec.name === 'naive_normal');
  const mine = s.stds[n - 1];
  const lesson = lessonRec ? at(lessonRec.init) : undefined;
  const naive = naiveRec ? at(naiveRec.init) : undefined;
  const head = `Your Linear (from Build) ran on the same input, its weights drawn from the default generator seeded with each layer's stream, the one the initialisers draw from: at layer ${n} its std is ${fmtNum(mine)}`;
  if (!(lesson > 0) || !Number.isFinite(mine)) return `${head}.`;
  const r = mine / lesson;
  const against = `${head}, the lesson's init ${fmtNum(lesson)}${naive !== undefined ? ` and N(0, 1)'s ${fmtNum(naive)}` : ''}`;
  if (Math.abs(r - 1) <= 1e-4) return `${against}: the same line as the lesson's init, since your weights are its very numbers.`;
  // the same draws: an initialiser whose line theirs lies on (N(0, 1)'s when the scale is missing)
  const twin = INITS.find((m) => Math.abs(at(m.init) / mine - 1) <= 1e-4);
  if (twin) return `${against}: ×${fmtFactor(r)} the lesson's, the same line as ${twin.name} (${twin.label}), since your weights are its very numbers. Compare the scale your weights get with the lesson's √(1/in).`;
  return `${against}: ×${fmtFactor(r)} the lesson's. The same draws, another line: compare the scale your weights get with the lesson's √(1/in).`;
}

/** The geometric-mean factor per layer of a series' std over its finite layers (null if none). */
function perLayer(s) {
  if (!s || s.error) return null;
  const bad = s.nonFinite.findIndex((c, i) => c > 0 || !Number.isFinite(s.stds[i]));
  const last = bad >= 0 ? bad - 1 : s.stds.length - 1;
  if (last < 1 || !(s.stds[0] > 0) || !(s.stds[last] > 0)) return null;
  return (s.stds[last] / s.stds[0]) ** (1 / last);
}

/**
 * Why the lesson's init shrinks and He's stays flat with this activation:
 * the variance argument, with the factors per layer the core measured.
 */
export function describeWhy(result, act) {
  const at = (name) => result.series.find((s) => INITS.find((m) => m.init === s.init)?.rec.name === name);
  const lesson = perLayer(at('lesson'));
  const he = perLayer(at('he_normal'));
  if (lesson === null || he === null) return '';
  const measured = `measured here: the lesson's init ×${fmtFactor(lesson)} per layer, He's ×${fmtFactor(he)}`;
  const base = 'Why: a Linear whose weights have variance 1/in (the lesson\'s scale) sums in products, each of variance 1/in times its input\'s second moment, so the Linear alone passes the variance on unchanged.';
  if (act === 'relu') {
    return `${base} For a linear layer that is the whole story, and tanh is close to linear for small inputs, so the lesson's scale keeps them steady. ReLU zeroes the negative half of its input and takes half of the second moment with it: each Linear + ReLU multiplies the variance by ½ and the std by √½ ≈ 0.71 (${measured}). He's scale, variance 2/in, doubles the weights' variance to pay the ReLU back, so its line stays flat.`;
  }
  if (act === 'tanh') {
    return `${base} Tanh is close to the identity for small inputs (its slope at 0 is 1), so the lesson's scale keeps the std nearly steady, shrinking slowly where tanh flattens large values; He's doubled variance is meant for ReLU, which halves it, and with tanh it ${he > lesson ? 'keeps the std higher, in the range where tanh saturates' : 'does not keep it higher'} (${measured}).`;
  }
  return `${base} ReLU would halve the second moment at every layer (the std ×√½ ≈ 0.71), which He's variance 2/in pays back; ${ELEMENTWISE_ACTIVATIONS.find((a) => a.name === act)?.className ?? act} changes it by its own factor (${measured}).`;
}

/**
 * Why ‖∂L/∂W‖ hardly changes from layer to layer while ‖∂L/∂h‖ shrinks on
 * the way down: ∂L/∂Wᵢ = hᵢ₋₁ᵀ ∂L/∂zᵢ multiplies the activation entering
 * the layer by the gradient reaching it, and they change in opposite
 * directions. With the numbers the core measured for the lesson's init.
 */
export function describeGradWhy(result) {
  const i = INITS.findIndex((m) => m.rec.name === 'lesson');
  const g = result.grads?.find((x) => x.init === INITS[i]?.init);
  const s = result.series.find((x) => x.init === INITS[i]?.init);
  const n = Math.min(g?.norms.length ?? 0, s?.stds.length ?? 0);
  if (!g || g.error || !s || n < 2) return '';
  const top = n - 1;
  const hIn = [result.inputStd, s.stds[top - 1]]; // std of the activation entering layer 1 and layer n
  const ra = hIn[0] / hIn[1];
  const rg = g.norms[0] / g.norms[top];
  const rw = g.weightNorms[0] / g.weightNorms[top];
  if (![ra, rg, rw].every((r) => Number.isFinite(r) && r > 0)) return '';
  const head = `Why ‖∂L/∂W‖ and ‖∂L/∂h‖ differ: a layer's weight gradient is ∂L/∂Wᵢ = hᵢ₋₁ᵀ · ∂L/∂zᵢ, the activation that enters the layer times the gradient that reaches it. From layer ${n} down to layer 1, with the lesson's init, the activation entering the layer goes from std ${fmtNum(hIn[1])} to ${fmtNum(hIn[0])} (×${fmtFactor(ra)}), the gradient reaching it from ${fmtNum(g.norms[top])} to ${fmtNum(g.norms[0])} (×${fmtFactor(rg)}), and their product, ‖∂L/∂W‖, from ${fmtNum(g.weightNorms[top])} to ${fmtNum(g.weightNorms[0])} (×${fmtFactor(rw)}).`;
  const flat = Math.abs(Math.log(rw)) < 0.5 * Math.abs(Math.log(rg));
  if (rg < 0.9 && ra > 1.1 && flat) {
    return `${head} The two change in opposite directions (the forward pass shrank the activations on the way up by about the factor the backward pass shrinks the gradient on the way down), so the weight gradients stay nearly flat: the gradient that vanishes is the one passed down to earlier layers, while each layer's own step is hardly smaller for it.`;
  }
  return head;
}

export function mountInit(host, app) {
  const level = viewLevel(); // h1 in the one-view embed, else under the lesson's h3
  const ids = `tt-init-${Math.random().toString(36).slice(2, 8)}`;
  const [lo, hi] = LIMITS.depth;

  const depthRange = el('input', { type: 'range', min: String(lo), max: String(hi), step: '1', 'aria-label': 'Depth (slider)', id: `${ids}-range` });
  const depthInput = el('input', { type: 'number', min: String(lo), max: String(hi), step: '1', id: `${ids}-depth`, 'data-testid': 'init-depth', inputmode: 'numeric' });
  const actSelect = el('select', { id: `${ids}-act`, 'data-testid': 'init-act' },
    ELEMENTWISE_ACTIVATIONS.map((a) => el('option', { value: a.name, text: a.className })));
  const widthsSelect = el('select', { id: `${ids}-widths`, 'data-testid': 'init-widths' },
    INIT_WIDTHS.map((w) => el('option', { value: w.key, text: w.label })));

  const controls = el('div', { className: 'init-controls' }, [
    el('span', { className: 'init-control' }, [
      el('label', { for: `${ids}-depth`, text: 'Depth (layers)' }), depthRange, depthInput,
    ]),
    el('span', { className: 'init-control' }, [
      el('label', { for: `${ids}-act`, text: 'Activation' }), actSelect,
    ]),
    el('span', { className: 'init-control' }, [
      el('label', { for: `${ids}-widths`, text: 'Widths' }), widthsSelect,
    ]),
  ]);

  const canvas = el('canvas', { role: 'img', 'data-testid': 'init-chart', className: 'init-chart' });
  const legend = el('ul', { className: 'init-legend', 'aria-label': 'Line style of each initialiser' });
  const swatches = INITS.map((meta) => {
    const sw = el('canvas', { className: 'init-swatch', 'aria-hidden': 'true', width: '36', height: '12' });
    legend.append(el('li', {}, [sw, el('span', { text: `${meta.label}, ${meta.formula} ` }), el('code', { text: `'${meta.init}'` })]));
    return sw;
  });
  const studentSwatch = el('canvas', { className: 'init-swatch', 'aria-hidden': 'true', width: '36', height: '12' });
  const studentLegend = el('li', { hidden: true, 'data-testid': 'init-student-legend' }, [studentSwatch, el('span', { text: `${STUDENT.label}, ${STUDENT.formula}` })]);
  legend.append(studentLegend);
  swatches.push(studentSwatch);
  const studentNote = el('p', { className: 'init-observation', 'data-testid': 'init-student', hidden: true });
  const observation = el('p', { className: 'init-observation' });
  const why = el('p', { className: 'init-why', 'data-testid': 'init-why' });
  const gradWhy = el('p', { className: 'init-why', 'data-testid': 'init-grad-why' });
  // a real run with N(0, 1): the editor's network, that init, the training view's Play
  const trainNormal = el('button', { type: 'button', 'data-testid': 'init-train-normal', text: 'Train the classifier with N(0, 1) weights' });
  const trainNote = el('span', { className: 'init-train-note', 'data-testid': 'init-train-note' });
  trainNormal.addEventListener('click', () => {
    if (!app.views.some((v) => v.name === 'training')) app.mountViews(['training']); // an embed without it gets one, below
    app.setState({ init: 'normal' });
    const ctrl = trainingFor(app);
    ctrl.sync(app.state);
    ctrl.play();
    trainNote.textContent = ' Training with init = N(0, 1): see "Does Dropout help?" (undo, Ctrl+Z, goes back to the previous init).';
    const view = app.root.querySelector?.('.tt-view-training') ?? null;
    view?.scrollIntoView?.({ block: 'start' });
  });
  const trainRow = el('p', { className: 'init-train' }, trainNormal, trainNote);
  const fan = el('p', { className: 'init-fan', 'data-testid': 'init-fan' });
  const gradCanvas = el('canvas', { role: 'img', 'data-testid': 'init-grad-chart', className: 'init-chart' });
  const gradObservation = el('p', { className: 'init-observation', 'data-testid': 'init-grad-observation' });
  const gradCaption = el('caption');
  const gradStudentTh = el('th', { scope: 'col', hidden: true, 'data-init': STUDENT.init, text: `${STUDENT.label}: ‖∂L/∂h‖ (‖∂L/∂W‖)` });
  const gradHead = el('tr', {}, [el('th', { scope: 'col', text: 'Layer' }), ...INITS.map((m) => el('th', { scope: 'col', text: `${m.label}: ‖∂L/∂h‖ (‖∂L/∂W‖)` })), gradStudentTh]);
  const gradBody = el('tbody');
  const gradTable = el('table', { className: 'init-table', 'data-testid': 'init-grad-table' }, [gradCaption, el('thead', {}, [gradHead]), gradBody]);
  const gradWrap = tableRegion(gradTable, 'Gradient norm per layer and initialiser (table)', 'init-table-wrap');

  const caption = el('caption');
  const scaleCells = INITS.map(() => el('span', { className: 'init-th-dist' }));
  const studentTh = el('th', { scope: 'col', hidden: true, 'data-init': STUDENT.init }, [
    el('span', { className: 'init-th-name', text: STUDENT.label }), ' ', el('span', { className: 'init-th-dist', text: `${STUDENT.formula}, weights drawn from each layer's stream` }),
  ]);
  const headRow = el('tr', {}, [el('th', { scope: 'col', text: 'Layer' }), ...INITS.map((m, i) => el('th', { scope: 'col' }, [
    el('span', { className: 'init-th-name', text: m.label }), ' ', scaleCells[i],
  ])), studentTh]);
  const tbody = el('tbody');
  const table = el('table', { className: 'init-table', 'data-testid': 'init-table' }, [caption, el('thead', {}, [headRow]), tbody]);
  const tableWrap = tableRegion(table, 'Std per layer and initialiser (table)', 'init-table-wrap');

  const intro = el('p', { 'data-testid': 'init-intro' });
  const gradIntro = el('p', { 'data-testid': 'init-grad-intro' });
  const axisNote = el('p', { className: 'init-axis-note', id: `${ids}-note` });
  const gradAxisNote = el('p', { className: 'init-axis-note', id: `${ids}-grad-note`, text: 'Norm of the gradient at each layer\'s output, log scale; x: layer 1 to depth; same line styles as above.' });
  const gradFigure = el('figure', { className: 'init-figure', 'aria-labelledby': gradAxisNote.id, 'data-testid': 'init-grad-figure' }, [
    gradCanvas,
    el('figcaption', {}, [gradAxisNote]),
  ]);
  host.append(
    el(`h${level}`, { className: 'init-title', text: 'The initialisers on one deep stack' }),
    intro,
    controls,
    // the figure is named by its axis note; the legend follows it in the caption
    el('figure', { className: 'init-figure', 'aria-labelledby': axisNote.id, 'data-testid': 'init-figure' }, [
      canvas,
      el('figcaption', {}, [axisNote, legend]),
    ]),
    observation,
    why,
    trainRow,
    studentNote,
    fan,
    tableWrap,
    el(`h${level + 1}`, { className: 'init-title', text: 'And the gradients, after one backward pass' }),
    gradIntro,
    gradFigure,
    gradObservation,
    gradWhy,
    gradWrap,
  );

  const swatchMetas = [...INITS, STUDENT];
  for (let i = 0; i < swatchMetas.length; i++) {
    const ctx = swatches[i].getContext('2d');
    ctx.strokeStyle = css(viridis(swatchMetas[i].t));
    ctx.lineWidth = 2.5;
    ctx.setLineDash(swatchMetas[i].dash);
    ctx.beginPath();
    ctx.moveTo(1, 6);
    ctx.lineTo(35, 6);
    ctx.stroke();
  }

  function setDepth(text, commit) {
    const v = Number(text);
    if (Number.isInteger(v) && v >= lo && v <= hi) {
      if (v !== app.state.depth) app.setState({ depth: v });
    } else if (commit) {
      depthInput.value = String(app.state.depth); // put back what is shown
    }
  }
  depthRange.addEventListener('input', () => setDepth(depthRange.value, true));
  depthInput.addEventListener('input', () => setDepth(depthInput.value, false));
  depthInput.addEventListener('change', () => setDepth(depthInput.value, true));
  actSelect.addEventListener('change', () => {
    if (ELEMENTWISE_ACTIVATIONS.some((a) => a.name === actSelect.value)) app.setState({ act: actSelect.value });
  });
  widthsSelect.addEventListener('change', () => {
    if (INIT_WIDTHS.some((w) => w.key === widthsSelect.value)) app.setState({ widths: widthsSelect.value });
  });

  let cache = null; // { key: act|widths|seed, result } of the deepest forward run so far for that key
  let gradsOnScreen = null; // { stackKey, depth } of the gradients drawn last
  let shown = null; // { key, result, pattern } on screen
  let drawnWidth = 0;

  function chartWidth() {
    const w = host.clientWidth || 640;
    return Math.max(240, Math.min(720, Math.floor(w - 4)));
  }

  const lineOf = (meta, values) => ({ name: meta.label, values, color: css(viridis(meta.t)), dash: meta.dash });

  function drawChart(result) {
    const width = chartWidth();
    drawnWidth = width;
    if (result.grads) {
      drawLines(gradCanvas, result.grads.filter((g) => !g.error).map((g) => lineOf(metaOf(g.init), g.norms)), { width, height: width < 400 ? 200 : 240, logY: true, xLabel: `layer (1 to ${result.depth})` });
    }
    drawLines(canvas, result.series.filter((s) => !s.error).map((s) => lineOf(metaOf(s.init), s.stds)), { width, height: width < 400 ? 200 : 240, logY: true, xLabel: `layer (1 to ${result.depth})`, refY: { value: 1, label: 'std 1' } });
  }

  function render(result, act, pattern) {
    const actLabel = ELEMENTWISE_ACTIVATIONS.find((a) => a.name === act).className;
    const stack = stackText(pattern);
    const w0 = pattern.width(0);
    const { batch, gradBatch, shrink } = rowsFor(pattern);
    const [k, m] = shapesOf(pattern).reduce((a, b) => (b[0] * b[1] > a[0] * a[1] ? b : a));
    const fewer = batch < BATCH ? ` (${batch}, not ${BATCH}: a Linear(${k}, ${m}) has ${shrink} times the weights of a Linear(256, 256), so these widths get 1/${shrink} of the rows, and a layer the same work)` : '';
    const student = result.series.find((s) => s.init === STUDENT.init) ?? null;
    const also = student ? ', and once more from your Linear (Build\'s "use my layers")' : '';
    const lines = `one line per initialiser${student ? ' and one for your Linear' : ''}`;
    studentLegend.hidden = !student;
    studentTh.hidden = !student;
    studentTh.lastChild.textContent = student?.error ? 'it raised an error: see the text below the chart' : `${STUDENT.formula}, weights drawn from each layer's stream`;
    intro.textContent = `${stack} + activation, stacked, built ${INITS.length} times from the same random streams (once per initialiser${also}) and fed the same ${batch} random inputs of ${w0} features${fewer}; the core measures the standard deviation after every layer.`;
    gradIntro.textContent = `The same stacks (on ${gradBatch} of the inputs), then one backward pass from the same random upstream gradient: the core's autograd carries the gradient down the stack, and the chart shows the norm of the gradient reaching each layer's output, ‖∂L/∂hᵢ‖ (the table adds each weight's gradient ‖∂L/∂Wᵢ‖, what an optimizer would step with). Read it from the right (the top of the stack) to the left (layer 1): that is the way the gradient flows.`;
    axisNote.textContent = `Std of each layer's output, log scale, for ${result.depth} layers of ${stack} + ${actLabel}; the dashed line is std 1; x: layer 1 to depth.`;
    INITS.forEach((m, i) => { scaleCells[i].textContent = `${m.formula}, weight ${scaleText(m.rec, pattern)}`; });
    drawChart(result);
    canvas.setAttribute('aria-label', `Line chart, log scale: the std of each layer's output over ${result.depth} layers of ${stack} + ${actLabel}, ${lines}, with a dashed line at std 1. The table below lists every value.`);
    caption.textContent = `Std of each layer's output (${stack}, after ${actLabel}); the input batch (${batch} × ${w0}) has std ${fmtNum(result.inputStd)}.`;
    const rows = [];
    for (let i = 0; i < result.depth; i++) {
      rows.push(el('tr', { 'data-layer': String(i) }, [
        el('th', { scope: 'row', text: String(i + 1) }),
        ...result.series.map((s) => {
          if (s.error) return el('td', { 'data-init': s.init, text: '—' });
          const td = el('td', { 'data-init': s.init, 'data-value': String(s.stds[i]), text: fmtNum(s.stds[i]) });
          if (s.nonFinite[i] > 0) {
            td.textContent = `${fmtNum(s.stds[i])} (${fmtInt(s.nonFinite[i])} inf/NaN)`;
            td.className = 'init-overflow';
          }
          return td;
        }),
      ]));
    }
    tbody.replaceChildren(...rows);
    const phrases = result.series.map((s) => (s.error ? `${STUDENT.name} could not run (below)` : describeSeries(metaOf(s.init), s)));
    observation.textContent = `With ${actLabel} over ${result.depth} layers: ${phrases.join('; ')}.`;
    why.textContent = describeWhy(result, act);
    why.hidden = why.textContent === '';
    studentNote.hidden = !student;
    studentNote.textContent = student ? describeStudent(student, result) : '';
    fan.textContent = describeFan(pattern, result, actLabel);
    // grads null: postponed until the page is quiet; the last ones stay, marked as such
    gradFigure.setAttribute('aria-busy', String(!result.grads));
    gradWrap.setAttribute('aria-busy', String(!result.grads));
    gradFigure.classList.toggle('init-pending', !result.grads);
    gradWrap.classList.toggle('init-pending', !result.grads);
    if (!result.grads) {
      // what is on screen meanwhile: nothing yet, this stack at another depth, or other stacks
      const on = gradsOnScreen;
      gradObservation.textContent = on?.stackKey === result.stackKey
        ? `The gradients for ${result.depth} layers are measured once the depth stops changing; the chart and table below are still those of ${on.depth} layers.`
        : `The gradients of these stacks are being measured, one initialiser at a time${on ? '; the chart and table below are still those of the last stacks measured' : ''}.`;
      return;
    }
    gradsOnScreen = { stackKey: result.stackKey, depth: result.depth };
    gradCanvas.setAttribute('aria-label', `Line chart, log scale: the norm of the gradient reaching each layer's output over ${result.depth} layers of ${stack} + ${actLabel}, ${lines}. The table below lists every value.`);
    gradCaption.textContent = `‖∂L/∂hᵢ‖ (and ‖∂L/∂Wᵢ‖) of each layer after one backward pass (${stack}, with ${actLabel}).`;
    gradBody.replaceChildren(...Array.from({ length: result.depth }, (_, i) => el('tr', { 'data-layer': String(i) }, [
      el('th', { scope: 'row', text: String(i + 1) }),
      ...result.grads.map((g) => el('td', { 'data-init': g.init, 'data-value': g.error ? null : String(g.norms[i]), text: g.error ? '—' : `${fmtNum(g.norms[i])} (${fmtNum(g.weightNorms[i])})` })),
    ])));
    gradStudentTh.hidden = !result.grads.some((g) => g.init === STUDENT.init);
    gradWhy.textContent = describeGradWhy(result);
    gradWhy.hidden = gradWhy.textContent === '';
    gradObservation.textContent = `Backward through ${result.depth} layers: ${result.grads.map((g) => (g.error
      ? `${STUDENT.name} raised an error in the backward pass (${g.error})`
      : describeGrads(metaOf(g.init), g))).join('; ')}.`;
  }

  if (typeof ResizeObserver === 'function') {
    new ResizeObserver(() => {
      if (shown && chartWidth() !== drawnWidth) drawChart(shown.result);
    }).observe(host);
  }

  return {
    update(model, appNow) {
      const { depth, act, widths } = appNow.state;
      const seed = appNow.state.seed;
      const pattern = patternFor(widths);
      if (document.activeElement !== depthInput && depthInput.value !== String(depth)) depthInput.value = String(depth);
      if (depthRange.value !== String(depth)) depthRange.value = String(depth);
      if (actSelect.value !== act) actSelect.value = act;
      if (widthsSelect.value !== pattern.key) widthsSelect.value = pattern.key;
      // the student's Linear (Build's "use my layers"), keyed by its version: a new version re-runs
      const choice = appNow.layerImpl;
      const impl = typeof choice?.impl?.Linear === 'function' ? choice.impl.Linear : null;
      const metas = impl ? [...INITS, STUDENT] : INITS;
      const stackKey = `${act}|${pattern.key}|${seed}|${impl ? `student${choice.version}` : 'library'}`;
      const key = `${depth}|${stackKey}`;
      if (shown?.key === key) return; // nothing it depends on changed: no work
      const api = appNow.api;
      // The forward stds come from the cached deeper run when there is one;
      // the backward passes wait until the page is quiet (app.whenQuiet):
      // on a wide 24-layer stack they take a good part of a second, too
      // long for a frame of a drag or one task after a click.
      const postpone = Boolean(appNow.whenQuiet);
      const gradDepth = postpone ? 0 : depth; // 0: postponed
      let forward;
      let grads;
      if (cache && cache.key === stackKey && cache.result.depth >= depth) {
        forward = cache.result.depth === depth ? cache.result : prefix(cache.result, depth);
        grads = gradDepth ? measure(api, pattern, act, seed, 0, depth, metas, impl).grads : null;
      } else {
        // Deeper than what is cached (the student is probably dragging depth
        // up): run the deepest stack once, so every further depth is a prefix.
        const deeper = cache && cache.key === stackKey;
        const run = measure(api, pattern, act, seed, deeper ? hi : depth, gradDepth, metas, impl);
        cache = { key: stackKey, result: run.forward };
        forward = run.forward.depth === depth ? run.forward : prefix(run.forward, depth);
        grads = run.grads;
      }
      const result = { ...forward, grads, stackKey };
      shown = { key, stackKey, result };
      render(result, act, pattern);
      if (appNow.whenQuiet && cache.result.depth < hi) {
        // once the page is quiet, the deepest forward run, one initialiser
        // per task (each one's series does not depend on the others), so
        // that a later drag of the depth slider finds every depth cached
        const series = [];
        const deepest = (i) => () => {
          if (cache?.key !== stackKey || cache.result.depth >= hi) return; // superseded
          const run = measure(api, pattern, act, seed, hi, 0, [metas[i]], impl).forward;
          series.push(run.series[0]);
          if (i + 1 < metas.length) {
            appNow.whenQuiet('init-deepest', deepest(i + 1));
            return;
          }
          cache = { key: stackKey, result: { depth: hi, inputStd: run.inputStd, series } };
        };
        appNow.whenQuiet('init-deepest', deepest(0));
      }
      if (grads === null) {
        // one initialiser per postponed task, so the page can answer input
        // between them (a whole wide stack at depth 24 is a good part of a
        // second); shown once all are measured
        const done = [];
        const step = (i) => () => {
          if (shown?.key !== key) return; // a later update has its own
          done.push(measure(api, pattern, act, seed, 0, depth, [metas[i]], impl).grads[0]);
          if (i + 1 < metas.length) {
            appNow.whenQuiet('init-grads', step(i + 1));
            return;
          }
          shown.result = { ...shown.result, grads: done };
          render(shown.result, act, pattern);
        };
        appNow.whenQuiet('init-grads', step(0));
      }
    },
  };
}
