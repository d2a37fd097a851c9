/* GEMM kernels: C = act(alpha * op(A) @ op(B) + beta * C0), plain, batched and
 * as a fused Linear layer.
 *
 * Layout arguments: a matrix operand is given by a pointer to its first
 * element, a transpose flag and a leading dimension, as in BLAS but
 * row-major: with trans = 0 the element (i, j) sits at p[i * ld + j] (rows
 * contiguous), with trans = 1 at p[j * ld + i] (columns contiguous, e.g. a
 * NumPy .T view). Batch strides count elements, may be 0 (a broadcast
 * operand) or negative. Outputs are C-contiguous. Activation codes are the
 * PAG_ACT_ constants.
 *
 * gemm's addend C0 (strides c_rs, c_cs; NULL for none) may be the output itself
 * (c == out, c_rs = n, c_cs = 1): with beta = 1 the product is then added to out in
 * place, through the tiles' accumulating epilogue (no temporary). Any other overlap
 * of C0 with out is not allowed. */
#ifdef PAG_TYPED_BODY
/* Expanded for float and double by typed.h (C) and by build.py (cffi). */
/* cdef-typed-begin */
int TN(pag_linalg_gemm)(int64_t m, int64_t n, int64_t k, double alpha,
                        const T *a, int transa, int64_t lda,
                        const T *b, int transb, int64_t ldb,
                        double beta, const T *c, int64_t c_rs, int64_t c_cs,
                        T *out, int nthreads);
int TN(pag_linalg_matmul)(const int64_t *batch_shape, int batch_ndim, int64_t m, int64_t n, int64_t k,
                          const T *a, int transa, int64_t lda, const int64_t *a_batch_strides,
                          const T *b, int transb, int64_t ldb, const int64_t *b_batch_strides,
                          T *out, int nthreads);
int TN(pag_linalg_linear)(int64_t m, int64_t n, int64_t k,
                          const T *x, int transx, int64_t ldx,
                          const T *w, int transw, int64_t ldw,
                          const T *bias, int act, T *out, int nthreads);
/* cdef-typed-end */
/* For C callers that multiply by one B many times (a recurrent weight at every time step):
 * pack B (k x n, given as for gemm) once into packed_size(k, n) elements, then call
 * gemm_packed, which is gemm with that B (the same bits; see matmul.c). */
int64_t TN(pag_linalg_gemm_packed_size)(int64_t k, int64_t n);
int TN(pag_linalg_gemm_pack_b)(int64_t k, int64_t n, const T *b, int transb, int64_t ldb, T *packed);
int TN(pag_linalg_gemm_packed)(int64_t m, int64_t n, int64_t k, double alpha, const T *a, int transa,
                               int64_t lda, const T *packed, double beta, const T *c, int64_t c_rs,
                               int64_t c_cs, T *out, int nthreads);

#elif !defined(PAG_MATMUL_H)
#define PAG_MATMUL_H
#include <stdint.h>
/* cdef-begin */
#define PAG_ACT_NONE 0
#define PAG_ACT_RELU 1
#define PAG_ACT_GELU 2
#define PAG_ACT_GELU_TANH 3
/* cdef-end */
/* 1 when the float32 AVX-512 tiles run (the CPU has AVX-512F and PYAUTOGRAD_GEMM_AVX512 is
 * not 0); the convolution's window kernels (winmm.h) follow the same switch. */
int pag_linalg_avx512(void);
#define PAG_TYPED_SELF "matmul.h"
#include "typed.h"
#endif
