/* Window GEMM and window dot kernels (float32, AVX-512F): the multiply-adds of a stride-1
 * convolution read straight from a (zero-padded) input, with no im2col buffer.
 *
 * A "window operand" B has R rows; row r is the run of the input that starts at b + off[r]
 * (one tap of one channel), and its column for output position (z, y, x) of an output
 * extent (od, oh, ow) is b[off[r] + (z * hp + y) * wp + x], where wp is the padded input's
 * row width and hp its rows per depth slice. So B is never written: a convolution's column
 * matrix is the input itself read at R offsets.
 *
 * The positions are walked by output row, 16 lanes a vector, the row's last vector masked.
 *
 * Internal to the C kernels (no cdef): conv.c's stride-1 paths call it. Every caller
 * checks pag_win_available() first; the kernels exist only on x86-64 with GCC. */
#ifndef PAG_WINMM_H
#define PAG_WINMM_H
#include <stdint.h>

/* Rows per A panel of the window GEMM (A is packed by pag_win_pack_a). */
#define PAG_WIN_MR 8

typedef struct {
    int64_t hp, wp;      /* the padded input's rows per depth slice and row width */
    int64_t od, oh, ow;  /* the output extent */
    int64_t lanes;       /* vector lanes computed per B row: od * oh * ceil(ow / 16) * 16 */
} pag_win_shape;

/* One 16-lane step of a dot walk: B lanes at lb, G lanes at lg, `mask` the valid ones. */
typedef struct {
    int64_t lb, lg;
    uint32_t mask;
} pag_win_step;

/* 1 when the AVX-512 window kernels run on this CPU (the GEMM's switch: see matmul.h). */
int pag_win_available(void);

/* Fills s for an output extent read from a padded input of hp rows of wp (od, oh, ow >= 1,
 * oh <= hp, ow <= wp). */
void pag_win_shape_init(pag_win_shape *s, int64_t od, int64_t oh, int64_t ow, int64_t hp, int64_t wp);

/* Packs A (m x r, element (i, k) at a[i * a_rs + k * a_cs]) into ceil(m / 8) panels of 8 rows,
 * panel p's (k, i) at ap[(p * r + k) * 8 + i], zero-padded: 8 * ceil(m / 8) * r floats. */
void pag_win_pack_a(int64_t m, int64_t r, const float *a, int64_t a_rs, int64_t a_cs, float *ap);

/* out[i * ldo + (z * oh + y) * ow + x] = sum_k A(i, k) * b[off[k] + (z * hp + y) * wp + x]
 * for i < m, every position of s's extent. nthreads > 1 splits the positions. */
void pag_linalg_gemm_windows(const pag_win_shape *s, int64_t m, int64_t r, const float *ap, const float *b,
                             const int64_t *off, float *out, int64_t ldo, int nthreads);

/* The steps of a dot walk over s: B lanes at (z * hp + y) * wp + x, G lanes at the output
 * position (z * oh + y) * ow + x. steps holds pag_win_nsteps(s) entries; returns how many
 * it wrote. */
int64_t pag_win_nsteps(const pag_win_shape *s);
int64_t pag_win_steps(const pag_win_shape *s, pag_win_step *steps);

/* acc[i * ldacc + k] += sum over the steps' valid lanes of g[i * ldg + lg] * b[off[k] + lb],
 * for i < m, k < r. nthreads > 1 splits k; each acc element is summed by one thread in one
 * order, so the result does not depend on the thread count. */
void pag_linalg_dot_windows(int64_t m, int64_t r, const float *g, int64_t ldg, const float *b, const int64_t *off,
                            const pag_win_step *steps, int64_t nsteps, float *acc, int64_t ldacc, int nthreads);
#endif
