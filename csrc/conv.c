/* Convolution kernels (see conv.h for the contract).
 *
 * For batch item n and group g, with L = OD * OH * OW output positions and
 * R = C_in/groups * KD * KH * KW kernel rows:
 *   im2col:          col[r, l] = padded x[n, g's channel of r, position l + tap of r]  (R x L)
 *   forward:         out[n, g] (C_out/g x L)  = w[g] (C_out/g x R) @ col
 *   backward_input:  col = w[g]^T (R x C_out/g) @ grad[n, g] (C_out/g x L), then col2im adds
 *                    each col[r, l] back to the input position it was read from
 *   backward_weight: dw[g] += grad[n, g] (C_out/g x L) @ col^T (L x R), added in place by the GEMM
 * A 1x1 kernel with stride 1 and no padding over a contiguous input needs no im2col: the
 * input rows are the columns. The GEMM is pag_linalg_gemm (matmul.c). A stride-1 float32
 * convolution on AVX-512 skips all of this when convwin.c takes it (the window kernels read
 * the columns from the padded input in place); float64 keeps im2col.
 *
 * This file includes itself twice, with T = float and T = double. */
#ifndef PAG_TYPED_BODY
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "common.h"
#include "conv.h"
#include "convpriv.h"
#include "matmul.h"

/* ---- per-thread column buffers ---------------------------------------------- */

/* Each thread keeps its column buffer across calls: a column buffer is hundreds of KB,
 * so malloc gives fresh pages (mmap, or a heap grown again after a trim) and the page
 * faults of every call cost ~5% of a small ResNet's training step. Buffers above
 * CONV_KEEP_BYTES are allocated per call and freed, so one huge convolution does not pin
 * its memory for the thread's life. Freed when the thread exits. */
#define CONV_KEEP_BYTES ((size_t)64 << 20)

typedef struct {
    void *data;
    size_t cap;
} conv_buffer;

static pthread_key_t conv_key;
static pthread_once_t conv_once = PTHREAD_ONCE_INIT;

static void conv_buffer_free(void *p) {
    conv_buffer *buf = p;
    free(buf->data);
    free(buf);
}

static void conv_key_init(void) { (void)pthread_key_create(&conv_key, conv_buffer_free); }

/* A buffer of at least `bytes` for this call, or NULL when out of memory; give it back
 * with col_release. */
void *pag_conv_scratch(size_t bytes) {
    if (bytes > CONV_KEEP_BYTES) return malloc(bytes);
    pthread_once(&conv_once, conv_key_init);
    conv_buffer *buf = pthread_getspecific(conv_key);
    if (!buf) {
        buf = calloc(1, sizeof *buf);
        if (!buf) return NULL;
        if (pthread_setspecific(conv_key, buf) != 0) { free(buf); return NULL; }
    }
    if (buf->cap < bytes) {
        free(buf->data);
        buf->data = malloc(bytes);
        buf->cap = buf->data ? bytes : 0;
    }
    return buf->data;
}

void pag_conv_scratch_release(void *p, size_t bytes) {
    if (bytes > CONV_KEEP_BYTES) free(p);
}

static int direct_columns(const conv_geom *g);

static int64_t out_extent(int64_t in, int64_t k, int64_t s, int64_t p, int64_t d) {
    return (in + 2 * p - d * (k - 1) - 1) / s + 1;
}

/* Fills g from the arguments; returns PAG_EINVAL when any is invalid. `exact`: oshape must
 * equal the size the geometry gives (else it may be smaller). */
