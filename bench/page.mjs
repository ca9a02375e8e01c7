// bench/page.mjs — how fast the lesson page is in Debian's Chromium and
// Firefox ESR (a benchmark, not a test): time until the first render on
// localhost, and how long one update takes (forward pass + the views on
// screen, and where that time goes) while a slider is dragged on the
// default network at batch 32 (DRAGS), against the 16.7 ms of one frame at
// 60 Hz, what the off-screen views cost when they catch up once the page
// is quiet (web/lazy-views.js), and (Chromium) any task over 50 ms during
// a drag or the 2 s after it. Also the page weight. Firefox rounds
// performance.now() to 1 ms. Then training (TRAINING): for the default
// network and for the heaviest one the training budget accepts
// (web/budget.js), the longest slice of training work between two frames
// (the controller's frame callback: work units and the views' redraw),
// the longest gap between animation frames while it trains, and how long
// Pause takes to answer (from the click event's timestamp to its handler,
// which must wait for the slice in progress; Firefox stamps a driven click
// when it is dispatched, so there the longest slice is the bound). Run after scripts/build.sh:
// node bench/page.mjs (--training: only the training part; --mnist: only
// the Use step's default MNIST run, timed from Play to done). The Build step's
// rows (buildRows): the sandbox's load, Check -> results, and a forward pass
// through student layers against the core's own.
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { launchChromium } from './chromium.mjs';
import { launchFirefox } from './firefox.mjs';
import { serveSite } from '../scripts/serve.mjs';

const root = new URL('..', import.meta.url).pathname;
const site = join(root, 'dist/site');
const server = await serveSite(site);
const url = `http://127.0.0.1:${server.address().port}/index.html`;
const median = (a) => [...a].sort((x, y) => x - y)[Math.floor(a.length / 2)];
const frame = 1000 / 60;
const size = (f) => statSync(join(site, f)).size;

