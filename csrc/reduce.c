/* Reduction kernels (the API is described in reduce.h): sum, mean, max, min,
 * argmax, argmin, var and logsumexp over any set of axes. The softmax family
 * is softmax.c; cross-entropy is with the other losses in loss.c; the row
 * loops the three share are rows.h, and exp is vmath.h's.
 *
 * The file is compiled once but written in two parts: the shared part below
 * (geometry, the index walker), then a type-generic body
 * that typed.h includes back from this file twice, with T = float and T = double
 * (the part under PAG_TYPED_BODY). That keeps one copy of every loop without
 * multi-hundred-line macros.
 *
 * Axis reductions. geom_build() splits the dims into kept ones (the output,
 * row-major) and reduced ones, drops size-1 dims and merges dims that walk as
 * one. For order-insensitive ops it also flips negative reduced strides and
 * sorts the reduced dims by stride, so the innermost one is the most
 * contiguous; argmax/argmin keep the row-major order their index refers to.
 * Then one of two walks, chosen by which side is more contiguous:
 *   inner mode  each output reduces rows along the innermost reduced dim
 *               (e.g. a reduce over the last axis of a C-contiguous array);
 *   outer mode  a tile of up to TILE outputs along the innermost kept dim is
 *               accumulated row by row, acc[j] += x[r, j] (e.g. the column sum
 *               of a C-contiguous matrix: a vectorized row-wise accumulation,
 *               not a strided gather).
 * Threads take whole units (outputs or tiles) when there are enough of them;
 * otherwise they split the reduced range and per-thread partial states are
 * combined in order (so argmax keeps the first occurrence).
 *
 * Precision. Sums accumulate in double for both dtypes. Along a contiguous
 * row, blocks are first summed with one partial per vector lane (float32:
 * 128-element blocks in float, see row_sum; float64: 2048-element blocks),
 * then the block totals in double; across rows (outer mode) eight rows are
 * added pairwise in T, then widened. So float32 results stay within ~1e-7 relative
 * of the exact sum (NumPy's float32 pairwise sum: a few times that) and the
 * float64 error grows with the number of blocks, not of elements. var is
 * two-pass (the mean, then the sum of squared deviations, both in double; the
 * mean widens every term, so a constant float32 slice has variance exactly 0),
 * logsumexp subtracts the max first.
 */
#ifndef PAG_TYPED_BODY

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "common.h"
#include "vmath.h"

#define TILE 256        /* outputs per outer-mode tile: its accumulators stay in L1 */

enum { OP_SUM, OP_MEAN, OP_MAX, OP_MIN, OP_ARGMAX, OP_ARGMIN, OP_VAR, OP_LSE };
/* PK_WSUM: a sum with every term widened to double (var's mean: exact for float32, so the
 * deviations of a constant slice are exactly 0; float32 blocks summed in float were not). */
enum { PK_SUM, PK_MAX, PK_MIN, PK_ARGMAX, PK_ARGMIN, PK_SQDEV, PK_EXPDEV, PK_WSUM };

/* ---- geometry ------------------------------------------------------------ */

typedef struct {
    int no, nr;                                   /* kept and reduced dims */
    int64_t oshape[PAG_MAX_NDIM], ostr[PAG_MAX_NDIM];
    int64_t rshape[PAG_MAX_NDIM], rstr[PAG_MAX_NDIM];
    int64_t nout, nred;                           /* outputs, elements per output */
    int64_t base;                                 /* offset added by flipping negative strides */
    int outer;                                    /* 1: outer mode, 0: inner mode */
    int64_t K, ntile, nunits;                     /* innermost kept extent; tiles per row; work units */
    int64_t nin;                                  /* innermost reduced extent (inner mode rows) */
} geom_t;

/* Merges adjacent dims that walk as one; returns the new count. */
static int coalesce_dims(int n, int64_t *shape, int64_t *str) {
    for (int k = n - 1; k > 0; k--) {
        if (str[k - 1] == str[k] * shape[k]) {
            shape[k - 1] *= shape[k];
            str[k - 1] = str[k];
            for (int d = k; d < n - 1; d++) {
                shape[d] = shape[d + 1];
                str[d] = str[d + 1];
            }
            n--;
        }
    }
    return n;
}

