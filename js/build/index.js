// tinytorch-wasm/build: the Build step's checks (TinyTorch module 03's tests)
// and starter code, for the CLI, the lesson page and anyone grading a
// student's Linear, Dropout and Sequential. It does not instantiate the core:
// runLayerChecks is given the API object (the package's exports).

export { runLayerChecks, EXERCISES, MISTAKES, CHECK_LIST } from './layers-checks.js';
export { STARTER } from './starter.js';
