/* Loss kernels (the API is described in loss.h).
 *
 * Written once for float and double: typed.h includes the part under
 * PAG_TYPED_BODY back from this file twice, as reduce.c does. The elementwise loss uses
 * vmath.h's branch-free logsigmoid, so GCC vectorizes each block inside the
 * PAG_CLONES loop; a reduction sums each block of LOSS_BLOCK values in
 * double, then the blocks, and each thread's chunk in order (deterministic
 * for a given thread count). */
#ifndef PAG_TYPED_BODY

#include <math.h>
#include <stdlib.h>

#include "common.h"
#include "vmath.h"

/* See reduce.c: lets GCC if-convert the selects of logsigmoid into blends. */
#pragma GCC optimize("no-trapping-math")

#define LOSS_BLOCK 1024
/* logsigmoid costs an exp and a log1p per element: a second thread pays from
 * a few ten thousand elements (the same rule as the pointwise table's). */
#define LOSS_COST 12

enum { RED_NONE, RED_MEAN, RED_SUM };

#define PAG_TYPED_SELF "loss.c"
#include "typed.h"

#else /* PAG_TYPED_BODY: compiled once per T */

/* dst[k] = the loss of element k, for `len` elements */
static PAG_CLONES void TN(bce_logits_block)(const T *PAG_RESTRICT x, const T *PAG_RESTRICT t,
                                            const T *PAG_RESTRICT w, const T *PAG_RESTRICT pw, int64_t len,
                                            T *PAG_RESTRICT dst) {
    if (pw) {
        PAG_PRAGMA(omp simd)
        for (int64_t k = 0; k < len; k++)
            dst[k] = ((T)1 - t[k]) * x[k] - ((T)1 + (pw[k] - (T)1) * t[k]) * TN(pag_logsigmoid)(x[k]);
    } else {
        PAG_PRAGMA(omp simd)
        for (int64_t k = 0; k < len; k++) dst[k] = ((T)1 - t[k]) * x[k] - TN(pag_logsigmoid)(x[k]);
    }
    if (w) {
        PAG_PRAGMA(omp simd)
        for (int64_t k = 0; k < len; k++) dst[k] *= w[k];
    }
}

static double TN(block_sum)(const T *v, int64_t len) {
    double s = 0.0;
    PAG_PRAGMA(omp simd reduction(+ : s))
    for (int64_t k = 0; k < len; k++) s += (double)v[k];
    return s;
}

/* the sum of the losses of elements [lo, hi) */
static double TN(bce_logits_sum)(const T *x, const T *t, const T *w, const T *pw, int64_t lo, int64_t hi) {
    T buf[LOSS_BLOCK];
    double s = 0.0;
    for (int64_t b = lo; b < hi; b += LOSS_BLOCK) {
        int64_t len = hi - b < LOSS_BLOCK ? hi - b : LOSS_BLOCK;
        TN(bce_logits_block)(x + b, t + b, w ? w + b : NULL, pw ? pw + b : NULL, len, buf);
        s += TN(block_sum)(buf, len);
    }
    return s;
}

int TN(pag_loss_binary_cross_entropy_with_logits)(const T *x, const T *t, const T *w, const T *pw, int64_t n,
                                                   int reduction, T *out, int nthreads) {
    if (n < 0 || !out || reduction < RED_NONE || reduction > RED_SUM || (n > 0 && (!x || !t)))
        return PAG_EINVAL;
    int team = pag_team_size(n, LOSS_COST, nthreads);
    if (reduction == RED_NONE) {
        PAG_PARALLEL_CHUNKS(n, team, TN(bce_logits_block)(x + lo, t + lo, w ? w + lo : NULL,
                                                          pw ? pw + lo : NULL, hi - lo, out + lo));
        return PAG_OK;
    }
    double *partial = calloc((size_t)team, sizeof(double));
    if (!partial) return PAG_ENOMEM;
    PAG_PARALLEL_CHUNKS(n, team, partial[pag_thread_num()] = TN(bce_logits_sum)(x, t, w, pw, lo, hi));
    double s = 0.0;
    for (int k = 0; k < team; k++) s += partial[k];
    free(partial);
    out[0] = (T)(reduction == RED_SUM ? s : (n > 0 ? s / (double)n : NAN));
    return PAG_OK;
}

#endif /* PAG_TYPED_BODY */
