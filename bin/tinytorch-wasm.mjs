#!/usr/bin/env node
// tinytorch-wasm's command line: `tinytorch-wasm check layers my-layers.mjs`
// runs the Build step's checks (TinyTorch module 03's tests, js/build/) on a
// student's ES module and prints one line per check, then `N passed, N failed`.
// Exit status: 0 when every check passes, 1 when one fails, 2 when the
// command or the module cannot be used.
//
// The student's `import ... from 'tinytorch-wasm'` is resolved to the copy
// of the package this file belongs to (a module.register() resolve hook), so
// the checks and the student's classes share one core and one Module class
// wherever the file lives, with or without a node_modules next to it.

import { register } from 'node:module';
import { spawnSync } from 'node:child_process';
import { Worker, isMainThread, parentPort, workerData } from 'node:worker_threads';
import { existsSync, readFileSync } from 'node:fs';
import { resolve as resolvePath } from 'node:path';
import { pathToFileURL } from 'node:url';

const PKG_URL = new URL('../', import.meta.url);
const ENTRY = new URL('js/index.js', PKG_URL).href;
const BUILD = new URL('js/build/index.js', PKG_URL).href;

const USAGE = `usage: tinytorch-wasm check layers <file.mjs> [--json] [--exercise linear|dropout|sequential]... [--timeout 30]

Runs TinyTorch module 03's checks on your Linear, Dropout and Sequential.
<file.mjs> is an ES module that imports from 'tinytorch-wasm' and exports the
three classes (see the Build step: site/docs/build.md).

  --json                print the results as JSON instead of lines
  --exercise <id>       only this exercise's checks (repeatable, or a comma list)
  --timeout <seconds>   stop a check that runs longer (default 30): an infinite loop
  -h, --help            this text
  --version             the package version

Exit status: 0 all checks pass, 1 some fail, 2 usage or loading error.`;

/** The resolve hook, as a data: module (it runs on the loader thread, so it carries the URLs itself). */
const HOOK = `
const ENTRY = ${JSON.stringify(ENTRY)};
const BUILD = ${JSON.stringify(BUILD)};
export async function resolve(specifier, context, next) {
  if (specifier === 'tinytorch-wasm') return { url: ENTRY, shortCircuit: true, format: 'module' };
  if (specifier === 'tinytorch-wasm/build') return { url: BUILD, shortCircuit: true, format: 'module' };
  return next(specifier, context);
}`;

function parseArgs(argv) {
  const o = { json: false, exercises: [], positional: [], help: false, version: false, timeout: 30 };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--json') o.json = true;
    else if (a === '-h' || a === '--help') o.help = true;
    else if (a === '--version') o.version = true;
    else if (a === '--worker') continue; // internal: this process is the checks' worker
    else if (a === '--timeout' || a.startsWith('--timeout=')) {
      const v = Number(a.includes('=') ? a.slice(a.indexOf('=') + 1) : argv[++i]);
      if (!(v > 0 && v <= 3600)) throw new UsageError('--timeout needs a number of seconds, above 0 and at most 3600');
      o.timeout = v;
    }
    else if (a === '--exercise' || a.startsWith('--exercise=')) {
      const v = a.includes('=') ? a.slice(a.indexOf('=') + 1) : argv[++i];
      if (v === undefined || v === '') throw new UsageError('--exercise needs a value: linear, dropout or sequential');
      o.exercises.push(...v.split(',').map((s) => s.trim()).filter(Boolean));
    } else if (a.startsWith('-')) throw new UsageError(`unknown option ${a}`);
    else o.positional.push(a);
  }
  return o;
}

class UsageError extends Error {}

/** One line per check: "✓ id  got" or "✗ id  expected ..., got ...  mistake: ...  hint: ...". */
function line(r, MISTAKES) {
  if (r.status === 'pass') return `✓ ${r.id}  ${r.got}`;
  if (r.status === 'skip') return `- ${r.id}  skipped: ${r.got}`;
  const body = r.status === 'error' ? `error: ${r.got}` : `expected ${r.expected}, got ${r.got}`;
  const mistake = r.mistake ? `  mistake: ${MISTAKES[r.mistake] ?? r.mistake}` : '';
  return `✗ ${r.id}  ${body}${mistake}${r.hint ? `  hint: ${r.hint}` : ''}`;
}

