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
 * Each key block is transposed into scratch once, so a row's scores (and dout v^T) are sums of
 * vectors along the keys (no horizontal sum per key); the updates of acc, dq, dk, dv are
 * vector axpys over E or Ev. The blocks are small enough to stay in L1/L2. This file includes itself twice, with T = float and double. */
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

/* dst (cols x rows) = the transpose of the rows x cols block src (row stride cols). */
static void TN(attn_transpose)(const T *PAG_RESTRICT src, int64_t rows, int64_t cols, T *PAG_RESTRICT dst) {
    for (int64_t r = 0; r < rows; r++)
        for (int64_t c = 0; c < cols; c++) dst[c * ATTN_BK + r] = src[r * cols + c];
}

/* One score row against the key block held transposed in kt (E x ATTN_BK, n keys from j0):
 * s[j] = (q_i * scale) . k_j + bias, -inf where masked. The loop runs along the keys, so it
 * vectorizes without a horizontal sum per key. */
static PAG_CLONES void TN(attn_scores)(const T *PAG_RESTRICT qi, const T *PAG_RESTRICT kt, const T *bias_row,
                                       int64_t bias_cs, int64_t i, int64_t j0, int64_t n, int64_t E, int causal,
                                       T scale, T *PAG_RESTRICT s) {
    for (int64_t j = 0; j < n; j++) s[j] = 0;
    for (int64_t e = 0; e < E; e++) {
        const T qe = qi[e] * scale;
        const T *PAG_RESTRICT row = kt + e * ATTN_BK;
        PAG_PRAGMA(omp simd)
        for (int64_t j = 0; j < n; j++) s[j] += qe * row[j];
    }
    if (bias_row)
        for (int64_t j = 0; j < n; j++) s[j] += bias_row[(j0 + j) * bias_cs];
    if (causal)
        for (int64_t j = (i - j0 + 1 > 0 ? i - j0 + 1 : 0); j < n; j++) s[j] = (T)-INFINITY;
}

/* Scratch per thread, in T elements: kt, vt (E x BK, Ev x BK), s, dp (BK), m, l (BQ), acc (BQ x Ev). */
static size_t TN(attn_scratch)(int64_t E, int64_t Ev, int64_t L) {
    return (size_t)((E + Ev + 2) * ATTN_BK + 2 * ATTN_BQ + ATTN_BQ * Ev + L + 1);
}

static PAG_CLONES void TN(attn_fwd_block)(const T *q, const T *k, const T *v, const T *bias, int64_t bias_rs,
                                          int64_t bias_cs, T *out, T *lse, int64_t i0, int64_t i1, int64_t S,
                                          int64_t E, int64_t Ev, int causal, T scale, T *scratch) {
    T *kt = scratch, *s = kt + E * ATTN_BK, *m = s + ATTN_BK, *l = m + ATTN_BQ, *acc = l + ATTN_BQ;
    const int64_t jend = causal ? (i1 < S ? i1 : S) : S;
    for (int64_t r = 0; r < i1 - i0; r++) {
        m[r] = (T)-INFINITY;
        l[r] = 0;
        for (int64_t e = 0; e < Ev; e++) acc[r * Ev + e] = 0;
    }
    for (int64_t j0 = 0; j0 < jend; j0 += ATTN_BK) {
        const int64_t n = (j0 + ATTN_BK < jend ? j0 + ATTN_BK : jend) - j0;
        TN(attn_transpose)(k + j0 * E, n, E, kt);
        for (int64_t i = (causal && j0 > i0 ? j0 : i0); i < i1; i++) {
            const int64_t r = i - i0;
            TN(attn_scores)(q + i * E, kt, bias ? bias + i * bias_rs : NULL, bias_cs, i, j0, n, E, causal, scale, s);
            T mx = m[r];
            for (int64_t j = 0; j < n; j++) mx = s[j] > mx ? s[j] : mx;
            if (mx == (T)-INFINITY) continue;  /* every key so far masked: nothing to add */
            const T alpha = TN(pag_exp)(m[r] - mx);
            T *PAG_RESTRICT a = acc + r * Ev;
            T sum = 0;
            PAG_PRAGMA(omp simd reduction(+:sum))
            for (int64_t j = 0; j < n; j++) {
                s[j] = TN(pag_exp)(s[j] - mx);
                sum += s[j];
            }
            l[r] = l[r] * alpha + sum;
            PAG_PRAGMA(omp simd)
            for (int64_t e = 0; e < Ev; e++) a[e] *= alpha;
            for (int64_t j = 0; j < n; j++) {
                const T p = s[j];
                if (p == 0) continue;
                const T *PAG_RESTRICT vj = v + (j0 + j) * Ev;
                PAG_PRAGMA(omp simd)
                for (int64_t e = 0; e < Ev; e++) a[e] += p * vj[e];
            }
            m[r] = mx;
        }
    }
    for (int64_t i = i0; i < i1; i++) {
        const int64_t r = i - i0;
        T *PAG_RESTRICT o = out + i * Ev;
        if (l[r] > 0) {
            const T inv = (T)1 / l[r];
            for (int64_t e = 0; e < Ev; e++) o[e] = acc[r * Ev + e] * inv;
            lse[i] = m[r] + (T)log((double)l[r]);
        } else {
            for (int64_t e = 0; e < Ev; e++) o[e] = 0;
            lse[i] = (T)-INFINITY;
        }
    }
}

