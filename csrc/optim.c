/* Fused optimizer updates (see optim.h for the contract).
 *
 * Each update is one pass: read param, grad and the state, write param and
 * the state. The per-element work mirrors PyTorch's single-tensor update
 * operation by operation (same order, same roundings, the hyperparameters
 * rounded to the element type once), so float64 agrees with PyTorch to an ulp
 * or two per step; the only differences are fused multiply-adds, which the
 * AVX2/AVX-512 clones use where PyTorch's vectorized CPU kernels also may.
 *
 * The options (weight decay, momentum, first step, nesterov, amsgrad, lerp
 * branch) are loop-invariant. Each hot loop is an always-inline body taking
 * them as constants, instantiated once per combination by a switch, so every
 * variant is a straight vectorized loop with no per-element branch on an option
 * and no memory touched that the variant does not need.
 *
 * The typed part (under PAG_TYPED_BODY) is written once and compiled for float
 * and double through typed.h, as in reduce.c. */
#ifndef PAG_TYPED_BODY

#include <stdlib.h>

#include "common.h"
#include "vmath.h"

/* Per-element prices for pag_team_size, which threads a loop once
 * n * cost >= PAG_OMP_MIN_ELEMS (65536), so SGD threads from 65536 elements
 * and Adam from 32768. Measured on the development machine (2-core EPYC,
 * float32, fastest of many calls): two threads tie with one at 32768 (SGD)
 * and 16384 (Adam) elements and win by 1.5x and 1.3x at twice those sizes;
 * at 1e6 the Adam step takes 512 us on one thread and 272 us on two. */
#define SGD_COST 1
#define ADAM_COST 2
/* RMSprop and Adagrad (a root and a division per element, like Adam), float32,
 * fastest of 15 interleaved rounds on the loaded machine: one and two threads
 * tie at 16384 elements (16.7 vs 17.6 us, 17.3 vs 15.0 us), two win by 1.3x
 * at 32768 and 65536, so they thread from 32768 elements as Adam does. */
#define RMSPROP_COST 2
#define ADAGRAD_COST 2

/* Index [lo, hi) of a group's concatenated elements, walked tensor by tensor:
 * for each tensor t overlapping the range, `body` runs with t, the offset a
 * into tensor t and the length len. */
#define PAG_FOR_SEGMENTS(sizes, count, lo, hi, body)                          \
    do {                                                                      \
        int64_t start_ = 0;                                                   \
        for (int64_t t = 0; t < (count) && start_ < (hi); t++) {              \
            const int64_t end_ = start_ + (sizes)[t];                         \
            if (end_ > (lo)) {                                                \
                const int64_t a = (lo) > start_ ? (lo) - start_ : 0;          \
                const int64_t len = ((hi) < end_ ? (hi) : end_) - start_ - a; \
                body;                                                         \
            }                                                                 \
            start_ = end_;                                                    \
        }                                                                     \
    } while (0)

/* Checks a group's sizes and the pointers of its params; returns the total
 * element count, or -1 when a size is negative, the total byte count
 * overflows or a tensor with elements has a NULL pointer. */
static int64_t group_total(const int64_t *sizes, int64_t count, const void *const *ptrs, int64_t itemsize) {
    const int64_t limit = INT64_MAX / itemsize;
    int64_t total = 0;
    for (int64_t t = 0; t < count; t++) {
        if (sizes[t] < 0 || total > limit - sizes[t]) return -1;
        if (sizes[t] > 0 && !ptrs[t]) return -1;
        total += sizes[t];
    }
    return total;
}

/* Same check for a further per-tensor array of the group (sizes already valid). */
static int group_ptrs_ok(const int64_t *sizes, int64_t count, const void *const *ptrs) {
    if (count > 0 && !ptrs) return 0;
    for (int64_t t = 0; t < count; t++)
        if (sizes[t] > 0 && !ptrs[t]) return 0;
    return 1;
}

typedef struct { uintptr_t lo, hi; } span;

static int span_order(const void *a, const void *b) {
    const uintptr_t x = ((const span *)a)->lo, y = ((const span *)b)->lo;
    return (x > y) - (x < y);
}

/* Whether the arrays of a group are pairwise disjoint: the loops read and
 * write every array in one pass (and promise the compiler, with restrict,
 * that none aliases another). lists holds nlists per-tensor pointer arrays;
 * a NULL list, a NULL entry or an empty tensor is skipped. Sorts the byte
 * ranges by start: a range starting before the furthest end so far overlaps.
 * Returns PAG_OK, PAG_EINVAL on overlap or PAG_ENOMEM. */
static int group_disjoint(const void *const *const *lists, int nlists, const int64_t *sizes, int64_t count,
                          int64_t itemsize) {
    span local[8], *spans = local;
    if ((int64_t)nlists * count > 8) {
        spans = malloc(sizeof(span) * (size_t)nlists * (size_t)count);
        if (!spans) return PAG_ENOMEM;
    }
    int64_t k = 0;
    for (int l = 0; l < nlists; l++) {
        if (!lists[l]) continue;
        for (int64_t t = 0; t < count; t++) {
            if (sizes[t] == 0 || !lists[l][t]) continue;
            const uintptr_t lo = (uintptr_t)lists[l][t];
            spans[k++] = (span){lo, lo + (uintptr_t)(sizes[t] * itemsize)};
        }
    }
    qsort(spans, (size_t)k, sizeof(span), span_order);
    int status = PAG_OK;
    uintptr_t reach = 0;
    for (int64_t i = 0; i < k; i++) {
        if (i > 0 && spans[i].lo < reach) { status = PAG_EINVAL; break; }
        if (spans[i].hi > reach) reach = spans[i].hi;
    }
    if (spans != local) free(spans);
    return status;
}

/* Validates a group before any pointer is touched: lists holds nlists per-tensor pointer arrays,
 * lists[0] the params; a list whose bit is set in `used` must have a pointer for every non-empty
 * tensor (the others are ignored); sizes must be non-negative with a byte count that fits; and
 * the arrays of the used lists must be pairwise disjoint. Sets *total to the element count.
 * Returns PAG_OK, PAG_EINVAL or PAG_ENOMEM. */
