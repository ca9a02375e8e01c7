// The training settings the page keeps in the URL, as rows for the STATE
// table of web/state.js (same shape: key, default, strict parser, formatter,
// help). Every value is one of a short list, so a crafted link can ask for
// nothing the page would not offer: the largest run is 8000 images for
// 100 epochs.

export const TRAIN_SIZES = Object.freeze([100, 300, 1000, 3000, 8000]);
export const LEARNING_RATES = Object.freeze([0.0003, 0.001, 0.003, 0.01, 0.03, 0.05, 0.1, 0.3]);
export const COMPARE_PS = Object.freeze([0, 0.1, 0.2, 0.3, 0.5]);
export const EPOCHS_MAX = 100;

/** Each optimizer's label and the learning rate it starts with when the link gives none. */
export const OPTIMIZERS = Object.freeze({
  adam: Object.freeze({ label: 'Adam', lr: 0.001 }),
  sgd: Object.freeze({ label: 'SGD with momentum 0.9', lr: 0.05 }),
});

const listed = (values, what) => (text) => {
  const v = Number(text);
  if (!/^[0-9.]{1,8}$/.test(text) || !values.includes(v)) throw new Error(`${what} "${text.slice(0, 12)}" is not one of ${values.join(', ')}`);
  return v;
};
const epochs = (text) => {
  if (!/^[1-9][0-9]{0,2}$/.test(text) || Number(text) > EPOCHS_MAX) throw new Error(`"${text.slice(0, 12)}" is not a whole number of epochs in 1..${EPOCHS_MAX}`);
  return Number(text);
};
const optimizer = (text) => {
  if (!Object.hasOwn(OPTIMIZERS, text)) throw new Error(`"${text.slice(0, 12)}" is not one of ${Object.keys(OPTIMIZERS).join(', ')}`);
  return text;
};

/** Rows for web/state.js's STATE table. lr null: the optimizer's own default. */
export const TRAIN_STATE = Object.freeze([
  { key: 'tsize', default: 8000, parse: listed(TRAIN_SIZES, 'training-set size'), format: String, help: 'training images of the Dropout experiment' },
  { key: 'epochs', default: 10, parse: epochs, format: String, help: 'epochs of the Dropout experiment' },
  { key: 'optim', default: 'adam', parse: optimizer, format: String, help: 'optimizer of the Dropout experiment (adam, sgd)' },
  { key: 'lr', default: null, parse: listed(LEARNING_RATES, 'learning rate'), format: (v) => (v === null ? '' : String(v)), help: 'learning rate (default: the optimizer\'s)' },
  { key: 'cmp', default: 0, parse: listed(COMPARE_PS, 'comparison p'), format: String, help: 'p of every Dropout in the comparison run' },
]);
