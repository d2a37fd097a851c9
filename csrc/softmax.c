/* The softmax family: softmax and log_softmax with their backward (the API is
 * described in softmax.h).
 *
 * Written once for float and double: typed.h includes the part under
 * PAG_TYPED_BODY back from this file twice. The row loops it shares with the
 * reductions and cross-entropy (row max, sum of exp) are rows.h; exp is
 * vmath.h's. */
#ifndef PAG_TYPED_BODY

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "common.h"
#include "vmath.h"

#define TILE 256         /* columns per column-mode tile: its accumulators stay in L1 */
#define SHORT_ROW 32     /* rows shorter than this are processed flat, in blocks of rows */
#define SHORT_BLOCK 1024 /* elements per block of short rows */

enum { SM_FWD, LSM_FWD, SM_BWD, LSM_BWD };

#define PAG_TYPED_SELF "softmax.c"
#include "typed.h"

#else /* PAG_TYPED_BODY: compiled once per T */

#include "rows.h"

/* ---- softmax family ---------------------------------------------------------
 * Row mode (inner == 1): one row per task, fused: max, exp and its sum, then
 * scale (softmax) or subtract log-sum (log_softmax). Column mode (inner > 1):
 * the same steps on a tile of TILE columns at a time, vectorized across the
 * columns. The output is contiguous; inputs are read through their strides. */

/* The row and column helpers below repeat each loop for unit strides: GCC
 * only vectorizes the exp when it can see the elements are adjacent. */


static PAG_CLONES void TN(scale_row)(T *PAG_RESTRICT y, T f, int64_t n) {
    PAG_PRAGMA(omp simd)
    for (int64_t i = 0; i < n; i++) y[i] *= f;
}

/* y[i] = (x[i] - m) - ls */
static PAG_CLONES void TN(shift_row)(const T *PAG_RESTRICT x, int64_t xs, T m, T ls, T *PAG_RESTRICT y,
                                     int64_t n) {
    if (xs == 1) {
        PAG_PRAGMA(omp simd)
        for (int64_t i = 0; i < n; i++) y[i] = (x[i] - m) - ls;
    } else {
        for (int64_t i = 0; i < n; i++) y[i] = (x[i * xs] - m) - ls;
    }
}

static void TN(softmax_row)(const T *x, int64_t xs, T *y, int64_t n, int log_out) {
    const T m = TN(row_max)(x, n, xs);
    if (log_out) {
        TN(shift_row)(x, xs, m, (T)log(TN(row_expdev)(x, n, xs, m)), y, n);
    } else {
        TN(scale_row)(y, (T)(1.0 / TN(exp_store)(x, xs, m, y, n)), n);
    }
}

/* sum of g (log_in) or of g * y, in double */
static PAG_CLONES double TN(grad_dot)(const T *PAG_RESTRICT g, int64_t gs, const T *PAG_RESTRICT y, int64_t ys,
                                      int64_t n, int log_in) {
    double s = 0.0;
    if (log_in && gs == 1) {
        PAG_PRAGMA(omp simd reduction(+:s))
        for (int64_t i = 0; i < n; i++) s += (double)g[i];
    } else if (log_in) {
        for (int64_t i = 0; i < n; i++) s += (double)g[i * gs];
    } else if (gs == 1 && ys == 1) {
        PAG_PRAGMA(omp simd reduction(+:s))
        for (int64_t i = 0; i < n; i++) s += (double)g[i] * (double)y[i];
    } else {
        for (int64_t i = 0; i < n; i++) s += (double)g[i * gs] * (double)y[i * ys];
    }
    return s;
}

/* o = g - exp(y) * d (log_in) or o = y * (g - d), with d one value for a row
 * (dstride 0) or one per column of a tile (dstride 1). */
#define PAG_GRAD_OUT_LOOP(D)                                                                  \
    do {                                                                                      \
        if (gs == 1 && ys == 1 && log_in) {                                                   \
            PAG_PRAGMA(omp simd)                                                              \
            for (int64_t i = 0; i < n; i++) o[i] = g[i] - TN(pag_exp)(y[i]) * (D);                   \
        } else if (gs == 1 && ys == 1) {                                                      \
            PAG_PRAGMA(omp simd)                                                              \
            for (int64_t i = 0; i < n; i++) o[i] = y[i] * (g[i] - (D));                       \
        } else if (log_in) {                                                                  \
            for (int64_t i = 0; i < n; i++) o[i] = g[i * gs] - TN(pag_exp)(y[i * ys]) * (D);         \
        } else {                                                                              \
            for (int64_t i = 0; i < n; i++) o[i] = y[i * ys] * (g[i * gs] - (D));             \
        }                                                                                     \
    } while (0)