static int group_check(const void *const *const *lists, int nlists, unsigned used, const int64_t *sizes,
                       int64_t count, int64_t itemsize, int64_t *total) {
    const void *const *live[8];
    if (nlists > 8 || count < 0 || (count > 0 && (!sizes || !lists[0]))) return PAG_EINVAL;
    *total = group_total(sizes, count, lists[0], itemsize);
    if (*total < 0) return PAG_EINVAL;
    for (int l = 0; l < nlists; l++) {
        const int on = (used >> l) & 1u;
        if (on && !group_ptrs_ok(sizes, count, lists[l])) return PAG_EINVAL;
        live[l] = on ? lists[l] : NULL;
    }
    return group_disjoint(live, nlists, sizes, count, itemsize);
}

/* ---- SGD ------------------------------------------------------------------- */

/* Variant bits of the SGD loop. */
#define SGD_DECAY 1    /* weight_decay != 0: grad += weight_decay * param */
#define SGD_MOMENTUM 2 /* momentum != 0: update the buffer */
#define SGD_FIRST 4    /* first step: the buffer becomes the gradient */
#define SGD_NESTEROV 8 /* step along grad + momentum * buffer */

/* The four momentum variants on top of a decay bit. */
#define SGD_MOMENTUM_CASE(v) \
    case (v): TN(sgd_body)(p, g, buf, n, k, (v)); break;
#define SGD_MOMENTUM_CASES(decay)                                   \
    SGD_MOMENTUM_CASE((decay) | SGD_MOMENTUM)                       \
    SGD_MOMENTUM_CASE((decay) | SGD_MOMENTUM | SGD_FIRST)           \
    SGD_MOMENTUM_CASE((decay) | SGD_MOMENTUM | SGD_NESTEROV)        \
    SGD_MOMENTUM_CASE((decay) | SGD_MOMENTUM | SGD_FIRST | SGD_NESTEROV)

/* ---- Adam / AdamW ------------------------------------------------------------ */

/* Variant bits of the Adam loop. */
#define ADAM_L2 1      /* Adam's weight decay: grad += weight_decay * param */
#define ADAM_AMSGRAD 2 /* keep the running max of exp_avg_sq and divide by it */
#define ADAM_SMALL 4   /* lerp weight 1 - beta1 below 0.5: PyTorch's first lerp form */

/* Expands M(v) for every variant v of four option bits: the switch of
 * the loops below that take four loop-invariant options. */
#define PAG_VARIANTS16(M) \
    M(0) M(1) M(2) M(3) M(4) M(5) M(6) M(7) M(8) M(9) M(10) M(11) M(12) M(13) M(14) M(15)

/* ---- RMSprop ----------------------------------------------------------------- */

/* Variant bits of the RMSprop loop. */
#define RMS_DECAY 1    /* weight_decay != 0: grad += weight_decay * param */
#define RMS_CENTERED 2 /* keep grad_avg and divide by the centered root */
#define RMS_MOMENTUM 4 /* momentum > 0: step along the buffer */
#define RMS_SMALL 8    /* lerp weight 1 - alpha below 0.5: PyTorch's first lerp form */

#define RMS_CASE(v) \
    case (v): TN(rms_body)(p, g, sq, ga, buf, n, k, (v)); break;

/* ---- Adagrad ----------------------------------------------------------------- */

#define ADAGRAD_DECAY 1 /* weight_decay != 0: grad += weight_decay * param */

/* ---- Adadelta and Adamax (training tools, issue 15) ---------------------------- */

#define ADADELTA_COST 2   /* two roots and a division per element, like Adam */
#define ADAMAX_COST 2
#define ADADELTA_DECAY 1  /* weight_decay != 0: grad += weight_decay * param */
#define ADAMAX_DECAY 1    /* weight_decay != 0: grad += weight_decay * param */
#define ADAMAX_SMALL 2    /* lerp weight 1 - beta1 below 0.5: PyTorch's first lerp form */

#define RADAM_COST 2
#define RPROP_COST 1
#define RADAM_L2 1        /* weight_decay != 0, coupled: grad += weight_decay * param */
#define RADAM_DECOUPLED 2 /* weight_decay != 0, decoupled: param *= 1 - lr * weight_decay */
#define RADAM_SMALL 4     /* lerp weight 1 - beta1 below 0.5: PyTorch's first lerp form */
#define RADAM_RECT 8      /* rho_t > 5: the rectified adaptive step, else plain momentum */

#define NADAM_COST 2
#define ASGD_COST 1
#define NADAM_L2 1        /* weight_decay != 0, coupled: grad += weight_decay * param */
#define NADAM_DECOUPLED 2 /* weight_decay != 0, decoupled: param *= 1 - lr * weight_decay */
#define NADAM_SMALL 4     /* lerp weight 1 - beta1 below 0.5: PyTorch's first lerp form */
#define ASGD_DECAY 1      /* weight_decay != 0: grad += weight_decay * param */
#define ASGD_AVERAGE 2    /* mu != 1: ax moves toward param by mu; else ax = param */

#define PAG_TYPED_SELF "optim.c"
#include "typed.h"

#else /* PAG_TYPED_BODY: everything below is compiled once per T */

/* ---- SGD ---- */

typedef struct { T sign, weight_decay, momentum, alpha, neg_lr; } TN(sgd_consts);

PAG_INLINE void TN(sgd_body)(T *PAG_RESTRICT p, const T *PAG_RESTRICT g,
                             T *PAG_RESTRICT buf, int64_t n, TN(sgd_consts) k,
                             const int variant) {
    #pragma omp simd
    for (int64_t i = 0; i < n; i++) {
        T d = k.sign * g[i];
        if (variant & SGD_DECAY) d = d + k.weight_decay * p[i];
        if (variant & SGD_MOMENTUM) {
            const T b = (variant & SGD_FIRST) ? d : buf[i] * k.momentum + k.alpha * d;
            buf[i] = b;
            d = (variant & SGD_NESTEROV) ? d + k.momentum * b : b;
        }
        p[i] = p[i] + k.neg_lr * d;
    }
}

static PAG_CLONES void TN(sgd_run)(T *p, const T *g, T *buf, int64_t n,
                                   TN(sgd_consts) k, int variant) {
    switch (variant) {
    case 0: TN(sgd_body)(p, g, buf, n, k, 0); break;
    case SGD_DECAY: TN(sgd_body)(p, g, buf, n, k, SGD_DECAY); break;
    SGD_MOMENTUM_CASES(0)
    SGD_MOMENTUM_CASES(SGD_DECAY)
    }
}

