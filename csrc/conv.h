/* Convolution kernels: forward, grad-input and grad-weight, im2col/col2im around the
 * project's GEMM (matmul.h), for 1 to 3 spatial dims; stride-1 float32 ones on AVX-512
 * through the window kernels instead (convwin.c, winmm.h).
 *
 * Every shape is given in 3-D form, the caller prepending unit dims for 1-D and 2-D:
 *   xshape = (N, C_in, D, H, W), wshape = (C_out, C_in / groups, KD, KH, KW),
 *   oshape = (OD, OH, OW), geom = (stride[3], padding[3], dilation[3]).
 * The input x of forward and grad-weight is read through element strides xstrides[5]
 * (any layout, e.g. a permuted view); weight, grad (N, C_out, OD, OH, OW) and every
 * output are C-contiguous. Zero padding only.
 *
 * forward:         out = conv(x, w); oshape must equal the size the geometry gives.
 * backward_input:  dx (N, C_in, D, H, W) = the adjoint of conv in x applied to grad;
 *                  oshape may be smaller than the geometry gives (a transposed convolution
 *                  with output_padding), never larger.
 * backward_weight: dw (wshape) = the adjoint of conv in w applied to grad.
 *
 * Threads take whole batch items when there are enough of them (the GEMM then runs on
 * one thread each), else the GEMM is threaded. Returns PAG_EINVAL for a NULL pointer, a
 * negative or inconsistent size, groups not dividing the channels, a non-positive stride
 * or dilation, a negative padding; PAG_ENOMEM when the column buffers cannot be had. */
#ifndef PAG_CONV_H
#define PAG_CONV_H
#include <stdint.h>

/* cdef-begin */
int pag_conv_forward_f32(const float *x, const int64_t *xstrides, const float *w, float *out,
                         const int64_t *xshape, const int64_t *wshape, const int64_t *oshape,
                         const int64_t *geom, int64_t groups, int nthreads);
int pag_conv_forward_f64(const double *x, const int64_t *xstrides, const double *w, double *out,
                         const int64_t *xshape, const int64_t *wshape, const int64_t *oshape,
                         const int64_t *geom, int64_t groups, int nthreads);
int pag_conv_backward_input_f32(const float *grad, const float *w, float *dx, const int64_t *xshape,
                                const int64_t *wshape, const int64_t *oshape, const int64_t *geom,
                                int64_t groups, int nthreads);
int pag_conv_backward_input_f64(const double *grad, const double *w, double *dx, const int64_t *xshape,
                                const int64_t *wshape, const int64_t *oshape, const int64_t *geom,
                                int64_t groups, int nthreads);
int pag_conv_backward_weight_f32(const float *x, const int64_t *xstrides, const float *grad, float *dw,
                                 const int64_t *xshape, const int64_t *wshape, const int64_t *oshape,
                                 const int64_t *geom, int64_t groups, int nthreads);
int pag_conv_backward_weight_f64(const double *x, const int64_t *xstrides, const double *grad, double *dw,
                                 const int64_t *xshape, const int64_t *wshape, const int64_t *oshape,
                                 const int64_t *geom, int64_t groups, int nthreads);
/* cdef-end */

#endif