int TN(pag_attn_sdpa_forward)(const T *q, const T *k, const T *v, const T *bias, int64_t bias_bs, int64_t bias_rs,
                              int64_t bias_cs, T *out, T *lse, int64_t bh, int64_t L, int64_t S, int64_t E,
                              int64_t Ev, int causal, double scale, int nthreads) {
    if (attn_bad(bh, L, S, E, Ev)) return PAG_EINVAL;
    if (bh * L == 0) return PAG_OK;
    if (!out || !lse || (S > 0 && (!q || !k || !v))) return PAG_EINVAL;
    const int64_t blocks = (L + ATTN_BQ - 1) / ATTN_BQ, items = bh * blocks;
    const int team = pag_team_size(bh * L * (S > 0 ? S : 1), (E + Ev) / 4 + 1, nthreads);
    int status = PAG_OK;
    PAG_PRAGMA(omp parallel num_threads(team) if (team > 1))
    {
        T *scratch = malloc(sizeof(T) * TN(attn_scratch)(E, Ev, 0));
        if (!scratch) {
            PAG_PRAGMA(omp atomic write)
            status = PAG_ENOMEM;
        }
        PAG_PRAGMA(omp for schedule(dynamic, 1))
        for (int64_t it = 0; it < items; it++) {
            if (!scratch) continue;
            const int64_t b = it / blocks, i0 = (it % blocks) * ATTN_BQ;
            const int64_t i1 = i0 + ATTN_BQ < L ? i0 + ATTN_BQ : L;
            TN(attn_fwd_block)(q + b * L * E, k + b * S * E, v + b * S * Ev, bias ? bias + b * bias_bs : NULL,
                               bias_rs, bias_cs, out + b * L * Ev, lse + b * L, i0, i1, S, E, Ev, causal, (T)scale,
                               scratch);
        }
        free(scratch);
    }
    return status;
}

/* One head's gradients, key block by key block (the block's keys and values held transposed);
 * dq rows accumulate over the key blocks. */
static PAG_CLONES void TN(attn_bwd_head)(const T *dout, const T *q, const T *k, const T *v, const T *bias,
                                         int64_t bias_rs, int64_t bias_cs, const T *out, const T *lse, T *dq,
                                         T *dk, T *dv, T *dbias, int64_t L, int64_t S, int64_t E, int64_t Ev,
                                         int causal, T scale, T *scratch) {
    T *kt = scratch, *vt = kt + E * ATTN_BK, *p = vt + Ev * ATTN_BK, *dp = p + ATTN_BK;
    T *D = dp + ATTN_BK + 2 * ATTN_BQ + ATTN_BQ * Ev;
    for (int64_t x = 0; x < L * E; x++) dq[x] = 0;
    for (int64_t x = 0; x < S * E; x++) dk[x] = 0;
    for (int64_t x = 0; x < S * Ev; x++) dv[x] = 0;
    if (dbias)
        for (int64_t x = 0; x < L * S; x++) dbias[x] = 0;
    for (int64_t i = 0; i < L; i++) D[i] = TN(attn_dot)(dout + i * Ev, out + i * Ev, Ev);
    for (int64_t j0 = 0; j0 < S; j0 += ATTN_BK) {
        const int64_t n = (j0 + ATTN_BK < S ? j0 + ATTN_BK : S) - j0;
        TN(attn_transpose)(k + j0 * E, n, E, kt);
        TN(attn_transpose)(v + j0 * Ev, n, Ev, vt);
        for (int64_t i = causal ? j0 : 0; i < L; i++) {
            if (lse[i] == (T)-INFINITY) continue;  /* a fully masked row: no gradient */
            const T *PAG_RESTRICT doi = dout + i * Ev;
            const T *PAG_RESTRICT qi = q + i * E;
            TN(attn_scores)(qi, kt, bias ? bias + i * bias_rs : NULL, bias_cs, i, j0, n, E, causal, scale, p);
            const T li = lse[i];
            PAG_PRAGMA(omp simd)
            for (int64_t j = 0; j < n; j++) {
                p[j] = TN(pag_exp)(p[j] - li);
                dp[j] = 0;
            }
            for (int64_t e = 0; e < Ev; e++) {
                const T de = doi[e];
                const T *PAG_RESTRICT row = vt + e * ATTN_BK;
                PAG_PRAGMA(omp simd)
                for (int64_t j = 0; j < n; j++) dp[j] += de * row[j];
            }
            const T Di = D[i];
            T *PAG_RESTRICT dqi = dq + i * E;
            for (int64_t j = 0; j < n; j++) {
                const T pj = p[j];
                if (pj == 0) continue;
                const T ds = pj * (dp[j] - Di);
                if (dbias) dbias[i * S + j0 + j] = ds;
                const T dss = ds * scale;
                T *PAG_RESTRICT dvj = dv + (j0 + j) * Ev;
                PAG_PRAGMA(omp simd)
                for (int64_t e = 0; e < Ev; e++) dvj[e] += pj * doi[e];
                const T *PAG_RESTRICT kj = k + (j0 + j) * E;
                T *PAG_RESTRICT dkj = dk + (j0 + j) * E;
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
        T *scratch = malloc(sizeof(T) * TN(attn_scratch)(E, Ev, L));
        if (!scratch) {
            PAG_PRAGMA(omp atomic write)
            status = PAG_ENOMEM;
        }
        PAG_PRAGMA(omp for schedule(dynamic, 1))
        for (int64_t b = 0; b < bh; b++) {
            if (!scratch) continue;
            TN(attn_bwd_head)(dout + b * L * Ev, q + b * L * E, k + b * S * E, v + b * S * Ev,
                              bias ? bias + b * bias_bs : NULL, bias_rs, bias_cs, out + b * L * Ev, lse + b * L,
                              dq + b * L * E, dk + b * S * E, dv + b * S * Ev, dbias ? dbias + b * L * S : NULL, L,
                              S, E, Ev, causal, (T)scale, scratch);
        }
        free(scratch);
    }
    return status;
}

#endif /* PAG_TYPED_BODY */