static void TN(sgd_range)(T *const *ps, const T *const *gs, T *const *bs,
                          const int64_t *sizes, int64_t count, int64_t lo, int64_t hi,
                          TN(sgd_consts) k, int variant) {
    PAG_FOR_SEGMENTS(sizes, count, lo, hi,
                     TN(sgd_run)(ps[t] + a, gs[t] + a, bs ? bs[t] + a : NULL, len, k,
                                 variant));
}

int TN(pag_optim_sgd_step_many)(T *const *params, const T *const *grads,
                                T *const *momentum_buffers, const int64_t *sizes,
                                int64_t count, double lr, double momentum,
                                double dampening, double weight_decay, int nesterov,
                                int maximize, int first_step, int nthreads) {
    const int use_momentum = momentum != 0.0;
    const void *const *lists[3] = {(const void *const *)params, (const void *const *)grads,
                                   (const void *const *)momentum_buffers};
    int64_t total;
    const int status = group_check(lists, 3, use_momentum ? 7u : 3u, sizes, count, sizeof(T), &total);
    if (status != PAG_OK) return status;
    const int variant = (weight_decay != 0.0 ? SGD_DECAY : 0)
                        | (use_momentum ? SGD_MOMENTUM : 0)
                        | (use_momentum && first_step ? SGD_FIRST : 0)
                        | (use_momentum && nesterov ? SGD_NESTEROV : 0);
    const TN(sgd_consts) k = {maximize ? (T)-1 : (T)1, (T)weight_decay, (T)momentum,
                                (T)(1.0 - dampening), (T)(-lr)};
    T *const *bufs = use_momentum ? momentum_buffers : NULL;
    const int team = pag_team_size(total, SGD_COST, nthreads);
    PAG_PARALLEL_CHUNKS(total, team,
                        TN(sgd_range)(params, grads, bufs, sizes, count, lo, hi, k, variant));
    return PAG_OK;
}

int TN(pag_optim_sgd_step)(T *param, const T *grad, T *momentum_buffer, int64_t n,
                           double lr, double momentum, double dampening,
                           double weight_decay, int nesterov, int maximize, int first_step,
                           int nthreads) {
    T *ps[1] = {param};
    const T *gs[1] = {grad};
    T *bs[1] = {momentum_buffer};
    const int64_t sizes[1] = {n};
    return TN(pag_optim_sgd_step_many)(ps, gs, bs, sizes, 1, lr, momentum, dampening,
                                       weight_decay, nesterov, maximize, first_step,
                                       nthreads);
}

/* ---- Adam / AdamW ---- */

/* Quantities of one step, computed in double exactly as PyTorch computes them
 * in Python, then rounded to the element type. */
typedef struct {
    T sign, decay, weight_decay, w1, one_minus_w1, beta2, one_minus_beta2;
    T neg_step_size, bias_correction2_sqrt, eps;
} TN(adam_consts);

PAG_INLINE void TN(adam_body)(T *PAG_RESTRICT p, const T *PAG_RESTRICT g,
                              T *PAG_RESTRICT m, T *PAG_RESTRICT v,
                              T *PAG_RESTRICT vmax, int64_t n, TN(adam_consts) k,
                              const int variant) {
    #pragma omp simd
    for (int64_t i = 0; i < n; i++) {
        T d = k.sign * g[i];
        const T w = p[i] * k.decay; /* AdamW's decay; k.decay is 1 otherwise */
        if (variant & ADAM_L2) d = d + k.weight_decay * w;
        const T mi = m[i];
        const T a = (variant & ADAM_SMALL) ? mi + k.w1 * (d - mi)
                                            : d - (d - mi) * k.one_minus_w1;
        m[i] = a;
        T s = v[i] * k.beta2 + k.one_minus_beta2 * d * d;
        v[i] = s;
        if (variant & ADAM_AMSGRAD) {
            const T top = vmax[i];
            s = (top > s || top != top) ? top : s; /* NaN-propagating max */
            vmax[i] = s;
        }
        const T denom = PAG_SQRT(s) / k.bias_correction2_sqrt + k.eps;
        p[i] = w + k.neg_step_size * a / denom;
    }
}

static PAG_CLONES void TN(adam_run)(T *p, const T *g, T *m, T *v, T *vmax,
                                    int64_t n, TN(adam_consts) k, int variant) {
    switch (variant) {
    case 0: TN(adam_body)(p, g, m, v, vmax, n, k, 0); break;
    case 1: TN(adam_body)(p, g, m, v, vmax, n, k, 1); break;
    case 2: TN(adam_body)(p, g, m, v, vmax, n, k, 2); break;
    case 3: TN(adam_body)(p, g, m, v, vmax, n, k, 3); break;
    case 4: TN(adam_body)(p, g, m, v, vmax, n, k, 4); break;
    case 5: TN(adam_body)(p, g, m, v, vmax, n, k, 5); break;
    case 6: TN(adam_body)(p, g, m, v, vmax, n, k, 6); break;
    case 7: TN(adam_body)(p, g, m, v, vmax, n, k, 7); break;
    }
}

static void TN(adam_range)(T *const *ps, const T *const *gs, T *const *ms,
                           T *const *vs, T *const *vmaxs, const int64_t *sizes,
                           int64_t count, int64_t lo, int64_t hi, TN(adam_consts) k,
                           int variant) {
    PAG_FOR_SEGMENTS(sizes, count, lo, hi,
                     TN(adam_run)(ps[t] + a, gs[t] + a, ms[t] + a, vs[t] + a,
                                  vmaxs ? vmaxs[t] + a : NULL, len, k, variant));
}

