/* Reduction kernels: sum/mean/max/min/argmax/argmin/var/logsumexp over any
 * set of axes, softmax and log_softmax with their backward, and the fused
 * cross-entropy loss (forward and backward) for class-index targets.
 *
 * Axis reductions take the input as it lies in memory: `shape` and element
 * `strides` (NULL: C-contiguous) of `ndim` dims, and `axes_mask` with bit d
 * set when dim d is reduced. The output is C-contiguous over the kept dims in
 * their original order (so it is also the keepdim result, which differs only
 * by size-1 dims). argmax/argmin write int64 positions in row-major order of
 * the reduced dims (the flat index when every dim is reduced).
 *
 * The softmax family works on a 3-d view (outer, n, inner) of the input, the
 * softmax running along n; each operand has its own three element strides and
 * the output is C-contiguous (outer, n, inner).
 *
 * cross_entropy: logits (n, c) with row stride `ld` (classes contiguous),
 * int64 targets (n), optional weight (c) or NULL. reduction: 0 none (out has
 * n elements), 1 mean, 2 sum (out has 1). A target that is neither in [0, c)
 * nor ignore_index makes the call return PAG_EINVAL with its row in *bad_row
 * (set to -1 otherwise). The backward takes the upstream gradient (n values
 * for reduction none, 1 otherwise) and writes d loss / d logits, (n, c)
 * C-contiguous. */
#ifndef PAG_REDUCE_H
#define PAG_REDUCE_H
#include <stdint.h>

/* cdef-begin */
int pag_reduce_sum_f32(const float *x, const int64_t *shape, const int64_t *strides, int ndim,
                       int64_t axes_mask, float *out, int nthreads);
int pag_reduce_sum_f64(const double *x, const int64_t *shape, const int64_t *strides, int ndim,
                       int64_t axes_mask, double *out, int nthreads);
int pag_reduce_mean_f32(const float *x, const int64_t *shape, const int64_t *strides, int ndim,
                        int64_t axes_mask, float *out, int nthreads);
int pag_reduce_mean_f64(const double *x, const int64_t *shape, const int64_t *strides, int ndim,
                        int64_t axes_mask, double *out, int nthreads);
int pag_reduce_max_f32(const float *x, const int64_t *shape, const int64_t *strides, int ndim,
                       int64_t axes_mask, float *out, int nthreads);
int pag_reduce_max_f64(const double *x, const int64_t *shape, const int64_t *strides, int ndim,
                       int64_t axes_mask, double *out, int nthreads);
int pag_reduce_min_f32(const float *x, const int64_t *shape, const int64_t *strides, int ndim,
                       int64_t axes_mask, float *out, int nthreads);
int pag_reduce_min_f64(const double *x, const int64_t *shape, const int64_t *strides, int ndim,
                       int64_t axes_mask, double *out, int nthreads);
int pag_reduce_logsumexp_f32(const float *x, const int64_t *shape, const int64_t *strides, int ndim,
                             int64_t axes_mask, float *out, int nthreads);
int pag_reduce_logsumexp_f64(const double *x, const int64_t *shape, const int64_t *strides, int ndim,
                             int64_t axes_mask, double *out, int nthreads);
int pag_reduce_var_f32(const float *x, const int64_t *shape, const int64_t *strides, int ndim,
                       int64_t axes_mask, double correction, float *out, int nthreads);
int pag_reduce_var_f64(const double *x, const int64_t *shape, const int64_t *strides, int ndim,
                       int64_t axes_mask, double correction, double *out, int nthreads);
int pag_reduce_argmax_f32(const float *x, const int64_t *shape, const int64_t *strides, int ndim,
                          int64_t axes_mask, int64_t *out, int nthreads);
int pag_reduce_argmax_f64(const double *x, const int64_t *shape, const int64_t *strides, int ndim,
                          int64_t axes_mask, int64_t *out, int nthreads);
int pag_reduce_argmin_f32(const float *x, const int64_t *shape, const int64_t *strides, int ndim,
                          int64_t axes_mask, int64_t *out, int nthreads);
int pag_reduce_argmin_f64(const double *x, const int64_t *shape, const int64_t *strides, int ndim,
                          int64_t axes_mask, int64_t *out, int nthreads);

int pag_reduce_softmax_f32(const float *x, const int64_t *xstrides, float *out, const int64_t *shape,
                           int nthreads);
int pag_reduce_softmax_f64(const double *x, const int64_t *xstrides, double *out, const int64_t *shape,
                           int nthreads);
int pag_reduce_log_softmax_f32(const float *x, const int64_t *xstrides, float *out, const int64_t *shape,
                               int nthreads);
int pag_reduce_log_softmax_f64(const double *x, const int64_t *xstrides, double *out,
                               const int64_t *shape, int nthreads);
int pag_reduce_softmax_backward_f32(const float *grad, const int64_t *gstrides, const float *y,
                                    const int64_t *ystrides, float *out, const int64_t *shape,
                                    int nthreads);
int pag_reduce_softmax_backward_f64(const double *grad, const int64_t *gstrides, const double *y,
                                    const int64_t *ystrides, double *out, const int64_t *shape,
                                    int nthreads);
int pag_reduce_log_softmax_backward_f32(const float *grad, const int64_t *gstrides, const float *y,
                                        const int64_t *ystrides, float *out, const int64_t *shape,
                                        int nthreads);
int pag_reduce_log_softmax_backward_f64(const double *grad, const int64_t *gstrides, const double *y,
                                        const int64_t *ystrides, double *out, const int64_t *shape,
                                        int nthreads);

int pag_reduce_cross_entropy_f32(const float *logits, int64_t n, int64_t c, int64_t ld,
                                 const int64_t *target, const float *weight, int64_t ignore_index,
                                 int reduction, double label_smoothing, float *out, int64_t *bad_row,
                                 int nthreads);
int pag_reduce_cross_entropy_f64(const double *logits, int64_t n, int64_t c, int64_t ld,
                                 const int64_t *target, const double *weight, int64_t ignore_index,
                                 int reduction, double label_smoothing, double *out, int64_t *bad_row,
                                 int nthreads);
int pag_reduce_cross_entropy_backward_f32(const float *grad, const float *logits, int64_t n, int64_t c,
                                          int64_t ld, const int64_t *target, const float *weight,
                                          int64_t ignore_index, int reduction, double label_smoothing,
                                          float *out, int64_t *bad_row, int nthreads);
int pag_reduce_cross_entropy_backward_f64(const double *grad, const double *logits, int64_t n,
                                          int64_t c, int64_t ld, const int64_t *target,
                                          const double *weight, int64_t ignore_index, int reduction,
                                          double label_smoothing, double *out, int64_t *bad_row,
                                          int nthreads);
/* cdef-end */

#endif
