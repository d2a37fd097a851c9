/* Loss kernels: binary cross-entropy from logits, fused with its reduction.
 *
 * binary_cross_entropy_with_logits: x (logits) and t (targets), n contiguous elements each; w and
 * pw (weight, pos_weight) are NULL or n contiguous elements (the caller
 * broadcasts them). Per element
 *     l = w * ((1 - t) x - (1 + (pw - 1) t) logsigmoid(x)),
 * logsigmoid in its overflow-free form. reduction: 0 none (out has n
 * elements), 1 mean, 2 sum (out has 1; the sum accumulates in double, a mean
 * over no element is NaN). */
#ifndef PAG_LOSS_H
#define PAG_LOSS_H
#include <stdint.h>

/* cdef-begin */
int pag_loss_binary_cross_entropy_with_logits_f32(const float *x, const float *t, const float *w,
                                                  const float *pw, int64_t n, int reduction, float *out,
                                                  int nthreads);
int pag_loss_binary_cross_entropy_with_logits_f64(const double *x, const double *t, const double *w,
                                                  const double *pw, int64_t n, int reduction, double *out,
                                                  int nthreads);
/* cdef-end */

#endif
