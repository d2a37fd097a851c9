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
 * per-thread accumulators cannot be allocated.
 *
 * Batch normalization of contiguous x (n, channels, spatial), per channel over the n * spatial
 * elements: with the batch's mean and biased variance (accumulated in double; mean_in and
 * var_in NULL) or with the given mean_in/var_in (channels each). The forward writes
 * out = (x - mean) / sqrt(var + eps) * weight + bias and, when mean_out/var_out are given,
 * the statistics used. The backward recomputes them and writes dx (as for layer norm, per
 * channel; dx = grad * weight * rstd with given statistics), dweight = sum(grad * xhat) and
 * dbias = sum(grad) (each may be NULL; weight and bias may be NULL). Channels are split
 * across threads, each channel summed in a fixed order. PAG_EINVAL also for batch
 * statistics of an empty batch. */
#ifdef PAG_TYPED_BODY
/* Expanded for float and double by typed.h (C) and by build.py (cffi). */
/* cdef-typed-begin */
int TN(pag_norm_layer_norm)(const T *x, const T *weight, const T *bias, T *out, int64_t rows,
                            int64_t cols, double eps, int nthreads);
int TN(pag_norm_layer_norm_backward)(const T *grad, const T *x, const T *weight, T *dx,
                                     T *dweight, T *dbias, int64_t rows, int64_t cols, double eps,
                                     int nthreads);
int TN(pag_norm_batch_norm)(const T *x, const T *weight, const T *bias, const T *mean_in, const T *var_in,
                            T *out, T *mean_out, T *var_out, int64_t n, int64_t channels, int64_t spatial,
                            double eps, int nthreads);
int TN(pag_norm_batch_norm_backward)(const T *grad, const T *x, const T *weight, const T *mean_in,
                                     const T *var_in, T *dx, T *dweight, T *dbias, int64_t n, int64_t channels,
                                     int64_t spatial, double eps, int nthreads);
/* cdef-typed-end */

#elif !defined(PAG_NORM_H)
#define PAG_NORM_H
#include <stdint.h>
#define PAG_TYPED_SELF "norm.h"
#include "typed.h"
#endif
