/* Scaled dot-product attention, blocked with an online softmax: out = softmax(q k^T * scale +
 * bias, causal rows masked) v, never holding more than one block of scores per thread.
 *
 * q (bh, L, E), k (bh, S, E), v (bh, S, Ev), out (bh, L, Ev), lse (bh, L), dq/dk/dv like q/k/v.
 * lse is C-contiguous; the rows of the others are contiguous and placed by `lay`, three element
 * strides per operand (outer batch, inner batch, row): head b's row i of operand o starts at
 * (b / nbi) * lay[3o] + (b % nbi) * lay[3o + 1] + i * lay[3o + 2], where nbi (>= 1, dividing bh)
 * is the inner batch extent (the heads of a (batch, heads, L, E) view). The operands, in order:
 * forward q, k, v, out; backward dout, q, k, v, out, dq, dk, dv. So the heads of a
 * (batch, L, heads, E) tensor, as a Transformer's projection yields them, are read in place.
 * bias may be NULL; else element (b, i, j) sits at bias[b * bias_bs + i * bias_rs +
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
                         int64_t bias_rs, int64_t bias_cs, float *out, float *lse, const int64_t *lay, int64_t nbi, int64_t bh, int64_t L,
                         int64_t S, int64_t E, int64_t Ev, int causal, double scale, int nthreads);
int pag_attn_sdpa_forward_f64(const double *q, const double *k, const double *v, const double *bias, int64_t bias_bs,
                         int64_t bias_rs, int64_t bias_cs, double *out, double *lse, const int64_t *lay, int64_t nbi, int64_t bh, int64_t L,
                         int64_t S, int64_t E, int64_t Ev, int causal, double scale, int nthreads);
int pag_attn_sdpa_backward_f32(const float *dout, const float *q, const float *k, const float *v, const float *bias,
                          int64_t bias_bs, int64_t bias_rs, int64_t bias_cs, const float *out, const float *lse,
                          float *dq, float *dk, float *dv, float *dbias, const int64_t *lay, int64_t nbi, int64_t bh, int64_t L, int64_t S,
                          int64_t E, int64_t Ev, int causal, double scale, int nthreads);
int pag_attn_sdpa_backward_f64(const double *dout, const double *q, const double *k, const double *v,
                          const double *bias, int64_t bias_bs, int64_t bias_rs, int64_t bias_cs,
                          const double *out, const double *lse, double *dq, double *dk, double *dv,
                          double *dbias, const int64_t *lay, int64_t nbi, int64_t bh, int64_t L, int64_t S, int64_t E, int64_t Ev, int causal,
                          double scale, int nthreads);
/* cdef-end */

#endif