int TN(pag_optim_adam_step_many)(T *const *params, const T *const *grads,
                                 T *const *exp_avgs, T *const *exp_avg_sqs,
                                 T *const *max_exp_avg_sqs, const int64_t *sizes,
                                 int64_t count, int64_t step, double lr, double beta1,
                                 double beta2, double eps, double weight_decay,
                                 int amsgrad, int decoupled_weight_decay, int maximize,
                                 int nthreads) {
    if (step < 1) return PAG_EINVAL;
    const void *const *lists[5] = {(const void *const *)params, (const void *const *)grads,
                                   (const void *const *)exp_avgs, (const void *const *)exp_avg_sqs,
                                   (const void *const *)max_exp_avg_sqs};
    int64_t total;
    const int status = group_check(lists, 5, amsgrad ? 31u : 15u, sizes, count, sizeof(T), &total);
    if (status != PAG_OK) return status;
    const int decay = weight_decay != 0.0;
    const double bias_correction1 = 1.0 - pow(beta1, (double)step);
    const double bias_correction2 = 1.0 - pow(beta2, (double)step);
    const double step_size = lr / bias_correction1;
    const T w1 = (T)(1.0 - beta1);
    const TN(adam_consts) k = {
        maximize ? (T)-1 : (T)1,
        decay && decoupled_weight_decay ? (T)(1.0 - lr * weight_decay) : (T)1,
        (T)weight_decay, w1, (T)1 - w1, (T)beta2, (T)(1.0 - beta2), (T)(-step_size),
        (T)pow(bias_correction2, 0.5), (T)eps};
    const int variant = (decay && !decoupled_weight_decay ? ADAM_L2 : 0)
                        | (amsgrad ? ADAM_AMSGRAD : 0)
                        | ((w1 < 0 ? -w1 : w1) < (T)0.5 ? ADAM_SMALL : 0);
    T *const *vmaxs = amsgrad ? max_exp_avg_sqs : NULL;
    const int team = pag_team_size(total, ADAM_COST, nthreads);
    PAG_PARALLEL_CHUNKS(total, team,
                        TN(adam_range)(params, grads, exp_avgs, exp_avg_sqs, vmaxs,
                                       sizes, count, lo, hi, k, variant));
    return PAG_OK;
}

int TN(pag_optim_adam_step)(T *param, const T *grad, T *exp_avg, T *exp_avg_sq,
                            T *max_exp_avg_sq, int64_t n, int64_t step, double lr,
                            double beta1, double beta2, double eps, double weight_decay,
                            int amsgrad, int decoupled_weight_decay, int maximize,
                            int nthreads) {
    T *ps[1] = {param}, *ms[1] = {exp_avg}, *vs[1] = {exp_avg_sq};
    T *vmaxs[1] = {max_exp_avg_sq};
    const T *gs[1] = {grad};
    const int64_t sizes[1] = {n};
    return TN(pag_optim_adam_step_many)(ps, gs, ms, vs, vmaxs, sizes, 1, step, lr, beta1,
                                        beta2, eps, weight_decay, amsgrad,
                                        decoupled_weight_decay, maximize, nthreads);
}

/* ---- RMSprop ---- */

typedef struct {
    T sign, weight_decay, alpha, one_minus_alpha, w, one_minus_w, eps, momentum, neg_lr;
} TN(rms_consts);

PAG_INLINE void TN(rms_body)(T *PAG_RESTRICT p, const T *PAG_RESTRICT g,
                             T *PAG_RESTRICT sq, T *PAG_RESTRICT ga,
                             T *PAG_RESTRICT buf, int64_t n, TN(rms_consts) k,
                             const int variant) {
    #pragma omp simd
    for (int64_t i = 0; i < n; i++) {
        T d = k.sign * g[i];
        if (variant & RMS_DECAY) d = d + k.weight_decay * p[i];
        const T s = sq[i] * k.alpha + k.one_minus_alpha * d * d;
        sq[i] = s;
        T avg;
        if (variant & RMS_CENTERED) {
            const T m = ga[i];
            const T a = (variant & RMS_SMALL) ? m + k.w * (d - m) : d - (d - m) * k.one_minus_w;
            ga[i] = a;
            avg = PAG_SQRT(s - a * a) + k.eps;
        } else {
            avg = PAG_SQRT(s) + k.eps;
        }
        if (variant & RMS_MOMENTUM) {
            const T b = buf[i] * k.momentum + d / avg;
            buf[i] = b;
            p[i] = p[i] + k.neg_lr * b;
        } else {
            p[i] = p[i] + k.neg_lr * d / avg;
        }
    }
}

static PAG_CLONES void TN(rms_run)(T *p, const T *g, T *sq, T *ga, T *buf,
                                   int64_t n, TN(rms_consts) k, int variant) {
    switch (variant) { PAG_VARIANTS16(RMS_CASE) }
}

static void TN(rms_range)(T *const *ps, const T *const *gs, T *const *sqs,
                          T *const *gas, T *const *bufs, const int64_t *sizes,
                          int64_t count, int64_t lo, int64_t hi, TN(rms_consts) k,
                          int variant) {
    PAG_FOR_SEGMENTS(sizes, count, lo, hi,
                     TN(rms_run)(ps[t] + a, gs[t] + a, sqs[t] + a, gas ? gas[t] + a : NULL,
                                 bufs ? bufs[t] + a : NULL, len, k, variant));
}

int TN(pag_optim_rmsprop_step_many)(T *const *params, const T *const *grads,
                                    T *const *square_avgs, T *const *grad_avgs,
                                    T *const *momentum_buffers, const int64_t *sizes,
                                    int64_t count, double lr, double alpha, double eps,
                                    double weight_decay, double momentum, int centered,
                                    int maximize, int nthreads) {
    const int use_momentum = momentum > 0.0;
    const void *const *lists[5] = {(const void *const *)params, (const void *const *)grads,
                                   (const void *const *)square_avgs, (const void *const *)grad_avgs,
                                   (const void *const *)momentum_buffers};
    const unsigned used = 7u | (centered ? 8u : 0u) | (use_momentum ? 16u : 0u);
    int64_t total;
    const int status = group_check(lists, 5, used, sizes, count, sizeof(T), &total);
    if (status != PAG_OK) return status;
    T *const *gas = centered ? grad_avgs : NULL;
    T *const *bufs = use_momentum ? momentum_buffers : NULL;
    const T w = (T)(1.0 - alpha);
    const TN(rms_consts) k = {maximize ? (T)-1 : (T)1, (T)weight_decay, (T)alpha,
                                (T)(1.0 - alpha), w, (T)1 - w, (T)eps, (T)momentum,
                                (T)(-lr)};
    const int variant = (weight_decay != 0.0 ? RMS_DECAY : 0) | (centered ? RMS_CENTERED : 0)
                        | (use_momentum ? RMS_MOMENTUM : 0)
                        | (centered && (w < 0 ? -w : w) < (T)0.5 ? RMS_SMALL : 0);
    const int team = pag_team_size(total, RMSPROP_COST, nthreads);
    PAG_PARALLEL_CHUNKS(total, team,
                        TN(rms_range)(params, grads, square_avgs, gas, bufs, sizes, count,
                                      lo, hi, k, variant));
    return PAG_OK;
}