/* Fills g from the caller's layout; returns -1 for an invalid one. `reorder`
 * allows flipping and sorting the reduced dims (not for argmax/argmin). */
static int geom_build(geom_t *g, const int64_t *shape, const int64_t *strides, int ndim, int64_t mask,
                      int reorder) {
    if (ndim < 0 || ndim > PAG_MAX_NDIM || (ndim > 0 && !shape)) return -1;
    if (mask < 0 || (mask >> ndim) != 0 || pag_numel(shape, ndim) < 0) return -1;
    int64_t cstr[PAG_MAX_NDIM];
    if (!strides) {
        int64_t s = 1;
        for (int d = ndim - 1; d >= 0; d--) {
            cstr[d] = s;
            s *= shape[d] ? shape[d] : 1;
        }
        strides = cstr;
    }
    g->no = g->nr = 0;
    g->nout = g->nred = 1;
    g->base = 0;
    for (int d = 0; d < ndim; d++) {
        int red = (int)((mask >> d) & 1);
        if (red) g->nred *= shape[d]; else g->nout *= shape[d];
        if (shape[d] == 1) continue;
        if (red) {
            g->rshape[g->nr] = shape[d];
            g->rstr[g->nr++] = strides[d];
        } else {
            g->oshape[g->no] = shape[d];
            g->ostr[g->no++] = strides[d];
        }
    }
    if (reorder) {
        for (int i = 0; i < g->nr; i++) {
            if (g->rstr[i] < 0) {
                g->base += (g->rshape[i] - 1) * g->rstr[i];
                g->rstr[i] = -g->rstr[i];
            }
        }
        for (int i = 1; i < g->nr; i++) {  /* insertion sort, largest stride first */
            int64_t n = g->rshape[i], s = g->rstr[i];
            int j = i;
            for (; j > 0 && g->rstr[j - 1] < s; j--) {
                g->rshape[j] = g->rshape[j - 1];
                g->rstr[j] = g->rstr[j - 1];
            }
            g->rshape[j] = n;
            g->rstr[j] = s;
        }
    }
    g->no = coalesce_dims(g->no, g->oshape, g->ostr);
    g->nr = coalesce_dims(g->nr, g->rshape, g->rstr);
    if (g->no == 0) { g->oshape[0] = 1; g->ostr[0] = 0; g->no = 1; }
    if (g->nr == 0) { g->rshape[0] = 1; g->rstr[0] = 0; g->nr = 1; }
    int64_t so = g->ostr[g->no - 1], sr = g->rstr[g->nr - 1];
    g->K = g->oshape[g->no - 1];
    g->nin = g->rshape[g->nr - 1];
    g->outer = g->K > 1 && (g->nred == 1 || llabs(so) < llabs(sr));
    g->ntile = g->outer ? (g->K + TILE - 1) / TILE : 1;
    g->nunits = g->nout == 0 ? 0 : g->outer ? (g->nout / g->K) * g->ntile : g->nout;
    return 0;
}

/* ---- a row-major walk over some dims, tracking the element offset -------- */

typedef struct {
    int nd;
    const int64_t *shape, *str;
    int64_t idx[PAG_MAX_NDIM];
    int64_t off;
} walk_t;

static void walk_init(walk_t *w, int nd, const int64_t *shape, const int64_t *str, int64_t flat) {
    w->nd = nd;
    w->shape = shape;
    w->str = str;
    w->off = 0;
    for (int d = nd - 1; d >= 0; d--) {
        w->idx[d] = flat % shape[d];
        flat /= shape[d];
        w->off += w->idx[d] * str[d];
    }
}

PAG_INLINE void walk_next(walk_t *w) {
    for (int d = w->nd - 1; d >= 0; d--) {
        w->off += w->str[d];
        if (++w->idx[d] < w->shape[d]) return;
        w->off -= w->str[d] * w->shape[d];
        w->idx[d] = 0;
    }
}

static int first_pass(int op) {
    switch (op) {
    case OP_MAX: case OP_LSE: return PK_MAX;
    case OP_MIN: return PK_MIN;
    case OP_ARGMAX: return PK_ARGMAX;
    case OP_ARGMIN: return PK_ARGMIN;
    case OP_VAR: return PK_WSUM;
    default: return PK_SUM;
    }
}

