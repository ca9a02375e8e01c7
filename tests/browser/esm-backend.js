// ?backend=scalar forces the scalar wasm build (read by js/core.js).
const wanted = new URLSearchParams(location.search).get('backend');
if (wanted) globalThis.TINYTORCH_WASM_BACKEND = wanted;
