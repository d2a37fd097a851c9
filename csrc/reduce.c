/* Reduction kernels (the API is described in reduce.h).
 *
 * The file is compiled once but written in two parts: the shared part below
 * (geometry, the index walker, a vectorizable exp), then a type-generic body
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
 * two-pass (the mean, then the sum of squared deviations, both in double),
 * logsumexp subtracts the max first.
 */
#ifndef PAG_TYPED_BODY

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "common.h"

/* Lets GCC speculate floating-point operations when it turns a select into
 * a blend: with the default -ftrapping-math it refuses (an operation might
 * raise a flag), leaving the exp and NaN-aware max loops unvectorized in the
 * AVX2 and baseline clones. No kernel here reads the FP exception flags, and
 * the option changes no computed value. */
#pragma GCC optimize("no-trapping-math")

#define SUM_BLOCK 2048  /* elements summed per block before its total is banked */
#define SUM_BLOCK_F32 128
#define TILE 256        /* outputs per outer-mode tile: its accumulators stay in L1 */
#define SHORT_ROW 32     /* softmax rows shorter than this are processed flat, in blocks of rows */
#define SHORT_BLOCK 1024 /* elements per block of short rows */
#define ARG_BLOCK 64    /* argmax looks for its position block by block */

enum { OP_SUM, OP_MEAN, OP_MAX, OP_MIN, OP_ARGMAX, OP_ARGMIN, OP_VAR, OP_LSE };
enum { PK_SUM, PK_MAX, PK_MIN, PK_ARGMAX, PK_ARGMIN, PK_SQDEV, PK_EXPDEV };
enum { SM_FWD, LSM_FWD, SM_BWD, LSM_BWD };
enum { RED_NONE, RED_MEAN, RED_SUM };

/* Below this much work (elements times a per-element cost) a kernel of this
 * file runs on the calling thread. Reductions only read, so they need more
 * work than a pointwise loop before a second thread pays for its start-up;
 * the softmax family and cross-entropy use the same element count (their
 * exp makes each element dearer, but a row-wise pass is already fast enough
 * single-threaded that a second thread only pays from about here). */
#define REDUCE_OMP_MIN ((int64_t)1 << 17)

static int reduce_team(int64_t work, int nthreads) {
    return (nthreads <= 1 || work < REDUCE_OMP_MIN) ? 1 : nthreads;
}

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

/* ---- exp that the compiler can vectorize --------------------------------
 * glibc's expf/exp only vectorize under -ffast-math, and softmax, logsumexp
 * and cross-entropy spend most of their time in exp. x = k ln2 + r with
 * |r| <= ln2/2, k rounded by adding the shifter 1.5 * 2^p and read back from
 * the sum's bits; exp(r) is its Taylor polynomial (degree 7 for float, 13 for
 * double: truncation below half an ulp), and 2^k is applied as two exact
 * powers of two, 2^(k/2) and 2^(k - k/2), so results in the subnormal range
 * round correctly. Error about 2 ulp. x is clamped to a range whose ends
 * round to 0 and inf (so -inf and +inf come out right); a NaN runs through
 * the polynomial and stays NaN, so no select is needed for it. */

PAG_INLINE float f32_from_bits(uint32_t i) { float f; memcpy(&f, &i, sizeof f); return f; }
PAG_INLINE uint32_t f32_bits(float f) { uint32_t i; memcpy(&i, &f, sizeof i); return i; }
PAG_INLINE double f64_from_bits(uint64_t i) { double f; memcpy(&f, &i, sizeof f); return f; }
PAG_INLINE uint64_t f64_bits(double f) { uint64_t i; memcpy(&i, &f, sizeof i); return i; }

PAG_INLINE float rexp_f32(float x) {
    const float shifter = 12582912.0f;
    float xc = x < -104.0f ? -104.0f : x;
    xc = xc > 88.7228394f ? 88.7228394f : xc;
    const float t = xc * 1.44269504088896341f + shifter, kf = t - shifter;
    const int32_t k = (int32_t)(f32_bits(t) - f32_bits(shifter)), k1 = k >> 1, k2 = k - k1;
    float r = xc - kf * 0.693145751953125f;
    r = r - kf * 1.428606765330187e-6f;
    float p = 1.0f / 5040.0f;
    p = p * r + 1.0f / 720.0f;
    p = p * r + 1.0f / 120.0f;
    p = p * r + 1.0f / 24.0f;
    p = p * r + 1.0f / 6.0f;
    p = p * r + 0.5f;
    p = p * r + 1.0f;
    p = p * r + 1.0f;
    return p * f32_from_bits((uint32_t)(k1 + 127) << 23) * f32_from_bits((uint32_t)(k2 + 127) << 23);
}

