// The drawing pad's preprocessing (web/views/draw/preprocess.js) against a
// reference written here from MNIST's definition, in float64 and by a
// different method: each output pixel of the 20 × 20 normalisation is the
// exact area integral of the raw ink (piecewise constant per pixel) over
// the output pixel's square, found by intersecting rectangles with every
// raw pixel of the bounding box; the centring is the whole-pixel shift
// nearest to moving the centre of mass to (14, 14).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { preprocess, inkBox, centreOfMass } from '../../web/views/draw/preprocess.js';

/** A raw drawing: `w × h` ink in [0, 1], from f(x, y) sampled at 4 × 4 points per pixel (an anti-aliased shape). */
function raster(w, h, f) {
  const ink = new Float32Array(w * h);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      let n = 0;
      for (let j = 0; j < 4; j++) for (let i = 0; i < 4; i++) n += f(x + (i + 0.5) / 4, y + (j + 0.5) / 4) ? 1 : 0;
      ink[y * w + x] = n / 16;
    }
  }
  return ink;
}

const shapes = {
  // a ring, off-centre in a 120 × 100 pad
  ring: [120, 100, (x, y) => { const r = Math.hypot(x - 70, y - 45); return r > 18 && r < 30; }],
  // a tall thin stroke: the aspect ratio must survive (about 8 wide, 70 tall)
  one: [90, 90, (x, y) => y > 10 && y < 80 && Math.abs(x - 30 - (y - 10) * 0.05) < 4],
  // an L: its centre of mass is far from its box's centre
  ell: [100, 100, (x, y) => (x > 20 && x < 30 && y > 10 && y < 90) || (x > 20 && x < 85 && y > 80 && y < 90)],
  // a small blob: scaled up, not down
  dot: [40, 40, (x, y) => Math.hypot(x - 12, y - 30) < 3.2],
};

/** The reference, from the definition, in float64. */
function reference(ink, W, H) {
  let x0 = W; let y0 = H; let x1 = -1; let y1 = -1;
  for (let y = 0; y < H; y++) for (let x = 0; x < W; x++) if (ink[y * W + x] > 0) { x0 = Math.min(x0, x); x1 = Math.max(x1, x); y0 = Math.min(y0, y); y1 = Math.max(y1, y); }
  x1 += 1; y1 += 1;
  const bw = x1 - x0; const bh = y1 - y0;
  const s = 20 / Math.max(bw, bh); // output pixels per raw pixel
  const w = Math.ceil(bw * s - 1e-9); const h = Math.ceil(bh * s - 1e-9);
  const img = new Float64Array(w * h);
  for (let v = 0; v < h; v++) {
    for (let u = 0; u < w; u++) {
      // the output pixel's square in raw coordinates
      const ax = x0 + u / s; const bx = x0 + (u + 1) / s; const ay = y0 + v / s; const by = y0 + (v + 1) / s;
      let integral = 0;
      for (let y = y0; y < y1; y++) {
        for (let x = x0; x < x1; x++) {
          const ox = Math.max(0, Math.min(bx, x + 1, x1) - Math.max(ax, x));
          const oy = Math.max(0, Math.min(by, y + 1, y1) - Math.max(ay, y));
          integral += ink[y * W + x] * ox * oy;
        }
      }
      img[v * w + u] = integral * s * s; // mean over the square's area (1/s)²
    }
  }
  let m = 0; let mx = 0; let my = 0;
  for (let v = 0; v < h; v++) for (let u = 0; u < w; u++) { const p = img[v * w + u]; m += p; mx += p * (u + 0.5); my += p * (v + 0.5); }
  const dx = Math.round(14 - mx / m); const dy = Math.round(14 - my / m);
  const out = new Float64Array(784);
  for (let v = 0; v < h; v++) for (let u = 0; u < w; u++) out[(v + dy) * 28 + u + dx] = img[v * w + u];
  return { out, w, h, dx, dy, rawMass: ink.reduce((a, b) => a + b, 0), s };
}

for (const [name, [W, H, f]] of Object.entries(shapes)) {
  test(`preprocess (${name}): the ink's box fits 20 × 20 with its aspect kept, the centre of mass lands on (14, 14), as the float64 reference says`, () => {
    const ink = raster(W, H, f);
    const got = preprocess(ink, W, H);
    const ref = reference(ink, W, H);
    assert.equal(got.input.length, 784);
    // values in [0, 1]
    for (const v of got.input) assert.ok(v >= 0 && v <= 1, `value ${v} outside [0, 1]`);
    // the box: the longer side becomes exactly 20 pixels, the shorter keeps the ratio
    const box = inkBox(got.input, 28, 28);
    const side = [box.x1 - box.x0, box.y1 - box.y0];
    assert.equal(Math.max(...side), 20, `box ${side}`);
    assert.deepEqual([got.scaled.w, got.scaled.h], [ref.w, ref.h]);
    const rb = inkBox(ink, W, H);
    const rawRatio = (rb.x1 - rb.x0) / (rb.y1 - rb.y0);
    assert.ok(Math.abs(got.scaled.w / got.scaled.h - rawRatio) < 1.5 / 20 * Math.max(1, rawRatio), `aspect ${got.scaled.w}/${got.scaled.h} vs ${rawRatio}`);
    // the centre of mass within half a pixel of the field's centre
    const c = centreOfMass(got.input, 28, 28);
    assert.ok(Math.abs(c.x - 14) <= 0.5 && Math.abs(c.y - 14) <= 0.5, `centre of mass (${c.x}, ${c.y})`);
    // area averaging keeps the ink: the mass scales by s²
    assert.ok(Math.abs(c.mass - ref.rawMass * ref.s * ref.s) < 1e-3 * c.mass, `mass ${c.mass} vs ${ref.rawMass * ref.s * ref.s}`);
    // pixel for pixel, the reference
    assert.deepEqual([got.shift.dx, got.shift.dy], [ref.dx, ref.dy]);
    let worst = 0;
    for (let i = 0; i < 784; i++) worst = Math.max(worst, Math.abs(got.input[i] - ref.out[i]));
    assert.ok(worst < 1e-5, `largest difference from the reference ${worst}`);
  });
}

test('preprocess: no ink gives null; ink at the pad\'s edge keeps every pixel', () => {
  assert.equal(preprocess(new Float32Array(100), 10, 10), null);
  const W = 60;
  const ink = raster(W, W, (x, y) => x < 3 || y < 3); // an L hugging two edges
  const got = preprocess(ink, W, W);
  const sum = (a) => a.reduce((p, q) => p + q, 0);
  assert.ok(Math.abs(sum(got.input) - sum(got.scaled.pixels)) < 1e-4, 'ink was cut');
});
