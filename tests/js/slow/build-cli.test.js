// The CLI (bin/tinytorch-wasm.mjs) as a student runs it: spawned on the
// reference solution, on mistakes and on hostile code (an infinite loop, a
// memory bomb), in the repository, from a temp
// directory outside it (the documented `node <package>/bin/...` path, no
// node_modules there), and installed from the packed package (`npx`).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync, execFileSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeMistakes } from '../../fixtures/build/mistakes.mjs';

const ROOT = join(import.meta.dirname, '../../..');
const BIN = join(ROOT, 'bin/tinytorch-wasm.mjs');
const SOLUTION = join(ROOT, 'examples/build/layers-solution.mjs');
const MISTAKE_FILES = writeMistakes(); // build/mistakes/<id>.mjs: the solution with one mistake each

function cli(args, cwd = ROOT) {
  const r = spawnSync(process.execPath, [BIN, ...args], { cwd, encoding: 'utf8', timeout: 120000 });
  return { code: r.status, out: r.stdout, err: r.stderr, lines: r.stdout.trimEnd().split('\n') };
}

test('the reference solution: 29 ✓ lines, "29 passed, 0 failed", exit 0', () => {
  const r = cli(['check', 'layers', SOLUTION]);
  assert.equal(r.code, 0, r.err);
  assert.equal(r.lines.at(-1), '29 passed, 0 failed');
  assert.equal(r.lines.filter((l) => l.startsWith('✓ ')).length, 29);
  assert.ok(r.lines.includes('✓ linear.weight-shape  weight is [784, 256]'));
  assert.equal(r.err, '');
});

test('a mistake: ✗ lines with expected, got, the mistake and a hint; exit 1', () => {
  const r = cli(['check', 'layers', MISTAKE_FILES['dropout-unscaled']]);
  assert.equal(r.code, 1);
  assert.equal(r.lines.at(-1), '27 passed, 2 failed');
  const scale = r.lines.find((l) => l.startsWith('✗ dropout.scale'));
  assert.match(scale, /^✗ dropout\.scale {2}expected kept values x\/\(1−p\) = 1\.250·x, dropped 0, got kept values 1\.000·x {2}mistake: Dropout without the 1\/\(1−p\) scale {2}hint: .+\?$/);
  assert.ok(r.lines.some((l) => l.startsWith('✗ dropout.mean')));
});

test('--json prints the results and the summary; --exercise narrows them', () => {
  const r = cli(['check', 'layers', MISTAKE_FILES['he-init'], '--json', '--exercise', 'linear']);
  assert.equal(r.code, 1);
  const j = JSON.parse(r.out);
  assert.equal(j.results.length, 12);
  assert.ok(j.results.every((x) => x.exercise === 'linear'));
  assert.deepEqual(j.summary, { passed: 10, failed: 2, total: 12 });
  const std = j.results.find((x) => x.id === 'linear.weight-std');
  assert.equal(std.status, 'fail');
  assert.equal(std.mistake, 'he-init');
  assert.match(std.tolerance, /√\(2n\)/);
  const two = cli(['check', 'layers', SOLUTION, '--exercise=dropout,sequential']);
  assert.equal(two.code, 0);
  assert.equal(two.lines.at(-1), '17 passed, 0 failed');
});

