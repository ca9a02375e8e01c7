/* peak.c — the two ceilings the bench measures in the same run as its rows,
 * built to build/wasm/tt-peak.wasm (see bench/ceilings.mjs): the mul+add
 * peak (the faster of two loops) and the streaming floor.
 *
 * Every input comes from memory JS writes before timing (tt_peak_buffer),
 * and every result is returned, so neither the compiler nor the engine can
 * fold a loop away: `wasm-objdump -d build/wasm/tt-peak.wasm` shows 8
 * v128.loads in the streaming loop, the peak's operands as v128.load32_splat
 * before its loop, and no v128.const. */
#include <wasm_simd128.h>

#include <emscripten/emscripten.h>

/* 4 MiB: the largest weight a row streams is 784*256 floats (803 KB). */
#define TT_PEAK_FLOATS (1 << 20)
static float tt_peak_buf[TT_PEAK_FLOATS];

/* The buffer both ceilings read; JS fills it. Its address escapes here, so
 * the compiler cannot assume the zeros of its static initialiser. */
EMSCRIPTEN_KEEPALIVE float *tt_peak_buffer(void) { return tt_peak_buf; }
EMSCRIPTEN_KEEPALIVE int tt_peak_buffer_floats(void) { return TT_PEAK_FLOATS; }

/* The compute ceiling, first form: 12 independent chains of f32x4 mul then
 * add (SIMD128 has no FMA), enough chains to cover the mul+add latency on
 * paper. md[0] is the multiplier, md[1] the addend, md[2..13]
 * the 12 starting values (distinct, so no engine can merge chains): all
 * loaded from memory, none a constant in the loop.
 * FLOPs per call: iters * 12 chains * 4 lanes * 2 (mul + add). */