int TN(pag_optim_rmsprop_step)(T *param, const T *grad, T *square_avg, T *grad_avg,
                               T *momentum_buffer, int64_t n, double lr, double alpha,
                               double eps, double weight_decay, double momentum,
                               int centered, int maximize, int nthreads) {
    T *ps[1] = {param}, *sqs[1] = {square_avg}, *gas[1] = {grad_avg};
    T *bufs[1] = {momentum_buffer};
    const T *gs[1] = {grad};
    const int64_t sizes[1] = {n};
    return TN(pag_optim_rmsprop_step_many)(ps, gs, sqs, gas, bufs, sizes, 1, lr, alpha, eps,
                                           weight_decay, momentum, centered, maximize,
                                           nthreads);
}

/* ---- Adagrad ---- */

typedef struct { T sign, weight_decay, eps, neg_clr; } TN(adagrad_consts);

PAG_INLINE void TN(adagrad_body)(T *PAG_RESTRICT p, const T *PAG_RESTRICT g,
                                 T *PAG_RESTRICT sum, int64_t n, TN(adagrad_consts) k,
                                 const int variant) {
    #pragma omp simd
    for (int64_t i = 0; i < n; i++) {
        T d = k.sign * g[i];
        if (variant & ADAGRAD_DECAY) d = d + k.weight_decay * p[i];
        const T s = sum[i] + d * d;
        sum[i] = s;
        p[i] = p[i] + k.neg_clr * d / (PAG_SQRT(s) + k.eps);
    }
}

static PAG_CLONES void TN(adagrad_run)(T *p, const T *g, T *sum, int64_t n,
                                       TN(adagrad_consts) k, int variant) {
    if (variant & ADAGRAD_DECAY)
        TN(adagrad_body)(p, g, sum, n, k, ADAGRAD_DECAY);
    else
        TN(adagrad_body)(p, g, sum, n, k, 0);
}

static void TN(adagrad_range)(T *const *ps, const T *const *gs, T *const *sums,
                              const int64_t *sizes, int64_t count, int64_t lo,
                              int64_t hi, TN(adagrad_consts) k, int variant) {
    PAG_FOR_SEGMENTS(sizes, count, lo, hi,
                     TN(adagrad_run)(ps[t] + a, gs[t] + a, sums[t] + a, len, k, variant));
}

int TN(pag_optim_adagrad_step_many)(T *const *params, const T *const *grads,
                                    T *const *state_sums, const int64_t *sizes,
                                    int64_t count, int64_t step, double lr,
                                    double lr_decay, double eps, double weight_decay,
                                    int maximize, int nthreads) {
    if (step < 1) return PAG_EINVAL;
    const void *const *lists[3] = {(const void *const *)params, (const void *const *)grads,
                                   (const void *const *)state_sums};
    int64_t total;
    const int status = group_check(lists, 3, 7u, sizes, count, sizeof(T), &total);
    if (status != PAG_OK) return status;
    /* PyTorch's clr = lr / (1 + (step - 1) * lr_decay), in double */
    const double clr = lr / (1.0 + (double)(step - 1) * lr_decay);
    const TN(adagrad_consts) k = {maximize ? (T)-1 : (T)1, (T)weight_decay, (T)eps,
                                    (T)(-clr)};
    const int variant = weight_decay != 0.0 ? ADAGRAD_DECAY : 0;
    const int team = pag_team_size(total, ADAGRAD_COST, nthreads);
    PAG_PARALLEL_CHUNKS(total, team,
                        TN(adagrad_range)(params, grads, state_sums, sizes, count, lo, hi,
                                          k, variant));
    return PAG_OK;
}

int TN(pag_optim_adagrad_step)(T *param, const T *grad, T *state_sum, int64_t n,
                               int64_t step, double lr, double lr_decay, double eps,
                               double weight_decay, int maximize, int nthreads) {
    T *ps[1] = {param}, *sums[1] = {state_sum};
    const T *gs[1] = {grad};
    const int64_t sizes[1] = {n};
    return TN(pag_optim_adagrad_step_many)(ps, gs, sums, sizes, 1, step, lr, lr_decay, eps,
                                           weight_decay, maximize, nthreads);
}

/* ---- Adadelta ---- */

typedef struct { T sign, weight_decay, rho, one_minus_rho, eps, neg_lr; } TN(adadelta_consts);

PAG_INLINE void TN(adadelta_body)(T *PAG_RESTRICT p, const T *PAG_RESTRICT g, T *PAG_RESTRICT sq,
                                  T *PAG_RESTRICT acc, int64_t n, TN(adadelta_consts) k, const int variant) {
    #pragma omp simd
    for (int64_t i = 0; i < n; i++) {
        T d = k.sign * g[i];
        if (variant & ADADELTA_DECAY) d = d + k.weight_decay * p[i];
        const T s = sq[i] * k.rho + k.one_minus_rho * d * d;
        sq[i] = s;
        const T delta = PAG_SQRT(acc[i] + k.eps) / PAG_SQRT(s + k.eps) * d;
        acc[i] = acc[i] * k.rho + k.one_minus_rho * delta * delta;
        p[i] = p[i] + k.neg_lr * delta;
    }
}

static PAG_CLONES void TN(adadelta_run)(T *p, const T *g, T *sq, T *acc, int64_t n, TN(adadelta_consts) k,
                                        int variant) {
    if (variant & ADADELTA_DECAY)
        TN(adadelta_body)(p, g, sq, acc, n, k, ADADELTA_DECAY);
    else
        TN(adadelta_body)(p, g, sq, acc, n, k, 0);
}

static void TN(adadelta_range)(T *const *ps, const T *const *gs, T *const *sqs, T *const *accs,
                               const int64_t *sizes, int64_t count, int64_t lo, int64_t hi,
                               TN(adadelta_consts) k, int variant) {
    PAG_FOR_SEGMENTS(sizes, count, lo, hi,
                     TN(adadelta_run)(ps[t] + a, gs[t] + a, sqs[t] + a, accs[t] + a, len, k, variant));
}

