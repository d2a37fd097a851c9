/* Loss kernels (the API is described in loss.h): binary cross-entropy from
 * logits and cross-entropy over class indices, each fused with its reduction.
 *
 * Written once for float and double: typed.h includes the part under
 * PAG_TYPED_BODY back from this file twice. The row loops cross-entropy shares
 * with the reductions and softmax (row max, sum of exp) are rows.h. The elementwise loss uses
 * vmath.h's branch-free logsigmoid, so GCC vectorizes each block inside the
 * PAG_CLONES loop; a reduction sums each block of LOSS_BLOCK values in
 * double, then the blocks, and each thread's chunk in order (deterministic
 * for a given thread count). */
#ifndef PAG_TYPED_BODY

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "common.h"
#include "vmath.h"

#define LOSS_BLOCK 1024
/* logsigmoid costs an exp and a log1p per element: a second thread pays from
 * a few ten thousand elements (the same rule as the pointwise table's). */
#define LOSS_COST 12

enum { RED_NONE, RED_MEAN, RED_SUM };

#define PAG_TYPED_SELF "loss.c"
#include "typed.h"

#else /* PAG_TYPED_BODY: compiled once per T */

#include "rows.h"

/* ---- binary cross-entropy with logits ---------------------------------------- */

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

/* ---- cross-entropy ----------------------------------------------------------
 * Per row i with target t (PyTorch's formula, label smoothing eps, weight w,
 * W = sum of w over all classes, lse = logsumexp of the row):
 *   loss_i = (1 - eps) w_t (lse - z_t) + eps / C * (W lse - sum_c w_c z_c)
 * and 0 for an ignored row. mean divides the sum by the sum of w_t over the
 * rows not ignored (their count without weight); that is 0/0 = NaN when every
 * row is ignored, as in PyTorch. The gradient of row i with upstream scale a:
 *   a [p_c ((1 - eps) w_t + eps W / C) - eps w_c / C - (1 - eps) w_t [c = t]]
 * where p = softmax(row). */

typedef struct {
    const T *z, *w;
    const int64_t *t;
    int64_t n, c, ld, ignore;
    double eps, wall;   /* smoothing; sum of all class weights */
} TN(ce_t);

/* Checks targets and sums the weights of the rows not ignored; returns the
 * first bad row or -1. */
static int64_t TN(ce_prepass)(const TN(ce_t) *p, double *wsum) {
    double s = 0.0;
    for (int64_t i = 0; i < p->n; i++) {
        int64_t t = p->t[i];
        if (t == p->ignore) continue;
        if (t < 0 || t >= p->c) return i;
        s += p->w ? (double)p->w[t] : 1.0;
    }
    *wsum = s;
    return -1;
}

/* sum_c w_c (lse - z_c) (w NULL: all 1), the smoothing term's -sum of log-probabilities, with
 * lse - z_c formed as (m - z_c) + ls (m the row max, ls = log sum exp(z - m)): rows of huge
 * logits (DBL_MAX) neither give inf - inf nor lose ls in the rounding of m + ls. */
static PAG_CLONES double TN(smooth_sum)(const T *PAG_RESTRICT w, const T *PAG_RESTRICT z, int64_t c, double m,
                                        double ls) {
    double s = 0.0;
    if (w) {
        PAG_PRAGMA(omp simd reduction(+:s))
        for (int64_t k = 0; k < c; k++) s += (double)w[k] * ((m - (double)z[k]) + ls);
    } else {
        PAG_PRAGMA(omp simd reduction(+:s))
        for (int64_t k = 0; k < c; k++) s += (m - (double)z[k]) + ls;
    }
    return s;
}

static void TN(ce_rows)(const TN(ce_t) *p, double *loss, int64_t lo, int64_t hi) {
    for (int64_t i = lo; i < hi; i++) {
        int64_t t = p->t[i];
        if (t == p->ignore) { loss[i] = 0.0; continue; }
        const T *z = p->z + i * p->ld;
        T m = TN(row_max)(z, p->c, 1);
        double ls = log(TN(row_expdev)(z, p->c, 1, m));
        double wt = p->w ? (double)p->w[t] : 1.0;
        double l = (1.0 - p->eps) * wt * (((double)m - (double)z[t]) + ls);
        if (p->eps > 0.0) {
            l += p->eps / (double)p->c * TN(smooth_sum)(p->w, z, p->c, (double)m, ls);
        }
        loss[i] = l;
    }
}

static PAG_CLONES void TN(ce_grad_row)(const T *PAG_RESTRICT w, T *PAG_RESTRICT o, int64_t c, T coef, T kw) {
    /* o holds exp(z - max) on entry */
    if (w) {
        PAG_PRAGMA(omp simd)
        for (int64_t k = 0; k < c; k++) o[k] = coef * o[k] - kw * w[k];
    } else {
        PAG_PRAGMA(omp simd)
        for (int64_t k = 0; k < c; k++) o[k] = coef * o[k] - kw;
    }
}