/** What to say when the student's module does not load (after "could not load <file>: "). */
function loadError(path, e) {
  let msg = e?.message ?? String(e);
  if (e?.name && !msg.startsWith(e.name)) msg = `${e.name}: ${msg}`;
  if (e instanceof SyntaxError && /Cannot use import statement outside a module/.test(msg)) {
    msg += '\n  (the file is loaded as CommonJS: name it .mjs, or put it in a folder whose package.json says "type": "module")';
  } else if (e instanceof SyntaxError) {
    // a dynamic import's SyntaxError carries no line: node --check prints it ("/…/x.mjs:12", the line, a caret)
    const r = spawnSync(process.execPath, ['--check', path], { encoding: 'utf8' });
    const where = r.stderr.split('\n').slice(0, 3).join('\n').replace(/^file:\/\//, '');
    if (/:\d+\n/.test(where)) msg = `${msg}\n${where}`;
  }
  return msg;
}

async function main(argv) {
  let o;
  try {
    o = parseArgs(argv);
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    console.error(`tinytorch-wasm: ${e.message}\n\n${USAGE}`);
    return 2;
  }
  if (o.help) {
    console.log(USAGE);
    return 0;
  }
  if (o.version) {
    console.log(JSON.parse(readFileSync(new URL('package.json', PKG_URL), 'utf8')).version);
    return 0;
  }
  const [cmd, what, file, ...rest] = o.positional;
  if (cmd !== 'check' || what !== 'layers' || !file || rest.length) {
    console.error(`tinytorch-wasm: expected "check layers <file.mjs>"${o.positional.length ? `, got "${o.positional.join(' ')}"` : ''}\n\n${USAGE}`);
    return 2;
  }
  const { EXERCISES, MISTAKES, CHECK_LIST } = await import(BUILD);
  const known = EXERCISES.map((e) => e.id);
  const bad = o.exercises.filter((e) => !known.includes(e));
  if (bad.length) {
    console.error(`tinytorch-wasm: unknown exercise ${bad.join(', ')}; expected ${known.join(', ')}`);
    return 2;
  }
  const path = resolvePath(file);
  if (!existsSync(path)) {
    console.error(`tinytorch-wasm: ${file}: no such file`);
    return 2;
  }
  const timeoutMs = o.timeout * 1000;
  const wanted = CHECK_LIST.filter((c) => !o.exercises.length || o.exercises.includes(c.exercise));
  const results = [];
  const report = (r) => {
    results.push(r);
    if (!o.json) console.log(line(r, MISTAKES));
  };
  // The checks run in a worker: an infinite loop or a runaway allocation in
  // the student's code stops that worker, not this process.
  const outcome = await new Promise((done) => {
    const worker = new Worker(new URL(import.meta.url), {
      workerData: { path },
      argv: ['--worker', ...o.exercises.flatMap((e) => ['--exercise', e])],
      resourceLimits: { maxOldGenerationSizeMb: 256 },
      stdout: true, // the student's console.log goes to stderr: stdout carries only the results (and --json stays JSON)
      stderr: false,
    });
    worker.stdout.pipe(process.stderr, { end: false });
    const stdoutEnded = new Promise((r) => {
      worker.stdout.once('end', r);
      worker.stdout.once('close', r);
    });
    let settled = false;
    let ended = null; // the worker's last word ('done' or 'load-error'), before it exits
    let timer;
    const finish = (v, kill) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      if (kill) worker.terminate();
      // what the student's code printed reaches stderr before the results' summary
      Promise.race([stdoutEnded, new Promise((r) => setTimeout(r, 2000))]).then(() => done(v));
    };
    const arm = () => {
      clearTimeout(timer);
      timer = setTimeout(() => finish({ kind: 'stopped', why: `no answer within ${o.timeout} s (an infinite loop in your code?); the check was stopped` }, true), timeoutMs);
    };
    arm();
    worker.on('message', (m) => {
      if (m.kind === 'result') {
        report(m.result);
        arm();
        return;
      }
      ended = m;
      // let the worker exit by itself (its output flushed); a timer the student left running gets 5 s
      clearTimeout(timer);
      timer = setTimeout(() => finish(ended, true), 5000);
    });
    worker.on('error', (e) => finish({ kind: 'stopped', why: e?.code === 'ERR_WORKER_OUT_OF_MEMORY'
      ? 'your code ran out of memory (over 256 MB of JavaScript heap); the check was stopped'
      : `the checks stopped: ${e?.name ?? 'Error'}: ${e?.message ?? e}` }, true));
    worker.on('exit', () => finish(ended ?? { kind: 'stopped', why: 'the checks stopped without a result' }, false));
  });
  if (outcome.kind === 'load-error') {
    console.error(`tinytorch-wasm: could not load ${file}: ${outcome.text}`);
    return 2;
  }
  if (outcome.kind === 'stopped') {
    // the check that was running, then the ones that never ran
    const rest = wanted.slice(results.length);
    rest.forEach((c, i) => report({ id: c.id, exercise: c.exercise, title: c.title, status: 'error', expected: '',
      got: i === 0 ? outcome.why : `not run: the checks stopped at ${rest[0].id}`,
      hint: i === 0 ? 'Look for a loop that never ends or a structure that keeps growing in the code this check calls.' : '',
      mistake: null, tolerance: null }));
  }
  const passed = results.filter((r) => r.status === 'pass').length;
  const failed = results.filter((r) => r.status === 'fail' || r.status === 'error').length;
  if (o.json) console.log(JSON.stringify({ results, summary: { passed, failed, total: results.length } }, null, 2));
  else console.log(`${passed} passed, ${failed} failed`);
  return failed === 0 ? 0 : 1;
}

/** The worker: load the core and the student's module, run the checks, post each result. */
async function workerMain(path, exercises) {
  register(`data:text/javascript,${encodeURIComponent(HOOK)}`, import.meta.url);
  const api = await import(ENTRY);
  const { runLayerChecks } = await import(BUILD);
  let student;
  try {
    student = await import(pathToFileURL(path).href);
  } catch (e) {
    parentPort.postMessage({ kind: 'load-error', text: loadError(path, e) });
    return;
  }
  await runLayerChecks(api, student, {
    exercises: exercises.length ? exercises : undefined,
    onResult: (result) => parentPort.postMessage({ kind: 'result', result }),
  });
  parentPort.postMessage({ kind: 'done' });
}

if (isMainThread) process.exitCode = await main(process.argv.slice(2));
else await workerMain(workerData.path, parseArgs(process.argv.slice(2)).exercises);