int TN(pag_optim_adadelta_step_many)(T *const *params, const T *const *grads, T *const *square_avgs,
                                     T *const *acc_deltas, const int64_t *sizes, int64_t count, double lr,
                                     double rho, double eps, double weight_decay, int maximize, int nthreads) {
    const void *const *lists[4] = {(const void *const *)params, (const void *const *)grads,
                                   (const void *const *)square_avgs, (const void *const *)acc_deltas};
    int64_t total;
    const int status = group_check(lists, 4, 15u, sizes, count, sizeof(T), &total);
    if (status != PAG_OK) return status;
    const TN(adadelta_consts) k = {maximize ? (T)-1 : (T)1, (T)weight_decay, (T)rho, (T)(1.0 - rho), (T)eps,
                                     (T)(-lr)};
    const int variant = weight_decay != 0.0 ? ADADELTA_DECAY : 0;
    const int team = pag_team_size(total, ADADELTA_COST, nthreads);
    PAG_PARALLEL_CHUNKS(total, team,
                        TN(adadelta_range)(params, grads, square_avgs, acc_deltas, sizes, count, lo, hi, k,
                                           variant));
    return PAG_OK;
}

/* ---- Adamax ---- */

typedef struct { T sign, weight_decay, w1, one_minus_w1, beta2, eps, neg_clr; } TN(adamax_consts);

PAG_INLINE void TN(adamax_body)(T *PAG_RESTRICT p, const T *PAG_RESTRICT g, T *PAG_RESTRICT m,
                                T *PAG_RESTRICT u, int64_t n, TN(adamax_consts) k, const int variant) {
    #pragma omp simd
    for (int64_t i = 0; i < n; i++) {
        T d = k.sign * g[i];
        if (variant & ADAMAX_DECAY) d = d + k.weight_decay * p[i];
        const T mi = m[i];
        const T a = (variant & ADAMAX_SMALL) ? mi + k.w1 * (d - mi) : d - (d - mi) * k.one_minus_w1;
        m[i] = a;
        const T decayed = u[i] * k.beta2;
        const T fresh = PAG_FABS(d) + k.eps;
        /* torch.maximum: NaN-propagating */
        const T top = (decayed > fresh || decayed != decayed) ? decayed : fresh;
        u[i] = top;
        p[i] = p[i] + k.neg_clr * a / top;
    }
}

static PAG_CLONES void TN(adamax_run)(T *p, const T *g, T *m, T *u, int64_t n, TN(adamax_consts) k, int variant) {
    switch (variant) {
    case 0: TN(adamax_body)(p, g, m, u, n, k, 0); break;
    case 1: TN(adamax_body)(p, g, m, u, n, k, 1); break;
    case 2: TN(adamax_body)(p, g, m, u, n, k, 2); break;
    case 3: TN(adamax_body)(p, g, m, u, n, k, 3); break;
    }
}

static void TN(adamax_range)(T *const *ps, const T *const *gs, T *const *ms, T *const *us, const int64_t *sizes,
                             int64_t count, int64_t lo, int64_t hi, TN(adamax_consts) k, int variant) {
    PAG_FOR_SEGMENTS(sizes, count, lo, hi, TN(adamax_run)(ps[t] + a, gs[t] + a, ms[t] + a, us[t] + a, len, k, variant));
}

int TN(pag_optim_adamax_step_many)(T *const *params, const T *const *grads, T *const *exp_avgs,
                                   T *const *exp_infs, const int64_t *sizes, int64_t count, int64_t step,
                                   double lr, double beta1, double beta2, double eps, double weight_decay,
                                   int maximize, int nthreads) {
    if (step < 1) return PAG_EINVAL;
    const void *const *lists[4] = {(const void *const *)params, (const void *const *)grads,
                                   (const void *const *)exp_avgs, (const void *const *)exp_infs};
    int64_t total;
    const int status = group_check(lists, 4, 15u, sizes, count, sizeof(T), &total);
    if (status != PAG_OK) return status;
    /* PyTorch's clr = lr / (1 - beta1 ** step), in double */
    const double clr = lr / (1.0 - pow(beta1, (double)step));
    const T w1 = (T)(1.0 - beta1);
    const TN(adamax_consts) k = {maximize ? (T)-1 : (T)1, (T)weight_decay, w1, (T)1 - w1, (T)beta2, (T)eps,
                                   (T)(-clr)};
    const int variant = (weight_decay != 0.0 ? ADAMAX_DECAY : 0) | (w1 < (T)0.5 ? ADAMAX_SMALL : 0);
    const int team = pag_team_size(total, ADAMAX_COST, nthreads);
    PAG_PARALLEL_CHUNKS(total, team,
                        TN(adamax_range)(params, grads, exp_avgs, exp_infs, sizes, count, lo, hi, k, variant));
    return PAG_OK;
}

/* ---- RAdam ---- */

typedef struct { T sign, weight_decay, decay, w1, one_minus_w1, beta2, one_minus_beta2, bias_correction1,
                 lr, bias_correction2_sqrt, eps, rect; } TN(radam_consts);

PAG_INLINE void TN(radam_body)(T *PAG_RESTRICT p, const T *PAG_RESTRICT g, T *PAG_RESTRICT m, T *PAG_RESTRICT v,
                               int64_t n, TN(radam_consts) k, const int variant) {
    #pragma omp simd
    for (int64_t i = 0; i < n; i++) {
        T d = k.sign * g[i];
        T w = p[i];
        if (variant & RADAM_DECOUPLED) w = w * k.decay;
        if (variant & RADAM_L2) d = d + k.weight_decay * w;
        const T mi = m[i];
        const T a = (variant & RADAM_SMALL) ? mi + k.w1 * (d - mi) : d - (d - mi) * k.one_minus_w1;
        m[i] = a;
        const T s = v[i] * k.beta2 + k.one_minus_beta2 * d * d;
        v[i] = s;
        const T corrected = a / k.bias_correction1;
        if (variant & RADAM_RECT)
            p[i] = w - corrected * k.lr * (k.bias_correction2_sqrt / (PAG_SQRT(s) + k.eps)) * k.rect;
        else
            p[i] = w - corrected * k.lr;
    }
}

#define RADAM_CASE(v) case (v): TN(radam_body)(p, g, m, s, n, k, (v)); break;