EMSCRIPTEN_KEEPALIVE float tt_peak_f32x4(const float *md, int iters) {
    v128_t m = wasm_v128_load32_splat(md), d = wasm_v128_load32_splat(md + 1);
    v128_t a0 = wasm_v128_load32_splat(md + 2), a1 = wasm_v128_load32_splat(md + 3);
    v128_t a2 = wasm_v128_load32_splat(md + 4), a3 = wasm_v128_load32_splat(md + 5);
    v128_t a4 = wasm_v128_load32_splat(md + 6), a5 = wasm_v128_load32_splat(md + 7);
    v128_t a6 = wasm_v128_load32_splat(md + 8), a7 = wasm_v128_load32_splat(md + 9);
    v128_t a8 = wasm_v128_load32_splat(md + 10), a9 = wasm_v128_load32_splat(md + 11);
    v128_t a10 = wasm_v128_load32_splat(md + 12), a11 = wasm_v128_load32_splat(md + 13);
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

/* The same compute ceiling as the GEMM kernels meet it: their 4x8
 * register tile (8 accumulators; per k step 4 splats of A, 2 loads of B,
 * 8 independent mul then add), over TT_TILE_K steps of operands that stay
 * in L1 (ab: A [TT_TILE_K][4], then B [TT_TILE_K][8], written by JS), so
 * memory does not limit it. Only the adds are chained, which gives the
 * scheduler more freedom than the chains above: on this project's machine
 * it ran 5-10 % faster than them, and a kernel can reach it. Written out
 * here rather than calling tt_f32_gemm_ukernel_4x8__wasmsimd_loadsplat, so
 * that a slower kernel cannot lower its own ceiling.
 * FLOPs per call: iters * TT_TILE_K * 32 products * 2. */
#define TT_TILE_K 64
EMSCRIPTEN_KEEPALIVE int tt_peak_tile_k(void) { return TT_TILE_K; }
EMSCRIPTEN_KEEPALIVE float tt_peak_tile_f32x4(const float *ab, int iters) {
    /* started from A's first rows, not a constant (see the top of the file) */
    v128_t s0 = wasm_v128_load(ab), s1 = wasm_v128_load(ab + 4), s2 = wasm_v128_load(ab + 8),
           s3 = wasm_v128_load(ab + 12), s4 = wasm_v128_load(ab + 16), s5 = wasm_v128_load(ab + 20),
           s6 = wasm_v128_load(ab + 24), s7 = wasm_v128_load(ab + 28);
    for (int i = 0; i < iters; i++) {
        const float *a = ab, *b = ab + 4 * TT_TILE_K;
        for (int p = 0; p < TT_TILE_K; p++, a += 4, b += 8) {
            v128_t b0 = wasm_v128_load(b), b1 = wasm_v128_load(b + 4);
            v128_t a0 = wasm_v128_load32_splat(a), a1 = wasm_v128_load32_splat(a + 1);
            v128_t a2 = wasm_v128_load32_splat(a + 2), a3 = wasm_v128_load32_splat(a + 3);
            s0 = wasm_f32x4_add(s0, wasm_f32x4_mul(a0, b0));
            s1 = wasm_f32x4_add(s1, wasm_f32x4_mul(a0, b1));
            s2 = wasm_f32x4_add(s2, wasm_f32x4_mul(a1, b0));
            s3 = wasm_f32x4_add(s3, wasm_f32x4_mul(a1, b1));
            s4 = wasm_f32x4_add(s4, wasm_f32x4_mul(a2, b0));
            s5 = wasm_f32x4_add(s5, wasm_f32x4_mul(a2, b1));
            s6 = wasm_f32x4_add(s6, wasm_f32x4_mul(a3, b0));
            s7 = wasm_f32x4_add(s7, wasm_f32x4_mul(a3, b1));
        }
    }
    v128_t s = wasm_f32x4_add(wasm_f32x4_add(wasm_f32x4_add(s0, s1), wasm_f32x4_add(s2, s3)),
                              wasm_f32x4_add(wasm_f32x4_add(s4, s5), wasm_f32x4_add(s6, s7)));
    return (wasm_f32x4_extract_lane(s, 0) + wasm_f32x4_extract_lane(s, 1)) +
           (wasm_f32x4_extract_lane(s, 2) + wasm_f32x4_extract_lane(s, 3));
}

/* The streaming floor of a matrix-vector product: read p[0..n) once (n a
 * multiple of 32), 8 independent v128 loads per step summed by an add tree
 * into two accumulators, so the loads, not the adds, limit it. For
 * [1,784,256] the weights are 784*256 floats, read once per call. Returns
 * the sum (lanes folded), which JS checks against its own. */
EMSCRIPTEN_KEEPALIVE float tt_stream_f32x4(const float *p, int n) {
    v128_t s0 = wasm_f32x4_splat(0.0f), s1 = s0;
    for (int i = 0; i + 32 <= n; i += 32) {
        v128_t l0 = wasm_v128_load(p + i), l1 = wasm_v128_load(p + i + 4);
        v128_t l2 = wasm_v128_load(p + i + 8), l3 = wasm_v128_load(p + i + 12);
        v128_t l4 = wasm_v128_load(p + i + 16), l5 = wasm_v128_load(p + i + 20);
        v128_t l6 = wasm_v128_load(p + i + 24), l7 = wasm_v128_load(p + i + 28);
        s0 = wasm_f32x4_add(s0, wasm_f32x4_add(wasm_f32x4_add(l0, l1), wasm_f32x4_add(l2, l3)));
        s1 = wasm_f32x4_add(s1, wasm_f32x4_add(wasm_f32x4_add(l4, l5), wasm_f32x4_add(l6, l7)));
    }
    v128_t s = wasm_f32x4_add(s0, s1);
    return (wasm_f32x4_extract_lane(s, 0) + wasm_f32x4_extract_lane(s, 1)) +
           (wasm_f32x4_extract_lane(s, 2) + wasm_f32x4_extract_lane(s, 3));
}
