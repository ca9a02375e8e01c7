// The student's own data: a CSV file (numeric feature columns and one
// label column, with a header row or not) or a pair of IDX files (idx3
// ubyte images and idx1 ubyte labels, as MNIST ships), parsed, validated,
// split and normalised here. Pure functions, no DOM: the editor's data
// panel (web/views/editor/data-panel.js) reads the file and calls them.
// Nothing leaves the machine.
//
// Every problem is a DataError whose message names the row and column
// (1-based, as a spreadsheet shows them; the header is row 1 when there is
// one). The result is the training engine's form (web/train/data.js) with
// values already normalised (scale 1), plus a `sample` for the page's
// input batch and a `summary` for the panel.

import { BUDGET } from '../budget.js';
import { mulberry32 } from './mulberry32.js';

/** A file the page cannot use, with a message naming the row and column. */
export class DataError extends Error {
  constructor(message) {
    super(message);
    this.name = 'DataError';
  }
}

/**
 * What the page takes: at most MAX_ROWS rows, MAX_FEATURES features (the
 * widest Linear a link may ask for, web/state.js LIMITS.width), MAX_CELLS
 * values in all (a quarter of the work budget's float32 bytes: the values
 * are held twice while they are normalised and split), 2..MAX_CLASSES classes.
 */
export const USER_LIMITS = Object.freeze({
  rows: 70000,
  features: 4096,
  cells: Math.floor(BUDGET.bytes / 4 / 4),
  classes: 100,
  bytes: 200e6,
});

/** The normalisations the panel offers; `minmax` is the default for a CSV, `255` for IDX images. */
export const NORMALISATIONS = Object.freeze({
  minmax: 'min-max per feature to [0, 1] (from the training rows)',
  standard: 'standardised per feature to mean 0, std 1 (from the training rows)',
  255: 'divided by 255 (grey levels to [0, 1])',
  none: 'as in the file',
});

/** Held-out share of the rows, and the seed of the split's shuffle. */
export const TEST_SHARE = 0.2;
export const SPLIT_SEED = 42;

export { mulberry32 };

/** 0..n-1 shuffled by Fisher-Yates from mulberry32(seed). */
export function shuffledOrder(n, seed) {
  const order = Uint32Array.from({ length: n }, (_, i) => i);
  const rand = mulberry32(seed);
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    const t = order[i];
    order[i] = order[j];
    order[j] = t;
  }
  return order;
}

const NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;
const fmt = (n) => n.toLocaleString('en-US');
const cellText = (s) => (s.length > 24 ? `${s.slice(0, 24)}…` : s);

function splitLine(line, sep) {
  return line.split(sep).map((c) => {
    const t = c.trim();
    return t.length >= 2 && t[0] === '"' && t.at(-1) === '"' ? t.slice(1, -1).trim() : t;
  });
}

/**
 * Parse CSV text: { header (names or null), labelColumn (0-based), features,
 * x: Float32Array [rows*features], y: Uint8Array [rows], rows, classes }.
 * options: { label: 'last' | 'first' | a 1-based column number (default: a
 * header column named label, class, target or y, else the last) }.
 */