static PAG_CLONES void TN(grad_out)(const T *PAG_RESTRICT g, int64_t gs, const T *PAG_RESTRICT y, int64_t ys,
                                    const T *PAG_RESTRICT d, int64_t dstride, T *PAG_RESTRICT o, int64_t n,
                                    int log_in) {
    if (dstride == 0) {
        const T d0 = d[0];
        PAG_GRAD_OUT_LOOP(d0);
    } else {
        PAG_GRAD_OUT_LOOP(d[i]);
    }
}
#undef PAG_GRAD_OUT_LOOP

static void TN(softmax_backward_row)(const T *g, int64_t gs, const T *y, int64_t ys, T *o, int64_t n,
                                     int log_in) {
    const T d = (T)TN(grad_dot)(g, gs, y, ys, n, log_in);
    TN(grad_out)(g, gs, y, ys, &d, 0, o, n, log_in);
}

static PAG_CLONES void TN(col_expsum)(const T *PAG_RESTRICT row, int64_t xs, const T *PAG_RESTRICT m,
                                      T *PAG_RESTRICT y, double *PAG_RESTRICT s, int64_t jn) {
    if (xs == 1 && y) {
        PAG_PRAGMA(omp simd)
        for (int64_t j = 0; j < jn; j++) {
            T e = TN(pag_exp)(row[j] - m[j]);
            y[j] = e;
            s[j] += (double)e;
        }
    } else if (xs == 1) {
        PAG_PRAGMA(omp simd)
        for (int64_t j = 0; j < jn; j++) s[j] += (double)TN(pag_exp)(row[j] - m[j]);
    } else {
        for (int64_t j = 0; j < jn; j++) {
            T e = TN(pag_exp)(row[j * xs] - m[j]);
            if (y) y[j] = e;
            s[j] += (double)e;
        }
    }
}

static PAG_CLONES void TN(col_scale)(T *PAG_RESTRICT y, const T *PAG_RESTRICT f, int64_t jn) {
    PAG_PRAGMA(omp simd)
    for (int64_t j = 0; j < jn; j++) y[j] *= f[j];
}

static PAG_CLONES void TN(col_logout)(const T *PAG_RESTRICT row, int64_t xs, const T *PAG_RESTRICT m,
                                      const T *PAG_RESTRICT ls, T *PAG_RESTRICT y, int64_t jn) {
    if (xs == 1) {
        PAG_PRAGMA(omp simd)
        for (int64_t j = 0; j < jn; j++) y[j] = (row[j] - m[j]) - ls[j];
    } else {
        for (int64_t j = 0; j < jn; j++) y[j] = (row[j * xs] - m[j]) - ls[j];
    }
}

static PAG_CLONES void TN(col_dot)(const T *PAG_RESTRICT g, int64_t gs, const T *PAG_RESTRICT y, int64_t ys,
                                   double *PAG_RESTRICT s, int64_t jn, int log_in) {
    if (log_in && gs == 1) {
        PAG_PRAGMA(omp simd)
        for (int64_t j = 0; j < jn; j++) s[j] += (double)g[j];
    } else if (log_in) {
        for (int64_t j = 0; j < jn; j++) s[j] += (double)g[j * gs];
    } else if (gs == 1 && ys == 1) {
        PAG_PRAGMA(omp simd)
        for (int64_t j = 0; j < jn; j++) s[j] += (double)g[j] * (double)y[j];
    } else {
        for (int64_t j = 0; j < jn; j++) s[j] += (double)g[j * gs] * (double)y[j * ys];
    }
}

/* ---- short contiguous rows (n < SHORT_ROW): per row only the max or sum,
 * then the exp-heavy part as one flat loop over a block of rows, with the
 * per-row value repeated across its row (a row of 10 would otherwise run one
 * vector step and a scalar tail per row). */

static PAG_CLONES void TN(flat_exp_sub)(const T *PAG_RESTRICT x, const T *PAG_RESTRICT a, T *PAG_RESTRICT y,
                                        int64_t len) {
    PAG_PRAGMA(omp simd)
    for (int64_t k = 0; k < len; k++) y[k] = TN(pag_exp)(x[k] - a[k]);
}

static PAG_CLONES void TN(flat_mul)(T *PAG_RESTRICT y, const T *PAG_RESTRICT a, int64_t len) {
    PAG_PRAGMA(omp simd)
    for (int64_t k = 0; k < len; k++) y[k] *= a[k];
}

