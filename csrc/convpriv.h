/* What conv.c shares with convwin.c (not part of the cffi API): the checked geometry of a
 * convolution, the per-thread scratch buffers and the stride-1 window paths. */
#ifndef PAG_CONVPRIV_H
#define PAG_CONVPRIV_H
#include <stddef.h>
#include <stdint.h>

/* Below this many multiply-adds a call stays on the calling thread. */
#define CONV_MIN_PARALLEL_FLOPS ((int64_t)1 << 18)

/* A window path declined the call: the caller runs im2col + GEMM. */
#define CONV_WIN_DECLINED (-1)

typedef struct {
    int64_t n, cin, d, h, w;     /* input */
    int64_t cout, cig, kd, kh, kw; /* weight: cig = C_in / groups */
    int64_t od, oh, ow;          /* output */
    int64_t sd, sh, sw, pd, ph, pw, dd, dh, dw;
    int64_t groups, cog, rows, cols; /* cog = C_out / groups, rows = R, cols = L */
    int64_t xs[5];               /* input element strides */
    int direct;                  /* the columns are the input rows themselves (no im2col) */
} conv_geom;

/* How many threads the batch loop gets (1: the GEMM threads instead). */
static inline int conv_batch_team(const conv_geom *g, int nthreads) {
    const double flops = (double)g->n * (double)g->cout * (double)g->rows * (double)g->cols;
    if (nthreads <= 1 || flops < (double)CONV_MIN_PARALLEL_FLOPS || g->n < nthreads) return 1;
    return nthreads;
}

/* A buffer of at least `bytes` for this call on this thread (kept across calls up to a
 * size), or NULL when out of memory; give it back with pag_conv_scratch_release. */
void *pag_conv_scratch(size_t bytes);
void pag_conv_scratch_release(void *p, size_t bytes);

/* The float32 stride-1 convolutions through the window kernels (winmm.h). Each returns
 * CONV_WIN_DECLINED when it does not take the call (no AVX-512, a stride above 1, the 1x1
 * direct case, too few rows, or too many padding lanes), else PAG_OK or PAG_ENOMEM. The
 * arguments are those of pag_conv_* after conv_setup; backward_weight adds into dw (zeroed by
 * the caller), backward_input writes every element of dx. */
int pag_conv_window_forward(const conv_geom *g, const float *x, const float *w, float *out, int nthreads);
int pag_conv_window_backward_input(const conv_geom *g, const float *grad, const float *w, float *dx, int nthreads);
int pag_conv_window_backward_weight(const conv_geom *g, const float *x, const float *grad, float *dw, int nthreads);
#endif
