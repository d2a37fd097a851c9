/* Layer and batch normalization kernels (see norm.h for the contract).
 *
 * One pass computes a row's mean, a second its variance (both in double, so
 * float32 rows keep full precision), a third writes the output. The backward
 * recomputes the row statistics (cheaper than storing them for this size of
 * work), then makes two passes: the row sums of g and g * xhat, then dx. The
 * parameter gradients sum over rows: each thread adds into its own double
 * accumulators, which are added up at the end, so results do not depend on
 * scheduling.
 *
 * Batch normalization works per channel, and the OpenMP team splits the
 * channels, so each channel's sums are made by one thread in one order (results
 * do not depend on the thread count) and the parameter gradients need no
 * per-thread accumulators. A channel of (N, C, H, W) input is N runs of H * W
 * contiguous elements: wide runs (at least BN_WIDE) are reduced in registers,
 * a channel at a time, whose N * H * W elements (128 KB for batch 32 at 32x32,
 * float32) stay in the L2 cache across the passes. Narrow runs ((N, C) input,
 * small images) go a tile of channels at a time: each sample's tile is one
 * contiguous run of at most BN_TILE elements, summed element-wise into double
 * accumulators and reduced per channel after the samples. Statistics accumulate
 * in double: float32 channels of wide runs take one pass (sums shifted by the
 * channel's first element, see bn_wide_stats_shifted; the backward then gets its
 * gradient sums in the same pass), everything else two (the mean, then the
 * centered sum of squares).
 *
 * This file includes itself twice, with T = float and T = double. */
#ifndef PAG_TYPED_BODY
#include <math.h>
#include <stdlib.h>

#include "common.h"

/* Per-element price for pag_team_size: threads from 65536 elements (the passes are
 * memory-bound; a second thread only pays back on large inputs). */
#define NORM_COST 1

/* Batch norm: per-sample runs of at least BN_WIDE elements go a channel at a time, shorter
 * ones a tile of channels (<= BN_TILE elements per sample) at a time (see above). */
#define BN_WIDE 32
#define BN_TILE 512
/* float32 channels of up to 2^26 elements take the statistics in one shifted pass (see
 * bn_wide_stats_shifted); float64 always takes two, to keep double's precision. */
#define BN_ONE_PASS(count) (sizeof(T) == sizeof(float) && (count) <= ((int64_t)1 << 26))

/* per[k] = sum of acc[k * s .. k * s + s) for k < tc. */
static void bn_tile_reduce_(const double *acc, int64_t tc, int64_t s, double *per) {
    for (int64_t k = 0; k < tc; k++) {
        double t = 0.0;
        for (int64_t j = 0; j < s; j++) t += acc[k * s + j];
        per[k] = t;
    }
}

/* e[k * s + j] = per[k]: a per-channel value for each element of the tile. */
static void bn_tile_expand_(const double *per, int64_t tc, int64_t s, double *e) {
    for (int64_t k = 0; k < tc; k++)
        for (int64_t j = 0; j < s; j++) e[k * s + j] = per[k];
}

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

/* ---- batch normalization ------------------------------------------------------------------ */

/* Wide runs: the channel starting at x is n runs of s elements, cs apart (cs = c * s). */

/* The channel's mean and biased variance (two passes, in double). */
static PAG_CLONES void TN(bn_wide_stats)(const T *PAG_RESTRICT x, int64_t n, int64_t cs, int64_t s,
                                         double *mean, double *var) {
    const double cnt = (double)n * (double)s;
    double sum = 0.0;
    for (int64_t i = 0; i < n; i++) {
        const T *PAG_RESTRICT p = x + i * cs;
        double t = 0.0;
        PAG_PRAGMA(omp simd reduction(+:t))
        for (int64_t j = 0; j < s; j++) t += (double)p[j];
        sum += t;
    }
    const double m = sum / cnt;
    double v = 0.0;
    for (int64_t i = 0; i < n; i++) {
        const T *PAG_RESTRICT p = x + i * cs;
        double t = 0.0;
        PAG_PRAGMA(omp simd reduction(+:t))
        for (int64_t j = 0; j < s; j++) {
            const double d = (double)p[j] - m;
            t += d * d;
        }
        v += t;
    }
    *mean = m;
    *var = v / cnt;
}