static int second_pass(int op) {
    return op == OP_VAR ? PK_SQDEV : op == OP_LSE ? PK_EXPDEV : -1;
}

/* The centre the second pass subtracts: the mean for var, the max for
 * logsumexp (0 when the max is infinite or NaN, whose result is then exact:
 * -inf for an all -inf slice, inf with a +inf, NaN with a NaN). */
static double center_of(int op, double acc, double val, int64_t n) {
    if (op == OP_VAR) return acc / (double)n;
    return isfinite(val) ? val : 0.0;
}

static int op_cost(int op) {
    return op == OP_LSE ? 6 : op == OP_VAR ? 2 : 1;
}

#define PAG_TYPED_SELF "reduce.c"
#include "typed.h"

#else /* PAG_TYPED_BODY: everything below is compiled once per T */

#include "rows.h"

/* ---- one strided row of n elements --------------------------------------- */

/* The sum with each term widened to double (float64: row_sum's blocked sum). For float32 it is
 * exact for fewer than 2**29 equal terms, so var's centre of a constant slice is its value. */
static PAG_CLONES double TN(row_sum_wide)(const T *PAG_RESTRICT x, int64_t n, int64_t s) {
    if (sizeof(T) == 8) return TN(row_sum)(x, n, s);
    double acc = 0.0;
    if (s == 1) {
        PAG_PRAGMA(omp simd reduction(+:acc))
        for (int64_t i = 0; i < n; i++) acc += (double)x[i];
    } else {
        for (int64_t i = 0; i < n; i++) acc += (double)x[i * s];
    }
    return acc;
}

static PAG_CLONES double TN(row_sqdev)(const T *PAG_RESTRICT x, int64_t n, int64_t s, double c) {
    double total = 0.0;
    for (int64_t b = 0; b < n; b += SUM_BLOCK) {
        const T *xb = x + b * s;
        const int64_t m = min64(SUM_BLOCK, n - b);
        double acc = 0.0;
        if (s == 1) {
            PAG_PRAGMA(omp simd reduction(+:acc))
            for (int64_t i = 0; i < m; i++) {
                double d = (double)xb[i] - c;
                acc += d * d;
            }
        } else {
            for (int64_t i = 0; i < m; i++) {
                double d = (double)xb[i * s] - c;
                acc += d * d;
            }
        }
        total += acc;
    }
    return total;
}

/* ---- outer-mode accumulators: acc[j] op= row[j * js] ------------------------ */

static PAG_CLONES void TN(acc_sum)(double *PAG_RESTRICT acc, const T *PAG_RESTRICT row, int64_t jn,
                                   int64_t js) {
    if (js == 1) {
        PAG_PRAGMA(omp simd)
        for (int64_t j = 0; j < jn; j++) acc[j] += (double)row[j];
    } else {
        for (int64_t j = 0; j < jn; j++) acc[j] += (double)row[j * js];
    }
}

/* Eight rows at once: their pairwise sum in T (error a few ulps of the
 * partial sum), then one widening add, so the double accumulators are loaded
 * and stored once per eight rows and most adds run at T's SIMD width. */
static PAG_CLONES void TN(acc_sum8)(double *PAG_RESTRICT acc, const T *const *rows, int64_t jn, int64_t js) {
    const T *PAG_RESTRICT r0 = rows[0], *PAG_RESTRICT r1 = rows[1], *PAG_RESTRICT r2 = rows[2];
    const T *PAG_RESTRICT r3 = rows[3], *PAG_RESTRICT r4 = rows[4], *PAG_RESTRICT r5 = rows[5];
    const T *PAG_RESTRICT r6 = rows[6], *PAG_RESTRICT r7 = rows[7];
    if (js == 1) {
        PAG_PRAGMA(omp simd)
        for (int64_t j = 0; j < jn; j++)
            acc[j] += (double)(((r0[j] + r1[j]) + (r2[j] + r3[j])) + ((r4[j] + r5[j]) + (r6[j] + r7[j])));
    } else {
        for (int64_t j = 0; j < jn; j++) {
            const int64_t k = j * js;
            acc[j] += (double)(((r0[k] + r1[k]) + (r2[k] + r3[k])) + ((r4[k] + r5[k]) + (r6[k] + r7[k])));
        }
    }
}

