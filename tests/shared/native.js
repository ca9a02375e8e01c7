// Node-only helpers shared by the identity tests (Node and browser).
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const digestBin = fileURLToPath(new URL('../../build/native/tests/c/tt_digest', import.meta.url));

/** The native build's digests of the shared scenario, by tensor name. */
export function nativeDigests() {
  assert.ok(existsSync(digestBin), `${digestBin} is missing: run scripts/build.sh first`);
  const run = spawnSync(digestBin, { encoding: 'utf8' });
  assert.equal(run.status, 0, run.stderr);
  return Object.fromEntries(run.stdout.trim().split('\n').map((line) => line.split(' ')));
}
