// The Build view's way to the student's code: the starter texts
// (js/build/starter.js, in the page), and the sandbox with the checks
// (web/build/sandbox.js: assets/tinytorch-sandbox.js carries QuickJS and
// js/build/layers-checks.js, loaded on the first Check, so the lesson's
// first load carries neither). Nothing here runs student code itself.

import { STARTER } from '../../../js/build/starter.js';
import { BUILD_EXERCISES } from '../../state.js';
import { loadSandbox, loadSandboxAsset } from '../../build/sandbox.js';

const ASSET = 'tinytorch-sandbox.js';

/** The exercises' ids, in the lesson's order (as js/build/layers-checks.js's EXERCISES). */
export const EXERCISE_IDS = BUILD_EXERCISES.filter((e) => e !== 'all');

/** The starter module for an exercise ('all', 'linear', 'dropout', 'sequential'). */
export const starterFor = (exercise) => STARTER[exercise] ?? STARTER.all;

/** The exercises a choice covers: 'all' -> every id. */
export const exercisesOf = (choice) => (choice === 'all' ? [...EXERCISE_IDS] : [choice]);

let mistakes = {}; // the checks' MISTAKES, once the asset is loaded

/** A named mistake's words (js/build/layers-checks.js MISTAKES), or its id made readable. */
export const mistakeName = (id) => (Object.hasOwn(mistakes, id) ? mistakes[id] : String(id).replace(/[-_]+/g, ' '));

let sandboxPromise = null; // one sandbox per page, made on the first Check

/** The page's sandbox (loaded once; a failed load is retried on the next call). */
export function sandboxFor(app) {
  sandboxPromise ??= loadSandbox(app).catch((e) => { sandboxPromise = null; throw e; });
  return sandboxPromise;
}

/**
 * Load `code` in the sandbox and run the checks of `exercises` on it.
 * Resolves to { load ({ exports, dispose() }), results } (results:
 * CheckResult[], in order; each also given to onResult as it comes).
 * Earlier loads stay alive (the page may be running their classes): the
 * caller disposes those it no longer needs. Rejects with the sandbox's
 * StudentCodeError ({ name, message, line, column }) when the code does not load.
 */
export async function checkCode(app, code, exercises, onResult) {
  const asset = await loadSandboxAsset(app.assetUrl(ASSET));
  mistakes = asset.MISTAKES ?? {};
  const sandbox = await sandboxFor(app);
  await sandbox.ready(); // a new engine if an earlier load left it unusable
  const load = sandbox.load(code, { keepPrevious: true });
  try {
    const results = await asset.runLayerChecks(app.api, load.exports, { exercises, onResult });
    return { load, results };
  } catch (e) {
    load.dispose();
    throw e;
  }
}
