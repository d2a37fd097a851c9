/* The softmax family: softmax and log_softmax along one dim, and their
 * backward.
 *
 * Each works on a 3-d view (outer, n, inner) of its operands, the softmax
 * running along n; each operand has its own three element strides and the
 * output is C-contiguous (outer, n, inner). The backward takes the upstream
 * gradient and the forward's output y:
 *     softmax:      out = y * (grad - sum(grad * y))
 *     log_softmax:  out = grad - exp(y) * sum(grad)
 * with the sums along n. */
#ifdef PAG_TYPED_BODY
/* Expanded for float and double by typed.h (C) and by build.py (cffi). */
/* cdef-typed-begin */
int TN(pag_softmax_softmax)(const T *x, const int64_t *xstrides, T *out, const int64_t *shape, int nthreads);
int TN(pag_softmax_log_softmax)(const T *x, const int64_t *xstrides, T *out, const int64_t *shape,
                                int nthreads);
int TN(pag_softmax_softmax_backward)(const T *grad, const int64_t *gstrides, const T *y,
                                     const int64_t *ystrides, T *out, const int64_t *shape, int nthreads);
int TN(pag_softmax_log_softmax_backward)(const T *grad, const int64_t *gstrides, const T *y,
                                         const int64_t *ystrides, T *out, const int64_t *shape,
                                         int nthreads);
/* cdef-typed-end */

#elif !defined(PAG_SOFTMAX_H)
#define PAG_SOFTMAX_H
#include <stdint.h>
#define PAG_TYPED_SELF "softmax.h"
#include "typed.h"
#endif
