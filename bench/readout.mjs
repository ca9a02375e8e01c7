// bench/readout.mjs — what reading a result costs: the [128,1024] output of
// the [128,1024,1024] row (512 kB) read through the public API, against a
// memcpy of its bytes (Float32Array.set of a 512 kB array into one made
// once) and against making a new zeroed Float32Array of that
// size (the engine's price for handing out a fresh buffer, which .data
// must do: the caller owns the copy), and t.copyTo(out) into an array made
// once, the API for a reader that reads every frame. No Node APIs.

import { timeInterleaved } from './timing.mjs';

export const READ_SHAPE = [128, 1024];

export async function runReadout(api, log = () => {}) {
  log('reading a result: .data, toArray() vs a memcpy...');
  const n = READ_SHAPE[0] * READ_SHAPE[1];
  const src = Float32Array.from({ length: n }, (_, i) => ((i * 7919) % 1000) / 1000 - 0.5);
  const t = new api.Tensor(src, { shape: READ_SHAPE });
  const dst = new Float32Array(n);
  const out = new Float32Array(n);
  try {
    // check: .data and toArray() give back what went in
    const d = t.data;
    const a = t.toArray();
    const c = t.copyTo(new Float32Array(n));
    const ok = c.every((v, i) => v === src[i]) && d.length === n && d.every((v, i) => v === src[i]) && a.length === READ_SHAPE[0] && a[127][1023] === src[n - 1];
    let sink = 0;
    const memcpy = () => { dst.set(d); sink += dst[0]; };
    const times = await timeInterleaved({
      data: { call: () => { sink += t.data[0]; } },
      toArray: { call: () => { sink += t.toArray()[0][0]; } },
      copyTo: { call: () => { sink += t.copyTo(out)[0]; } },
      memcpy: { call: memcpy },
      alloc: { call: () => { sink += new Float32Array(n)[0]; } },
    });
    return { shape: READ_SHAPE, bytes: n * 4, verified: ok && Number.isFinite(sink), ...times };
  } finally {
    t.dispose();
  }
}
