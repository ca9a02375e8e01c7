// The network builder: one row per layer of app.state.net (Linear: in/out
// features and bias; activations: their type; Dropout: p), buttons to move
// and remove layers, an "add layer" control, and the batch-wide settings
// (batch size, train/eval, input, seed, initialiser).
//
// Every edit calls app.setState with a NEW net array. The row list is
// rebuilt only when the network's structure (the sequence of row kinds)
// changes; otherwise update() only writes values that changed, so a
// control the user is typing in or dragging is never replaced or
// overwritten. The core's error (model.error) is shown as text next to the
// row of the layer that raised it.
//
// settings.js: the batch-wide controls; layer-list.js: the rows and the
// error; layer-row.js: one row; add-layer.js: the add control; fields.js:
// small shared pieces.

import { el, viewLevel } from '../../dom.js';
import { mountSettings } from './settings.js';
import { mountLayerList } from './layer-list.js';
import { mountAddLayer } from './add-layer.js';
import { mountToolbar } from './toolbar.js';
import { mountParams } from './params.js';
import { typeName } from './fields.js';
import { attachHistory } from '../../history.js';

let uid = 0;

export function mountEditor(host, app) {
  const id = `tt-ed-${++uid}`;
  const level = viewLevel(); // h1 in the one-view embed, else under the lesson's h3

  // what an edit did (a clamped value, a removed layer), for everyone
  const status = el('p', { className: 'tt-ed-status', role: 'status', 'aria-live': 'polite' });
  const say = (text) => { status.textContent = text; };

  /** Replace layer i's spec with `patch` applied (a new array, a new spec object). */
  function editLayer(i, patch) {
    const net = app.state.net.map((s, j) => (j === i ? { ...s, ...patch } : s));
    app.setState({ net });
  }

  function moveLayer(i, by) {
    const net = [...app.state.net];
    const j = i + by;
    if (j < 0 || j >= net.length) return;
    [net[i], net[j]] = [net[j], net[i]];
    let layer = app.state.layer;
    if (layer === i) layer = j;
    else if (layer === j) layer = i;
    // keep the user's place: the button they pressed, on the row that moved
    const first = j === 0;
    const lastRow = j === net.length - 1;
    list.focusAfter({ index: j, testid: by < 0 ? (first ? 'down' : 'up') : (lastRow ? 'up' : 'down') });
    say(`Moved layer ${i} (${typeName(net[j].kind)}) to position ${j}.`);
    app.setState({ net, layer });
  }

  function removeLayer(i) {
    const old = app.state.net;
    const net = old.filter((_, j) => j !== i);
    let layer = app.state.layer;
    if (layer > i || layer >= net.length) layer = Math.max(0, layer - 1);
    list.focusAfter(net.length ? { index: Math.min(i, net.length - 1), testid: 'remove' } : { element: adder.kindSelect });
    say(`Removed layer ${i} (${typeName(old[i].kind)}).`);
    app.setState({ net, layer });
  }

  // one history per app; the lesson page listens for Ctrl/Cmd+Z on the whole document, an embedded view on itself
  const history = attachHistory(app, { keys: app.root === document.body ? document : app.root });
  const toolbar = mountToolbar(history, say);
  const paramsBox = mountParams(id, app);
  const settings = mountSettings(id, app, say);
  const adder = mountAddLayer(id, app, say);
  const list = mountLayerList(id, { app, say, editLayer, moveLayer, removeLayer }, () => adder.kindSelect);

  host.append(
    el(`h${level}`, { text: 'Build the network' }),
    el('p', { className: 'tt-ed-intro', text: 'Each row is one layer, applied in order to a batch of inputs. A Linear layer maps in features to out features, so its in must equal the width of what the layer before it outputs. Edit, reorder, add or remove layers: the core runs the batch through again at once.' }),
    toolbar.element, settings.element, ...list.element, adder.element, status, paramsBox.element,
  );

  function update(model) {
    settings.update(model.state);
    list.update(model);
    adder.update(model.state);
    paramsBox.update(model);
    toolbar.update();
  }

  return { update };
}