static PAG_CLONES void TN(flat_sub2)(const T *PAG_RESTRICT x, const T *PAG_RESTRICT a, const T *PAG_RESTRICT b,
                                     T *PAG_RESTRICT y, int64_t len) {
    PAG_PRAGMA(omp simd)
    for (int64_t k = 0; k < len; k++) y[k] = (x[k] - a[k]) - b[k];
}

static PAG_CLONES void TN(flat_grad)(const T *PAG_RESTRICT g, const T *PAG_RESTRICT y, const T *PAG_RESTRICT a,
                                     T *PAG_RESTRICT o, int64_t len, int log_in) {
    if (log_in) {
        PAG_PRAGMA(omp simd)
        for (int64_t k = 0; k < len; k++) o[k] = g[k] - TN(pag_exp)(y[k]) * a[k];
    } else {
        PAG_PRAGMA(omp simd)
        for (int64_t k = 0; k < len; k++) o[k] = y[k] * (g[k] - a[k]);
    }
}

/* Sets row r of rep (n entries) to v. */
PAG_INLINE void TN(fill_row)(T *rep, int64_t r, int64_t n, T v) {
    for (int64_t j = 0; j < n; j++) rep[r * n + j] = v;
}

/* Sets each row of rep to the (NaN-propagating) max of that row of a. Not
 * inlined: once inlined, GCC 12 loses track of rep being written and warns
 * (-Wmaybe-uninitialized) when rep is passed on as a const pointer. */
static __attribute__((noinline)) void TN(fill_row_max)(T *rep, const T *a, int64_t rows, int64_t n) {
    for (int64_t r = 0; r < rows; r++) {
        T m = (T)-INFINITY;
        for (int64_t j = 0; j < n; j++) m = BETTER_MAX(a[r * n + j], m) ? a[r * n + j] : m;
        TN(fill_row)(rep, r, n, m);
    }
}

/* rows [q0, q0 + rows) of contiguous (rows, n) operands a (x or grad) and b (y) */
static void TN(short_rows)(int kind, const T *a, const T *b, T *y, int64_t n, int64_t rows) {
    T rep[SHORT_BLOCK], rep2[SHORT_BLOCK], tmp[SHORT_BLOCK];
    const int64_t len = rows * n;
    if (kind == SM_BWD || kind == LSM_BWD) {
        for (int64_t r = 0; r < rows; r++)
            TN(fill_row)(rep, r, n, (T)TN(grad_dot)(a + r * n, 1, b + r * n, 1, n, kind == LSM_BWD));
        TN(flat_grad)(a, b, rep, y, len, kind == LSM_BWD);
        return;
    }
    TN(fill_row_max)(rep, a, rows, n);
    T *e = kind == SM_FWD ? y : tmp;
    TN(flat_exp_sub)(a, rep, e, len);
    for (int64_t r = 0; r < rows; r++) {
        double s = 0.0;
        for (int64_t j = 0; j < n; j++) s += (double)e[r * n + j];
        TN(fill_row)(rep2, r, n, (T)(kind == SM_FWD ? 1.0 / s : log(s)));
    }
    if (kind == SM_FWD) TN(flat_mul)(y, rep2, len);
    else TN(flat_sub2)(a, rep, rep2, y, len);
}

/* One tile of jn columns at (q, 0, j0): a/as is x (forward) or grad, b/bs is y (backward). */
static void TN(softmax_cols)(int kind, const T *a, const int64_t *as, const T *b, const int64_t *bs, T *y,
                             int64_t n, int64_t inner, int64_t jn) {
    T m[TILE], f[TILE];
    double s[TILE];
    for (int64_t j = 0; j < jn; j++) s[j] = 0.0;
    if (kind == SM_BWD || kind == LSM_BWD) {
        const int log_in = kind == LSM_BWD;
        for (int64_t k = 0; k < n; k++) TN(col_dot)(a + k * as[1], as[2], b + k * bs[1], bs[2], s, jn, log_in);
        for (int64_t j = 0; j < jn; j++) f[j] = (T)s[j];
        for (int64_t k = 0; k < n; k++)
            TN(grad_out)(a + k * as[1], as[2], b + k * bs[1], bs[2], f, 1, y + k * inner, jn, log_in);
        return;
    }
    for (int64_t j = 0; j < jn; j++) m[j] = (T)-INFINITY;
    for (int64_t k = 0; k < n; k++) TN(acc_max)(m, a + k * as[1], jn, as[2]);
    const int log_out = kind == LSM_FWD;
    for (int64_t k = 0; k < n; k++) TN(col_expsum)(a + k * as[1], as[2], m, log_out ? NULL : y + k * inner, s, jn);
    for (int64_t j = 0; j < jn; j++) f[j] = (T)(log_out ? log(s[j]) : 1.0 / s[j]);
    for (int64_t k = 0; k < n; k++) {
        if (log_out) TN(col_logout)(a + k * as[1], as[2], m, f, y + k * inner, jn);
        else TN(col_scale)(y + k * inner, f, jn);
    }
}

