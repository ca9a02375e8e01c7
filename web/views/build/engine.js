// The Build view's way to the student's code: the starter texts and the
// checks (js/build/starter.js, js/build/layers-checks.js) and the sandbox
// that runs the code (web/build/sandbox.js, assets/tinytorch-sandbox.js,
// loaded on the first Check). Nothing here runs student code itself.

import { EXERCISES, MISTAKES, runLayerChecks } from '../../../js/build/layers-checks.js';

import { STARTER } from '../../../js/build/starter.js';

// TEMPORARY until h/sandbox is merged: a stand-in with the same shape.
async function loadSandbox() {
  throw new Error('The sandbox that runs your code is not part of this build yet.');
}

export { EXERCISES, MISTAKES };

/** The starter module for an exercise ('all', 'linear', 'dropout', 'sequential'). */
export const starterFor = (exercise) => STARTER[exercise] ?? STARTER.all;

/** The exercises a choice covers: 'all' -> every id. */
export const exercisesOf = (choice) => (choice === 'all' ? EXERCISES.map((e) => e.id) : [choice]);

let sandboxPromise = null; // one sandbox per page, made on the first Check

/** The page's sandbox (loaded once; a failed load is retried on the next call). */
export function sandboxFor(app) {
  sandboxPromise ??= loadSandbox(app).catch((e) => { sandboxPromise = null; throw e; });
  return sandboxPromise;
}

/**
 * Load `code` in the sandbox and run the checks of `exercises` on it.
 * Resolves to { exports, results } (results: CheckResult[], in order; each
 * also given to onResult as it comes). Rejects with the sandbox's
 * StudentCodeError ({ name, message, line, column }) when the code does not load.
 */
export async function checkCode(app, code, exercises, onResult) {
  const sandbox = await sandboxFor(app);
  const { exports } = sandbox.load(code);
  const results = await runLayerChecks(app.api, exports, { exercises, onResult });
  return { exports, results };
}
