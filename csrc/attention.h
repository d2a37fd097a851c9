/* Scaled dot-product attention, blocked with an online softmax: out = softmax(q k^T * scale +
 * bias, causal rows masked) v, never holding more than one block of scores per thread.
 *
 * q (bh, L, E), k (bh, S, E), v (bh, S, Ev), out (bh, L, Ev), lse (bh, L), dq/dk/dv like q/k/v:
 * C-contiguous. bias may be NULL; else element (b, i, j) sits at bias[b * bias_bs + i * bias_rs +
 * j * bias_cs] (strides in elements; 0 broadcasts). causal: query i sees keys j <= i. A row whose
 * every key is masked gives out = 0 and lse = -inf (and zero gradients). dbias, when not NULL, is
 * a C-contiguous (bh, L, S) array receiving d(scores) (the caller sums broadcast dims).
 *
 * The forward parallelizes over (head, query block) pairs, the backward over heads (each thread
 * owns its head's dk and dv). The NumPy reference, with the formulas, is
 * pyautograd/kernels/_numpy/attention.py. Returns PAG_EINVAL for a bad size or NULL pointer,
 * PAG_ENOMEM when the per-thread blocks cannot be allocated. */
#ifndef PAG_ATTENTION_H
#define PAG_ATTENTION_H
#include <stdint.h>

/* cdef-begin */
int pag_attn_sdpa_forward_f32(const float *q, const float *k, const float *v, const float *bias, int64_t bias_bs,
                         int64_t bias_rs, int64_t bias_cs, float *out, float *lse, int64_t bh, int64_t L,
                         int64_t S, int64_t E, int64_t Ev, int causal, double scale, int nthreads);
int pag_attn_sdpa_forward_f64(const double *q, const double *k, const double *v, const double *bias, int64_t bias_bs,
                         int64_t bias_rs, int64_t bias_cs, double *out, double *lse, int64_t bh, int64_t L,
                         int64_t S, int64_t E, int64_t Ev, int causal, double scale, int nthreads);
int pag_attn_sdpa_backward_f32(const float *dout, const float *q, const float *k, const float *v, const float *bias,
                          int64_t bias_bs, int64_t bias_rs, int64_t bias_cs, const float *out, const float *lse,
                          float *dq, float *dk, float *dv, float *dbias, int64_t bh, int64_t L, int64_t S,
                          int64_t E, int64_t Ev, int causal, double scale, int nthreads);
int pag_attn_sdpa_backward_f64(const double *dout, const double *q, const double *k, const double *v,
                          const double *bias, int64_t bias_bs, int64_t bias_rs, int64_t bias_cs,
                          const double *out, const double *lse, double *dq, double *dk, double *dv,
                          double *dbias, int64_t bh, int64_t L, int64_t S, int64_t E, int64_t Ev, int causal,
                          double scale, int nthreads);
/* cdef-end */

#endif
