// The checks of the Build step: TinyTorch module 03's tests ("tito module
// test 03") for a student's Linear, Dropout and Sequential, run against the
// core of this package under the same seeded generator.
//
// Where the lesson fixes the computation the comparison is exact (up to
// float32 rounding, with the tolerance stated): the weights are the draws of
// Tensor.randn([in, out]) × √(1/in) from the default generator, the output
// is x·W + b for the student's own W and b, a gradient is the core's for the
// same weights. Where the lesson leaves a choice it is statistical or
// accepts every right answer: a Dropout mask may keep u ≥ p or u < 1 − p of
// the same Tensor.rand draw.
//
// Student code is reached only through constructors, property reads and the
// methods forward / parameters / train / eval, and every one of those is
// awaited, so the same checks run on real classes (Node, the CLI) and on
// host-side proxies of sandboxed classes (the page). Into student code go
// only host Tensors, numbers, option objects, student instances and
// `new api.ReLU()`. A throw in student code fails that check ('error') and
// the next check runs. Each check disposes the tensors it made or got back;
// the default generator's state is restored when the run ends.

import { describe } from '../errors.js';
import { fmtInt } from '../format.js';

/** The three exercises, in the lesson's order. */
export const EXERCISES = Object.freeze([
  Object.freeze({ id: 'linear', title: 'Linear: y = xW + b' }),
  Object.freeze({ id: 'dropout', title: 'Dropout: inverted, train and eval' }),
  Object.freeze({ id: 'sequential', title: 'Sequential: layers in order' }),
]);

/** The usual mistakes the checks recognise, by id. */
export const MISTAKES = Object.freeze({
  'unscaled-init': 'N(0, 1) weights (no scale)',
  'he-init': 'He init √(2/in) where the lesson asks for √(1/in)',
  'glorot-init': 'Glorot (Xavier) init √(2/(in+out)) where the lesson asks for √(1/in)',
  'weight-transposed': 'weight stored [out, in]',
  'bias-missing': 'no bias',
  'bias-2d': 'bias [1, out] instead of [out]',
  'dropout-unscaled': 'Dropout without the 1/(1−p) scale',
  'dropout-active-in-eval': 'Dropout still active in eval',
  'p-as-keep': 'p used as the keep probability',
  'parameters-missing-bias': 'parameters() missing the bias',
  'parameters-duplicate': 'parameters() lists a tensor twice',
  'sequential-no-chain': 'Sequential does not pass each output on',
});

// ---- numbers and words

const ULP_TOL = 4; // float32 ulps: the √(1/in) scale rounded in another order moves a weight by ≤ 1.5 ulp
const F32_EPS = 2 ** -23;
const SIGMAS = 5; // statistical tolerances: a correct solution fails with probability < 1e-6

const shp = (s) => `[${Array.from(s).join(', ')}]`;
const num = (v, digits = 4) => {
  if (typeof v !== 'number') return String(v);
  if (!Number.isFinite(v)) return String(v);
  if (Number.isInteger(v) && Math.abs(v) < 1e15) return fmtInt(v);
  const a = Math.abs(v);
  if (a !== 0 && (a < 1e-3 || a >= 1e6)) return v.toExponential(digits - 1);
  return String(Number(v.toPrecision(digits)));
};
const fixed = (v, d = 3) => (Number.isFinite(v) ? v.toFixed(d) : String(v));
const plural = (n, word) => `${fmtInt(n)} ${word}${n === 1 ? '' : 's'}`;

/** The message of anything thrown, never trusting it (a hostile object, a revoked proxy). */
function thrownText(e) {
  try {
    if (e !== null && typeof e === 'object') {
      const name = typeof e.name === 'string' ? e.name : 'Error';
      const message = typeof e.message === 'string' ? e.message : '';
      return message ? `${name}: ${message}` : name;
    }
  } catch { /* fall through */ }
  try {
    return `the value ${describe(e)}`;
  } catch {
    return 'a value';
  }
}

function thrownName(e) {
  try {
    return e !== null && typeof e === 'object' && typeof e.name === 'string' ? e.name : '';
  } catch {
    return '';
  }
}

/** Student code threw (or is missing something the check must call). */
class StudentError extends Error {
  constructor(step, cause) {
    super(`${step} threw ${thrownText(cause)}`);
    this.step = step;
    this.causeName = thrownName(cause);
  }
}

/** A check's verdict before it gets its id. */
const pass = (got, extra = {}) => ({ status: 'pass', got, ...extra });
const fail = (expected, got, hint, extra = {}) => ({ status: 'fail', expected, got, hint, ...extra });

// ---- the context one check runs in

class Context {
  constructor(api, student) {
    this.api = api;
    this.student = student;
    this.bag = new Set(); // tensors to dispose when the check ends
  }

  /** Track a tensor (ours, or one student code handed back) for disposal; returns it. */
  own(t) {
    if (this.isTensor(t)) this.bag.add(t);
    return t;
  }

  disposeAll() {
    for (const t of this.bag) {
      try { t.dispose(); } catch { /* already gone, or not ours to free */ }
    }
    this.bag.clear();
  }

  isTensor(v) {
    try {
      return v instanceof this.api.Tensor && !v.isDisposed;
    } catch {
      return false;
    }
  }

  seed(s) { this.api.manualSeed(s); }

  tensor(data, shape, opts = {}) {
    return this.own(new this.api.Tensor(Float32Array.from(data), { shape, ...opts }));
  }

  randn(shape) { return this.own(this.api.Tensor.randn(shape)); }
  rand(shape) { return this.own(this.api.Tensor.rand(shape)); }

  /** Run student code, awaited; a throw becomes a StudentError naming the step. */
  async call(step, fn) {
    try {
      return await fn();
    } catch (e) {
      throw new StudentError(step, e);
    }
  }

  /** new Class(...args) of the student's module. */
  async make(className, args, step) {
    const C = this.student[className];
    if (typeof C !== 'function') throw new StudentError(step, new TypeError(`your module does not export ${className}`));
    return this.call(step, () => new C(...args));
  }

  /** obj.name, awaited (a proxy may answer with a promise). */
  async read(obj, name, step = `reading .${name}`) {
    return this.call(step, () => obj[name]);
  }

  /** obj.method(...args), awaited; a missing method is reported as such. */
  async invoke(obj, method, args, step) {
    const f = await this.read(obj, method, step);
    if (typeof f !== 'function') {
      throw new StudentError(step, new TypeError(`${method} is ${describe(f)}, not a method`));
    }
    return this.call(step, () => f.apply(obj, args));
  }

  /** forward(x), whose result is tracked for disposal. */
  async forward(layer, x, step) {
    return this.own(await this.invoke(layer, 'forward', [x], step));
  }

  /** parameters() as a plain array (tensors tracked), or a fail verdict. */
  async parameters(layer, step) {
    const ps = await this.invoke(layer, 'parameters', [], step);
    const arr = listOf(ps);
    if (arr === null) return { error: `${step} returned ${describe(ps)}, not an array` };
    for (const p of arr) this.own(p);
    return { list: arr };
  }

  /** A student layer's weight and bias (tracked for disposal). */
  async weightAndBias(layer) {
    const weight = this.own(await this.read(layer, 'weight'));
    const bias = this.own(await this.read(layer, 'bias'));
    return { weight, bias };
  }
}

const MAX_LIST = 10000;

/** The items of an array (or iterable) student code returned, at most MAX_LIST of them; null if it is not one. */
function listOf(v) {
  if (typeof v === 'string' || v === null || v === undefined) return null;
  try {
    const out = [];
    for (const item of v) {
      out.push(item);
      if (out.length > MAX_LIST) break; // an endless iterator: enough to say the list is wrong
    }
    return out;
  } catch {
    return null;
  }
}

/** "[a, b, c]", or the first 8 and how many there are. */
function listText(list, nameOf) {
  const shown = list.slice(0, 8).map(nameOf).join(', ');
  return list.length <= 8 ? `[${shown}]` : `[${shown}, …] (${list.length > MAX_LIST ? `more than ${fmtInt(MAX_LIST)}` : fmtInt(list.length)} items)`;
}

/** A Tensor's description for messages: "a Tensor [784, 256]", "undefined", ... */
function what(ctx, v) {
  if (ctx.isTensor(v)) return `a Tensor ${shp(v.shape)}`;
  try {
    if (v instanceof ctx.api.Tensor) return 'a disposed Tensor';
  } catch { /* not ours */ }
  return describe(v);
}

