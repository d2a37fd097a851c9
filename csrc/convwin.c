/* Stride-1 float32 convolutions without im2col (see convpriv.h; kernels in winmm.c).
 *
 * With stride 1, tap (c, a, b, e) of output position (z, y, x) reads the zero-padded input at
 * c * plane + (z + a * dd) * Hp * Wp + (y + b * dh) * Wp + x + e * dw: a fixed offset per tap
 * plus a position term shared by every tap. So the column matrix of im2col is the padded
 * input itself read at R offsets, and the window kernels take it as their B operand:
 *   forward:         out[n, g] = w[g] (C_out/g x R) @ windows of padded x[n, g]
 *   backward_input:  dx[n, g] = w'[g] (C_in/g x C_out/g * K) @ windows of padded grad[n, g],
 *                    w' the weight with channels swapped and taps reversed (the adjoint of a
 *                    stride-1 convolution is the convolution with the flipped kernel over the
 *                    grad padded by dilation * (K - 1) - padding), so no col2im;
 *   backward_weight: dw[g](co, r) += grad[n, g, co] . window r of padded x[n, g] (dot kernel).
 * Each image is padded into a per-thread buffer (one pass over it, where im2col wrote K
 * times the input); an unpadded contiguous input is read in place. */
#include <stdlib.h>
#include <string.h>

#include "common.h"
#include "convpriv.h"
#include "winmm.h"

#define ROUND8(m) (((m) + PAG_WIN_MR - 1) / PAG_WIN_MR * PAG_WIN_MR)

/* Whether the window path pays: AVX-512, all strides 1, not the 1x1 direct case, at least 4
 * rows in the GEMM (A panels are 8 high) and at most twice the lanes of the output; nchan
 * planes of extent dext are padded per image. */
static int win_take(const conv_geom *g, const pag_win_shape *s, int64_t m, int64_t nchan, const int64_t dext[3]) {
    if (g->sd != 1 || g->sh != 1 || g->sw != 1 || g->direct || m < 4) return 0;
    /* Rows a few lanes past a multiple of 16 (MNIST's 26- and 24-wide maps) waste up to a
     * quarter of the lanes: measured 1.1-1.2x slower there than im2col + the GEMM's packed
     * tiles (grad-input, grad-weight), so those stay on im2col. */
    if (s->lanes * 10 > s->od * s->oh * s->ow * 11) return 0;
    /* the padded copy's size fits easily in the int64 index arithmetic */
    if ((double)nchan * (double)dext[0] * (double)dext[1] * (double)dext[2] > 0x1p40) return 0;
    return pag_win_available();
}

/* off[(c * kd + a) * kh * kw + b * kw + e] = c * plane + a * dd * hp * wp + b * dh * wp + e * dw:
 * the R taps over nchan channels of (.., hp, wp) planes. */
static void win_offsets(const conv_geom *g, int64_t nchan, int64_t plane, int64_t hp, int64_t wp, int64_t *off) {
    for (int64_t c = 0; c < nchan; c++)
        for (int64_t a = 0; a < g->kd; a++)
            for (int64_t b = 0; b < g->kh; b++)
                for (int64_t e = 0; e < g->kw; e++)
                    *off++ = c * plane + a * g->dd * hp * wp + b * g->dh * wp + e * g->dw;
}

/* dst (C, dext) contiguous: dst[c][z][y][x] = src[c][z - q0][y - q1][x - q2] (src of extent
 * sext, element strides ss) where that is inside src, else 0. */
