/* Reduction kernels: sum/mean/max/min/argmax/argmin/var/logsumexp over any
 * set of axes.
 *
 * Axis reductions take the input as it lies in memory: `shape` and element
 * `strides` (NULL: C-contiguous) of `ndim` dims, and `axes_mask` with bit d
 * set when dim d is reduced. The output is C-contiguous over the kept dims in
 * their original order (so it is also the keepdim result, which differs only
 * by size-1 dims). argmax/argmin write int64 positions in row-major order of
 * the reduced dims (the flat index when every dim is reduced). var divides by
 * (count - correction). */
#ifdef PAG_TYPED_BODY
/* Expanded for float and double by typed.h (C) and by build.py (cffi). */
/* cdef-typed-begin */
int TN(pag_reduce_sum)(const T *x, const int64_t *shape, const int64_t *strides, int ndim,
                       int64_t axes_mask, T *out, int nthreads);
int TN(pag_reduce_mean)(const T *x, const int64_t *shape, const int64_t *strides, int ndim,
                        int64_t axes_mask, T *out, int nthreads);
int TN(pag_reduce_max)(const T *x, const int64_t *shape, const int64_t *strides, int ndim,
                       int64_t axes_mask, T *out, int nthreads);
int TN(pag_reduce_min)(const T *x, const int64_t *shape, const int64_t *strides, int ndim,
                       int64_t axes_mask, T *out, int nthreads);
int TN(pag_reduce_logsumexp)(const T *x, const int64_t *shape, const int64_t *strides, int ndim,
                             int64_t axes_mask, T *out, int nthreads);
int TN(pag_reduce_var)(const T *x, const int64_t *shape, const int64_t *strides, int ndim,
                       int64_t axes_mask, double correction, T *out, int nthreads);
int TN(pag_reduce_argmax)(const T *x, const int64_t *shape, const int64_t *strides, int ndim,
                          int64_t axes_mask, int64_t *out, int nthreads);
int TN(pag_reduce_argmin)(const T *x, const int64_t *shape, const int64_t *strides, int ndim,
                          int64_t axes_mask, int64_t *out, int nthreads);
/* cdef-typed-end */

#elif !defined(PAG_REDUCE_H)
#define PAG_REDUCE_H
#include <stdint.h>
#define PAG_TYPED_SELF "reduce.h"
#include "typed.h"
#endif
