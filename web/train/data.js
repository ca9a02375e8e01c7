// The training data of the page's built-in datasets (web/data/datasets.js):
// MNIST digits and Fashion-MNIST, each as the build writes it
// (scripts/make-mnist-data.mjs, scripts/build-site.mjs):
//   <train>.bin  the training and held-out images, packed
//                (web/data/packed-images.js) and gzip-compressed
//   <train>.js   the same bytes as base64 in a classic script that sets
//                globalThis.TT_TRAIN_DATA[<key>]
// loaded the first time training starts. Where fetch works (http(s) pages
// of the same origin, Jupyter's /files/) the page fetches the .bin; where it
// is refused (file://, a sandboxed iframe's opaque origin) it adds the
// script with a <script src>, which works there. Either way the bytes are
// gunzipped by the browser's DecompressionStream.
//
// The engine takes the data in one plain form, whatever its source:
//   { dataset, name, rows, cols, classes, source, selection, scale (255: pixels are 0..255),
//     train: { count, pixels: Uint8Array [count*rows*cols], labels: Uint8Array [count] },
//     test:  { the same } }
// The student's own data (web/data/user-data.js) comes in the same form,
// with Float32Array values already normalised and scale 1.

import { DATASETS } from '../data/datasets.js';
import { unpackImages, bytesFromBase64, gunzip } from '../data/packed-images.js';

/** The files of a built-in dataset's training data: { bin, script }. */
export function trainFiles(key) {
  const d = DATASETS[key];
  if (!d) throw new RangeError(`training data: "${key}" is not a built-in dataset (${Object.keys(DATASETS).join(', ')})`);
  return { bin: `${d.train}.bin`, script: `${d.train}.js` };
}

/** gzip bytes of packed images -> the engine's form; checks the sets are there. */
export async function decodeTrainingBytes(key, gz) {
  const u = unpackImages(await gunzip(gz));
  for (const name of ['train', 'test']) {
    if (!u.sets[name]) throw new RangeError(`training data of ${key}: no ${name} set in the file`);
  }
  return {
    dataset: key,
    name: u.name,
    rows: u.rows,
    cols: u.cols,
    classes: u.classes,
    source: u.source,
    licence: u.licence,
    selection: u.selection,
    scale: 255,
    train: u.sets.train,
    test: u.sets.test,
  };
}

/** Whether this page may fetch its own assets: not from file://, not from an opaque (sandboxed) origin. */
export function canFetch(loc = globalThis.location, origin = globalThis.origin) {
  if (typeof fetch !== 'function' || typeof DecompressionStream !== 'function') return false;
  if (!loc || loc.protocol === 'file:') return false;
  return origin !== 'null';
}

function loadScript(url) {
  return new Promise((resolve, reject) => {
    const script = document.createElement('script');
    script.src = url;
    script.async = true;
    script.onload = () => resolve();
    script.onerror = () => {
      script.remove();
      reject(new Error(`could not load the training data from ${url}`));
    };
    document.head.append(script);
  });
}

const pending = new Map(); // key -> promise of the engine's form

/**
 * The decoded training data of dataset `key` ('mnist', 'fashion'), loaded
 * the first time; `assetUrl(file)` resolves a file next to the page's
 * script. Resolves to the engine's form and says how it came
 * (`via`: 'fetch' or 'script'); rejects with an Error naming the file.
 */
export function loadTrainingData(key, assetUrl) {
  if (pending.has(key)) return pending.get(key);
  const files = trainFiles(key);
  const fromScript = async () => {
    const have = () => globalThis.TT_TRAIN_DATA?.[key];
    if (!have()) await loadScript(assetUrl(files.script));
    if (!have()) throw new Error(`${files.script} loaded but did not define the training data of ${key}`);
    return { ...(await decodeTrainingBytes(key, bytesFromBase64(have()))), via: 'script' };
  };
  const fromFetch = async () => {
    const url = assetUrl(files.bin);
    let bytes;
    try {
      const response = await fetch(url);
      if (!response.ok) throw new Error(`HTTP ${response.status}`);
      bytes = new Uint8Array(await response.arrayBuffer());
    } catch {
      return fromScript(); // refused (a CSP, a proxy): the script still works
    }
    return { ...(await decodeTrainingBytes(key, bytes)), via: 'fetch' };
  };
  const promise = (globalThis.TT_TRAIN_DATA?.[key] || !canFetch() ? fromScript() : fromFetch()).catch((e) => {
    pending.delete(key); // a later Play may try again
    throw e;
  });
  pending.set(key, promise);
  return promise;
}