const sameShape = (a, b) => a.length === b.length && a.every((d, i) => d === b[i]);

/** Largest |a - b| relative to tol(b); the first element that breaks it. */
function compare(a, b, tol) {
  let worst = -1;
  let worstErr = 0;
  for (let i = 0; i < b.length; i++) {
    const err = Math.abs(a[i] - b[i]);
    if (!(err <= tol(b[i]))) return { ok: false, index: i, got: a[i], want: b[i] };
    if (err > worstErr) {
      worstErr = err;
      worst = i;
    }
  }
  return { ok: true, index: worst, maxErr: worstErr };
}

const ulpTol = (b) => ULP_TOL * F32_EPS * Math.abs(b) + 1e-38;
const closeTol = (b) => 1e-5 + 1e-5 * Math.abs(b);

/** Index i of a row-major shape as [i0, i1, ...]. */
function at(shape, i) {
  const out = [];
  for (let d = shape.length - 1; d >= 0; d--) {
    out.unshift(i % shape[d]);
    i = Math.floor(i / shape[d]);
  }
  return shp(out);
}

/** Nonzero test values for x, so a kept element is never mistaken for a dropped one. */
function testValues(n) {
  return Array.from({ length: n }, (_, i) => ((i % 13) + 1) * (i % 2 ? -0.25 : 0.5));
}

// ---- Linear

const IN = 784;
const OUT = 256;
const LESSON = [[784, 256], [256, 128], [128, 10]];
const LESSON_COUNT = LESSON.reduce((s, [i, o]) => s + i * o + o, 0); // 235,146

/** The lesson's weight std, and the std Glorot's init would give (He's is √2 times the lesson's). */
const lessonStd = (k) => Math.sqrt(1 / k);
const glorotStd = (k, n) => Math.sqrt(2 / (k + n));

/** Which named init a std (relative to the lesson's) looks like, if any. */
function initMistake(ratio, k, n) {
  const near = (r, want) => Math.abs(r / want - 1) < 0.03;
  if (near(ratio, Math.sqrt(k))) return 'unscaled-init';
  if (near(ratio, Math.SQRT2)) return 'he-init';
  if (near(ratio, glorotStd(k, n) / lessonStd(k))) return 'glorot-init';
  return null;
}

function initHint(mistake, std, k, n) {
  const target = lessonStd(k);
  const r = std / target;
  switch (mistake) {
    case 'unscaled-init':
      return `The std of your weights is ${fixed(std, 2)}, about √${k} = ${fixed(Math.sqrt(k), 0)} times too large. `
        + `What should the spread of a weight be so that a sum of ${k} terms keeps unit variance?`;
    case 'he-init':
      return `Your std is √2 times the lesson's: that factor 2 is He (Kaiming) init, made to make up for ReLU zeroing half its inputs. `
        + `The lesson's Linear only asks that a sum of ${k} products keep its input's variance: what variance per weight does that take?`;
    case 'glorot-init':
      return `Your std ${num(std)} is what Glorot (Xavier) init gives, averaging fan-in ${k} and fan-out ${n}. `
        + `The lesson's init depends on the fan-in alone: which of in and out does each output's sum run over?`;
    default:
      return `Your std is ${fixed(r, 2)} times the lesson's. Draw the weights from a standard normal and scale them so that `
        + `the sum of ${k} products x·w has the variance of one x: Var(Σ x·w) = ${k} · Var(w) · Var(x).`;
  }
}

