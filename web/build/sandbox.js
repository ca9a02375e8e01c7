// The page's way to the sandbox that runs a student's code (the Build
// step): loads assets/tinytorch-sandbox.js once, with a classic <script src>
// (works from file://, a sandboxed iframe and Jupyter's /files/, where
// module scripts, workers and blob: URLs may not), then makes a Sandbox for
// the page's API. What the sandbox allows, its limits and how tensors cross
// it: web/build/host.js and site/docs/build-sandbox.md.
//
//   const sandbox = await loadSandbox(app);
//   const { exports } = sandbox.load(sourceText); // or throws a StudentCodeError { line, column }
//   const layer = new exports.Linear(784, 256);    // an api.Module: Sequential, summary(), training
//   sandbox.dispose();

const ASSET = 'tinytorch-sandbox.js';
let assetLoad = null;

/**
 * The sandbox asset's exports, loaded once per page: { createSandbox,
 * DEFAULT_LIMITS, StudentCodeError, runLayerChecks, EXERCISES, MISTAKES,
 * CHECK_LIST } (the checks of js/build/layers-checks.js ride along: Check
 * needs both, the lesson neither).
 */
export function loadSandboxAsset(url) {
  if (globalThis.TINYTORCH_SANDBOX) return Promise.resolve(globalThis.TINYTORCH_SANDBOX);
  assetLoad ??= new Promise((resolve, reject) => {
    const script = document.createElement('script');
    script.src = url;
    script.async = true;
    script.dataset.ttSandbox = '';
    script.addEventListener('load', () => {
      if (globalThis.TINYTORCH_SANDBOX) resolve(globalThis.TINYTORCH_SANDBOX);
      else reject(new Error(`${url} loaded but did not provide the sandbox`));
    });
    script.addEventListener('error', () => {
      script.remove();
      reject(new Error(`could not load ${url}`));
    });
    document.head.append(script);
  }).catch((e) => {
    assetLoad = null; // a later call tries again
    throw e;
  });
  return assetLoad;
}

/**
 * A Sandbox for the page's API (app.api), its engine ready. `limits`
 * overrides DEFAULT_LIMITS of web/build/host.js (timeLimitMs, memoryBytes,
 * maxStackBytes, interruptEvery, maxTensors, maxTensorBytes).
 */
export async function loadSandbox(app, limits = {}) {
  const { createSandbox } = await loadSandboxAsset(app.assetUrl(ASSET));
  return createSandbox(app.api, limits);
}
