// A drawing becomes an MNIST-style input the way MNIST's digits were made
// (LeCun, Cortes and Burges, "The MNIST database": the NIST digits were
// "size normalized to fit in a 20x20 pixel box while preserving their
// aspect ratio", with grey levels from the anti-aliasing of that
// normalisation, then "centered in a 28x28 image by computing the center of
// mass of the pixels, and translating the image so as to position this
// point at the center of the 28x28 field"). Pure functions of plain arrays:
// no DOM, so Node tests them (tests/js/draw-preprocess.test.js).
//
// Coordinates: pixel (x, y) covers [x, x + 1) × [y, y + 1); its centre is
// (x + 0.5, y + 0.5), so the centre of the 28 × 28 field is (14, 14).
// Ink is a value in [0, 1] per pixel (0: paper).

export const BOX = 20; // the size-normalised digit's box
export const FIELD = 28; // MNIST's image

/** The ink's bounding box { x0, y0, x1, y1 } (x1, y1 exclusive), or null when there is no ink (every value <= threshold). */
export function inkBox(ink, width, height, threshold = 0) {
  let x0 = width;
  let y0 = height;
  let x1 = -1;
  let y1 = -1;
  for (let y = 0; y < height; y++) {
    const row = y * width;
    for (let x = 0; x < width; x++) {
      if (ink[row + x] > threshold) {
        if (x < x0) x0 = x;
        if (x > x1) x1 = x;
        if (y < y0) y0 = y;
        if (y > y1) y1 = y;
      }
    }
  }
  return x1 < 0 ? null : { x0, y0, x1: x1 + 1, y1: y1 + 1 };
}

/**
 * Weights of an area-averaging resampling along one axis: input pixels
 * [from, from + n) onto `m` output pixels of `1/s` input pixels each
 * (s = m / n at most: the last output pixel may be only partly covered).
 * Returns, per output pixel, [index, overlap] pairs (overlap in input pixels).
 */
function coverage(from, n, s, m) {
  const out = [];
  const step = 1 / s;
  for (let u = 0; u < m; u++) {
    const a = u * step;
    const b = Math.min(n, (u + 1) * step);
    const list = [];
    for (let i = Math.floor(a); i < Math.ceil(b) && i < n; i++) {
      const w = Math.min(b, i + 1) - Math.max(a, i);
      if (w > 0) list.push(from + i, w);
    }
    out.push(list);
  }
  return out;
}

/**
 * The ink inside `box` scaled by one factor so that its longer side is
 * BOX pixels (the aspect ratio kept): each output pixel is the mean ink of
 * the input area it covers (anti-aliased grey levels). Returns
 * { pixels: Float32Array [h * w], w, h, scale }.
 */
export function scaleToBox(ink, width, box, size = BOX) {
  const bw = box.x1 - box.x0;
  const bh = box.y1 - box.y0;
  const s = size / Math.max(bw, bh);
  const w = Math.max(1, Math.min(size, Math.ceil(bw * s - 1e-9)));
  const h = Math.max(1, Math.min(size, Math.ceil(bh * s - 1e-9)));
  const cx = coverage(box.x0, bw, s, w);
  const cy = coverage(box.y0, bh, s, h);
  const area = s * s; // 1 / (input pixels per output pixel)
  const pixels = new Float32Array(w * h);
  for (let v = 0; v < h; v++) {
    const ys = cy[v];
    for (let u = 0; u < w; u++) {
      const xs = cx[u];
      let sum = 0;
      for (let j = 0; j < ys.length; j += 2) {
        const row = ys[j] * width;
        let line = 0;
        for (let i = 0; i < xs.length; i += 2) line += ink[row + xs[i]] * xs[i + 1];
        sum += line * ys[j + 1];
      }
      pixels[v * w + u] = Math.min(1, Math.max(0, sum * area));
    }
  }
  return { pixels, w, h, scale: s };
}

/** The centre of mass of an image (pixel centres at i + 0.5), or null for an empty one. */
export function centreOfMass(pixels, w, h) {
  let m = 0;
  let mx = 0;
  let my = 0;
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const v = pixels[y * w + x];
      m += v;
      mx += v * (x + 0.5);
      my += v * (y + 0.5);
    }
  }
  return m > 0 ? { x: mx / m, y: my / m, mass: m } : null;
}

/** `img` (w × h) pasted into a size × size field at (dx, dy) (whole pixels; what falls outside is cut). */
export function paste(img, w, h, size, dx, dy) {
  const out = new Float32Array(size * size);
  for (let y = 0; y < h; y++) {
    const ty = y + dy;
    if (ty < 0 || ty >= size) continue;
    for (let x = 0; x < w; x++) {
      const tx = x + dx;
      if (tx >= 0 && tx < size) out[ty * size + tx] = img[y * w + x];
    }
  }
  return out;
}

/**
 * The whole pipeline: raw ink (width × height) -> { box (the ink's
 * bounding box), boxed (the scaled ink centred in a 20 × 20 box, for the
 * picture of that step), scaled ({ pixels, w, h, scale }), mass (its
 * centre of mass), shift ({ dx, dy }), input (Float32Array [784] in
 * [0, 1], row-major: the network's input), centre (the input's centre of
 * mass) }, or null when there is no ink. The shift is the whole-pixel
 * translation nearest to putting the centre of mass at (14, 14) (so it
 * lands within half a pixel of it), kept inside the field when the ink
 * would otherwise be cut (an extreme stroke: then the centre lands nearer
 * the edge).
 */
export function preprocess(ink, width, height, { threshold = 0 } = {}) {
  const box = inkBox(ink, width, height, threshold);
  if (!box) return null;
  const scaled = scaleToBox(ink, width, box);
  const { pixels, w, h } = scaled;
  const mass = centreOfMass(pixels, w, h);
  if (!mass) return null;
  const half = FIELD / 2;
  const clamp = (v, lo, hi) => Math.min(hi, Math.max(lo, v));
  const dx = clamp(Math.round(half - mass.x), 0, FIELD - w);
  const dy = clamp(Math.round(half - mass.y), 0, FIELD - h);
  const input = paste(pixels, w, h, FIELD, dx, dy);
  const boxed = paste(pixels, w, h, BOX, Math.floor((BOX - w) / 2), Math.floor((BOX - h) / 2));
  return { box, scaled, boxed, mass, shift: { dx, dy }, input, centre: centreOfMass(input, FIELD, FIELD) };
}