static PAG_CLONES void TN(radam_run)(T *p, const T *g, T *m, T *s, int64_t n, TN(radam_consts) k, int variant) {
    switch (variant) {
        PAG_VARIANTS16(RADAM_CASE)
    }
}

static void TN(radam_range)(T *const *ps, const T *const *gs, T *const *ms, T *const *vs, const int64_t *sizes,
                            int64_t count, int64_t lo, int64_t hi, TN(radam_consts) k, int variant) {
    PAG_FOR_SEGMENTS(sizes, count, lo, hi, TN(radam_run)(ps[t] + a, gs[t] + a, ms[t] + a, vs[t] + a, len, k, variant));
}

int TN(pag_optim_radam_step_many)(T *const *params, const T *const *grads, T *const *exp_avgs,
                                  T *const *exp_avg_sqs, const int64_t *sizes, int64_t count, int64_t step,
                                  double lr, double beta1, double beta2, double eps, double weight_decay,
                                  int decoupled_weight_decay, int maximize, int nthreads) {
    if (step < 1) return PAG_EINVAL;
    const void *const *lists[4] = {(const void *const *)params, (const void *const *)grads,
                                   (const void *const *)exp_avgs, (const void *const *)exp_avg_sqs};
    int64_t total;
    const int status = group_check(lists, 4, 15u, sizes, count, sizeof(T), &total);
    if (status != PAG_OK) return status;
    /* PyTorch's per-step scalars, in double */
    const double s = (double)step;
    const double bias_correction1 = 1.0 - pow(beta1, s), bias_correction2 = 1.0 - pow(beta2, s);
    const double rho_inf = 2.0 / (1.0 - beta2) - 1.0;
    const double rho_t = rho_inf - 2.0 * s * pow(beta2, s) / bias_correction2;
    const double rect = rho_t > 5.0 ? sqrt((rho_t - 4.0) * (rho_t - 2.0) * rho_inf /
                                           ((rho_inf - 4.0) * (rho_inf - 2.0) * rho_t)) : 1.0;
    const T w1 = (T)(1.0 - beta1);
    const TN(radam_consts) k = {maximize ? (T)-1 : (T)1, (T)weight_decay, (T)(1.0 - lr * weight_decay), w1,
                                  (T)1 - w1, (T)beta2, (T)(1.0 - beta2), (T)bias_correction1, (T)lr,
                                  (T)sqrt(bias_correction2), (T)eps, (T)rect};
    int variant = (w1 < (T)0.5 ? RADAM_SMALL : 0) | (rho_t > 5.0 ? RADAM_RECT : 0);
    if (weight_decay != 0.0) variant |= decoupled_weight_decay ? RADAM_DECOUPLED : RADAM_L2;
    const int team = pag_team_size(total, RADAM_COST, nthreads);
    PAG_PARALLEL_CHUNKS(total, team,
                        TN(radam_range)(params, grads, exp_avgs, exp_avg_sqs, sizes, count, lo, hi, k, variant));
    return PAG_OK;
}

/* ---- Rprop ---- */

typedef struct { T sign, etaminus, etaplus, lo, hi; } TN(rprop_consts);

/* PyTorch's CPU sign: NaN gives 0 */
PAG_INLINE T TN(rprop_sign)(T x) { return x > (T)0 ? (T)1 : (x < (T)0 ? (T)-1 : (T)0); }

static PAG_CLONES void TN(rprop_run)(T *PAG_RESTRICT p, const T *PAG_RESTRICT g, T *PAG_RESTRICT prev,
                                     T *PAG_RESTRICT size, int64_t n, TN(rprop_consts) k) {
    #pragma omp simd
    for (int64_t i = 0; i < n; i++) {
        const T d = k.sign * g[i];
        const T s = TN(rprop_sign)(d * prev[i]);
        /* PyTorch's sign -> factor: > 0 etaplus, < 0 etaminus, else one */
        const T factor = s > (T)0 ? k.etaplus : (s < (T)0 ? k.etaminus : (T)1);
        T z = size[i] * factor;
        z = z < k.lo ? k.lo : z; /* clamp as PyTorch's min(max(z, lo), hi): lo > hi gives hi */
        z = z > k.hi ? k.hi : z;
        size[i] = z;
        const T used = factor == k.etaminus ? (T)0 : d;
        p[i] = p[i] + -TN(rprop_sign)(used) * z;
        prev[i] = used;
    }
}

static void TN(rprop_range)(T *const *ps, const T *const *gs, T *const *prevs, T *const *sizes_, const int64_t *sizes,
                            int64_t count, int64_t lo, int64_t hi, TN(rprop_consts) k) {
    PAG_FOR_SEGMENTS(sizes, count, lo, hi, TN(rprop_run)(ps[t] + a, gs[t] + a, prevs[t] + a, sizes_[t] + a, len, k));
}

int TN(pag_optim_rprop_step_many)(T *const *params, const T *const *grads, T *const *prevs, T *const *step_sizes,
                                  const int64_t *sizes, int64_t count, double etaminus, double etaplus,
                                  double step_size_min, double step_size_max, int maximize, int nthreads) {
    const void *const *lists[4] = {(const void *const *)params, (const void *const *)grads,
                                   (const void *const *)prevs, (const void *const *)step_sizes};
    int64_t total;
    const int status = group_check(lists, 4, 15u, sizes, count, sizeof(T), &total);
    if (status != PAG_OK) return status;
    const TN(rprop_consts) k = {maximize ? (T)-1 : (T)1, (T)etaminus, (T)etaplus, (T)step_size_min,
                                  (T)step_size_max};
    const int team = pag_team_size(total, RPROP_COST, nthreads);
    PAG_PARALLEL_CHUNKS(total, team, TN(rprop_range)(params, grads, prevs, step_sizes, sizes, count, lo, hi, k));
    return PAG_OK;
}

/* ---- NAdam ---- */

typedef struct { T sign, weight_decay, decay, w1, one_minus_w1, beta2, one_minus_beta2, bias_correction2, eps,
                 grad_coef, avg_coef; } TN(nadam_consts);

