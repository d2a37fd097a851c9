/* GEMM: a packed, cache-blocked matrix product with a register-tiled
 * micro-kernel, batched, threaded with OpenMP, and with a fused epilogue
 * (alpha, beta * C0, bias, activation) applied while each tile of C is still
 * in cache.
 *
 * The algorithm is the classic one (Goto; BLIS): for each NC-wide column
 * panel of B and each KC-deep slice of K, B's panel is packed into NR-wide
 * micro-panels that stay in L2/L3; for each MC-high block of A, that block is
 * packed into MR-high micro-panels that stay in L2; the micro-kernel then
 * walks both packed buffers with unit stride and keeps an MR x NR tile of C
 * in registers for the whole KC loop (12 vector accumulators with AVX2).
 * Packing also absorbs the operands' layouts (row- or column-major), so the
 * micro-kernel exists once.
 *
 * Threads: the output of every batch item is cut into rectangles (tasks) that
 * threads take one at a time; a task packs its own operands, so threads never
 * wait on one another inside a call. See split() for how many.
 *
 * The dtype-specific code is written once, below the #else, and this file
 * includes itself twice to expand it for float and for double. */
#ifndef PAG_GEMM_TEMPLATE

#include <math.h>
#include <pthread.h>
#include <stdlib.h>
#include <time.h>
#include "common.h"
#include "vmath.h"

#define PAG_MIN(a, b) ((a) < (b) ? (a) : (b))
#define PAG_GEMM_MR 6
/* Rows of a matrix-vector product accumulated at once, on the stack: with
 * columns contiguous, each column is then read in 4-8 KB runs, which the
 * prefetchers follow (256-row blocks ran at 0.6x of OpenBLAS, these at 1.0x). */
#define PAG_GEMV_BLOCK 1024
/* Widest column panel for which A is read in place instead of packed. */
#define PAG_GEMM_DIRECT_A_MAX_N 256

/* ---- per-thread packing buffers ------------------------------------------ */

/* Each thread keeps one 64-byte aligned scratch buffer across calls: a fresh
 * multi-megabyte malloc per call would be an mmap whose page faults cost more
 * than a small GEMM. The buffer is freed when its thread exits. */
typedef struct {
    void *data;
    size_t cap;
} pack_buffer;

static pthread_key_t buffer_key;
static pthread_once_t buffer_once = PTHREAD_ONCE_INIT;

static void buffer_free(void *p) {
    pack_buffer *buf = p;
    free(buf->data);
    free(buf);
}

static void buffer_key_init(void) { (void)pthread_key_create(&buffer_key, buffer_free); }

/* This thread's scratch buffer, at least `bytes` long, or NULL when out of memory. */
static void *thread_buffer(size_t bytes) {
    pthread_once(&buffer_once, buffer_key_init);
    pack_buffer *buf = pthread_getspecific(buffer_key);
    if (!buf) {
        buf = calloc(1, sizeof *buf);
        if (!buf) return NULL;
        if (pthread_setspecific(buffer_key, buf) != 0) { free(buf); return NULL; }
    }
    if (buf->cap < bytes) {
        void *p = NULL;
        free(buf->data);
        buf->data = NULL;
        buf->cap = 0;
        if (posix_memalign(&p, 64, bytes) != 0) return NULL;
        buf->data = p;
        buf->cap = bytes;
    }
    return buf->data;
}

/* ---- shape of a call -------------------------------------------------------- */

/* The dtype-free part of a (batched) GEMM: sizes, element strides of every
 * operand and how the batch is walked. Element (i, j) of op(A) is at
 * a[i * a_rs + j * a_cs]; likewise for B and the addend C0. */
typedef struct {
    int64_t m, n, k;
    int64_t a_rs, a_cs, b_rs, b_cs, c_rs, c_cs;
    int act;
    int batch_ndim;
    int64_t nbatch;
    const int64_t *batch_shape, *a_bs, *b_bs, *c_bs; /* c_bs may be NULL: no batch stride */
} gemm_shape;

/* Offset of batch item `idx` (row-major over batch_shape) for an operand with
 * batch strides `bs`. */
static int64_t batch_offset(const gemm_shape *s, int64_t idx, const int64_t *bs) {
    int64_t off = 0;
    if (!bs) return 0;
    for (int d = s->batch_ndim - 1; d >= 0; d--) {
        int64_t e = s->batch_shape[d];
        off += (idx % e) * bs[d];
        idx /= e;
    }
    return off;
}

/* How the work is cut: tasks = nbatch * pm * pn, where each batch item's C is
 * split into pm bands of rows and pn bands of columns. */
typedef struct {
    int team, pm, pn;
    int64_t ntasks;
} gemm_split;

/* Multiply-adds from which a product uses the thread team. A fork-join with
 * a warm worker costs ~2 us; measured at the C level, two threads lose at
 * 48^3 (4.5 vs 3.4 us) and win from 64^3 (6.0 vs 7.3 us). */
#define PAG_GEMM_THREAD_MIN_FMA ((int64_t)64 * 64 * 64)

static int64_t gcd64(int64_t a, int64_t b) {
    while (b) { int64_t t = a % b; a = b; b = t; }
    return a;
}

/* Chooses the team and the cut. Every thread gets the same number of tasks
 * (nbatch * parts is a multiple of the team); a batch item is cut along its
 * longer side, so the operand that every part packs again is the smaller. */
static gemm_split split(const gemm_shape *s, int nthreads, int nr) {
    gemm_split sp = {1, 1, 1, s->nbatch};
    double fma = (double)s->m * (double)s->n * (double)(s->k > 0 ? s->k : 1) * (double)s->nbatch;
    if (nthreads <= 1 || fma < (double)PAG_GEMM_THREAD_MIN_FMA) return sp;
    int64_t tiles_m = (s->m + PAG_GEMM_MR - 1) / PAG_GEMM_MR, tiles_n = (s->n + nr - 1) / nr;
    int64_t parts = nthreads / gcd64(s->nbatch, nthreads);
    /* column bands narrow enough that A is read in place share A and pack
     * disjoint parts of B: nothing is done twice */
    const int a_shared = s->a_cs == 1 && (s->n + parts - 1) / parts <= PAG_GEMM_DIRECT_A_MAX_N;
    if (s->m >= s->n && !(a_shared && tiles_n >= parts)) {
        sp.pm = (int)PAG_MIN(parts, tiles_m);
    } else {
        sp.pn = (int)PAG_MIN(parts, tiles_n);
    }
    sp.ntasks = s->nbatch * sp.pm * sp.pn;
    sp.team = (int)PAG_MIN((int64_t)nthreads, sp.ntasks);
    return sp;
}

/* ---- when the thread team is not worth waking ----------------------------- */

/* A fork-join ends when its last thread does. When the other core is busy
 * (another process, or NumPy's OpenBLAS workers, which spin for ~0.1 s after
 * each threaded BLAS call), a woken worker can wait a scheduler slice, a
 * millisecond or more, before it runs, and a product that takes 0.2 ms on one
 * thread then takes several on two. So a threaded call notes when its last
 * thread started; if that was both late in absolute terms and past half the
 * call, the team did not help, and products run on the calling thread alone
 * for a while, then try the team again. The while starts at 20 ms and doubles
 * with each failed try, up to 0.5 s (OpenBLAS's workers spin again after every
 * NumPy call, so a busy core tends to stay busy); a good try resets it. Waking
 * a sleeping worker normally takes 5-50 us, well under PAG_GEMM_LATE_NS. */
