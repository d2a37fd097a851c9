/* Layer normalization, forward and backward, over the last `cols` elements of
 * each of `rows` contiguous rows (the caller flattens the normalized dims).
 *
 * Forward: out = (x - mean) / sqrt(var + eps) * weight + bias, with the row's
 * mean and biased variance (accumulated in double). weight and bias (cols
 * elements each) may be NULL.
 *
 * Backward: with xhat the normalized row and g = grad * weight (or grad),
 * dx = rstd * (g - mean(g) - xhat * mean(g * xhat)) per row, and summed over
 * the rows dweight = sum(grad * xhat), dbias = sum(grad). dx, dweight and
 * dbias may each be NULL (not computed); weight may be NULL.
 *
 * Arrays are contiguous and must not overlap the outputs. Returns PAG_EINVAL
 * for a NULL required pointer or a negative size, PAG_ENOMEM when the
 * per-thread accumulators cannot be allocated. */
#ifdef PAG_TYPED_BODY
/* Expanded for float and double by typed.h (C) and by build.py (cffi). */
/* cdef-typed-begin */
int TN(pag_norm_layer_norm)(const T *x, const T *weight, const T *bias, T *out, int64_t rows,
                            int64_t cols, double eps, int nthreads);
int TN(pag_norm_layer_norm_backward)(const T *grad, const T *x, const T *weight, T *dx,
                                     T *dweight, T *dbias, int64_t rows, int64_t cols, double eps,
                                     int nthreads);
/* cdef-typed-end */

#elif !defined(PAG_NORM_H)
#define PAG_NORM_H
#include <stdint.h>
#define PAG_TYPED_SELF "norm.h"
#include "typed.h"
#endif
