// The scalar-only API bundle (assets/tinytorch-scalar.js): the cost view
// loads it on demand to time the same network without SIMD128.
import * as api from '../js/api.js';

globalThis.TINYTORCH_SCALAR = api.init({ build: 'scalar' }).then(() => api);
