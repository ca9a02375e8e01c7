/* tt_fnv.h — FNV-1a (32-bit) over a tensor's float32 bytes: the digest that
 * tt_digest (identity tests) and tt_bench_native (bench verification) print,
 * and that tests/shared/scenario.js computes in JS. */
#ifndef TT_FNV_H
#define TT_FNV_H
#include "tt.h"

static inline uint32_t tt_fnv1a(const tt_tensor *t) {
    uint32_t h = 2166136261u;
    const unsigned char *p = (const unsigned char *)t->data;
    for (size_t i = 0; i < t->size * sizeof(float); i++) h = (h ^ p[i]) * 16777619u;
    return h;
}
#endif