export function parseCsv(text, options = {}) {
  if (typeof text !== 'string') throw new DataError('The file could not be read as text.');
  if (text.length > USER_LIMITS.bytes) throw new DataError(`The file is ${fmt(text.length)} characters; the page reads at most ${fmt(USER_LIMITS.bytes)}.`);
  const lines = text.replace(/^\uFEFF/, '').split(/\r\n|\n|\r/);
  const numbered = [];
  lines.forEach((line, i) => { if (line.trim() !== '') numbered.push([i + 1, line]); });
  if (numbered.length === 0) throw new DataError('The file is empty: no rows.');
  const first = numbered[0][1];
  const sep = first.includes(',') ? ',' : first.includes('\t') ? '\t' : first.includes(';') ? ';' : ',';
  const firstCells = splitLine(first, sep);
  const width = firstCells.length;
  if (width < 2) throw new DataError(`Row ${numbered[0][0]} has one column; a CSV needs at least one feature column and a label column (separated by commas).`);
  if (width - 1 > USER_LIMITS.features) throw new DataError(`Row ${numbered[0][0]} has ${fmt(width)} columns: ${fmt(width - 1)} features, more than the ${fmt(USER_LIMITS.features)} the page's first Linear may take.`);
  const header = firstCells.some((c) => !NUMBER.test(c)) ? firstCells : null;
  const body = header ? numbered.slice(1) : numbered;
  if (body.length > USER_LIMITS.rows) throw new DataError(`Row ${fmt(body[USER_LIMITS.rows][0])}: the file has ${fmt(body.length)} data rows; the page trains on at most ${fmt(USER_LIMITS.rows)}.`);
  if (body.length * width > USER_LIMITS.cells) {
    throw new DataError(`The file has ${fmt(body.length)} rows × ${fmt(width)} columns = ${fmt(body.length * width)} values; the work budget allows ${fmt(USER_LIMITS.cells)} (fewer rows or columns).`);
  }
  if (body.length < 2) throw new DataError(`The file has ${body.length} data row${body.length === 1 ? '' : 's'}; at least 2 are needed (some to train on, some held out).`);

  let labelColumn;
  const named = header ? header.findIndex((h) => /^(label|class|target|y)$/i.test(h)) : -1;
  if (options.label === 'first') labelColumn = 0;
  else if (options.label === 'last') labelColumn = width - 1;
  else if (Number.isInteger(options.label)) {
    if (options.label < 1 || options.label > width) throw new DataError(`The label column ${options.label} is not one of the file's columns 1..${width}.`);
    labelColumn = options.label - 1;
  } else labelColumn = named >= 0 ? named : width - 1;
  const colName = (c) => `column ${c + 1}${header ? ` ("${cellText(header[c])}")` : ''}`;

  const features = width - 1;
  const x = new Float32Array(body.length * features);
  const y = new Uint8Array(body.length);
  let maxLabel = 0;
  body.forEach(([lineNo, line], r) => {
    const cells = splitLine(line, sep);
    if (cells.length !== width) {
      throw new DataError(`Row ${lineNo} has ${cells.length} column${cells.length === 1 ? '' : 's'}; row ${numbered[0][0]} has ${width}. Every row needs the same columns (a missing or extra "${sep === '\t' ? 'tab' : sep}"?).`);
    }
    let f = 0;
    for (let c = 0; c < width; c++) {
      const cell = cells[c];
      if (c === labelColumn) {
        if (!/^\+?\d+(\.0*)?$/.test(cell)) {
          const what = cell === '' ? 'is empty' : `is "${cellText(cell)}"`;
          throw new DataError(`Row ${lineNo}, ${colName(c)}: the label ${what}, not a class number. The label column must hold whole numbers 0, 1, 2, … (one per class).`);
        }
        const v = Number(cell);
        if (v >= USER_LIMITS.classes) throw new DataError(`Row ${lineNo}, ${colName(c)}: label ${cell} is too large; the page takes classes 0..${USER_LIMITS.classes - 1}.`);
        y[r] = v;
        if (v > maxLabel) maxLabel = v;
        continue;
      }
      if (!NUMBER.test(cell)) {
        const what = cell === '' ? 'is empty (a missing value)' : `is "${cellText(cell)}"`;
        throw new DataError(`Row ${lineNo}, ${colName(c)}: the cell ${what}, not a number. Feature columns must hold numbers only.`);
      }
      const v = Number(cell);
      if (!Number.isFinite(v) || Math.abs(v) > 3.4e38) throw new DataError(`Row ${lineNo}, ${colName(c)}: ${cellText(cell)} is too large for float32.`);
      x[r * features + f++] = v;
    }
  });
  const classes = maxLabel + 1;
  if (classes < 2) throw new DataError(`The label ${colName(labelColumn)} holds only class 0; at least two classes are needed to classify.`);
  return { header, labelColumn, features, rows: body.length, x, y, classes, names: header ? header.filter((_, c) => c !== labelColumn) : null };
}

