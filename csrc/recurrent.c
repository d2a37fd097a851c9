/* Fused LSTM / GRU time steps (the API and formulas are in recurrent.h).
 *
 * One pass per row: each gate value is read once, the nonlinearities come from vmath.h (branch
 * free, so the column loops vectorize), and the backward recomputes the activations from the
 * pre-activations instead of reading saved ones (less memory traffic than storing four more
 * arrays per step). Rows are split across threads only for large batches.
 *
 * This file includes itself twice, with T = float and T = double. */
#ifndef PAG_TYPED_BODY
#include <math.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "common.h"
#include "matmul.h"
#include "vmath.h"

#pragma GCC optimize("no-trapping-math")

/* A sigmoid and a few tanh per element: threads from a few thousand elements. */
#define RNN_COST 16

static int rnn_bad(int64_t batch, int64_t hidden) {
    return batch < 0 || hidden < 0 || (batch > 0 && hidden > INT64_MAX / 4 / batch);
}

/* A whole layer's sizes: steps * batch rows of 4 * hidden must fit, and the packed weight. */
static int rnn_layer_bad(int64_t steps, int64_t batch, int64_t hidden) {
    return steps < 0 || rnn_bad(batch, hidden) || (steps > 0 && batch * 4 * hidden > INT64_MAX / steps) ||
           (hidden > 0 && hidden + 16 > INT64_MAX / 4 / (hidden + 16));
}

#define PAG_TYPED_SELF "recurrent.c"
#include "typed.h"

#else /* PAG_TYPED_BODY */

static PAG_CLONES void TN(lstm_fwd_rows)(const T *PAG_RESTRICT gates, const T *PAG_RESTRICT cx, T *PAG_RESTRICT hy,
                                         T *PAG_RESTRICT cy, int64_t lo, int64_t hi, int64_t H) {
    for (int64_t r = lo; r < hi; r++) {
        const T *g = gates + r * 4 * H;
        const T *c0 = cx + r * H;
        T *h1 = hy + r * H, *c1 = cy + r * H;
        PAG_PRAGMA(omp simd)
        for (int64_t j = 0; j < H; j++) {
            const T i = TN(pag_sigmoid)(g[j]), f = TN(pag_sigmoid)(g[H + j]);
            const T gg = TN(pag_tanh)(g[2 * H + j]), o = TN(pag_sigmoid)(g[3 * H + j]);
            const T c = f * c0[j] + i * gg;
            c1[j] = c;
            h1[j] = o * TN(pag_tanh)(c);
        }
    }
}

int TN(pag_rnn_lstm_cell_forward)(const T *gates, const T *cx, T *hy, T *cy, int64_t batch, int64_t hidden,
                             int nthreads) {
    if (rnn_bad(batch, hidden)) return PAG_EINVAL;
    if (batch * hidden == 0) return PAG_OK;
    if (!gates || !cx || !hy || !cy) return PAG_EINVAL;
    const int team = pag_team_size(batch * hidden, RNN_COST, nthreads);
    PAG_PARALLEL_CHUNKS(batch, team, TN(lstm_fwd_rows)(gates, cx, hy, cy, lo, hi, hidden));
    return PAG_OK;
}

static PAG_CLONES void TN(lstm_bwd_rows)(const T *PAG_RESTRICT dhy, const T *PAG_RESTRICT dcy,
                                         const T *PAG_RESTRICT gates, const T *PAG_RESTRICT cx,
                                         const T *PAG_RESTRICT cy, T *PAG_RESTRICT dgates, T *PAG_RESTRICT dcx,
                                         int64_t lo, int64_t hi, int64_t H) {
    for (int64_t r = lo; r < hi; r++) {
        const T *g = gates + r * 4 * H;
        T *dg = dgates + r * 4 * H;
        const int64_t o0 = r * H;
        PAG_PRAGMA(omp simd)
        for (int64_t j = 0; j < H; j++) {
            const T i = TN(pag_sigmoid)(g[j]), f = TN(pag_sigmoid)(g[H + j]);
            const T gg = TN(pag_tanh)(g[2 * H + j]), o = TN(pag_sigmoid)(g[3 * H + j]);
            const T tc = TN(pag_tanh)(cy[o0 + j]);
            const T dh = dhy ? dhy[o0 + j] : (T)0;
            const T dc = (dcy ? dcy[o0 + j] : (T)0) + dh * o * ((T)1 - tc * tc);
            dg[j] = dc * gg * i * ((T)1 - i);
            dg[H + j] = dc * cx[o0 + j] * f * ((T)1 - f);
            dg[2 * H + j] = dc * i * ((T)1 - gg * gg);
            dg[3 * H + j] = dh * tc * o * ((T)1 - o);
            dcx[o0 + j] = dc * f;
        }
    }
}

