// Learning curves on a canvas: for each run a training line (solid) and a
// validation line (dashed) over the epochs, with the gap between them
// hatched in the run's colour (each run its own direction of stripes, so
// two gaps that overlap read as crossed stripes of two colours, not as a
// blended third colour). It draws numbers the core computed; the training
// view gives the same numbers as a table. The y axis has 1-2-5 ticks
// (draw/charts.js linearTicks) over 0 .. the data, or over the data's own
// range (`fit`), where a small difference between two curves is visible.

import { setupCanvas, linearTicks } from '../draw/charts.js';

/** The stripe direction of run k's gap hatch: / for the first, \\ for the second, | and — after. */
const HATCH_ANGLES = [45, -45, 90, 0];

/** A small repeating canvas pattern of stripes in colour (r, g, b) at `angle` degrees. */
function hatch(ctx, [r, g, b], angle) {
  const size = 8;
  const tile = globalThis.document?.createElement('canvas');
  if (!tile) return `rgb(${r} ${g} ${b} / 0.16)`;
  tile.width = size;
  tile.height = size;
  const t = tile.getContext('2d');
  t.strokeStyle = `rgb(${r} ${g} ${b} / 0.55)`;
  t.lineWidth = 1.5;
  t.beginPath();
  if (angle === 45) { t.moveTo(0, size); t.lineTo(size, 0); t.moveTo(-1, 1); t.lineTo(1, -1); t.moveTo(size - 1, size + 1); t.lineTo(size + 1, size - 1); }
  else if (angle === -45) { t.moveTo(0, 0); t.lineTo(size, size); t.moveTo(size - 1, -1); t.lineTo(size + 1, 1); t.moveTo(-1, size - 1); t.lineTo(1, size + 1); }
  else if (angle === 90) { t.moveTo(size / 2, 0); t.lineTo(size / 2, size); }
  else { t.moveTo(0, size / 2); t.lineTo(size, size / 2); }
  t.stroke();
  return ctx.createPattern(tile, 'repeat');
}

/**
 * runs: [{ color: [r, g, b], train: number[], val: number[] }] (index =
 * epoch; either may be empty: a panel of validation curves only); opts: {
 * width, height, epochs (x axis end), yMin, yMax (default: 0 .. the
 * largest value, on 1-2-5 ticks), fit (the axis spans the data's own
 * range, not from 0; from epoch fitFrom on when there are later epochs:
 * earlier points leave the top, clipped), percent, gap (hatch between training and validation,
 * default true), empty (text drawn while there is no value), marker ({
 * epoch, label }: a dashed red line there, e.g. the step a run diverged)
 * }. Returns the number of points drawn (for tests); canvas.dataset.ticks
 * holds the y labels.
 */