static int conv_setup(conv_geom *g, const int64_t *xshape, const int64_t *xstrides, const int64_t *wshape,
                      const int64_t *oshape, const int64_t *geom, int64_t groups, int exact) {
    if (!xshape || !wshape || !oshape || !geom || groups <= 0) return PAG_EINVAL;
    if (pag_numel(xshape, 5) < 0 || pag_numel(wshape, 5) < 0 || pag_numel(oshape, 3) < 0) return PAG_EINVAL;
    g->n = xshape[0]; g->cin = xshape[1]; g->d = xshape[2]; g->h = xshape[3]; g->w = xshape[4];
    g->cout = wshape[0]; g->cig = wshape[1]; g->kd = wshape[2]; g->kh = wshape[3]; g->kw = wshape[4];
    g->od = oshape[0]; g->oh = oshape[1]; g->ow = oshape[2];
    g->sd = geom[0]; g->sh = geom[1]; g->sw = geom[2];
    g->pd = geom[3]; g->ph = geom[4]; g->pw = geom[5];
    g->dd = geom[6]; g->dh = geom[7]; g->dw = geom[8];
    g->groups = groups;
    if (g->sd <= 0 || g->sh <= 0 || g->sw <= 0 || g->dd <= 0 || g->dh <= 0 || g->dw <= 0) return PAG_EINVAL;
    if (g->pd < 0 || g->ph < 0 || g->pw < 0) return PAG_EINVAL;
    if (g->cout % groups || g->cig * groups != g->cin) return PAG_EINVAL;
    if (g->kd <= 0 || g->kh <= 0 || g->kw <= 0) return PAG_EINVAL;
    const int64_t full[3] = {out_extent(g->d, g->kd, g->sd, g->pd, g->dd), out_extent(g->h, g->kh, g->sh, g->ph, g->dh),
                             out_extent(g->w, g->kw, g->sw, g->pw, g->dw)};
    for (int i = 0; i < 3; i++) {
        if (full[i] < 1) return PAG_EINVAL;  /* the kernel exceeds the padded input */
        if (exact ? oshape[i] != full[i] : oshape[i] > full[i]) return PAG_EINVAL;
    }
    g->cog = g->cout / groups;
    g->rows = g->cig * g->kd * g->kh * g->kw;
    g->cols = g->od * g->oh * g->ow;
    if (g->rows > 0 && g->cols > INT64_MAX / g->rows / 8) return PAG_EINVAL;
    if (xstrides) {
        for (int i = 0; i < 5; i++) g->xs[i] = xstrides[i];
    } else {
        g->xs[4] = 1; g->xs[3] = g->w; g->xs[2] = g->h * g->w; g->xs[1] = g->d * g->h * g->w;
        g->xs[0] = g->cin * g->xs[1];
    }
    g->direct = direct_columns(g);
    return PAG_OK;
}

/* The output range [lo, hi) of one axis whose input position o * s - p + t stays in [0, in). */
static void valid_range(int64_t out, int64_t in, int64_t s, int64_t p, int64_t t, int64_t *lo, int64_t *hi) {
    const int64_t first = p - t;  /* o * s >= first */
    int64_t a = first <= 0 ? 0 : (first + s - 1) / s;
    const int64_t last = in - 1 + p - t;  /* o * s <= last */
    int64_t b = last < 0 ? 0 : last / s + 1;
    if (b > out) b = out;
    if (a > b) a = b;
    *lo = a;
    *hi = b;
}

/* Whether the columns are the input rows themselves (1x1, stride 1, no padding, contiguous
 * input, every input position covered). */
static int direct_columns(const conv_geom *g) {
    return g->cols == g->d * g->h * g->w && g->kd == 1 && g->kh == 1 && g->kw == 1 && g->sd == 1 && g->sh == 1 && g->sw == 1 &&
           g->pd == 0 && g->ph == 0 && g->pw == 0 && g->xs[4] == 1 && g->xs[3] == g->w &&
           g->xs[2] == g->h * g->w && g->xs[1] == g->d * g->h * g->w;
}

