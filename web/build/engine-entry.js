// The entry of assets/tinytorch-sandbox.js (scripts/build-site.mjs): QuickJS
// (quickjs-emscripten-core with the single-file sync release, its wasm
// inlined), the host side of the sandbox (host.js) and the checks of the
// Build step (js/build/layers-checks.js), everything Check needs and the
// lesson does not, so the page loads it with a classic <script src> the
// first time Build needs it (web/build/sandbox.js) and reads what it leaves
// on globalThis.
import { createSandbox, DEFAULT_LIMITS, StudentCodeError } from './host.js';
import { runLayerChecks, EXERCISES, MISTAKES, CHECK_LIST } from '../../js/build/layers-checks.js';

globalThis.TINYTORCH_SANDBOX = Object.freeze({
  createSandbox, DEFAULT_LIMITS, StudentCodeError, runLayerChecks, EXERCISES, MISTAKES, CHECK_LIST,
});
