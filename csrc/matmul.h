/* GEMM kernels: C = act(alpha * op(A) @ op(B) + beta * C0), plain, batched and
 * as a fused Linear layer.
 *
 * Layout arguments: a matrix operand is given by a pointer to its first
 * element, a transpose flag and a leading dimension, as in BLAS but
 * row-major: with trans = 0 the element (i, j) sits at p[i * ld + j] (rows
 * contiguous), with trans = 1 at p[j * ld + i] (columns contiguous, e.g. a
 * NumPy .T view). Batch strides count elements, may be 0 (a broadcast
 * operand) or negative. Outputs are C-contiguous. Activation codes are the
 * PAG_ACT_ constants. */
#ifndef PAG_MATMUL_H
#define PAG_MATMUL_H
#include <stdint.h>

/* cdef-begin */
#define PAG_ACT_NONE 0
#define PAG_ACT_RELU 1
#define PAG_ACT_GELU 2
#define PAG_ACT_GELU_TANH 3

int pag_linalg_gemm_f32(int64_t m, int64_t n, int64_t k, double alpha,
                        const float *a, int transa, int64_t lda,
                        const float *b, int transb, int64_t ldb,
                        double beta, const float *c, int64_t c_rs, int64_t c_cs,
                        float *out, int nthreads);
int pag_linalg_gemm_f64(int64_t m, int64_t n, int64_t k, double alpha,
                        const double *a, int transa, int64_t lda,
                        const double *b, int transb, int64_t ldb,
                        double beta, const double *c, int64_t c_rs, int64_t c_cs,
                        double *out, int nthreads);
int pag_linalg_matmul_f32(const int64_t *batch_shape, int batch_ndim, int64_t m, int64_t n, int64_t k,
                          const float *a, int transa, int64_t lda, const int64_t *a_batch_strides,
                          const float *b, int transb, int64_t ldb, const int64_t *b_batch_strides,
                          float *out, int nthreads);
int pag_linalg_matmul_f64(const int64_t *batch_shape, int batch_ndim, int64_t m, int64_t n, int64_t k,
                          const double *a, int transa, int64_t lda, const int64_t *a_batch_strides,
                          const double *b, int transb, int64_t ldb, const int64_t *b_batch_strides,
                          double *out, int nthreads);
int pag_linalg_linear_f32(int64_t m, int64_t n, int64_t k,
                          const float *x, int transx, int64_t ldx,
                          const float *w, int transw, int64_t ldw,
                          const float *bias, int act, float *out, int nthreads);
int pag_linalg_linear_f64(int64_t m, int64_t n, int64_t k,
                          const double *x, int transx, int64_t ldx,
                          const double *w, int transw, int64_t ldw,
                          const double *bias, int act, double *out, int nthreads);
/* cdef-end */

#endif
