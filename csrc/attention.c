/* Blocked online-softmax attention (the API is in attention.h).
 *
 * Forward, per (head, block of ATTN_FQ query rows): the rows keep a running maximum m, a running
 * normalizer l and a running weighted sum of values acc; each block of ATTN_FK keys gives the
 * score block S = scale * Q K^T (+ bias, masked), the maximum rises to m', and acc, l are
 * rescaled by exp(m - m') before the block's P = exp(S - m') and P V are added (the online
 * softmax). out = acc / l and lse = m + log l.
 *
 * Backward, per head: D = rowsum(dout * out); for each key block and each query block the
 * scores are recomputed, P = exp(S - lse), and dV += P^T dO, dP = dO V^T, dS = P (dP - D),
 * dQ += scale dS K, dK += scale dS^T Q.
 *
 * Every product of blocks (Q K^T, P V and the five of the backward) is a call of the project's
 * GEMM (pag_linalg_gemm, matmul.c: packed, register-tiled) on the calling thread; the row work
 * between them (bias, mask, row max, exp, row sums, rescaling) is vector loops over contiguous
 * block rows. A thread holds a score block and a gradient block (at most ATTN_BQ x ATTN_BK each)
 * and a product block, never a whole (L, S) matrix. This file includes itself twice, with
 * T = float and double. */
#ifndef PAG_TYPED_BODY
#include <math.h>
#include <stdlib.h>

#include "common.h"
#include "matmul.h"
#include "vmath.h"

#pragma GCC optimize("no-trapping-math")

/* Query rows and keys per block, forward (FQ x FK) and backward (BQ x BK); measured at head
 * size 32, float32, one thread (sequence 64 to 1024), differences under ~5% around these. The
 * backward's tall query blocks let each packed key block serve 256 rows; under a causal mask its
 * query blocks start at the key block's first key, so no block lies wholly above the diagonal. */
#define ATTN_FQ 64
#define ATTN_FK 128
#define ATTN_BQ 256
#define ATTN_BK 64
#define ATTN_BMAX (ATTN_BQ > ATTN_BK ? ATTN_BQ : ATTN_BK)

static int attn_bad(int64_t bh, int64_t L, int64_t S, int64_t E, int64_t Ev) {
    if (bh < 0 || L < 0 || S < 0 || E < 0 || Ev < 0) return 1;
    const int64_t lim = INT64_MAX / 8;
    if ((bh > 0 && (L > lim / bh || S > lim / bh))) return 1;
    const int64_t rows = bh * L, keys = bh * S;
    return (rows > 0 && (E > lim / rows || Ev > lim / rows || S > lim / rows))
        || (keys > 0 && (E > lim / keys || Ev > lim / keys));
}

static int64_t attn_min(int64_t a, int64_t b) { return a < b ? a : b; }

/* Where head b of operand o starts (attention.h: lay holds three strides per operand). */
static int64_t attn_head(const int64_t *lay, int o, int64_t b, int64_t nbi) {
    return (b / nbi) * lay[3 * o] + (b % nbi) * lay[3 * o + 1];
}

/* The layouts are valid: nbi divides bh, strides are not negative, and a row stride leaves room
 * for the row (width[o] elements) when there is more than one row (rows[o]). */
