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

/**
 * Vertical bars for values (e.g. histogram counts). opts: { width, height,
 * color, labels: [left, right], outline: values drawn over the bars as a
 * dashed step line on the same scale (e.g. the same histogram at the init) }
 */
export function drawBars(canvas, values, opts = {}) {
  const width = opts.width ?? 280;
  const height = opts.height ?? 90;
  const ctx = setupCanvas(canvas, width, height);
  const outline = opts.outline ?? null;
  const top = Math.max(1, ...values, ...(outline ?? []));
  const pad = 14;
  const bw = (width - 2) / Math.max(1, values.length);
  ctx.fillStyle = opts.color ?? css(viridis(0.35));
  values.forEach((v, i) => {
    const h = ((height - pad - 2) * v) / top;
    ctx.fillRect(1 + i * bw, height - pad - h, Math.max(1, bw - 1), h);
  });
  if (outline) {
    ctx.strokeStyle = '#222';
    ctx.lineWidth = 1.25;
    ctx.setLineDash([3, 2]);
    ctx.beginPath();
    outline.forEach((v, i) => {
      const yv = height - pad - ((height - pad - 2) * v) / top;
      if (i === 0) ctx.moveTo(1, height - pad);
      ctx.lineTo(1 + i * bw, yv);
      ctx.lineTo(1 + (i + 1) * bw, yv);
    });
    ctx.lineTo(1 + outline.length * bw, height - pad);
    ctx.stroke();
    ctx.setLineDash([]);
  }
  ctx.fillStyle = '#333';
  if (opts.labels) {
    ctx.textAlign = 'left';
    ctx.fillText(opts.labels[0], 1, height - 2);
    ctx.textAlign = 'right';
    ctx.fillText(opts.labels[1], width - 1, height - 2);
  }
}

/**
 * The ticks of a linear axis that must show [min, max]: a step of 1, 2 or
 * 5 times a power of ten giving at most maxTicks ticks, the axis widened
 * to the nearest multiples of it (so 0 .. 2.31 reads 0, 0.5, ... 2.5 and
 * 0.16 .. 0.43 reads 0.15 .. 0.45). Labels are the tick values written
 * without float noise (0.3, not 0.30000000000000004). min === max (one
 * value) widens by 1 % of it, or to 0 .. 1 for zero. Returns { lo, hi,
 * step, ticks: [{ value, label }] }.
 */
export function linearTicks(min, max, maxTicks = 6) {
  if (!Number.isFinite(min) || !Number.isFinite(max)) throw new RangeError(`linearTicks: min and max must be finite, got ${min} and ${max}`);
  if (min > max) [min, max] = [max, min];
  if (min === max) {
    const d = Math.abs(min) * 0.01 || 1;
    if (min === 0) max = 1;
    else { min -= d; max += d; }
  }
  const n = Math.max(2, maxTicks);
  const raw = (max - min) / (n - 1);
  const k = Math.floor(Math.log10(raw));
  let step = 0;
  let digits = 0;
  for (const [m, e] of [[1, k], [2, k], [5, k], [1, k + 1], [2, k + 1], [5, k + 1]]) {
    step = Number(`${m}e${e}`);
    digits = Math.max(0, -e);
    if (Math.ceil(max / step - 1e-9) - Math.floor(min / step + 1e-9) + 1 <= n) break;
  }
  // the axis from the multiple of step at or below min to the one at or above max
  const first = Math.floor(min / step + 1e-9);
  const last = Math.ceil(max / step - 1e-9);
  const ticks = [];
  for (let i = first; i <= last; i++) {
    const value = Number((i * step).toFixed(digits));
    ticks.push({ value, label: String(value) });
  }
  return { lo: ticks[0].value, hi: ticks.at(-1).value, step, ticks };
}

/** A tick value m·10^k (m = 1, 2 or 5) as the axis writes it: 0.01, 0.2, 1, 50, 100 for k in -2..2, else 1e-3, 5e12. */
function logTickLabel(m, k) {
  return k >= -2 && k <= 2 ? String(Number(`${m}e${k}`)) : `${m}e${k}`;
}