static void win_pad(const float *src, const int64_t ss[4], const int64_t sext[4], float *dst, const int64_t dext[3],
                    const int64_t q[3]) {
    const int64_t x0 = q[2] < 0 ? 0 : q[2] > dext[2] ? dext[2] : q[2];
    int64_t x1 = q[2] + sext[3];
    x1 = x1 < x0 ? x0 : x1 > dext[2] ? dext[2] : x1;
    for (int64_t c = 0; c < sext[0]; c++)
        for (int64_t z = 0; z < dext[0]; z++)
            for (int64_t y = 0; y < dext[1]; y++, dst += dext[2]) {
                const int64_t sz = z - q[0], sy = y - q[1];
                if (sz < 0 || sz >= sext[1] || sy < 0 || sy >= sext[2] || x1 == x0) {
                    memset(dst, 0, sizeof(float) * (size_t)dext[2]);
                    continue;
                }
                const float *row = src + c * ss[0] + sz * ss[1] + sy * ss[2] + (x0 - q[2]) * ss[3];
                memset(dst, 0, sizeof(float) * (size_t)x0);
                if (ss[3] == 1) {
                    memcpy(dst + x0, row, sizeof(float) * (size_t)(x1 - x0));
                } else {
                    for (int64_t x = x0; x < x1; x++, row += ss[3]) dst[x] = *row;
                }
                memset(dst + x1, 0, sizeof(float) * (size_t)(dext[2] - x1));
            }
}

/* The padded input's extents and whether x (image n, group gi) can be read in place. */
typedef struct {
    const conv_geom *g;
    const float *x, *w, *grad;
    float *out;
    const float *ap;          /* packed A of every group (ROUND8(m) * k floats each) */
    const int64_t *off;
    const pag_win_step *steps;
    int64_t nsteps;
    pag_win_shape s;
    int64_t dext[3];          /* the padded operand's extents */
    int64_t q[3];             /* where the unpadded operand starts in it */
    int inplace;              /* x is read in place (no padding, contiguous) */
} win_ctx;

static void input_padding(win_ctx *c) {
    const conv_geom *g = c->g;
    c->dext[0] = g->d + 2 * g->pd; c->dext[1] = g->h + 2 * g->ph; c->dext[2] = g->w + 2 * g->pw;
    c->q[0] = g->pd; c->q[1] = g->ph; c->q[2] = g->pw;
    c->inplace = g->pd == 0 && g->ph == 0 && g->pw == 0 && g->xs[4] == 1 && g->xs[3] == g->w &&
                 g->xs[2] == g->h * g->w && g->xs[1] == g->d * g->h * g->w;
    pag_win_shape_init(&c->s, g->od, g->oh, g->ow, c->dext[1], c->dext[2]);
}

/* The padded input of image n, group gi: x itself, or its copy in buf. */
static const float *padded_input(const win_ctx *c, int64_t n, int64_t gi, float *buf) {
    const conv_geom *g = c->g;
    const float *xg = c->x + n * g->xs[0] + gi * g->cig * g->xs[1];
    if (c->inplace) return xg;
    const int64_t ss[4] = {g->xs[1], g->xs[2], g->xs[3], g->xs[4]}, sext[4] = {g->cig, g->d, g->h, g->w};
    win_pad(xg, ss, sext, buf, c->dext, c->q);
    return buf;
}

static int64_t plane_of(const int64_t ext[3]) { return ext[0] * ext[1] * ext[2]; }

/* One image: called with this thread's scratch and accumulator. */
typedef int (*win_item)(const win_ctx *c, int64_t n, float *buf, float *acc, int nthreads);

/* Runs item for every image: on the calling thread (the kernels then thread), or images
 * split in fixed chunks over a team, each thread with its own scratch of `bytes` and, when
 * acc is given, its own zeroed accumulator of nacc floats, added into acc in thread order
 * at the end (so results do not depend on scheduling). */