int TN(pag_rnn_lstm_cell_backward)(const T *dhy, const T *dcy, const T *gates, const T *cx, const T *cy, T *dgates,
                              T *dcx, int64_t batch, int64_t hidden, int nthreads) {
    if (rnn_bad(batch, hidden)) return PAG_EINVAL;
    if (batch * hidden == 0) return PAG_OK;
    if (!gates || !cx || !cy || !dgates || !dcx) return PAG_EINVAL;
    const int team = pag_team_size(batch * hidden, RNN_COST, nthreads);
    PAG_PARALLEL_CHUNKS(batch, team, TN(lstm_bwd_rows)(dhy, dcy, gates, cx, cy, dgates, dcx, lo, hi, hidden));
    return PAG_OK;
}

static PAG_CLONES void TN(gru_fwd_rows)(const T *PAG_RESTRICT gi, const T *PAG_RESTRICT gh, const T *PAG_RESTRICT hx,
                                        T *PAG_RESTRICT hy, int64_t lo, int64_t hi, int64_t H) {
    for (int64_t r = lo; r < hi; r++) {
        const T *a = gi + r * 3 * H, *b = gh + r * 3 * H;
        const int64_t o0 = r * H;
        PAG_PRAGMA(omp simd)
        for (int64_t j = 0; j < H; j++) {
            const T rr = TN(pag_sigmoid)(a[j] + b[j]), z = TN(pag_sigmoid)(a[H + j] + b[H + j]);
            const T n = TN(pag_tanh)(a[2 * H + j] + rr * b[2 * H + j]);
            hy[o0 + j] = ((T)1 - z) * n + z * hx[o0 + j];
        }
    }
}

int TN(pag_rnn_gru_cell_forward)(const T *gi, const T *gh, const T *hx, T *hy, int64_t batch, int64_t hidden,
                            int nthreads) {
    if (rnn_bad(batch, hidden)) return PAG_EINVAL;
    if (batch * hidden == 0) return PAG_OK;
    if (!gi || !gh || !hx || !hy) return PAG_EINVAL;
    const int team = pag_team_size(batch * hidden, RNN_COST, nthreads);
    PAG_PARALLEL_CHUNKS(batch, team, TN(gru_fwd_rows)(gi, gh, hx, hy, lo, hi, hidden));
    return PAG_OK;
}

static PAG_CLONES void TN(gru_bwd_rows)(const T *PAG_RESTRICT dhy, const T *PAG_RESTRICT gi,
                                        const T *PAG_RESTRICT gh, const T *PAG_RESTRICT hx, T *PAG_RESTRICT dgi,
                                        T *PAG_RESTRICT dgh, T *PAG_RESTRICT dhx, int64_t lo, int64_t hi,
                                        int64_t H) {
    for (int64_t r = lo; r < hi; r++) {
        const T *a = gi + r * 3 * H, *b = gh + r * 3 * H;
        T *da = dgi + r * 3 * H, *db = dgh + r * 3 * H;
        const int64_t o0 = r * H;
        PAG_PRAGMA(omp simd)
        for (int64_t j = 0; j < H; j++) {
            const T rr = TN(pag_sigmoid)(a[j] + b[j]), z = TN(pag_sigmoid)(a[H + j] + b[H + j]);
            const T hn = b[2 * H + j];
            const T n = TN(pag_tanh)(a[2 * H + j] + rr * hn);
            const T dh = dhy[o0 + j];
            const T dan = dh * ((T)1 - z) * ((T)1 - n * n);
            const T daz = dh * (hx[o0 + j] - n) * z * ((T)1 - z);
            const T dar = dan * hn * rr * ((T)1 - rr);
            da[j] = dar;
            da[H + j] = daz;
            da[2 * H + j] = dan;
            db[j] = dar;
            db[H + j] = daz;
            db[2 * H + j] = dan * rr;
            dhx[o0 + j] = dh * z;
        }
    }
}