/**
 * The ticks of a log axis over the positive data range [min, max]: every
 * power of ten inside it, thinned to every 2nd, 3rd, 5th, 10th... decade
 * (multiples of the step, so 1 stays a tick) when there would be more than
 * maxTicks. With fewer than three powers of ten inside (a range under
 * about two decades, so every range under one) the 2× and 5× values join
 * them (the 2× ones left out first, then the 5×, if they are more than
 * maxTicks), and if still fewer than two fall inside, the range is widened
 * to the nearest 1-2-5 value on each side, so an axis always has two
 * labelled ticks. Labels are the true
 * values, never an exponent rounded from the data's extreme.
 * Returns { lo, hi, ticks: [{ value, label }] }: lo and hi are the
 * range's log10 ends (the axis spans them), ticks from small to large.
 */
export function logTicks(min, max, maxTicks = 6) {
  if (!(min > 0) || !(max >= min) || !Number.isFinite(max)) {
    throw new RangeError(`logTicks: expected 0 < min <= max < inf, got min ${min}, max ${max}`);
  }
  if (!Number.isInteger(maxTicks) || maxTicks < 2) throw new RangeError(`logTicks: maxTicks must be an integer >= 2, got ${maxTicks}`);
  let lo = Math.log10(min);
  let hi = Math.log10(max);
  if (hi - lo < 1e-9) { lo -= 0.5; hi += 0.5; } // one value: half a decade either side
  const eps = 1e-9; // a data value of exactly 10^k is inside
  const first = Math.ceil(lo - eps);
  const last = Math.floor(hi + eps);
  const decade = (k) => ({ value: Number(`1e${k}`), label: logTickLabel(1, k) });
  if (last - first >= 2) {
    // thin by a step of decades, at multiples of the step (so 1 = 10^0 stays a tick)
    const fits = (step) => Math.floor(last / step) - Math.ceil(first / step) + 1 <= maxTicks;
    let step = [1, 2, 3, 5].find(fits);
    for (let p = 10; step === undefined; p *= 10) step = [1, 2, 5].map((m) => m * p).find(fits);
    const ticks = [];
    for (let k = Math.ceil(first / step) * step; k <= last; k += step) ticks.push(decade(k));
    // a step can leave one multiple inside (decades 1..3 at step 2): then the two end decades
    return { lo, hi, ticks: ticks.length >= 2 ? ticks : [decade(first), decade(last)] };
  }
  const candidates = [];
  for (let k = Math.floor(lo) - 1; k <= Math.ceil(hi) + 1; k++) {
    for (const m of [1, 2, 5]) candidates.push({ value: Number(`${m}e${k}`), label: logTickLabel(m, k), m });
  }
  const inside = (c) => Math.log10(c.value) >= lo - eps && Math.log10(c.value) <= hi + eps;
  let ticks = candidates.filter(inside);
  if (ticks.length < 2) {
    // widen to the nearest 1-2-5 value below min and above max
    const below = candidates.filter((c) => Math.log10(c.value) < lo - eps).pop();
    const above = candidates.find((c) => Math.log10(c.value) > hi + eps);
    ticks = [below, ...ticks, above];
    lo = Math.log10(below.value);
    hi = Math.log10(above.value);
  }
  if (ticks.length > maxTicks) ticks = ticks.filter((t) => t.m !== 2);
  if (ticks.length > maxTicks) ticks = ticks.filter((t) => t.m !== 5);
  return { lo, hi, ticks: ticks.map(({ value, label }) => ({ value, label })) };
}

/**
 * Lines over x = 0..n-1. series: [{ name, values, color, dash }]. opts:
 * { width, height, logY, xLabel, refY: { value, label } }. Non-finite or
 * non-positive (on log) points are skipped. On a log axis every tick gets a
 * light gridline and its true value as label (logTicks); refY draws a
 * dashed reference line (e.g. std = 1), and the range always includes it.
 * The canvas's data-ticks lists the y labels drawn, small to large.
 */