static PAG_CLONES void TN(acc_sqdev)(double *PAG_RESTRICT acc, const T *PAG_RESTRICT row,
                                     const double *PAG_RESTRICT cen, int64_t jn, int64_t js) {
    PAG_PRAGMA(omp simd)
    for (int64_t j = 0; j < jn; j++) {
        double d = (double)row[j * js] - cen[j];
        acc[j] += d * d;
    }
}

static PAG_CLONES void TN(acc_expdev)(double *PAG_RESTRICT acc, const T *PAG_RESTRICT row,
                                      const T *PAG_RESTRICT cen, int64_t jn, int64_t js) {
    if (js == 1) {
        PAG_PRAGMA(omp simd)
        for (int64_t j = 0; j < jn; j++) acc[j] += (double)TN(pag_exp)(row[j] - cen[j]);
    } else {
        for (int64_t j = 0; j < jn; j++) acc[j] += (double)TN(pag_exp)(row[j * js] - cen[j]);
    }
}

/* ---- passes: the state of one output (inner mode) or one tile (outer mode)
 * over the reduced flat range [r_lo, r_hi). States: acc (sums), val (max,
 * min, the value at argmax), idx (argmax; -1 while nothing was seen). ---- */

static void TN(inner_pass)(int pk, const geom_t *g, const T *x, int64_t r_lo, int64_t r_hi, double c,
                           double *acc, T *val, int64_t *idx) {
    const int64_t nin = g->nin, s = g->rstr[g->nr - 1];
    double a = 0.0;
    T v = (T)(pk == PK_MIN || pk == PK_ARGMIN ? INFINITY : -INFINITY);
    int64_t at = -1;
    if (r_lo < r_hi) {
        walk_t w;
        walk_init(&w, g->nr - 1, g->rshape, g->rstr, r_lo / nin);
        int64_t col = r_lo % nin;
        for (int64_t r = r_lo; r < r_hi; col = 0, walk_next(&w)) {
            int64_t len = min64(nin - col, r_hi - r);
            const T *row = x + w.off + col * s;
            T m;
            int64_t i;
            switch (pk) {
            case PK_SUM: a += TN(row_sum)(row, len, s); break;
            case PK_WSUM: a += TN(row_sum_wide)(row, len, s); break;
            case PK_SQDEV: a += TN(row_sqdev)(row, len, s, c); break;
            case PK_EXPDEV: a += TN(row_expdev)(row, len, s, (T)c); break;
            case PK_MAX: m = TN(row_max)(row, len, s); v = BETTER_MAX(m, v) ? m : v; break;
            case PK_MIN: m = TN(row_min)(row, len, s); v = BETTER_MIN(m, v) ? m : v; break;
            case PK_ARGMAX:
                i = TN(row_argmax)(row, len, s, &m);
                if (at < 0 || BETTER_MAX(m, v)) { v = m; at = r + i; }
                break;
            case PK_ARGMIN:
                i = TN(row_argmin)(row, len, s, &m);
                if (at < 0 || BETTER_MIN(m, v)) { v = m; at = r + i; }
                break;
            }
            r += len;
        }
    }
    *acc = a;
    *val = v;
    *idx = at;
}

/* x points at the tile's first element; cen holds the tile's centres (second passes). */
static void TN(outer_pass)(int pk, const geom_t *g, const T *x, int64_t jn, int64_t r_lo, int64_t r_hi,
                           const double *cen, double *acc, T *val, int64_t *idx) {
    const int64_t js = g->ostr[g->no - 1];
    const T start = (T)(pk == PK_MIN || pk == PK_ARGMIN ? INFINITY : -INFINITY);
    T cent[TILE];
    for (int64_t j = 0; j < jn; j++) {
        acc[j] = 0.0;
        val[j] = start;
        idx[j] = -1;
    }
    if (r_lo >= r_hi) return;
    if (pk == PK_EXPDEV)
        for (int64_t j = 0; j < jn; j++) cent[j] = (T)cen[j];
    walk_t w;
    walk_init(&w, g->nr, g->rshape, g->rstr, r_lo);
    if (pk == PK_ARGMAX || pk == PK_ARGMIN) {  /* the first row seeds the winners */
        for (int64_t j = 0; j < jn; j++) {
            val[j] = x[w.off + j * js];
            idx[j] = r_lo;
        }
        walk_next(&w);
        r_lo++;
    }
    if (pk == PK_SUM) {
        for (; r_lo + 8 <= r_hi; r_lo += 8) {
            const T *rows[8];
            for (int q = 0; q < 8; q++, walk_next(&w)) rows[q] = x + w.off;
            TN(acc_sum8)(acc, rows, jn, js);
        }
    }
    for (int64_t r = r_lo; r < r_hi; r++, walk_next(&w)) {
        const T *row = x + w.off;
        switch (pk) {
        case PK_SUM: case PK_WSUM: TN(acc_sum)(acc, row, jn, js); break;
        case PK_SQDEV: TN(acc_sqdev)(acc, row, cen, jn, js); break;
        case PK_EXPDEV: TN(acc_expdev)(acc, row, cent, jn, js); break;
        case PK_MAX: TN(acc_max)(val, row, jn, js); break;
        case PK_MIN: TN(acc_min)(val, row, jn, js); break;
        case PK_ARGMAX: TN(acc_argmax)(val, idx, row, jn, js, r); break;
        case PK_ARGMIN: TN(acc_argmin)(val, idx, row, jn, js, r); break;
        }
    }
}