int TN(pag_rnn_gru_cell_backward)(const T *dhy, const T *gi, const T *gh, const T *hx, T *dgi, T *dgh, T *dhx,
                             int64_t batch, int64_t hidden, int nthreads) {
    if (rnn_bad(batch, hidden)) return PAG_EINVAL;
    if (batch * hidden == 0) return PAG_OK;
    if (!dhy || !gi || !gh || !hx || !dgi || !dgh || !dhx) return PAG_EINVAL;
    const int team = pag_team_size(batch * hidden, RNN_COST, nthreads);
    PAG_PARALLEL_CHUNKS(batch, team, TN(gru_bwd_rows)(dhy, gi, gh, hx, dgi, dgh, dhx, lo, hi, hidden));
    return PAG_OK;
}

/* ---- a whole LSTM layer (one direction) over time ---------------------------------------- */

/* The row offset of the step taken s-th (time runs backwards in a reverse direction). */
static inline int64_t TN(rnn_time)(int64_t s, int64_t steps, int reverse) { return reverse ? steps - 1 - s : s; }

/* A copy of B packed for gemm_packed, in a fresh buffer (NULL when out of memory). */
static T *TN(rnn_pack)(int64_t k, int64_t n, const T *b, int transb, int64_t ldb) {
    const int64_t size = TN(pag_linalg_gemm_packed_size)(k, n);
    T *packed = malloc(sizeof(T) * (size_t)(size > 0 ? size : 1));
    if (packed && TN(pag_linalg_gemm_pack_b)(k, n, b, transb, ldb, packed) != PAG_OK) {
        free(packed);
        return NULL;
    }
    return packed;
}

/* dW_hh = sum_t dg_t^T h_prev(t) (dg: steps * B rows of G) as two GEMMs over all steps at once:
 * the steps after the first read the previous step's output rows, which are contiguous; the
 * first reads h0. */
static int TN(rnn_weight_grad)(const T *dg, int64_t G, const T *out, const T *h0, T *dw, int64_t steps, int64_t B,
                               int64_t H, int reverse, int nthreads) {
    const int64_t first = TN(rnn_time)(0, steps, reverse);
    const T *dg_rest = dg + (reverse ? 0 : B * G);
    const T *h_rest = out + (reverse ? B * H : 0);
    int status = TN(pag_linalg_gemm)(G, H, (steps - 1) * B, 1.0, dg_rest, 1, G, h_rest, 0, H, 0.0, NULL, 0, 0, dw,
                                     nthreads);
    if (status == PAG_OK)
        status = TN(pag_linalg_gemm)(G, H, B, 1.0, dg + first * B * G, 1, G, h0, 0, H, 1.0, dw, H, 1, dw, nthreads);
    return status;
}

int TN(pag_rnn_lstm_layer_forward)(const T *xproj, const T *w_hh, const T *h0, const T *c0, T *out, T *cs,
                                   T *gates, int64_t steps, int64_t batch, int64_t hidden, int reverse,
                                   int nthreads) {
    if (rnn_layer_bad(steps, batch, hidden)) return PAG_EINVAL;
    if (steps * batch * hidden == 0) return PAG_OK;
    if (!xproj || !w_hh || !h0 || !c0 || !out || !cs || !gates) return PAG_EINVAL;
    const int64_t H = hidden, G = 4 * hidden, B = batch;
    /* B operand of h W_hh^T is W_hh^T (H x 4H): packed once for all the steps */
    T *wp = TN(rnn_pack)(H, G, w_hh, 1, H);
    if (!wp) return PAG_ENOMEM;
    int status = PAG_OK;
    const T *h = h0, *c = c0;
    for (int64_t s = 0; s < steps && status == PAG_OK; s++) {
        const int64_t t = TN(rnn_time)(s, steps, reverse);
        T *g = gates + t * B * G;
        /* gates_t = xproj_t + h W_hh^T: the addition rides in the GEMM's epilogue */
        status = TN(pag_linalg_gemm_packed)(B, G, H, 1.0, h, 0, H, wp, 1.0, xproj + t * B * G, G, 1, g, nthreads);
        if (status == PAG_OK)
            status = TN(pag_rnn_lstm_cell_forward)(g, c, out + t * B * H, cs + t * B * H, B, H, nthreads);
        h = out + t * B * H;
        c = cs + t * B * H;
    }
    free(wp);
    return status;
}

