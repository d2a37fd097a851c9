/* Loss kernels, each fused with its reduction. reduction: 0 none (out has one
 * value per element or row), 1 mean, 2 sum (out has 1).
 *
 * binary_cross_entropy_with_logits: x (logits) and t (targets), n contiguous elements each; w and
 * pw (weight, pos_weight) are NULL or n contiguous elements (the caller
 * broadcasts them). Per element
 *     l = w * ((1 - t) x - (1 + (pw - 1) t) logsigmoid(x)),
 * logsigmoid in its overflow-free form. The sum accumulates in double; a mean
 * over no element is NaN.
 *
 * cross_entropy: logits (n, c) with row stride `ld` (classes contiguous),
 * int64 targets (n), optional weight (c) or NULL; PyTorch's label smoothing.
 * A target that is neither in [0, c) nor ignore_index makes the call return
 * PAG_EINVAL with its row in *bad_row (set to -1 otherwise). The backward
 * takes the upstream gradient (n values for reduction none, 1 otherwise) and
 * writes d loss / d logits, (n, c) C-contiguous. */
#ifdef PAG_TYPED_BODY
/* Expanded for float and double by typed.h (C) and by build.py (cffi). */
/* cdef-typed-begin */
int TN(pag_loss_binary_cross_entropy_with_logits)(const T *x, const T *t, const T *w, const T *pw, int64_t n,
                                                   int reduction, T *out, int nthreads);
int TN(pag_loss_cross_entropy)(const T *logits, int64_t n, int64_t c, int64_t ld, const int64_t *target,
                               const T *weight, int64_t ignore_index, int reduction, double label_smoothing,
                               T *out, int64_t *bad_row, int nthreads);
int TN(pag_loss_cross_entropy_backward)(const T *grad, const T *logits, int64_t n, int64_t c, int64_t ld,
                                        const int64_t *target, const T *weight, int64_t ignore_index,
                                        int reduction, double label_smoothing, T *out, int64_t *bad_row,
                                        int nthreads);
/* cdef-typed-end */

#elif !defined(PAG_LOSS_H)
#define PAG_LOSS_H
#include <stdint.h>
#define PAG_TYPED_SELF "loss.h"
#include "typed.h"
#endif