/* The final value of output o from its states. */
static void TN(finish)(int op, int64_t o, double acc, T val, int64_t idx, double cen, int64_t n,
                       double corr, T *out, int64_t *iout) {
    switch (op) {
    case OP_SUM: out[o] = (T)acc; break;
    case OP_MEAN: out[o] = (T)(acc / (double)n); break;
    case OP_MAX: case OP_MIN: out[o] = val; break;
    case OP_ARGMAX: case OP_ARGMIN: iout[o] = idx; break;
    case OP_VAR: out[o] = (T)(acc / fmax((double)n - corr, 0.0)); break;
    case OP_LSE: out[o] = (T)(cen + log(acc)); break;
    }
}

/* Every pass of `op` over the whole reduced range for units [u_lo, u_hi). */
static void TN(run_units)(int op, const geom_t *g, const T *x, int64_t u_lo, int64_t u_hi, double corr,
                          T *out, int64_t *iout) {
    const int pk1 = first_pass(op), pk2 = second_pass(op);
    const int64_t n = g->nred;
    if (!g->outer && g->nr == 1) {  /* one reduced dim: whole rows, without the general pass */
        const int64_t s = g->rstr[0];
        walk_t w;
        walk_init(&w, g->no, g->oshape, g->ostr, u_lo);
        for (int64_t o = u_lo; o < u_hi; o++, walk_next(&w)) {
            const T *xo = x + w.off;
            T m;
            double c;
            switch (op) {
            case OP_SUM: out[o] = (T)TN(row_sum)(xo, n, s); break;
            case OP_MEAN: out[o] = (T)(TN(row_sum)(xo, n, s) / (double)n); break;
            case OP_MAX: out[o] = TN(row_max)(xo, n, s); break;
            case OP_MIN: out[o] = TN(row_min)(xo, n, s); break;
            case OP_ARGMAX: iout[o] = TN(row_argmax)(xo, n, s, &m); break;
            case OP_ARGMIN: iout[o] = TN(row_argmin)(xo, n, s, &m); break;
            case OP_VAR:
                c = TN(row_sum_wide)(xo, n, s) / (double)n;
                out[o] = (T)(TN(row_sqdev)(xo, n, s, c) / fmax((double)n - corr, 0.0));
                break;
            case OP_LSE:
                c = center_of(op, 0.0, (double)TN(row_max)(xo, n, s), n);
                out[o] = (T)(c + log(TN(row_expdev)(xo, n, s, (T)c)));
                break;
            }
        }
        return;
    }
    if (!g->outer) {
        walk_t w;
        walk_init(&w, g->no, g->oshape, g->ostr, u_lo);
        for (int64_t o = u_lo; o < u_hi; o++, walk_next(&w)) {
            const T *xo = x + w.off;
            double acc, c = 0.0;
            T val;
            int64_t idx;
            TN(inner_pass)(pk1, g, xo, 0, n, 0.0, &acc, &val, &idx);
            if (pk2 >= 0) {
                c = center_of(op, acc, (double)val, n);
                TN(inner_pass)(pk2, g, xo, 0, n, c, &acc, &val, &idx);
            }
            TN(finish)(op, o, acc, val, idx, c, n, corr, out, iout);
        }
        return;
    }
    const int64_t K = g->K, js = g->ostr[g->no - 1];
    double acc[TILE], cen[TILE];
    T val[TILE];
    int64_t idx[TILE];
    for (int64_t u = u_lo; u < u_hi; u++) {
        int64_t p = u / g->ntile, j0 = (u % g->ntile) * TILE, jn = min64(TILE, K - j0);
        walk_t w;
        walk_init(&w, g->no - 1, g->oshape, g->ostr, p);
        const T *xp = x + w.off + j0 * js;
        TN(outer_pass)(pk1, g, xp, jn, 0, n, NULL, acc, val, idx);
        for (int64_t j = 0; j < jn; j++) cen[j] = 0.0;
        if (pk2 >= 0) {
            for (int64_t j = 0; j < jn; j++) cen[j] = center_of(op, acc[j], (double)val[j], n);
            TN(outer_pass)(pk2, g, xp, jn, 0, n, cen, acc, val, idx);
        }
        for (int64_t j = 0; j < jn; j++)
            TN(finish)(op, p * K + j0 + j, acc[j], val[j], idx[j], cen[j], n, corr, out, iout);
    }
}

