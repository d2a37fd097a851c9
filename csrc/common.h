/* Internal helpers shared by the kernel files (not part of the cffi API). */
#ifndef PAG_COMMON_H
#define PAG_COMMON_H
#include <stdint.h>
#include <stddef.h>
#include "pyautograd.h"

#if defined(__GNUC__)
#define PAG_RESTRICT __restrict__
#define PAG_INLINE static inline __attribute__((always_inline))
#else
#define PAG_RESTRICT
#define PAG_INLINE static inline
#endif

/* Per-function multiversioning: the hot loop of each kernel is compiled for
 * x86-64-v4 (AVX-512), x86-64-v3 (AVX2+FMA) and a portable default, and the
 * loader picks one at start-up. The shipped build never uses -march=native.
 * Clones are only made on x86-64 with GCC (clang lacks target_clones on static
 * functions in older releases), elsewhere the plain build is used.
 *
 * Each clone must be one consistent ISA level, not a bare "avx512f": that one
 * lacks FMA for 256-bit vectors, so the vectorizer's 8-lane epilogue computed
 * a*b+c in two roundings while the 16-lane body and the scalar tail fused it,
 * and the same input gave results one ulp apart depending on the length and
 * alignment of the slice (the contiguous and strided paths disagreed).
 * Within a level every loop shape contracts alike; -ffp-contract=off would
 * also make the paths agree but costs 1.1-2x on the vmath.h functions in cache.
 * The AVX-512 clone pays: up to 2x over AVX2 on those functions (measured on
 * a Xeon with AVX-512, one thread, in cache). */
#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__) && !defined(PAG_NO_CLONES)
#define PAG_CLONES __attribute__((target_clones("arch=x86-64-v4", "arch=x86-64-v3", "default")))
#else
#define PAG_CLONES
#endif

#ifdef _OPENMP
#include <omp.h>
#define PAG_PRAGMA(x) _Pragma(#x)
#else
#define PAG_PRAGMA(x)
#endif

/* Below this many elements a pointwise kernel runs on the calling thread:
 * waking the OpenMP team costs a few microseconds, which only pays back
 * once the loop itself takes tens of microseconds. */
#define PAG_OMP_MIN_ELEMS ((int64_t)1 << 16)

/* How many threads a loop over n elements of per-element cost `cost`
 * (1 = a simple add, larger for transcendental functions) should use. */
PAG_INLINE int pag_team_size(int64_t n, int64_t cost, int nthreads) {
    if (nthreads <= 1 || n * cost < PAG_OMP_MIN_ELEMS) return 1;
    return nthreads;
}

/* Splits [0, n) into `parts` nearly equal chunks and gives chunk `k`. */
PAG_INLINE void pag_chunk(int64_t n, int parts, int k, int64_t *lo, int64_t *hi) {
    int64_t base = n / parts, extra = n % parts;
    *lo = k * base + (k < extra ? k : extra);
    *hi = *lo + base + (k < extra ? 1 : 0);
}

/* Checks a shape: ndim in range, no negative extent, and the element count
 * fits in int64. Returns the count, or -1 when the shape is invalid. */
PAG_INLINE int64_t pag_numel(const int64_t *shape, int ndim) {
    if (ndim < 0 || ndim > PAG_MAX_NDIM || (ndim > 0 && !shape)) return -1;
    int64_t n = 1;
    for (int d = 0; d < ndim; d++) {
        if (shape[d] < 0) return -1;
        if (shape[d] != 0 && n > INT64_MAX / shape[d]) return -1;
        n *= shape[d];
    }
    return n;
}


#ifdef _OPENMP
PAG_INLINE int pag_thread_num(void) { return omp_get_thread_num(); }
PAG_INLINE int pag_num_threads(void) { return omp_get_num_threads(); }
#else
PAG_INLINE int pag_thread_num(void) { return 0; }
PAG_INLINE int pag_num_threads(void) { return 1; }
#endif

/* Runs body(lo, hi) over [0, n) on `team` threads, each taking one chunk.
 * `body` is a statement using the int64_t variables lo and hi. */
#define PAG_PARALLEL_CHUNKS(n, team, body)                                   \
    do {                                                                     \
        if ((team) <= 1) { int64_t lo = 0, hi = (n); body; }                 \
        else {                                                               \
            PAG_PRAGMA(omp parallel num_threads(team))                       \
            {                                                                \
                int64_t lo, hi;                                              \
                pag_chunk((n), pag_num_threads(), pag_thread_num(), &lo, &hi); \
                body;                                                        \
            }                                                                \
        }                                                                    \
    } while (0)

/* Offset (in elements) of row r of a row-major walk over shape[0..ndim-1)
 * (the last dimension is the row), for an operand with the given strides. */
PAG_INLINE int64_t pag_row_offset(int64_t r, const int64_t *shape, int ndim, const int64_t *strides) {
    int64_t off = 0;
    for (int d = ndim - 2; d >= 0; d--) {
        int64_t e = shape[d];
        off += (r % e) * strides[d];
        r /= e;
    }
    return off;
}

/* Validates the arguments of a strided kernel; returns the element count or
 * -1 when invalid. A zero-size shape is valid and yields 0. */
PAG_INLINE int64_t pag_check_strided(const void *out, const int64_t *shape, int ndim) {
    int64_t n = pag_numel(shape, ndim);
    if (n < 0 || (n > 0 && !out)) return -1;
    return n;
}

#endif
