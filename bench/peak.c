/* peak.c — the SIMD128 ceiling of this engine: 12 independent chains of
 * f32x4 mul then add (SIMD128 has no FMA). 12 chains cover the mul+add
 * latency, so the loop runs at the FP ports' throughput. Built to
 * build/wasm/tt-peak.wasm; bench/bench.mjs times it in the same run as the
 * GEMMs and reports each GEMM as a fraction of this peak.
 * FLOPs per call: iters * 12 chains * 4 lanes * 2 (mul + add). */
#include <wasm_simd128.h>

#include <emscripten/emscripten.h>

EMSCRIPTEN_KEEPALIVE float tt_peak_f32x4(int iters, float seed) {
    v128_t m = wasm_f32x4_splat(0.999f), d = wasm_f32x4_splat(seed * 1e-3f);
    v128_t a0 = wasm_f32x4_splat(seed), a1 = a0, a2 = a0, a3 = a0, a4 = a0, a5 = a0;
    v128_t a6 = a0, a7 = a0, a8 = a0, a9 = a0, a10 = a0, a11 = a0;
    for (int i = 0; i < iters; i++) {
#define STEP(a) a = wasm_f32x4_add(wasm_f32x4_mul(a, m), d)
        STEP(a0); STEP(a1); STEP(a2); STEP(a3); STEP(a4); STEP(a5);
        STEP(a6); STEP(a7); STEP(a8); STEP(a9); STEP(a10); STEP(a11);
#undef STEP
    }
    v128_t s = wasm_f32x4_add(wasm_f32x4_add(wasm_f32x4_add(a0, a1), wasm_f32x4_add(a2, a3)),
                              wasm_f32x4_add(wasm_f32x4_add(a4, a5), wasm_f32x4_add(a6, a7)));
    s = wasm_f32x4_add(s, wasm_f32x4_add(wasm_f32x4_add(a8, a9), wasm_f32x4_add(a10, a11)));
    return wasm_f32x4_extract_lane(s, 0) + wasm_f32x4_extract_lane(s, 3);
}

/* The streaming ceiling for a matrix-vector product: read n floats of a
 * buffer (4 independent f32x4 sums, so only bandwidth limits it). For
 * [1,784,256] the weights are 784*256 floats, read once per call. */
static float tt_stream_buf[1 << 20];

EMSCRIPTEN_KEEPALIVE float tt_stream_f32x4(int n) {
    v128_t s0 = wasm_f32x4_splat(0.0f), s1 = s0, s2 = s0, s3 = s0;
    for (int i = 0; i + 16 <= n; i += 16) {
        s0 = wasm_f32x4_add(s0, wasm_v128_load(tt_stream_buf + i));
        s1 = wasm_f32x4_add(s1, wasm_v128_load(tt_stream_buf + i + 4));
        s2 = wasm_f32x4_add(s2, wasm_v128_load(tt_stream_buf + i + 8));
        s3 = wasm_f32x4_add(s3, wasm_v128_load(tt_stream_buf + i + 12));
    }
    v128_t s = wasm_f32x4_add(wasm_f32x4_add(s0, s1), wasm_f32x4_add(s2, s3));
    return wasm_f32x4_extract_lane(s, 0) + wasm_f32x4_extract_lane(s, 2);
}