/* One pass over reduced range [r_lo, r_hi) for every output, into state arrays. */
static void TN(split_chunk)(int pk, const geom_t *g, const T *x, int64_t r_lo, int64_t r_hi,
                            const double *cen, double *acc, T *val, int64_t *idx) {
    if (!g->outer) {
        walk_t w;
        walk_init(&w, g->no, g->oshape, g->ostr, 0);
        for (int64_t o = 0; o < g->nout; o++, walk_next(&w))
            TN(inner_pass)(pk, g, x + w.off, r_lo, r_hi, cen[o], acc + o, val + o, idx + o);
        return;
    }
    const int64_t js = g->ostr[g->no - 1];
    for (int64_t u = 0; u < g->nunits; u++) {
        int64_t p = u / g->ntile, j0 = (u % g->ntile) * TILE, jn = min64(TILE, g->K - j0);
        int64_t o0 = p * g->K + j0;
        walk_t w;
        walk_init(&w, g->no - 1, g->oshape, g->ostr, p);
        TN(outer_pass)(pk, g, x + w.off + j0 * js, jn, r_lo, r_hi, cen + o0, acc + o0, val + o0, idx + o0);
    }
}

/* Few outputs, long reductions: threads split the reduced range, and their
 * partial states are combined in thread order (earlier chunks first). */
static int TN(run_split)(int op, const geom_t *g, const T *x, double corr, T *out, int64_t *iout,
                         int team) {
    const int64_t nout = g->nout, n = g->nred;
    const int64_t rows = (int64_t)team + 1;  /* team partials, then the combined state */
    double *acc = malloc(sizeof(double) * (size_t)(rows * nout + nout));
    T *val = malloc(sizeof(T) * (size_t)(rows * nout));
    int64_t *idx = malloc(sizeof(int64_t) * (size_t)(rows * nout));
    if (!acc || !val || !idx) {
        free(acc); free(val); free(idx);
        return PAG_ENOMEM;
    }
    double *cen = acc + rows * nout, *tacc = acc + team * nout;
    T *tval = val + team * nout;
    int64_t *tidx = idx + team * nout;
    const int is_min = op == OP_MIN || op == OP_ARGMIN;
    for (int64_t o = 0; o < nout; o++) cen[o] = 0.0;
    for (int ps = 0; ps < 2; ps++) {
        int pk = ps == 0 ? first_pass(op) : second_pass(op);
        if (pk < 0) break;
        for (int64_t i = 0; i < team * nout; i++) {  /* threads the runtime did not start stay empty */
            acc[i] = 0.0;
            val[i] = (T)(is_min ? INFINITY : -INFINITY);
            idx[i] = -1;
        }
        PAG_PARALLEL_CHUNKS(n, team, {
            int64_t k = pag_thread_num();
            TN(split_chunk)(pk, g, x, lo, hi, cen, acc + k * nout, val + k * nout, idx + k * nout);
        });
        for (int64_t o = 0; o < nout; o++) {
            double a = 0.0;
            T v = (T)(is_min ? INFINITY : -INFINITY);
            int64_t at = -1;
            for (int k = 0; k < team; k++) {
                int64_t q = k * nout + o;
                a += acc[q];
                int better = is_min ? BETTER_MIN(val[q], v) : BETTER_MAX(val[q], v);
                if (pk == PK_ARGMAX || pk == PK_ARGMIN) better = idx[q] >= 0 && (at < 0 || better);
                if (better) { v = val[q]; at = idx[q]; }
            }
            tacc[o] = a;
            tval[o] = v;
            tidx[o] = at;
        }
        if (ps == 0 && second_pass(op) >= 0)
            for (int64_t o = 0; o < nout; o++) cen[o] = center_of(op, tacc[o], (double)tval[o], n);
    }
    for (int64_t o = 0; o < nout; o++) TN(finish)(op, o, tacc[o], tval[o], tidx[o], cen[o], n, corr, out, iout);
    free(acc); free(val); free(idx);
    return PAG_OK;
}

