/* Window GEMM and window dot kernels (see winmm.h for the contract).
 *
 * The GEMM's tile is 8 rows of A by 32 positions (two zmm of B lanes, 16 accumulators):
 * per tap k, two (masked) loads of B straight from the input at off[k] and eight
 * broadcasts of the packed A column, 16 FMAs. Every output element is summed over k in
 * order, one FMA per term. The B lanes of one tile are a few input rows per channel, read
 * again by each A panel while still in L1; the packed A (8 x R per panel) streams from L2.
 *
 * The dot kernel (a convolution's grad-weight) holds a 4 x 6 block of results in 24 zmm
 * accumulators: per 16-lane step, four G loads and six B loads for 24 FMAs, then one
 * horizontal sum per result. Lanes outside the output (a row's padding columns, a masked
 * tail) are loaded as zeros on both sides, so an inf or NaN in the padding columns of the
 * input cannot leak into the sums. */
#include "common.h"
#include "matmul.h"
#include "winmm.h"

#define WIN_MIN(a, b) ((a) < (b) ? (a) : (b))

void pag_win_shape_init(pag_win_shape *s, int64_t od, int64_t oh, int64_t ow, int64_t hp, int64_t wp) {
    s->hp = hp; s->wp = wp; s->od = od; s->oh = oh; s->ow = ow;
    s->lanes = od * oh * ((ow + 15) / 16) * 16;
}

void pag_win_pack_a(int64_t m, int64_t r, const float *a, int64_t a_rs, int64_t a_cs, float *ap) {
    for (int64_t p = 0; p < m; p += PAG_WIN_MR, ap += PAG_WIN_MR * r) {
        const int64_t mr = WIN_MIN((int64_t)PAG_WIN_MR, m - p);
        for (int64_t k = 0; k < r; k++)
            for (int64_t i = 0; i < PAG_WIN_MR; i++)
                ap[k * PAG_WIN_MR + i] = i < mr ? a[(p + i) * a_rs + k * a_cs] : 0.0f;
    }
}

int64_t pag_win_nsteps(const pag_win_shape *s) { return s->lanes / 16; }

int64_t pag_win_steps(const pag_win_shape *s, pag_win_step *steps) {
    int64_t n = 0;
    for (int64_t z = 0; z < s->od; z++)
        for (int64_t y = 0; y < s->oh; y++)
            for (int64_t x = 0; x < s->ow; x += 16) {
                const int64_t cnt = WIN_MIN((int64_t)16, s->ow - x);
                const int64_t lb = (z * s->hp + y) * s->wp + x;
                steps[n++] = (pag_win_step){lb, (z * s->oh + y) * s->ow + x, cnt == 16 ? 0xFFFFu : (1u << cnt) - 1};
            }
    return n;
}

#if defined(__x86_64__) && defined(__GNUC__) && !defined(PAG_NO_CLONES)
#include <immintrin.h>
#define WIN_FN __attribute__((target("avx512f,avx2,fma")))

int pag_win_available(void) { return pag_linalg_avx512(); }

static inline __mmask16 win_mask(int64_t lanes) {
    return lanes >= 16 ? (__mmask16)0xFFFF : lanes <= 0 ? (__mmask16)0 : (__mmask16)((1u << lanes) - 1);
}

#define WIN_ROW(i, ci0, ci1)                                                              \
    do {                                                                                  \
        const __m512 x_ = _mm512_set1_ps(a[i]);                                           \
        ci0 = _mm512_fmadd_ps(x_, b0, ci0);                                               \
        if (nb == 2) ci1 = _mm512_fmadd_ps(x_, b1, ci1);                                  \
    } while (0)

#define WIN_OUT(i, ci0, ci1)                                                              \
    do {                                                                                  \
        if ((i) < rows) {                                                                 \
            _mm512_mask_storeu_ps(out + (i) * ldo, m0, ci0);                              \
            if (nb == 2) _mm512_mask_storeu_ps(out + (i) * ldo + 16, m1, ci1);            \
        }                                                                                 \
    } while (0)

/* One tile: `rows` (<= 8) rows of out (row stride ldo) for the 16 * nb lanes at b, masks m0
 * and m1 the lanes in the output (the others are neither loaded nor stored). */
WIN_FN static inline __attribute__((always_inline)) void
win_tile(int nb, int64_t r, const float *ap, const float *b, const int64_t *off, __mmask16 m0, __mmask16 m1,
         float *out, int64_t ldo, int rows) {
    __m512 c00 = _mm512_setzero_ps(), c01 = c00, c10 = c00, c11 = c00, c20 = c00, c21 = c00, c30 = c00;
    __m512 c31 = c00, c40 = c00, c41 = c00, c50 = c00, c51 = c00, c60 = c00, c61 = c00, c70 = c00, c71 = c00;
    const float *a = ap;
    for (int64_t k = 0; k < r; k++, a += PAG_WIN_MR) {
        const float *bk = b + off[k];
        const __m512 b0 = _mm512_maskz_loadu_ps(m0, bk);
        const __m512 b1 = nb == 2 ? _mm512_maskz_loadu_ps(m1, bk + 16) : b0;
        WIN_ROW(0, c00, c01);
        WIN_ROW(1, c10, c11);
        WIN_ROW(2, c20, c21);
        WIN_ROW(3, c30, c31);
        WIN_ROW(4, c40, c41);
        WIN_ROW(5, c50, c51);
        WIN_ROW(6, c60, c61);
        WIN_ROW(7, c70, c71);
    }
    WIN_OUT(0, c00, c01);
    WIN_OUT(1, c10, c11);
    WIN_OUT(2, c20, c21);
    WIN_OUT(3, c30, c31);
    WIN_OUT(4, c40, c41);
    WIN_OUT(5, c50, c51);
    WIN_OUT(6, c60, c61);
    WIN_OUT(7, c70, c71);
}
#undef WIN_ROW
#undef WIN_OUT