const LINEAR_CHECKS = [
  {
    id: 'linear.features',
    title: 'inFeatures and outFeatures',
    async run(ctx) {
      const L = await ctx.make('Linear', [IN, OUT], `new Linear(${IN}, ${OUT})`);
      await ctx.weightAndBias(L);
      const inF = await ctx.read(L, 'inFeatures');
      const outF = await ctx.read(L, 'outFeatures');
      if (inF === IN && outF === OUT) return pass(`inFeatures ${IN}, outFeatures ${OUT}`, { expected: `inFeatures ${IN}, outFeatures ${OUT}` });
      return fail(`inFeatures ${IN}, outFeatures ${OUT}`, `inFeatures ${describe(inF)}, outFeatures ${describe(outF)}`,
        'Keep the two sizes the constructor was given as this.inFeatures and this.outFeatures: summaries and other layers read them.');
    },
  },
  {
    id: 'linear.weight-shape',
    title: 'weight shape [in, out]',
    async run(ctx) {
      const L = await ctx.make('Linear', [IN, OUT], `new Linear(${IN}, ${OUT})`);
      const { weight } = await ctx.weightAndBias(L);
      const expected = `weight is a Tensor ${shp([IN, OUT])}`;
      if (!ctx.isTensor(weight)) {
        return fail(expected, `weight is ${what(ctx, weight)}`,
          'Store the weight matrix as this.weight, a Tensor made with the package\'s Tensor API.');
      }
      const s = weight.shape;
      if (sameShape(s, [IN, OUT])) return pass(`weight is ${shp(s)}`, { expected });
      if (sameShape(s, [OUT, IN])) {
        return fail(expected, `weight is ${shp(s)}`,
          `That is PyTorch's storage order [out, in], which needs a transpose in forward. The lesson computes y = x·W with x [..., ${IN}]: `
          + 'for the product to work as written, how many rows must W have?', { mistake: 'weight-transposed' });
      }
      return fail(expected, `weight is ${shp(s)}`,
        `A Linear(${IN}, ${OUT}) maps ${IN} inputs to ${OUT} outputs through one matrix: which shape lets x [..., ${IN}] · W give [..., ${OUT}]?`);
    },
  },
  {
    id: 'linear.weight-std',
    title: 'weight std √(1/in)',
    async run(ctx) {
      ctx.seed(3001);
      const L = await ctx.make('Linear', [IN, OUT], `new Linear(${IN}, ${OUT})`);
      const { weight } = await ctx.weightAndBias(L);
      if (!ctx.isTensor(weight)) return fail('a weight Tensor', `weight is ${what(ctx, weight)}`, 'Store the weights as this.weight.');
      const n = weight.size;
      const { mean, std } = weight.stats();
      const target = lessonStd(IN);
      const relTol = SIGMAS / Math.sqrt(2 * n);
      const tolerance = `std within ±${SIGMAS}/√(2n) = ±${(100 * relTol).toFixed(2)}% of √(1/${IN}) (the sample std of n = ${fmtInt(n)} `
        + `normal draws has a relative standard deviation of about 1/√(2n)); mean within ±${SIGMAS}·σ/√n = ±${num(SIGMAS * target / Math.sqrt(n), 2)}`;
      const expected = `std ≈ √(1/${IN}) = ${num(target)} ± ${num(target * relTol, 2)}, mean ≈ 0`;
      const got = `std ${num(std)}, mean ${num(mean)}`;
      if (Math.abs(std / target - 1) > relTol) {
        const mistake = initMistake(std / target, IN, OUT);
        return fail(expected, got, initHint(mistake, std, IN, OUT), { mistake, tolerance });
      }
      if (Math.abs(mean) > SIGMAS * target / Math.sqrt(n)) {
        return fail(expected, got, 'Your weights have the right spread but are not centred on 0: '
          + 'Tensor.rand draws from [0, 1) while Tensor.randn draws from a normal with mean 0. Which one does the lesson start from?', { tolerance });
      }
      return pass(got, { expected, tolerance });
    },
  },
  {
    id: 'linear.weight-draw',
    title: 'weight = the seeded draw of randn([in, out]) × √(1/in)',
    async run(ctx) {
      const { api } = ctx;
      const SEED = 3002;
      ctx.seed(SEED);
      const core = new api.Linear(IN, OUT);
      const want = core.weight.data;
      core.dispose();
      ctx.seed(SEED);
      const L = await ctx.make('Linear', [IN, OUT], `new Linear(${IN}, ${OUT}) after manualSeed(${SEED})`);
      const { weight } = await ctx.weightAndBias(L);
      const tolerance = `every element within ${ULP_TOL} float32 ulps of the core's Linear(${IN}, ${OUT}) under the same seed `
        + '(scaling in float32 instead of double moves a weight by at most 1.5 ulps)';
      const expected = `the core's weights under manualSeed(${SEED}): w[0, 0] = ${num(want[0], 6)}, w[0, 1] = ${num(want[1], 6)}`;
      if (!ctx.isTensor(weight)) return fail(expected, `weight is ${what(ctx, weight)}`, 'Store the weights as this.weight.', { tolerance });
      const got = weight.data;
      const s = weight.shape;
      const gotText = `w[0, 0] = ${num(got[0], 6)}, w[0, 1] = ${num(got[1], 6)}`;
      if (got.length === want.length && compare(got, want, ulpTol).ok) {
        if (sameShape(s, [IN, OUT])) return pass(`the same ${fmtInt(want.length)} weights`, { expected, tolerance });
        return fail(expected, `the right draws in the right order, shaped ${shp(s)}`,
          `You drew exactly the lesson's numbers, but your weight is ${shp(s)}. Which shape makes x [..., ${IN}] · W work without a transpose?`,
          { mistake: sameShape(s, [OUT, IN]) ? 'weight-transposed' : null, tolerance });
      }
      if (got.length === want.length && sameShape(s, [OUT, IN])) {
        // drawn [in, out] and transposed, or drawn [out, in]: compare the transpose
        const t = new Float32Array(want.length);
        for (let i = 0; i < IN; i++) for (let j = 0; j < OUT; j++) t[i * OUT + j] = got[j * IN + i];
        if (compare(t, want, ulpTol).ok) {
          return fail(expected, `the lesson's weights, transposed to ${shp(s)}`,
            `Your values are right but stored [out, in], PyTorch's order. The lesson keeps W as [in, out] so that y = x·W: which shape is that for Linear(${IN}, ${OUT})?`,
            { mistake: 'weight-transposed', tolerance });
        }
      }
      if (got.length === want.length) {
        // the same draws times a constant? (another scale)
        let sgw = 0;
        let sww = 0;
        for (let i = 0; i < want.length; i++) {
          sgw += got[i] * want[i];
          sww += want[i] * want[i];
        }
        const c = sgw / sww;
        const scaled = Float32Array.from(want, (v) => v * c);
        if (Number.isFinite(c) && c !== 0 && compare(got, scaled, (b) => 1e-5 * Math.abs(b) + 1e-30).ok) {
          const mistake = initMistake(c, IN, OUT);
          return fail(expected, `${gotText}: the lesson's draws × ${num(c)}`,
            `Your weights are exactly the lesson's draws, scaled by ${num(c * lessonStd(IN))} where the lesson's scale gives ${num(lessonStd(IN))}. `
            + initHint(mistake, c * lessonStd(IN), IN, OUT), { mistake, tolerance });
        }
      }
      // does it repeat under the same seed?
      ctx.seed(SEED);
      const L2 = await ctx.make('Linear', [IN, OUT], `new Linear(${IN}, ${OUT}) after manualSeed(${SEED})`);
      const w2 = ctx.own(await ctx.read(L2, 'weight'));
      const again = ctx.isTensor(w2) ? w2.data : null;
      if (!again || again.length !== got.length || !compare(again, got, () => 0).ok) {
        return fail(expected, `${gotText}, and other values after the same manualSeed(${SEED})`,
          'Your weights change under the same seed, so they do not come from the generator manualSeed() seeds. '
          + 'Which of the package\'s Tensor factories draws normal values from it?', { tolerance });
      }
      return fail(expected, gotText,
        `Your weights repeat under a seed but are not the lesson's draws. The checks seed the default generator and expect the whole ${shp([IN, OUT])} `
        + 'weight to be one normal draw, scaled once, before anything else draws (zeros for the bias draw nothing). What does your constructor draw, in what order?',
        { tolerance });
    },
  },
  {
    id: 'linear.bias',
    title: 'bias zeros, shape [out]',
    async run(ctx) {
      const L = await ctx.make('Linear', [IN, OUT], `new Linear(${IN}, ${OUT})`);
      const { bias } = await ctx.weightAndBias(L);
      const expected = `bias is a Tensor ${shp([OUT])} of zeros`;
      if (bias === null || bias === undefined) {
        return fail(expected, `bias is ${describe(bias)}`,
          'Without a bias every output of the layer is 0 when the input is 0: the layer can only fit lines through the origin. '
          + 'Which option of the constructor says whether there is one, and what is its default?', { mistake: 'bias-missing' });
      }
      if (!ctx.isTensor(bias)) return fail(expected, `bias is ${what(ctx, bias)}`, 'Store the bias as this.bias, a Tensor.');
      const s = bias.shape;
      if (sameShape(s, [1, OUT])) {
        return fail(expected, `bias is ${shp(s)}`,
          `A [1, ${OUT}] bias broadcasts like [${OUT}] for a batch, but it adds a dimension to a single sample: x [${IN}] would come out [1, ${OUT}]. `
          + 'How many dimensions does a vector of one number per output have?', { mistake: 'bias-2d' });
      }
      if (!sameShape(s, [OUT])) return fail(expected, `bias is ${shp(s)}`, `One bias per output: how many outputs does Linear(${IN}, ${OUT}) have?`);
      const { min, max } = bias.stats();
      if (min !== 0 || max !== 0) {
        return fail(expected, `bias values from ${num(min)} to ${num(max)}`,
          'The lesson starts the bias at zero: the random weights already break the symmetry between outputs.');
      }
      return pass(`bias is ${shp(s)}, all zeros`, { expected });
    },
  },
  {
    id: 'linear.no-bias',
    title: '{ bias: false } has no bias',
    async run(ctx) {
      const L = await ctx.make('Linear', [IN, OUT, { bias: false }], `new Linear(${IN}, ${OUT}, { bias: false })`);
      const { weight, bias } = await ctx.weightAndBias(L);
      const expected = 'bias is null, parameters() is [weight], forward(x [4, 784]) = x·W';
      if (bias !== null && bias !== undefined) {
        return fail(expected, `bias is ${what(ctx, bias)}`,
          'The third argument is an options object: read its bias field (true by default) and only make a bias when it is true.');
      }
      const r = await ctx.parameters(L, 'parameters()');
      if (r.error) return fail(expected, r.error, 'parameters() returns an array of Tensors.');
      if (r.list.length !== 1 || r.list[0] !== weight) {
        return fail(expected, `parameters() is ${listText(r.list, (p) => (p === weight ? 'weight' : what(ctx, p)))}`,
          'Without a bias the only thing an optimizer can update is the weight.');
      }
      ctx.seed(3050);
      const x = ctx.randn([4, IN]);
      const y = await ctx.forward(L, x, `forward(x [4, ${IN}]) without a bias`);
      if (!ctx.isTensor(y)) return fail(expected, `forward returned ${what(ctx, y)}`, 'forward(x) returns the output Tensor.');
      const ref = reference(ctx, x, weight, null);
      if (ref.error) return fail(expected, `values not compared: ${ref.error}`, ref.hint);
      if (!sameShape(y.shape, [4, OUT]) || !compare(y.data, ref.values, closeTol).ok) {
        return fail(expected, `y ${shp(y.shape)}, not x·W`, 'Without a bias the output is the product alone.');
      }
      return pass(`bias ${describe(bias)}, parameters() = [weight], y = x·W`, { expected, tolerance: 'y within 1e-5 + 1e-5·|y| of x·W by the core' });
    },
  },
  {
    id: 'linear.parameters',
    title: 'parameters() = [weight, bias], each once',
    async run(ctx) {
      const L = await ctx.make('Linear', [IN, OUT], `new Linear(${IN}, ${OUT})`);
      const { weight, bias } = await ctx.weightAndBias(L);
      const hasBias = bias !== null && bias !== undefined;
      const want = hasBias ? [weight, bias] : [weight];
      const names = (list) => listText(list, (p) => (p === weight ? 'weight' : hasBias && p === bias ? 'bias' : what(ctx, p)));
      const expected = hasBias ? '[weight, bias]' : '[weight] (your layer has no bias)';
      const r = await ctx.parameters(L, 'parameters()');
      if (r.error) return fail(expected, r.error, 'parameters() returns an array of the layer\'s Tensors.');
      const got = r.list;
      if (got.length === want.length && got.every((p, i) => p === want[i])) return pass(names(got), { expected });
      const count = (t) => got.filter((p) => p === t).length;
      if (want.some((t) => count(t) > 1)) {
        return fail(expected, names(got),
          'A tensor listed twice gets every optimizer step twice (and counts twice in the parameter total). How many times does the layer own each tensor?',
          { mistake: 'parameters-duplicate' });
      }
      if (hasBias && count(bias) === 0 && count(weight) === 1) {
        return fail(expected, names(got),
          'The optimizer only updates what parameters() lists: a bias left out never learns. Which tensors of the layer should change during training?',
          { mistake: 'parameters-missing-bias' });
      }
      return fail(expected, names(got), 'parameters() lists the tensors the layer owns and learns: the weight first, then the bias if there is one, '
        + 'the same Tensor objects as this.weight and this.bias (not copies).');
    },
  },
  ...[
    { id: 'linear.forward-1d', title: 'forward of one sample [in]', xShape: [IN], yShape: [OUT] },
    { id: 'linear.forward-2d', title: 'forward of a batch [batch, in]', xShape: [32, IN], yShape: [32, OUT] },
    { id: 'linear.forward-3d', title: 'forward of a batched input [..., in]', xShape: [2, 3, IN], yShape: [2, 3, OUT] },
  ].map(({ id, title, xShape, yShape }, k) => ({
    id,
    title,
    async run(ctx) {
      const L = await ctx.make('Linear', [IN, OUT], `new Linear(${IN}, ${OUT})`);
      const { weight, bias } = await ctx.weightAndBias(L);
      ctx.seed(3100 + k);
      const x = ctx.randn(xShape);
      const y = await ctx.forward(L, x, `forward(x ${shp(xShape)})`);
      const tolerance = 'values within 1e-5 + 1e-5·|y| of x·W + b computed by the core with your weight and bias';
      const expected = `y ${shp(yShape)} = x·W + b`;
      if (!ctx.isTensor(y)) return fail(expected, `forward returned ${what(ctx, y)}`, 'forward(x) returns the output Tensor.', { tolerance });
      const ref = reference(ctx, x, weight, bias);
      const ys = y.shape;
      if (!sameShape(ys, yShape)) {
        const b2 = ctx.isTensor(bias) && sameShape(bias.shape, [1, OUT]);
        return fail(expected, `y ${shp(ys)}`, b2 && xShape.length === 1
          ? `Your bias is [1, ${OUT}]: adding it to x·W [${OUT}] broadcasts the result up to two dimensions. How many dimensions should a bias of one number per output have?`
          : `Linear acts on the last dimension only: every leading dimension of x should come through unchanged, and the last one should become ${OUT}.`,
        { mistake: b2 && xShape.length === 1 ? 'bias-2d' : null, tolerance });
      }
      if (ref.error) return fail(expected, `y ${shp(ys)}, values not compared: ${ref.error}`, ref.hint, { tolerance });
      const c = compare(y.data, ref.values, closeTol);
      if (!c.ok) {
        return fail(`${expected}: y${at(yShape, c.index)} = ${num(c.want, 6)}`, `y${at(yShape, c.index)} = ${num(c.got, 6)}`,
          'Your output has the right shape but other values. The layer computes y = x·W + b with its own W and b, nothing else: '
          + 'is anything added, scaled or transposed on the way?', { tolerance });
      }
      return pass(`y is ${shp(ys)}, equal to x·W + b`, { expected, tolerance });
    },
  })),
  {
    id: 'linear.gradients',
    title: 'gradients flow: backward() fills weight.grad and bias.grad',
    async run(ctx) {
      const { api } = ctx;
      const K = 20;
      const N = 5;
      ctx.seed(3200);
      const L = await ctx.make('Linear', [K, N], `new Linear(${K}, ${N})`);
      const { weight, bias } = await ctx.weightAndBias(L);
      const x = ctx.randn([8, K]);
      const c = ctx.randn([8, N]);
      const tolerance = 'each gradient within 1e-5 + 1e-5·|g| of the core\'s for the same weights and loss Σ y·c';
      const expected = 'weight.grad and bias.grad equal to the core\'s';
      if (!ctx.isTensor(weight)) return fail(expected, `weight is ${what(ctx, weight)}`, 'Store the weights as this.weight.', { tolerance });
      const y = await ctx.forward(L, x, `forward(x [8, ${K}])`);
      if (!ctx.isTensor(y)) return fail(expected, `forward returned ${what(ctx, y)}`, 'forward(x) returns the output Tensor.', { tolerance });
      if (!y.requiresGrad) {
        const wr = weight.requiresGrad;
        return fail(expected, `forward's output does not track gradients (weight.requiresGrad is ${wr})`, wr
          ? 'Autograd only follows Tensor operations: an output rebuilt from numbers (new Tensor(...data)) forgets where it came from. Compute it from x and the weight with Tensor methods.'
          : 'Autograd only records operations on tensors that ask for it: which property of the weight (and the bias) says "learn me"?',
        { tolerance });
      }
      let yc;
      try {
        yc = ctx.own(ctx.own(y.mul(c)).sum());
        yc.backward();
      } catch (e) {
        return fail(expected, `backward() failed: ${thrownText(e)}`, 'Build the output from x, the weight and the bias with Tensor operations only.', { tolerance });
      }
      // the core's gradients for the same weights
      const params = [['weight', weight], ...(ctx.isTensor(bias) ? [['bias', bias]] : [])];
      const clones = params.map(([, t]) => ctx.tensor(t.data, t.shape, { requiresGrad: true }));
      const ws = weight.shape;
      const wT = sameShape(ws, [N, K]) ? ctx.own(clones[0].transpose()) : clones[0];
      let r = ctx.own(x.matmul(wT));
      if (clones[1]) r = ctx.own(r.add(clones[1]));
      ctx.own(ctx.own(r.mul(c)).sum()).backward();
      for (let i = 0; i < params.length; i++) {
        const [name, t] = params[i];
        const g = t.grad;
        if (!ctx.isTensor(g)) {
          let why;
          if (!t.requiresGrad) why = `Autograd only fills .grad for tensors that ask for it: which property of your ${name} says so?`;
          else if (!t.isLeaf) {
            why = `Your ${name} is the result of an operation (made with requiresGrad, then scaled), so autograd treats it as an intermediate `
              + 'and keeps no .grad for it. Which tensor should be the one that learns: the raw draw, or the scaled one?';
          } else why = `The loss does not depend on your ${name} through Tensor operations: is it used in forward as it is, or copied first?`;
          return fail(expected, `${name}.grad is ${describe(g)} after backward()`, why, { tolerance });
        }
        const want = clones[i].grad.data;
        const cmp = compare(g.data, want, closeTol);
        if (!cmp.ok) {
          return fail(`${name}.grad${at(t.shape, cmp.index)} = ${num(cmp.want, 6)}`, `${num(cmp.got, 6)}`,
            `The gradient of your ${name} differs from the core's for the same forward: does forward use exactly x·W + b, and nothing that autograd cannot see?`,
            { tolerance });
        }
      }
      return pass(`${params.map(([n]) => `${n}.grad`).join(' and ')} equal to the core's`, { expected, tolerance });
    },
  },
  {
    id: 'linear.lesson-network',
    title: 'the lesson network 784-256-128-10 has 235,146 parameters',
    async run(ctx) {
      const { api, student } = ctx;
      const linears = [];
      const layers = [];
      const ps = [0.5, 0.3];
      for (const [i, [k, n]] of LESSON.entries()) {
        const L = await ctx.make('Linear', [k, n], `new Linear(${k}, ${n})`);
        await ctx.weightAndBias(L);
        linears.push(L);
        layers.push(L);
        if (i < LESSON.length - 1) {
          layers.push(new api.ReLU());
          if (typeof student.Dropout === 'function') layers.push(await ctx.make('Dropout', [ps[i]], `new Dropout(${ps[i]})`));
        }
      }
      const expected = `${fmtInt(LESSON_COUNT)} = ${LESSON.map(([k, n]) => `${k}·${n} + ${n}`).join(' + ')}`;
      let list;
      let how;
      if (typeof student.Sequential === 'function') {
        const net = await ctx.make('Sequential', layers, 'new Sequential(Linear, ReLU, Dropout, ...)');
        const r = await ctx.parameters(net, 'Sequential.parameters()');
        if (r.error) return fail(expected, r.error, 'parameters() returns an array of Tensors.');
        list = r.list;
        how = 'your Sequential';
      } else {
        list = [];
        for (const L of linears) {
          const r = await ctx.parameters(L, 'Linear.parameters()');
          if (r.error) return fail(expected, r.error, 'parameters() returns an array of Tensors.');
          for (const p of r.list) if (!list.includes(p)) list.push(p);
        }
        how = 'your three Linears';
      }
      let total = 0;
      for (const p of list) {
        if (!ctx.isTensor(p)) return fail(expected, `a parameter is ${what(ctx, p)}`, 'parameters() lists Tensors only.');
        total += p.size;
      }
      if (total === LESSON_COUNT) return pass(`${fmtInt(total)} parameters (${how})`, { expected });
      // per layer, to say where the count goes wrong
      const per = [];
      for (const [i, L] of linears.entries()) {
        const r = await ctx.parameters(L, 'Linear.parameters()');
        const [k, n] = LESSON[i];
        const cnt = (r.list ?? []).reduce((s, p) => s + (ctx.isTensor(p) ? p.size : 0), 0);
        if (cnt !== k * n + n) per.push(`Linear(${k}, ${n}) lists ${fmtInt(cnt)}, not ${fmtInt(k * n + n)}`);
      }
      return fail(expected, `${fmtInt(total)} (${how})${per.length ? `; ${per.join('; ')}` : ''}`,
        'Each Linear(in, out) learns in·out weights and out biases, and the network learns each of them once. '
        + 'Which tensors are missing from the lists, or counted twice?');
    },
  },
];