static int TN(reduce)(int op, const T *x, const int64_t *shape, const int64_t *strides, int ndim,
                      int64_t mask, double corr, T *out, int64_t *iout, int nthreads) {
    geom_t g;
    if (geom_build(&g, shape, strides, ndim, mask, op != OP_ARGMAX && op != OP_ARGMIN) < 0) return PAG_EINVAL;
    if (g.nout == 0) return PAG_OK;
    if ((!out && !iout) || (g.nred > 0 && !x)) return PAG_EINVAL;
    if (g.nred == 0) {  /* an empty slice: the identity, or no answer at all */
        T fill;
        switch (op) {
        case OP_SUM: fill = 0; break;
        case OP_LSE: fill = (T)-INFINITY; break;
        case OP_MEAN: case OP_VAR: fill = (T)NAN; break;
        default: return PAG_EINVAL;
        }
        for (int64_t o = 0; o < g.nout; o++) out[o] = fill;
        return PAG_OK;
    }
    x += g.base;
    int team = reduce_team(g.nout * g.nred * op_cost(op), nthreads);
    if (team > 1 && g.nunits < 4 * (int64_t)team && g.nred >= 4 * (int64_t)team)
        return TN(run_split)(op, &g, x, corr, out, iout, team);
    if (team > g.nunits) team = (int)g.nunits;
    PAG_PARALLEL_CHUNKS(g.nunits, team, TN(run_units)(op, &g, x, lo, hi, corr, out, iout));
    return PAG_OK;
}

#define PAG_GEN_REDUCE_ENTRY(name, OP)                                                         \
    int TN(pag_reduce_##name)(const T *x, const int64_t *shape, const int64_t *strides, int ndim, \
                              int64_t axes_mask, T *out, int nthreads) {                      \
        return TN(reduce)(OP, x, shape, strides, ndim, axes_mask, 0.0, out, NULL, nthreads);  \
    }
PAG_GEN_REDUCE_ENTRY(sum, OP_SUM)
PAG_GEN_REDUCE_ENTRY(mean, OP_MEAN)
PAG_GEN_REDUCE_ENTRY(max, OP_MAX)
PAG_GEN_REDUCE_ENTRY(min, OP_MIN)
PAG_GEN_REDUCE_ENTRY(logsumexp, OP_LSE)
#undef PAG_GEN_REDUCE_ENTRY

int TN(pag_reduce_var)(const T *x, const int64_t *shape, const int64_t *strides, int ndim, int64_t axes_mask,
                       double correction, T *out, int nthreads) {
    return TN(reduce)(OP_VAR, x, shape, strides, ndim, axes_mask, correction, out, NULL, nthreads);
}

int TN(pag_reduce_argmax)(const T *x, const int64_t *shape, const int64_t *strides, int ndim,
                          int64_t axes_mask, int64_t *out, int nthreads) {
    return TN(reduce)(OP_ARGMAX, x, shape, strides, ndim, axes_mask, 0.0, NULL, out, nthreads);
}

int TN(pag_reduce_argmin)(const T *x, const int64_t *shape, const int64_t *strides, int ndim,
                          int64_t axes_mask, int64_t *out, int nthreads) {
    return TN(reduce)(OP_ARGMIN, x, shape, strides, ndim, axes_mask, 0.0, NULL, out, nthreads);
}

#endif /* PAG_TYPED_BODY */
