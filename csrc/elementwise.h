/* Pointwise kernels. The unary/binary/compare prototypes are expanded from
 * kernels.def (build.py writes the matching cffi declarations from the same
 * table); where has its own, in the typed cdef block below.
 *
 * Contiguous form:  out[i] = f(x[i])           for i < n
 * Strided form:     out (contiguous, row-major over `shape`) = f(inputs read
 *                   through their own element strides; 0 broadcasts a dim). */
#ifdef PAG_TYPED_BODY
/* Expanded for float and double by typed.h (C) and by build.py (cffi). */
/* cdef-typed-begin */
int TN(pag_where)(const uint8_t *cond, const int64_t *cstrides, const T *a, const int64_t *astrides,
                  const T *b, const int64_t *bstrides, T *out, const int64_t *shape, int ndim, int nthreads);
/* cdef-typed-end */

#elif !defined(PAG_ELEMENTWISE_H)
#define PAG_ELEMENTWISE_H
#include <stdint.h>

#define PAG_DECL_UNARY(name, T, sfx) \
    int pag_unary_##name##_##sfx(const T *x, T *out, int64_t n, double p0, double p1, int nthreads); \
    int pag_unary_##name##_##sfx##_strided(const T *x, const int64_t *xstrides, T *out, \
        const int64_t *shape, int ndim, double p0, double p1, int nthreads);
#define PAG_DECL_BINARY(name, T, OUT, sfx) \
    int pag_binary_##name##_##sfx(const T *a, const T *b, OUT *out, int64_t n, int nthreads); \
    int pag_binary_##name##_##sfx##_strided(const T *a, const int64_t *astrides, const T *b, \
        const int64_t *bstrides, OUT *out, const int64_t *shape, int ndim, int nthreads);

#define PAG_UNARY(name, cost, expr) PAG_DECL_UNARY(name, float, f32) PAG_DECL_UNARY(name, double, f64)
#define PAG_BINARY(name, cost, expr) PAG_DECL_BINARY(name, float, float, f32) PAG_DECL_BINARY(name, double, double, f64)
#define PAG_COMPARE(name, expr) PAG_DECL_BINARY(name, float, uint8_t, f32) PAG_DECL_BINARY(name, double, uint8_t, f64)
#include "kernels.def"
#undef PAG_UNARY
#undef PAG_BINARY
#undef PAG_COMPARE

#define PAG_TYPED_SELF "elementwise.h"
#include "typed.h"
#endif
