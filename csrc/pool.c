/* 2-D pooling kernels (see pool.h for the contract).
 *
 * Planes are independent, so every kernel splits them across threads (the backward
 * passes scatter within one plane only: no two threads write the same element).
 * Average pooling computes each window's bounds and divisor as PyTorch does: the window
 * is clipped to the padded input for the count_include_pad divisor, then to the input.
 *
 * This file includes itself twice, with T = float and T = double. */
#ifndef PAG_TYPED_BODY
#include <math.h>
#include <string.h>

#include "common.h"
#include "pool.h"

typedef struct {
    int64_t kh, kw, sh, sw, ph, pw, dh, dw;
} pool_geom;

/* Checks sizes and geometry; every output window must start inside the input or its
 * left padding, as pooling_output_shape guarantees. */
static int pool_setup(pool_geom *g, const int64_t *geom, int64_t planes, int64_t h, int64_t w, int64_t oh,
                      int64_t ow, int dilated) {
    if (!geom || planes < 0 || h < 0 || w < 0 || oh < 0 || ow < 0) return PAG_EINVAL;
    g->kh = geom[0]; g->kw = geom[1]; g->sh = geom[2]; g->sw = geom[3];
    g->ph = geom[4]; g->pw = geom[5];
    g->dh = dilated ? geom[6] : 1; g->dw = dilated ? geom[7] : 1;
    if (g->kh <= 0 || g->kw <= 0 || g->sh <= 0 || g->sw <= 0 || g->dh <= 0 || g->dw <= 0) return PAG_EINVAL;
    if (g->ph < 0 || g->pw < 0) return PAG_EINVAL;
    if (oh > 0 && (oh - 1) * g->sh >= h + g->ph) return PAG_EINVAL;
    if (ow > 0 && (ow - 1) * g->sw >= w + g->pw) return PAG_EINVAL;
    if (planes && h && w && oh && ow && (planes > INT64_MAX / (h * w) || planes > INT64_MAX / (oh * ow)))
        return PAG_EINVAL;
    return PAG_OK;
}

/* The window of output (i, j) for average pooling: bounds clipped to the input, and the divisor. */
static void avg_window(const pool_geom *g, int64_t h, int64_t w, int64_t i, int64_t j, int cip, int64_t over,
                       int64_t *h0, int64_t *h1, int64_t *w0, int64_t *w1, double *div) {
    int64_t hs = i * g->sh - g->ph, ws = j * g->sw - g->pw;
    int64_t he = hs + g->kh, we = ws + g->kw;
    if (he > h + g->ph) he = h + g->ph;
    if (we > w + g->pw) we = w + g->pw;
    const int64_t padded = (he - hs) * (we - ws);
    if (hs < 0) hs = 0;
    if (ws < 0) ws = 0;
    if (he > h) he = h;
    if (we > w) we = w;
    *h0 = hs; *h1 = he; *w0 = ws; *w1 = we;
    *div = over ? (double)over : cip ? (double)padded : (double)((he - hs) * (we - ws));
}

/* Takes v over best when it is larger, or when it is the first NaN (a NaN best stays): the
 * generic loop's order and tie rule, without its bounds checks. */
#define PAG_MAX_TAKE(v, at, best, where)                               \
    do {                                                               \
        if ((v) > (best) || ((v) != (v) && (best) == (best))) {        \
            (best) = (v);                                              \
            (where) = (at);                                            \
        }                                                              \
    } while (0)

#define PAG_TYPED_SELF "pool.c"
#include "typed.h"

#else /* PAG_TYPED_BODY: compiled once per T */

/* Max pooling of one plane. Ties keep the first maximum; a NaN wins at once. */
static void TN(max_plane)(const pool_geom *g, const T *xp, T *op, int64_t *ip, int64_t h, int64_t w, int64_t oh,
                          int64_t ow) {
    for (int64_t i = 0; i < oh; i++) {
        const int64_t hs = i * g->sh - g->ph;
        for (int64_t j = 0; j < ow; j++) {
            const int64_t ws = j * g->sw - g->pw;
            T best = -INFINITY;
            int64_t where = -1;
            int nan = 0;
            for (int64_t a = 0; a < g->kh && !nan; a++) {
                const int64_t r = hs + a * g->dh;
                if (r < 0 || r >= h) continue;
                for (int64_t b = 0; b < g->kw; b++) {
                    const int64_t c = ws + b * g->dw;
                    if (c < 0 || c >= w) continue;
                    const T v = xp[r * w + c];
                    if (where < 0) where = r * w + c;  /* all -inf: the first position in the input */
                    if (v > best || v != v) {
                        best = v;
                        where = r * w + c;
                        if (v != v) {
                            nan = 1;
                            break;
                        }
                    }
                }
            }
            op[i * ow + j] = best;
            ip[i * ow + j] = where < 0 ? 0 : where;
        }
    }
}