WIN_FN static void win_tile32(int64_t r, const float *ap, const float *b, const int64_t *off, __mmask16 m0,
                              __mmask16 m1, float *out, int64_t ldo, int rows) {
    win_tile(2, r, ap, b, off, m0, m1, out, ldo, rows);
}

WIN_FN static void win_tile16(int64_t r, const float *ap, const float *b, const int64_t *off, __mmask16 m0,
                              float *out, int64_t ldo, int rows) {
    win_tile(1, r, ap, b, off, m0, m0, out, ldo, rows);
}

/* ceil(ow / 32) tiles per output row. */
static int64_t win_ntiles(const pag_win_shape *s) { return s->od * s->oh * ((s->ow + 31) / 32); }

#define WIN_CHUNK 4

/* Tiles [t0, t1), WIN_CHUNK at a time, each A panel over the chunk's tiles. */
static void win_tiles(const pag_win_shape *s, int64_t m, int64_t r, const float *ap, const float *b,
                      const int64_t *off, float *out, int64_t ldo, int64_t t0, int64_t t1) {
    const int64_t per_row = (s->ow + 31) / 32;
    int64_t lb[WIN_CHUNK], lo[WIN_CHUNK], lanes[WIN_CHUNK];
    for (int64_t c0 = t0; c0 < t1; c0 += WIN_CHUNK) {
        const int nc = (int)WIN_MIN((int64_t)WIN_CHUNK, t1 - c0);
        for (int q = 0; q < nc; q++) {
            const int64_t row = (c0 + q) / per_row, x = (c0 + q - row * per_row) * 32;
            const int64_t z = row / s->oh, y = row - z * s->oh;
            lb[q] = (z * s->hp + y) * s->wp + x;
            lo[q] = row * s->ow + x;
            lanes[q] = WIN_MIN((int64_t)32, s->ow - x);
        }
        for (int64_t p = 0; p < m; p += PAG_WIN_MR) {
            const int rows = (int)WIN_MIN((int64_t)PAG_WIN_MR, m - p);
            const float *app = ap + p * r;
            for (int q = 0; q < nc; q++) {
                const __mmask16 m0 = win_mask(lanes[q]), m1 = win_mask(lanes[q] - 16);
                float *o = out + p * ldo + lo[q];
                if (lanes[q] > 16)
                    win_tile32(r, app, b + lb[q], off, m0, m1, o, ldo, rows);
                else
                    win_tile16(r, app, b + lb[q], off, m0, o, ldo, rows);
            }
        }
    }
}

void pag_linalg_gemm_windows(const pag_win_shape *s, int64_t m, int64_t r, const float *ap, const float *b,
                             const int64_t *off, float *out, int64_t ldo, int nthreads) {
    const int64_t nt = win_ntiles(s);
    const int team = nthreads > 1 && nt >= 2 && (double)m * (double)r * (double)s->lanes >= (double)(1 << 18)
                         ? nthreads : 1;
    if (team <= 1) {
        win_tiles(s, m, r, ap, b, off, out, ldo, 0, nt);
        return;
    }
    PAG_PRAGMA(omp parallel num_threads(team))
    {
        int64_t lo, hi;
        pag_chunk(nt, pag_num_threads(), pag_thread_num(), &lo, &hi);
        win_tiles(s, m, r, ap, b, off, out, ldo, lo, hi);
    }
}

/* ---- the dot kernel ----------------------------------------------------------------- */

#define WIN_DOT_COL(j, x, c0, c1, c2, c3)                                                 \
    do {                                                                                  \
        const __m512 v_ = _mm512_maskz_loadu_ps(mk, x + st->lb);                          \
        c0 = _mm512_fmadd_ps(g0v, v_, c0);                                                \
        c1 = _mm512_fmadd_ps(g1v, v_, c1);                                                \
        c2 = _mm512_fmadd_ps(g2v, v_, c2);                                                \
        c3 = _mm512_fmadd_ps(g3v, v_, c3);                                                \
    } while (0)