/** The two drivers behind one small interface: playwright-core (Chromium), puppeteer-core (Firefox). */
const ENGINES = [
  {
    name: 'Chromium',
    launch: launchChromium,
    version: (b) => b.version(),
    newPage: (b, viewport) => b.newPage({ viewport }),
    focus: (page, sel) => page.locator(sel).first().focus(),
    wait: (ms) => new Promise((r) => setTimeout(r, ms)),
  },
  {
    name: 'Firefox',
    launch: launchFirefox,
    version: async (b) => (await b.version()).replace(/^firefox\//i, ''),
    newPage: async (b, viewport) => { const p = await b.newPage(); await p.setViewport(viewport); return p; },
    focus: (page, sel) => page.focus(sel),
    wait: (ms) => new Promise((r) => setTimeout(r, ms)),
  },
];

/** The sliders dragged: the editor's (the lesson's top, where the network is edited), the Dropout view's own, the init lab's depth. */
const DRAGS = [
  ['the editor\'s Dropout p slider', '.tt-view-editor [data-testid="dropout-p"]'],
  ['the Dropout view\'s p slider (dropout view on screen)', '.tt-view-dropout [data-testid="dropout-p"]'],
  ['the init lab\'s depth slider (its backward passes wait until the drag stops)', '.tt-view-init input[type="range"]'],
];

/**
 * Scroll the slider to the middle of the screen, focus it, press the arrow
 * keys 60 times (one render per press), then wait for the off-screen views'
 * catch-up. Returns the render times, the time per part, and the catch-up's
 * view updates (those that ran after the last render).
 */
async function drag(page, sel, engine) {
  await page.evaluate((s) => { const e = document.querySelector(s); e.scrollIntoView({ block: 'center', behavior: 'instant' }); e.focus({ preventScroll: true }); }, sel);
  await engine.wait(300);
  await page.evaluate(() => globalThis.__tinytorchApps[0].settled());
  await page.evaluate(() => {
    performance.clearMeasures();
    // the page's long tasks (over 50 ms; Chromium has the Long Tasks API, Firefox does not)
    globalThis.__longTasks = PerformanceObserver.supportedEntryTypes.includes('longtask') ? [] : null;
    if (globalThis.__longTasks) new PerformanceObserver((list) => globalThis.__longTasks.push(...list.getEntries().map((e) => e.duration))).observe({ type: 'longtask' });
  });
  for (let i = 0; i < 60; i++) {
    await page.keyboard.press(i % 20 < 10 ? 'ArrowRight' : 'ArrowLeft');
    await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
  }
  await engine.wait(2000); // quiet: the stale views catch up in idle time
  return page.evaluate(() => {
    const renders = performance.getEntriesByName('tt-render');
    const lastEnd = Math.max(...renders.map((m) => m.startTime + m.duration));
    const parts = {};
    const catchUp = [];
    for (const m of performance.getEntriesByType('measure')) {
      if (m.startTime >= lastEnd && m.name.startsWith('tt-view:')) catchUp.push(m.duration);
      else if (m.name === 'tt-forward' || m.name.startsWith('tt-view:')) (parts[m.name] ??= []).push(m.duration);
    }
    return { renders: renders.map((m) => m.duration), parts, catchUp, longTasks: globalThis.__longTasks };
  });
}

/** The training states timed: the lesson's default, and the heaviest step the training budget accepts. */
const TRAINING = [
  ['the default network at batch 32', 'embed.html?view=training&tsize=1000&epochs=20'],
  ['the default network at batch 90 (119 MFLOP per step: the heaviest the budget accepts)', 'embed.html?view=training&batch=90&tsize=3000&epochs=20'],
];

/** Play for 2 s recording every slice and frame gap, then 5 Pause/Play cycles timing Pause. */
async function timeTraining(page, engine) {
  await page.evaluate(() => {
    const ctrl = globalThis.__tinytorchApps[0].training;
    const rec = { slices: [], gaps: [], pauses: [], units: [] };
    globalThis.__trainRec = rec;
    const frame = ctrl.frame;
    ctrl.frame = () => {
      const t0 = performance.now();
      frame();
      rec.slices.push(performance.now() - t0);
      if (ctrl.trainer) rec.units.push(ctrl.trainer.longestUnitMs);
    };
    let last = performance.now();
    // frame gaps while training runs (from its first slice: attaching the images before it is one task of its own)
    const tick = () => { const now = performance.now(); if (ctrl.status === 'playing' && rec.slices.length) rec.gaps.push(now - last); last = now; requestAnimationFrame(tick); };
    requestAnimationFrame(tick);
    document.querySelector('[data-testid="train-play"]').addEventListener('click', (e) => {
      if (ctrl.status === 'playing') rec.pauses.push(performance.now() - e.timeStamp);
    }, { capture: true });
  });
  await page.click('[data-testid="train-play"]');
  await engine.wait(2500); // the images load, then 2 s of training
  for (let i = 0; i < 5; i++) {
    await page.click('[data-testid="train-play"]'); // Pause
    await engine.wait(150);
    await page.click('[data-testid="train-play"]'); // Play
    await engine.wait(400);
  }
  await page.click('[data-testid="train-play"]');
  return page.evaluate(() => ({ ...globalThis.__trainRec, status: globalThis.__tinytorchApps[0].training.status }));
}

const onlyTraining = process.argv.includes('--training');
const onlyMnist = process.argv.includes('--mnist');

/**
 * The Use step's default run, as a student starts it: the page at its
 * defaults (MNIST digits, the lesson network, Adam 1e-3, batch 32, 8,000
 * training images, 10 epochs, the built network and its comparison run),
 * Play pressed once, timed from the click until the controller says done
 * (the images' load included). Reports both runs' held-out accuracy and
 * validation loss on the 2,000 test digits, as the core computed them.
 */
async function mnistRun(page) {
  // a polling loop rather than waitForFunction, whose arguments differ between the two drivers
  const poll = async (fn, ms) => { for (;;) { if (await page.evaluate(fn)) return; await new Promise((r) => setTimeout(r, ms)); } };
  await poll(() => Boolean(globalThis.__tinytorchApps?.[0]?.training), 100);
  const t0 = Date.now();
  await page.click('[data-testid="train-play"]');
  await poll(() => ['done', 'diverged', 'error'].includes(globalThis.__tinytorchApps[0].training.status), 250);
  const ms = Date.now() - t0;
  const r = await page.evaluate(() => {
    const c = globalThis.__tinytorchApps[0].training;
    const t = c.trainer;
    const last = t.history.at(-1);
    return { status: c.status, epochs: last.epoch, steps: t.stepsDone, trainSize: t.config.trainSize, batch: t.config.batch, valSize: t.config.valSize,
      runs: t.runs.map((run, k) => ({ label: run.label, valAcc: last.runs[k].valAcc, valLoss: last.runs[k].valLoss })) };
  });
  return { ms, ...r };
}

/**
 * The Build step (web/build/, assets/tinytorch-sandbox.js): loading the
 * sandbox, Check -> results for the reference solution
 * (examples/build/layers-solution.mjs, every check), and one forward pass
 * of the lesson's default network (batch 32, train mode) through the
 * student's Linear and Dropout in the sandbox against the core's own layers
 * (the sandbox's overhead), the Linear layers alone, and what the
 * interrupt handler's shortened countdown costs a plain loop.
 */
const SOLUTION = readFileSync(join(root, 'examples/build/layers-solution.mjs'), 'utf8');
async function buildRows(page) {
  return page.evaluate(async (solution) => {
    const app = globalThis.__tinytorchApps[0];
    const { api } = app;
    const median = (a) => [...a].sort((x, y) => x - y)[Math.floor(a.length / 2)];
    let t = performance.now();
    const mod = await new Promise((resolve, reject) => {
      const s = document.createElement('script');
      s.src = app.assetUrl('tinytorch-sandbox.js');
      s.onload = () => resolve(globalThis.TINYTORCH_SANDBOX);
      s.onerror = reject;
      document.head.append(s);
    });
    const assetMs = performance.now() - t;
    t = performance.now();
    const sb = await mod.createSandbox(api);
    const engineMs = performance.now() - t;
    const checks = [];
    let count = 0;
    let passed = 0;
    for (let i = 0; i < 5; i++) {
      t = performance.now();
      const { exports } = sb.load(solution);
      const results = await mod.runLayerChecks(api, exports);
      checks.push(performance.now() - t);
      count = results.length;
      passed = results.filter((r) => r.status === 'pass').length;
    }
    const { exports: ex } = sb.load(solution);
    const net = (L, D) => new api.Sequential(new L(784, 256), new api.ReLU(), new D(0.5), new L(256, 128), new api.ReLU(), new D(0.3), new L(128, 10));
    const x = api.Tensor.rand([32, 784]);
    const time = (m) => {
      for (let i = 0; i < 3; i++) api.noGrad(() => m.forward(x)).dispose();
      const s = [];
      for (let i = 0; i < 15; i++) {
        const t0 = performance.now();
        api.noGrad(() => m.forward(x)).dispose();
        s.push(performance.now() - t0);
      }
      return median(s);
    };
    const student = net(ex.Linear, ex.Dropout);
    const core = net(api.Linear, api.Dropout);
    const studentLinear = new api.Sequential(new ex.Linear(784, 256), new api.ReLU(), new ex.Linear(256, 128), new api.ReLU(), new ex.Linear(128, 10));
    const coreLinear = new api.Sequential(new api.Linear(784, 256), new api.ReLU(), new api.Linear(256, 128), new api.ReLU(), new api.Linear(128, 10));
    // the student's Linear written in the page itself (no sandbox): the same ops, x.matmul(W).add(b)
    class OpsLinear extends api.Module {
      constructor(i, o) { super(); this.weight = api.keep(api.Tensor.randn([i, o]).mul(Math.sqrt(1 / i))); this.bias = api.keep(api.Tensor.zeros([o])); }
      forward(x) { const xw = x.matmul(this.weight); const y = xw.add(this.bias); xw.dispose(); return y; }
      parameters() { return [this.weight, this.bias]; }
      _disposeOwn() { this.weight.dispose(); this.bias.dispose(); }
    }
    const opsLinear = new api.Sequential(new OpsLinear(784, 256), new api.ReLU(), new OpsLinear(256, 128), new api.ReLU(), new OpsLinear(128, 10));
    const forward = { student: time(student), core: time(core), studentLinear: time(studentLinear), coreLinear: time(coreLinear), opsLinear: time(opsLinear) };
    for (const m of [student, core, studentLinear, coreLinear, opsLinear]) m.dispose();
    x.dispose();
    const loopSrc = "export class L { forward() { let s = 0; for (let i = 0; i < 1e6; i++) s += i & 1; return s; } }";
    const loop = {};
    for (const every of [10, 10000]) {
      const sb2 = await mod.createSandbox(api, { interruptEvery: every });
      const l = new (sb2.load(loopSrc).exports.L)();
      const s = [];
      for (let i = 0; i < 5; i++) { const t0 = performance.now(); l.forward(); s.push(performance.now() - t0); }
      loop[every] = median(s);
      sb2.dispose();
    }
    sb.dispose();
    return { assetMs, engineMs, checkMs: median(checks), checks, count, passed, forward, loop };
  }, SOLUTION);
}

for (const engine of ENGINES) {
  const browser = await engine.launch();
  const viewport = { width: 1200, height: 900 };
  console.log(`${engine.name} ${await engine.version(browser)}`);
  if (onlyMnist) {
    const mp = await engine.newPage(browser, viewport);
    await mp.goto(url);
    const r = await mnistRun(mp);
    console.log(`  the default MNIST run (${r.status}): ${r.epochs} epochs of ${r.trainSize} digits at batch ${r.batch}, two networks, ${(r.ms / 1000).toFixed(1)} s from Play (images' load included); on ${r.valSize} held-out digits: ${r.runs.map((x) => `${x.label}: accuracy ${(100 * x.valAcc).toFixed(2)} %, validation loss ${x.valLoss.toFixed(4)}`).join('; ')}`);
    await mp.close();
    await browser.close();
    continue;
  }
  if (!onlyTraining) {
    const loads = [];
    const completes = []; // every view, below the fold too, up to date (idle catch-up)
    for (let i = 0; i < 5; i++) {
      const page = await engine.newPage(browser, viewport);
      await page.goto(url);
      await page.waitForFunction(() => performance.getEntriesByName('tt-render').length > 0);
      loads.push(await page.evaluate(() => { const m = performance.getEntriesByName('tt-render')[0]; return m.startTime + m.duration; }));
      await page.waitForFunction(() => performance.getEntriesByName('tt-views-complete').length > 0);
      completes.push(await page.evaluate(() => performance.getEntriesByName('tt-views-complete')[0].startTime));
      await page.close();
    }

    const page = await engine.newPage(browser, viewport);
    await page.goto(url);
    await page.waitForFunction(() => performance.getEntriesByName('tt-render').length > 0);
    await engine.wait(500);
    const build = await page.evaluate(() => globalThis.__tinytorchApps[0].api.backendInfo().build);
    console.log(`  ${build} build, default network at batch 32`);
    console.log(`  first render after navigation start (the views down to the fold): median ${median(loads).toFixed(0)} ms (of ${loads.length} loads: ${loads.map((x) => x.toFixed(0)).join(', ')})`);
    console.log(`  every view up to date (the rest in idle time): median ${median(completes).toFixed(0)} ms (${completes.map((x) => x.toFixed(0)).join(', ')})`);
    for (const [where, sel] of DRAGS) {
      const d = await drag(page, sel, engine);
      console.log(`  update while dragging ${where}: median ${median(d.renders).toFixed(2)} ms, max ${Math.max(...d.renders).toFixed(2)} ms over ${d.renders.length} updates; ${d.renders.filter((x) => x <= frame).length} of ${d.renders.length} within one 60 Hz frame (${frame.toFixed(1)} ms)`);
      console.log(`    of which (medians): ${Object.entries(d.parts).map(([k, v]) => [k.replace('tt-', ''), median(v)]).sort((x, y) => y[1] - x[1]).map(([k, v]) => `${k} ${v.toFixed(2)}`).join(', ')}`);
      console.log(`    then, once quiet, ${d.catchUp.length} off-screen view updates in idle time: ${d.catchUp.reduce((a, b) => a + b, 0).toFixed(1)} ms in all, the longest ${Math.max(0, ...d.catchUp).toFixed(1)} ms`);
      console.log(`    tasks over 50 ms during the drag and the 2 s after it: ${d.longTasks === null ? 'n/a (no Long Tasks API)' : (d.longTasks.length ? `${d.longTasks.length}, the longest ${Math.max(...d.longTasks).toFixed(0)} ms` : 'none')}`);
    }
    const b = await buildRows(page);
    console.log(`  Build: sandbox asset ${b.assetMs.toFixed(0)} ms, its engine ${b.engineMs.toFixed(0)} ms (once per page); Check -> results for the reference solution (load + ${b.count} checks, ${b.passed} passed): median ${b.checkMs.toFixed(0)} ms (${b.checks.map((x) => x.toFixed(0)).join(', ')})`);
    const ratio = (a, c) => (c > 0 ? `x${(a / c).toFixed(1)}` : 'the core under the timer\'s resolution');
    console.log(`    one forward pass of the default network at batch 32 (train mode): the student's Linear and Dropout ${b.forward.student.toFixed(2)} ms, the core's ${b.forward.core.toFixed(2)} ms (${ratio(b.forward.student, b.forward.core)}); Linear layers only: ${b.forward.studentLinear.toFixed(2)} ms vs ${b.forward.coreLinear.toFixed(2)} ms (${ratio(b.forward.studentLinear, b.forward.coreLinear)}), and ${b.forward.opsLinear.toFixed(2)} ms for the student's ops (x.matmul(W).add(b)) written in the page, no sandbox`);
    console.log(`    a plain loop of 1e6 turns in the sandbox: ${b.loop[10].toFixed(0)} ms with the interrupt check every 10 operations (the sandbox's), ${b.loop[10000].toFixed(0)} ms every 10,000 (QuickJS's default)`);
  }
  for (const [what, link] of TRAINING) {
    const tp = await engine.newPage(browser, viewport);
    await tp.goto(url.replace('index.html', link));
    await tp.waitForFunction(() => globalThis.__tinytorchApps?.[0]?.training?.trainer);
    const r = await timeTraining(tp, engine);
    const max = (a) => Math.max(0, ...a);
    const sorted = [...r.slices].sort((x, y) => x - y);
    const p95 = sorted[Math.floor(0.95 * (sorted.length - 1))] ?? 0;
    console.log(`  training ${what}: ${r.slices.length} slices (budget 10 ms), median ${median(r.slices).toFixed(1)} ms, 95th percentile ${p95.toFixed(1)} ms, ${r.slices.filter((x) => x > 20).length} over 20 ms, longest ${max(r.slices).toFixed(1)} ms (${(max(r.slices) / 10).toFixed(1)}x the budget); longest work unit ${max(r.units).toFixed(1)} ms; longest gap between frames while playing ${max(r.gaps).toFixed(1)} ms; Pause answered after ${r.pauses.map((x) => x.toFixed(1)).join(', ')} ms`);
    await tp.close();
  }
  await browser.close();
}
const weight = ['index.html', 'assets/tinytorch-page.js', 'assets/style.css'].reduce((n, f) => n + size(f), 0);
console.log(`page weight: ${(weight / 1000).toFixed(1)} kB (index.html + tinytorch-page.js with both wasm builds inlined + style.css); fashion-data.js ${(size('assets/fashion-data.js') / 1000).toFixed(1)} kB of images; tinytorch-scalar.js ${(size('assets/tinytorch-scalar.js') / 1000).toFixed(1)} kB loaded on demand by the cost view; tinytorch-sandbox.js ${(size('assets/tinytorch-sandbox.js') / 1000).toFixed(1)} kB by Build`);
server.close();