/* Max pooling of one plane whose windows all lie inside it (no padding reached, dilation 1):
 * the common 2x2 window unrolled, any other size in plain loops. Same results as max_plane. */
static void TN(max_plane_inside)(const pool_geom *g, const T *xp, T *op, int64_t *ip, int64_t w, int64_t oh,
                                 int64_t ow) {
    for (int64_t i = 0; i < oh; i++) {
        const int64_t top = i * g->sh * w;
        if (g->kh == 2 && g->kw == 2) {
            for (int64_t j = 0; j < ow; j++) {
                const int64_t at = top + j * g->sw;
                const T *r = xp + at;
                const T a = r[0], b = r[1], c = r[w], d = r[w + 1];
                int64_t where = at;
                if (__builtin_expect((a != a) | (b != b) | (c != c) | (d != d), 0)) {
                    T best = a;
                    PAG_MAX_TAKE(b, at + 1, best, where);
                    PAG_MAX_TAKE(c, at + w, best, where);
                    PAG_MAX_TAKE(d, at + w + 1, best, where);
                } else {
                    /* no NaN: the first maximum of each row pair, then of the two, as 0/1
                     * arithmetic (random data mispredicts branches: 6x slower that way) */
                    const int64_t right_top = b > a, right_bottom = d > c;
                    const T top_max = b > a ? b : a, bottom_max = d > c ? d : c;
                    const int64_t lower = bottom_max > top_max;
                    where = at + right_top + lower * (w + right_bottom - right_top);
                }
                op[i * ow + j] = xp[where];
                ip[i * ow + j] = where;
            }
            continue;
        }
        for (int64_t j = 0; j < ow; j++) {
            const int64_t at = top + j * g->sw;
            T best = xp[at];
            int64_t where = at;
            for (int64_t a = 0; a < g->kh; a++)
                for (int64_t b = (a == 0); b < g->kw; b++)
                    PAG_MAX_TAKE(xp[at + a * w + b], at + a * w + b, best, where);
            op[i * ow + j] = best;
            ip[i * ow + j] = where;
        }
    }
}

int TN(pag_pool_max_pool)(const T *x, T *out, int64_t *indices, int64_t planes, int64_t h, int64_t w, int64_t oh,
                       int64_t ow, const int64_t *geom, int nthreads) {
    pool_geom g;
    if (pool_setup(&g, geom, planes, h, w, oh, ow, 1) != PAG_OK) return PAG_EINVAL;
    const int64_t n = planes * oh * ow;
    if (n == 0) return PAG_OK;
    if (!x || !out || !indices || h == 0 || w == 0) return PAG_EINVAL;
    /* every window inside the plane: no padding, no dilation, and the last window ends in it */
    const int inside = g.ph == 0 && g.pw == 0 && g.dh == 1 && g.dw == 1 && (oh - 1) * g.sh + g.kh <= h &&
                       (ow - 1) * g.sw + g.kw <= w;
    const int team = pag_team_size(n * g.kh * g.kw, 1, nthreads);
    PAG_PARALLEL_CHUNKS(planes, team, {
        for (int64_t p = lo; p < hi; p++) {
            if (inside)
                TN(max_plane_inside)(&g, x + p * h * w, out + p * oh * ow, indices + p * oh * ow, w, oh, ow);
            else
                TN(max_plane)(&g, x + p * h * w, out + p * oh * ow, indices + p * oh * ow, h, w, oh, ow);
        }
    });
    return PAG_OK;
}

/* Adds one plane's gradients at their indices; returns 0 if an index is outside the plane. */
static int TN(max_backward_plane)(const T *gp, const int64_t *ip, T *dp, int64_t in_plane, int64_t out_plane) {
    for (int64_t k = 0; k < out_plane; k++) {
        const int64_t at = ip[k];
        if (at < 0 || at >= in_plane) return 0;  /* never write outside the plane */
        dp[at] += gp[k];
    }
    return 1;
}