/* The 4 x 6 block: res[i][j] = sum over the steps of g_i . x_j. */
WIN_FN static void win_dot_block(const pag_win_step *st, int64_t nsteps, const float *const g[4],
                                 const float *const x[6], float res[4][6]) {
    __m512 c00 = _mm512_setzero_ps(), c01 = c00, c02 = c00, c03 = c00, c04 = c00, c05 = c00;
    __m512 c10 = c00, c11 = c00, c12 = c00, c13 = c00, c14 = c00, c15 = c00;
    __m512 c20 = c00, c21 = c00, c22 = c00, c23 = c00, c24 = c00, c25 = c00;
    __m512 c30 = c00, c31 = c00, c32 = c00, c33 = c00, c34 = c00, c35 = c00;
    const float *g0 = g[0], *g1 = g[1], *g2 = g[2], *g3 = g[3];
    const float *x0 = x[0], *x1 = x[1], *x2 = x[2], *x3 = x[3], *x4 = x[4], *x5 = x[5];
    for (const pag_win_step *end = st + nsteps; st < end; st++) {
        const __mmask16 mk = (__mmask16)st->mask;
        const __m512 g0v = _mm512_maskz_loadu_ps(mk, g0 + st->lg), g1v = _mm512_maskz_loadu_ps(mk, g1 + st->lg);
        const __m512 g2v = _mm512_maskz_loadu_ps(mk, g2 + st->lg), g3v = _mm512_maskz_loadu_ps(mk, g3 + st->lg);
        WIN_DOT_COL(0, x0, c00, c10, c20, c30);
        WIN_DOT_COL(1, x1, c01, c11, c21, c31);
        WIN_DOT_COL(2, x2, c02, c12, c22, c32);
        WIN_DOT_COL(3, x3, c03, c13, c23, c33);
        WIN_DOT_COL(4, x4, c04, c14, c24, c34);
        WIN_DOT_COL(5, x5, c05, c15, c25, c35);
    }
    const __m512 c[4][6] = {{c00, c01, c02, c03, c04, c05}, {c10, c11, c12, c13, c14, c15},
                            {c20, c21, c22, c23, c24, c25}, {c30, c31, c32, c33, c34, c35}};
    for (int i = 0; i < 4; i++)
        for (int j = 0; j < 6; j++) res[i][j] = _mm512_reduce_add_ps(c[i][j]);
}
#undef WIN_DOT_COL

/* Blocks of 6 taps [k0, k1) x every 4 rows of G; a partial block repeats its last row or
 * tap and drops those results. */
static void win_dot_range(int64_t m, int64_t r, const float *g, int64_t ldg, const float *b, const int64_t *off,
                          const pag_win_step *steps, int64_t nsteps, float *acc, int64_t ldacc, int64_t k0,
                          int64_t k1) {
    for (int64_t k = k0; k < k1; k += 6) {
        const int kn = (int)WIN_MIN((int64_t)6, k1 - k);
        const float *x[6];
        for (int j = 0; j < 6; j++) x[j] = b + off[k + WIN_MIN(j, kn - 1)];
        for (int64_t i = 0; i < m; i += 4) {
            const int in = (int)WIN_MIN((int64_t)4, m - i);
            const float *gr[4];
            for (int q = 0; q < 4; q++) gr[q] = g + (i + WIN_MIN(q, in - 1)) * ldg;
            float res[4][6];
            win_dot_block(steps, nsteps, gr, x, res);
            for (int q = 0; q < in; q++)
                for (int j = 0; j < kn; j++) acc[(i + q) * ldacc + k + j] += res[q][j];
        }
    }
    (void)r;
}

void pag_linalg_dot_windows(int64_t m, int64_t r, const float *g, int64_t ldg, const float *b, const int64_t *off,
                            const pag_win_step *steps, int64_t nsteps, float *acc, int64_t ldacc, int nthreads) {
    const int64_t blocks = (r + 5) / 6;
    const int team = nthreads > 1 && blocks >= 2 && (double)m * (double)r * (double)nsteps * 16.0 >= (double)(1 << 18)
                         ? nthreads : 1;
    if (team <= 1) {
        win_dot_range(m, r, g, ldg, b, off, steps, nsteps, acc, ldacc, 0, r);
        return;
    }
    PAG_PRAGMA(omp parallel num_threads(team))
    {
        int64_t lo, hi;
        pag_chunk(blocks, pag_num_threads(), pag_thread_num(), &lo, &hi);
        win_dot_range(m, r, g, ldg, b, off, steps, nsteps, acc, ldacc, lo * 6, WIN_MIN(hi * 6, r));
    }
}

#else /* no AVX-512 kernels in this build: callers see pag_win_available() == 0 */

int pag_win_available(void) { return 0; }

void pag_linalg_gemm_windows(const pag_win_shape *s, int64_t m, int64_t r, const float *ap, const float *b,
                             const int64_t *off, float *out, int64_t ldo, int nthreads) {
    (void)s; (void)m; (void)r; (void)ap; (void)b; (void)off; (void)out; (void)ldo; (void)nthreads;
}

void pag_linalg_dot_windows(int64_t m, int64_t r, const float *g, int64_t ldg, const float *b, const int64_t *off,
                            const pag_win_step *steps, int64_t nsteps, float *acc, int64_t ldacc, int nthreads) {
    (void)m; (void)r; (void)g; (void)ldg; (void)b; (void)off; (void)steps; (void)nsteps; (void)acc; (void)ldacc;
    (void)nthreads;
}
#endif
