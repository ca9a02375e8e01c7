// Every random stream of the page, derived from the page seed S (the URL's
// `seed`) and nothing else, so the same link shows the same page. Each
// stream is its own Generator (js/generator.js, a PCG32 in the core); the
// page never seeds or draws from the default generator.
//
// | stream        | what it draws                                   | generator seed           | drawn again when                      |
// | ------------- | ----------------------------------------------- | ------------------------ | ------------------------------------- |
// | `input`       | main.js: the random-normal input batch          | mix(input, S)            | every render (the same numbers)       |
// | `weights`     | network.js: weights of the Linear at position i | mix(weights, S, i)       | its spec, position, init or S change  |
// |               | (and train/trainer.js: both runs start from them) |                        |                                       |
// | `mask`        | network.js: masks of the Dropout at position i  | mix(mask, S, i, draw)    | every render (the same mask per draw) |
// | `initInput`   | views/init.js: the stack's input batch          | mix(initInput, S)        | depth, activation or S change         |
// | `initWeights` | views/init.js: layer i of every init's stack    | mix(initWeights, S, i)   | depth, activation or S change         |
// | `initGrad`    | views/init.js: the upstream gradient of a stack | mix(initGrad, S)         | depth, activation or S change         |
// | `inverted`    | views/inverted.js: x (if random) and the masks  | mix(inverted, S)         | N, p, x or S change                   |
// | `timing`      | views/cost.js: weights and input of a timed net | mix(timing)              | every measurement (any weights do)    |
// | `trainOrder`  | train/trainer.js: the image order of epoch e    | mix(trainOrder, S, e)    | every training run (the same order)   |
// | `trainMask`   | train/trainer.js: every Dropout mask of a run   | mix(trainMask, S)        | every training run (the same masks)   |
// | `ledger`      | train/ledger.js: a measured copy's weights, masks | mix(ledger)            | every measurement (any weights do)    |
// | (not random)  | main.js: first Fashion-MNIST image of the batch | (S · 37) mod (count − n + 1), n = min(batch, count) | |
//
// mix(stream, a, b, ...) is a splitmix64 chain over the stream's tag and
// the integers: h = sm(tag); then h = sm(h XOR a), h = sm(h XOR b), ...;
// the 64-bit result seeds the Generator. Each step is a bijection of 64-bit
// words, so the seeds of two different tuples coincide only by chance,
// about 2^-64 per pair (the old seed·7919 + offset scheme gave seed 0's
// input batch and its first layer's weights the same stream).
//
// Since a Linear's weights depend only on (S, i), a shallower init stack is
// exactly the first layers of a deeper one, and editing a later layer never
// redraws an earlier one. Since a Dropout's mask depends only on
// (S, i, draw), dragging its p keeps the same draws: the core keeps a cell
// iff its draw is below a threshold that falls as p rises
// (src/tt_dropout.c), so a larger p only drops more.

/** Stream tags (the first input of mix). */
export const STREAM = Object.freeze({ input: 1, weights: 2, mask: 3, initInput: 4, initWeights: 5, inverted: 6, timing: 7, trainOrder: 8, trainMask: 9, ledger: 10, initGrad: 11, drawMask: 12 });

const MASK64 = (1n << 64n) - 1n;

/** splitmix64's finaliser (Steele, Lea, Flood 2014): a bijection of 64-bit words. */
export function splitmix64(x) {
  let z = (x + 0x9e3779b97f4a7c15n) & MASK64;
  z = ((z ^ (z >> 30n)) * 0xbf58476d1ce4e5b9n) & MASK64;
  z = ((z ^ (z >> 27n)) * 0x94d049bb133111ebn) & MASK64;
  return z ^ (z >> 31n);
}

/** The 64-bit seed (a BigInt) of a stream for these non-negative integers (S, position, draw...). */
export function streamSeed(stream, ...ints) {
  const tag = STREAM[stream];
  if (tag === undefined) throw new RangeError(`seeds: unknown stream "${String(stream)}"; expected one of ${Object.keys(STREAM).join(', ')}`);
  let h = splitmix64(BigInt(tag));
  for (const v of ints) {
    if (!Number.isSafeInteger(v) || v < 0) throw new RangeError(`seeds: stream ${stream} takes non-negative integers, got ${String(v)}`);
    h = splitmix64(h ^ BigInt(v));
  }
  return h;
}

/** A new Generator of `api` for a stream (the caller disposes it). */
export const generatorFor = (api, stream, ...ints) => new api.Generator(streamSeed(stream, ...ints));

/** Run fn(generator) with a stream's Generator, disposed afterwards. */
export function withGenerator(api, stream, ints, fn) {
  const g = generatorFor(api, stream, ...ints);
  try {
    return fn(g);
  } finally {
    g.dispose();
  }
}

/** Point an existing Generator at the start of a stream; returns it. */
export const reseed = (generator, stream, ...ints) => generator.manualSeed(streamSeed(stream, ...ints));

/** Index of the first Fashion-MNIST image of a batch of `batch` from `count` images: the seed picks the slice. */
export function fashionStart(seed, batch, count) {
  const n = Math.min(batch, count);
  return (seed * 37) % Math.max(1, count - n + 1);
}