/* The stride-1 window paths (convwin.c) are float32 only: the float64 instances decline. */
static int win_forward_f32(const conv_geom *g, const float *x, const float *w, float *out, int nthreads) {
    return pag_conv_window_forward(g, x, w, out, nthreads);
}
static int win_backward_input_f32(const conv_geom *g, const float *grad, const float *w, float *dx, int nthreads) {
    return pag_conv_window_backward_input(g, grad, w, dx, nthreads);
}
static int win_backward_weight_f32(const conv_geom *g, const float *x, const float *grad, float *dw, int nthreads) {
    return pag_conv_window_backward_weight(g, x, grad, dw, nthreads);
}
static int win_forward_f64(const conv_geom *g, const double *x, const double *w, double *out, int nthreads) {
    (void)g; (void)x; (void)w; (void)out; (void)nthreads;
    return CONV_WIN_DECLINED;
}
static int win_backward_input_f64(const conv_geom *g, const double *grad, const double *w, double *dx, int nthreads) {
    (void)g; (void)grad; (void)w; (void)dx; (void)nthreads;
    return CONV_WIN_DECLINED;
}
static int win_backward_weight_f64(const conv_geom *g, const double *x, const double *grad, double *dw,
                                   int nthreads) {
    (void)g; (void)x; (void)grad; (void)dw; (void)nthreads;
    return CONV_WIN_DECLINED;
}

#define PAG_TYPED_SELF "conv.c"
#include "typed.h"

#else /* PAG_TYPED_BODY: compiled once per T */

static int TN(gemm)(int64_t m, int64_t n, int64_t k, const T *a, int ta, int64_t lda, const T *b, int tb,
                    int64_t ldb, T *out, int nthreads) {
    return TN(pag_linalg_gemm)(m, n, k, 1.0, a, ta, lda, b, tb, ldb, 0.0, NULL, 0, 0, out, nthreads);
}

/* The columns of batch item n, group gi (rows x cols), from the strided input. */
static PAG_CLONES void TN(im2col)(const conv_geom *g, const T *x, int64_t n, int64_t gi, T *PAG_RESTRICT col) {
    const int64_t L = g->cols;
    for (int64_t c = 0; c < g->cig; c++) {
        const T *xc = x + n * g->xs[0] + (gi * g->cig + c) * g->xs[1];
        for (int64_t td = 0; td < g->kd; td++)
            for (int64_t th = 0; th < g->kh; th++)
                for (int64_t tw = 0; tw < g->kw; tw++) {
                    T *row = col + (((c * g->kd + td) * g->kh + th) * g->kw + tw) * L;
                    int64_t wlo, whi;
                    valid_range(g->ow, g->w, g->sw, g->pw, tw * g->dw, &wlo, &whi);
                    const int64_t iw0 = tw * g->dw - g->pw;
                    for (int64_t od = 0; od < g->od; od++) {
                        const int64_t id = od * g->sd - g->pd + td * g->dd;
                        for (int64_t oh = 0; oh < g->oh; oh++) {
                            T *dst = row + (od * g->oh + oh) * g->ow;
                            const int64_t ih = oh * g->sh - g->ph + th * g->dh;
                            if (id < 0 || id >= g->d || ih < 0 || ih >= g->h) {
                                memset(dst, 0, sizeof(T) * (size_t)g->ow);
                                continue;
                            }
                            const T *src = xc + id * g->xs[2] + ih * g->xs[3];
                            for (int64_t ow = 0; ow < wlo; ow++) dst[ow] = 0;
                            if (g->sw == 1 && g->xs[4] == 1) {
                                memcpy(dst + wlo, src + wlo + iw0, sizeof(T) * (size_t)(whi - wlo));
                            } else {
                                const int64_t step = g->sw * g->xs[4];
                                const T *s = src + (wlo * g->sw + iw0) * g->xs[4];
                                for (int64_t ow = wlo; ow < whi; ow++, s += step) dst[ow] = *s;
                            }
                            for (int64_t ow = whi; ow < g->ow; ow++) dst[ow] = 0;
                        }
                    }
                }
    }
}

