/* tt_rng.c — the one seedable RNG: PCG32 (XSH-RR 64/32), O'Neill 2014,
 * "PCG: A Family of Simple Fast Space-Efficient Statistically Good
 * Algorithms for Random Number Generation", with the reference
 * pcg32_srandom seeding. Everything random in the core (randn, rand,
 * initialisers, dropout masks) draws from this one stream, so manualSeed(n)
 * reproduces a whole session, in every build. */
#include "tt_internal.h"

/* The reference's default increment; pcg32_srandom(seed, seq) sets
 * inc = 2*seq + 1, so this is stream seq = TT_PCG_DEFAULT_INC >> 1. */
#define TT_PCG_DEFAULT_INC 1442695040888963407ull

static tt_pcg32 tt_rng = {0x853c49e6748fea9bull, TT_PCG_DEFAULT_INC}; /* reference initial state */
static int tt_have_spare; /* the polar method makes pairs */
static double tt_spare;

uint32_t tt_rng_u32(void) { return tt_pcg32_next(&tt_rng); }

/* Hot loops (dropout) copy the generator into a local, so it lives in
 * registers instead of being reloaded around every store, and put it back
 * after: the same sequence, so the same bits. */
tt_pcg32 tt_rng_take(void) { return tt_rng; }
void tt_rng_put(tt_pcg32 g) { tt_rng = g; }

/* The reference pcg32_srandom(initstate, initseq). */
void tt_rng_seed_stream(uint64_t seed, uint64_t stream) {
    tt_rng.state = 0;
    tt_rng.inc = (stream << 1u) | 1u;
    (void)tt_rng_u32();
    tt_rng.state += seed;
    (void)tt_rng_u32();
    tt_have_spare = 0;
}

void tt_manual_seed(uint32_t seed_lo, uint32_t seed_hi) {
    tt_rng_seed_stream(((uint64_t)seed_hi << 32) | seed_lo, TT_PCG_DEFAULT_INC >> 1);
}

/* The top 24 bits, so every value is exactly representable as a float and
 * the result is < 1 (never rounds up to 1.0f). */
float tt_rng_uniform(void) { return (float)(tt_rng_u32() >> 8) * 0x1p-24f; }

/* Uniform in (-1, 1) on a 2^-31 grid, from 32 bits, exact in double. */
static double tt_rng_signed_unit(void) {
    return ((double)tt_rng_u32() - 2147483648.0) * 0x1p-31;
}

/* Marsaglia's polar method: draw (u, v) uniform in the square until
 * 0 < s = u^2 + v^2 < 1, then u*f and v*f with f = sqrt(-2 ln(s) / s) are
 * two independent N(0,1) samples. Only +,*,/,sqrt and the core's own log
 * are used, so the bits are the same in every build. */
double tt_rng_normal(void) {
    if (tt_have_spare) {
        tt_have_spare = 0;
        return tt_spare;
    }
    double u, v, s;
    do {
        u = tt_rng_signed_unit();
        v = tt_rng_signed_unit();
        s = u * u + v * v;
    } while (s >= 1.0 || s == 0.0);
    double f = __builtin_sqrt(-2.0 * tt_log(s) / s);
    tt_spare = v * f;
    tt_have_spare = 1;
    return u * f;
}