int TN(pag_pool_max_pool_backward)(const T *grad, const int64_t *indices, T *dx, int64_t planes, int64_t in_plane,
                              int64_t out_plane, int nthreads) {
    if (planes < 0 || in_plane < 0 || out_plane < 0) return PAG_EINVAL;
    if (planes * in_plane == 0) return PAG_OK;
    if (!dx) return PAG_EINVAL;
    memset(dx, 0, sizeof(T) * (size_t)(planes * in_plane));
    if (out_plane == 0) return PAG_OK;
    if (!grad || !indices) return PAG_EINVAL;
    int bad = 0;
    const int team = pag_team_size(planes * out_plane, 1, nthreads);
    PAG_PARALLEL_CHUNKS(planes, team, {
        for (int64_t p = lo; p < hi; p++) {
            if (!TN(max_backward_plane)(grad + p * out_plane, indices + p * out_plane, dx + p * in_plane, in_plane,
                                        out_plane)) {
                PAG_PRAGMA(omp atomic write)
                bad = 1;
                break;
            }
        }
    });
    return bad ? PAG_EINVAL : PAG_OK;
}

static void TN(avg_plane)(const pool_geom *g, const T *xp, T *op, int64_t h, int64_t w, int64_t oh, int64_t ow,
                          int cip, int64_t over) {
    for (int64_t i = 0; i < oh; i++)
        for (int64_t j = 0; j < ow; j++) {
            int64_t h0, h1, w0, w1;
            double div;
            avg_window(g, h, w, i, j, cip, over, &h0, &h1, &w0, &w1, &div);
            T s = 0;
            for (int64_t r = h0; r < h1; r++)
                for (int64_t c = w0; c < w1; c++) s += xp[r * w + c];
            op[i * ow + j] = div > 0 ? s / (T)div : (T)NAN;
        }
}

static void TN(avg_backward_plane)(const pool_geom *g, const T *gp, T *dp, int64_t h, int64_t w, int64_t oh,
                                   int64_t ow, int cip, int64_t over) {
    for (int64_t i = 0; i < oh; i++)
        for (int64_t j = 0; j < ow; j++) {
            int64_t h0, h1, w0, w1;
            double div;
            avg_window(g, h, w, i, j, cip, over, &h0, &h1, &w0, &w1, &div);
            const T v = div > 0 ? gp[i * ow + j] / (T)div : (T)NAN;
            for (int64_t r = h0; r < h1; r++)
                for (int64_t c = w0; c < w1; c++) dp[r * w + c] += v;
        }
}

int TN(pag_pool_avg_pool)(const T *x, T *out, int64_t planes, int64_t h, int64_t w, int64_t oh, int64_t ow,
                       const int64_t *geom, int count_include_pad, int64_t divisor_override, int nthreads) {
    pool_geom g;
    if (pool_setup(&g, geom, planes, h, w, oh, ow, 0) != PAG_OK || divisor_override < 0) return PAG_EINVAL;
    const int64_t n = planes * oh * ow;
    if (n == 0) return PAG_OK;
    if (!x || !out) return PAG_EINVAL;
    const int team = pag_team_size(n * g.kh * g.kw, 1, nthreads);
    PAG_PARALLEL_CHUNKS(planes, team, {
        for (int64_t p = lo; p < hi; p++)
            TN(avg_plane)(&g, x + p * h * w, out + p * oh * ow, h, w, oh, ow, count_include_pad, divisor_override);
    });
    return PAG_OK;
}

int TN(pag_pool_avg_pool_backward)(const T *grad, T *dx, int64_t planes, int64_t h, int64_t w, int64_t oh, int64_t ow,
                                const int64_t *geom, int count_include_pad, int64_t divisor_override,
                                int nthreads) {
    pool_geom g;
    if (pool_setup(&g, geom, planes, h, w, oh, ow, 0) != PAG_OK || divisor_override < 0) return PAG_EINVAL;
    if (planes * h * w == 0) return PAG_OK;
    if (!dx) return PAG_EINVAL;
    memset(dx, 0, sizeof(T) * (size_t)(planes * h * w));
    if (oh * ow == 0) return PAG_OK;
    if (!grad) return PAG_EINVAL;
    const int team = pag_team_size(planes * oh * ow * g.kh * g.kw, 1, nthreads);
    PAG_PARALLEL_CHUNKS(planes, team, {
        for (int64_t p = lo; p < hi; p++)
            TN(avg_backward_plane)(&g, grad + p * oh * ow, dx + p * h * w, h, w, oh, ow, count_include_pad,
                                   divisor_override);
    });
    return PAG_OK;
}

#endif
