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