function readIdx(bytes, what, wantDims) {
  if (bytes.length < 4) throw new DataError(`The ${what} file is ${bytes.length} bytes: too short for an IDX header.`);
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const magic = dv.getUint32(0, false);
  if (magic >>> 16 !== 0 || ((magic >> 8) & 0xff) !== 0x08) {
    throw new DataError(`The ${what} file is not an IDX file of unsigned bytes (its first bytes are 0x${magic.toString(16).padStart(8, '0')}, want 0x0000080${wantDims}).`);
  }
  const dims = magic & 0xff;
  if (dims !== wantDims) throw new DataError(`The ${what} file has ${dims} dimension${dims === 1 ? '' : 's'}; want ${wantDims} (${wantDims === 3 ? 'images: count, rows, cols' : 'labels: count'}).`);
  if (bytes.length < 4 + 4 * dims) throw new DataError(`The ${what} file is ${bytes.length} bytes: too short for an IDX header of ${dims} dimensions.`);
  const shape = Array.from({ length: dims }, (_, i) => dv.getUint32(4 + 4 * i, false));
  const start = 4 + 4 * dims;
  const need = shape.reduce((a, b) => a * b, 1);
  if (bytes.length - start !== need) throw new DataError(`The ${what} file's header says ${shape.join(' × ')} = ${fmt(need)} bytes of data; it holds ${fmt(bytes.length - start)}.`);
  return { shape, data: bytes.subarray(start) };
}

/**
 * Parse IDX images (idx3 ubyte: count, rows, cols) and labels (idx1 ubyte):
 * { features, rows (images), x: Float32Array (grey levels 0..255), y, classes, imageRows, imageCols }.
 * Both as Uint8Array (ungzipped).
 */
export function parseIdx(imageBytes, labelBytes) {
  const img = readIdx(imageBytes, 'images', 3);
  const lab = readIdx(labelBytes, 'labels', 1);
  const [count, r, c] = img.shape;
  if (lab.shape[0] !== count) throw new DataError(`The images file has ${fmt(count)} images and the labels file ${fmt(lab.shape[0])} labels; they must be the same.`);
  if (count < 2) throw new DataError(`The images file has ${count} image${count === 1 ? '' : 's'}; at least 2 are needed.`);
  if (count > USER_LIMITS.rows) throw new DataError(`Image ${fmt(USER_LIMITS.rows + 1)}: the file has ${fmt(count)} images; the page trains on at most ${fmt(USER_LIMITS.rows)}.`);
  if (r * c > USER_LIMITS.features) throw new DataError(`The images are ${r} × ${c} = ${fmt(r * c)} pixels; the page's first Linear takes at most ${fmt(USER_LIMITS.features)} features.`);
  if (count * r * c > USER_LIMITS.cells) throw new DataError(`${fmt(count)} images of ${fmt(r * c)} pixels are ${fmt(count * r * c)} values; the work budget allows ${fmt(USER_LIMITS.cells)} (fewer images).`);
  let maxLabel = 0;
  for (let i = 0; i < count; i++) {
    const v = lab.data[i];
    if (v >= USER_LIMITS.classes) throw new DataError(`Label ${i + 1} is ${v}; the page takes classes 0..${USER_LIMITS.classes - 1}.`);
    if (v > maxLabel) maxLabel = v;
  }
  if (maxLabel < 1) throw new DataError('Every label is 0: at least two classes are needed to classify.');
  return { header: null, labelColumn: null, features: r * c, rows: count, x: Float32Array.from(img.data), y: Uint8Array.from(lab.data), classes: maxLabel + 1, imageRows: r, imageCols: c, names: null };
}

/**
 * Split (SPLIT_SEED shuffle, TEST_SHARE held out) and normalise parsed data
 * with `normalisation` (a key of NORMALISATIONS), fitting it on the training
 * rows only. Returns the engine's form (web/train/data.js) with `sample`,
 * `summary` and `version`.
 */
