// Issue 24, notebooks. site/tinytorch_widget.py (the anywidget class) and
// site/lesson.ipynb. Debian has no anywidget package and no IPython kernel
// here, so no cell runs in a live kernel: what runs is the module's network
// parser against the page's (web/state.js), its layer letters against
// web/kinds.js, the notebook's helper cell (with IPython's HTML stubbed)
// against the outputs the notebook stores, and those outputs in Chromium,
// where each iframe takes the height of its content (assets/embed-host.js),
// the memory view more than the 900 px it used to get.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { spawnSync } from 'node:child_process';
import { launch, newPage, repoRoot, serve, site } from './harness.js';
import { KINDS } from '../../web/kinds.js';
import { parseNet, formatNet, DEFAULT_NET } from '../../web/state.js';

const PY = '/usr/bin/python3';
const nb = JSON.parse(readFileSync(join(repoRoot, 'site/lesson.ipynb'), 'utf8'));
const text = (s) => (Array.isArray(s) ? s.join('') : s);

function python(code) {
  const r = spawnSync(PY, ['-c', code], { cwd: join(repoRoot, 'site'), encoding: 'utf8', timeout: 30000, env: { ...process.env, PYTHONDONTWRITEBYTECODE: '1' } });
  assert.equal(r.status, 0, r.stderr);
  return JSON.parse(r.stdout);
}

test('tinytorch_widget.py reads a network as the page does: the same layer letters, the same specs, the same default', () => {
  const nets = ['L784-256,R,D0.5,L256-10', 'L784-64,S,T,G,X,D0.25,L64-10n', 'L3-2n', formatNet(DEFAULT_NET)];
  const r = python(`import json, tinytorch_widget as t
print(json.dumps({"kinds": t.KINDS, "default": t.DEFAULT_NET, "nets": [t.parse_net(n) for n in ${JSON.stringify(nets)}]}))`);
  assert.deepEqual(r.kinds, Object.fromEntries(Object.entries(KINDS).map(([kind, k]) => [k.code, kind])));
  assert.equal(r.default, formatNet(DEFAULT_NET));
  assert.deepEqual(r.nets, nets.map(parseNet));
});

test('lesson.ipynb: the helper cell, run with IPython\'s HTML stubbed and without anywidget, makes exactly the outputs the notebook stores (no fixed heights but the placeholder)', () => {
  const cells = nb.cells.filter((c) => c.cell_type === 'code');
  const helper = text(cells[0].source);
  const shown = cells.filter((c) => c.outputs?.length);
  const r = python(`import json, sys, types
ipy = types.ModuleType("IPython"); disp = types.ModuleType("IPython.display")
class HTML:
    def __init__(self, data): self.data = data
disp.HTML = HTML; ipy.display = disp; sys.modules["IPython"] = ipy; sys.modules["IPython.display"] = disp
ns = {}
exec(${JSON.stringify(helper)}, ns)
print(json.dumps({"widget": ns["HAVE_WIDGET"], "html": [eval(s, ns).data for s in ${JSON.stringify(shown.map((c) => text(c.source)))}]}))`);
  assert.equal(r.widget, false, 'Debian has no anywidget: the iframe path');
  assert.deepEqual(r.html, shown.map((c) => text(c.outputs[0].data['text/html'])));
  for (const html of r.html) {
    assert.match(html, /^<script src="assets\/embed-host\.js"><\/script><iframe src="embed\.html\?view=/);
    assert.match(html, /height="600"/, 'one placeholder height; embed-host.js sets the real one');
  }
});

test('the notebook\'s outputs in Chromium: every frame takes the height of its content (the memory view > 900 px)', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'tt-nb-'));
  symlinkSync(join(site, 'assets'), join(dir, 'assets'));
  symlinkSync(join(site, 'embed.html'), join(dir, 'embed.html'));
  const outputs = nb.cells.flatMap((c) => c.outputs ?? []).map((o) => text(o.data['text/html']));
  // as an output area lays them out: one after the other (no CSP: the notebook's page is Jupyter's, not ours)
  writeFileSync(join(dir, 'nb.html'), `<!doctype html><html lang="en"><meta charset="utf-8"><title>outputs</title><link rel="icon" href="data:,"><main>${outputs.map((h) => `<div class="output">${h}</div>`).join('\n')}</main>\n`);
  const host = await serve(dir);
  const browser = await launch();
  try {
    const context = await browser.newContext({ viewport: { width: 1000, height: 900 } });
    const errors = [];
    const page = await newPage(context, errors);
    await page.goto(`${host.url}/nb.html`);
    await page.waitForFunction(() => [...document.querySelectorAll('iframe')].every((f) => f.dataset.ttHeight), null, { timeout: 30000 });
    await page.waitForTimeout(500); // the views' later layout (lazy views catch up)
    const r = await page.evaluate(() => [...document.querySelectorAll('iframe')].map((f) => ({ src: f.getAttribute('src'), height: Math.round(f.getBoundingClientRect().height), content: Number(f.dataset.ttHeight) })));
    for (const f of r) assert.ok(Math.abs(f.height - f.content) <= 1, `${f.src}: the frame is ${f.height} px, its content ${f.content} px`);
    const memory = r.find((f) => f.src.includes('view=memory'));
    assert.ok(memory.height > 900, `the memory view needs ${memory.height} px (it had 900)`);
    console.log(`# frame heights at 1000 px: ${r.map((f) => `${f.src} ${f.height} px`).join(', ')}`);
    assert.deepEqual(errors, []);
    await context.close();
  } finally {
    await browser.close();
    await host.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('LayersWidget\'s traits, module path and read-back, with anywidget stubbed by traitlets.HasTraits (no live kernel)', () => {
  const r = spawnSync(PY, ['-c', `import json, sys, types, traitlets
aw = types.ModuleType("anywidget")
class AnyWidget(traitlets.HasTraits):
    pass
aw.AnyWidget = AnyWidget
sys.modules["anywidget"] = aw
import tinytorch_widget as t
w = t.LayersWidget(view="editor,dropout", state="batch=8")
synced = sorted(n for n, tr in w.traits().items() if tr.metadata.get("sync"))
before = w.net
w.state = "net=L784-32,D0.25,L32-10&batch=3"  # what the browser writes back after an edit
print(json.dumps({"synced": synced, "esm": str(t.LayersWidget._esm), "exists": t.LayersWidget._esm.is_file(), "before": len(before), "after": w.net, "batch": w.value("batch")}))`], { cwd: site, encoding: 'utf8', timeout: 30000, env: { ...process.env, PYTHONDONTWRITEBYTECODE: '1' } });
  assert.equal(r.status, 0, r.stderr);
  const out = JSON.parse(r.stdout);
  assert.deepEqual(out.synced, ['assets', 'group', 'state', 'theme', 'view']);
  assert.equal(out.esm, join(site, 'assets/tinytorch-widget.mjs'), 'dist/site/tinytorch_widget.py finds the module next to it');
  assert.equal(out.exists, true);
  assert.equal(out.before, 7, 'no net in the state: the lesson\'s default network');
  assert.deepEqual(out.after, parseNet('L784-32,D0.25,L32-10'));
  assert.equal(out.batch, '3');
});