/** x·W + b by the core with the student's own W (or its transpose if stored [out, in]) and b as given. */
function reference(ctx, x, weight, bias) {
  if (!ctx.isTensor(weight)) return { error: `weight is ${what(ctx, weight)}`, hint: 'Store the weights as this.weight.' };
  const ws = weight.shape;
  let W;
  if (sameShape(ws, [IN, OUT])) W = weight;
  else if (sameShape(ws, [OUT, IN])) W = ctx.own(weight.transpose());
  else return { error: `weight is ${shp(ws)}`, hint: 'Fix the weight\'s shape first (linear.weight-shape).' };
  let r = ctx.own(x.matmul(W));
  if (ctx.isTensor(bias)) {
    try {
      r = ctx.own(r.add(bias));
    } catch {
      return { error: `bias ${shp(bias.shape)} does not broadcast`, hint: 'Fix the bias first (linear.bias).' };
    }
  }
  return { values: r.data };
}

// ---- Dropout

const DROPOUT_CHECKS = [
  {
    id: 'dropout.p',
    title: 'p stored, 0.5 by default, no parameters',
    async run(ctx) {
      const d = await ctx.make('Dropout', [0.3], 'new Dropout(0.3)');
      const p = await ctx.read(d, 'p');
      const d0 = await ctx.make('Dropout', [], 'new Dropout()');
      const p0 = await ctx.read(d0, 'p');
      const r = await ctx.parameters(d, 'parameters()');
      const expected = 'p = 0.3 for new Dropout(0.3), 0.5 for new Dropout(), parameters() = []';
      const got = `p = ${describe(p)}, ${describe(p0)}, parameters() = ${r.error ?? listText(r.list, (t) => what(ctx, t))}`;
      if (p !== 0.3 || p0 !== 0.5) return fail(expected, got, 'Keep the drop probability as this.p; the lesson\'s default is a coin flip.');
      if (r.error || r.list.length !== 0) return fail(expected, got, 'Dropout learns nothing: what should an optimizer find in its parameters()?');
      return pass(got, { expected });
    },
  },
  {
    id: 'dropout.refuse-p',
    title: 'p outside [0, 1] is refused',
    async run(ctx) {
      const bad = [];
      for (const p of [-0.1, 1.5]) {
        let threw = null;
        try {
          await ctx.make('Dropout', [p], `new Dropout(${p})`);
        } catch (e) {
          if (!(e instanceof StudentError)) throw e;
          threw = e;
        }
        if (threw === null) bad.push(`new Dropout(${p}) was accepted`);
        else if (threw.causeName !== 'RangeError') bad.push(threw.message);
      }
      const expected = 'new Dropout(-0.1) and new Dropout(1.5) throw a RangeError';
      if (!bad.length) return pass('both throw a RangeError', { expected });
      return fail(expected, bad.join('; '),
        'p is a probability. A layer built with an impossible value should say so when it is made, not produce nonsense later: '
        + 'JavaScript\'s error for a value outside its allowed range is RangeError.');
    },
  },
  {
    id: 'dropout.shape',
    title: 'output shape = input shape',
    async run(ctx) {
      const d = await ctx.make('Dropout', [0.5], 'new Dropout(0.5)');
      for (const s of [[10], [4, 5], [2, 3, 4]]) {
        ctx.seed(4000);
        const x = ctx.tensor(testValues(s.reduce((a, b) => a * b, 1)), s);
        const y = await ctx.forward(d, x, `forward(x ${shp(s)})`);
        if (!ctx.isTensor(y)) return fail(`y ${shp(s)}`, `forward returned ${what(ctx, y)}`, 'forward(x) returns the output Tensor.');
        if (!sameShape(y.shape, s)) return fail(`y ${shp(s)}`, `y ${shp(y.shape)}`, 'Dropout acts element by element: draw the mask with the shape of x itself.');
      }
      return pass('[10], [4, 5] and [2, 3, 4] keep their shapes', { expected: 'y has the shape of x' });
    },
  },
  {
    id: 'dropout.p0-identity',
    title: 'p = 0 is the identity',
    async run(ctx) {
      const d = await ctx.make('Dropout', [0], 'new Dropout(0)');
      const x = ctx.tensor(testValues(200), [10, 20]);
      ctx.seed(4100);
      const y = await ctx.forward(d, x, 'forward(x) in training with p = 0');
      return identityVerdict(ctx, x, y, 'y = x', (r) => (r.zeros
        ? 'With p = 0 nothing may be dropped. Compare your keep test with a uniform draw u in [0, 1): which comparison keeps every u when p = 0?'
        : 'With p = 0 nothing is dropped and 1/(1 − p) = 1: the output should be x exactly.'), 'p-as-keep');
    },
  },
  {
    id: 'dropout.p1-zeros',
    title: 'p = 1 gives zeros',
    async run(ctx) {
      const d = await ctx.make('Dropout', [1], 'new Dropout(1)');
      const x = ctx.tensor(testValues(200), [10, 20]);
      ctx.seed(4200);
      const y = await ctx.forward(d, x, 'forward(x) in training with p = 1');
      const expected = 'all 200 outputs 0';
      if (!ctx.isTensor(y)) return fail(expected, `forward returned ${what(ctx, y)}`, 'forward(x) returns the output Tensor.');
      const { zeros, nonFinite, count } = y.stats();
      const n = y.size;
      if (zeros === n) return pass(expected, { expected });
      if (nonFinite > 0) {
        return fail(expected, `${plural(nonFinite, 'NaN or infinite value')}`,
          'At p = 1 every element is dropped, and the scale 1/(1 − p) is 1/0 = ∞: 0 · ∞ is NaN in floating point. What should the layer return when nothing survives?');
      }
      return fail(expected, `${plural(count - zeros, 'nonzero value')}`,
        'p = 1 drops every element: with a uniform u in [0, 1), which comparison of u with p keeps nothing at p = 1?',
        { mistake: zeros === 0 ? 'p-as-keep' : null });
    },
  },
  {
    id: 'dropout.eval-identity',
    title: 'eval() is the identity for any p',
    async run(ctx) {
      for (const p of [0.2, 0.5, 0.9]) {
        const d = await ctx.make('Dropout', [p], `new Dropout(${p})`);
        await ctx.invoke(d, 'eval', [], 'eval()');
        const x = ctx.tensor(testValues(200), [10, 20]);
        ctx.seed(4300);
        const y = await ctx.forward(d, x, `forward(x) after eval() with p = ${p}`);
        const v = identityVerdict(ctx, x, y, `y = x for p = ${p}`, (r) => {
          if (r.zeros) {
            return 'Dropout is a training-time regulariser: at evaluation every unit is kept, and thanks to the 1/(1 − p) scale in training '
              + 'nothing needs rescaling. What does your forward look at to know which mode it is in?';
          }
          if (Math.abs(r.ratio - (1 - p)) < 1e-4) {
            return 'Your eval output is x·(1 − p): that is the original, non-inverted dropout, which scales at evaluation. '
              + 'Inverted dropout does its scaling during training, so what is left to do at evaluation?';
          }
          return 'In eval mode the layer should pass its input through unchanged.';
        }, 'dropout-active-in-eval');
        if (v.status !== 'pass') return v;
      }
      return pass('y = x after eval() for p = 0.2, 0.5 and 0.9', { expected: 'y = x after eval(), whatever p' });
    },
  },
  {
    id: 'dropout.scale',
    title: 'in training, kept values are x/(1−p), dropped are 0',
    async run(ctx) {
      const p = 0.2;
      const d = await ctx.make('Dropout', [p], `new Dropout(${p})`);
      const n = 5000;
      const x = ctx.tensor(testValues(n), [100, 50]);
      ctx.seed(4400);
      const y = await ctx.forward(d, x, `forward(x) in training with p = ${p}`);
      const scale = 1 / (1 - p);
      const tolerance = 'each kept value within 1e-6·|x/(1−p)| (float32 rounding)';
      const expected = `kept values x/(1−p) = ${fixed(scale)}·x, dropped 0`;
      if (!ctx.isTensor(y)) return fail(expected, `forward returned ${what(ctx, y)}`, 'forward(x) returns the output Tensor.', { tolerance });
      if (y.size !== n) return fail(expected, `y ${shp(y.shape)}`, 'The output has one value per input.', { tolerance });
      const xs = x.data;
      const ys = y.data;
      let kept = 0;
      const ratios = new Map();
      let firstBad = -1;
      for (let i = 0; i < n; i++) {
        if (ys[i] === 0) continue;
        kept++;
        const r = ys[i] / xs[i];
        if (!(Math.abs(r - scale) <= 1e-6 * scale)) {
          if (firstBad < 0) firstBad = i;
          const key = Number.isFinite(r) ? Number(r.toPrecision(4)) : r;
          ratios.set(key, (ratios.get(key) ?? 0) + 1);
        }
      }
      if (firstBad < 0) {
        if (kept === 0) return fail(expected, 'every value dropped', 'At p = 0.2 about 80% of the values should survive.', { tolerance });
        return pass(`all ${fmtInt(kept)} kept values are ${fixed(scale)}·x`, { expected, tolerance });
      }
      const common = [...ratios.entries()].sort((a, b) => b[1] - a[1])[0][0];
      const got = ratios.size === 1 ? `kept values ${fixed(common)}·x` : `y${at([100, 50], firstBad)} = ${num(ys[firstBad])} for x = ${num(xs[firstBad])}`;
      if (ratios.size === 1 && Math.abs(common - 1) < 1e-4) {
        return fail(expected, got,
          `Your survivors keep their value, so on average the output is only ${1 - p} of the input, and the next layer sees smaller sums in training than in eval. `
          + 'What factor on the survivors makes the expected output equal to x?', { mistake: 'dropout-unscaled', tolerance });
      }
      if (ratios.size === 1 && Math.abs(common - 1 / p) < 1e-3) {
        return fail(expected, got,
          'Your survivors are scaled by 1/p: that treats p as the probability of keeping. In the lesson (and in PyTorch) p is the probability of dropping.',
          { mistake: 'p-as-keep', tolerance });
      }
      return fail(expected, got, 'Every output is either 0 (dropped) or x scaled so that the expected output equals x: what must the survivors be multiplied by?', { tolerance });
    },
  },
  {
    id: 'dropout.keep-rate',
    title: 'a fraction 1 − p survives',
    async run(ctx) {
      const p = 0.2;
      const n = 20000; // small enough for a sandboxed interpreter, large enough: the mistakes are > 50 sd away
      const d = await ctx.make('Dropout', [p], `new Dropout(${p})`);
      const x = ctx.own(ctx.api.Tensor.ones([n]));
      ctx.seed(4500);
      const y = await ctx.forward(d, x, `forward(x [${fmtInt(n)}]) in training with p = ${p}`);
      const sd = Math.sqrt(p * (1 - p) / n);
      const tolerance = `±${SIGMAS}·√(p(1−p)/n) = ±${num(SIGMAS * sd, 2)} (the kept fraction of n = ${fmtInt(n)} is binomial)`;
      const expected = `a kept fraction of 1 − p = ${1 - p} ± ${num(SIGMAS * sd, 2)}`;
      if (!ctx.isTensor(y)) return fail(expected, `forward returned ${what(ctx, y)}`, 'forward(x) returns the output Tensor.', { tolerance });
      const { zeros, count } = y.stats();
      const frac = (count - zeros) / y.size;
      const got = `kept ${frac.toFixed(4)}`;
      if (Math.abs(frac - (1 - p)) <= SIGMAS * sd) return pass(got, { expected, tolerance });
      if (Math.abs(frac - p) <= SIGMAS * sd) {
        return fail(expected, got, `About ${100 * p}% of your values survive: that keeps with probability p. In the lesson p is the probability of dropping a unit: `
          + 'with u uniform in [0, 1), which comparison with p is true with probability 1 − p?', { mistake: 'p-as-keep', tolerance });
      }
      return fail(expected, got, 'Each element should survive independently with probability 1 − p: compare one uniform draw per element with p.', { tolerance });
    },
  },
  {
    id: 'dropout.mean',
    title: 'the mean is preserved',
    async run(ctx) {
      const p = 0.5;
      const n = 20000; // small enough for a sandboxed interpreter, large enough: the mistakes are > 50 sd away
      const d = await ctx.make('Dropout', [p], `new Dropout(${p})`);
      const x = ctx.own(ctx.api.Tensor.ones([n]));
      ctx.seed(4600);
      const y = await ctx.forward(d, x, `forward(ones [${fmtInt(n)}]) in training with p = ${p}`);
      const sd = Math.sqrt(p / ((1 - p) * n));
      const tolerance = `±${SIGMAS}·√(p/((1−p)·n)) = ±${num(SIGMAS * sd, 2)} (the mean of n = ${fmtInt(n)} values that are 1/(1−p) with probability 1−p, else 0)`;
      const expected = `mean 1.000 ± ${num(SIGMAS * sd, 2)} (the input's)`;
      if (!ctx.isTensor(y)) return fail(expected, `forward returned ${what(ctx, y)}`, 'forward(x) returns the output Tensor.', { tolerance });
      const { mean } = y.stats();
      const got = `mean ${fixed(mean, 4)}`;
      if (Math.abs(mean - 1) <= SIGMAS * sd) return pass(got, { expected, tolerance });
      if (Math.abs(mean - (1 - p)) <= SIGMAS * sd) {
        return fail(expected, got, `The mean dropped to about 1 − p = ${1 - p}: half the units are gone and the survivors were not scaled up. `
          + 'Which factor on the survivors brings the expected value back to the input\'s?', { mistake: 'dropout-unscaled', tolerance });
      }
      return fail(expected, got, 'Inverted dropout keeps the expected value of every element: E[y] = (1 − p)·scale·x. What scale makes that x?', { tolerance });
    },
  },
  {
    id: 'dropout.mask-draw',
    title: 'the mask is the default generator\'s Tensor.rand draw',
    async run(ctx) {
      const p = 0.3;
      const shape = [50, 40];
      const n = 2000;
      const SEED = 4700;
      ctx.seed(SEED);
      const u = ctx.rand(shape).data;
      const x = ctx.tensor(testValues(n), shape);
      const d = await ctx.make('Dropout', [p], `new Dropout(${p})`);
      ctx.seed(SEED);
      const y = await ctx.forward(d, x, `forward(x ${shp(shape)}) after manualSeed(${SEED})`);
      const tolerance = 'exact: the kept set must equal {u ≥ p} or {u < 1 − p} for u = Tensor.rand(x.shape) drawn first after the same manualSeed';
      const expected = `kept where u ≥ ${p} (or where u < ${1 - p}), u = Tensor.rand(${shp(shape)}) after manualSeed(${SEED})`;
      if (!ctx.isTensor(y)) return fail(expected, `forward returned ${what(ctx, y)}`, 'forward(x) returns the output Tensor.', { tolerance });
      if (y.size !== n) return fail(expected, `y ${shp(y.shape)}`, 'The output has one value per input.', { tolerance });
      const ys = y.data;
      const diff = (rule) => {
        let k = 0;
        for (let i = 0; i < n; i++) if ((ys[i] !== 0) !== rule(u[i])) k++;
        return k;
      };
      const dA = diff((v) => v >= p);
      const dB = diff((v) => v < 1 - p);
      if (dA === 0 || dB === 0) return pass(`kept where u ${dA === 0 ? `≥ ${p}` : `< ${1 - p}`}, all ${fmtInt(n)} elements`, { expected, tolerance });
      if (diff((v) => v < p) === 0 || diff((v) => v >= 1 - p) === 0) {
        return fail(expected, 'kept where u < p: the complement of the lesson\'s mask',
          'Your mask keeps an element with probability p. In the lesson p is the drop probability: flip the comparison.',
          { mistake: 'p-as-keep', tolerance });
      }
      return fail(expected, `${plural(Math.min(dA, dB), 'element')} of ${fmtInt(n)} differ`,
        'The checks seed the default generator and expect your forward to draw the mask first, with one Tensor.rand(x.shape) call '
        + '(Math.random cannot be seeded, and another draw before it shifts every value).', { tolerance });
    },
  },
  {
    id: 'dropout.repeat',
    title: 'the mask repeats under the same manualSeed, and is fresh each call',
    async run(ctx) {
      const d = await ctx.make('Dropout', [0.5], 'new Dropout(0.5)');
      const x = ctx.tensor(testValues(1000), [1000]);
      const outs = [];
      for (const reseed of [true, true, false]) {
        if (reseed) ctx.seed(4800);
        const y = await ctx.forward(d, x, 'forward(x) in training');
        if (!ctx.isTensor(y)) return fail('a Tensor', `forward returned ${what(ctx, y)}`, 'forward(x) returns the output Tensor.');
        outs.push(y.data);
      }
      const same = (a, b) => a.length === b.length && a.every((v, i) => v === b[i]);
      const expected = 'the same output after the same manualSeed, a new mask on the next call';
      if (!same(outs[0], outs[1])) {
        return fail(expected, 'different outputs after the same manualSeed',
          'Your mask does not follow manualSeed(): draw it with the package\'s Tensor.rand, which uses the default generator (Math.random cannot be seeded).');
      }
      if (same(outs[1], outs[2])) {
        return fail(expected, 'the same mask on two calls in a row',
          'Dropout draws a new mask on every forward pass: a mask made once and reused drops the same units forever, which is just a smaller network.');
      }
      return pass('repeats under manualSeed, fresh on each call', { expected });
    },
  },
  {
    id: 'dropout.gradients',
    title: 'gradients flow through the mask',
    async run(ctx) {
      const d = await ctx.make('Dropout', [0.5], 'new Dropout(0.5)');
      const x = ctx.tensor(testValues(600), [20, 30], { requiresGrad: true });
      ctx.seed(4900);
      const y = await ctx.forward(d, x, 'forward(x) in training');
      const tolerance = 'x.grad within 1e-6·|y/x| of your own y/x: y is x times a constant per element, so dy/dx is that constant';
      const expected = 'x.grad = y / x (the mask times the scale)';
      if (!ctx.isTensor(y)) return fail(expected, `forward returned ${what(ctx, y)}`, 'forward(x) returns the output Tensor.', { tolerance });
      if (!y.requiresGrad) {
        return fail(expected, 'the output does not track gradients',
          'Autograd only follows Tensor operations: an output rebuilt from numbers forgets x. Multiply x by the mask with a Tensor method.', { tolerance });
      }
      try {
        ctx.own(y.sum()).backward();
      } catch (e) {
        return fail(expected, `backward() failed: ${thrownText(e)}`, 'Build the output from x with Tensor operations only.', { tolerance });
      }
      const g = x.grad;
      if (!ctx.isTensor(g)) return fail(expected, `x.grad is ${describe(g)}`, 'The output must be computed from x itself, with Tensor operations.', { tolerance });
      const ys = y.data;
      const xs = x.data;
      const want = Float32Array.from(ys, (v, i) => v / xs[i]);
      const c = compare(g.data, want, (b) => 1e-6 * Math.abs(b) + 1e-30);
      if (!c.ok) {
        return fail(`x.grad${at([20, 30], c.index)} = ${num(c.want)}`, num(c.got),
          'The gradient of x·mask·scale is mask·scale: is the mask that autograd sees the one you used?', { tolerance });
      }
      return pass('x.grad = mask · 1/(1−p)', { expected, tolerance });
    },
  },
];

