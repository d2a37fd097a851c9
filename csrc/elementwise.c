/* Pointwise loops, expanded from kernels.def for float and double.
 *
 * Each kernel has a contiguous entry point (the fast path: one flat loop the
 * compiler vectorizes) and a strided one (broadcast, transposed, sliced or
 * negative-stride inputs, walked row by row with the last dimension as the
 * row). The output is always contiguous. The Python wrapper has already
 * validated dtypes and shapes; the checks here are the last line of defence
 * and return PAG_EINVAL instead of touching a bad pointer. */
#include "common.h"
#include "vmath.h"

/* ---- unary ---------------------------------------------------------------- */

#define PAG_GEN_UNARY(name, cost, expr, CT, sfx)                                              \
    static PAG_CLONES void unary_##name##_##sfx##_run(const CT *PAG_RESTRICT xp,             \
                                                     CT *PAG_RESTRICT out, int64_t n,        \
                                                     CT P0, CT P1) {                          \
        typedef CT T; (void)P0; (void)P1;                                                    \
        PAG_PRAGMA(omp simd)                                                                 \
        for (int64_t i = 0; i < n; i++) { const CT x = xp[i]; out[i] = (expr); }              \
    }                                                                                        \
    static PAG_CLONES void unary_##name##_##sfx##_rows(const CT *xp, const int64_t *xs,       \
                                                      CT *out, const int64_t *shape, int ndim, \
                                                      int64_t r0, int64_t r1, CT P0, CT P1) {  \
        typedef CT T; (void)P0; (void)P1;                                                    \
        const int64_t inner = shape[ndim - 1], s = xs[ndim - 1];                             \
        for (int64_t r = r0; r < r1; r++) {                                                  \
            const CT *src = xp + pag_row_offset(r, shape, ndim, xs);                          \
            CT *dst = out + r * inner;                                                        \
            for (int64_t i = 0; i < inner; i++) { const CT x = src[i * s]; dst[i] = (expr); } \
        }                                                                                    \
    }                                                                                        \
    int pag_unary_##name##_##sfx(const CT *xp, CT *out, int64_t n, double p0, double p1,      \
                                 int nthreads) {                                             \
        if (n < 0 || (n > 0 && (!xp || !out))) return PAG_EINVAL;                            \
        int team = pag_team_size(n, cost, nthreads);                                         \
        PAG_PARALLEL_CHUNKS(n, team, unary_##name##_##sfx##_run(xp + lo, out + lo, hi - lo,  \
                                                               (CT)p0, (CT)p1));               \
        return PAG_OK;                                                                       \
    }                                                                                        \
    int pag_unary_##name##_##sfx##_strided(const CT *xp, const int64_t *xs, CT *out,           \
                                           const int64_t *shape, int ndim, double p0,        \
                                           double p1, int nthreads) {                        \
        int64_t n = pag_check_strided(out, shape, ndim);                                     \
        if (n < 0 || (n > 0 && (!xp || !xs))) return PAG_EINVAL;                             \
        if (n == 0) return PAG_OK;                                                           \
        if (ndim == 0) return pag_unary_##name##_##sfx(xp, out, 1, p0, p1, 1);               \
        int64_t rows = n / shape[ndim - 1];                                                  \
        int team = pag_team_size(n, cost, nthreads);                                         \
        if (team > rows) team = (int)rows;                                                   \
        PAG_PARALLEL_CHUNKS(rows, team, unary_##name##_##sfx##_rows(xp, xs, out, shape, ndim, \
                                                                   lo, hi, (CT)p0, (CT)p1));   \
        return PAG_OK;                                                                       \
    }

/* ---- binary and compare ---------------------------------------------------- */