PAG_INLINE double rexp_f64(double x) {
    const double shifter = 6755399441055744.0;
    double xc = x < -746.0 ? -746.0 : x;
    xc = xc > 709.79 ? 709.79 : xc;
    const double t = xc * 1.4426950408889634 + shifter, kf = t - shifter;
    const int64_t k = (int64_t)(f64_bits(t) - f64_bits(shifter)), k1 = k >> 1, k2 = k - k1;
    double r = xc - kf * 6.93147180369123816490e-01;
    r = r - kf * 1.90821492927058770002e-10;
    double p = 1.0 / 6227020800.0;
    p = p * r + 1.0 / 479001600.0;
    p = p * r + 1.0 / 39916800.0;
    p = p * r + 1.0 / 3628800.0;
    p = p * r + 1.0 / 362880.0;
    p = p * r + 1.0 / 40320.0;
    p = p * r + 1.0 / 5040.0;
    p = p * r + 1.0 / 720.0;
    p = p * r + 1.0 / 120.0;
    p = p * r + 1.0 / 24.0;
    p = p * r + 1.0 / 6.0;
    p = p * r + 0.5;
    p = p * r + 1.0;
    p = p * r + 1.0;
    return p * f64_from_bits((uint64_t)(k1 + 1023) << 52) * f64_from_bits((uint64_t)(k2 + 1023) << 52);
}

/* NaN-propagating "better than" for max and min: a NaN beats any number and
 * nothing beats a NaN, so the first NaN wins (NumPy's and PyTorch's rule). */
#define BETTER_MAX(v, b) ((v) > (b) || ((v) != (v) && (b) == (b)))
#define BETTER_MIN(v, b) ((v) < (b) || ((v) != (v) && (b) == (b)))

PAG_INLINE int64_t min64(int64_t a, int64_t b) { return a < b ? a : b; }