/** y must equal x exactly (a copy or x itself). `hintFor` gets { zeros, ratio }. */
function identityVerdict(ctx, x, y, expected, hintFor, mistakeIfZeros) {
  if (!ctx.isTensor(y)) return fail(expected, `forward returned ${what(ctx, y)}`, 'forward(x) returns the output Tensor.');
  if (!sameShape(y.shape, x.shape)) return fail(expected, `y ${shp(y.shape)} for x ${shp(x.shape)}`, 'The output has the shape of the input.');
  const xs = x.data;
  const ys = y.data;
  let zeros = 0;
  let first = -1;
  for (let i = 0; i < xs.length; i++) {
    if (ys[i] !== xs[i]) {
      if (first < 0) first = i;
      if (ys[i] === 0) zeros++;
    }
  }
  if (first < 0) return pass(expected, { expected });
  const ratio = ys[first] / xs[first];
  const got = zeros ? `${plural(zeros, 'value')} of ${xs.length} zeroed` : `y${at(x.shape, first)} = ${num(ys[first])} for x = ${num(xs[first])}`;
  const hint = hintFor({ zeros, ratio });
  const mistake = zeros && mistakeIfZeros === 'dropout-active-in-eval' ? mistakeIfZeros
    : zeros === xs.length && mistakeIfZeros === 'p-as-keep' ? mistakeIfZeros : null;
  return fail(expected, got, hint, { mistake });
}

