/* Layer normalization kernels (see norm.h for the contract).
 *
 * One pass computes a row's mean, a second its variance (both in double, so
 * float32 rows keep full precision), a third writes the output. The backward
 * recomputes the row statistics (cheaper than storing them for this size of
 * work), then makes two passes: the row sums of g and g * xhat, then dx. The
 * parameter gradients sum over rows: each thread adds into its own double
 * accumulators, which are added up at the end, so results do not depend on
 * scheduling.
 *
 * This file includes itself twice, with T = float and T = double. */
#ifndef PAG_TYPED_BODY
#include <math.h>
#include <stdlib.h>

#include "common.h"

/* Per-element price for pag_team_size: threads from 65536 elements (the passes are
 * memory-bound; a second thread only pays back on large inputs). */
#define NORM_COST 1

#define PAG_TYPED_SELF "norm.c"
#include "typed.h"

#else /* PAG_TYPED_BODY: compiled once per T */

/* The row's mean and 1 / sqrt(biased variance + eps). The simd reductions let the
 * compiler keep one partial sum per vector lane (a reassociation, as in NumPy's
 * pairwise sums); everything accumulates in double. */
static PAG_CLONES void TN(row_stats)(const T *PAG_RESTRICT x, int64_t n, double eps, double *mean, double *rstd) {
    double s = 0.0;
    PAG_PRAGMA(omp simd reduction(+:s))
    for (int64_t j = 0; j < n; j++) s += (double)x[j];
    const double m = n > 0 ? s / (double)n : 0.0;
    double v = 0.0;
    PAG_PRAGMA(omp simd reduction(+:v))
    for (int64_t j = 0; j < n; j++) {
        const double d = (double)x[j] - m;
        v += d * d;
    }
    *mean = m;
    *rstd = 1.0 / sqrt((n > 0 ? v / (double)n : 0.0) + eps);
}

/* o = (x - mean) * rstd * w + b; w and b may be NULL (the branches are outside the loops). */
PAG_INLINE void TN(ln_write)(const T *PAG_RESTRICT x, const T *PAG_RESTRICT w, const T *PAG_RESTRICT b,
                             T *PAG_RESTRICT o, int64_t n, double mean, double rstd) {
    if (w && b) {
        PAG_PRAGMA(omp simd)
        for (int64_t j = 0; j < n; j++) o[j] = (T)(((double)x[j] - mean) * rstd * (double)w[j] + (double)b[j]);
    } else if (w) {
        PAG_PRAGMA(omp simd)
        for (int64_t j = 0; j < n; j++) o[j] = (T)(((double)x[j] - mean) * rstd * (double)w[j]);
    } else if (b) {
        PAG_PRAGMA(omp simd)
        for (int64_t j = 0; j < n; j++) o[j] = (T)(((double)x[j] - mean) * rstd + (double)b[j]);
    } else {
        PAG_PRAGMA(omp simd)
        for (int64_t j = 0; j < n; j++) o[j] = (T)(((double)x[j] - mean) * rstd);
    }
}

static PAG_CLONES void TN(ln_rows)(const T *PAG_RESTRICT x, const T *PAG_RESTRICT w, const T *PAG_RESTRICT b,
                                   T *PAG_RESTRICT out, int64_t lo, int64_t hi, int64_t n, double eps) {
    for (int64_t r = lo; r < hi; r++) {
        double mean, rstd;
        TN(row_stats)(x + r * n, n, eps, &mean, &rstd);
        TN(ln_write)(x + r * n, w, b, out + r * n, n, mean, rstd);
    }
}

int TN(pag_norm_layer_norm)(const T *x, const T *weight, const T *bias, T *out, int64_t rows, int64_t cols,
                            double eps, int nthreads) {
    if (rows < 0 || cols < 0 || (rows > 0 && cols > INT64_MAX / rows)) return PAG_EINVAL;
    if (rows * cols == 0) return PAG_OK;
    if (!x || !out) return PAG_EINVAL;
    const int team = pag_team_size(rows * cols, NORM_COST, nthreads);
    PAG_PARALLEL_CHUNKS(rows, team, TN(ln_rows)(x, weight, bias, out, lo, hi, cols, eps));
    return PAG_OK;
}

/* Rows lo..hi of the backward; acc_w / acc_b (cols doubles each, or NULL) gather
 * this thread's share of the parameter gradients. */