/* Adds the columns (rows x cols) back into dx of batch item n, group gi (contiguous). */
static PAG_CLONES void TN(col2im)(const conv_geom *g, const T *PAG_RESTRICT col, int64_t n, int64_t gi, T *dx) {
    const int64_t L = g->cols, plane = g->d * g->h * g->w;
    for (int64_t c = 0; c < g->cig; c++) {
        T *xc = dx + (n * g->cin + gi * g->cig + c) * plane;
        for (int64_t td = 0; td < g->kd; td++)
            for (int64_t th = 0; th < g->kh; th++)
                for (int64_t tw = 0; tw < g->kw; tw++) {
                    const T *row = col + (((c * g->kd + td) * g->kh + th) * g->kw + tw) * L;
                    int64_t wlo, whi;
                    valid_range(g->ow, g->w, g->sw, g->pw, tw * g->dw, &wlo, &whi);
                    const int64_t iw0 = tw * g->dw - g->pw;
                    for (int64_t od = 0; od < g->od; od++) {
                        const int64_t id = od * g->sd - g->pd + td * g->dd;
                        if (id < 0 || id >= g->d) continue;
                        for (int64_t oh = 0; oh < g->oh; oh++) {
                            const int64_t ih = oh * g->sh - g->ph + th * g->dh;
                            if (ih < 0 || ih >= g->h) continue;
                            const T *src = row + (od * g->oh + oh) * g->ow;
                            T *dst = xc + (id * g->h + ih) * g->w + iw0;
                            if (g->sw == 1) {
                                PAG_PRAGMA(omp simd)
                                for (int64_t ow = wlo; ow < whi; ow++) dst[ow] += src[ow];
                            } else {
                                for (int64_t ow = wlo; ow < whi; ow++) dst[ow * g->sw] += src[ow];
                            }
                        }
                    }
                }
    }
}

/* One batch item of the forward. col: a rows x cols buffer (unused for direct columns). */
static int TN(forward_item)(const conv_geom *g, const T *x, const T *w, T *out, int64_t n, T *col, int nthreads) {
    for (int64_t gi = 0; gi < g->groups; gi++) {
        const T *b = col;
        if (g->direct) {
            b = x + n * g->xs[0] + gi * g->cig * g->xs[1];
        } else {
            TN(im2col)(g, x, n, gi, col);
        }
        int st = TN(gemm)(g->cog, g->cols, g->rows, w + gi * g->cog * g->rows, 0, g->rows, b, 0, g->cols,
                          out + (n * g->cout + gi * g->cog) * g->cols, nthreads);
        if (st != PAG_OK) return st;
    }
    return PAG_OK;
}

int TN(pag_conv_forward)(const T *x, const int64_t *xstrides, const T *w, T *out, const int64_t *xshape,
                         const int64_t *wshape, const int64_t *oshape, const int64_t *geom, int64_t groups,
                         int nthreads) {
    conv_geom g;
    if (!xstrides || conv_setup(&g, xshape, xstrides, wshape, oshape, geom, groups, 1) != PAG_OK)
        return PAG_EINVAL;
    if (g.n * g.cout * g.cols == 0) return PAG_OK;
    if (!x || !w || !out) return PAG_EINVAL;
    if (g.rows == 0) {
        memset(out, 0, sizeof(T) * (size_t)(g.n * g.cout * g.cols));
        return PAG_OK;
    }
    const int win = TN(win_forward)(&g, x, w, out, nthreads);
    if (win != CONV_WIN_DECLINED) return win;
    const int team = conv_batch_team(&g, nthreads);
    const size_t col_bytes = sizeof(T) * (size_t)(g.rows * g.cols);
    int status = PAG_OK;
    if (team <= 1) {
        T *col = g.direct ? NULL : pag_conv_scratch(col_bytes);
        if (!g.direct && !col) return PAG_ENOMEM;
        for (int64_t n = 0; n < g.n && status == PAG_OK; n++) status = TN(forward_item)(&g, x, w, out, n, col, nthreads);
        pag_conv_scratch_release(col, col_bytes);
        return status;
    }
    PAG_PRAGMA(omp parallel num_threads(team))
    {
        T *col = g.direct ? NULL : pag_conv_scratch(col_bytes);
        int mine = (!g.direct && !col) ? PAG_ENOMEM : PAG_OK;
        PAG_PRAGMA(omp for schedule(dynamic, 1))
        for (int64_t n = 0; n < g.n; n++) {
            if (mine == PAG_OK) mine = TN(forward_item)(&g, x, w, out, n, col, 1);
        }
        pag_conv_scratch_release(col, col_bytes);
        if (mine != PAG_OK) {
            PAG_PRAGMA(omp atomic write)
            status = mine;
        }
    }
    return status;
}