// ---- Sequential

/** Three student layers with the lesson's names, square so a broken chain still runs and can be told apart. */
async function chainOf(ctx) {
  ctx.seed(5000);
  const l1 = await ctx.make('Linear', [8, 8], 'new Linear(8, 8)');
  const l2 = await ctx.make('Linear', [8, 8], 'new Linear(8, 8)');
  await ctx.weightAndBias(l1);
  await ctx.weightAndBias(l2);
  const relu = new ctx.api.ReLU();
  return { l1, relu, l2 };
}

const SEQUENTIAL_CHECKS = [
  {
    id: 'sequential.forward',
    title: 'forward composes the layers in order',
    async run(ctx) {
      const { l1, relu, l2 } = await chainOf(ctx);
      const net = await ctx.make('Sequential', [l1, relu, l2], 'new Sequential(linear1, relu, linear2)');
      ctx.seed(5001);
      const x = ctx.randn([5, 8]);
      const y = await ctx.forward(net, x, 'Sequential.forward(x)');
      // the same layers called by hand, in order (the student's own Linear)
      const h1 = await ctx.forward(l1, x, 'linear1.forward(x)');
      const h2 = ctx.own(relu.forward(h1));
      const want = await ctx.forward(l2, h2, 'linear2.forward(relu(linear1(x)))');
      const tolerance = 'within 1e-5 + 1e-5·|y| of linear2(relu(linear1(x))) computed by calling your layers one by one';
      const expected = 'y = linear2(relu(linear1(x)))';
      if (!ctx.isTensor(y)) return fail(expected, `forward returned ${what(ctx, y)}`, 'forward(x) returns the last layer\'s output.', { tolerance });
      const yv = y.data;
      const eq = (t) => ctx.isTensor(t) && t.size === y.size && compare(yv, t.data, closeTol).ok;
      if (sameShape(y.shape, want.shape) && eq(want)) return pass('y = linear2(relu(linear1(x)))', { expected, tolerance });
      const last = await ctx.forward(l2, x, 'linear2.forward(x)');
      if (eq(last)) {
        return fail(expected, 'y = linear2(x): each layer was given the original x',
          'Your loop calls every layer on the network\'s input, so only the last one counts. What should each layer receive instead?',
          { mistake: 'sequential-no-chain', tolerance });
      }
      if (eq(x)) return fail(expected, 'y = x', 'forward returns the output of the last layer, not the input.', { mistake: 'sequential-no-chain', tolerance });
      if (eq(h1)) {
        return fail(expected, 'y = linear1(x)', 'Only the first layer ran, or its output was returned: every layer\'s output is the next one\'s input.',
          { mistake: 'sequential-no-chain', tolerance });
      }
      return fail(expected, `y ${shp(y.shape)} with other values`, 'Apply the layers in the order they were given, each to the previous one\'s output.', { tolerance });
    },
  },
  {
    id: 'sequential.layers',
    title: 'layers holds the layers in order',
    async run(ctx) {
      const { l1, relu, l2 } = await chainOf(ctx);
      const net = await ctx.make('Sequential', [l1, relu, l2], 'new Sequential(linear1, relu, linear2)');
      const layers = await ctx.read(net, 'layers');
      const list = listOf(layers);
      if (list === null) {
        return fail('layers = [linear1, relu, linear2]', `layers is ${describe(layers)}`, 'Keep the layers the constructor was given as this.layers, an array.');
      }
      const names = new Map([[l1, 'linear1'], [relu, 'relu'], [l2, 'linear2']]);
      const got = listText(list, (l) => names.get(l) ?? describe(l));
      if (list.length === 3 && list[0] === l1 && list[1] === relu && list[2] === l2) return pass(`layers = ${got}`, { expected: 'layers = [linear1, relu, linear2]' });
      return fail('layers = [linear1, relu, linear2]', `layers = ${got}`,
        'new Sequential(a, b, c) takes the layers as separate arguments: a rest parameter collects them into an array, in order.');
    },
  },
  {
    id: 'sequential.parameters',
    title: 'parameters() collects every child\'s, in order',
    async run(ctx) {
      const { l1, relu, l2 } = await chainOf(ctx);
      const net = await ctx.make('Sequential', [l1, relu, l2], 'new Sequential(linear1, relu, linear2)');
      return parametersVerdict(ctx, net, [l1, l2], ['linear1', 'linear2']);
    },
  },
  {
    id: 'sequential.shared',
    title: 'a layer used twice counts once',
    async run(ctx) {
      const { l1, relu } = await chainOf(ctx);
      const net = await ctx.make('Sequential', [l1, relu, l1], 'new Sequential(linear1, relu, linear1)');
      return parametersVerdict(ctx, net, [l1, l1], ['linear1', 'linear1']);
    },
  },
  {
    id: 'sequential.train-eval',
    title: 'train() and eval() reach every child',
    async run(ctx) {
      const { api, student } = ctx;
      const { l1, relu, l2 } = await chainOf(ctx);
      const hasDropout = typeof student.Dropout === 'function';
      const a = hasDropout ? await ctx.make('Dropout', [0.5], 'new Dropout(0.5)') : l2;
      const b = hasDropout ? await ctx.make('Dropout', [0.5], 'new Dropout(0.5)') : new api.ReLU();
      const inner = await ctx.make('Sequential', [relu, b], 'new Sequential(relu, dropout2)');
      const net = await ctx.make('Sequential', [l1, a, inner], 'new Sequential(linear1, dropout1, new Sequential(relu, dropout2))');
      const all = [['the network', net], ['linear1', l1], [hasDropout ? 'dropout1' : 'linear2', a], ['the inner Sequential', inner],
        ['relu', relu], [hasDropout ? 'dropout2' : 'relu2', b]];
      const expected = 'training false on every layer after eval(), true again after train()';
      for (const [method, want] of [['eval', false], ['train', true]]) {
        await ctx.invoke(net, method, [], `${method}()`);
        for (const [name, m] of all) {
          const t = await ctx.read(m, 'training');
          if (t !== want) {
            return fail(expected, `after ${method}(), ${name}.training is ${describe(t)}`,
              'A Dropout inside the network only knows its mode from its own training flag: when the network changes mode, '
              + 'who tells each of its layers (and the layers inside those)?');
          }
        }
      }
      return pass('eval() and train() reach all 5 layers, nested ones included', { expected });
    },
  },
];

