// tinytorch-wasm: the "Layers" lesson of TinyTorch, computed by a C core in
// WebAssembly. Importing this module instantiates the core (SIMD128 when the
// engine supports it, or as TINYTORCH_WASM_BACKEND says).

import { init } from './core.js';

export * from './api.js';

await init();