/* float32: the channel's mean and biased variance in one pass, from the sums of d = x - K and
 * d^2 in double, K the channel's first element. The cancellation in sum(d^2) - sum(d)^2 / cnt
 * loses about (mean - K)^2 / var <= cnt relative units of double's 2^-53 (no element lies
 * further than sqrt(cnt) standard deviations from the mean), below float32's 2^-24 for up
 * to 2^26 elements per channel; larger channels take the two passes. */
static PAG_CLONES void TN(bn_wide_stats_shifted)(const T *PAG_RESTRICT x, int64_t n, int64_t cs, int64_t s,
                                                 double *mean, double *var, double *s1_out) {
    const double cnt = (double)n * (double)s, k = (double)x[0];
    double s1 = 0.0, s2 = 0.0;
    for (int64_t i = 0; i < n; i++) {
        const T *PAG_RESTRICT p = x + i * cs;
        double t1 = 0.0, t2 = 0.0;
        PAG_PRAGMA(omp simd reduction(+:t1, t2))
        for (int64_t j = 0; j < s; j++) {
            const double d = (double)p[j] - k;
            t1 += d;
            t2 += d * d;
        }
        s1 += t1;
        s2 += t2;
    }
    const double v = (s2 - s1 * s1 / cnt) / cnt;
    *mean = k + s1 / cnt;
    *var = v > 0.0 ? v : 0.0;
    if (s1_out) *s1_out = s1;
}

/* float32 backward: in one pass, the mean and variance as above and sum(g), sum(g * (x - mean)). */
static PAG_CLONES void TN(bn_wide_grad_sums_shifted)(const T *PAG_RESTRICT g, const T *PAG_RESTRICT x,
                                                     int64_t n, int64_t cs, int64_t s, double *mean,
                                                     double *var, double *sg, double *sgx) {
    const double cnt = (double)n * (double)s, k = (double)x[0];
    double s1 = 0.0, s2 = 0.0, a = 0.0, b = 0.0;
    for (int64_t i = 0; i < n; i++) {
        const T *PAG_RESTRICT gp = g + i * cs;
        const T *PAG_RESTRICT p = x + i * cs;
        double t1 = 0.0, t2 = 0.0, ta = 0.0, tb = 0.0;
        PAG_PRAGMA(omp simd reduction(+:t1, t2, ta, tb))
        for (int64_t j = 0; j < s; j++) {
            const double d = (double)p[j] - k, gj = (double)gp[j];
            t1 += d;
            t2 += d * d;
            ta += gj;
            tb += gj * d;
        }
        s1 += t1;
        s2 += t2;
        a += ta;
        b += tb;
    }
    const double v = (s2 - s1 * s1 / cnt) / cnt;
    *mean = k + s1 / cnt;
    *var = v > 0.0 ? v : 0.0;
    *sg = a;
    *sgx = b - s1 / cnt * a; /* sum(g * (x - mean)) = sum(g * d) - (mean - K) * sum(g) */
}

/* o = (x - m) * scale + shift over the channel. */
static PAG_CLONES void TN(bn_wide_write)(const T *PAG_RESTRICT x, T *PAG_RESTRICT o, int64_t n, int64_t cs,
                                         int64_t s, double m, double scale, double shift) {
    for (int64_t i = 0; i < n; i++) {
        const T *PAG_RESTRICT p = x + i * cs;
        T *PAG_RESTRICT q = o + i * cs;
        PAG_PRAGMA(omp simd)
        for (int64_t j = 0; j < s; j++) q[j] = (T)(((double)p[j] - m) * scale + shift);
    }
}