int TN(pag_rnn_lstm_layer_backward)(const T *dout, const T *dhn, const T *dcn, const T *gates, const T *cs,
                                    const T *out, const T *w_hh, const T *h0, const T *c0, T *dgates, T *dh0,
                                    T *dc0, T *dw_hh, int64_t steps, int64_t batch, int64_t hidden, int reverse,
                                    int nthreads) {
    if (rnn_layer_bad(steps, batch, hidden)) return PAG_EINVAL;
    const int64_t H = hidden, G = 4 * hidden, B = batch, BH = batch * hidden;
    if (BH > 0 && (!dh0 || !dc0)) return PAG_EINVAL;
    if (H > 0 && !dw_hh) return PAG_EINVAL;
    if (steps * BH == 0) {
        /* no step taken: the states pass through, the weight gets nothing */
        for (int64_t i = 0; i < BH; i++) {
            dh0[i] = dhn ? dhn[i] : (T)0;
            dc0[i] = dcn ? dcn[i] : (T)0;
        }
        for (int64_t i = 0; i < G * H; i++) dw_hh[i] = 0;
        return PAG_OK;
    }
    if (!gates || !cs || !out || !w_hh || !h0 || !c0 || !dgates) return PAG_EINVAL;
    /* B operand of dgates W_hh is W_hh (4H x H), packed once */
    T *wp = TN(rnn_pack)(G, H, w_hh, 0, H);
    T *dc_next = malloc(sizeof(T) * (size_t)BH);
    if (!wp || !dc_next) {
        free(wp);
        free(dc_next);
        return PAG_ENOMEM;
    }
    /* dh0 and dc0 carry the gradient of the state between steps */
    T *dh = dh0, *dc = dc0;
    for (int64_t i = 0; i < BH; i++) {
        dh[i] = dhn ? dhn[i] : (T)0;
        dc[i] = dcn ? dcn[i] : (T)0;
    }
    int status = PAG_OK;
    for (int64_t s = steps - 1; s >= 0 && status == PAG_OK; s--) {
        const int64_t t = TN(rnn_time)(s, steps, reverse);
        if (dout) {
            const T *d = dout + t * BH;
            for (int64_t i = 0; i < BH; i++) dh[i] += d[i];
        }
        const T *cprev = s == 0 ? c0 : cs + TN(rnn_time)(s - 1, steps, reverse) * BH;
        T *dg = dgates + t * B * G;
        status = TN(pag_rnn_lstm_cell_backward)(dh, dc, gates + t * B * G, cprev, cs + t * BH, dg, dc_next, B, H,
                                                nthreads);
        if (status != PAG_OK) break;
        memcpy(dc, dc_next, sizeof(T) * (size_t)BH);
        /* dh_prev = dgates_t W_hh */
        status = TN(pag_linalg_gemm_packed)(B, H, G, 1.0, dg, 0, G, wp, 0.0, NULL, 0, 0, dh, nthreads);
    }
    free(wp);
    free(dc_next);
    if (status != PAG_OK) return status;
    return TN(rnn_weight_grad)(dgates, G, out, h0, dw_hh, steps, B, H, reverse, nthreads);
}

/* ---- a whole GRU or Elman RNN layer (one direction) over time ---------------------------- */

