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

#include "common.h"
#include "vmath.h"

#pragma GCC optimize("no-trapping-math")

/* A sigmoid and a few tanh per element: threads from a few thousand elements. */
#define RNN_COST 16

static int rnn_bad(int64_t batch, int64_t hidden) {
    return batch < 0 || hidden < 0 || (batch > 0 && hidden > INT64_MAX / 4 / batch);
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

#endif /* PAG_TYPED_BODY */
