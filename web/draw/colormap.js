// Colour-blind-safe colour scales: viridis for magnitudes (perceptually
// uniform, readable in greyscale) and a blue-white-orange diverging scale
// for signed values (no red/green pair). Control points from matplotlib's
// viridis and ColorBrewer's RdBu/PuOr ends, linearly interpolated.

const VIRIDIS = [
  [68, 1, 84], [71, 44, 122], [59, 81, 139], [44, 113, 142], [33, 144, 141],
  [39, 173, 129], [92, 200, 99], [170, 220, 50], [253, 231, 37],
];
const BLUE_ORANGE = [[33, 102, 172], [146, 197, 222], [247, 247, 247], [253, 184, 99], [230, 97, 1]];

function sample(points, t) {
  const x = Math.min(1, Math.max(0, Number.isFinite(t) ? t : 0)) * (points.length - 1);
  const i = Math.min(points.length - 2, Math.floor(x));
  const f = x - i;
  const a = points[i];
  const b = points[i + 1];
  return [a[0] + (b[0] - a[0]) * f, a[1] + (b[1] - a[1]) * f, a[2] + (b[2] - a[2]) * f].map(Math.round);
}

/** t in [0, 1] -> [r, g, b] on viridis. */
export const viridis = (t) => sample(VIRIDIS, t);
/** t in [0, 1] -> [r, g, b], 0.5 is white (zero), blue below, orange above. */
export const blueOrange = (t) => sample(BLUE_ORANGE, t);

export const css = ([r, g, b]) => `rgb(${r} ${g} ${b})`;

/** A 256-entry lookup table (Uint8ClampedArray of rgb) for fast drawing. */
export function lut(scale) {
  const f = scale === 'diverging' ? blueOrange : viridis;
  const out = new Uint8ClampedArray(256 * 3);
  for (let i = 0; i < 256; i++) out.set(f(i / 255), i * 3);
  return out;
}
