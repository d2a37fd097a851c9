/* rows.h: the row loops that reductions, softmax and the losses share (a row's
 * sum, max and min with their positions, the sum of exp(x - c), exp stored),
 * and the thread rule of those kernels.
 *
 * A typed fragment: a kernel file includes it inside its PAG_TYPED_BODY part
 * (see typed.h), once per T; the untyped helpers at the top are defined on the
 * first pass only. The including file has included common.h and vmath.h (exp
 * is vmath.h's pag_exp). No include guard, by design. */
#ifndef PAG_ROWS_UNTYPED
#define PAG_ROWS_UNTYPED

#define SUM_BLOCK 2048  /* elements summed per block before its total is banked */
#define SUM_BLOCK_F32 128
#define ARG_BLOCK 64    /* argmax looks for its position block by block */

/* Below this much work (elements times a per-element cost) these kernels run
 * on the calling thread. Reductions only read, so they need more work than a
 * pointwise loop before a second thread pays for its start-up; the softmax
 * family and cross-entropy use the same element count (their exp makes each
 * element dearer, but a row-wise pass is already fast enough single-threaded
 * that a second thread only pays from about here). */
#define REDUCE_OMP_MIN ((int64_t)1 << 17)

PAG_INLINE int reduce_team(int64_t work, int nthreads) {
    return (nthreads <= 1 || work < REDUCE_OMP_MIN) ? 1 : nthreads;
}

PAG_INLINE int64_t min64(int64_t a, int64_t b) { return a < b ? a : b; }

/* NaN-propagating "better than" for max and min: a NaN beats any number and
 * nothing beats a NaN, so the first NaN wins (NumPy's and PyTorch's rule). */
#define BETTER_MAX(v, b) ((v) > (b) || ((v) != (v) && (b) == (b)))
#define BETTER_MIN(v, b) ((v) < (b) || ((v) != (v) && (b) == (b)))

#endif /* PAG_ROWS_UNTYPED */

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

/* sum of exp(x - c), exp in T, accumulated in double */
static PAG_CLONES double TN(row_expdev)(const T *PAG_RESTRICT x, int64_t n, int64_t s, T c) {
    double acc = 0.0;
    if (s == 1) {
        PAG_PRAGMA(omp simd reduction(+:acc))
        for (int64_t i = 0; i < n; i++) acc += (double)TN(pag_exp)(x[i] - c);
    } else {
        for (int64_t i = 0; i < n; i++) acc += (double)TN(pag_exp)(x[i * s] - c);
    }
    return acc;
}

/* y[i] = exp(x[i] - m); returns the sum of y (in double). */
static PAG_CLONES double TN(exp_store)(const T *PAG_RESTRICT x, int64_t xs, T m, T *PAG_RESTRICT y, int64_t n) {
    double s = 0.0;
    if (xs == 1) {
        PAG_PRAGMA(omp simd reduction(+:s))
        for (int64_t i = 0; i < n; i++) {
            T e = TN(pag_exp)(x[i] - m);
            y[i] = e;
            s += (double)e;
        }
    } else {
        for (int64_t i = 0; i < n; i++) {
            T e = TN(pag_exp)(x[i * xs] - m);
            y[i] = e;
            s += (double)e;
        }
    }
    return s;
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
#undef PAG_GEN_EXTREME