static PAG_CLONES void TN(ln_backward_rows)(const T *PAG_RESTRICT g, const T *PAG_RESTRICT x,
                                            const T *PAG_RESTRICT w, T *PAG_RESTRICT dx,
                                            double *PAG_RESTRICT acc_w, double *PAG_RESTRICT acc_b,
                                            int64_t lo, int64_t hi, int64_t n, double eps) {
    for (int64_t r = lo; r < hi; r++) {
        const T *PAG_RESTRICT gr = g + r * n;
        const T *PAG_RESTRICT xr = x + r * n;
        double mean, rstd;
        TN(row_stats)(xr, n, eps, &mean, &rstd);
        if (acc_w) {
            PAG_PRAGMA(omp simd)
            for (int64_t j = 0; j < n; j++) acc_w[j] += (double)gr[j] * (((double)xr[j] - mean) * rstd);
        }
        if (acc_b) {
            PAG_PRAGMA(omp simd)
            for (int64_t j = 0; j < n; j++) acc_b[j] += (double)gr[j];
        }
        if (!dx) continue;
        double sg = 0.0, sgx = 0.0;
        if (w) {
            PAG_PRAGMA(omp simd reduction(+:sg, sgx))
            for (int64_t j = 0; j < n; j++) {
                const double gj = (double)gr[j] * (double)w[j];
                sg += gj;
                sgx += gj * ((double)xr[j] - mean);
            }
        } else {
            PAG_PRAGMA(omp simd reduction(+:sg, sgx))
            for (int64_t j = 0; j < n; j++) {
                sg += (double)gr[j];
                sgx += (double)gr[j] * ((double)xr[j] - mean);
            }
        }
        /* dx = rstd * (g - mean(g) - xhat * mean(g * xhat)), xhat = (x - mean) * rstd. */
        const double mg = sg / (double)n, k = sgx * rstd * rstd / (double)n;
        T *PAG_RESTRICT d = dx + r * n;
        if (w) {
            PAG_PRAGMA(omp simd)
            for (int64_t j = 0; j < n; j++)
                d[j] = (T)(rstd * ((double)gr[j] * (double)w[j] - mg - ((double)xr[j] - mean) * k));
        } else {
            PAG_PRAGMA(omp simd)
            for (int64_t j = 0; j < n; j++) d[j] = (T)(rstd * ((double)gr[j] - mg - ((double)xr[j] - mean) * k));
        }
    }
}

int TN(pag_norm_layer_norm_backward)(const T *grad, const T *x, const T *weight, T *dx, T *dweight, T *dbias,
                                     int64_t rows, int64_t cols, double eps, int nthreads) {
    if (rows < 0 || cols < 0 || (rows > 0 && cols > INT64_MAX / rows)) return PAG_EINVAL;
    if (dweight || dbias) {
        for (int64_t j = 0; j < cols; j++) {
            if (dweight) dweight[j] = 0;
            if (dbias) dbias[j] = 0;
        }
    }
    if (rows * cols == 0) return PAG_OK;
    if (!grad || !x) return PAG_EINVAL;
    const int team = pag_team_size(rows * cols, NORM_COST, nthreads);
    const int params = (dweight != NULL) + (dbias != NULL);
    double *acc = NULL;
    if (params) {
        acc = calloc((size_t)team * (size_t)params * (size_t)cols, sizeof(double));
        if (!acc) return PAG_ENOMEM;
    }
    PAG_PARALLEL_CHUNKS(rows, team, {
        double *mine = acc ? acc + (size_t)(team > 1 ? pag_thread_num() : 0) * params * cols : NULL;
        double *acc_w = dweight ? mine : NULL;
        double *acc_b = dbias ? (dweight ? mine + cols : mine) : NULL;
        TN(ln_backward_rows)(grad, x, weight, dx, acc_w, acc_b, lo, hi, cols, eps);
    });
    if (acc) {
        for (int t = 0; t < team; t++) {
            const double *mine = acc + (size_t)t * params * cols;
            for (int64_t j = 0; j < cols; j++) {
                if (dweight) dweight[j] += (T)mine[j];
                if (dbias) dbias[j] += (T)mine[(dweight ? cols : 0) + j];
            }
        }
        free(acc);
    }
    return PAG_OK;
}


/* ---- batch normalization ---------------------------------------------------------------------- */