int TN(pag_rnn_gru_layer_forward)(const T *xproj, const T *w_hh, const T *b_hh, const T *h0, T *out, T *gh,
                                  int64_t steps, int64_t batch, int64_t hidden, int reverse, int nthreads) {
    if (rnn_layer_bad(steps, batch, hidden)) return PAG_EINVAL;
    if (steps * batch * hidden == 0) return PAG_OK;
    if (!xproj || !w_hh || !h0 || !out || !gh) return PAG_EINVAL;
    const int64_t H = hidden, G = 3 * hidden, B = batch;
    T *wp = TN(rnn_pack)(H, G, w_hh, 1, H);
    if (!wp) return PAG_ENOMEM;
    int status = PAG_OK;
    const T *h = h0;
    for (int64_t s = 0; s < steps && status == PAG_OK; s++) {
        const int64_t t = TN(rnn_time)(s, steps, reverse);
        /* gh_t = h W_hh^T + b_hh (the bias broadcast down the rows by a zero row stride) */
        status = TN(pag_linalg_gemm_packed)(B, G, H, 1.0, h, 0, H, wp, b_hh ? 1.0 : 0.0, b_hh, 0, 1,
                                            gh + t * B * G, nthreads);
        if (status == PAG_OK)
            status = TN(pag_rnn_gru_cell_forward)(xproj + t * B * G, gh + t * B * G, h, out + t * B * H, B, H,
                                                  nthreads);
        h = out + t * B * H;
    }
    free(wp);
    return status;
}

int TN(pag_rnn_gru_layer_backward)(const T *dout, const T *dhn, const T *xproj, const T *gh, const T *out,
                                   const T *w_hh, const T *h0, T *dxproj, T *dh0, T *dw_hh, T *db_hh,
                                   int64_t steps, int64_t batch, int64_t hidden, int reverse, int nthreads) {
    if (rnn_layer_bad(steps, batch, hidden)) return PAG_EINVAL;
    const int64_t H = hidden, G = 3 * hidden, B = batch, BH = batch * hidden;
    if (BH > 0 && !dh0) return PAG_EINVAL;
    if (H > 0 && !dw_hh) return PAG_EINVAL;
    if (steps * BH == 0) {
        for (int64_t i = 0; i < BH; i++) dh0[i] = dhn ? dhn[i] : (T)0;
        for (int64_t i = 0; i < G * H; i++) dw_hh[i] = 0;
        for (int64_t i = 0; db_hh && i < G; i++) db_hh[i] = 0;
        return PAG_OK;
    }
    if (!xproj || !gh || !out || !w_hh || !h0 || !dxproj) return PAG_EINVAL;
    T *wp = TN(rnn_pack)(G, H, w_hh, 0, H);
    T *dgh = malloc(sizeof(T) * (size_t)(steps * B * G));
    T *dhx = malloc(sizeof(T) * (size_t)BH);
    if (!wp || !dgh || !dhx) {
        free(wp);
        free(dgh);
        free(dhx);
        return PAG_ENOMEM;
    }
    T *dh = dh0;
    for (int64_t i = 0; i < BH; i++) dh[i] = dhn ? dhn[i] : (T)0;
    int status = PAG_OK;
    for (int64_t s = steps - 1; s >= 0 && status == PAG_OK; s--) {
        const int64_t t = TN(rnn_time)(s, steps, reverse);
        if (dout) {
            const T *d = dout + t * BH;
            for (int64_t i = 0; i < BH; i++) dh[i] += d[i];
        }
        const T *hprev = s == 0 ? h0 : out + TN(rnn_time)(s - 1, steps, reverse) * BH;
        status = TN(pag_rnn_gru_cell_backward)(dh, xproj + t * B * G, gh + t * B * G, hprev, dxproj + t * B * G,
                                               dgh + t * B * G, dhx, B, H, nthreads);
        /* dh_prev = z * dh (direct) + dgh_t W_hh */
        if (status == PAG_OK)
            status = TN(pag_linalg_gemm_packed)(B, H, G, 1.0, dgh + t * B * G, 0, G, wp, 1.0, dhx, H, 1, dh,
                                                nthreads);
    }
    if (status == PAG_OK) status = TN(rnn_weight_grad)(dgh, G, out, h0, dw_hh, steps, B, H, reverse, nthreads);
    if (status == PAG_OK && db_hh) {
        for (int64_t j = 0; j < G; j++) db_hh[j] = 0;
        for (int64_t r = 0; r < steps * B; r++) {
            const T *row = dgh + r * G;
            PAG_PRAGMA(omp simd)
            for (int64_t j = 0; j < G; j++) db_hh[j] += row[j];
        }
    }
    free(wp);
    free(dgh);
    free(dhx);
    return status;
}