static int TN(backward_input_item)(const conv_geom *g, const T *grad, const T *w, T *dx, int64_t n, T *col,
                                   int nthreads) {
    for (int64_t gi = 0; gi < g->groups; gi++) {
        const T *gn = grad + (n * g->cout + gi * g->cog) * g->cols;
        const T *wg = w + gi * g->cog * g->rows;
        if (g->direct) {  /* dx rows are the columns: written by the GEMM itself */
            int st = TN(gemm)(g->rows, g->cols, g->cog, wg, 1, g->rows, gn, 0, g->cols,
                              dx + (n * g->cin + gi * g->cig) * g->cols, nthreads);
            if (st != PAG_OK) return st;
            continue;
        }
        int st = TN(gemm)(g->rows, g->cols, g->cog, wg, 1, g->rows, gn, 0, g->cols, col, nthreads);
        if (st != PAG_OK) return st;
        TN(col2im)(g, col, n, gi, dx);
    }
    return PAG_OK;
}

int TN(pag_conv_backward_input)(const T *grad, const T *w, T *dx, const int64_t *xshape, const int64_t *wshape,
                                const int64_t *oshape, const int64_t *geom, int64_t groups, int nthreads) {
    conv_geom g;
    if (conv_setup(&g, xshape, NULL, wshape, oshape, geom, groups, 0) != PAG_OK) return PAG_EINVAL;
    const int64_t nx = g.n * g.cin * g.d * g.h * g.w;
    if (nx == 0) return PAG_OK;
    if (!dx) return PAG_EINVAL;
    if (g.cout * g.cols > 0 && g.rows > 0) {
        if (!grad || !w) return PAG_EINVAL;
        const int win = TN(win_backward_input)(&g, grad, w, dx, nthreads);  /* writes all of dx */
        if (win != CONV_WIN_DECLINED) return win;
    }
    memset(dx, 0, sizeof(T) * (size_t)nx);
    if (g.cout * g.cols == 0 || g.rows == 0) return PAG_OK;
    const int direct = g.direct;
    const int team = conv_batch_team(&g, nthreads);
    const size_t col_bytes = sizeof(T) * (size_t)(g.rows * g.cols);
    int status = PAG_OK;
    if (team <= 1) {
        T *col = direct ? NULL : pag_conv_scratch(col_bytes);
        if (!direct && !col) return PAG_ENOMEM;
        for (int64_t n = 0; n < g.n && status == PAG_OK; n++)
            status = TN(backward_input_item)(&g, grad, w, dx, n, col, nthreads);
        pag_conv_scratch_release(col, col_bytes);
        return status;
    }
    PAG_PRAGMA(omp parallel num_threads(team))
    {
        T *col = direct ? NULL : pag_conv_scratch(col_bytes);
        int mine = (!direct && !col) ? PAG_ENOMEM : PAG_OK;
        PAG_PRAGMA(omp for schedule(dynamic, 1))
        for (int64_t n = 0; n < g.n; n++) {
            if (mine == PAG_OK) mine = TN(backward_input_item)(&g, grad, w, dx, n, col, 1);
        }
        pag_conv_scratch_release(col, col_bytes);
        if (mine != PAG_OK) {
            PAG_PRAGMA(omp atomic write)
            status = mine;
        }
    }
    return status;
}