export function drawCurves(canvas, runs, opts = {}) {
  const width = opts.width ?? 360;
  const height = opts.height ?? 200;
  const ctx = setupCanvas(canvas, width, height);
  const values = runs.flatMap((r) => [...r.train, ...r.val]).filter(Number.isFinite);
  const epochs = Math.max(1, opts.epochs ?? 1);
  const left = 44;
  const right = 8;
  const top = 12; // room for the top label's upper half
  const bottom = 30;
  const label = (t) => (opts.percent ? `${Math.round(t.value * 100)}%` : t.label);
  // the y axis: fixed ends (accuracy: 0 .. 1), or nice ticks over the data (from 0, or its own range)
  let axis = null;
  if (opts.yMin !== undefined && opts.yMax !== undefined) axis = linearTicks(opts.yMin, opts.yMax, 6);
  else if (values.length) {
    // a fitted axis spans the epochs from fitFrom on (epoch 0, the untrained loss, would flatten the rest)
    const from = opts.fit && runs.some((r) => r.val.length > (opts.fitFrom ?? 0) || r.train.length > (opts.fitFrom ?? 0)) ? (opts.fitFrom ?? 0) : 0;
    const span = from ? runs.flatMap((r) => [...r.train.slice(from), ...r.val.slice(from)]).filter(Number.isFinite) : values;
    const lo = opts.fit ? Math.min(...span) : (opts.yMin ?? 0);
    const hi = Math.max(...span);
    axis = linearTicks(opts.fit ? lo - (hi - lo) * 0.05 : lo, hi + (hi - lo) * 0.02, opts.fit ? 5 : 6);
  }
  const lo = axis?.lo ?? 0;
  const hi = axis?.hi ?? 1;
  const x = (e) => left + ((width - left - right) * e) / epochs;
  const y = (v) => top + (height - top - bottom) * (1 - (v - lo) / (hi - lo));

  // axes and the ticks
  ctx.strokeStyle = '#999';
  ctx.lineWidth = 1;
  ctx.beginPath();
  ctx.moveTo(left, top);
  ctx.lineTo(left, height - bottom);
  ctx.lineTo(width - right, height - bottom);
  ctx.stroke();
  ctx.fillStyle = '#333';
  ctx.textAlign = 'right';
  ctx.textBaseline = 'middle';
  for (const t of axis?.ticks ?? []) {
    ctx.fillText(label(t), left - 4, y(t.value));
    if (t.value > lo) {
      ctx.strokeStyle = '#e4e4e4';
      ctx.beginPath();
      ctx.moveTo(left + 1, y(t.value));
      ctx.lineTo(width - right, y(t.value));
      ctx.stroke();
    }
  }
  canvas.dataset.ticks = (axis?.ticks ?? []).map(label).join(' ');
  if (!axis && opts.empty) {
    ctx.textAlign = 'center';
    ctx.fillStyle = '#666';
    ctx.fillText(opts.empty, (left + width - right) / 2, (top + height - bottom) / 2);
  }
  ctx.fillStyle = '#333';
  ctx.textAlign = 'center';
  ctx.textBaseline = 'alphabetic';
  const step = Math.max(1, Math.ceil(epochs / 6));
  for (let e = 0; e <= epochs; e += step) ctx.fillText(String(e), x(e), height - bottom + 13);
  ctx.fillText(opts.xLabel ?? 'epoch', (left + width) / 2, height - 3);

  let points = 0;
  const rgba = ([r, g, b], a) => `rgb(${r} ${g} ${b} / ${a})`;
  // the gap between training and validation, hatched (each run its own stripes)
  for (const [k, run] of runs.entries()) {
    const n = Math.min(run.train.length, run.val.length);
    if (n < 2 || opts.gap === false) continue;
    ctx.fillStyle = hatch(ctx, run.color, HATCH_ANGLES[k % HATCH_ANGLES.length]);
    ctx.beginPath();
    for (let e = 0; e < n; e++) ctx.lineTo(x(e), y(run.train[e]));
    for (let e = n - 1; e >= 0; e--) ctx.lineTo(x(e), y(run.val[e]));
    ctx.closePath();
    ctx.fill();
  }
  ctx.save();
  ctx.beginPath();
  ctx.rect(left, 0, width - left, height - bottom + 1);
  ctx.clip();
  for (const run of runs) {
    for (const [values, dash] of [[run.train, []], [run.val, [5, 3]]]) {
      ctx.strokeStyle = rgba(run.color, 1);
      ctx.lineWidth = 2;
      ctx.setLineDash(dash);
      ctx.beginPath();
      values.forEach((v, e) => {
        if (!Number.isFinite(v)) return;
        if (e === 0) ctx.moveTo(x(e), y(v));
        else ctx.lineTo(x(e), y(v));
        points++;
      });
      ctx.stroke();
      // the last point as a dot, so a single epoch is visible too
      const last = values.length - 1;
      if (last >= 0 && Number.isFinite(values[last])) {
        ctx.setLineDash([]);
        ctx.fillStyle = rgba(run.color, 1);
        ctx.beginPath();
        ctx.arc(x(last), y(values[last]), 2.5, 0, 2 * Math.PI);
        ctx.fill();
      }
    }
  }
  ctx.restore();
  ctx.setLineDash([]);
  // a run that diverged: a red line at the step, labelled
  if (opts.marker && Number.isFinite(opts.marker.epoch)) {
    const mx = x(Math.min(epochs, Math.max(0, opts.marker.epoch)));
    ctx.strokeStyle = '#c62828';
    ctx.lineWidth = 1.5;
    ctx.setLineDash([3, 3]);
    ctx.beginPath();
    ctx.moveTo(mx, top);
    ctx.lineTo(mx, height - bottom);
    ctx.stroke();
    ctx.setLineDash([]);
    ctx.fillStyle = '#c62828';
    ctx.textBaseline = 'top';
    ctx.textAlign = mx > width / 2 ? 'right' : 'left';
    ctx.fillText(opts.marker.label ?? '', mx + (mx > width / 2 ? -4 : 4), top + 2);
  }
  return points;
}