/* Channel c's mean and biased variance over the n segments of s contiguous elements
 * (seg_stride elements apart), in one pass and in double: the sums are of x - x[0], so
 * var = E[d^2] - E[d]^2 cancels only as much as x[0] is off the mean in standard
 * deviations (a few, not the mean's magnitude). With g (same layout; NULL: none), also
 * sum(g) and sum(g * (x - mean)) for the backward, in the same pass. */
static PAG_CLONES void TN(bn_stats)(const T *PAG_RESTRICT x, const T *PAG_RESTRICT g, int64_t n, int64_t s,
                                    int64_t seg_stride, double *mean, double *var, double *sum_g,
                                    double *sum_gx) {
    const double k0 = isfinite((double)x[0]) ? (double)x[0] : 0.0; /* inf - inf would make the mean NaN */
    double s1 = 0.0, s2 = 0.0, sg = 0.0, sgd = 0.0;
    for (int64_t i = 0; i < n; i++) {
        const T *PAG_RESTRICT r = x + i * seg_stride;
        if (g) {
            const T *PAG_RESTRICT q = g + i * seg_stride;
            PAG_PRAGMA(omp simd reduction(+:s1, s2, sg, sgd))
            for (int64_t j = 0; j < s; j++) {
                const double d = (double)r[j] - k0, gj = (double)q[j];
                s1 += d;
                s2 += d * d;
                sg += gj;
                sgd += gj * d;
            }
        } else {
            PAG_PRAGMA(omp simd reduction(+:s1, s2))
            for (int64_t j = 0; j < s; j++) {
                const double d = (double)r[j] - k0;
                s1 += d;
                s2 += d * d;
            }
        }
    }
    const double count = (double)n * (double)s, md = s1 / count, v = s2 / count - md * md;
    *mean = k0 + md;
    *var = v < 0.0 ? 0.0 : v; /* rounding can go below 0; NaN stays */
    if (g) {
        *sum_g = sg;
        *sum_gx = sgd - md * sg; /* sum(g * (x - mean)) = sum(g * d) - (mean - x[0]) * sum(g) */
    }
}

/* Channels [lo, hi) of the forward: statistics (the batch's, or the given ones), then
 * out = (x - mean) * rstd * w + b as one multiply-add per element. */
static PAG_CLONES void TN(bn_channels)(const T *PAG_RESTRICT x, const T *w, const T *b, const T *mean_in,
                                       const T *var_in, T *PAG_RESTRICT out, T *mean_out, T *var_out,
                                       int64_t n, int64_t ch, int64_t s, double eps, int64_t lo, int64_t hi) {
    for (int64_t c = lo; c < hi; c++) {
        const T *xc = x + c * s;
        double mean, var;
        if (mean_in) {
            mean = (double)mean_in[c];
            var = (double)var_in[c];
        } else {
            TN(bn_stats)(xc, NULL, n, s, ch * s, &mean, &var, NULL, NULL);
        }
        if (mean_out) {
            mean_out[c] = (T)mean;
            var_out[c] = (T)var;
        }
        const double rstd = 1.0 / sqrt(var + eps);
        /* centred first, as the reference: x * scale + (b - mean * scale) would cancel
         * badly for a channel whose mean is large against its spread */
        const T tm = (T)mean, sc = (T)(rstd * (w ? (double)w[c] : 1.0)), sh = b ? b[c] : (T)0;
        for (int64_t i = 0; i < n; i++) {
            const T *PAG_RESTRICT r = xc + i * ch * s;
            T *PAG_RESTRICT o = out + (i * ch + c) * s;
            PAG_PRAGMA(omp simd)
            for (int64_t j = 0; j < s; j++) o[j] = (r[j] - tm) * sc + sh;
        }
    }
}

int TN(pag_norm_batch_norm)(const T *x, const T *weight, const T *bias, const T *mean_in, const T *var_in,
                            T *out, T *mean_out, T *var_out, int64_t n, int64_t channels, int64_t spatial,
                            double eps, int nthreads) {
    int64_t shape[3] = {n, channels, spatial};
    const int64_t total = pag_numel(shape, 3);
    if (total < 0 || (!mean_in) != (!var_in) || (!mean_out) != (!var_out)) return PAG_EINVAL;
    if (!mean_in && n * spatial == 0 && channels > 0) return PAG_EINVAL; /* no batch to take statistics of */
    if (channels == 0) return PAG_OK;
    if ((total > 0 && (!x || !out)) || (mean_in && !var_in)) return PAG_EINVAL;
    const int team = pag_team_size(total, NORM_COST, nthreads) > 1 && channels > 1 ? (int)(channels < nthreads ? channels : nthreads) : 1;
    PAG_PARALLEL_CHUNKS(channels, team,
                        TN(bn_channels)(x, weight, bias, mean_in, var_in, out, mean_out, var_out, n, channels,
                                        spatial, eps, lo, hi));
    return PAG_OK;
}

