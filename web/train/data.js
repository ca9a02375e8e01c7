// The training data of the page: Fashion-MNIST images and labels, shipped
// as assets/fashion-train.js (a classic script that sets
// globalThis.TT_FASHION_TRAIN, written by scripts/make-fashion-data.py
// --train) and loaded with a <script src> the first time training starts:
// a script element works from file:// and in sandboxed iframes, where
// fetch() is refused.
//
// The engine takes the data in one plain form, whatever its source:
//   { rows, cols, classes, source,
//     train: { count, pixels: Uint8Array [count*rows*cols], labels: Uint8Array [count] },
//     test:  { the same } }
// (the Node test builds it from Debian's dataset files directly).

export const TRAIN_SCRIPT = 'fashion-train.js';

function bytesFromBase64(text) {
  const bin = atob(text);
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}

/** TT_FASHION_TRAIN (base64 fields) -> the engine's form; checks the sizes agree. */
export function decodeTrainingData(raw) {
  if (!raw || typeof raw !== 'object') throw new TypeError('training data: expected the TT_FASHION_TRAIN object');
  const px = raw.rows * raw.cols;
  const set = (count, pixels, labels, what) => {
    const p = bytesFromBase64(pixels);
    const l = bytesFromBase64(labels);
    if (p.length !== count * px || l.length !== count) {
      throw new RangeError(`training data: the ${what} set says ${count} images but holds ${p.length} pixel bytes and ${l.length} labels (want ${count * px} and ${count})`);
    }
    return { count, pixels: p, labels: l };
  };
  return {
    rows: raw.rows,
    cols: raw.cols,
    classes: raw.classes,
    source: raw.source,
    selection: raw.selection,
    train: set(raw.trainCount, raw.trainPixels, raw.trainLabels, 'train'),
    test: set(raw.testCount, raw.testPixels, raw.testLabels, 'test'),
  };
}

let pending = null;

/**
 * The decoded training data, loading `url` (assets/fashion-train.js) as a
 * classic script the first time. Resolves to the engine's form; rejects
 * with an Error naming the URL if the script cannot be loaded.
 */
export function loadTrainingData(url) {
  const ready = () => {
    const raw = globalThis.TT_FASHION_TRAIN;
    if (!raw.decoded) raw.decoded = decodeTrainingData(raw);
    return raw.decoded;
  };
  if (globalThis.TT_FASHION_TRAIN) return Promise.resolve(ready());
  if (pending) return pending;
  pending = new Promise((resolve, reject) => {
    const script = document.createElement('script');
    script.src = url;
    script.async = true;
    script.onload = () => {
      if (globalThis.TT_FASHION_TRAIN) {
        try {
          resolve(ready());
        } catch (e) {
          reject(e);
        }
      } else {
        reject(new Error(`${url} loaded but did not define the training data`));
      }
    };
    script.onerror = () => {
      pending = null; // a later Play may try again
      script.remove();
      reject(new Error(`could not load the training data from ${url}`));
    };
    document.head.append(script);
  });
  return pending;
}