/** Sequential.parameters() must equal the children's own parameters() in order, each tensor once. */
async function parametersVerdict(ctx, net, children, names) {
  const want = [];
  const label = new Map();
  for (const [i, c] of children.entries()) {
    const r = await ctx.parameters(c, `${names[i]}.parameters()`);
    if (r.error) return fail('the children\'s parameters', r.error, 'Linear.parameters() returns an array of Tensors.');
    r.list.forEach((p, j) => {
      if (!want.includes(p)) want.push(p);
      if (!label.has(p)) label.set(p, `${names[i]}[${j}]`);
    });
  }
  const r = await ctx.parameters(net, 'Sequential.parameters()');
  const fmt = (list) => listText(list, (p) => label.get(p) ?? what(ctx, p));
  const expected = `${fmt(want)} (${plural(want.length, 'tensor')}, as your layers list them, each once)`;
  if (r.error) return fail(expected, r.error, 'parameters() returns an array of Tensors.');
  const got = r.list;
  if (got.length === want.length && got.every((p, i) => p === want[i])) return pass(`${fmt(got)}`, { expected });
  const dup = got.some((p, i) => got.indexOf(p) !== i);
  return fail(expected, fmt(got), dup
    ? 'A tensor listed twice is updated twice per optimizer step. When the same layer appears twice, how do you keep its tensors once?'
    : 'Sequential owns no tensors itself: its parameters are its layers\' parameters, gathered in the layers\' order.');
}