static int first_pass(int op) {
    switch (op) {
    case OP_MAX: case OP_LSE: return PK_MAX;
    case OP_MIN: return PK_MIN;
    case OP_ARGMAX: return PK_ARGMAX;
    case OP_ARGMIN: return PK_ARGMIN;
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

#define REXP TN(rexp)

/* ---- one strided row of n elements --------------------------------------- */

/* Contiguous sums: one partial per vector lane over blocks of SUM_BLOCK
 * elements, block totals added in double. T's own precision inside a block
 * is enough for float64; float32 blocks are SUM_BLOCK_F32 long, so each lane
 * adds only 16 terms in float (the blocking NumPy's pairwise sum uses at its
 * leaves) and the result stays within ~1e-7 relative of the exact sum while
 * running at float SIMD width, twice that of widening every term. */
static PAG_CLONES double TN(row_sum)(const T *PAG_RESTRICT x, int64_t n, int64_t s) {
    const int64_t block = sizeof(T) == 4 ? SUM_BLOCK_F32 : SUM_BLOCK;
    double total = 0.0;
    if (s != 1) {
        for (int64_t i = 0; i < n; i++) total += (double)x[i * s];
        return total;
    }
    for (int64_t b = 0; b < n; b += block) {
        const int64_t m = min64(block, n - b);
        T acc = 0;
        PAG_PRAGMA(omp simd reduction(+:acc))
        for (int64_t i = b; i < b + m; i++) acc += x[i];
        total += (double)acc;
    }
    return total;
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

/* sum of exp(x - c), exp in T, accumulated in double */
static PAG_CLONES double TN(row_expdev)(const T *PAG_RESTRICT x, int64_t n, int64_t s, T c) {
    double acc = 0.0;
    if (s == 1) {
        PAG_PRAGMA(omp simd reduction(+:acc))
        for (int64_t i = 0; i < n; i++) acc += (double)REXP(x[i] - c);
    } else {
        for (int64_t i = 0; i < n; i++) acc += (double)REXP(x[i * s] - c);
    }
    return acc;
}

/* max/min of a row (NaN-propagating), its first position, and the outer-mode
 * accumulators, generated for both directions. The row max is an OpenMP
 * max reduction plus a NaN flag (that vectorizes fully, where a lane array
 * of NaN-aware blends does not), run on four quarters of the row at once so
 * that four accumulator chains hide the latency of the vector max. argmax is that max, then the first position
 * holding it (or the first NaN, when the max is NaN), found by testing whole
 * blocks with a vectorized any-equal before looking inside one. */
#define PAG_GEN_EXTREME(kind, CMP, BETTER, START)                                             \
    static PAG_CLONES T TN(row_##kind)(const T *PAG_RESTRICT x, int64_t n, int64_t s) {         \
        T b0 = (T)(START), b1 = b0, b2 = b0, b3 = b0;                                         \
        int nan = 0;                                                                          \
        int64_t i = 0;                                                                        \
        if (s == 1) { /* four contiguous quarters: four independent accumulators */           \
            const int64_t q = n / 4;                                                          \
            const T *x1 = x + q, *x2 = x + 2 * q, *x3 = x + 3 * q;                            \
            PAG_PRAGMA(omp simd reduction(kind:b0, b1, b2, b3) reduction(|:nan))              \
            for (int64_t j = 0; j < q; j++) {                                                 \
                T v0 = x[j], v1 = x1[j], v2 = x2[j], v3 = x3[j];                              \
                b0 = v0 CMP b0 ? v0 : b0;                                                     \
                b1 = v1 CMP b1 ? v1 : b1;                                                     \
                b2 = v2 CMP b2 ? v2 : b2;                                                     \
                b3 = v3 CMP b3 ? v3 : b3;                                                     \
                nan |= (v0 != v0) | (v1 != v1) | (v2 != v2) | (v3 != v3);                     \
            }                                                                                 \
            i = 4 * q;                                                                        \
        }                                                                                     \
        for (; i < n; i++) {                                                                  \
            T v = x[i * s];                                                                   \
            b0 = v CMP b0 ? v : b0;                                                           \
            nan |= v != v;                                                                    \
        }                                                                                     \
        b0 = b1 CMP b0 ? b1 : b0;                                                             \
        b2 = b3 CMP b2 ? b3 : b2;                                                             \
        b0 = b2 CMP b0 ? b2 : b0;                                                             \
        return nan ? (T)NAN : b0;                                                             \
    }                                                                                         \
    static PAG_CLONES int64_t TN(row_arg##kind)(const T *PAG_RESTRICT x, int64_t n, int64_t s, T *bestp) { \
        const T best = TN(row_##kind)(x, n, s);                                               \
        int64_t i = 0;                                                                        \
        *bestp = best;                                                                        \
        if (s == 1) { /* skip whole blocks that hold neither the best value nor a NaN */      \
            for (; i + ARG_BLOCK <= n; i += ARG_BLOCK) {                                      \
                int hit = 0;                                                                  \
                PAG_PRAGMA(omp simd reduction(|:hit))                                         \
                for (int64_t j = i; j < i + ARG_BLOCK; j++) hit |= (x[j] == best) | (x[j] != x[j]); \
                if (hit) break;                                                               \
            }                                                                                 \
        }                                                                                     \
        for (; i < n; i++) {                                                                  \
            T v = x[i * s];                                                                   \
            if (v == best || v != v) break;                                                   \
        }                                                                                     \
        return i;                                                                             \
    }                                                                                         \
    static PAG_CLONES void TN(acc_##kind)(T *PAG_RESTRICT val, const T *PAG_RESTRICT row,      \
                                         int64_t jn, int64_t js) {                            \
        if (js == 1) {                                                                        \
            PAG_PRAGMA(omp simd)                                                              \
            for (int64_t j = 0; j < jn; j++) {                                                \
                T v = row[j];                                                                 \
                val[j] = BETTER(v, val[j]) ? v : val[j];                                      \
            }                                                                                 \
        } else {                                                                              \
            for (int64_t j = 0; j < jn; j++) {                                                \
                T v = row[j * js];                                                            \
                val[j] = BETTER(v, val[j]) ? v : val[j];                                      \
            }                                                                                 \
        }                                                                                     \
    }                                                                                         \
    static PAG_CLONES void TN(acc_arg##kind)(T *PAG_RESTRICT val, int64_t *PAG_RESTRICT idx,   \
                                            const T *PAG_RESTRICT row, int64_t jn, int64_t js,  \
                                            int64_t r) {                                      \
        for (int64_t j = 0; j < jn; j++) {                                                    \
            T v = row[j * js];                                                                \
            int better = BETTER(v, val[j]);                                                   \
            val[j] = better ? v : val[j];                                                     \
            idx[j] = better ? r : idx[j];                                                     \
        }                                                                                     \
    }

PAG_GEN_EXTREME(max, >, BETTER_MAX, -INFINITY)
PAG_GEN_EXTREME(min, <, BETTER_MIN, INFINITY)

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
        for (int64_t j = 0; j < jn; j++) acc[j] += (double)REXP(row[j] - cen[j]);
    } else {
        for (int64_t j = 0; j < jn; j++) acc[j] += (double)REXP(row[j * js] - cen[j]);
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
        case PK_SUM: TN(acc_sum)(acc, row, jn, js); break;
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
                c = TN(row_sum)(xo, n, s) / (double)n;
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

/* ---- softmax family ---------------------------------------------------------
 * Row mode (inner == 1): one row per task, fused: max, exp and its sum, then
 * scale (softmax) or subtract log-sum (log_softmax). Column mode (inner > 1):
 * the same steps on a tile of TILE columns at a time, vectorized across the
 * columns. The output is contiguous; inputs are read through their strides. */

/* The row and column helpers below repeat each loop for unit strides: GCC
 * only vectorizes the exp when it can see the elements are adjacent. */

/* y[i] = exp(x[i] - m); returns the sum of y (in double). */
static PAG_CLONES double TN(exp_store)(const T *PAG_RESTRICT x, int64_t xs, T m, T *PAG_RESTRICT y, int64_t n) {
    double s = 0.0;
    if (xs == 1) {
        PAG_PRAGMA(omp simd reduction(+:s))
        for (int64_t i = 0; i < n; i++) {
            T e = REXP(x[i] - m);
            y[i] = e;
            s += (double)e;
        }
    } else {
        for (int64_t i = 0; i < n; i++) {
            T e = REXP(x[i * xs] - m);
            y[i] = e;
            s += (double)e;
        }
    }
    return s;
}

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
            for (int64_t i = 0; i < n; i++) o[i] = g[i] - REXP(y[i]) * (D);                   \
        } else if (gs == 1 && ys == 1) {                                                      \
            PAG_PRAGMA(omp simd)                                                              \
            for (int64_t i = 0; i < n; i++) o[i] = y[i] * (g[i] - (D));                       \
        } else if (log_in) {                                                                  \
            for (int64_t i = 0; i < n; i++) o[i] = g[i * gs] - REXP(y[i * ys]) * (D);         \
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
            T e = REXP(row[j] - m[j]);
            y[j] = e;
            s[j] += (double)e;
        }
    } else if (xs == 1) {
        PAG_PRAGMA(omp simd)
        for (int64_t j = 0; j < jn; j++) s[j] += (double)REXP(row[j] - m[j]);
    } else {
        for (int64_t j = 0; j < jn; j++) {
            T e = REXP(row[j * xs] - m[j]);
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
    for (int64_t k = 0; k < len; k++) y[k] = REXP(x[k] - a[k]);
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
        for (int64_t k = 0; k < len; k++) o[k] = g[k] - REXP(y[k]) * a[k];
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

int TN(pag_reduce_softmax)(const T *x, const int64_t *xstrides, T *out, const int64_t *shape, int nthreads) {
    return TN(softmax_family)(SM_FWD, x, xstrides, NULL, NULL, out, shape, nthreads);
}

int TN(pag_reduce_log_softmax)(const T *x, const int64_t *xstrides, T *out, const int64_t *shape, int nthreads) {
    return TN(softmax_family)(LSM_FWD, x, xstrides, NULL, NULL, out, shape, nthreads);
}

int TN(pag_reduce_softmax_backward)(const T *grad, const int64_t *gstrides, const T *y, const int64_t *ystrides,
                                    T *out, const int64_t *shape, int nthreads) {
    return TN(softmax_family)(SM_BWD, grad, gstrides, y, ystrides, out, shape, nthreads);
}

int TN(pag_reduce_log_softmax_backward)(const T *grad, const int64_t *gstrides, const T *y,
                                        const int64_t *ystrides, T *out, const int64_t *shape, int nthreads) {
    return TN(softmax_family)(LSM_BWD, grad, gstrides, y, ystrides, out, shape, nthreads);
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

int TN(pag_reduce_cross_entropy)(const T *logits, int64_t n, int64_t c, int64_t ld, const int64_t *target,
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

int TN(pag_reduce_cross_entropy_backward)(const T *grad, const T *logits, int64_t n, int64_t c, int64_t ld,
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

#undef PAG_GEN_EXTREME
#undef REXP

#endif /* PAG_TYPED_BODY */