export function drawLines(canvas, series, opts = {}) {
  const width = opts.width ?? 320;
  const height = opts.height ?? 180;
  const ctx = setupCanvas(canvas, width, height);
  const f = opts.logY ? (v) => Math.log10(v) : (v) => v;
  const ok = (v) => Number.isFinite(v) && (!opts.logY || v > 0);
  const values = series.flatMap((s) => s.values.filter(ok));
  const ref = opts.refY && ok(opts.refY.value) ? opts.refY : null;
  if (ref && values.length) values.push(ref.value);
  if (!values.length) {
    canvas.dataset.ticks = '';
    return;
  }
  let lo;
  let hi;
  let ticks;
  const left = 40;
  const bottom = 18;
  const top = 6;
  const plotHeight = height - bottom - 12;
  if (opts.logY) {
    const min = values.reduce((a, v) => Math.min(a, v), Infinity);
    const max = values.reduce((a, v) => Math.max(a, v), -Infinity);
    const axis = logTicks(min, max, Math.max(2, Math.min(8, Math.floor(plotHeight / 22) + 1)));
    ({ lo, hi } = axis);
    ticks = axis.ticks;
  } else {
    const all = values.map(f);
    lo = Math.min(...all);
    hi = Math.max(...all);
    if (hi - lo < 1e-9) { lo -= 1; hi += 1; }
    ticks = [{ value: lo, label: fmtTick(lo) }, { value: hi, label: fmtTick(hi) }];
  }
  const n = Math.max(2, ...series.map((s) => s.values.length));
  const x = (i) => left + ((width - left - 6) * i) / (n - 1);
  const y = (v) => top + plotHeight * (1 - (f(v) - lo) / (hi - lo));
  canvas.dataset.ticks = ticks.map((t) => t.label).join(',');
  if (opts.logY) {
    ctx.strokeStyle = 'rgba(128, 128, 128, 0.25)'; // light on a light or a dark page
    ctx.lineWidth = 1;
    ctx.beginPath();
    for (const t of ticks) {
      const ty = Math.round(y(t.value)) + 0.5;
      ctx.moveTo(left, ty);
      ctx.lineTo(width - 4, ty);
    }
    ctx.stroke();
  }
  ctx.strokeStyle = '#999';
  ctx.lineWidth = 1;
  ctx.beginPath();
  ctx.moveTo(left, 4);
  ctx.lineTo(left, height - bottom);
  ctx.lineTo(width - 4, height - bottom);
  ctx.stroke();
  ctx.fillStyle = '#333';
  ctx.textAlign = 'right';
  if (opts.logY) {
    ctx.strokeStyle = '#999';
    ctx.beginPath();
    ctx.textBaseline = 'middle';
    for (const t of ticks) {
      const ty = Math.round(y(t.value)) + 0.5;
      ctx.moveTo(left - 4, ty);
      ctx.lineTo(left, ty);
      ctx.fillText(t.label, left - 6, Math.min(height - bottom - 4, Math.max(top + 2, ty)));
    }
    ctx.stroke();
    ctx.textBaseline = 'alphabetic';
  } else {
    ctx.fillText(ticks[1].label, left - 3, 12);
    ctx.fillText(ticks[0].label, left - 3, height - bottom);
  }
  ctx.textAlign = 'center';
  ctx.fillText(opts.xLabel ?? 'layer', (left + width) / 2, height - 3);
  if (ref) {
    const ry = Math.round(y(ref.value)) + 0.5;
    ctx.strokeStyle = '#555';
    ctx.lineWidth = 1;
    ctx.setLineDash([5, 4]);
    ctx.beginPath();
    ctx.moveTo(left, ry);
    ctx.lineTo(width - 4, ry);
    ctx.stroke();
    ctx.setLineDash([]);
    if (ref.label) {
      ctx.fillStyle = '#333';
      ctx.textAlign = 'right';
      ctx.fillText(ref.label, width - 6, ry > top + 14 ? ry - 3 : ry + 12);
    }
  }
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