static int win_batch(const win_ctx *c, int nthreads, size_t bytes, win_item item, float *acc, int64_t nacc) {
    const conv_geom *g = c->g;
    const int team = conv_batch_team(g, nthreads);
    int status = PAG_OK;
    if (team <= 1) {
        float *buf = bytes ? pag_conv_scratch(bytes) : NULL;
        if (bytes && !buf) return PAG_ENOMEM;
        for (int64_t n = 0; n < g->n && status == PAG_OK; n++) status = item(c, n, buf, acc, nthreads);
        pag_conv_scratch_release(buf, bytes);
        return status;
    }
    float *partials = acc ? calloc((size_t)team * (size_t)nacc, sizeof(float)) : NULL;
    if (acc && !partials) return PAG_ENOMEM;
    PAG_PRAGMA(omp parallel num_threads(team))
    {
        const int t = pag_thread_num();
        float *buf = bytes ? pag_conv_scratch(bytes) : NULL;
        int mine = bytes && !buf ? PAG_ENOMEM : PAG_OK;
        int64_t lo, hi;
        pag_chunk(g->n, pag_num_threads(), t, &lo, &hi);
        for (int64_t n = lo; n < hi && mine == PAG_OK; n++)
            mine = item(c, n, buf, partials ? partials + (size_t)t * (size_t)nacc : NULL, 1);
        pag_conv_scratch_release(buf, bytes);
        if (mine != PAG_OK) {
            PAG_PRAGMA(omp atomic write)
            status = mine;
        }
    }
    if (partials) {
        for (int t = 0; t < team; t++) {
            const float *p = partials + (size_t)t * (size_t)nacc;
            for (int64_t i = 0; i < nacc; i++) acc[i] += p[i];
        }
        free(partials);
    }
    return status;
}

/* ---- forward ---------------------------------------------------------------------------- */

static int forward_item(const win_ctx *c, int64_t n, float *buf, float *acc, int nthreads) {
    const conv_geom *g = c->g;
    (void)acc;
    for (int64_t gi = 0; gi < g->groups; gi++)
        pag_linalg_gemm_windows(&c->s, g->cog, g->rows, c->ap + gi * ROUND8(g->cog) * g->rows,
                                padded_input(c, n, gi, buf), c->off, c->out + (n * g->cout + gi * g->cog) * g->cols,
                                g->cols, nthreads);
    return PAG_OK;
}

int pag_conv_window_forward(const conv_geom *g, const float *x, const float *w, float *out, int nthreads) {
    win_ctx c = {.g = g, .x = x, .w = w, .out = out};
    input_padding(&c);
    if (!win_take(g, &c.s, g->cog, g->cig, c.dext)) return CONV_WIN_DECLINED;
    float *ap = malloc(sizeof(float) * (size_t)(g->groups * ROUND8(g->cog) * g->rows));
    int64_t *off = malloc(sizeof(int64_t) * (size_t)g->rows);
    int status = PAG_ENOMEM;
    if (ap && off) {
        for (int64_t gi = 0; gi < g->groups; gi++)
            pag_win_pack_a(g->cog, g->rows, w + gi * g->cog * g->rows, g->rows, 1, ap + gi * ROUND8(g->cog) * g->rows);
        win_offsets(g, g->cig, plane_of(c.dext), c.dext[1], c.dext[2], off);
        c.ap = ap;
        c.off = off;
        status = win_batch(&c, nthreads, c.inplace ? 0 : sizeof(float) * (size_t)(g->cig * plane_of(c.dext)),
                           forward_item, NULL, 0);
    }
    free(ap);
    free(off);
    return status;
}

/* ---- grad-input ------------------------------------------------------------------------- */

static int backward_input_item(const win_ctx *c, int64_t n, float *buf, float *acc, int nthreads) {
    const conv_geom *g = c->g;
    const int64_t taps = g->kd * g->kh * g->kw, k = g->cog * taps, ocols = g->od * g->oh * g->ow;
    const int64_t sext[4] = {g->cog, g->od, g->oh, g->ow}, ss[4] = {ocols, g->oh * g->ow, g->ow, 1};
    (void)acc;
    for (int64_t gi = 0; gi < g->groups; gi++) {
        win_pad(c->grad + (n * g->cout + gi * g->cog) * ocols, ss, sext, buf, c->dext, c->q);
        pag_linalg_gemm_windows(&c->s, g->cig, k, c->ap + gi * ROUND8(g->cig) * k, buf, c->off,
                                c->out + (n * g->cin + gi * g->cig) * g->d * g->h * g->w, g->d * g->h * g->w, nthreads);
    }
    return PAG_OK;
}

/* A' of group gi: row ci, column co * taps + t is w[gi * cog + co, ci, tap taps - 1 - t] (the
 * kernel flipped in every dim is its taps in reverse order), packed in panels of 8 rows. */