/* Channels [lo, hi) of the backward. With the batch's statistics (mean_in NULL), with
 * xhat = (x - mean) * rstd and M = n * s elements per channel:
 *   dx = w * rstd * (grad - sum(grad) / M - xhat * sum(grad * xhat) / M),
 * else (constant statistics) dx = w * rstd * grad; dw = sum(grad * xhat), db = sum(grad). */
static PAG_CLONES void TN(bn_backward_channels)(const T *PAG_RESTRICT g, const T *PAG_RESTRICT x, const T *w,
                                                const T *mean_in, const T *var_in, T *PAG_RESTRICT dx, T *dw,
                                                T *db, int64_t n, int64_t ch, int64_t s, double eps, int64_t lo,
                                                int64_t hi) {
    const double count = (double)n * (double)s;
    for (int64_t c = lo; c < hi; c++) {
        double mean, var, sg = 0.0, sgx = 0.0; /* sum(grad), sum(grad * (x - mean)) */
        if (mean_in) {
            mean = (double)mean_in[c];
            var = (double)var_in[c];
            for (int64_t i = 0; i < n; i++) {
                const T *PAG_RESTRICT gr = g + (i * ch + c) * s;
                const T *PAG_RESTRICT xr = x + (i * ch + c) * s;
                PAG_PRAGMA(omp simd reduction(+:sg, sgx))
                for (int64_t j = 0; j < s; j++) {
                    sg += (double)gr[j];
                    sgx += (double)gr[j] * ((double)xr[j] - mean);
                }
            }
        } else {
            TN(bn_stats)(x + c * s, g + c * s, n, s, ch * s, &mean, &var, &sg, &sgx);
        }
        const double rstd = 1.0 / sqrt(var + eps);
        if (dw) dw[c] = (T)(sgx * rstd);
        if (db) db[c] = (T)sg;
        if (!dx) continue;
        const double wr = (w ? (double)w[c] : 1.0) * rstd;
        /* dx = a * grad + b * (x - mean) + d: two multiply-adds per element */
        double bx = 0.0, d0 = 0.0;
        if (!mean_in) {
            bx = -wr * sgx * rstd * rstd / count;
            d0 = -wr * sg / count;
        }
        const T ta = (T)wr, tb = (T)bx, td = (T)d0, tm = (T)mean;
        for (int64_t i = 0; i < n; i++) {
            const T *PAG_RESTRICT gr = g + (i * ch + c) * s;
            const T *PAG_RESTRICT xr = x + (i * ch + c) * s;
            T *PAG_RESTRICT o = dx + (i * ch + c) * s;
            PAG_PRAGMA(omp simd)
            for (int64_t j = 0; j < s; j++) o[j] = ta * gr[j] + tb * (xr[j] - tm) + td;
        }
    }
}

int TN(pag_norm_batch_norm_backward)(const T *grad, const T *x, const T *weight, const T *mean_in,
                                     const T *var_in, T *dx, T *dweight, T *dbias, int64_t n, int64_t channels,
                                     int64_t spatial, double eps, int nthreads) {
    int64_t shape[3] = {n, channels, spatial};
    const int64_t total = pag_numel(shape, 3);
    if (total < 0 || (!mean_in) != (!var_in)) return PAG_EINVAL;
    if (channels == 0) return PAG_OK;
    if (total == 0) {
        for (int64_t c = 0; c < channels; c++) {
            if (dweight) dweight[c] = 0;
            if (dbias) dbias[c] = 0;
        }
        return PAG_OK;
    }
    if (!grad || !x) return PAG_EINVAL;
    const int team = pag_team_size(total, NORM_COST, nthreads) > 1 && channels > 1 ? (int)(channels < nthreads ? channels : nthreads) : 1;
    PAG_PARALLEL_CHUNKS(channels, team,
                        TN(bn_backward_channels)(grad, x, weight, mean_in, var_in, dx, dweight, dbias, n, channels,
                                                 spatial, eps, lo, hi));
    return PAG_OK;
}

#endif /* PAG_TYPED_BODY */
