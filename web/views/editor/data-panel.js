// The editor's data panel: which dataset the page trains on and shows
// (the URL key `data`: MNIST digits, Fashion-MNIST, or your own), and a
// file input with a drop zone for the student's own data: a CSV (numeric
// columns and a label column) or IDX images + labels, parsed and checked
// by web/data/user-data.js. The file never leaves the machine, and is not
// in the link: `data=own` holds only while one is loaded. A file the page
// cannot use gets a message naming the row and column, and the previous
// data stay in use.

import { el } from '../../dom.js';
import { DATASETS } from '../../data/datasets.js';
import { parseCsv, parseIdx, prepare, DataError } from '../../data/user-data.js';
import { gunzip } from '../../data/packed-images.js';
import { select } from './fields.js';

/** The network with its first Linear taking `features` and its last giving `classes` (a copy; unchanged if it has no Linear). */
export function fitNetwork(net, features, classes) {
  const out = structuredClone(net);
  const linears = out.filter((s) => s.kind === 'linear');
  if (linears.length === 0) return out;
  linears[0].in = features;
  linears.at(-1).out = classes;
  return out;
}

const isGzip = (b) => b.length > 2 && b[0] === 0x1f && b[1] === 0x8b;
const isIdx = (b) => b.length > 4 && b[0] === 0 && b[1] === 0 && b[2] === 0x08 && (b[3] === 1 || b[3] === 3);

/** Files -> parsed data ({ parsed, kind, file }); throws DataError. */
export async function readFiles(files) {
  const list = [...files];
  if (list.length === 0) throw new DataError('No file was given.');
  const bytes = await Promise.all(list.map(async (f) => {
    let b = new Uint8Array(await f.arrayBuffer());
    if (isGzip(b)) b = await gunzip(b);
    return b;
  }));
  if (bytes.some(isIdx)) {
    const images = bytes.findIndex((b) => isIdx(b) && b[3] === 3);
    const labels = bytes.findIndex((b) => isIdx(b) && b[3] === 1);
    if (images < 0 || labels < 0 || list.length !== 2) {
      throw new DataError(`IDX data needs two files at once: the images (idx3, e.g. train-images-idx3-ubyte) and the labels (idx1); got ${list.map((f) => f.name).join(', ')}.`);
    }
    return { parsed: parseIdx(bytes[images], bytes[labels]), kind: 'IDX', file: `${list[images].name} + ${list[labels].name}` };
  }
  if (list.length !== 1) throw new DataError(`Give one CSV file (or two IDX files); got ${list.length} files.`);
  return { parsed: parseCsv(new TextDecoder().decode(bytes[0])), kind: 'CSV', file: list[0].name };
}

let uid = 0;

