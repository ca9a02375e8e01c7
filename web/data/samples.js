// The sample of each dataset the page shows as its input batch (the seed
// picks which slice): MNIST's from assets/mnist-data.js (TT_MNIST_DATA:
// base64 of packed images, scripts/make-mnist-data.mjs), Fashion-MNIST's
// from assets/fashion-data.js (TT_FASHION_DATA, scripts/make-fashion-data.py),
// the student's own from its held-out rows (web/data/user-data.js). Pages
// include the scripts with <script src> (index.html, embed.html); a host
// page that did not gets them loaded on demand (loadSample).
//
// A sample: { dataset, name, count, rows, cols, features, image (true for
// images: rows × cols = features), labels: Uint8Array, pixels: Uint8Array
// (0..255, scale 255) or Float32Array (normalised, scale 1), scale, classes }.

import { DATASETS } from './datasets.js';
import { unpackImages, bytesFromBase64 } from './packed-images.js';

const decoded = new Map();

/** The decoded sample of a built-in dataset, or null while its script is not loaded. */
function builtIn(key) {
  if (decoded.has(key)) return decoded.get(key);
  const d = DATASETS[key];
  let out = null;
  if (key === 'mnist' && typeof globalThis.TT_MNIST_DATA === 'string') {
    const u = unpackImages(bytesFromBase64(globalThis.TT_MNIST_DATA));
    const s = u.sets.sample;
    out = { count: s.count, rows: u.rows, cols: u.cols, labels: s.labels, pixels: s.pixels };
  } else if (key === 'fashion' && globalThis.TT_FASHION_DATA) {
    const raw = globalThis.TT_FASHION_DATA;
    out = { count: raw.count, rows: raw.rows, cols: raw.cols, labels: Uint8Array.from(raw.labels), pixels: bytesFromBase64(raw.pixels) };
  }
  if (!out) return null;
  const sample = Object.freeze({ dataset: key, name: d.name, ...out, features: out.rows * out.cols, image: true, scale: 255, classes: d.classes });
  decoded.set(key, sample);
  return sample;
}

/** The sample of dataset `key` ('mnist', 'fashion', 'own'); `own` is the student's data (or null). */
export function sampleOf(key, own = null) {
  if (key === 'own') return own?.sample ?? null;
  return Object.hasOwn(DATASETS, key) ? builtIn(key) : null;
}

const loading = new Map();

/**
 * Load a built-in dataset's sample script (when the host page did not
 * include it): resolves to the sample, or null if it could not be loaded.
 */
export function loadSample(key, assetUrl) {
  if (!Object.hasOwn(DATASETS, key) || typeof document === 'undefined') return Promise.resolve(sampleOf(key));
  if (sampleOf(key)) return Promise.resolve(sampleOf(key));
  if (!loading.has(key)) {
    loading.set(key, new Promise((resolve) => {
      const script = document.createElement('script');
      script.src = assetUrl(DATASETS[key].sample);
      script.async = true;
      script.onload = () => resolve(sampleOf(key));
      script.onerror = () => { script.remove(); resolve(null); };
      document.head.append(script);
    }));
  }
  return loading.get(key);
}
