// The lesson's examples, as a student runs them (examples/lesson.mjs):
// each prints what the lesson says it prints.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

test('examples/lesson.mjs runs every example of the lesson', () => {
  const script = fileURLToPath(new URL('../../examples/lesson.mjs', import.meta.url));
  const run = spawnSync(process.execPath, [script], { encoding: 'utf8', env: process.env });
  assert.equal(run.status, 0, run.stderr);
  const out = run.stdout;
  for (const line of [
    'Input (32, 784) -> output (32, 256)',
    'Weight shape: (784, 256)',
    'Bias shape: (256,)',
    'Total params: 200,960 (counted from the tensors: 200,960)',
    'inference: [1, 2, 3, 4]  (unchanged)',
    'Batch (32, 784) -> logits (32, 10)',
    'Total trainable parameters: 6 tensors (3 weights, 3 biases), 235,146 numbers',
    'All require gradients: true',
    'Total params: 235,146',
    'Input (1, 784) -> Output (1, 256)',
    'Parameters: 200,960',
    'Inference: 100 of 100 survived',
    'Composed as one expression: (32, 10)',
    '784-256-10        203,530 parameters',
    '784-128-64-10     109,386 parameters',
    'Live tensors after disposing everything: 0',
  ]) assert.ok(out.includes(line), `missing: ${line}`);
  // the training line: survivors are 0 or 2x their input
  const train = out.match(/training: {2}\[([^\]]*)\]/)[1].split(', ').map(Number);
  train.forEach((v, i) => assert.ok(v === 0 || v === 2 * (i + 1), `training[${i}] = ${v}`));
  const survived = Number(out.match(/Training: (\d+) of 100 survived/)[1]);
  assert.ok(survived >= 35 && survived <= 65, `${survived} survived`); // 3 sd of Binomial(100, 0.5)
});
