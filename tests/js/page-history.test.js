// The page's undo/redo (web/history.js) on a stand-in app (a state and a
// setState, as main.js makes them): one entry per edit, a drag's frames
// merge until seal(), a new edit clears redo, the selection is not an edit.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { attachHistory, editKey } from '../../web/history.js';
import { defaults } from '../../web/state.js';

function fakeApp() {
  const app = { state: defaults(), renders: 0 };
  app.setState = (patch) => { app.state = { ...app.state, ...patch }; app.renders++; };
  return app;
}
const withP = (app, i, p) => app.state.net.map((s, j) => (j === i ? { ...s, p } : s));

test('editKey: one field of one layer merges, anything else does not', () => {
  const s = defaults();
  assert.equal(editKey(s, { net: s.net.map((l, j) => (j === 2 ? { ...l, p: 0.6 } : l)) }), 'net:2:p');
  assert.equal(editKey(s, { net: s.net.map((l, j) => (j === 0 ? { ...l, bias: false } : l)) }), 'net:0:bias');
  assert.equal(editKey(s, { net: s.net.slice(1) }), null);
  assert.equal(editKey(s, { batch: 8 }), null);
  assert.equal(editKey(s, { net: s.net.map((l, j) => (j === 1 ? { kind: 'tanh' } : l)) }), null);
});

test('a drag is one entry; seal() ends it; undo and redo restore whole states', () => {
  const app = fakeApp();
  const h = attachHistory(app, { keys: null });
  assert.equal(attachHistory(app), h, 'attached once');
  for (const p of [0.55, 0.6, 0.65, 0.7]) app.setState({ net: withP(app, 2, p) });
  h.seal();
  assert.deepEqual(h.size, { undo: 1, redo: 0 });
  app.setState({ net: withP(app, 2, 0.2) }); // a second drag of the same slider: a new entry
  h.seal();
  app.setState({ batch: 8 });
  app.setState({ layer: 3 }); // a selection, not an edit
  assert.deepEqual(h.size, { undo: 3, redo: 0 });
  assert.equal(h.undo(), true);
  assert.equal(app.state.batch, 32);
  assert.equal(app.state.layer, 3, 'the selection stays');
  h.undo();
  assert.equal(app.state.net[2].p, 0.7);
  h.undo();
  assert.equal(app.state.net[2].p, 0.5);
  assert.deepEqual(app.state, { ...defaults(), layer: 3 });
  assert.equal(h.undo(), false);
  h.redo();
  h.redo();
  assert.equal(app.state.net[2].p, 0.2);
  assert.deepEqual(h.size, { undo: 2, redo: 1 });
  app.setState({ seed: 7 }); // a new edit: redo is gone
  assert.deepEqual(h.size, { undo: 3, redo: 0 });
  assert.equal(h.redo(), false);
  app.setState({ seed: 7 }); // no change: no entry
  assert.deepEqual(h.size, { undo: 3, redo: 0 });
});

test('undo after removing layers keeps the selection inside the restored network', () => {
  const app = fakeApp();
  const h = attachHistory(app, { keys: null });
  app.setState({ net: app.state.net.slice(0, 2), layer: 1 });
  app.setState({ layer: 1 });
  h.undo();
  assert.equal(app.state.net.length, 7);
  app.setState({ layer: 6 });
  h.redo();
  assert.equal(app.state.net.length, 2);
  assert.equal(app.state.layer, 1);
});