static void TN(softmax_units)(int kind, const T *a, const int64_t *as, const T *b, const int64_t *bs, T *y,
                              const int64_t *shape, int64_t u_lo, int64_t u_hi) {
    const int64_t n = shape[1], inner = shape[2];
    const int bwd = kind == SM_BWD || kind == LSM_BWD;
    if (inner == 1 && n < SHORT_ROW && as[0] == n && as[1] == 1 && (!bwd || (bs[0] == n && bs[1] == 1))) {
        const int64_t per = SHORT_BLOCK / n;
        for (int64_t q = u_lo; q < u_hi; q += per) {
            int64_t rows = min64(per, u_hi - q);
            TN(short_rows)(kind, a + q * n, bwd ? b + q * n : NULL, y + q * n, n, rows);
        }
        return;
    }
    if (inner == 1) {
        for (int64_t q = u_lo; q < u_hi; q++) {
            const T *ar = a + q * as[0];
            T *yr = y + q * n;
            if (kind == SM_FWD || kind == LSM_FWD) TN(softmax_row)(ar, as[1], yr, n, kind == LSM_FWD);
            else TN(softmax_backward_row)(ar, as[1], b + q * bs[0], bs[1], yr, n, kind == LSM_BWD);
        }
        return;
    }
    const int64_t ntile = (inner + TILE - 1) / TILE;
    for (int64_t u = u_lo; u < u_hi; u++) {
        int64_t q = u / ntile, j0 = (u % ntile) * TILE, jn = min64(TILE, inner - j0);
        const T *bt = b ? b + q * bs[0] + j0 * bs[2] : NULL;
        TN(softmax_cols)(kind, a + q * as[0] + j0 * as[2], as, bt, bs, y + q * n * inner + j0, n, inner, jn);
    }
}

static int TN(softmax_family)(int kind, const T *a, const int64_t *as, const T *b, const int64_t *bs, T *y,
                              const int64_t *shape, int nthreads) {
    if (!as || !shape || ((kind == SM_BWD || kind == LSM_BWD) && !bs)) return PAG_EINVAL;
    int64_t total = pag_numel(shape, 3);
    if (total < 0) return PAG_EINVAL;
    if (total == 0) return PAG_OK;
    if (!a || !y || ((kind == SM_BWD || kind == LSM_BWD) && !b)) return PAG_EINVAL;
    const int64_t units = shape[2] == 1 ? shape[0] : shape[0] * ((shape[2] + TILE - 1) / TILE);
    int team = reduce_team(total, nthreads);
    if (team > units) team = (int)units;
    PAG_PARALLEL_CHUNKS(units, team, TN(softmax_units)(kind, a, as, b, bs, y, shape, lo, hi));
    return PAG_OK;
}

int TN(pag_softmax_softmax)(const T *x, const int64_t *xstrides, T *out, const int64_t *shape, int nthreads) {
    return TN(softmax_family)(SM_FWD, x, xstrides, NULL, NULL, out, shape, nthreads);
}

int TN(pag_softmax_log_softmax)(const T *x, const int64_t *xstrides, T *out, const int64_t *shape, int nthreads) {
    return TN(softmax_family)(LSM_FWD, x, xstrides, NULL, NULL, out, shape, nthreads);
}

int TN(pag_softmax_softmax_backward)(const T *grad, const int64_t *gstrides, const T *y, const int64_t *ystrides,
                                    T *out, const int64_t *shape, int nthreads) {
    return TN(softmax_family)(SM_BWD, grad, gstrides, y, ystrides, out, shape, nthreads);
}

int TN(pag_softmax_log_softmax_backward)(const T *grad, const int64_t *gstrides, const T *y,
                                        const int64_t *ystrides, T *out, const int64_t *shape, int nthreads) {
    return TN(softmax_family)(LSM_BWD, grad, gstrides, y, ystrides, out, shape, nthreads);
}

#endif /* PAG_TYPED_BODY */