/* Sums over the channel of g, g * (x - m) and, when sxx is not NULL, (x - m)^2. */
static PAG_CLONES void TN(bn_wide_grad_sums)(const T *PAG_RESTRICT g, const T *PAG_RESTRICT x, int64_t n,
                                             int64_t cs, int64_t s, double m, double *sg, double *sgx,
                                             double *sxx) {
    double a = 0.0, b = 0.0, c = 0.0;
    for (int64_t i = 0; i < n; i++) {
        const T *PAG_RESTRICT gp = g + i * cs;
        const T *PAG_RESTRICT p = x + i * cs;
        double ta = 0.0, tb = 0.0, tc = 0.0;
        if (sxx) {
            PAG_PRAGMA(omp simd reduction(+:ta, tb, tc))
            for (int64_t j = 0; j < s; j++) {
                const double d = (double)p[j] - m, gj = (double)gp[j];
                ta += gj;
                tb += gj * d;
                tc += d * d;
            }
        } else {
            PAG_PRAGMA(omp simd reduction(+:ta, tb))
            for (int64_t j = 0; j < s; j++) {
                const double gj = (double)gp[j];
                ta += gj;
                tb += gj * ((double)p[j] - m);
            }
        }
        a += ta;
        b += tb;
        c += tc;
    }
    *sg = a;
    *sgx = b;
    if (sxx) *sxx = c;
}

/* dx = a * (g - mg - k * (x - m)) over the channel (a = rstd * weight outside, in PyTorch's
 * order: an infinite weight times a zero difference is NaN in both); with the running
 * statistics (centered 0) dx = a * g, which does not read x (an infinite x gives no NaN). */
static PAG_CLONES void TN(bn_wide_dx)(const T *PAG_RESTRICT g, const T *PAG_RESTRICT x, T *PAG_RESTRICT dx,
                                      int64_t n, int64_t cs, int64_t s, double m, double a, double k,
                                      double mg, int centered) {
    for (int64_t i = 0; i < n; i++) {
        const T *PAG_RESTRICT gp = g + i * cs;
        const T *PAG_RESTRICT p = x + i * cs;
        T *PAG_RESTRICT q = dx + i * cs;
        if (!centered) {
            PAG_PRAGMA(omp simd)
            for (int64_t j = 0; j < s; j++) q[j] = (T)(a * (double)gp[j]);
            continue;
        }
        PAG_PRAGMA(omp simd)
        for (int64_t j = 0; j < s; j++) q[j] = (T)(a * ((double)gp[j] - mg - k * ((double)p[j] - m)));
    }
}

/* Narrow runs: a tile is L contiguous elements per sample (tc channels of s), cs apart;
 * the per-channel values arrive expanded to one per element (e[] arrays of L). */

/* acc[j] = sum over samples of x[j] (with mexp NULL) or of (x[j] - mexp[j])^2. */
static PAG_CLONES void TN(bn_tile_sums)(const T *PAG_RESTRICT x, int64_t n, int64_t cs, int64_t L,
                                        const double *PAG_RESTRICT mexp, double *PAG_RESTRICT acc) {
    for (int64_t j = 0; j < L; j++) acc[j] = 0.0;
    for (int64_t i = 0; i < n; i++) {
        const T *PAG_RESTRICT p = x + i * cs;
        if (mexp) {
            PAG_PRAGMA(omp simd)
            for (int64_t j = 0; j < L; j++) {
                const double d = (double)p[j] - mexp[j];
                acc[j] += d * d;
            }
        } else {
            PAG_PRAGMA(omp simd)
            for (int64_t j = 0; j < L; j++) acc[j] += (double)p[j];
        }
    }
}

/* ag[j], agx[j] (and axx[j] when not NULL): sums over samples of g, g * (x - m), (x - m)^2. */
static PAG_CLONES void TN(bn_tile_grad_sums)(const T *PAG_RESTRICT g, const T *PAG_RESTRICT x, int64_t n,
                                             int64_t cs, int64_t L, const double *PAG_RESTRICT mexp,
                                             double *PAG_RESTRICT ag, double *PAG_RESTRICT agx,
                                             double *PAG_RESTRICT axx) {
    for (int64_t j = 0; j < L; j++) ag[j] = agx[j] = 0.0;
    if (axx)
        for (int64_t j = 0; j < L; j++) axx[j] = 0.0;
    for (int64_t i = 0; i < n; i++) {
        const T *PAG_RESTRICT gp = g + i * cs;
        const T *PAG_RESTRICT p = x + i * cs;
        if (axx) {
            PAG_PRAGMA(omp simd)
            for (int64_t j = 0; j < L; j++) {
                const double d = (double)p[j] - mexp[j], gj = (double)gp[j];
                ag[j] += gj;
                agx[j] += gj * d;
                axx[j] += d * d;
            }
        } else {
            PAG_PRAGMA(omp simd)
            for (int64_t j = 0; j < L; j++) {
                const double gj = (double)gp[j];
                ag[j] += gj;
                agx[j] += gj * ((double)p[j] - mexp[j]);
            }
        }
    }
}

