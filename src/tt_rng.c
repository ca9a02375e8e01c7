/* tt_rng.c — generators: PCG32 (XSH-RR 64/32), O'Neill 2014, "PCG: A
 * Family of Simple Fast Space-Efficient Statistically Good Algorithms for
 * Random Number Generation", with the reference pcg32_srandom seeding.
 * Everything random in the core (randn, rand, initialisers, dropout masks)
 * draws from a tt_generator the caller passes, or from the default one when
 * it passes NULL; tt_manual_seed(n) seeds the default one, so it still
 * reproduces a whole session, in every build. */
#include <stdlib.h>

#include "tt_internal.h"

/* The reference's default increment; pcg32_srandom(seed, seq) sets
 * inc = 2*seq + 1, so this is stream seq = TT_PCG_DEFAULT_INC >> 1. */
#define TT_PCG_DEFAULT_INC 1442695040888963407ull

/* The default generator starts in the reference's initial state. It is not
 * counted by tt_mem_generators() and tt_generator_free() ignores it. */
static tt_generator tt_default_gen = {{0x853c49e6748fea9bull, TT_PCG_DEFAULT_INC}, 0.0, 0,
                                      TT_GENERATOR_MAGIC};
static int tt_live_generators;

tt_generator *tt_generator_default(void) { return &tt_default_gen; }

int tt_generator_resolve(tt_generator **g, const char *op) {
    if (*g == NULL) {
        *g = &tt_default_gen;
        return TT_OK;
    }
    if ((*g)->magic != TT_GENERATOR_MAGIC)
        return tt_fail(TT_ERR_STATE, "%s: generator is not a live generator (freed?)", op);
    return TT_OK;
}

uint32_t tt_gen_u32(tt_generator *g) { return tt_pcg32_next(&g->pcg); }

/* The reference pcg32_srandom(initstate, initseq); drops any spare normal. */
void tt_gen_seed_stream(tt_generator *g, uint64_t seed, uint64_t stream) {
    g->pcg.state = 0;
    g->pcg.inc = (stream << 1u) | 1u;
    (void)tt_gen_u32(g);
    g->pcg.state += seed;
    (void)tt_gen_u32(g);
    g->have_spare = 0;
    g->spare = 0.0;
}

int tt_generator_new(tt_generator **out, uint32_t seed_lo, uint32_t seed_hi) {
    if (!out) return tt_fail(TT_ERR_STATE, "generator_new: out is NULL");
    *out = NULL;
    tt_generator *g = malloc(sizeof *g);
    if (!g) return tt_fail(TT_ERR_NOMEM, "generator_new: out of memory");
    g->magic = TT_GENERATOR_MAGIC;
    tt_gen_seed_stream(g, ((uint64_t)seed_hi << 32) | seed_lo, TT_PCG_DEFAULT_INC >> 1);
    tt_live_generators++;
    *out = g;
    return TT_OK;
}

void tt_generator_free(tt_generator *g) {
    if (!g || g == &tt_default_gen) return;
    if (g->magic != TT_GENERATOR_MAGIC) {
        tt_fail(TT_ERR_STATE, "generator_free: not a live generator (freed twice?); nothing freed");
        return;
    }
    g->magic = 0;
    tt_live_generators--;
    free(g);
}

int tt_mem_generators(void) { return tt_live_generators; }

int tt_generator_seed(tt_generator *g, uint32_t seed_lo, uint32_t seed_hi) {
    TT_RESOLVE_GEN(g, "generator_seed");
    tt_gen_seed_stream(g, ((uint64_t)seed_hi << 32) | seed_lo, TT_PCG_DEFAULT_INC >> 1);
    return TT_OK;
}

/* "No spare" is stored as this quiet NaN: a spare is always finite. */
#define TT_NO_SPARE_HI 0x7ff80000u

int tt_generator_get_state(const tt_generator *g, uint32_t *out6) {
    tt_generator *r = (tt_generator *)g; /* resolve only reads it */
    TT_RESOLVE_GEN(r, "generator_get_state");
    if (!out6) return tt_fail(TT_ERR_STATE, "generator_get_state: out is NULL");
    uint64_t spare;
    __builtin_memcpy(&spare, &r->spare, sizeof spare);
    if (!r->have_spare) spare = (uint64_t)TT_NO_SPARE_HI << 32;
    out6[0] = (uint32_t)r->pcg.state, out6[1] = (uint32_t)(r->pcg.state >> 32);
    out6[2] = (uint32_t)r->pcg.inc, out6[3] = (uint32_t)(r->pcg.inc >> 32);
    out6[4] = (uint32_t)spare, out6[5] = (uint32_t)(spare >> 32);
    return TT_OK;
}

