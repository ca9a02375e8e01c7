// The seeded scenario of tests/c/tt_digest.c, written against the public
// API so it runs anywhere the package does (Node, or a browser page). It
// returns an FNV-1a hash of every tensor's float32 bytes; the identity
// tests compare these with the native build's.

/** FNV-1a (32-bit) over the little-endian float32 bytes, as tt_digest.c. */
export function fnv1a(floats) {
  const bytes = new Uint8Array(floats.buffer, floats.byteOffset, floats.byteLength);
  let h = 0x811c9dc5;
  for (const byte of bytes) h = Math.imul(h ^ byte, 16777619) >>> 0;
  return h.toString(16).padStart(8, '0');
}

/** Run the scenario with the module `api` (what index.js exports). */
export function runScenario(api) {
  const { Tensor, Linear, Dropout, ReLU, Sigmoid, Tanh, GELU, Softmax, manualSeed, tidy } = api;
  return tidy(() => {
    manualSeed(42);
    const x = Tensor.randn([32, 784]);
    const l1 = new Linear(784, 256);
    const l2 = new Linear(256, 128, { init: 'he_normal' });
    const l3 = new Linear(128, 10, { init: 'xavier_uniform' });
    const l4 = new Linear(10, 10, { bias: false, init: 'normal' });
    const drop1 = new Dropout(0.5);
    const drop2 = new Dropout(0.3);
    const h1 = l1.forward(x);
    const a1 = new ReLU().forward(h1);
    const d1 = drop1.forward(a1);
    const h2 = l2.forward(d1);
    const a2 = new GELU().forward(h2);
    const d2 = drop2.forward(a2);
    const h3 = l3.forward(d2);
    const s3 = new Sigmoid().forward(h3);
    const t3 = new Tanh().forward(h3);
    const h4 = l4.forward(t3);
    const p = new Softmax(-1).forward(h4);
    const u = Tensor.rand([5, 7]);
    const out = {
      x, w1: l1.weight, w2: l2.weight, w3: l3.weight, w4: l4.weight, h1, a1, mask1: drop1.mask, d1,
      h2, a2, mask2: drop2.mask, d2, h3, s3, t3, h4, p, u,
    };
    const digests = Object.fromEntries(Object.entries(out).map(([k, t]) => [k, fnv1a(t.data)]));
    [l1, l2, l3, l4, drop1, drop2].forEach((l) => l.dispose());
    return digests;
  });
}

/**
 * The training half of tt_digest.c: six steps (three of SGD with momentum
 * and weight decay, three of Adam) of a small lesson-shaped network, with
 * the loss of every step and the final parameters hashed.
 */
export function runTraining(api) {
  const { Tensor, Linear, ReLU, Dropout, Sequential, CrossEntropyLoss, SGD, Adam, manualSeed, tidy } = api;
  manualSeed(7);
  const x = Tensor.randn([16, 64]);
  const labels = Array.from({ length: 16 }, (_, i) => i % 10);
  const net = new Sequential(new Linear(64, 32), new ReLU(), new Dropout(0.5), new Linear(32, 10));
  const lossFn = new CrossEntropyLoss();
  const sgd = new SGD(net.parameters(), { lr: 0.1, momentum: 0.9, weightDecay: 1e-4 });
  const adam = new Adam(net.parameters(), { lr: 1e-2 });
  const out = {};
  for (let step = 0; step < 6; step++) {
    const opt = step < 3 ? sgd : adam;
    out[`train${step}.loss`] = tidy(() => {
      opt.zeroGrad();
      const loss = lossFn.forward(net.forward(x), labels);
      loss.backward();
      opt.step();
      return fnv1a(loss.data);
    });
  }
  const [w1, b1, w2, b2] = net.parameters();
  Object.assign(out, { 'train.w1': fnv1a(w1.data), 'train.b1': fnv1a(b1.data), 'train.w2': fnv1a(w2.data), 'train.b2': fnv1a(b2.data) });
  [sgd, adam, net, x].forEach((o) => o.dispose());
  return out;
}