static void TN(ce_backward_rows)(const TN(ce_t) *p, const T *grad, int reduction, double wsum, T *out,
                                 int64_t lo, int64_t hi) {
    const int64_t c = p->c;
    for (int64_t i = lo; i < hi; i++) {
        int64_t t = p->t[i];
        T *o = out + i * c;
        if (t == p->ignore) {
            memset(o, 0, sizeof(T) * (size_t)c);
            continue;
        }
        double a = reduction == RED_NONE ? (double)grad[i] : (double)grad[0];
        if (reduction == RED_MEAN) a /= wsum;
        const T *z = p->z + i * p->ld;
        double s = TN(exp_store)(z, 1, TN(row_max)(z, c, 1), o, c);
        double wt = p->w ? (double)p->w[t] : 1.0;
        double coef = a * ((1.0 - p->eps) * wt + p->eps * p->wall / (double)c) / s;
        TN(ce_grad_row)(p->w, o, c, (T)coef, (T)(a * p->eps / (double)c));
        o[t] -= (T)(a * (1.0 - p->eps) * wt);
    }
}

static int TN(ce_setup)(TN(ce_t) *p, const T *logits, int64_t n, int64_t c, int64_t ld, const int64_t *target,
                        const T *weight, int64_t ignore_index, int reduction, double eps, const void *out,
                        int64_t *bad_row, double *wsum) {
    if (!bad_row) return PAG_EINVAL;
    *bad_row = -1;
    if (n < 0 || c < 0 || reduction < RED_NONE || reduction > RED_SUM || !(eps >= 0.0 && eps <= 1.0))
        return PAG_EINVAL;
    if (n > 0 && c > 0 && n > INT64_MAX / c) return PAG_EINVAL;
    if (!out || (n > 0 && (!target || (c > 0 && !logits)))) return PAG_EINVAL;
    p->z = logits; p->w = weight; p->t = target;
    p->n = n; p->c = c; p->ld = ld; p->ignore = ignore_index; p->eps = eps;
    p->wall = (double)c;
    if (weight) {
        p->wall = 0.0;
        for (int64_t k = 0; k < c; k++) p->wall += (double)weight[k];
    }
    *bad_row = TN(ce_prepass)(p, wsum);
    return *bad_row >= 0 ? PAG_EINVAL : PAG_OK;
}

int TN(pag_loss_cross_entropy)(const T *logits, int64_t n, int64_t c, int64_t ld, const int64_t *target,
                                 const T *weight, int64_t ignore_index, int reduction, double label_smoothing,
                                 T *out, int64_t *bad_row, int nthreads) {
    TN(ce_t) p;
    double wsum = 0.0;
    int st = TN(ce_setup)(&p, logits, n, c, ld, target, weight, ignore_index, reduction, label_smoothing, out,
                          bad_row, &wsum);
    if (st != PAG_OK) return st;
    double *loss = malloc(sizeof(double) * (size_t)(n > 0 ? n : 1));
    if (!loss) return PAG_ENOMEM;
    int team = reduce_team(n * c, nthreads);
    if (team > n) team = n > 0 ? (int)n : 1;
    PAG_PARALLEL_CHUNKS(n, team, TN(ce_rows)(&p, loss, lo, hi));
    if (reduction == RED_NONE) {
        for (int64_t i = 0; i < n; i++) out[i] = (T)loss[i];
    } else {
        double s = 0.0;
        for (int64_t i = 0; i < n; i++) s += loss[i];
        out[0] = (T)(reduction == RED_MEAN ? s / wsum : s);
    }
    free(loss);
    return PAG_OK;
}

int TN(pag_loss_cross_entropy_backward)(const T *grad, const T *logits, int64_t n, int64_t c, int64_t ld,
                                          const int64_t *target, const T *weight, int64_t ignore_index,
                                          int reduction, double label_smoothing, T *out, int64_t *bad_row,
                                          int nthreads) {
    TN(ce_t) p;
    double wsum = 0.0;
    int st = TN(ce_setup)(&p, logits, n, c, ld, target, weight, ignore_index, reduction, label_smoothing, out,
                          bad_row, &wsum);
    if (st != PAG_OK) return st;
    if (n == 0 || c == 0) return PAG_OK;
    if (!grad) return PAG_EINVAL;
    int team = reduce_team(n * c, nthreads);
    if (team > n) team = (int)n;
    PAG_PARALLEL_CHUNKS(n, team, TN(ce_backward_rows)(&p, grad, reduction, wsum, out, lo, hi));
    return PAG_OK;
}

#endif /* PAG_TYPED_BODY */