let versions = 0;
export function prepare(parsed, { normalisation = 'minmax', file = 'your data', kind = 'CSV' } = {}) {
  if (!Object.hasOwn(NORMALISATIONS, normalisation)) throw new DataError(`"${normalisation}" is not a normalisation (${Object.keys(NORMALISATIONS).join(', ')}).`);
  const { rows, features: F, x, y, classes } = parsed;
  const testCount = Math.max(1, Math.round(rows * TEST_SHARE));
  const trainCount = rows - testCount;
  const order = shuffledOrder(rows, SPLIT_SEED);
  const take = (idx) => {
    const v = new Float32Array(idx.length * F);
    idx.forEach((k, i) => v.set(x.subarray(k * F, (k + 1) * F), i * F));
    return { count: idx.length, pixels: v, labels: Uint8Array.from(idx, (k) => y[k]) };
  };
  const train = take(order.subarray(0, trainCount));
  const test = take(order.subarray(trainCount));
  const { shift, scale, constant } = fitNormalisation(normalisation, train.pixels, trainCount, F);
  for (const set of [train, test]) {
    const v = set.pixels;
    for (let i = 0; i < v.length; i++) {
      const f = i % F;
      v[i] = (v[i] - shift[f]) * scale[f];
    }
  }
  const image = Boolean(parsed.imageRows);
  const rowsOf = image ? parsed.imageRows : 1;
  const colsOf = image ? parsed.imageCols : F;
  const names = Array.from({ length: classes }, (_, k) => String(k));
  const counts = new Array(classes).fill(0);
  for (const v of y) counts[v]++;
  const normText = NORMALISATIONS[normalisation] + (constant ? `; ${constant} constant feature${constant === 1 ? '' : 's'} set to 0` : '');
  const version = ++versions;
  const sampleCount = Math.min(test.count, 300);
  return {
    dataset: 'own',
    name: file,
    rows: rowsOf,
    cols: colsOf,
    features: F,
    classes: names,
    source: `${kind} file ${file}`,
    selection: `rows shuffled with mulberry32(${SPLIT_SEED}): ${trainCount} for training, ${testCount} held out`,
    scale: 1,
    train,
    test,
    version,
    sample: Object.freeze({
      dataset: 'own', name: file, count: sampleCount, rows: rowsOf, cols: colsOf, features: F, image, scale: 1,
      labels: test.labels.subarray(0, sampleCount), pixels: test.pixels.subarray(0, sampleCount * F), classes: names,
      normalisation: normText, version,
    }),
    summary: {
      file, kind, rows, features: F, classes, classCounts: counts, trainCount, testCount,
      header: parsed.header ? 'yes' : 'no', labelColumn: parsed.labelColumn === null ? null : parsed.labelColumn + 1,
      labelName: parsed.header && parsed.labelColumn !== null ? parsed.header[parsed.labelColumn] : null,
      normalisation, normText,
    },
  };
}

/** Per-feature shift and scale: value -> (value - shift) * scale. */
export function fitNormalisation(kind, v, n, F) {
  const shift = new Float64Array(F);
  const scale = new Float64Array(F).fill(1);
  let constant = 0;
  if (kind === '255') scale.fill(1 / 255);
  if (kind === 'minmax' || kind === 'standard') {
    const a = new Float64Array(F).fill(Infinity);
    const b = new Float64Array(F).fill(-Infinity);
    const sum = new Float64Array(F);
    const sq = new Float64Array(F);
    for (let r = 0; r < n; r++) {
      for (let f = 0; f < F; f++) {
        const x = v[r * F + f];
        if (x < a[f]) a[f] = x;
        if (x > b[f]) b[f] = x;
        sum[f] += x;
      }
    }
    for (let f = 0; f < F; f++) sum[f] /= n;
    if (kind === 'standard') {
      for (let r = 0; r < n; r++) for (let f = 0; f < F; f++) sq[f] += (v[r * F + f] - sum[f]) ** 2;
    }
    for (let f = 0; f < F; f++) {
      const spread = kind === 'minmax' ? b[f] - a[f] : Math.sqrt(sq[f] / n);
      shift[f] = kind === 'minmax' ? a[f] : sum[f];
      if (spread > 0) scale[f] = 1 / spread;
      else { scale[f] = 0; constant++; }
    }
  }
  return { shift, scale, constant };
}
