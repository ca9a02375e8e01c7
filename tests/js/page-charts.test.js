// The log axis of the page's line charts (web/draw/charts.js logTicks):
// ticks at the powers of ten inside the data range, labelled with their
// true values, thinned to fit, with 2x and 5x ticks on short ranges. The
// old axis wrote two rounded exponents at the extremes (3.5e12 as "1e13").
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { logTicks } from '../../web/draw/charts.js';

const labels = (r) => r.ticks.map((t) => t.label);
const values = (r) => r.ticks.map((t) => t.value);

test('a range of many decades: every decade inside, thinned to fit, true values, none past the data', () => {
  const r = logTicks(2e-3, 3.5e12, 20);
  // 10^-2 .. 10^12 are inside; 1e-3 and 1e13 are not
  assert.deepEqual(labels(r), ['0.01', '0.1', '1', '10', '100', '1e3', '1e4', '1e5', '1e6', '1e7', '1e8', '1e9', '1e10', '1e11', '1e12']);
  assert.ok(!labels(r).includes('1e13'), '3.5e12 is not labelled 1e13');
  assert.ok(Math.abs(r.hi - Math.log10(3.5e12)) < 1e-12 && Math.abs(r.lo - Math.log10(2e-3)) < 1e-12, 'the axis spans the data');
  for (const v of values(r)) assert.ok(v >= 2e-3 && v <= 3.5e12, `${v} inside the range`);
  const thin = logTicks(2e-3, 3.5e12, 6);
  // 15 decades into at most 6: every 3rd decade, at multiples of 3 (1 stays)
  assert.deepEqual(labels(thin), ['1', '1e3', '1e6', '1e9', '1e12']);
  const thinner = logTicks(1e-30, 1e30, 4);
  assert.deepEqual(labels(thinner), ['1e-20', '1', '1e20']);
  assert.ok(thinner.ticks.length <= 4);
});

test('labels are true values: decimals from 0.01 to 100, exponents beyond, exact tick values', () => {
  const r = logTicks(1e-5, 1e5, 12);
  assert.deepEqual(labels(r), ['1e-5', '1e-4', '1e-3', '0.01', '0.1', '1', '10', '100', '1e3', '1e4', '1e5']);
  assert.deepEqual(values(r), [1e-5, 1e-4, 1e-3, 0.01, 0.1, 1, 10, 100, 1e3, 1e4, 1e5]);
  // the ends of the data, exactly on a decade, are inside
  assert.equal(r.ticks[0].value, 1e-5);
  assert.equal(r.ticks.at(-1).value, 1e5);
});

test('under two decades (so under one): 2x and 5x ticks join; a very short range widens to the next 1-2-5 values', () => {
  assert.deepEqual(labels(logTicks(0.15, 0.9)), ['0.2', '0.5']);
  assert.deepEqual(labels(logTicks(0.3, 4)), ['0.5', '1', '2']);
  // one power of ten inside a range of 1.5 decades: still 2x and 5x
  assert.deepEqual(labels(logTicks(0.3, 9)), ['0.5', '1', '2', '5']);
  // only 5e-6 inside: widened to 2e-6 .. 1e-5 so that two ticks are labelled
  const short = logTicks(3e-6, 8e-6);
  assert.deepEqual(labels(short), ['2e-6', '5e-6', '1e-5']);
  assert.ok(Math.abs(short.lo - Math.log10(2e-6)) < 1e-12 && Math.abs(short.hi + 5) < 1e-12);
  // one value (a flat line at 1): half a decade either side, ticks 0.5, 1, 2
  assert.deepEqual(labels(logTicks(1, 1)), ['0.5', '1', '2']);
  assert.deepEqual(labels(logTicks(0.95, 1.05)), ['0.5', '1', '2']);
  // too many 1-2-5 ticks for the room: the 2x ones go first, then the 5x
  assert.deepEqual(labels(logTicks(0.15, 9, 4)), ['0.5', '1', '5']);
  assert.deepEqual(labels(logTicks(0.15, 90, 3)), ['1', '10']);
  // two decades inside (the init chart with a shrinking line): 2x and 5x between them
  assert.deepEqual(labels(logTicks(0.026, 1)), ['0.05', '0.1', '0.2', '0.5', '1']);
  assert.deepEqual(labels(logTicks(10, 1000)), ['10', '100', '1e3'], 'three decades: decades only');
});

test('a range that is no positive range is a RangeError naming the values', () => {
  assert.throws(() => logTicks(0, 1), { name: 'RangeError', message: /min 0, max 1/ });
  assert.throws(() => logTicks(2, 1), RangeError);
  assert.throws(() => logTicks(1, Infinity), RangeError);
  assert.throws(() => logTicks(1, NaN), RangeError);
  assert.throws(() => logTicks(1, 10, 1), { name: 'RangeError', message: /maxTicks/ });
});