/* o[j] = (x[j] - mexp[j]) * aexp[j] + bexp[j] (forward, g NULL) or
 * o[j] = aexp[j] * (g[j] - cexp[j] - bexp[j] * (x[j] - mexp[j])) (backward, see bn_wide_dx),
 * o[j] = aexp[j] * g[j] (backward with the running statistics: bexp NULL). */
static PAG_CLONES void TN(bn_tile_write)(const T *PAG_RESTRICT g, const T *PAG_RESTRICT x, T *PAG_RESTRICT o,
                                         int64_t n, int64_t cs, int64_t L, const double *PAG_RESTRICT mexp,
                                         const double *PAG_RESTRICT aexp, const double *PAG_RESTRICT bexp,
                                         const double *PAG_RESTRICT cexp) {
    for (int64_t i = 0; i < n; i++) {
        const T *PAG_RESTRICT p = x + i * cs;
        T *PAG_RESTRICT q = o + i * cs;
        if (g && !bexp) {
            const T *PAG_RESTRICT gp = g + i * cs;
            PAG_PRAGMA(omp simd)
            for (int64_t j = 0; j < L; j++) q[j] = (T)(aexp[j] * (double)gp[j]);
        } else if (g) {
            const T *PAG_RESTRICT gp = g + i * cs;
            PAG_PRAGMA(omp simd)
            for (int64_t j = 0; j < L; j++)
                q[j] = (T)(aexp[j] * ((double)gp[j] - cexp[j] - bexp[j] * ((double)p[j] - mexp[j])));
        } else {
            PAG_PRAGMA(omp simd)
            for (int64_t j = 0; j < L; j++) q[j] = (T)(((double)p[j] - mexp[j]) * aexp[j] + bexp[j]);
        }
    }
}

/* Forward over channels lo..hi. */
static void TN(bn_forward_channels)(const T *x, const T *w, const T *b, const T *rm, const T *rv, T *out,
                                    T *mean_out, T *var_out, int64_t n, int64_t c, int64_t s, double eps,
                                    int64_t lo, int64_t hi) {
    const int64_t cs = c * s;
    const double cnt = (double)n * (double)s;
    if (s >= BN_WIDE) {
        for (int64_t ch = lo; ch < hi; ch++) {
            double m, v;
            if (rm) {
                m = (double)rm[ch];
                v = (double)rv[ch];
            } else {
                if (BN_ONE_PASS(n * s)) TN(bn_wide_stats_shifted)(x + ch * s, n, cs, s, &m, &v, NULL);
                else TN(bn_wide_stats)(x + ch * s, n, cs, s, &m, &v);
                mean_out[ch] = (T)m;
                var_out[ch] = (T)v;
            }
            const double rstd = 1.0 / sqrt(v + eps);
            TN(bn_wide_write)(x + ch * s, out + ch * s, n, cs, s, m,
                              w ? rstd * (double)w[ch] : rstd, b ? (double)b[ch] : 0.0);
        }
        return;
    }
    double acc[BN_TILE], mexp[BN_TILE], aexp[BN_TILE], bexp[BN_TILE], per[BN_TILE], per2[BN_TILE];
    const int64_t step = BN_TILE / s;
    for (int64_t c0 = lo; c0 < hi; c0 += step) {
        const int64_t tc = hi - c0 < step ? hi - c0 : step, L = tc * s;
        const T *xt = x + c0 * s;
        if (rm) {
            for (int64_t k = 0; k < tc; k++) {
                per[k] = (double)rm[c0 + k];
                per2[k] = (double)rv[c0 + k];
            }
            bn_tile_expand_(per, tc, s, mexp);
        } else {
            TN(bn_tile_sums)(xt, n, cs, L, NULL, acc);
            bn_tile_reduce_(acc, tc, s, per);
            for (int64_t k = 0; k < tc; k++) per[k] /= cnt;
            bn_tile_expand_(per, tc, s, mexp);
            TN(bn_tile_sums)(xt, n, cs, L, mexp, acc);
            bn_tile_reduce_(acc, tc, s, per2);
            for (int64_t k = 0; k < tc; k++) {
                per2[k] /= cnt;
                mean_out[c0 + k] = (T)per[k];
                var_out[c0 + k] = (T)per2[k];
            }
        }
        for (int64_t k = 0; k < tc; k++) {
            const double rstd = 1.0 / sqrt(per2[k] + eps);
            per2[k] = w ? rstd * (double)w[c0 + k] : rstd; /* scale */
            per[k] = b ? (double)b[c0 + k] : 0.0;        /* shift */
        }
        bn_tile_expand_(per2, tc, s, aexp);
        bn_tile_expand_(per, tc, s, bexp);
        TN(bn_tile_write)(NULL, xt, out + c0 * s, n, cs, L, mexp, aexp, bexp, NULL);
    }
}