int tt_generator_set_state(tt_generator *g, const uint32_t *in6) {
    TT_RESOLVE_GEN(g, "generator_set_state");
    if (!in6) return tt_fail(TT_ERR_STATE, "generator_set_state: state is NULL");
    uint64_t inc = ((uint64_t)in6[3] << 32) | in6[2];
    uint64_t spare = ((uint64_t)in6[5] << 32) | in6[4];
    double sv;
    __builtin_memcpy(&sv, &spare, sizeof sv);
    int none = spare == (uint64_t)TT_NO_SPARE_HI << 32;
    if (!(inc & 1u))
        return tt_fail(TT_ERR_ARG, "generator_set_state: increment 0x%08x%08x must be odd",
                       (unsigned)in6[3], (unsigned)in6[2]);
    if (!none && !(sv - sv == 0.0)) /* NaN or inf, other than the "no spare" NaN */
        return tt_fail(TT_ERR_ARG,
                       "generator_set_state: words 4-5 (0x%08x%08x) must be a finite spare "
                       "normal or 0x7ff8000000000000 for none",
                       (unsigned)in6[5], (unsigned)in6[4]);
    g->pcg.state = ((uint64_t)in6[1] << 32) | in6[0];
    g->pcg.inc = inc;
    g->have_spare = !none;
    g->spare = none ? 0.0 : sv;
    return TT_OK;
}

void tt_manual_seed(uint32_t seed_lo, uint32_t seed_hi) {
    tt_gen_seed_stream(&tt_default_gen, ((uint64_t)seed_hi << 32) | seed_lo,
                       TT_PCG_DEFAULT_INC >> 1);
}

/* The top 24 bits, so every value is exactly representable as a float and
 * the result is < 1 (never rounds up to 1.0f). */
float tt_gen_uniform(tt_generator *g) { return (float)(tt_gen_u32(g) >> 8) * 0x1p-24f; }

/* Uniform in (-1, 1) on a 2^-31 grid, from 32 bits, exact in double. */
static double tt_gen_signed_unit(tt_generator *g) {
    return ((double)tt_gen_u32(g) - 2147483648.0) * 0x1p-31;
}

/* Marsaglia's polar method: draw (u, v) uniform in the square until
 * 0 < s = u^2 + v^2 < 1, then u*f and v*f with f = sqrt(-2 ln(s) / s) are
 * two independent N(0,1) samples; the second waits in g. Only +,*,/,sqrt
 * and the core's own log are used, so the bits are the same in every build. */
double tt_gen_normal(tt_generator *g) {
    if (g->have_spare) {
        g->have_spare = 0;
        return g->spare;
    }
    double u, v, s;
    do {
        u = tt_gen_signed_unit(g);
        v = tt_gen_signed_unit(g);
        s = u * u + v * v;
    } while (s >= 1.0 || s == 0.0);
    double f = __builtin_sqrt(-2.0 * tt_log(s) / s);
    g->spare = v * f;
    g->have_spare = 1;
    return u * f;
}

/* n draws of tt_gen_normal into out, the same values in the same order,
 * the polar step batched in this loop (one call per element from another
 * file, with a branch per candidate: 13.0 ns per normal weight in Node;
 * this: 8.4). */
void tt_gen_normals(tt_generator *g, double *out, size_t n) {
    size_t i = 0;
    if (n && g->have_spare) {
        g->have_spare = 0;
        out[i++] = g->spare;
    }
    /* Up to 64 pairs at a time in two passes: first the candidates, drawn
     * in the order the one-at-a-time loop draws them and stopping at the
     * same one (the accept test only moves a counter, so no branch to
     * mispredict), then the log, division and square root of each accepted
     * pair, which do not depend on each other and overlap. */
    double us[64], vs[64], ss[64];
    while (i + 2 <= n) {
        size_t want = (n - i) / 2 < 64 ? (n - i) / 2 : 64, got = 0;
        while (got < want) {
            double u = tt_gen_signed_unit(g), v = tt_gen_signed_unit(g), s = u * u + v * v;
            us[got] = u, vs[got] = v, ss[got] = s;
            got += s < 1.0 && s != 0.0;
        }
        for (size_t j = 0; j < want; j++, i += 2) {
            double f = __builtin_sqrt(-2.0 * tt_log(ss[j]) / ss[j]);
            out[i] = us[j] * f;
            out[i + 1] = vs[j] * f;
        }
    }
    if (i < n) out[i] = tt_gen_normal(g); /* the pair's second waits in g */
}

/* The default generator's draws, for tests and hosts. */
uint32_t tt_rng_u32(void) { return tt_gen_u32(&tt_default_gen); }
float tt_rng_uniform(void) { return tt_gen_uniform(&tt_default_gen); }
double tt_rng_normal(void) { return tt_gen_normal(&tt_default_gen); }