PAG_INLINE void TN(nadam_body)(T *PAG_RESTRICT p, const T *PAG_RESTRICT g, T *PAG_RESTRICT m, T *PAG_RESTRICT v,
                               int64_t n, TN(nadam_consts) k, const int variant) {
    #pragma omp simd
    for (int64_t i = 0; i < n; i++) {
        T d = k.sign * g[i];
        T w = p[i];
        if (variant & NADAM_DECOUPLED) w = w * k.decay;
        if (variant & NADAM_L2) d = d + k.weight_decay * w;
        const T mi = m[i];
        const T a = (variant & NADAM_SMALL) ? mi + k.w1 * (d - mi) : d - (d - mi) * k.one_minus_w1;
        m[i] = a;
        const T s = v[i] * k.beta2 + k.one_minus_beta2 * d * d;
        v[i] = s;
        const T denom = PAG_SQRT(s / k.bias_correction2) + k.eps;
        w = w + k.grad_coef * d / denom; /* PyTorch's two addcdiv_, in order */
        p[i] = w + k.avg_coef * a / denom;
    }
}

#define NADAM_CASE(v) case (v): TN(nadam_body)(p, g, m, s, n, k, (v)); break;

static PAG_CLONES void TN(nadam_run)(T *p, const T *g, T *m, T *s, int64_t n, TN(nadam_consts) k, int variant) {
    switch (variant) {
        NADAM_CASE(0) NADAM_CASE(1) NADAM_CASE(2) NADAM_CASE(4) NADAM_CASE(5) NADAM_CASE(6)
    }
}

static void TN(nadam_range)(T *const *ps, const T *const *gs, T *const *ms, T *const *vs, const int64_t *sizes,
                            int64_t count, int64_t lo, int64_t hi, TN(nadam_consts) k, int variant) {
    PAG_FOR_SEGMENTS(sizes, count, lo, hi, TN(nadam_run)(ps[t] + a, gs[t] + a, ms[t] + a, vs[t] + a, len, k, variant));
}

int TN(pag_optim_nadam_step_many)(T *const *params, const T *const *grads, T *const *exp_avgs,
                                  T *const *exp_avg_sqs, const int64_t *sizes, int64_t count, int64_t step,
                                  double lr, double beta1, double beta2, double eps, double weight_decay,
                                  double mu, double mu_next, double mu_product, int decoupled_weight_decay,
                                  int maximize, int nthreads) {
    if (step < 1) return PAG_EINVAL;
    const void *const *lists[4] = {(const void *const *)params, (const void *const *)grads,
                                   (const void *const *)exp_avgs, (const void *const *)exp_avg_sqs};
    int64_t total;
    const int status = group_check(lists, 4, 15u, sizes, count, sizeof(T), &total);
    if (status != PAG_OK) return status;
    /* PyTorch's scalars, in double: mu_product already includes this step's mu */
    const T w1 = (T)(1.0 - beta1);
    const TN(nadam_consts) k = {maximize ? (T)-1 : (T)1, (T)weight_decay, (T)(1.0 - lr * weight_decay), w1,
                                  (T)1 - w1, (T)beta2, (T)(1.0 - beta2), (T)(1.0 - pow(beta2, (double)step)),
                                  (T)eps, (T)(-lr * (1.0 - mu) / (1.0 - mu_product)),
                                  (T)((-lr * mu_next) / (1.0 - mu_product * mu_next))};
    int variant = w1 < (T)0.5 ? NADAM_SMALL : 0;
    if (weight_decay != 0.0) variant |= decoupled_weight_decay ? NADAM_DECOUPLED : NADAM_L2;
    const int team = pag_team_size(total, NADAM_COST, nthreads);
    PAG_PARALLEL_CHUNKS(total, team,
                        TN(nadam_range)(params, grads, exp_avgs, exp_avg_sqs, sizes, count, lo, hi, k, variant));
    return PAG_OK;
}

/* ---- ASGD ---- */

typedef struct { T sign, weight_decay, shrink, neg_eta, mu; } TN(asgd_consts);

PAG_INLINE void TN(asgd_body)(T *PAG_RESTRICT p, const T *PAG_RESTRICT g, T *PAG_RESTRICT ax, int64_t n,
                              TN(asgd_consts) k, const int variant) {
    #pragma omp simd
    for (int64_t i = 0; i < n; i++) {
        T d = k.sign * g[i];
        if (variant & ASGD_DECAY) d = d + k.weight_decay * p[i];
        T w = p[i] * k.shrink;
        w = w + k.neg_eta * d;
        p[i] = w;
        ax[i] = (variant & ASGD_AVERAGE) ? ax[i] + (w - ax[i]) * k.mu : w;
    }
}

static PAG_CLONES void TN(asgd_run)(T *p, const T *g, T *ax, int64_t n, TN(asgd_consts) k, int variant) {
    switch (variant) {
    case 0: TN(asgd_body)(p, g, ax, n, k, 0); break;
    case 1: TN(asgd_body)(p, g, ax, n, k, 1); break;
    case 2: TN(asgd_body)(p, g, ax, n, k, 2); break;
    case 3: TN(asgd_body)(p, g, ax, n, k, 3); break;
    }
}

static void TN(asgd_range)(T *const *ps, const T *const *gs, T *const *axs, const int64_t *sizes, int64_t count,
                           int64_t lo, int64_t hi, TN(asgd_consts) k, int variant) {
    PAG_FOR_SEGMENTS(sizes, count, lo, hi, TN(asgd_run)(ps[t] + a, gs[t] + a, axs[t] + a, len, k, variant));
}

int TN(pag_optim_asgd_step_many)(T *const *params, const T *const *grads, T *const *axs, const int64_t *sizes,
                                 int64_t count, double eta, double mu, double lambd, double weight_decay,
                                 int maximize, int nthreads) {
    const void *const *lists[3] = {(const void *const *)params, (const void *const *)grads,
                                   (const void *const *)axs};
    int64_t total;
    const int status = group_check(lists, 3, 7u, sizes, count, sizeof(T), &total);
    if (status != PAG_OK) return status;
    const TN(asgd_consts) k = {maximize ? (T)-1 : (T)1, (T)weight_decay, (T)(1.0 - lambd * eta), (T)(-eta),
                                 (T)mu};
    const int variant = (weight_decay != 0.0 ? ASGD_DECAY : 0) | (mu != 1.0 ? ASGD_AVERAGE : 0);
    const int team = pag_team_size(total, ASGD_COST, nthreads);
    PAG_PARALLEL_CHUNKS(total, team, TN(asgd_range)(params, grads, axs, sizes, count, lo, hi, k, variant));
    return PAG_OK;
}

#endif /* PAG_TYPED_BODY */
