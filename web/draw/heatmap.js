// Heatmaps of a [rows, cols] block of values on a canvas, one cell per
// value. Magnitudes use viridis, signed values the blue-orange scale
// centred on 0. Cells marked in `hatch` (e.g. dropped by Dropout) get a
// diagonal-stripe pattern as well as their colour, so they read without
// colour. Values are only drawn here, never computed.

import { lut } from './colormap.js';

const LUTS = { viridis: lut('viridis'), diverging: lut('diverging') };

/**
 * Draw values (Float32Array, row-major) as rows x cols cells.
 * opts: { scale: 'viridis'|'diverging', min, max, hatch (Float32Array|null:
 * cells where hatch[i] === 0 are striped), maxWidth (css px), cell (px) }.
 * Returns the cell size used, so hit-testing can map pixels back to cells.
 */
export function drawHeatmap(canvas, values, rows, cols, opts = {}) {
  const scale = opts.scale ?? 'viridis';
  const table = LUTS[scale];
  const maxWidth = opts.maxWidth ?? 720;
  const cell = opts.cell ?? Math.max(1, Math.min(12, Math.floor(maxWidth / Math.max(1, cols))));
  canvas.width = Math.max(1, cols * cell);
  canvas.height = Math.max(1, rows * cell);
  const ctx = canvas.getContext('2d');
  if (rows === 0 || cols === 0) {
    ctx.clearRect(0, 0, canvas.width, canvas.height);
    return cell;
  }
  let { min, max } = opts;
  if (scale === 'diverging') {
    const m = Math.max(Math.abs(min ?? 0), Math.abs(max ?? 0)) || 1;
    min = -m;
    max = m;
  } else if (!(max > min)) {
    max = (min ?? 0) + 1;
  }
  const img = ctx.createImageData(canvas.width, canvas.height);
  const px = img.data;
  const w = canvas.width;
  const hatch = opts.hatch ?? null;
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < cols; c++) {
      const i = r * cols + c;
      const v = values[i];
      const t = Number.isFinite(v) ? (v - min) / (max - min) : 0;
      const k = 3 * Math.min(255, Math.max(0, Math.round(t * 255)));
      const striped = hatch !== null && hatch[i] === 0;
      for (let y = 0; y < cell; y++) {
        let o = ((r * cell + y) * w + c * cell) * 4;
        for (let x = 0; x < cell; x++, o += 4) {
          // stripes: every third diagonal of a striped cell is drawn light,
          // so a dropped (dark) cell reads as dropped without its colour
          const stripe = striped && cell >= 3 && (x + y) % 3 === 0;
          px[o] = stripe ? 225 : table[k];
          px[o + 1] = stripe ? 225 : table[k + 1];
          px[o + 2] = stripe ? 225 : table[k + 2];
          px[o + 3] = 255;
        }
      }
    }
  }
  ctx.putImageData(img, 0, 0);
  return cell;
}