static void pack_flipped(const conv_geom *g, const float *w, int64_t gi, float *ap) {
    const int64_t taps = g->kd * g->kh * g->kw, k = g->cog * taps;
    for (int64_t p = 0; p < g->cig; p += PAG_WIN_MR, ap += PAG_WIN_MR * k)
        for (int64_t co = 0; co < g->cog; co++)
            for (int64_t t = 0; t < taps; t++)
                for (int64_t i = 0; i < PAG_WIN_MR; i++) {
                    const int64_t ci = p + i;
                    ap[(co * taps + t) * PAG_WIN_MR + i] =
                        ci < g->cig ? w[((gi * g->cog + co) * g->cig + ci) * taps + taps - 1 - t] : 0.0f;
                }
}

int pag_conv_window_backward_input(const conv_geom *g, const float *grad, const float *w, float *dx, int nthreads) {
    win_ctx c = {.g = g, .grad = grad, .w = w, .out = dx};
    /* the grad padded by dilation * (K - 1) - padding before (negative: cropped), to the
     * extent every input position's window needs */
    c.dext[0] = g->d + (g->kd - 1) * g->dd; c.dext[1] = g->h + (g->kh - 1) * g->dh; c.dext[2] = g->w + (g->kw - 1) * g->dw;
    c.q[0] = (g->kd - 1) * g->dd - g->pd; c.q[1] = (g->kh - 1) * g->dh - g->ph; c.q[2] = (g->kw - 1) * g->dw - g->pw;
    pag_win_shape_init(&c.s, g->d, g->h, g->w, c.dext[1], c.dext[2]);
    if (!win_take(g, &c.s, g->cig, g->cog, c.dext)) return CONV_WIN_DECLINED;
    const int64_t k = g->cog * g->kd * g->kh * g->kw;
    float *ap = malloc(sizeof(float) * (size_t)(g->groups * ROUND8(g->cig) * k));
    int64_t *off = malloc(sizeof(int64_t) * (size_t)k);
    int status = PAG_ENOMEM;
    if (ap && off) {
        for (int64_t gi = 0; gi < g->groups; gi++) pack_flipped(g, w, gi, ap + gi * ROUND8(g->cig) * k);
        win_offsets(g, g->cog, plane_of(c.dext), c.dext[1], c.dext[2], off);
        c.ap = ap;
        c.off = off;
        status = win_batch(&c, nthreads, sizeof(float) * (size_t)(g->cog * plane_of(c.dext)), backward_input_item,
                           NULL, 0);
    }
    free(ap);
    free(off);
    return status;
}

/* ---- grad-weight ------------------------------------------------------------------------ */

static int backward_weight_item(const win_ctx *c, int64_t n, float *buf, float *acc, int nthreads) {
    const conv_geom *g = c->g;
    for (int64_t gi = 0; gi < g->groups; gi++)
        pag_linalg_dot_windows(g->cog, g->rows, c->grad + (n * g->cout + gi * g->cog) * g->cols, g->cols,
                               padded_input(c, n, gi, buf), c->off, c->steps, c->nsteps, acc + gi * g->cog * g->rows,
                               g->rows, nthreads);
    return PAG_OK;
}

int pag_conv_window_backward_weight(const conv_geom *g, const float *x, const float *grad, float *dw, int nthreads) {
    win_ctx c = {.g = g, .x = x, .grad = grad};
    input_padding(&c);
    if (!win_take(g, &c.s, g->cog, g->cig, c.dext)) return CONV_WIN_DECLINED;
    pag_win_step *steps = malloc(sizeof(pag_win_step) * (size_t)pag_win_nsteps(&c.s));
    int64_t *off = malloc(sizeof(int64_t) * (size_t)g->rows);
    int status = PAG_ENOMEM;
    if (steps && off) {
        c.nsteps = pag_win_steps(&c.s, steps);
        c.steps = steps;
        win_offsets(g, g->cig, plane_of(c.dext), c.dext[1], c.dext[2], off);
        c.off = off;
        const int64_t floats = c.inplace ? 0 : g->cig * plane_of(c.dext);
        status = win_batch(&c, nthreads, sizeof(float) * (size_t)floats, backward_weight_item, dw, g->cout * g->rows);
    }
    free(steps);
    free(off);
    return status;
}