/** mountDataPanel(id, app, say) -> { element, update(state) }. */
export function mountDataPanel(id, app, say) {
  const pid = `${id}-data-${++uid}`;
  const dataset = select({ id: `${pid}-set`, 'data-testid': 'dataset' },
    [...Object.values(DATASETS).map((d) => [d.key, d.key === 'mnist' ? d.name : `${d.name} (harder)`]), ['own', 'your data']]);
  const ownOption = dataset.querySelector('option[value="own"]');
  const file = el('input', { type: 'file', id: `${pid}-file`, multiple: true, accept: '.csv,.txt,.tsv,.gz,.idx,.idx1-ubyte,.idx3-ubyte,application/octet-stream,text/csv', 'data-testid': 'data-file', 'aria-describedby': `${pid}-help` });
  const norm = select({ id: `${pid}-norm`, 'data-testid': 'data-norm' }, [['minmax', 'min-max to [0, 1]'], ['standard', 'standardise (mean 0, std 1)'], ['255', 'divide by 255'], ['none', 'none (as in the file)']]);
  const help = el('p', { id: `${pid}-help`, className: 'tt-ed-data-help', text: 'A CSV: one row per sample, numeric feature columns and a label column of class numbers 0, 1, 2, … (named label, class, target or y in a header row, else the last column); a header row is optional. Or two IDX files at once: images (idx3 ubyte) and labels (idx1 ubyte), gzipped or not. The file stays on this machine; 20 % of the rows are held out.' });
  const summary = el('p', { className: 'tt-ed-data-summary', 'data-testid': 'data-summary', role: 'status' });
  const error = el('p', { className: 'tt-ed-data-error', 'data-testid': 'data-error', role: 'alert', hidden: true });
  const zone = el('div', { className: 'tt-ed-drop', 'data-testid': 'data-drop' },
    el('label', { for: file.id, text: 'Your data: choose a file, or drop it here' }), file);
  const field = (label, control) => el('div', { className: 'tt-ed-field' }, el('label', { for: control.id, text: label }), control);
  const normField = field('Normalisation', norm);
  const element = el('fieldset', { className: 'tt-ed-data', 'data-testid': 'data-panel' },
    el('legend', { text: 'Data' }),
    field('Dataset', dataset), zone, normField, help, summary, error);

  let parsedNow = null; // { parsed, kind, file } of the loaded file, to normalise again

  function fail(e) {
    const msg = e instanceof DataError ? e.message : `The file could not be read (${String(e?.message ?? e).slice(0, 200)}).`;
    const kept = app.userData && app.state.data === 'own' ? `your ${app.userData.name}` : DATASETS[app.state.data]?.name ?? 'the previous data';
    error.textContent = `${msg} Nothing was changed: ${kept} stay${kept.startsWith('your') ? 's' : ''} in use.`;
    error.hidden = false;
    say(error.textContent);
  }

  function use(loaded, normalisation) {
    const data = prepare(loaded.parsed, { normalisation, file: loaded.file, kind: loaded.kind });
    parsedNow = loaded;
    app.userData = data;
    error.hidden = true;
    const s = data.summary;
    say(`Loaded ${s.file}: ${s.rows} rows, ${s.features} features, ${s.classes} classes. The network's first Linear now takes ${s.features} features and its last gives ${s.classes} classes.`);
    app.setState({ data: 'own', input: 'data', net: fitNetwork(app.state.net, data.features, data.classes.length) });
  }

  async function load(files) {
    try {
      const loaded = await readFiles(files);
      use(loaded, loaded.kind === 'IDX' ? '255' : 'minmax');
    } catch (e) {
      fail(e);
    }
  }

  file.addEventListener('change', () => {
    if (file.files.length) load(file.files).finally(() => { file.value = ''; });
  });
  zone.addEventListener('dragover', (e) => { e.preventDefault(); zone.classList.add('tt-ed-drop-over'); });
  zone.addEventListener('dragleave', () => zone.classList.remove('tt-ed-drop-over'));
  zone.addEventListener('drop', (e) => {
    e.preventDefault();
    zone.classList.remove('tt-ed-drop-over');
    if (e.dataTransfer?.files?.length) load(e.dataTransfer.files);
  });
  norm.addEventListener('change', () => {
    if (!parsedNow) return;
    try {
      use(parsedNow, norm.value);
    } catch (e) {
      fail(e);
    }
  });
  dataset.addEventListener('change', () => {
    const key = dataset.value;
    if (key === 'own' && !app.userData) {
      dataset.value = app.state.data;
      say('Load a file first (below): your data is not on the page yet.');
      return;
    }
    const data = key === 'own' ? { features: app.userData.features, classes: app.userData.classes.length } : { features: 784, classes: DATASETS[key].classes.length };
    app.setState({ data: key, net: fitNetwork(app.state.net, data.features, data.classes) });
  });

  function update(state) {
    if (dataset.value !== state.data) dataset.value = state.data;
    ownOption.disabled = !app.userData;
    const d = app.userData;
    normField.hidden = !d;
    if (d) {
      const s = d.summary;
      if (norm.value !== s.normalisation) norm.value = s.normalisation;
      const counts = s.classCounts.join(', ');
      const text = `${s.file} (${s.kind}, in memory only): ${s.rows} rows, ${s.features} features, ${s.classes} classes (rows per class: ${counts}); `
        + `${s.kind === 'CSV' ? `header row: ${s.header}; label: column ${s.labelColumn}${s.labelName ? ` ("${s.labelName}")` : ''}; ` : ''}`
        + `normalisation: ${s.normText}; ${s.trainCount} rows to train on, ${s.testCount} held out.${state.data === 'own' ? '' : ' Not in use: choose "your data" above.'}`;
      if (summary.textContent !== text) summary.textContent = text;
    } else if (summary.textContent) summary.textContent = '';
  }

  return { element, update };
}