static int attn_bad_layout(const int64_t *lay, int n, int64_t nbi, int64_t bh, const int64_t *rows,
                           const int64_t *width) {
    if (!lay || nbi < 1 || bh % nbi) return 1;
    for (int o = 0; o < n; o++) {
        if (lay[3 * o] < 0 || lay[3 * o + 1] < 0 || lay[3 * o + 2] < 0) return 1;
        if (rows[o] > 1 && lay[3 * o + 2] < width[o]) return 1;
    }
    return 0;
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

/* The sum of x[0, n) in ATTN_LANES partial sums: a reduction clause would end every row with a
 * chain of scalar adds over the vector lanes, which took a fifth of the forward's row work. */
#define ATTN_LANES 16
PAG_INLINE T TN(attn_sum)(const T *PAG_RESTRICT x, int64_t n) {
    T part[ATTN_LANES] = {0};
    int64_t j = 0;
    for (; j + ATTN_LANES <= n; j += ATTN_LANES)
        for (int e = 0; e < ATTN_LANES; e++) part[e] += x[j + e];
    T sum = 0;
    for (; j < n; j++) sum += x[j];
    for (int w = ATTN_LANES / 2; w > 0; w /= 2)
        for (int e = 0; e < w; e++) part[e] += part[e + w];
    return sum + part[0];
}

/* out (m x n, C-contiguous) = alpha op(A) op(B), on the calling thread. */
static int TN(attn_gemm)(int64_t m, int64_t n, int64_t k, T alpha, const T *a, int ta, int64_t lda, const T *b,
                         int tb, int64_t ldb, T *out) {
    return TN(pag_linalg_gemm)(m, n, k, (double)alpha, a, ta, lda, b, tb, ldb, 0.0, NULL, 0, 0, out, 1);
}

/* dst[r * ld + e] += src[r * n + e] for r < rows, e < n. */
static PAG_CLONES void TN(attn_add)(T *PAG_RESTRICT dst, int64_t ld, const T *PAG_RESTRICT src, int64_t rows,
                                    int64_t n) {
    for (int64_t r = 0; r < rows; r++) {
        T *PAG_RESTRICT d = dst + r * ld;
        const T *PAG_RESTRICT s = src + r * n;
        PAG_PRAGMA(omp simd)
        for (int64_t e = 0; e < n; e++) d[e] += s[e];
    }
}

/* The bias and the causal mask on one score row s[0, n) of query i against keys j0...:
 * returns how many leading keys remain visible (the causal cut; n without causal). */
PAG_INLINE int64_t TN(attn_mask_row)(T *PAG_RESTRICT s, const T *bias_row, int64_t bias_cs, int64_t i, int64_t j0,
                                     int64_t n, int causal) {
    if (bias_row) {
        if (bias_cs == 1) {
            const T *PAG_RESTRICT br = bias_row + j0;
            PAG_PRAGMA(omp simd)
            for (int64_t j = 0; j < n; j++) s[j] += br[j];
        } else {
            for (int64_t j = 0; j < n; j++) s[j] += bias_row[(j0 + j) * bias_cs];
        }
    }
    int64_t cut = n;
    if (causal) {
        cut = i - j0 + 1;
        cut = cut < 0 ? 0 : (cut > n ? n : cut);
        for (int64_t j = cut; j < n; j++) s[j] = (T)-INFINITY;
    }
    return cut;
}

/* Scratch per thread for the forward, in T elements: s (BQ x BK), pv and acc (BQ x Ev), m, l,
 * alpha (BQ). */
static size_t TN(attn_fwd_scratch)(int64_t Ev) {
    return (size_t)(ATTN_FQ * ATTN_FK + 2 * ATTN_FQ * Ev + 3 * ATTN_FQ);
}

/* The online softmax of one score block: per row, bias and mask, the new maximum, exp(s - m')
 * stored in place, l and m updated, and the factor exp(m - m') by which acc is to be rescaled
 * (in al). */
static PAG_CLONES void TN(attn_fwd_rows)(T *PAG_RESTRICT s, int64_t nq, int64_t n, const T *bias, int64_t bias_rs,
                                         int64_t bias_cs, int64_t i0, int64_t j0, int causal, T *PAG_RESTRICT m,
                                         T *PAG_RESTRICT l, T *PAG_RESTRICT al) {
    for (int64_t r = 0; r < nq; r++) {
        T *PAG_RESTRICT row = s + r * n;
        const int64_t i = i0 + r;
        /* keys from cut on are causally masked: their weights are 0, no exp needed */
        const int64_t cut = TN(attn_mask_row)(row, bias ? bias + i * bias_rs : NULL, bias_cs, i, j0, n, causal);
        T mx = m[r];
        PAG_PRAGMA(omp simd reduction(max:mx))
        for (int64_t j = 0; j < cut; j++) mx = row[j] > mx ? row[j] : mx;
        for (int64_t j = cut; j < n; j++) row[j] = 0;
        if (mx == (T)-INFINITY || cut == 0) {  /* no visible key so far, or none here: nothing to add */
            for (int64_t j = 0; j < cut; j++) row[j] = 0;
            al[r] = 1;
            continue;
        }
        PAG_PRAGMA(omp simd)
        for (int64_t j = 0; j < cut; j++) row[j] = TN(pag_exp)(row[j] - mx);
        T sum = TN(attn_sum)(row, cut);
        al[r] = TN(pag_exp)(m[r] - mx);  /* 0 when m was -inf */
        l[r] = l[r] * al[r] + sum;
        m[r] = mx;
    }
}

/* acc = acc * al (per row) + pv, rows of Ev. */
static PAG_CLONES void TN(attn_rescale_add)(T *PAG_RESTRICT acc, const T *PAG_RESTRICT pv, const T *PAG_RESTRICT al,
                                            int64_t nq, int64_t Ev) {
    for (int64_t r = 0; r < nq; r++) {
        const T a = al[r];
        T *PAG_RESTRICT o = acc + r * Ev;
        const T *PAG_RESTRICT p = pv + r * Ev;
        PAG_PRAGMA(omp simd)
        for (int64_t e = 0; e < Ev; e++) o[e] = o[e] * a + p[e];
    }
}

/* rq, rk, rv, ro: the row strides of q, k, v and out (elements). */
static int TN(attn_fwd_block)(const T *q, int64_t rq, const T *k, int64_t rk, const T *v, int64_t rv, const T *bias,
                              int64_t bias_rs, int64_t bias_cs, T *out, int64_t ro, T *lse, int64_t i0, int64_t i1,
                              int64_t S, int64_t E, int64_t Ev, int causal, T scale, T *scratch) {
    const int64_t nq = i1 - i0;
    T *s = scratch, *pv = s + ATTN_FQ * ATTN_FK, *acc = pv + ATTN_FQ * Ev, *m = acc + ATTN_FQ * Ev;
    T *l = m + ATTN_FQ, *al = l + ATTN_FQ;
    const int64_t jend = causal ? attn_min(i1, S) : S;
    for (int64_t r = 0; r < nq; r++) {
        m[r] = (T)-INFINITY;
        l[r] = 0;
    }
    for (int64_t x = 0; x < nq * Ev; x++) acc[x] = 0;
    for (int64_t j0 = 0; j0 < jend; j0 += ATTN_FK) {
        const int64_t n = attn_min(ATTN_FK, jend - j0);
        int st = TN(attn_gemm)(nq, n, E, scale, q + i0 * rq, 0, rq, k + j0 * rk, 1, rk, s);
        if (st != PAG_OK) return st;
        TN(attn_fwd_rows)(s, nq, n, bias, bias_rs, bias_cs, i0, j0, causal, m, l, al);
        st = TN(attn_gemm)(nq, Ev, n, 1, s, 0, n, v + j0 * rv, 0, rv, pv);
        if (st != PAG_OK) return st;
        TN(attn_rescale_add)(acc, pv, al, nq, Ev);
    }
    for (int64_t r = 0; r < nq; r++) {
        T *PAG_RESTRICT o = out + (i0 + r) * ro;
        if (l[r] > 0) {
            const T inv = (T)1 / l[r];
            for (int64_t e = 0; e < Ev; e++) o[e] = acc[r * Ev + e] * inv;
            lse[i0 + r] = m[r] + (T)log((double)l[r]);
        } else {
            for (int64_t e = 0; e < Ev; e++) o[e] = 0;
            lse[i0 + r] = (T)-INFINITY;
        }
    }
    return PAG_OK;
}

int TN(pag_attn_sdpa_forward)(const T *q, const T *k, const T *v, const T *bias, int64_t bias_bs, int64_t bias_rs,
                              int64_t bias_cs, T *out, T *lse, const int64_t *lay, int64_t nbi, int64_t bh,
                              int64_t L, int64_t S, int64_t E, int64_t Ev, int causal, double scale, int nthreads) {
    if (attn_bad(bh, L, S, E, Ev)) return PAG_EINVAL;
    if (bh * L == 0) return PAG_OK;
    const int64_t rows[4] = {L, S, S, L}, width[4] = {E, E, Ev, Ev};
    if (attn_bad_layout(lay, 4, nbi, bh, rows, width)) return PAG_EINVAL;
    if (!out || !lse || (S > 0 && (!q || !k || !v))) return PAG_EINVAL;
    const int64_t blocks = (L + ATTN_FQ - 1) / ATTN_FQ, items = bh * blocks;
    const int team = pag_team_size(bh * L * (S > 0 ? S : 1), (E + Ev) / 4 + 1, nthreads);
    int status = PAG_OK;
    PAG_PRAGMA(omp parallel num_threads(team) if (team > 1))
    {
        T *scratch = malloc(sizeof(T) * TN(attn_fwd_scratch)(Ev));
        if (!scratch) {
            PAG_PRAGMA(omp atomic write)
            status = PAG_ENOMEM;
        }
        PAG_PRAGMA(omp for schedule(dynamic, 1))
        for (int64_t it = 0; it < items; it++) {
            if (!scratch) continue;
            const int64_t b = it / blocks, i0 = (it % blocks) * ATTN_FQ;
            const int64_t i1 = attn_min(i0 + ATTN_FQ, L);
            const int st = TN(attn_fwd_block)(q + attn_head(lay, 0, b, nbi), lay[2], k + attn_head(lay, 1, b, nbi),
                                              lay[5], v + attn_head(lay, 2, b, nbi), lay[8],
                                              bias ? bias + b * bias_bs : NULL, bias_rs, bias_cs,
                                              out + attn_head(lay, 3, b, nbi), lay[11], lse + b * L, i0, i1, S, E,
                                              Ev, causal, (T)scale, scratch);
            if (st != PAG_OK) {
                PAG_PRAGMA(omp atomic write)
                status = st;
            }
        }
        free(scratch);
    }
    return status;
}

/* Scratch per thread for the backward: p and ds (BQ x BK), one product block
 * (max(BQ, BK) x max(E, Ev)), D (L). */
static size_t TN(attn_bwd_scratch)(int64_t E, int64_t Ev, int64_t L) {
    const int64_t w = E > Ev ? E : Ev;
    return (size_t)(2 * ATTN_BQ * ATTN_BK + ATTN_BMAX * w + L + 1);
}

/* One score block of the backward, rows in place: P = exp(S - lse) (0 in a fully masked row),
 * then with dp = dO V^T, dS = P (dp - D) stored over dp (and into dbias). */
static PAG_CLONES void TN(attn_bwd_probs)(T *PAG_RESTRICT p, int64_t nq, int64_t n, const T *bias, int64_t bias_rs,
                                          int64_t bias_cs, const T *lse, int64_t i0, int64_t j0, int causal) {
    for (int64_t r = 0; r < nq; r++) {
        T *PAG_RESTRICT row = p + r * n;
        const int64_t i = i0 + r;
        const T li = lse[i];
        if (li == (T)-INFINITY) {  /* a fully masked row: no gradient */
            for (int64_t j = 0; j < n; j++) row[j] = 0;
            continue;
        }
        const int64_t cut = TN(attn_mask_row)(row, bias ? bias + i * bias_rs : NULL, bias_cs, i, j0, n, causal);
        PAG_PRAGMA(omp simd)
        for (int64_t j = 0; j < cut; j++) row[j] = TN(pag_exp)(row[j] - li);
        for (int64_t j = cut; j < n; j++) row[j] = 0;
    }
}

static PAG_CLONES void TN(attn_bwd_ds)(const T *PAG_RESTRICT p, T *PAG_RESTRICT ds, int64_t nq, int64_t n,
                                       const T *PAG_RESTRICT D, T *dbias, int64_t S) {
    for (int64_t r = 0; r < nq; r++) {
        const T *PAG_RESTRICT pr = p + r * n;
        T *PAG_RESTRICT dr = ds + r * n;
        const T Di = D[r];
        PAG_PRAGMA(omp simd)
        for (int64_t j = 0; j < n; j++) dr[j] = pr[j] * (dr[j] - Di);
        if (dbias) {
            T *PAG_RESTRICT db = dbias + r * S;
            for (int64_t j = 0; j < n; j++) db[j] = dr[j];
        }
    }
}

/* rows x n elements at x, rows ld apart, set to 0. */
static void TN(attn_zero)(T *x, int64_t rows, int64_t n, int64_t ld) {
    for (int64_t r = 0; r < rows; r++)
        for (int64_t e = 0; e < n; e++) x[r * ld + e] = 0;
}

/* One head's gradients, key block by key block, query block by query block. r[0..7]: the row
 * strides of dout, q, k, v, out, dq, dk, dv (elements). */
static int TN(attn_bwd_head)(const T *dout, const T *q, const T *k, const T *v, const T *bias, int64_t bias_rs,
                             int64_t bias_cs, const T *out, const T *lse, T *dq, T *dk, T *dv, T *dbias,
                             const int64_t *r, int64_t L, int64_t S, int64_t E, int64_t Ev, int causal, T scale,
                             T *scratch) {
    T *p = scratch, *ds = p + ATTN_BQ * ATTN_BK, *tmp = ds + ATTN_BQ * ATTN_BK;
    T *D = tmp + ATTN_BMAX * (E > Ev ? E : Ev);
    const int64_t rdo = r[0], rq = r[1], rk = r[2], rv = r[3], ro = r[4], rdq = r[5], rdk = r[6], rdv = r[7];
    TN(attn_zero)(dq, L, E, rdq);
    TN(attn_zero)(dk, S, E, rdk);
    TN(attn_zero)(dv, S, Ev, rdv);
    if (dbias)
        for (int64_t x = 0; x < L * S; x++) dbias[x] = 0;
    for (int64_t i = 0; i < L; i++) D[i] = TN(attn_dot)(dout + i * rdo, out + i * ro, Ev);
    for (int64_t j0 = 0; j0 < S; j0 += ATTN_BK) {
        const int64_t n = attn_min(ATTN_BK, S - j0);
        /* causal: query rows before j0 see none of these keys, so the blocks start at j0 */
        for (int64_t i0 = causal ? j0 : 0; i0 < L; i0 += ATTN_BQ) {
            const int64_t nq = attn_min(ATTN_BQ, L - i0);
            const T *qi = q + i0 * rq, *doi = dout + i0 * rdo, *kj = k + j0 * rk, *vj = v + j0 * rv;
            int st = TN(attn_gemm)(nq, n, E, scale, qi, 0, rq, kj, 1, rk, p);
            if (st == PAG_OK) {
                TN(attn_bwd_probs)(p, nq, n, bias, bias_rs, bias_cs, lse, i0, j0, causal);
                st = TN(attn_gemm)(nq, n, Ev, 1, doi, 0, rdo, vj, 1, rv, ds);  /* dp = dO V^T */
            }
            if (st == PAG_OK) {
                TN(attn_bwd_ds)(p, ds, nq, n, D + i0, dbias ? dbias + i0 * S + j0 : NULL, S);
                st = TN(attn_gemm)(n, Ev, nq, 1, p, 1, n, doi, 0, rdo, tmp);  /* P^T dO */
            }
            if (st == PAG_OK) {
                TN(attn_add)(dv + j0 * rdv, rdv, tmp, n, Ev);
                st = TN(attn_gemm)(n, E, nq, scale, ds, 1, n, qi, 0, rq, tmp);  /* scale dS^T Q */
            }
            if (st == PAG_OK) {
                TN(attn_add)(dk + j0 * rdk, rdk, tmp, n, E);
                st = TN(attn_gemm)(nq, E, n, scale, ds, 0, n, kj, 0, rk, tmp);  /* scale dS K */
            }
            if (st != PAG_OK) return st;
            TN(attn_add)(dq + i0 * rdq, rdq, tmp, nq, E);
        }
    }
    return PAG_OK;
}

int TN(pag_attn_sdpa_backward)(const T *dout, const T *q, const T *k, const T *v, const T *bias, int64_t bias_bs,
                               int64_t bias_rs, int64_t bias_cs, const T *out, const T *lse, T *dq, T *dk, T *dv,
                               T *dbias, const int64_t *lay, int64_t nbi, int64_t bh, int64_t L, int64_t S, int64_t E,
                               int64_t Ev, int causal, double scale, int nthreads) {
    if (attn_bad(bh, L, S, E, Ev)) return PAG_EINVAL;
    if (bh == 0) return PAG_OK;
    const int64_t rows[8] = {L, L, S, S, L, L, S, S}, width[8] = {Ev, E, E, Ev, Ev, E, E, Ev};
    if (attn_bad_layout(lay, 8, nbi, bh, rows, width)) return PAG_EINVAL;
    const int64_t r[8] = {lay[2], lay[5], lay[8], lay[11], lay[14], lay[17], lay[20], lay[23]};
    if ((L * E != 0 && !dq) || (S * E != 0 && !dk) || (S * Ev != 0 && !dv)) return PAG_EINVAL;
    if (L * S != 0 && (!dout || !q || !k || !v || !out || !lse)) return PAG_EINVAL;
    const int team = pag_team_size(bh * L * (S > 0 ? S : 1), (E + Ev) / 4 + 1, nthreads);
    const int use = team < bh ? team : (int)bh;
    int status = PAG_OK;
    PAG_PRAGMA(omp parallel num_threads(use) if (use > 1))
    {
        T *scratch = malloc(sizeof(T) * TN(attn_bwd_scratch)(E, Ev, L));
        if (!scratch) {
            PAG_PRAGMA(omp atomic write)
            status = PAG_ENOMEM;
        }
        PAG_PRAGMA(omp for schedule(dynamic, 1))
        for (int64_t b = 0; b < bh; b++) {
            if (!scratch) continue;
            const int st = TN(attn_bwd_head)(dout + attn_head(lay, 0, b, nbi), q + attn_head(lay, 1, b, nbi),
                                             k + attn_head(lay, 2, b, nbi), v + attn_head(lay, 3, b, nbi),
                                             bias ? bias + b * bias_bs : NULL, bias_rs, bias_cs,
                                             out + attn_head(lay, 4, b, nbi), lse + b * L,
                                             dq + attn_head(lay, 5, b, nbi), dk + attn_head(lay, 6, b, nbi),
                                             dv + attn_head(lay, 7, b, nbi), dbias ? dbias + b * L * S : NULL, r,
                                             L, S, E, Ev, causal, (T)scale, scratch);
            if (st != PAG_OK) {
                PAG_PRAGMA(omp atomic write)
                status = st;
            }
        }
        free(scratch);
    }
    return status;
}

#endif /* PAG_TYPED_BODY */