static int TN(bn_sizes_ok)(int64_t n, int64_t c, int64_t s) {
    if (n < 0 || c < 0 || s < 0) return 0;
    if (c > 0 && s > INT64_MAX / c) return 0;
    if (n > 0 && c * s > INT64_MAX / n) return 0;
    return 1;
}

int TN(pag_norm_batch_norm)(const T *x, const T *weight, const T *bias, const T *running_mean,
                            const T *running_var, T *out, T *mean_out, T *var_out, int64_t n, int64_t c,
                            int64_t s, double eps, int nthreads) {
    if (!TN(bn_sizes_ok)(n, c, s)) return PAG_EINVAL;
    if (c == 0) return PAG_OK;
    if (running_mean ? !running_var : (!mean_out || !var_out)) return PAG_EINVAL;
    if (n * s == 0) { /* no elements: the batch statistics are 0 / 0, as NumPy's */
        if (!running_mean)
            for (int64_t ch = 0; ch < c; ch++) mean_out[ch] = var_out[ch] = (T)NAN;
        return PAG_OK;
    }
    if (!x || !out) return PAG_EINVAL;
    int team = pag_team_size(n * c * s, NORM_COST, nthreads);
    if (team > c) team = (int)c;
    PAG_PARALLEL_CHUNKS(c, team, TN(bn_forward_channels)(x, weight, bias, running_mean, running_var, out,
                                                           mean_out, var_out, n, c, s, eps, lo, hi));
    return PAG_OK;
}

/* Backward over channels lo..hi. With the batch statistics (rm NULL): mean first, then
 * one pass for sum(g), sum(g * (x - m)) and the variance, then dx. */