/* acc (cout x rows) += grad[n] @ col^T for every group, summed by the GEMM into acc in place. */
static int TN(backward_weight_item)(const conv_geom *g, const T *x, const T *grad, T *acc, int64_t n, T *col,
                                    int nthreads) {
    for (int64_t gi = 0; gi < g->groups; gi++) {
        const T *b = col;
        if (g->direct) {
            b = x + n * g->xs[0] + gi * g->cig * g->xs[1];
        } else {
            TN(im2col)(g, x, n, gi, col);
        }
        const T *gn = grad + (n * g->cout + gi * g->cog) * g->cols;
        T *a = acc + gi * g->cog * g->rows;
        int st = TN(pag_linalg_gemm)(g->cog, g->rows, g->cols, 1.0, gn, 0, g->cols, b, 1, g->cols, 1.0, a, g->rows,
                                     1, a, nthreads);
        if (st != PAG_OK) return st;
    }
    return PAG_OK;
}

int TN(pag_conv_backward_weight)(const T *x, const int64_t *xstrides, const T *grad, T *dw, const int64_t *xshape,
                                 const int64_t *wshape, const int64_t *oshape, const int64_t *geom, int64_t groups,
                                 int nthreads) {
    conv_geom g;
    if (!xstrides || conv_setup(&g, xshape, xstrides, wshape, oshape, geom, groups, 1) != PAG_OK)
        return PAG_EINVAL;
    const int64_t nw = g.cout * g.rows;
    if (nw == 0) return PAG_OK;
    if (!dw) return PAG_EINVAL;
    memset(dw, 0, sizeof(T) * (size_t)nw);
    if (g.n * g.cols == 0) return PAG_OK;
    if (!x || !grad) return PAG_EINVAL;
    const int win = TN(win_backward_weight)(&g, x, grad, dw, nthreads);
    if (win != CONV_WIN_DECLINED) return win;
    const int team = conv_batch_team(&g, nthreads);
    const size_t col_bytes = sizeof(T) * (size_t)(g.rows * g.cols);
    const int direct = g.direct;
    int status = PAG_OK;
    if (team <= 1) {
        T *col = direct ? NULL : pag_conv_scratch(col_bytes);
        if (!direct && !col) status = PAG_ENOMEM;
        for (int64_t n = 0; n < g.n && status == PAG_OK; n++)
            status = TN(backward_weight_item)(&g, x, grad, dw, n, col, nthreads);
        pag_conv_scratch_release(col, col_bytes);
        return status;
    }
    /* Each thread sums its batch items into its own accumulator; they are added in thread
     * order at the end, so the result does not depend on scheduling. */
    T *partials = calloc((size_t)team * (size_t)nw, sizeof(T));
    if (!partials) return PAG_ENOMEM;
    PAG_PRAGMA(omp parallel num_threads(team))
    {
        const int t = pag_thread_num();
        T *col = direct ? NULL : pag_conv_scratch(col_bytes);
        int mine = (!direct && !col) ? PAG_ENOMEM : PAG_OK;
        int64_t lo, hi;
        pag_chunk(g.n, pag_num_threads(), t, &lo, &hi);
        for (int64_t n = lo; n < hi && mine == PAG_OK; n++)
            mine = TN(backward_weight_item)(&g, x, grad, partials + (size_t)t * (size_t)nw, n, col, 1);
        pag_conv_scratch_release(col, col_bytes);
        if (mine != PAG_OK) {
            PAG_PRAGMA(omp atomic write)
            status = mine;
        }
    }
    for (int t = 0; t < team; t++) {
        const T *p = partials + (size_t)t * (size_t)nw;
        for (int64_t i = 0; i < nw; i++) dw[i] += p[i];
    }
    free(partials);
    return status;
}

#endif