test('the student\'s console.log goes to stderr, so --json stays parseable', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tt-cli-log-'));
  try {
    const src = readFileSync(SOLUTION, 'utf8').replace('  forward(x) {\n    const xw', "  forward(x) {\n    console.log('debug: forward', x.shape);\n    const xw");
    writeFileSync(join(dir, 'chatty.mjs'), src);
    const r = cli(['check', 'layers', 'chatty.mjs', '--json', '--exercise', 'linear'], dir);
    assert.equal(r.code, 0, r.err);
    assert.equal(JSON.parse(r.out).summary.passed, 12);
    // every print arrives, none cut off when the worker ends: no-bias, forward-1d/2d/3d, gradients
    assert.equal(r.err.match(/^debug: forward /gm)?.length, 5, r.err);
    assert.match(r.err, /debug: forward \[ 784 \]/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('usage and loading errors exit 2 with a message', () => {
  assert.equal(cli([]).code, 2);
  assert.match(cli(['check', 'layers']).err, /expected "check layers <file\.mjs>"/);
  assert.match(cli(['check', 'layers', 'nope.mjs']).err, /nope\.mjs: no such file/);
  assert.match(cli(['check', 'layers', SOLUTION, '--exercise', 'conv']).err, /unknown exercise conv/);
  assert.match(cli(['check', 'layers', SOLUTION, '--frobnicate']).err, /unknown option --frobnicate/);
  assert.match(cli(['check', 'layers', SOLUTION, '--timeout', '0']).err, /--timeout needs a number of seconds/);
  const h = cli(['--help']);
  assert.equal(h.code, 0);
  assert.match(h.out, /^usage: tinytorch-wasm check layers/);
  const dir = mkdtempSync(join(tmpdir(), 'tt-cli-bad-'));
  try {
    writeFileSync(join(dir, 'broken.mjs'), "import { Module } from 'tinytorch-wasm';\nexport class Linear extends Module {\n  forward(x) { return x.matmul( }\n}\n");
    const r = cli(['check', 'layers', 'broken.mjs'], dir);
    assert.equal(r.code, 2);
    assert.match(r.err, /could not load broken\.mjs: SyntaxError: Unexpected token '\}'\n.*broken\.mjs:3\n {2}forward\(x\)/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('an infinite loop or a runaway allocation in student code is stopped and reported; the other checks still report', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tt-cli-hostile-'));
  try {
    const src = readFileSync(SOLUTION, 'utf8');
    const at = '    const xw = x.matmul(this.weight);';
    writeFileSync(join(dir, 'loop.mjs'), src.replace(at, `    if (x.ndim === 1) while (true) {}\n${at}`));
    writeFileSync(join(dir, 'bomb.mjs'), src.replace(at, `    if (x.ndim === 1) { const a = []; while (true) a.push(new Array(1e5).fill(1)); }\n${at}`));
    const t0 = Date.now();
    const loop = cli(['check', 'layers', 'loop.mjs', '--timeout', '2'], dir);
    assert.ok(Date.now() - t0 < 60000);
    assert.equal(loop.code, 1);
    assert.match(loop.out, /\n✗ linear\.forward-1d {2}error: no answer within 2 s \(an infinite loop in your code\?\); the check was stopped {2}hint: /);
    assert.match(loop.out, /\n✗ sequential\.train-eval {2}error: not run: the checks stopped at linear\.forward-1d\n/);
    assert.equal(loop.lines.at(-1), '7 passed, 22 failed');
    const bomb = cli(['check', 'layers', 'bomb.mjs', '--json'], dir);
    assert.equal(bomb.code, 1);
    const j = JSON.parse(bomb.out);
    assert.equal(j.results.length, 29);
    assert.match(j.results.find((r) => r.id === 'linear.forward-1d').got, /ran out of memory/);
    assert.deepEqual(j.summary, { passed: 7, failed: 22, total: 29 });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a student file outside the repository, no node_modules: node <package>/bin/tinytorch-wasm.mjs', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tt-student-'));
  try {
    copyFileSync(SOLUTION, join(dir, 'my-layers.mjs'));
    copyFileSync(MISTAKE_FILES['sequential-no-chain'], join(dir, 'chain.mjs'));
    const ok = cli(['check', 'layers', 'my-layers.mjs'], dir);
    assert.equal(ok.code, 0, ok.err);
    assert.equal(ok.lines.at(-1), '29 passed, 0 failed');
    const bad = cli(['check', 'layers', 'chain.mjs'], dir);
    assert.equal(bad.code, 1);
    assert.equal(bad.lines.at(-1), '28 passed, 1 failed');
    assert.match(bad.out, /✗ sequential\.forward {2}expected y = linear2\(relu\(linear1\(x\)\)\), got y = linear2\(x\)/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('installed from the packed package: npx tinytorch-wasm check layers, and a plain import works', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tt-npm-'));
  try {
    execFileSync('npm', ['pack', '--silent', '--pack-destination', dir], { cwd: ROOT, encoding: 'utf8' });
    const tgz = readdirSync(dir).find((f) => f.endsWith('.tgz'));
    const proj = join(dir, 'course');
    execFileSync('mkdir', [proj]);
    writeFileSync(join(proj, 'package.json'), JSON.stringify({ name: 'course', version: '1.0.0', private: true, type: 'module' }));
    execFileSync('npm', ['install', '--offline', '--no-audit', '--no-fund', '--silent', join(dir, tgz)], { cwd: proj, encoding: 'utf8' });
    copyFileSync(MISTAKE_FILES['bias-2d'], join(proj, 'my-layers.mjs'));
    const r = spawnSync('npx', ['--offline', 'tinytorch-wasm', 'check', 'layers', 'my-layers.mjs'], { cwd: proj, encoding: 'utf8', timeout: 120000 });
    assert.equal(r.status, 1, r.stderr);
    assert.equal(r.stdout.trimEnd().split('\n').at(-1), '27 passed, 2 failed');
    assert.match(r.stdout, /✗ linear\.forward-1d {2}expected y \[256\] = x·W \+ b, got y \[1, 256\]/);
    // the student's own script resolves 'tinytorch-wasm' from node_modules, and its checks from 'tinytorch-wasm/build'
    writeFileSync(join(proj, 'grade.mjs'), "import * as api from 'tinytorch-wasm';\nimport { runLayerChecks } from 'tinytorch-wasm/build';\n"
      + "const rs = await runLayerChecks(api, await import('./my-layers.mjs'));\nconsole.log(rs.filter((r) => r.status !== 'pass').map((r) => r.id).join(' '));\n");
    assert.equal(execFileSync(process.execPath, ['grade.mjs'], { cwd: proj, encoding: 'utf8' }).trim(), 'linear.bias linear.forward-1d');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