int TN(pag_rnn_rnn_layer_forward)(const T *xproj, const T *w_hh, const T *h0, T *out, int64_t steps, int64_t batch,
                                  int64_t hidden, int relu, int reverse, int nthreads) {
    if (rnn_layer_bad(steps, batch, hidden)) return PAG_EINVAL;
    if (steps * batch * hidden == 0) return PAG_OK;
    if (!xproj || !w_hh || !h0 || !out) return PAG_EINVAL;
    const int64_t H = hidden, B = batch;
    T *wp = TN(rnn_pack)(H, H, w_hh, 1, H);
    if (!wp) return PAG_ENOMEM;
    int status = PAG_OK;
    const T *h = h0;
    for (int64_t s = 0; s < steps && status == PAG_OK; s++) {
        const int64_t t = TN(rnn_time)(s, steps, reverse);
        T *o = out + t * B * H;
        status = TN(pag_linalg_gemm_packed)(B, H, H, 1.0, h, 0, H, wp, 1.0, xproj + t * B * H, H, 1, o, nthreads);
        if (relu) {
            PAG_PRAGMA(omp simd)
            for (int64_t i = 0; i < B * H; i++) o[i] = (o[i] > 0 || o[i] != o[i]) ? o[i] : (T)0;
        } else {
            PAG_PRAGMA(omp simd)
            for (int64_t i = 0; i < B * H; i++) o[i] = TN(pag_tanh)(o[i]);
        }
        h = o;
    }
    free(wp);
    return status;
}

int TN(pag_rnn_rnn_layer_backward)(const T *dout, const T *dhn, const T *out, const T *w_hh, const T *h0,
                                   T *dxproj, T *dh0, T *dw_hh, int64_t steps, int64_t batch, int64_t hidden,
                                   int relu, int reverse, int nthreads) {
    if (rnn_layer_bad(steps, batch, hidden)) return PAG_EINVAL;
    const int64_t H = hidden, B = batch, BH = batch * hidden;
    if (BH > 0 && !dh0) return PAG_EINVAL;
    if (H > 0 && !dw_hh) return PAG_EINVAL;
    if (steps * BH == 0) {
        for (int64_t i = 0; i < BH; i++) dh0[i] = dhn ? dhn[i] : (T)0;
        for (int64_t i = 0; i < H * H; i++) dw_hh[i] = 0;
        return PAG_OK;
    }
    if (!out || !w_hh || !h0 || !dxproj) return PAG_EINVAL;
    T *wp = TN(rnn_pack)(H, H, w_hh, 0, H);
    if (!wp) return PAG_ENOMEM;
    T *dh = dh0;
    for (int64_t i = 0; i < BH; i++) dh[i] = dhn ? dhn[i] : (T)0;
    int status = PAG_OK;
    for (int64_t s = steps - 1; s >= 0 && status == PAG_OK; s--) {
        const int64_t t = TN(rnn_time)(s, steps, reverse);
        const T *d = dout ? dout + t * BH : NULL, *h = out + t * BH;
        T *dp = dxproj + t * BH;
        /* the gradient of the pre-activation from the output: relu' = (h > 0), tanh' = 1 - h^2 */
        if (relu) {
            PAG_PRAGMA(omp simd)
            for (int64_t i = 0; i < BH; i++) dp[i] = h[i] > 0 ? dh[i] + (d ? d[i] : (T)0) : (T)0;
        } else {
            PAG_PRAGMA(omp simd)
            for (int64_t i = 0; i < BH; i++) dp[i] = (dh[i] + (d ? d[i] : (T)0)) * ((T)1 - h[i] * h[i]);
        }
        status = TN(pag_linalg_gemm_packed)(B, H, H, 1.0, dp, 0, H, wp, 0.0, NULL, 0, 0, dh, nthreads);
    }
    free(wp);
    if (status == PAG_OK) status = TN(rnn_weight_grad)(dxproj, H, out, h0, dw_hh, steps, B, H, reverse, nthreads);
    return status;
}

#endif /* PAG_TYPED_BODY */
