/* Blocked online-softmax attention (the API is in attention.h).
 *
 * Forward, per (head, block of ATTN_BQ query rows): the rows keep a running maximum m, a running
 * normalizer l and a running weighted sum of values acc; each block of ATTN_BK keys gives scores
 * s, the maximum rises to m', and acc, l are rescaled by exp(m - m') before the block's
 * exp(s - m') terms are added (the online softmax). out = acc / l and lse = m + log l.
 *
 * Backward, per head: D = rowsum(dout * out); each score block is recomputed from q, k and lse,
 * p = exp(s - lse), and dv += p^T dout, ds = p (dout v^T - D), dq += ds k scale, dk += ds^T q scale.
 *
 * The inner products run over contiguous rows (E or Ev elements) and vectorize; the blocks are
 * small enough to stay in L1/L2. This file includes itself twice, with T = float and double. */
#ifndef PAG_TYPED_BODY
#include <math.h>
#include <stdlib.h>

#include "common.h"
#include "vmath.h"

#pragma GCC optimize("no-trapping-math")

#define ATTN_BQ 32
#define ATTN_BK 64

static int attn_bad(int64_t bh, int64_t L, int64_t S, int64_t E, int64_t Ev) {
    if (bh < 0 || L < 0 || S < 0 || E < 0 || Ev < 0) return 1;
    const int64_t lim = INT64_MAX / 8;
    if ((bh > 0 && (L > lim / bh || S > lim / bh))) return 1;
    const int64_t rows = bh * L, keys = bh * S;
    return (rows > 0 && (E > lim / rows || Ev > lim / rows || S > lim / rows))
        || (keys > 0 && (E > lim / keys || Ev > lim / keys));
}

#define PAG_TYPED_SELF "attention.c"
#include "typed.h"

#else /* PAG_TYPED_BODY */

PAG_INLINE T TN(attn_dot)(const T *PAG_RESTRICT a, const T *PAG_RESTRICT b, int64_t n) {
    T s = 0;
    PAG_PRAGMA(omp simd reduction(+:s))
    for (int64_t e = 0; e < n; e++) s += a[e] * b[e];
    return s;
}

/* One score row against keys j0..j1: s[j - j0] = q_i . k_j * scale + bias, -inf where masked. */
static PAG_CLONES void TN(attn_scores)(const T *PAG_RESTRICT qi, const T *PAG_RESTRICT kb, const T *bias_row,
                                       int64_t bias_cs, int64_t i, int64_t j0, int64_t j1, int64_t E, int causal,
                                       T scale, T *PAG_RESTRICT s) {
    for (int64_t j = j0; j < j1; j++) {
        T x = TN(attn_dot)(qi, kb + j * E, E) * scale;
        if (bias_row) x += bias_row[j * bias_cs];
        if (causal && j > i) x = (T)-INFINITY;
        s[j - j0] = x;
    }
}

static PAG_CLONES void TN(attn_fwd_block)(const T *q, const T *k, const T *v, const T *bias, int64_t bias_rs,
                                          int64_t bias_cs, T *out, T *lse, int64_t i0, int64_t i1, int64_t S,
                                          int64_t E, int64_t Ev, int causal, T scale, T *s, T *acc) {
    const int64_t jend = causal ? (i1 < S ? i1 : S) : S;
    for (int64_t i = i0; i < i1; i++) {
        T *PAG_RESTRICT a = acc;
        for (int64_t e = 0; e < Ev; e++) a[e] = 0;
        T m = (T)-INFINITY, l = 0;
        for (int64_t j0 = 0; j0 < jend; j0 += ATTN_BK) {
            const int64_t j1 = j0 + ATTN_BK < jend ? j0 + ATTN_BK : jend;
            TN(attn_scores)(q + i * E, k, bias ? bias + i * bias_rs : NULL, bias_cs, i, j0, j1, E, causal, scale, s);
            T mx = m;
            for (int64_t j = 0; j < j1 - j0; j++) mx = s[j] > mx ? s[j] : mx;
            if (mx == (T)-INFINITY) continue;  /* every key so far masked: nothing to add */
            const T alpha = TN(pag_exp)(m - mx);
            l *= alpha;
            PAG_PRAGMA(omp simd)
            for (int64_t e = 0; e < Ev; e++) a[e] *= alpha;
            for (int64_t j = 0; j < j1 - j0; j++) {
                const T p = TN(pag_exp)(s[j] - mx);
                if (p == 0) continue;
                l += p;
                const T *PAG_RESTRICT vj = v + (j0 + j) * Ev;
                PAG_PRAGMA(omp simd)
                for (int64_t e = 0; e < Ev; e++) a[e] += p * vj[e];
            }
            m = mx;
        }
        T *PAG_RESTRICT o = out + i * Ev;
        if (l > 0) {
            const T inv = (T)1 / l;
            for (int64_t e = 0; e < Ev; e++) o[e] = a[e] * inv;
            lse[i] = m + (T)log((double)l);
        } else {
            for (int64_t e = 0; e < Ev; e++) o[e] = 0;
            lse[i] = (T)-INFINITY;
        }
    }
}