#define PAG_GEN_BINARY(name, cost, expr, CT, OUT, sfx)                                        \
    static PAG_CLONES void binary_##name##_##sfx##_run(const CT *PAG_RESTRICT ap,            \
                                                      const CT *PAG_RESTRICT bp,             \
                                                      OUT *PAG_RESTRICT out, int64_t n) {   \
        typedef CT T;                                                                        \
        PAG_PRAGMA(omp simd)                                                                 \
        for (int64_t i = 0; i < n; i++) { const CT a = ap[i], b = bp[i]; out[i] = (OUT)(expr); } \
    }                                                                                        \
    static PAG_CLONES void binary_##name##_##sfx##_rows(const CT *ap, const int64_t *as,      \
                                                       const CT *bp, const int64_t *bs,       \
                                                       OUT *out, const int64_t *shape,       \
                                                       int ndim, int64_t r0, int64_t r1) {   \
        typedef CT T;                                                                        \
        const int64_t inner = shape[ndim - 1], sa = as[ndim - 1], sb = bs[ndim - 1];         \
        for (int64_t r = r0; r < r1; r++) {                                                  \
            const CT *pa = ap + pag_row_offset(r, shape, ndim, as);                           \
            const CT *pb = bp + pag_row_offset(r, shape, ndim, bs);                           \
            OUT *dst = out + r * inner;                                                      \
            if (sa == 1 && sb == 1) {                                                        \
                binary_##name##_##sfx##_run(pa, pb, dst, inner);                             \
            } else if (sb == 0) {                                                            \
                const CT b = *pb;                                                             \
                for (int64_t i = 0; i < inner; i++) { const CT a = pa[i * sa]; dst[i] = (OUT)(expr); } \
            } else if (sa == 0) {                                                            \
                const CT a = *pa;                                                             \
                for (int64_t i = 0; i < inner; i++) { const CT b = pb[i * sb]; dst[i] = (OUT)(expr); } \
            } else {                                                                         \
                for (int64_t i = 0; i < inner; i++) {                                        \
                    const CT a = pa[i * sa], b = pb[i * sb]; dst[i] = (OUT)(expr);            \
                }                                                                            \
            }                                                                                \
        }                                                                                    \
    }                                                                                        \
    int pag_binary_##name##_##sfx(const CT *ap, const CT *bp, OUT *out, int64_t n, int nthreads) { \
        if (n < 0 || (n > 0 && (!ap || !bp || !out))) return PAG_EINVAL;                     \
        int team = pag_team_size(n, cost, nthreads);                                         \
        PAG_PARALLEL_CHUNKS(n, team, binary_##name##_##sfx##_run(ap + lo, bp + lo, out + lo, hi - lo)); \
        return PAG_OK;                                                                       \
    }                                                                                        \
    int pag_binary_##name##_##sfx##_strided(const CT *ap, const int64_t *as, const CT *bp,    \
                                            const int64_t *bs, OUT *out,                     \
                                            const int64_t *shape, int ndim, int nthreads) {  \
        int64_t n = pag_check_strided(out, shape, ndim);                                     \
        if (n < 0 || (n > 0 && (!ap || !bp || !as || !bs))) return PAG_EINVAL;               \
        if (n == 0) return PAG_OK;                                                           \
        if (ndim == 0) return pag_binary_##name##_##sfx(ap, bp, out, 1, 1);                  \
        int64_t rows = n / shape[ndim - 1];                                                  \
        int team = pag_team_size(n, cost, nthreads);                                         \
        if (team > rows) team = (int)rows;                                                   \
        PAG_PARALLEL_CHUNKS(rows, team, binary_##name##_##sfx##_rows(ap, as, bp, bs, out, shape, \
                                                                    ndim, lo, hi));          \
        return PAG_OK;                                                                       \
    }

#define PAG_UNARY(name, cost, expr) \
    PAG_GEN_UNARY(name, cost, expr, float, f32) PAG_GEN_UNARY(name, cost, expr, double, f64)
#define PAG_BINARY(name, cost, expr) \
    PAG_GEN_BINARY(name, cost, expr, float, float, f32) PAG_GEN_BINARY(name, cost, expr, double, double, f64)
#define PAG_COMPARE(name, expr) \
    PAG_GEN_BINARY(name, 1, expr, float, uint8_t, f32) PAG_GEN_BINARY(name, 1, expr, double, uint8_t, f64)
#include "kernels.def"

/* ---- where ---------------------------------------------------------------- */

#define PAG_GEN_WHERE(CT, sfx)                                                                \
    static PAG_CLONES void where_##sfx##_rows(const uint8_t *cp, const int64_t *cs,          \
                                             const CT *ap, const int64_t *as, const CT *bp,    \
                                             const int64_t *bs, CT *out, const int64_t *shape, \
                                             int ndim, int64_t r0, int64_t r1) {             \
        const int64_t inner = shape[ndim - 1];                                               \
        const int64_t sc = cs[ndim - 1], sa = as[ndim - 1], sb = bs[ndim - 1];               \
        for (int64_t r = r0; r < r1; r++) {                                                  \
            const uint8_t *pc = cp + pag_row_offset(r, shape, ndim, cs);                     \
            const CT *pa = ap + pag_row_offset(r, shape, ndim, as);                           \
            const CT *pb = bp + pag_row_offset(r, shape, ndim, bs);                           \
            CT *dst = out + r * inner;                                                        \
            for (int64_t i = 0; i < inner; i++) dst[i] = pc[i * sc] ? pa[i * sa] : pb[i * sb]; \
        }                                                                                    \
    }                                                                                        \
    int pag_where_##sfx(const uint8_t *cp, const int64_t *cs, const CT *ap, const int64_t *as, \
                        const CT *bp, const int64_t *bs, CT *out, const int64_t *shape, int ndim, \
                        int nthreads) {                                                      \
        int64_t n = pag_check_strided(out, shape, ndim);                                     \
        if (n < 0 || (n > 0 && (!cp || !ap || !bp || !cs || !as || !bs))) return PAG_EINVAL; \
        if (n == 0) return PAG_OK;                                                           \
        if (ndim == 0) { *out = *cp ? *ap : *bp; return PAG_OK; }                            \
        int64_t rows = n / shape[ndim - 1];                                                  \
        int team = pag_team_size(n, 1, nthreads);                                            \
        if (team > rows) team = (int)rows;                                                   \
        PAG_PARALLEL_CHUNKS(rows, team, where_##sfx##_rows(cp, cs, ap, as, bp, bs, out, shape, \
                                                          ndim, lo, hi));                    \
        return PAG_OK;                                                                       \
    }

PAG_GEN_WHERE(float, f32)
PAG_GEN_WHERE(double, f64)

/* ---- library facts ---------------------------------------------------------- */

int pag_openmp_enabled(void) {
#ifdef _OPENMP
    return 1;
#else
    return 0;
#endif
}

int pag_max_threads(void) {
#ifdef _OPENMP
    return omp_get_max_threads();
#else
    return 1;
#endif
}
