/* 2-D pooling kernels over `planes` contiguous (h, w) planes (the caller flattens N and C):
 * max pooling with PyTorch's indices (flat positions in the plane; padding never wins, a
 * NaN always does), its backward (grad added at the indices), and average pooling with
 * PyTorch's divisor rules, forward and backward.
 *
 * geom = (kh, kw, sh, sw, ph, pw, dh, dw) (dilation unused by average pooling); (oh, ow) is
 * the output size the caller computed (ceil_mode included). A divisor_override of 0 means
 * none. Outputs are contiguous and must not overlap the inputs. Returns PAG_EINVAL for a
 * NULL pointer, a non-positive kernel, stride or dilation, a negative padding, an output
 * window that starts outside the padded input, or (backward) an index outside the plane. */
#ifndef PAG_POOL_H
#define PAG_POOL_H
#include <stdint.h>

/* cdef-begin */
int pag_pool_max_pool_f32(const float *x, float *out, int64_t *indices, int64_t planes, int64_t h, int64_t w,
                       int64_t oh, int64_t ow, const int64_t *geom, int nthreads);
int pag_pool_max_pool_f64(const double *x, double *out, int64_t *indices, int64_t planes, int64_t h, int64_t w,
                       int64_t oh, int64_t ow, const int64_t *geom, int nthreads);
int pag_pool_max_pool_backward_f32(const float *grad, const int64_t *indices, float *dx, int64_t planes,
                              int64_t in_plane, int64_t out_plane, int nthreads);
int pag_pool_max_pool_backward_f64(const double *grad, const int64_t *indices, double *dx, int64_t planes,
                              int64_t in_plane, int64_t out_plane, int nthreads);
int pag_pool_avg_pool_f32(const float *x, float *out, int64_t planes, int64_t h, int64_t w, int64_t oh, int64_t ow,
                       const int64_t *geom, int count_include_pad, int64_t divisor_override, int nthreads);
int pag_pool_avg_pool_f64(const double *x, double *out, int64_t planes, int64_t h, int64_t w, int64_t oh, int64_t ow,
                       const int64_t *geom, int count_include_pad, int64_t divisor_override, int nthreads);
int pag_pool_avg_pool_backward_f32(const float *grad, float *dx, int64_t planes, int64_t h, int64_t w, int64_t oh,
                                int64_t ow, const int64_t *geom, int count_include_pad, int64_t divisor_override,
                                int nthreads);
int pag_pool_avg_pool_backward_f64(const double *grad, double *dx, int64_t planes, int64_t h, int64_t w, int64_t oh,
                                int64_t ow, const int64_t *geom, int count_include_pad, int64_t divisor_override,
                                int nthreads);
/* cdef-end */

#endif
