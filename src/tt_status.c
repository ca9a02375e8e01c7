/* tt_status.c — status codes, the last-error message and the abort hook. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include "tt_internal.h"

/* One message buffer: the core is single-threaded (one wasm instance per
 * thread), and a host reads the message right after the failing call. */
static char tt_error_msg[512];

const char *tt_status_str(int status) {
    switch (status) {
    case TT_OK: return "ok";
    case TT_ERR_ARG: return "bad argument";
    case TT_ERR_SHAPE: return "shape mismatch";
    case TT_ERR_NOMEM: return "out of memory";
    case TT_ERR_STATE: return "bad state";
    default: return "unknown status";
    }
}

const char *tt_last_error(void) { return tt_error_msg; }

int tt_fail(int status, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(tt_error_msg, sizeof tt_error_msg, fmt, ap);
    va_end(ap);
    return status;
}

/* Natively: say where and abort. In wasm: trap, which the JS host sees as
 * a RuntimeError; the message is kept for it to read with tt_last_error().
 * (No stdio there, so the module imports nothing but memory growth.) */
static void tt_default_abort(const char *file, int line, const char *expr) {
    tt_fail(TT_ERR_STATE, "internal invariant failed at %s:%d: %s", file, line, expr);
#if defined(__EMSCRIPTEN__)
    __builtin_trap();
#else
    fprintf(stderr, "tinytorch-wasm: %s\n", tt_error_msg);
    abort();
#endif
}

static tt_abort_fn tt_abort_hook = tt_default_abort;

void tt_set_abort_hook(tt_abort_fn fn) { tt_abort_hook = fn ? fn : tt_default_abort; }

void tt_abort_(const char *file, int line, const char *expr) {
    tt_abort_hook(file, line, expr);
    /* a hook that returns must not let the broken call continue */
#if defined(__EMSCRIPTEN__)
    __builtin_trap();
#else
    abort();
#endif
}

/* One name table per public enum, indexed by code (status by -code), so a
 * host can check its own mirror of each enum against the core's. */
static const char *const tt_status_names[] = {"ok", "err_arg", "err_shape", "err_nomem",
                                              "err_state"};
static const char *const tt_binary_op_names[] = {"add", "sub", "mul", "div"};
static const char *const tt_reduce_op_names[] = {"sum", "mean", "max"};
static const char *const tt_activation_names[] = {"relu", "sigmoid", "tanh", "gelu", "softmax"};
static const char *const tt_init_names[] = {"lesson", "xavier_uniform", "he_normal",
                                            "naive_normal"};

#define TT_TABLE(t) {t, (int)(sizeof t / sizeof *t)}
static const struct {
    const char *const *names;
    int count;
} tt_enum_tables[] = {
    [TT_ENUM_STATUS] = TT_TABLE(tt_status_names),
    [TT_ENUM_BINARY_OP] = TT_TABLE(tt_binary_op_names),
    [TT_ENUM_REDUCE_OP] = TT_TABLE(tt_reduce_op_names),
    [TT_ENUM_ACTIVATION] = TT_TABLE(tt_activation_names),
    [TT_ENUM_INIT] = TT_TABLE(tt_init_names),
};
#undef TT_TABLE

int tt_enum_count(int table) {
    if (table < 0 || table >= (int)(sizeof tt_enum_tables / sizeof *tt_enum_tables)) return 0;
    return tt_enum_tables[table].count;
}

const char *tt_enum_name(int table, int code) {
    int n = tt_enum_count(table);
    long long i = table == TT_ENUM_STATUS ? -(long long)code : code; /* statuses: 0, -1, ... */
    if (i < 0 || i >= n) return NULL;
    return tt_enum_tables[table].names[i];
}
