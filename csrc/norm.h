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
 * Batch normalization (batch_norm*): x is a contiguous (n, c, s) array (the
 * caller flattens the spatial dims into s; s = 1 for (N, C) input) and every
 * channel is normalized over its n * s elements. With running_mean == NULL the
 * statistics are the batch's (mean and biased variance, two passes in double)
 * and are written to mean_out / var_out (c elements each, required); else
 * running_mean / running_var (c elements each) are used and mean_out / var_out
 * are not touched. out = (x - mean) / sqrt(var + eps) * weight + bias, weight
 * and bias (c elements each) may be NULL.
 * The backward takes the same statistics choice: with the batch's, dx =
 * rstd * (g - mean(g) - xhat * mean(g * xhat)) per channel (g = grad * weight);
 * with the running ones, dx = g * rstd. dweight = sum(grad * xhat), dbias =
 * sum(grad) per channel. dx, dweight and dbias may each be NULL.
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
int TN(pag_norm_batch_norm)(const T *x, const T *weight, const T *bias, const T *running_mean,
                            const T *running_var, T *out, T *mean_out, T *var_out, int64_t n,
                            int64_t c, int64_t s, double eps, int nthreads);
int TN(pag_norm_batch_norm_backward)(const T *grad, const T *x, const T *weight,
                                     const T *running_mean, const T *running_var, T *dx,
                                     T *dweight, T *dbias, int64_t n, int64_t c, int64_t s,
                                     double eps, int nthreads);
/* cdef-typed-end */

#elif !defined(PAG_NORM_H)
#define PAG_NORM_H
#include <stdint.h>
#define PAG_TYPED_SELF "norm.h"
#include "typed.h"
#endif