#define PAG_GEMM_LATE_NS ((int64_t)1000 * 1000)
#define PAG_GEMM_SOLO_MIN_NS ((int64_t)20 * 1000 * 1000)
#define PAG_GEMM_SOLO_MAX_NS ((int64_t)500 * 1000 * 1000)

static int64_t solo_until_ns, solo_period_ns = PAG_GEMM_SOLO_MIN_NS;

static int64_t now_ns(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static int team_welcome(void) {
    return now_ns() >= __atomic_load_n(&solo_until_ns, __ATOMIC_RELAXED);
}

/* Raises *latest to t (threads report their start times concurrently). */
static void note_start(int64_t *latest, int64_t t) {
    int64_t seen = __atomic_load_n(latest, __ATOMIC_RELAXED);
    while (t > seen && !__atomic_compare_exchange_n(latest, &seen, t, 0, __ATOMIC_RELAXED, __ATOMIC_RELAXED)) {
    }
}

/* Judges a threaded call that began at t0, whose last thread started at
 * last_start, and which ended at t1. */
static void judge_team(int64_t t0, int64_t last_start, int64_t t1) {
    const int64_t late = last_start - t0;
    int64_t period = __atomic_load_n(&solo_period_ns, __ATOMIC_RELAXED);
    if (late > PAG_GEMM_LATE_NS && 2 * late > t1 - t0) {
        __atomic_store_n(&solo_until_ns, t1 + period, __ATOMIC_RELAXED);
        period = PAG_MIN(2 * period, PAG_GEMM_SOLO_MAX_NS);
    } else {
        period = PAG_GEMM_SOLO_MIN_NS;
    }
    __atomic_store_n(&solo_period_ns, period, __ATOMIC_RELAXED);
}

/* The [lo, hi) band of `part` of `parts` over n elements, cut on multiples of `unit`. */
static void band(int64_t n, int64_t unit, int parts, int part, int64_t *lo, int64_t *hi) {
    int64_t tiles = (n + unit - 1) / unit, t0, t1;
    pag_chunk(tiles, parts, part, &t0, &t1);
    *lo = PAG_MIN(t0 * unit, n);
    *hi = PAG_MIN(t1 * unit, n);
}

/* Checks a matrix operand's layout arguments. */
static int bad_layout(const void *p, int trans, int64_t ld, int64_t rows, int64_t cols) {
    if (trans != 0 && trans != 1) return 1;
    if (ld < 0) return 1;
    return rows > 0 && cols > 0 && !p;
}

/* Element strides (row, column) of an operand given as (trans, ld). */
static void layout_strides(int trans, int64_t ld, int64_t *rs, int64_t *cs) {
    *rs = trans ? 1 : ld;
    *cs = trans ? ld : 1;
}

static int bad_sizes(int64_t m, int64_t n, int64_t k) {
    if (m < 0 || n < 0 || k < 0) return 1;
    /* the output's element count and the flop count must fit in int64 */
    return (m && n > INT64_MAX / m) || (m && n && k > INT64_MAX / (m * n));
}

/* ---- the AVX-512 float32 micro-kernel ---------------------------------------- */

/* On a CPU with AVX-512F, float32 tiles are 6 x 32: two 16-wide packed B
 * micro-panels side by side, 12 zmm accumulators, each A element broadcast once
 * for 32 columns. The packing format is the same as for the 6 x 16 tiles of
 * the portable code (whose x86-64-v4 clone, written with plain loops, keeps 6
 * accumulators and ran at 78-88 GFLOP/s on the convolution GEMMs, one thread):
 * only the micro-kernel differs. It is chosen at run time: the library is built
 * for any x86-64 and the kernel is compiled for AVX-512 by a target attribute.
 * Each element of C is still summed over k in order with one FMA per term, as the
 * AVX2 clone does, so the two kernels give the same bits.
 * PYAUTOGRAD_GEMM_AVX512=0 in the environment turns it off (to test the other path). */
#if defined(__x86_64__) && defined(__GNUC__) && !defined(PAG_NO_CLONES)
#include <immintrin.h>
#include <string.h>
#define PAG_GEMM_AVX512 1
#define PAG_AVX512_FN __attribute__((target("avx512f,avx2,fma")))

static int avx512_state = -1; /* -1: not yet decided */

/* Whether the AVX-512 kernel runs: decided once (a race only decides twice, alike). */
static int gemm_avx512(void) {
    int s = __atomic_load_n(&avx512_state, __ATOMIC_RELAXED);
    if (s < 0) {
        const char *env = getenv("PYAUTOGRAD_GEMM_AVX512");
        __builtin_cpu_init();
        s = __builtin_cpu_supports("avx512f") && !(env && strcmp(env, "0") == 0);
        __atomic_store_n(&avx512_state, s, __ATOMIC_RELAXED);
    }
    return s;
}

/* What the kernel does with its 6 x (16 * nb) sums: write alpha * sum to out, or
 * add alpha * sum to out. */
enum { K512_STORE, K512_ADD };

/* One step of k: broadcast A(i, p) for the six rows (at a0[i * rs]) and
 * multiply-add against one (nb = 1) or two 16-wide rows of B. */
#define K512_STEP(a0, rs, bq0, bq1, nb)                                              \
    do {                                                                             \
        const __m512 b0_ = _mm512_loadu_ps(bq0);                                     \
        const __m512 b1_ = (nb) == 2 ? _mm512_loadu_ps(bq1) : b0_;                   \
        __m512 x_;                                                                   \
        x_ = _mm512_set1_ps((a0)[0]);                                                \
        c00 = _mm512_fmadd_ps(x_, b0_, c00); if ((nb) == 2) c01 = _mm512_fmadd_ps(x_, b1_, c01); \
        x_ = _mm512_set1_ps((a0)[(rs)]);                                             \
        c10 = _mm512_fmadd_ps(x_, b0_, c10); if ((nb) == 2) c11 = _mm512_fmadd_ps(x_, b1_, c11); \
        x_ = _mm512_set1_ps((a0)[2 * (rs)]);                                         \
        c20 = _mm512_fmadd_ps(x_, b0_, c20); if ((nb) == 2) c21 = _mm512_fmadd_ps(x_, b1_, c21); \
        x_ = _mm512_set1_ps((a0)[3 * (rs)]);                                         \
        c30 = _mm512_fmadd_ps(x_, b0_, c30); if ((nb) == 2) c31 = _mm512_fmadd_ps(x_, b1_, c31); \
        x_ = _mm512_set1_ps((a0)[4 * (rs)]);                                         \
        c40 = _mm512_fmadd_ps(x_, b0_, c40); if ((nb) == 2) c41 = _mm512_fmadd_ps(x_, b1_, c41); \
        x_ = _mm512_set1_ps((a0)[5 * (rs)]);                                         \
        c50 = _mm512_fmadd_ps(x_, b0_, c50); if ((nb) == 2) c51 = _mm512_fmadd_ps(x_, b1_, c51); \
    } while (0)

#define K512_ROW_OUT(i, ci0, ci1, nb)                                                         \
    do {                                                                                      \
        float *o_ = out + (i) * ldo;                                                          \
        __m512 v0_, v1_ = ci1;                                                                \
        if (mode == K512_ADD) { /* one rounding, as the contracted o += alpha * acc */       \
            v0_ = _mm512_fmadd_ps(va, ci0, _mm512_loadu_ps(o_));                              \
            if ((nb) == 2) v1_ = _mm512_fmadd_ps(va, ci1, _mm512_loadu_ps(o_ + 16));          \
        } else {                                                                              \
            v0_ = _mm512_mul_ps(va, ci0);                                                     \
            if ((nb) == 2) v1_ = _mm512_mul_ps(va, ci1);                                      \
        }                                                                                     \
        _mm512_storeu_ps(o_, v0_);                                                            \
        if ((nb) == 2) _mm512_storeu_ps(o_ + 16, v1_);                                        \
    } while (0)

/* The 6 x (16 * nb) tile: A element (i, p) at a[i * a_rs + p * a_cs] (a packed
 * panel: a_rs = 1, a_cs = 6), B rows p at b0 + 16 p and b1 + 16 p. */
PAG_AVX512_FN static inline __attribute__((always_inline)) void
k512_tile(int nb, int64_t kc, const float *a, int64_t a_rs, int64_t a_cs, const float *b0, const float *b1,
          float *out, int64_t ldo, float alpha, int mode) {
    __m512 c00 = _mm512_setzero_ps(), c01 = c00, c10 = c00, c11 = c00, c20 = c00, c21 = c00;
    __m512 c30 = c00, c31 = c00, c40 = c00, c41 = c00, c50 = c00, c51 = c00;
    for (int i = 0; i < 6; i++) {
        __builtin_prefetch(out + i * ldo, 1);
        if (nb == 2) __builtin_prefetch(out + i * ldo + 16, 1);
    }
    if (a_rs == 1 && a_cs == 6) {
        int64_t p = 0;
        for (; p + 4 <= kc; p += 4, a += 24, b0 += 64, b1 += 64) {
            K512_STEP(a, 1, b0, b1, nb);
            K512_STEP(a + 6, 1, b0 + 16, b1 + 16, nb);
            K512_STEP(a + 12, 1, b0 + 32, b1 + 32, nb);
            K512_STEP(a + 18, 1, b0 + 48, b1 + 48, nb);
        }
        for (; p < kc; p++, a += 6, b0 += 16, b1 += 16) K512_STEP(a, 1, b0, b1, nb);
    } else {
        for (int64_t p = 0; p < kc; p++, a += a_cs, b0 += 16, b1 += 16) K512_STEP(a, a_rs, b0, b1, nb);
    }
    const __m512 va = _mm512_set1_ps(alpha);
    K512_ROW_OUT(0, c00, c01, nb);
    K512_ROW_OUT(1, c10, c11, nb);
    K512_ROW_OUT(2, c20, c21, nb);
    K512_ROW_OUT(3, c30, c31, nb);
    K512_ROW_OUT(4, c40, c41, nb);
    K512_ROW_OUT(5, c50, c51, nb);
}

/* The two instances (a 32-wide and a 16-wide tile), not inlined into the macro-kernel. */
PAG_AVX512_FN static void k512_tile32(int64_t kc, const float *a, int64_t a_rs, int64_t a_cs, const float *b0,
                                      const float *b1, float *out, int64_t ldo, float alpha, int mode) {
    k512_tile(2, kc, a, a_rs, a_cs, b0, b1, out, ldo, alpha, mode);
}

PAG_AVX512_FN static void k512_tile16(int64_t kc, const float *a, int64_t a_rs, int64_t a_cs, const float *b0,
                                      float *out, int64_t ldo, float alpha, int mode) {
    k512_tile(1, kc, a, a_rs, a_cs, b0, b0, out, ldo, alpha, mode);
}

/* An 8 x (16 * nb) tile for products with few rows (a recurrent step: m = the batch): A read
 * in place (element (i, p) at a[i * a_rs + p]), 16 zmm accumulators. With B pre-packed, a
 * batch of 32 rows is four whole tiles, where 6-row tiles would compute 36. The sums are taken
 * in the same order with one FMA per term, so the bits are those of the 6-row tiles. */
#define K512_STEP8(p, nb)                                                                      \
    do {                                                                                       \
        const __m512 b0_ = _mm512_loadu_ps(b0 + 16 * (p));                                    \
        const __m512 b1_ = (nb) == 2 ? _mm512_loadu_ps(b1 + 16 * (p)) : b0_;                  \
        __m512 x_;                                                                             \
        x_ = _mm512_set1_ps(r0[p]); c00 = _mm512_fmadd_ps(x_, b0_, c00); if ((nb) == 2) c01 = _mm512_fmadd_ps(x_, b1_, c01); \
        x_ = _mm512_set1_ps(r1[p]); c10 = _mm512_fmadd_ps(x_, b0_, c10); if ((nb) == 2) c11 = _mm512_fmadd_ps(x_, b1_, c11); \
        x_ = _mm512_set1_ps(r2[p]); c20 = _mm512_fmadd_ps(x_, b0_, c20); if ((nb) == 2) c21 = _mm512_fmadd_ps(x_, b1_, c21); \
        x_ = _mm512_set1_ps(r3[p]); c30 = _mm512_fmadd_ps(x_, b0_, c30); if ((nb) == 2) c31 = _mm512_fmadd_ps(x_, b1_, c31); \
        x_ = _mm512_set1_ps(r4[p]); c40 = _mm512_fmadd_ps(x_, b0_, c40); if ((nb) == 2) c41 = _mm512_fmadd_ps(x_, b1_, c41); \
        x_ = _mm512_set1_ps(r5[p]); c50 = _mm512_fmadd_ps(x_, b0_, c50); if ((nb) == 2) c51 = _mm512_fmadd_ps(x_, b1_, c51); \
        x_ = _mm512_set1_ps(r6[p]); c60 = _mm512_fmadd_ps(x_, b0_, c60); if ((nb) == 2) c61 = _mm512_fmadd_ps(x_, b1_, c61); \
        x_ = _mm512_set1_ps(r7[p]); c70 = _mm512_fmadd_ps(x_, b0_, c70); if ((nb) == 2) c71 = _mm512_fmadd_ps(x_, b1_, c71); \
    } while (0)

PAG_AVX512_FN static inline __attribute__((always_inline)) void
k512_tile8(int nb, int64_t kc, const float *a, int64_t a_rs, const float *b0, const float *b1, float *out,
           int64_t ldo, float alpha, int mode) {
    __m512 c00 = _mm512_setzero_ps(), c01 = c00, c10 = c00, c11 = c00, c20 = c00, c21 = c00, c30 = c00;
    __m512 c31 = c00, c40 = c00, c41 = c00, c50 = c00, c51 = c00, c60 = c00, c61 = c00, c70 = c00, c71 = c00;
    const float *r0 = a, *r1 = a + a_rs, *r2 = a + 2 * a_rs, *r3 = a + 3 * a_rs, *r4 = a + 4 * a_rs;
    const float *r5 = a + 5 * a_rs, *r6 = a + 6 * a_rs, *r7 = a + 7 * a_rs;
    int64_t p = 0;
    for (; p + 4 <= kc; p += 4) {
        K512_STEP8(p, nb);
        K512_STEP8(p + 1, nb);
        K512_STEP8(p + 2, nb);
        K512_STEP8(p + 3, nb);
    }
    for (; p < kc; p++) K512_STEP8(p, nb);
    const __m512 va = _mm512_set1_ps(alpha);
    K512_ROW_OUT(0, c00, c01, nb);
    K512_ROW_OUT(1, c10, c11, nb);
    K512_ROW_OUT(2, c20, c21, nb);
    K512_ROW_OUT(3, c30, c31, nb);
    K512_ROW_OUT(4, c40, c41, nb);
    K512_ROW_OUT(5, c50, c51, nb);
    K512_ROW_OUT(6, c60, c61, nb);
    K512_ROW_OUT(7, c70, c71, nb);
}

PAG_AVX512_FN static void k512_tile8x32(int64_t kc, const float *a, int64_t a_rs, const float *b0, const float *b1,
                                        float *out, int64_t ldo, float alpha, int mode) {
    k512_tile8(2, kc, a, a_rs, b0, b1, out, ldo, alpha, mode);
}

PAG_AVX512_FN static void k512_tile8x16(int64_t kc, const float *a, int64_t a_rs, const float *b0, float *out,
                                        int64_t ldo, float alpha, int mode) {
    k512_tile8(1, kc, a, a_rs, b0, b0, out, ldo, alpha, mode);
}
#undef K512_STEP8
#undef K512_STEP
#undef K512_ROW_OUT
#endif

int pag_linalg_avx512(void) {
#ifdef PAG_GEMM_AVX512
    return gemm_avx512();
#else
    return 0;
#endif
}

/* ---- expand the typed code for float and double --------------------------- */

#define PAG_GEMM_TEMPLATE
#define T float
#define SFX(name) name##_f32
#define PAG_GEMM_IS_F32 1
#define NR 16
#define KC 256
#define MC 144
#define NC 3072
#include "matmul.c"
#undef T
#undef SFX
#undef PAG_GEMM_IS_F32
#undef NR
#undef KC
#undef MC
#undef NC

#define T double
#define SFX(name) name##_f64
#define NR 8
#define KC 256
#define MC 72
#define NC 2048
#include "matmul.c"

#else /* ---- the typed code: T, SFX, NR, KC, MC, NC are defined -------------- */

#define MR PAG_GEMM_MR

typedef struct {
    gemm_shape s;
    const T *a, *b, *c;
    T *out;
    T alpha, beta;
    const T *bp; /* B packed whole by pag_linalg_gemm_pack_b (then b is unused), or NULL */
} SFX(gemm_args);

/* The depth of the K slices of a product with inner size k: K in equal slices of at most
 * KC (784 = 4 x 196, not 3 x 256 + 16: a thin last slice would pay a whole pass over C for
 * little work). A pre-packed B is cut the same way. */
static int64_t SFX(kc_for)(int64_t k) {
    return k > 0 ? (k + (k + KC - 1) / KC - 1) / ((k + KC - 1) / KC) : 1;
}

/* Writes rows [0, w) x columns [0, kc) of src (row stride ld, columns
 * contiguous) transposed: dst[p * w + j] = src[j * ld + p], for w <= 16. Done
 * in 8-column blocks through a small tile, which GCC turns into vector loads
 * and shuffles: 4x faster than the element-by-element loop (0.17 vs 0.68 ns
 * per float, measured), which matters for every x @ W.T. */
PAG_INLINE void SFX(transpose_rows)(const T *PAG_RESTRICT src, int64_t ld, int64_t kc, int w,
                                    T *PAG_RESTRICT dst) {
    int64_t p = 0;
    /* 64-byte runs of each source row first: rows a power-of-two multiple of 4 KB apart
     * share one L1 set, and reading each line in one go keeps them from evicting each
     * other between blocks */
    for (; p + 16 <= kc; p += 16) {
        T t[16][16];
        for (int j = 0; j < w; j++)
            for (int q = 0; q < 16; q++) t[j][q] = src[j * ld + p + q];
        for (int q = 0; q < 16; q++)
            for (int j = 0; j < w; j++) dst[(p + q) * w + j] = t[j][q];
    }
    for (; p + 8 <= kc; p += 8) {
        T t[16][8];
        for (int j = 0; j < w; j++)
            for (int q = 0; q < 8; q++) t[j][q] = src[j * ld + p + q];
        for (int q = 0; q < 8; q++)
            for (int j = 0; j < w; j++) dst[(p + q) * w + j] = t[j][q];
    }
    for (; p < kc; p++)
        for (int j = 0; j < w; j++) dst[p * w + j] = src[j * ld + p];
}

/* Packs rows [0, mc) x columns [0, kc) of A (element (i, p) at a[i*rs + p*cs])
 * into MR-high micro-panels: panel q holds a[q*MR + i, p] at dst[q*MR*kc + p*MR + i],
 * zero-padded to a whole panel. */
static PAG_CLONES void SFX(pack_a)(const T *a, int64_t rs, int64_t cs, int64_t mc, int64_t kc,
                                  T *PAG_RESTRICT dst) {
    for (int64_t i0 = 0; i0 < mc; i0 += MR, dst += MR * kc) {
        const int64_t mr = PAG_MIN((int64_t)MR, mc - i0);
        const T *src = a + i0 * rs;
        if (mr == MR && rs == 1) {
            for (int64_t p = 0; p < kc; p++) {
                PAG_PRAGMA(omp simd)
                for (int i = 0; i < MR; i++) dst[p * MR + i] = src[p * cs + i];
            }
        } else if (mr == MR && cs == 1) {
            SFX(transpose_rows)(src, rs, kc, MR, dst);
        } else {
            for (int64_t p = 0; p < kc; p++) {
                for (int i = 0; i < MR; i++) dst[p * MR + i] = i < mr ? src[i * rs + p * cs] : (T)0;
            }
        }
    }
}

/* Packs rows [0, kc) x columns [0, nc) of B (element (p, j) at b[p*rs + j*cs])
 * into NR-wide micro-panels: panel q holds b[p, q*NR + j] at dst[q*NR*kc + p*NR + j],
 * zero-padded to a whole panel. */
static PAG_CLONES void SFX(pack_b)(const T *b, int64_t rs, int64_t cs, int64_t kc, int64_t nc,
                                  T *PAG_RESTRICT dst) {
    int64_t j0 = 0;
    if (cs == 1 && nc >= NR) {
        /* rows contiguous: a few rows of B at a time across all the whole panels, so the
         * reads are a few sequential streams (panel by panel, each row of a panel was a
         * different page; with rows 4 KB apart, all in one L1 set) */
        const int64_t full = nc / NR * NR;
        for (int64_t p0 = 0; p0 < kc; p0 += 8) {
            const int64_t pn = PAG_MIN((int64_t)8, kc - p0);
            T *d = dst + p0 * NR;
            for (int64_t q = 0; q < full; q += NR, d += NR * kc) {
                const T *src = b + p0 * rs + q;
                for (int64_t p = 0; p < pn; p++) {
                    PAG_PRAGMA(omp simd)
                    for (int j = 0; j < NR; j++) d[p * NR + j] = src[p * rs + j];
                }
            }
        }
        j0 = full;
        dst += full * kc;
    }
    for (; j0 < nc; j0 += NR, dst += NR * kc) {
        const int64_t nr = PAG_MIN((int64_t)NR, nc - j0);
        const T *src = b + j0 * cs;
        if (nr == NR && rs == 1) {
            SFX(transpose_rows)(src, cs, kc, NR, dst);
        } else {
            for (int64_t p = 0; p < kc; p++) {
                for (int j = 0; j < NR; j++) dst[p * NR + j] = j < nr ? src[p * rs + j * cs] : (T)0;
            }
        }
    }
}

/* The activation, applied in place to n elements of one row of C. */
PAG_INLINE void SFX(activate)(T *PAG_RESTRICT o, int64_t n, int act) {
    switch (act) {
    case PAG_ACT_RELU:
        PAG_PRAGMA(omp simd)
        for (int64_t j = 0; j < n; j++) o[j] = (o[j] > 0 || o[j] != o[j]) ? o[j] : (T)0;
        break;
    case PAG_ACT_GELU:
        for (int64_t j = 0; j < n; j++) o[j] = (T)0.5 * o[j] * ((T)1 + PAG_ERF(o[j] * (T)0.70710678118654752440));
        break;
    case PAG_ACT_GELU_TANH:
        for (int64_t j = 0; j < n; j++) {
            const T x = o[j];
            o[j] = (T)0.5 * x * ((T)1 + PAG_TANH((T)0.79788456080286535588 * (x + (T)0.044715 * x * x * x)));
        }
        break;
    default:
        break;
    }
}

/* What a macro-kernel call does with its products: which part of the K sum it
 * holds (the first slice writes C, later ones add to it, the last one applies
 * the activation) and the addend C0 for the block's top-left element. */
typedef struct {
    const T *c;
    int64_t c_rs, c_cs;
    T alpha, beta;
    int act, first, last;
} SFX(epilogue);

/* The epilogue of a tile from its sums in memory (t, row stride ldt), for the
 * mr x nr valid part: a partial tile or a rarer epilogue, with runtime bounds. */
PAG_INLINE void SFX(finish)(const T *t, int64_t ldt, T *out, int64_t ldo, int64_t mr, int64_t nr,
                        const SFX(epilogue) *e, const T *c) {
    const T alpha = e->alpha, beta = e->beta;
    for (int64_t i = 0; i < mr; i++) {
        T *PAG_RESTRICT o = out + i * ldo;
        const T *row = t + i * ldt;
        if (!e->first) {
            PAG_PRAGMA(omp simd)
            for (int64_t j = 0; j < nr; j++) o[j] += alpha * row[j];
        } else if (!c) {
            PAG_PRAGMA(omp simd)
            for (int64_t j = 0; j < nr; j++) o[j] = alpha * row[j];
        } else {
            const T *cr = c + i * e->c_rs;
            const int64_t cs = e->c_cs;
            if (cs == 1) {
                PAG_PRAGMA(omp simd)
                for (int64_t j = 0; j < nr; j++) o[j] = alpha * row[j] + beta * cr[j];
            } else {
                for (int64_t j = 0; j < nr; j++) o[j] = alpha * row[j] + beta * cr[j * cs];
            }
        }
        if (e->last && e->act != PAG_ACT_NONE) SFX(activate)(o, nr, e->act);
    }
}

/* Whether a whole tile's epilogue is a plain store of alpha * sum (the first K
 * slice, no addend, no activation) or a plain addition of it (a later slice
 * that does not apply an activation). */
PAG_INLINE int SFX(plain_store)(const SFX(epilogue) *e) { return e->first && !e->c && !e->act; }
PAG_INLINE int SFX(plain_add)(const SFX(epilogue) *e) { return !e->first && (!e->last || !e->act); }

/* One MR x NR tile: the sum over kc of A column times packed B row, held in
 * registers, then the epilogue into the mr x nr valid part of C. Element
 * (i, p) of the A panel is at a[i * a_rs + p * a_cs]: a packed panel
 * (a_rs = 1, a_cs = MR) or MR whole rows of A read in place. */
PAG_INLINE void SFX(tile)(int64_t kc, const T *PAG_RESTRICT a, int64_t a_rs, int64_t a_cs,
                          const T *PAG_RESTRICT bp, T *PAG_RESTRICT out, int64_t ldo, int64_t mr,
                          int64_t nr, const SFX(epilogue) *e, const T *c) {
    T acc[MR][NR];
    for (int i = 0; i < MR; i++) {
        __builtin_prefetch(out + i * ldo, 1);
        for (int j = 0; j < NR; j++) acc[i][j] = 0;
    }
    PAG_PRAGMA(GCC unroll 4)
    for (int64_t p = 0; p < kc; p++) {
        for (int i = 0; i < MR; i++) {
            const T ai = a[i * a_rs + p * a_cs];
            PAG_PRAGMA(omp simd)
            for (int j = 0; j < NR; j++) acc[i][j] += ai * bp[p * NR + j];
        }
    }
    const T alpha = e->alpha;
    if (mr == MR && nr == NR && SFX(plain_store)(e)) {
        for (int i = 0; i < MR; i++) {
            PAG_PRAGMA(omp simd)
            for (int j = 0; j < NR; j++) out[i * ldo + j] = alpha * acc[i][j];
        }
        return;
    }
    if (mr == MR && nr == NR && SFX(plain_add)(e)) {
        for (int i = 0; i < MR; i++) {
            PAG_PRAGMA(omp simd)
            for (int j = 0; j < NR; j++) out[i * ldo + j] += alpha * acc[i][j];
        }
        return;
    }
    T t[MR][NR];
    for (int i = 0; i < MR; i++) {
        for (int j = 0; j < NR; j++) t[i][j] = acc[i][j];
    }
    SFX(finish)(&t[0][0], NR, out, ldo, mr, nr, e, c);
}

/* The A operand of a block: its first `direct` rows read in place from a
 * (strides rs, cs), the rest from MR-high packed panels at ap. */
typedef struct {
    const T *a, *ap;
    int64_t rs, cs, direct;
} SFX(a_block);

/* The block product: A (mc x kc) times packed B (kc x nc) into C. The B
 * micro-panel stays in L1 while the A micro-panels stream from L2. */
static PAG_CLONES void SFX(macro)(int64_t mc, int64_t nc, int64_t kc, const SFX(a_block) *ab,
                                 const T *bp, T *out, int64_t ldo, const SFX(epilogue) *e) {
    for (int64_t jr = 0; jr < nc; jr += NR) {
        const int64_t nr = PAG_MIN((int64_t)NR, nc - jr);
        for (int64_t ir = 0; ir < mc; ir += MR) {
            const int64_t mr = PAG_MIN((int64_t)MR, mc - ir);
            const T *c = e->c ? e->c + ir * e->c_rs + jr * e->c_cs : NULL;
            T *o = out + ir * ldo + jr;
            if (ir < ab->direct) {
                SFX(tile)(kc, ab->a + ir * ab->rs, ab->rs, ab->cs, bp + jr * kc, o, ldo, mr, nr, e, c);
            } else {
                SFX(tile)(kc, ab->ap + (ir - ab->direct) * kc, 1, MR, bp + jr * kc, o, ldo, mr, nr, e, c);
            }
        }
    }
}

#if defined(PAG_GEMM_AVX512) && defined(PAG_GEMM_IS_F32)
/* The block product with the AVX-512 tiles: 32 columns (two packed B panels) at
 * a time, then 16 for a last odd panel. */
PAG_AVX512_FN static void SFX(macro_avx512)(int64_t mc, int64_t nc, int64_t kc, const SFX(a_block) *ab, const T *bp, T *out,
                              int64_t ldo, const SFX(epilogue) *e) {
    const int mode = SFX(plain_store)(e) ? K512_STORE : SFX(plain_add)(e) ? K512_ADD : -1;
    for (int64_t jr = 0; jr < nc; jr += 2 * NR) {
        const int64_t nr = PAG_MIN((int64_t)(2 * NR), nc - jr);
        const int wide = nr > NR;
        const T *b0 = bp + jr * kc, *b1 = b0 + NR * kc;
        for (int64_t ir = 0; ir < mc; ir += MR) {
            const int64_t mr = PAG_MIN((int64_t)MR, mc - ir);
            const T *c = e->c ? e->c + ir * e->c_rs + jr * e->c_cs : NULL;
            T *o = out + ir * ldo + jr;
            const T *a = ab->ap + (ir - ab->direct) * kc;
            int64_t a_rs = 1, a_cs = MR;
            if (ir < ab->direct) {
                a = ab->a + ir * ab->rs;
                a_rs = ab->rs;
                a_cs = ab->cs;
            }
            if (mode >= 0 && mr == MR && nr == (wide ? 2 * NR : NR)) {
                if (wide) {
                    k512_tile32(kc, a, a_rs, a_cs, b0, b1, o, ldo, e->alpha, mode);
                } else {
                    k512_tile16(kc, a, a_rs, a_cs, b0, o, ldo, e->alpha, mode);
                }
                continue;
            }
            T t[MR][2 * NR];
            if (wide) {
                k512_tile32(kc, a, a_rs, a_cs, b0, b1, &t[0][0], 2 * NR, (T)1, K512_STORE);
            } else {
                k512_tile16(kc, a, a_rs, a_cs, b0, &t[0][0], 2 * NR, (T)1, K512_STORE);
            }
            SFX(finish)(&t[0][0], 2 * NR, o, ldo, mr, nr, e, c);
        }
    }
}
#endif

#if defined(PAG_GEMM_AVX512) && defined(PAG_GEMM_IS_F32)
/* The block product with 8-row AVX-512 tiles and A read in place (rows contiguous, row
 * stride a_rs), for a pre-packed B: rows in 8s, a last partial group copied zero-padded into
 * abuf (8 x kc) so no row beyond A is read. */
PAG_AVX512_FN static void SFX(macro8_avx512)(int64_t mc, int64_t nc, int64_t kc, const T *a, int64_t a_rs,
                                             T *abuf, const T *bp, T *out, int64_t ldo, const SFX(epilogue) *e) {
    const int mode = SFX(plain_store)(e) ? K512_STORE : SFX(plain_add)(e) ? K512_ADD : -1;
    const int64_t whole = mc / 8 * 8;
    if (whole < mc) {
        for (int64_t i = 0; i < 8; i++)
            for (int64_t p = 0; p < kc; p++) abuf[i * kc + p] = whole + i < mc ? a[(whole + i) * a_rs + p] : (T)0;
    }
    for (int64_t jr = 0; jr < nc; jr += 2 * NR) {
        const int64_t nr = PAG_MIN((int64_t)(2 * NR), nc - jr);
        const int wide = nr > NR;
        const T *b0 = bp + jr * kc, *b1 = b0 + NR * kc;
        for (int64_t ir = 0; ir < mc; ir += 8) {
            const int64_t mr = PAG_MIN((int64_t)8, mc - ir);
            const T *ai = ir < whole ? a + ir * a_rs : abuf;
            const int64_t ars = ir < whole ? a_rs : kc;
            const T *c = e->c ? e->c + ir * e->c_rs + jr * e->c_cs : NULL;
            T *o = out + ir * ldo + jr;
            if (mode >= 0 && mr == 8 && nr == (wide ? 2 * NR : NR)) {
                if (wide) {
                    k512_tile8x32(kc, ai, ars, b0, b1, o, ldo, e->alpha, mode);
                } else {
                    k512_tile8x16(kc, ai, ars, b0, o, ldo, e->alpha, mode);
                }
                continue;
            }
            T t[8][2 * NR];
            if (wide) {
                k512_tile8x32(kc, ai, ars, b0, b1, &t[0][0], 2 * NR, (T)1, K512_STORE);
            } else {
                k512_tile8x16(kc, ai, ars, b0, &t[0][0], 2 * NR, (T)1, K512_STORE);
            }
            SFX(finish)(&t[0][0], 2 * NR, o, ldo, mr, nr, e, c);
        }
    }
}
#endif

/* Whether the A block is read in place rather than packed: when its rows are
 * contiguous (so packing would be a transposition, at ~1 element per cycle)
 * and it is reused across few B panels, packing costs more than it saves. */
static int SFX(read_a_in_place)(int64_t cs, int64_t nc) {
    return cs == 1 && nc <= PAG_GEMM_DIRECT_A_MAX_N;
}

/* Matrix-vector product with the epilogue, for a product with one row or one
 * column (np.matmul with a 1-D operand, a Linear layer on one sample), where
 * the tiled kernel would waste 5/6 or 15/16 of its multiply-adds:
 * y[i * ys] = act(alpha * sum_p mat[i * rs + p * cs] * v[p * vs] + beta * c[i * c_s]). */
static PAG_CLONES void SFX(gemv)(int64_t rows, int64_t k, const T *mat, int64_t rs, int64_t cs,
                                const T *v, int64_t vs, T *y, int64_t ys, const T *c, int64_t c_s,
                                T alpha, T beta, int act) {
    T acc[PAG_GEMV_BLOCK];
    for (int64_t i0 = 0; i0 < rows; i0 += PAG_GEMV_BLOCK) {
        const int64_t nb = PAG_MIN((int64_t)PAG_GEMV_BLOCK, rows - i0);
        const T *blk = mat + i0 * rs;
        int64_t i = 0;
        if (cs == 1 && vs == 1) {
            /* rows contiguous: dot products, four rows at a time to share v's loads */
            for (; i + 4 <= nb; i += 4) {
                const T *r0 = blk + i * rs, *r1 = r0 + rs, *r2 = r1 + rs, *r3 = r2 + rs;
                T s0 = 0, s1 = 0, s2 = 0, s3 = 0;
                PAG_PRAGMA(omp simd reduction(+:s0, s1, s2, s3))
                for (int64_t p = 0; p < k; p++) {
                    s0 += r0[p] * v[p]; s1 += r1[p] * v[p]; s2 += r2[p] * v[p]; s3 += r3[p] * v[p];
                }
                acc[i] = s0; acc[i + 1] = s1; acc[i + 2] = s2; acc[i + 3] = s3;
            }
            for (; i < nb; i++) {
                const T *r = blk + i * rs;
                T sum = 0;
                PAG_PRAGMA(omp simd reduction(+:sum))
                for (int64_t p = 0; p < k; p++) sum += r[p] * v[p];
                acc[i] = sum;
            }
        } else {
            /* columns contiguous (or neither): accumulate columns into the block,
             * four at a time so the block is loaded and stored a quarter as often */
            for (int64_t j = 0; j < nb; j++) acc[j] = 0;
            int64_t p = 0;
            if (rs == 1) {  /* spelled out: with a runtime stride, omp simd would gather */
                for (; p + 4 <= k; p += 4) {
                    const T v0 = v[p * vs], v1 = v[(p + 1) * vs], v2 = v[(p + 2) * vs], v3 = v[(p + 3) * vs];
                    const T *c0 = blk + p * cs, *c1 = c0 + cs, *c2 = c1 + cs, *c3 = c2 + cs;
                    PAG_PRAGMA(omp simd)
                    for (int64_t j = 0; j < nb; j++) acc[j] += c0[j] * v0 + c1[j] * v1 + c2[j] * v2 + c3[j] * v3;
                }
            }
            for (; p < k; p++) {
                const T vp = v[p * vs], *col = blk + p * cs;
                for (int64_t j = 0; j < nb; j++) acc[j] += col[j * rs] * vp;
            }
        }
        for (int64_t j = 0; j < nb; j++) acc[j] = alpha * acc[j] + (c ? beta * c[(i0 + j) * c_s] : (T)0);
        SFX(activate)(acc, nb, act);
        for (int64_t j = 0; j < nb; j++) y[(i0 + j) * ys] = acc[j];
    }
}

/* Computes rows [m0, m1) x columns [n0, n1) of batch item `bi` on the calling
 * thread. Returns PAG_ENOMEM if the packing buffer cannot be had. */
static int SFX(run_task)(const SFX(gemm_args) *g, int64_t bi, int64_t m0, int64_t m1,
                         int64_t n0, int64_t n1) {
    const gemm_shape *s = &g->s;
    const T *a = g->a + batch_offset(s, bi, s->a_bs);
    const T *b = g->b + batch_offset(s, bi, s->b_bs);
    const T *c = g->c ? g->c + batch_offset(s, bi, s->c_bs) : NULL;
    T *out = g->out + bi * s->m * s->n;
    const int64_t ldo = s->n;
    if (n1 - n0 == 1 && !g->bp) {
        SFX(gemv)(m1 - m0, s->k, a + m0 * s->a_rs, s->a_rs, s->a_cs, b + n0 * s->b_cs, s->b_rs,
                  out + m0 * ldo + n0, ldo, c ? c + m0 * s->c_rs + n0 * s->c_cs : NULL, s->c_rs,
                  g->alpha, g->beta, s->act);
        return PAG_OK;
    }
    if (m1 - m0 == 1 && !g->bp) {  /* one row of C: (B^T a)^T, so B^T is the matrix */
        SFX(gemv)(n1 - n0, s->k, b + n0 * s->b_cs, s->b_cs, s->b_rs, a + m0 * s->a_rs, s->a_cs,
                  out + m0 * ldo + n0, 1, c ? c + m0 * s->c_rs + n0 * s->c_cs : NULL, s->c_cs,
                  g->alpha, g->beta, s->act);
        return PAG_OK;
    }
    const int64_t kc_max = SFX(kc_for)(s->k);
    const int64_t nc_max = g->bp ? 0 : (PAG_MIN(n1 - n0, (int64_t)NC) + NR - 1) / NR * NR;
    const int64_t n_pad = (s->n + NR - 1) / NR * NR;
    T *abuf = thread_buffer(sizeof(T) * (size_t)((MC + nc_max) * kc_max));
    if (!abuf) return PAG_ENOMEM;
    T *bbuf = abuf + MC * kc_max;
    SFX(epilogue) e = {NULL, s->c_rs, s->c_cs, g->alpha, g->beta, s->act, 0, 0};
    /* out += alpha * A B in place (C0 is out, beta 1): every K slice adds to C */
    const int accumulate = c && c == out && g->beta == (T)1 && s->c_rs == ldo && s->c_cs == 1;
#if defined(PAG_GEMM_AVX512) && defined(PAG_GEMM_IS_F32)
    const int use_avx512 = gemm_avx512();
#endif
    for (int64_t jc = n0; jc < n1; jc += NC) {
        const int64_t nc = PAG_MIN((int64_t)NC, n1 - jc);
        /* k == 0 still runs one empty slice: C = beta * C0, then the activation */
        for (int64_t pc = 0; pc == 0 || pc < s->k; pc += kc_max) {
            const int64_t kc = PAG_MIN(kc_max, s->k - pc);
            /* a pre-packed B: the slice starting at row pc holds n_pad * kc elements at
             * pc * n_pad, and column jc (a multiple of NR: bands are) starts its panel */
            const T *bpanel = g->bp ? g->bp + pc * n_pad + jc * kc : bbuf;
            if (!g->bp) SFX(pack_b)(b + pc * s->b_rs + jc * s->b_cs, s->b_rs, s->b_cs, kc, nc, bbuf);
            e.first = pc == 0 && !accumulate;
            e.last = pc + kc >= s->k;
            const int direct = SFX(read_a_in_place)(s->a_cs, nc);
            for (int64_t ic = m0; ic < m1; ic += MC) {
                const int64_t mc = PAG_MIN((int64_t)MC, m1 - ic);
#if defined(PAG_GEMM_AVX512) && defined(PAG_GEMM_IS_F32)
                if (use_avx512 && g->bp && s->a_cs == 1) {
                    e.c = c && !accumulate ? c + ic * s->c_rs + jc * s->c_cs : NULL;
                    SFX(macro8_avx512)(mc, nc, kc, a + ic * s->a_rs + pc, s->a_rs, abuf, bpanel, out + ic * ldo + jc,
                                       ldo, &e);
                    continue;
                }
#endif
                /* in place, only a last partial panel is packed (zero-padded) */
                SFX(a_block) ab = {a + ic * s->a_rs + pc * s->a_cs, abuf, s->a_rs, s->a_cs,
                                   direct ? mc / MR * MR : 0};
                SFX(pack_a)(ab.a + ab.direct * s->a_rs, s->a_rs, s->a_cs, mc - ab.direct, kc, abuf);
                e.c = c && !accumulate ? c + ic * s->c_rs + jc * s->c_cs : NULL;
#if defined(PAG_GEMM_AVX512) && defined(PAG_GEMM_IS_F32)
                if (use_avx512) {
                    SFX(macro_avx512)(mc, nc, kc, &ab, bpanel, out + ic * ldo + jc, ldo, &e);
                    continue;
                }
#endif
                SFX(macro)(mc, nc, kc, &ab, bpanel, out + ic * ldo + jc, ldo, &e);
            }
        }
    }
    return PAG_OK;
}

/* Runs task t of the split: batch item t / parts, then its band of rows and columns. */
static int SFX(run_split_task)(const SFX(gemm_args) *g, const gemm_split *sp, int64_t t) {
    const int parts = sp->pm * sp->pn;
    const int part = (int)(t % parts);
    int64_t m0, m1, n0, n1;
    band(g->s.m, MR, sp->pm, part / sp->pn, &m0, &m1);
    band(g->s.n, NR, sp->pn, part % sp->pn, &n0, &n1);
    return SFX(run_task)(g, t / parts, m0, m1, n0, n1);
}

/* The driver behind every entry point: validated arguments in, all tasks run. */
static int SFX(gemm_run)(const SFX(gemm_args) *g, int nthreads) {
    const gemm_shape *s = &g->s;
    if (s->m == 0 || s->n == 0 || s->nbatch == 0) return PAG_OK;
    gemm_split sp = split(s, nthreads, NR);
    if (sp.team > 1 && !team_welcome()) sp = split(s, 1, NR);
    int status = PAG_OK;
    if (sp.team <= 1) {
        for (int64_t t = 0; t < sp.ntasks && status == PAG_OK; t++) status = SFX(run_split_task)(g, &sp, t);
        return status;
    }
    const int64_t t0 = now_ns();
    int64_t last_start = t0;
    PAG_PRAGMA(omp parallel num_threads(sp.team))
    {
        note_start(&last_start, now_ns());
        PAG_PRAGMA(omp for schedule(dynamic, 1))
        for (int64_t t = 0; t < sp.ntasks; t++) {
            if (SFX(run_split_task)(g, &sp, t) != PAG_OK) {
                PAG_PRAGMA(omp atomic write)
                status = PAG_ENOMEM;
            }
        }
    }
    judge_team(t0, last_start, now_ns());
    return status;
}

/* ---- entry points ------------------------------------------------------------ */

int SFX(pag_linalg_gemm)(int64_t m, int64_t n, int64_t k, double alpha, const T *a, int transa,
                         int64_t lda, const T *b, int transb, int64_t ldb, double beta, const T *c,
                         int64_t c_rs, int64_t c_cs, T *out, int nthreads) {
    if (bad_sizes(m, n, k) || bad_layout(a, transa, lda, m, k) || bad_layout(b, transb, ldb, k, n))
        return PAG_EINVAL;
    if (m * n > 0 && !out) return PAG_EINVAL;
    int64_t one = 1;
    SFX(gemm_args) g = {{m, n, k, 0, 0, 0, 0, c_rs, c_cs, PAG_ACT_NONE, 1, 1, &one, NULL, NULL, NULL},
                        a, b, c, out, (T)alpha, (T)beta, NULL};
    layout_strides(transa, lda, &g.s.a_rs, &g.s.a_cs);
    layout_strides(transb, ldb, &g.s.b_rs, &g.s.b_cs);
    return SFX(gemm_run)(&g, nthreads);
}

int SFX(pag_linalg_matmul)(const int64_t *batch_shape, int batch_ndim, int64_t m, int64_t n, int64_t k,
                           const T *a, int transa, int64_t lda, const int64_t *a_batch_strides,
                           const T *b, int transb, int64_t ldb, const int64_t *b_batch_strides,
                           T *out, int nthreads) {
    const int64_t nbatch = pag_numel(batch_shape, batch_ndim);
    if (nbatch < 0 || bad_sizes(m, n, k) || bad_layout(a, transa, lda, m, k) || bad_layout(b, transb, ldb, k, n))
        return PAG_EINVAL;
    if (batch_ndim > 0 && (!a_batch_strides || !b_batch_strides)) return PAG_EINVAL;
    if (nbatch > 0 && m > 0 && n > 0 && (m * n > INT64_MAX / nbatch || !out)) return PAG_EINVAL;
    SFX(gemm_args) g = {{m, n, k, 0, 0, 0, 0, 0, 0, PAG_ACT_NONE, batch_ndim, nbatch, batch_shape,
                         a_batch_strides, b_batch_strides, NULL},
                        a, b, NULL, out, (T)1, (T)0, NULL};
    layout_strides(transa, lda, &g.s.a_rs, &g.s.a_cs);
    layout_strides(transb, ldb, &g.s.b_rs, &g.s.b_cs);
    return SFX(gemm_run)(&g, nthreads);
}

int SFX(pag_linalg_linear)(int64_t m, int64_t n, int64_t k, const T *x, int transx, int64_t ldx,
                           const T *w, int transw, int64_t ldw, const T *bias, int act, T *out,
                           int nthreads) {
    if (bad_sizes(m, n, k) || bad_layout(x, transx, ldx, m, k) || bad_layout(w, transw, ldw, n, k))
        return PAG_EINVAL;
    if (act < PAG_ACT_NONE || act > PAG_ACT_GELU_TANH || (m * n > 0 && !out)) return PAG_EINVAL;
    int64_t one = 1;
    /* B = W^T: a row-major W is a column-major B and vice versa */
    SFX(gemm_args) g = {{m, n, k, 0, 0, 0, 0, 0, 1, act, 1, 1, &one, NULL, NULL, NULL},
                        x, w, bias, out, (T)1, (T)1, NULL};
    layout_strides(transx, ldx, &g.s.a_rs, &g.s.a_cs);
    layout_strides(!transw, ldw, &g.s.b_rs, &g.s.b_cs);
    return SFX(gemm_run)(&g, nthreads);
}

/* A B operand packed once for many products with it (a recurrent layer's weight, used at
 * every time step): the K slices of kc_for(k) rows one after another, each as pack_b lays
 * out all n columns (NR-wide panels, the last zero-padded), k * round_up(n, NR) elements. */
int64_t SFX(pag_linalg_gemm_packed_size)(int64_t k, int64_t n) {
    if (bad_sizes(1, n, k)) return -1;
    return k * ((n + NR - 1) / NR * NR);
}

int SFX(pag_linalg_gemm_pack_b)(int64_t k, int64_t n, const T *b, int transb, int64_t ldb, T *packed) {
    if (bad_sizes(1, n, k) || bad_layout(b, transb, ldb, k, n)) return PAG_EINVAL;
    if (k * n > 0 && !packed) return PAG_EINVAL;
    int64_t rs, cs;
    layout_strides(transb, ldb, &rs, &cs);
    const int64_t kc_max = SFX(kc_for)(k), n_pad = (n + NR - 1) / NR * NR;
    for (int64_t pc = 0; pc < k && n > 0; pc += kc_max) {
        const int64_t kc = PAG_MIN(kc_max, k - pc);
        SFX(pack_b)(b + pc * rs, rs, cs, kc, n, packed + pc * n_pad);
    }
    return PAG_OK;
}

/* pag_linalg_gemm with B given packed (pag_linalg_gemm_pack_b of the same k and n): the
 * same tiles in the same order, so the same bits as the unpacked product, except that a
 * product with one row or column also runs the tiles (the unpacked one takes gemv). */
int SFX(pag_linalg_gemm_packed)(int64_t m, int64_t n, int64_t k, double alpha, const T *a, int transa,
                                int64_t lda, const T *packed, double beta, const T *c, int64_t c_rs,
                                int64_t c_cs, T *out, int nthreads) {
    if (bad_sizes(m, n, k) || bad_layout(a, transa, lda, m, k)) return PAG_EINVAL;
    if (m * n > 0 && (!out || (k > 0 && !packed))) return PAG_EINVAL;
    int64_t one = 1;
    SFX(gemm_args) g = {{m, n, k, 0, 0, 0, 0, c_rs, c_cs, PAG_ACT_NONE, 1, 1, &one, NULL, NULL, NULL},
                        a, NULL, c, out, (T)alpha, (T)beta, packed};
    layout_strides(transa, lda, &g.s.a_rs, &g.s.a_cs);
    return SFX(gemm_run)(&g, nthreads);
}

#undef MR
#endif
