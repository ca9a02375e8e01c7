// Learning curves on a canvas: for each run a training line (solid) and a
// validation line (dashed) over the epochs, with the gap between them
// shaded in the run's colour. It draws numbers the core computed; the
// training view gives the same numbers as a table.

import { setupCanvas } from '../draw/charts.js';

/**
 * runs: [{ color: [r, g, b], train: number[], val: number[] }] (index =
 * epoch); opts: { width, height, epochs (x axis end), yMin, yMax (default:
 * 0 .. the largest value), yLabel, percent, marker ({ epoch, label }: a
 * dashed red line there, e.g. the step a run diverged) }. Returns the number of points
 * drawn (for tests).
 */
export function drawCurves(canvas, runs, opts = {}) {
  const width = opts.width ?? 360;
  const height = opts.height ?? 200;
  const ctx = setupCanvas(canvas, width, height);
  const values = runs.flatMap((r) => [...r.train, ...r.val]).filter(Number.isFinite);
  const lo = opts.yMin ?? 0;
  let hi = opts.yMax ?? Math.max(lo + 1e-6, ...values);
  if (opts.yMax === undefined) hi *= 1.05;
  const epochs = Math.max(1, opts.epochs ?? 1);
  const left = 44;
  const right = 8;
  const top = 8;
  const bottom = 30;
  const x = (e) => left + ((width - left - right) * e) / epochs;
  const y = (v) => top + (height - top - bottom) * (1 - (v - lo) / (hi - lo));
  const label = (v) => (opts.percent ? `${Math.round(v * 100)}%` : Number(v.toPrecision(2)).toString());

  // axes and a few ticks
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
  for (const f of [0, 0.5, 1]) {
    const v = lo + (hi - lo) * f;
    ctx.fillText(label(v), left - 4, y(v));
    if (f > 0) {
      ctx.strokeStyle = '#e4e4e4';
      ctx.beginPath();
      ctx.moveTo(left + 1, y(v));
      ctx.lineTo(width - right, y(v));
      ctx.stroke();
    }
  }
  ctx.textAlign = 'center';
  ctx.textBaseline = 'alphabetic';
  const step = Math.max(1, Math.ceil(epochs / 6));
  for (let e = 0; e <= epochs; e += step) ctx.fillText(String(e), x(e), height - bottom + 13);
  ctx.fillText(opts.xLabel ?? 'epoch', (left + width) / 2, height - 3);

  let points = 0;
  const rgba = ([r, g, b], a) => `rgb(${r} ${g} ${b} / ${a})`;
  // the gap between training and validation, shaded
  for (const run of runs) {
    const n = Math.min(run.train.length, run.val.length);
    if (n < 2) continue;
    ctx.fillStyle = rgba(run.color, 0.16);
    ctx.beginPath();
    for (let e = 0; e < n; e++) ctx.lineTo(x(e), y(run.train[e]));
    for (let e = n - 1; e >= 0; e--) ctx.lineTo(x(e), y(run.val[e]));
    ctx.closePath();
    ctx.fill();
  }
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