const CHECKS = [
  ...LINEAR_CHECKS.map((c) => ({ ...c, exercise: 'linear', needs: 'Linear' })),
  ...DROPOUT_CHECKS.map((c) => ({ ...c, exercise: 'dropout', needs: 'Dropout' })),
  ...SEQUENTIAL_CHECKS.map((c) => ({ ...c, exercise: 'sequential', needs: 'Sequential' })),
];

/** Every check: { id, exercise, title }, in the order runLayerChecks runs them. */
export const CHECK_LIST = Object.freeze(CHECKS.map(({ id, exercise, title }) => Object.freeze({ id, exercise, title })));

/**
 * Run the checks on a student's classes.
 * @param api the tinytorch-wasm API object (the package's exports, or the page's app.api)
 * @param student { Linear, Dropout, Sequential }: the student module's exports (real classes or host-side proxies)
 * @param opts { exercises: ['linear', ...] (default all), onResult(result) called as each check finishes }
 * @returns Promise<CheckResult[]>
 */
export async function runLayerChecks(api, student, { exercises, onResult } = {}) {
  if (api === null || typeof api !== 'object' || typeof api.Tensor !== 'function' || typeof api.manualSeed !== 'function') {
    throw new TypeError(`runLayerChecks: api must be the tinytorch-wasm API object, got ${describe(api)}`);
  }
  const mod = student !== null && typeof student === 'object' ? student : {};
  const known = EXERCISES.map((e) => e.id);
  const wanted = exercises === undefined ? known : Array.from(exercises);
  for (const e of wanted) {
    if (!known.includes(e)) throw new RangeError(`runLayerChecks: unknown exercise ${describe(e)}; expected one of ${known.join(', ')}`);
  }
  if (onResult !== undefined && typeof onResult !== 'function') throw new TypeError(`runLayerChecks: onResult must be a function, got ${describe(onResult)}`);
  // read each export once (a proxy's getter runs once)
  const exportsOf = {};
  for (const name of ['Linear', 'Dropout', 'Sequential']) {
    try {
      exportsOf[name] = await mod[name];
    } catch {
      exportsOf[name] = undefined;
    }
  }
  const gen = api.defaultGenerator();
  const saved = gen.getState();
  const results = [];
  try {
    for (const check of CHECKS) {
      if (!wanted.includes(check.exercise)) continue;
      const base = { id: check.id, exercise: check.exercise, title: check.title, expected: '', got: '', hint: '', mistake: null, tolerance: null };
      let result;
      if (typeof exportsOf[check.needs] !== 'function') {
        result = { ...base, status: 'error', got: `your module does not export ${check.needs}`,
          hint: `Write the class and export it: export class ${check.needs} extends Module { ... }` };
      } else {
        const ctx = new Context(api, exportsOf);
        try {
          const v = await check.run(ctx);
          result = { ...base, ...v };
        } catch (e) {
          result = e instanceof StudentError
            ? { ...base, status: 'error', got: e.message, hint: 'Your code threw an exception during this check: the message says where.' }
            : { ...base, status: 'error', got: `the check could not run: ${thrownText(e)}`, hint: 'Something your code returned could not be used as a Tensor or a layer.' };
        } finally {
          ctx.disposeAll();
        }
      }
      results.push(result);
      if (onResult) {
        try {
          onResult(result);
        } catch { /* a listener's problem is not the check's */ }
      }
    }
  } finally {
    gen.setState(saved);
  }
  return results;
}