int TN(pag_attn_sdpa_forward)(const T *q, const T *k, const T *v, const T *bias, int64_t bias_bs, int64_t bias_rs,
                         int64_t bias_cs, T *out, T *lse, int64_t bh, int64_t L, int64_t S, int64_t E, int64_t Ev,
                         int causal, double scale, int nthreads) {
    if (attn_bad(bh, L, S, E, Ev)) return PAG_EINVAL;
    if (bh * L == 0) return PAG_OK;
    if (!out || !lse || (S > 0 && (!q || !k || !v))) return PAG_EINVAL;
    const int64_t blocks = (L + ATTN_BQ - 1) / ATTN_BQ, items = bh * blocks;
    const int team = pag_team_size(bh * L * (S > 0 ? S : 1), (E + Ev) / 4 + 1, nthreads);
    int status = PAG_OK;
    PAG_PRAGMA(omp parallel num_threads(team) if (team > 1))
    {
        T *s = malloc(sizeof(T) * (size_t)(ATTN_BK + Ev + 1));
        if (!s) {
            PAG_PRAGMA(omp atomic write)
            status = PAG_ENOMEM;
        }
        PAG_PRAGMA(omp for schedule(dynamic, 1))
        for (int64_t it = 0; it < items; it++) {
            if (!s) continue;
            const int64_t b = it / blocks, i0 = (it % blocks) * ATTN_BQ;
            const int64_t i1 = i0 + ATTN_BQ < L ? i0 + ATTN_BQ : L;
            TN(attn_fwd_block)(q + b * L * E, k + b * S * E, v + b * S * Ev, bias ? bias + b * bias_bs : NULL,
                               bias_rs, bias_cs, out + b * L * Ev, lse + b * L, i0, i1, S, E, Ev, causal, (T)scale,
                               s, s + ATTN_BK);
        }
        free(s);
    }
    return status;
}

static PAG_CLONES void TN(attn_bwd_head)(const T *dout, const T *q, const T *k, const T *v, const T *bias,
                                         int64_t bias_rs, int64_t bias_cs, const T *out, const T *lse, T *dq,
                                         T *dk, T *dv, T *dbias, int64_t L, int64_t S, int64_t E, int64_t Ev,
                                         int causal, T scale, T *s) {
    for (int64_t x = 0; x < S * E; x++) dk[x] = 0;
    for (int64_t x = 0; x < S * Ev; x++) dv[x] = 0;
    if (dbias)
        for (int64_t x = 0; x < L * S; x++) dbias[x] = 0;
    for (int64_t i = 0; i < L; i++) {
        T *PAG_RESTRICT dqi = dq + i * E;
        for (int64_t e = 0; e < E; e++) dqi[e] = 0;
        if (lse[i] == (T)-INFINITY) continue;  /* a fully masked row: no gradient */
        const T *PAG_RESTRICT doi = dout + i * Ev;
        const T *PAG_RESTRICT qi = q + i * E;
        const T D = TN(attn_dot)(doi, out + i * Ev, Ev);
        const int64_t jend = causal ? (i + 1 < S ? i + 1 : S) : S;
        for (int64_t j0 = 0; j0 < jend; j0 += ATTN_BK) {
            const int64_t j1 = j0 + ATTN_BK < jend ? j0 + ATTN_BK : jend;
            TN(attn_scores)(qi, k, bias ? bias + i * bias_rs : NULL, bias_cs, i, j0, j1, E, causal, scale, s);
            for (int64_t j = j0; j < j1; j++) {
                const T p = TN(pag_exp)(s[j - j0] - lse[i]);
                if (p == 0) continue;
                T *PAG_RESTRICT dvj = dv + j * Ev;
                const T *PAG_RESTRICT vj = v + j * Ev;
                PAG_PRAGMA(omp simd)
                for (int64_t e = 0; e < Ev; e++) dvj[e] += p * doi[e];
                const T ds = p * (TN(attn_dot)(doi, vj, Ev) - D);
                if (dbias) dbias[i * S + j] = ds;
                const T dss = ds * scale;
                const T *PAG_RESTRICT kj = k + j * E;
                T *PAG_RESTRICT dkj = dk + j * E;
                PAG_PRAGMA(omp simd)
                for (int64_t e = 0; e < E; e++) {
                    dqi[e] += dss * kj[e];
                    dkj[e] += dss * qi[e];
                }
            }
        }
    }
}

int TN(pag_attn_sdpa_backward)(const T *dout, const T *q, const T *k, const T *v, const T *bias, int64_t bias_bs,
                          int64_t bias_rs, int64_t bias_cs, const T *out, const T *lse, T *dq, T *dk, T *dv,
                          T *dbias, int64_t bh, int64_t L, int64_t S, int64_t E, int64_t Ev, int causal,
                          double scale, int nthreads) {
    if (attn_bad(bh, L, S, E, Ev)) return PAG_EINVAL;
    if (bh == 0) return PAG_OK;
    if ((L * E != 0 && !dq) || (S * E != 0 && !dk) || (S * Ev != 0 && !dv)) return PAG_EINVAL;
    if (L * S != 0 && (!dout || !q || !k || !v || !out || !lse)) return PAG_EINVAL;
    const int team = pag_team_size(bh * L * (S > 0 ? S : 1), (E + Ev) / 4 + 1, nthreads);
    const int use = team < bh ? team : (int)bh;
    int status = PAG_OK;
    PAG_PRAGMA(omp parallel num_threads(use) if (use > 1))
    {
        T *s = malloc(sizeof(T) * ATTN_BK);
        if (!s) {
            PAG_PRAGMA(omp atomic write)
            status = PAG_ENOMEM;
        }
        PAG_PRAGMA(omp for schedule(dynamic, 1))
        for (int64_t b = 0; b < bh; b++) {
            if (!s) continue;
            TN(attn_bwd_head)(dout + b * L * Ev, q + b * L * E, k + b * S * E, v + b * S * Ev,
                              bias ? bias + b * bias_bs : NULL, bias_rs, bias_cs, out + b * L * Ev, lse + b * L,
                              dq + b * L * E, dk + b * S * E, dv + b * S * Ev, dbias ? dbias + b * L * S : NULL, L,
                              S, E, Ev, causal, (T)scale, s);
        }
        free(s);
    }
    return status;
}

#endif /* PAG_TYPED_BODY */