static void TN(bn_backward_channels)(const T *g, const T *x, const T *w, const T *rm, const T *rv, T *dx,
                                     T *dw, T *db, int64_t n, int64_t c, int64_t s, double eps, int64_t lo,
                                     int64_t hi) {
    const int64_t cs = c * s;
    const double cnt = (double)n * (double)s;
    const int sums = !rm || dw || db;
    if (s >= BN_WIDE) {
        for (int64_t ch = lo; ch < hi; ch++) {
            const T *xc = x + ch * s, *gc = g + ch * s;
            double m, v = 0.0, sg = 0.0, sgx = 0.0;
            if (rm) {
                m = (double)rm[ch];
                v = (double)rv[ch];
                if (sums) TN(bn_wide_grad_sums)(gc, xc, n, cs, s, m, &sg, &sgx, NULL);
            } else if (BN_ONE_PASS(n * s)) {
                TN(bn_wide_grad_sums_shifted)(gc, xc, n, cs, s, &m, &v, &sg, &sgx);
            } else {
                double unused;
                TN(bn_wide_stats)(xc, n, cs, s, &m, &unused); /* m only; v below, with the sums */
                TN(bn_wide_grad_sums)(gc, xc, n, cs, s, m, &sg, &sgx, &v);
                v /= cnt;
            }
            const double rstd = 1.0 / sqrt(v + eps), wc = w ? (double)w[ch] : 1.0;
            if (dw) dw[ch] = (T)(sgx * rstd);
            if (db) db[ch] = (T)sg;
            if (!dx) continue;
            const double a = rstd * wc;
            if (rm) TN(bn_wide_dx)(gc, xc, dx + ch * s, n, cs, s, m, a, 0.0, 0.0, 0);
            else TN(bn_wide_dx)(gc, xc, dx + ch * s, n, cs, s, m, a, rstd * rstd * sgx / cnt, sg / cnt, 1);
        }
        return;
    }
    double mexp[BN_TILE], e1[BN_TILE], e2[BN_TILE], e3[BN_TILE], pm[BN_TILE], pg[BN_TILE], pgx[BN_TILE],
        pv[BN_TILE];
    const int64_t step = BN_TILE / s;
    for (int64_t c0 = lo; c0 < hi; c0 += step) {
        const int64_t tc = hi - c0 < step ? hi - c0 : step, L = tc * s;
        const T *xt = x + c0 * s, *gt = g + c0 * s;
        if (rm) {
            for (int64_t k = 0; k < tc; k++) {
                pm[k] = (double)rm[c0 + k];
                pv[k] = (double)rv[c0 + k];
                pg[k] = pgx[k] = 0.0;
            }
            bn_tile_expand_(pm, tc, s, mexp);
            if (sums) {
                TN(bn_tile_grad_sums)(gt, xt, n, cs, L, mexp, e1, e2, NULL);
                bn_tile_reduce_(e1, tc, s, pg);
                bn_tile_reduce_(e2, tc, s, pgx);
            }
        } else {
            TN(bn_tile_sums)(xt, n, cs, L, NULL, e1);
            bn_tile_reduce_(e1, tc, s, pm);
            for (int64_t k = 0; k < tc; k++) pm[k] /= cnt;
            bn_tile_expand_(pm, tc, s, mexp);
            TN(bn_tile_grad_sums)(gt, xt, n, cs, L, mexp, e1, e2, e3);
            bn_tile_reduce_(e1, tc, s, pg);
            bn_tile_reduce_(e2, tc, s, pgx);
            bn_tile_reduce_(e3, tc, s, pv);
            for (int64_t k = 0; k < tc; k++) pv[k] /= cnt;
        }
        for (int64_t k = 0; k < tc; k++) {
            const double rstd = 1.0 / sqrt(pv[k] + eps), wc = w ? (double)w[c0 + k] : 1.0;
            if (dw) dw[c0 + k] = (T)(pgx[k] * rstd);
            if (db) db[c0 + k] = (T)pg[k];
            const double a = rstd * wc;
            /* the dx coefficients, in place of the sums: a, k, mg (see bn_wide_dx) */
            const double kk = rm ? 0.0 : rstd * rstd * pgx[k] / cnt, cc = rm ? 0.0 : pg[k] / cnt;
            pv[k] = a;
            pg[k] = kk;
            pgx[k] = cc;
        }
        if (!dx) continue;
        bn_tile_expand_(pv, tc, s, e1);
        bn_tile_expand_(pg, tc, s, e2);
        bn_tile_expand_(pgx, tc, s, e3);
        TN(bn_tile_write)(gt, xt, dx + c0 * s, n, cs, L, mexp, e1, rm ? NULL : e2, e3);
    }
}

int TN(pag_norm_batch_norm_backward)(const T *grad, const T *x, const T *weight, const T *running_mean,
                                     const T *running_var, T *dx, T *dweight, T *dbias, int64_t n, int64_t c,
                                     int64_t s, double eps, int nthreads) {
    if (!TN(bn_sizes_ok)(n, c, s)) return PAG_EINVAL;
    if (c == 0) return PAG_OK;
    if (running_mean && !running_var) return PAG_EINVAL;
    if (n * s == 0) { /* empty sums */
        for (int64_t ch = 0; ch < c; ch++) {
            if (dweight) dweight[ch] = 0;
            if (dbias) dbias[ch] = 0;
        }
        return PAG_OK;
    }
    if (!grad || !x) return PAG_EINVAL;
    int team = pag_team_size(n * c * s, NORM_COST, nthreads);
    if (team > c) team = (int)c;
    PAG_PARALLEL_CHUNKS(c, team, TN(bn_backward_channels)(grad, x, weight, running_mean, running_var, dx,
                                                            dweight, dbias, n, c, s, eps, lo, hi));
    return PAG_OK;
}

#endif /* PAG_TYPED_BODY */
