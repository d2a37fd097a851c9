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
#ifndef PAG_NORM_H
#define PAG_NORM_H
#include <stdint.h>

/* cdef-begin */
int pag_norm_layer_norm_f32(const float *x, const float *weight, const float *bias, float *out, int64_t rows,
                            int64_t cols, double eps, int nthreads);
int pag_norm_layer_norm_f64(const double *x, const double *weight, const double *bias, double *out, int64_t rows,
                            int64_t cols, double eps, int nthreads);
int pag_norm_layer_norm_backward_f32(const float *grad, const float *x, const float *weight, float *dx,
                                     float *dweight, float *dbias, int64_t rows, int64_t cols, double eps,
                                     int nthreads);
int pag_norm_layer_norm_backward_f64(const double *grad, const double *x, const double *weight, double *dx,
                                     double *dweight, double *dbias, int64_t rows, int64_t cols, double eps,
                                     int nthreads);
/* cdef-end */

#endif
