// One formatter per kind of number, shared by the API's summary table and
// the lesson page (web/format.js re-exports these).

/** An integer count with thousands separators: 235146 -> "235,146". */
export const fmtInt = (n) => (Number.isFinite(n) ? Math.round(n).toLocaleString('en-US') : String(n));

/** Bytes in decimal kilobytes, as the lesson writes "940.6 kB" (1 kB = 1000 bytes). */
export const fmtKB = (bytes) => `${(bytes / 1000).toFixed(1)} kB`;

/** Bytes in binary kibibytes, what Keras prints as "KB" (1 KiB = 1024 bytes). */
export const fmtKiB = (bytes) => `${(bytes / 1024).toFixed(1)} KiB`;

/** Bytes in the largest decimal unit that keeps the number >= 1: "1.2 MB". */
export function fmtBytes(bytes) {
  const units = ['bytes', 'kB', 'MB', 'GB'];
  let v = bytes;
  let u = 0;
  while (Math.abs(v) >= 1000 && u < units.length - 1) {
    v /= 1000;
    u++;
  }
  return u === 0 ? `${fmtInt(v)} bytes` : `${v.toFixed(v < 10 ? 2 : 1)} ${units[u]}`;
}

/** FLOPs (or any large count) in k/M/G: 3.2 MFLOPs -> "3.2 M". */
export function fmtSI(n) {
  const units = ['', 'k', 'M', 'G', 'T'];
  let v = n;
  let u = 0;
  while (Math.abs(v) >= 1000 && u < units.length - 1) {
    v /= 1000;
    u++;
  }
  return `${u === 0 ? fmtInt(v) : v.toFixed(v < 10 ? 2 : 1)}${units[u] ? ` ${units[u]}` : ''}`;
}

/** A shape as messages and tables write it: [32,784]. */
export { fmtShape } from './errors.js';
