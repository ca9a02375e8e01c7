// Small canvas charts the views share: bars (histograms, shares) and lines
// (a quantity per layer, optionally on a log scale). They draw numbers the
// core computed; every chart also has a text alternative in its view.

import { viridis, css } from './colormap.js';
import { fmtTick } from '../format.js';

/** Size a canvas for crisp drawing at this device's pixel ratio; returns its 2-D context, cleared. */
export function setupCanvas(canvas, width, height) {
  const ratio = globalThis.devicePixelRatio || 1;
  canvas.width = Math.round(width * ratio);
  canvas.height = Math.round(height * ratio);
  canvas.style.width = `${width}px`;
  canvas.style.height = `${height}px`;
  const ctx = canvas.getContext('2d');
  ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
  ctx.clearRect(0, 0, width, height);
  ctx.font = '11px system-ui, sans-serif';
  return ctx;
}

/** Vertical bars for values (e.g. histogram counts). opts: { width, height, color, labels: [left, right] } */
export function drawBars(canvas, values, opts = {}) {
  const width = opts.width ?? 280;
  const height = opts.height ?? 90;
  const ctx = setupCanvas(canvas, width, height);
  const top = Math.max(1, ...values);
  const pad = 14;
  const bw = (width - 2) / Math.max(1, values.length);
  ctx.fillStyle = opts.color ?? css(viridis(0.35));
  values.forEach((v, i) => {
    const h = ((height - pad - 2) * v) / top;
    ctx.fillRect(1 + i * bw, height - pad - h, Math.max(1, bw - 1), h);
  });
  ctx.fillStyle = '#333';
  if (opts.labels) {
    ctx.textAlign = 'left';
    ctx.fillText(opts.labels[0], 1, height - 2);
    ctx.textAlign = 'right';
    ctx.fillText(opts.labels[1], width - 1, height - 2);
  }
}

/**
 * Lines over x = 0..n-1. series: [{ name, values, color }]. opts: { width,
 * height, logY, yLabel }. Non-finite or non-positive (on log) points are skipped.
 */
export function drawLines(canvas, series, opts = {}) {
  const width = opts.width ?? 320;
  const height = opts.height ?? 180;
  const ctx = setupCanvas(canvas, width, height);
  const f = opts.logY ? (v) => Math.log10(v) : (v) => v;
  const ok = (v) => Number.isFinite(v) && (!opts.logY || v > 0);
  const all = series.flatMap((s) => s.values.filter(ok).map(f));
  if (!all.length) return;
  let lo = Math.min(...all);
  let hi = Math.max(...all);
  if (hi - lo < 1e-9) { lo -= 1; hi += 1; }
  const n = Math.max(2, ...series.map((s) => s.values.length));
  const left = 40;
  const bottom = 18;
  const x = (i) => left + ((width - left - 6) * i) / (n - 1);
  const y = (v) => 6 + (height - bottom - 12) * (1 - (f(v) - lo) / (hi - lo));
  ctx.strokeStyle = '#999';
  ctx.beginPath();
  ctx.moveTo(left, 4);
  ctx.lineTo(left, height - bottom);
  ctx.lineTo(width - 4, height - bottom);
  ctx.stroke();
  ctx.fillStyle = '#333';
  ctx.textAlign = 'right';
  const tick = (v) => (opts.logY ? `1e${Math.round(v)}` : fmtTick(v));
  ctx.fillText(tick(hi), left - 3, 12);
  ctx.fillText(tick(lo), left - 3, height - bottom);
  ctx.textAlign = 'center';
  ctx.fillText(opts.xLabel ?? 'layer', (left + width) / 2, height - 3);
  for (const s of series) {
    ctx.strokeStyle = s.color;
    ctx.lineWidth = 2;
    ctx.setLineDash(s.dash ?? []);
    ctx.beginPath();
    let started = false;
    s.values.forEach((v, i) => {
      if (!ok(v)) { started = false; return; }
      if (started) ctx.lineTo(x(i), y(v));
      else ctx.moveTo(x(i), y(v));
      started = true;
    });
    ctx.stroke();
  }
  ctx.setLineDash([]);
}
