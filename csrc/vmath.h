/* Type-generic math for the pointwise table: PAG_EXP(x) picks the float or
 * double routine from the argument's type, so every kernels.def expression is
 * written once and expanded for both dtypes.
 *
 * Why not libm: glibc's exp/log/tanh/erf are scalar calls, so a loop that
 * calls them does not vectorize (its vector variants need -ffast-math, which
 * would break NaN, inf and signed-zero semantics). The hot functions below
 * are therefore written as straight-line C that GCC vectorizes inside the
 * PAG_CLONES loops: range reduction, a polynomial, and exponent bits built
 * with integer operations. They contain no branches (every candidate value is
 * computed, then selected), no calls and no lookup tables.
 *
 * Accuracy (measured by tests/kernels/test_pointwise.py against correctly
 * rounded references over dense sweeps): a few ulp in float32 and ~1e-15
 * relative in float64; NaN, +-inf, overflow, underflow and signed zeros behave
 * as in libm. The polynomial coefficients are near-minimax fits computed for
 * this file (weighted least squares at 60 digits, then rounded).
 *
 * Less hot functions (sin, cos, tan, pow, exp2, log2, log10, ...) stay on libm. */
#ifndef PAG_VMATH_H
#define PAG_VMATH_H
#include <math.h>
#include <stdint.h>
#include <string.h>
#include "common.h"

/* Coefficient tables: a file that includes this header may use only some. */
#define PAG_TABLE __attribute__((unused))

/* ---- bit views ------------------------------------------------------------ */

PAG_INLINE uint32_t pag_bits_f32(float x) { uint32_t u; memcpy(&u, &x, sizeof u); return u; }
PAG_INLINE float pag_from_bits_f32(uint32_t u) { float x; memcpy(&x, &u, sizeof x); return x; }
PAG_INLINE uint64_t pag_bits_f64(double x) { uint64_t u; memcpy(&u, &x, sizeof u); return u; }
PAG_INLINE double pag_from_bits_f64(uint64_t u) { double x; memcpy(&x, &u, sizeof x); return x; }

/* fabs and copysign compile to bit masks (no call) in every clone. */
PAG_INLINE float pag_abs_f32(float x) { return __builtin_fabsf(x); }
PAG_INLINE double pag_abs_f64(double x) { return __builtin_fabs(x); }
PAG_INLINE float pag_copysign_f32(float x, float s) { return __builtin_copysignf(x, s); }
PAG_INLINE double pag_copysign_f64(double x, double s) { return __builtin_copysign(x, s); }

/* 2^n for n in the normal exponent range, from its exponent field. */
PAG_INLINE float pag_pow2i_f32(int32_t n) { return pag_from_bits_f32((uint32_t)(n + 127) << 23); }
PAG_INLINE double pag_pow2i_f64(int64_t n) { return pag_from_bits_f64((uint64_t)(n + 1023) << 52); }

/* Horner's rule; the unroll pragma flattens the loop before vectorization. */
PAG_INLINE float pag_poly_f32(float w, const float *c, int n) {
    float p = c[n - 1];
#pragma GCC unroll 32
    for (int k = n - 2; k >= 0; k--) p = p * w + c[k];
    return p;
}
PAG_INLINE double pag_poly_f64(double w, const double *c, int n) {
    double p = c[n - 1];
#pragma GCC unroll 32
    for (int k = n - 2; k >= 0; k--) p = p * w + c[k];
    return p;
}

/* ---- exp ------------------------------------------------------------------- */

/* ln 2 split in two: the high part has enough trailing zero bits that n * hi
 * is exact for every exponent n the routines meet (Cody and Waite). */
#define PAG_LN2_HI_F32 0.693145751953125f
#define PAG_LN2_LO_F32 1.42860682030941723212e-06f
#define PAG_LN2_HI_F64 6.93147180369123816490e-01
#define PAG_LN2_LO_F64 1.90821492927058770002e-10

/* (e^r - 1 - r) / r^2 on |r| <= ln2/2. */
static const PAG_TABLE float PAG_EXPM1_P32[5] = {
    0.5f, 0.16666577756404877f, 0.04166685417294502f, 0.008363139815628529f, 0.001390125835314393f};
static const PAG_TABLE double PAG_EXPM1_P64[10] = {
    0.50000000000000011, 0.16666666666666644, 0.041666666666624344, 0.0083333333333561795,
    0.0013888888917120965, 0.00019841269784706328, 2.4801521423320887e-05, 2.7557355486394361e-06,
    2.7620033843555213e-07, 2.5068167823491642e-08};

/* exp(hi + lo), where lo is a small correction to hi: the reduced argument
 * takes lo after hi - n*ln2 (exact), so hi + lo is never rounded at hi's
 * scale. Clamping to [-104, 89] keeps 2^n in range and changes no result
 * (exp is 0 or inf beyond); NaN passes the clamps and propagates. The scale
 * 2^n is applied in two halves so that subnormal results round once and
 * 2^128 need not exist. */
PAG_INLINE float pag_exp_scale_f32(float r, int32_t n) {
    const float p = 1.0f + (r + r * r * pag_poly_f32(r, PAG_EXPM1_P32, 5));
    const int32_t n1 = n >> 1;
    return p * pag_pow2i_f32(n1) * pag_pow2i_f32(n - n1);
}
PAG_INLINE float pag_exp_hilo_f32(float hi, float lo) {
    const float shift = 0x1.8p23f; /* adding it rounds to an integer kept in the low bits */
    hi = hi > 89.0f ? 89.0f : hi;
    hi = hi < -104.0f ? -104.0f : hi;
    const float t = (hi + lo) * 1.44269504088896341f + shift;
    const float nf = t - shift;
    const int32_t n = (int32_t)(pag_bits_f32(t) - pag_bits_f32(shift));
    return pag_exp_scale_f32(((hi - nf * PAG_LN2_HI_F32) + lo) - nf * PAG_LN2_LO_F32, n);
}
PAG_INLINE double pag_exp_scale_f64(double r, int64_t n) {
    const double p = 1.0 + (r + r * r * pag_poly_f64(r, PAG_EXPM1_P64, 10));
    const int64_t n1 = n >> 1;
    return p * pag_pow2i_f64(n1) * pag_pow2i_f64(n - n1);
}
PAG_INLINE double pag_exp_hilo_f64(double hi, double lo) {
    const double shift = 0x1.8p52;
    hi = hi > 710.0 ? 710.0 : hi;
    hi = hi < -746.0 ? -746.0 : hi;
    const double t = (hi + lo) * 1.44269504088896338700 + shift;
    const double nf = t - shift;
    const int64_t n = (int64_t)(pag_bits_f64(t) - pag_bits_f64(shift));
    return pag_exp_scale_f64(((hi - nf * PAG_LN2_HI_F64) + lo) - nf * PAG_LN2_LO_F64, n);
}

/* exp(x): exp_hilo without the lo terms (x + 0 is not foldable: it turns -0
 * into +0), which are two adds in a loop of about twenty operations and
 * measurably slowed softmax. Same results. */
PAG_INLINE float pag_exp_f32(float x) {
    const float shift = 0x1.8p23f;
    x = x > 89.0f ? 89.0f : x;
    x = x < -104.0f ? -104.0f : x;
    const float t = x * 1.44269504088896341f + shift;
    const float nf = t - shift;
    const int32_t n = (int32_t)(pag_bits_f32(t) - pag_bits_f32(shift));
    return pag_exp_scale_f32((x - nf * PAG_LN2_HI_F32) - nf * PAG_LN2_LO_F32, n);
}
PAG_INLINE double pag_exp_f64(double x) {
    const double shift = 0x1.8p52;
    x = x > 710.0 ? 710.0 : x;
    x = x < -746.0 ? -746.0 : x;
    const double t = x * 1.44269504088896338700 + shift;
    const double nf = t - shift;
    const int64_t n = (int64_t)(pag_bits_f64(t) - pag_bits_f64(shift));
    return pag_exp_scale_f64((x - nf * PAG_LN2_HI_F64) - nf * PAG_LN2_LO_F64, n);
}

/* exp(-s * x * x) for s = 1 or 1/2 without rounding x*x: x = xh + xl with xh
 * holding half of the significand bits, so xh*xh and 2*xh*xl are exact and
 * x*x = xh*xh + (2*xh*xl + xl*xl) goes to exp as a (hi, lo) pair. Needs a
 * finite x (callers clamp). */
PAG_INLINE float pag_exp_negsq_f32(float x, float s) {
    const float xh = pag_from_bits_f32(pag_bits_f32(x) & 0xfffff000u);
    const float xl = x - xh;
    return pag_exp_hilo_f32(-s * (xh * xh), -s * (xl * (xh + xh) + xl * xl));
}
PAG_INLINE double pag_exp_negsq_f64(double x, double s) {
    const double xh = pag_from_bits_f64(pag_bits_f64(x) & 0xfffffffff8000000u);
    const double xl = x - xh;
    return pag_exp_hilo_f64(-s * (xh * xh), -s * (xl * (xh + xh) + xl * xl));
}

/* ---- expm1 ----------------------------------------------------------------- */

/* expm1(x) = 2^n (expm1(r) + 1) - 1, evaluated as c*(2^m expm1(r) + (2^m - 1/c))
 * with m = n - 1 and c = 2 when n > 0 (m = n, c = 1 otherwise): no cancellation
 * for n in {-1, 0, 1}, and 2^m exists up to the overflow threshold. Below -20
 * (float) or -40 (double) the result is -1 to the last bit. */
PAG_INLINE float pag_expm1_f32(float x) {
    const float shift = 0x1.8p23f;
    float xc = x > 89.0f ? 89.0f : x;
    xc = xc < -20.0f ? -20.0f : xc;
    const float t = xc * 1.44269504088896341f + shift;
    const float nf = t - shift;
    const int32_t n = (int32_t)(pag_bits_f32(t) - pag_bits_f32(shift));
    const float r = (xc - nf * PAG_LN2_HI_F32) - nf * PAG_LN2_LO_F32;
    const float em1 = r + r * r * pag_poly_f32(r, PAG_EXPM1_P32, 5);
    const float scale = pag_pow2i_f32(n - (nf > 0.0f));
    const float c = nf > 0.0f ? 2.0f : 1.0f, inv_c = nf > 0.0f ? 0.5f : 1.0f;
    const float res = c * (scale * em1 + (scale - inv_c));
    return x == 0.0f ? x : res; /* keeps the sign of zero */
}
PAG_INLINE double pag_expm1_f64(double x) {
    const double shift = 0x1.8p52;
    double xc = x > 710.0 ? 710.0 : x;
    xc = xc < -40.0 ? -40.0 : xc;
    const double t = xc * 1.44269504088896338700 + shift;
    const double nf = t - shift;
    const int64_t n = (int64_t)(pag_bits_f64(t) - pag_bits_f64(shift));
    const double r = (xc - nf * PAG_LN2_HI_F64) - nf * PAG_LN2_LO_F64;
    const double em1 = r + r * r * pag_poly_f64(r, PAG_EXPM1_P64, 10);
    const double scale = pag_pow2i_f64(n - (int64_t)(nf > 0.0));
    const double c = nf > 0.0 ? 2.0 : 1.0, inv_c = nf > 0.0 ? 0.5 : 1.0;
    const double res = c * (scale * em1 + (scale - inv_c));
    return x == 0.0 ? x : res;
}

/* ---- log and log1p ------------------------------------------------------------ */

/* R(z)/z on z = s^2 in [0, ((sqrt2-1)/(sqrt2+1))^2], where
 * log(1+f) = 2s + s*R(z), s = f/(2+f). */
static const PAG_TABLE float PAG_LOG_R32[3] = {
    0.6666668653488159f, 0.39988765120506287f, 0.29580503702163696f};
static const PAG_TABLE double PAG_LOG_R64[7] = {
    0.66666666666666696, 0.39999999999899177, 0.28571428626104334, 0.22222211116093463,
    0.18182890351832082, 0.15331684530535128, 0.14616869749092795};

/* x = 2^k * m with m in [sqrt(1/2), sqrt(2)): the mantissa bits are offset so
 * that the exponent field rounds at sqrt(1/2) instead of 1. x must be a
 * positive normal number. */
PAG_INLINE float pag_split_f32(float x, float *kf) {
    const uint32_t u = pag_bits_f32(x) + (0x3f800000u - 0x3f3504f3u);
    *kf = (float)((int32_t)(u >> 23) - 127);
    return pag_from_bits_f32((u & 0x007fffffu) + 0x3f3504f3u);
}
PAG_INLINE double pag_split_f64(double x, double *kf) {
    const uint64_t u = pag_bits_f64(x) + (0x3ff0000000000000u - 0x3fe6a09e667f3bcdu);
    /* the exponent field as a double without an int64->double conversion,
     * which AVX2 lacks: 2^52 + e has e in its low bits */
    *kf = pag_from_bits_f64(0x4330000000000000u | (u >> 52)) - (0x1p52 + 1023.0);
    return pag_from_bits_f64((u & 0x000fffffffffffffu) + 0x3fe6a09e667f3bcdu);
}

/* log(2^k (1 + f)) + c, the common tail of log and log1p (c: a correction
 * for the rounding of 1 + x in log1p). */
PAG_INLINE float pag_log_kf_f32(float kf, float f, float c) {
    const float s = f / (2.0f + f), z = s * s;
    const float R = z * pag_poly_f32(z, PAG_LOG_R32, 3);
    const float hfsq = 0.5f * f * f;
    return kf * PAG_LN2_HI_F32 - ((hfsq - (s * (hfsq + R) + (kf * PAG_LN2_LO_F32 + c))) - f);
}
PAG_INLINE double pag_log_kf_f64(double kf, double f, double c) {
    const double s = f / (2.0 + f), z = s * s;
    const double R = z * pag_poly_f64(z, PAG_LOG_R64, 7);
    const double hfsq = 0.5 * f * f;
    return kf * PAG_LN2_HI_F64 - ((hfsq - (s * (hfsq + R) + (kf * PAG_LN2_LO_F64 + c))) - f);
}

/* The value of log/log1p at the edges of the domain: x the argument of log
 * (1 + x for log1p): NaN -> NaN, +inf -> +inf, 0 -> -inf, negative -> NaN. */
#define PAG_LOG_EDGES(T, x, res)                                         \
    ((x) != (x) ? (x) : (x) < 0 ? (T)NAN : (x) == 0 ? -(T)INFINITY        \
     : (x) == (T)INFINITY ? (x) : (res))

/* Conditions are written inline (not kept in int variables) so that the
 * vectorizer sees float-sized masks only. */
PAG_INLINE float pag_log_f32(float x) {
    float kf; /* subnormals are scaled into the normal range first */
    const float m = pag_split_f32(x < 0x1p-126f ? x * 0x1p23f : x, &kf);
    const float res = pag_log_kf_f32(x < 0x1p-126f ? kf - 23.0f : kf, m - 1.0f, 0.0f);
    return PAG_LOG_EDGES(float, x, res);
}
PAG_INLINE double pag_log_f64(double x) {
    double kf;
    const double m = pag_split_f64(x < 0x1p-1022 ? x * 0x1p54 : x, &kf);
    const double res = pag_log_kf_f64(x < 0x1p-1022 ? kf - 54.0 : kf, m - 1.0, 0.0);
    return PAG_LOG_EDGES(double, x, res);
}

/* log1p: near 0 (x in (sqrt(1/2)-1, sqrt(2)-1), where log would take k = 0
 * anyway, tested as one comparison |x - mid| < half-width) f = x exactly;
 * elsewhere u = 1 + x is split as in log, and c = (the rounding error of u) / u. */
PAG_INLINE float pag_log1p_f32(float x) {
    const float u = 1.0f + x;
    float kf;
    const float m = pag_split_f32(u, &kf);
    const float c = (kf > 0.0f ? 1.0f - (u - x) : x - (u - 1.0f)) / u;
    const float near0 = pag_log_kf_f32(0.0f, x, 0.0f), far = pag_log_kf_f32(kf, m - 1.0f, c);
    const float res = pag_abs_f32(x - 0.0606601717798f) < 0.353553390593f ? near0 : far;
    return x == 0.0f ? x : PAG_LOG_EDGES(float, u, res);
}
PAG_INLINE double pag_log1p_f64(double x) {
    const double u = 1.0 + x;
    double kf;
    const double m = pag_split_f64(u, &kf);
    const double c = (kf > 0.0 ? 1.0 - (u - x) : x - (u - 1.0)) / u;
    const double near0 = pag_log_kf_f64(0.0, x, 0.0), far = pag_log_kf_f64(kf, m - 1.0, c);
    const double res = pag_abs_f64(x - 0.060660171779821286) < 0.35355339059327376 ? near0 : far;
    return x == 0.0 ? x : PAG_LOG_EDGES(double, u, res);
}

/* ---- erf and the normal distribution --------------------------------------- */

/* erf(z)/z as a polynomial in z^2, for |z| <= 1/2. */
static const PAG_TABLE float PAG_ERF_P32[5] = {
    1.1283791065216064f, -0.37612608075141907f, 0.11282822489738464f, -0.02675718255341053f,
    0.0047179884277284145f};
static const PAG_TABLE double PAG_ERF_P64[9] = {
    1.1283791670955126, -0.37612638903183465, 0.11283791670924813, -0.026866170632715767,
    0.0052239773703261121, -0.00085482975243824982, 0.00012053324313413237,
    -1.4845583740173979e-05, 1.4723215435181004e-06};

/* erfc(y) e^{y^2} / t with t = 2/(2+y), as a polynomial in t - mid, for
 * y in [1/2, 10.5] (float) or [1/2, 27.5] (double), where erfc underflows. */
#define PAG_ERFC_MID32 0.48f
#define PAG_ERFC_MID64 0.43389830508474581
static const PAG_TABLE float PAG_ERFC_Q32[10] = {
    0.49727052450180054f, 0.6649832725524902f, 0.5497929453849792f, 0.15910783410072327f,
    -0.16108877956867218f, -0.1151314228773117f, 0.08895650506019592f, 0.06820961087942123f,
    -0.06410510838031769f, -0.03199239447712898f};
static const PAG_TABLE double PAG_ERFC_Q64[23] = {
    0.46776588777532352, 0.61536535315871588, 0.5258520993221345, 0.18621018137447853,
    -0.13199284362776534, -0.1366475498613533, 0.064246883822337994, 0.094354919366226114,
    -0.063955156032059091, -0.062378203314901626, 0.081219144536264498, 0.021845338660294887,
    -0.094851392010403726, 0.037624934149678185, 0.078808030762427844, -0.10677659876438521,
    -0.0042816764480573515, 0.14496540361394081, -0.12717411493801864, -0.10496736390326362,
    0.23202333395676172, 0.020498266775858323, -0.1733230903733744};

/* erfc(y) for y >= 1/2, given e = exp(-y*y) computed accurately. */
PAG_INLINE float pag_erfc_tail_f32(float y, float e) {
    const float t = 2.0f / (2.0f + y);
    return (t * pag_poly_f32(t - PAG_ERFC_MID32, PAG_ERFC_Q32, 10)) * e;
}
PAG_INLINE double pag_erfc_tail_f64(double y, double e) {
    const double t = 2.0 / (2.0 + y);
    return (t * pag_poly_f64(t - PAG_ERFC_MID64, PAG_ERFC_Q64, 23)) * e;
}

/* erf: the odd polynomial below 1/2, 1 - erfc above (no cancellation there:
 * erf(1/2) = 0.52). |x| is clamped where erf is 1 to the last bit. */
PAG_INLINE float pag_erf_f32(float x) {
    float y = pag_abs_f32(x);
    y = y > 10.0f ? 10.0f : y;
    const float small = x * pag_poly_f32(x * x, PAG_ERF_P32, 5);
    const float tail = pag_erfc_tail_f32(y, pag_exp_negsq_f32(y, 1.0f));
    const float large = pag_copysign_f32(1.0f - tail, x);
    return y < 0.5f ? small : large;
}
PAG_INLINE double pag_erf_f64(double x) {
    double y = pag_abs_f64(x);
    y = y > 27.0 ? 27.0 : y;
    const double small = x * pag_poly_f64(x * x, PAG_ERF_P64, 9);
    const double tail = pag_erfc_tail_f64(y, pag_exp_negsq_f64(y, 1.0));
    const double large = pag_copysign_f64(1.0 - tail, x);
    return y < 0.5 ? small : large;
}

/* The standard normal CDF Phi(x) = erfc(-x/sqrt2)/2, given e = exp(-x*x/2)
 * and x already clamped to the tail polynomial's range. Computing it from
 * erfc keeps full relative accuracy for negative x, where 1 + erf(x/sqrt2)
 * would cancel. */
PAG_INLINE float pag_normcdf_e_f32(float x, float e) {
    const float z = x * 0.70710678118654752f, y = pag_abs_f32(z);
    const float small = 0.5f + 0.5f * (z * pag_poly_f32(z * z, PAG_ERF_P32, 5));
    const float half_tail = 0.5f * pag_erfc_tail_f32(y, e);
    const float upper = 1.0f - half_tail;
    return y < 0.5f ? small : (z < 0.0f ? half_tail : upper);
}
PAG_INLINE double pag_normcdf_e_f64(double x, double e) {
    const double z = x * 0.70710678118654752, y = pag_abs_f64(z);
    const double small = 0.5 + 0.5 * (z * pag_poly_f64(z * z, PAG_ERF_P64, 9));
    const double half_tail = 0.5 * pag_erfc_tail_f64(y, e);
    const double upper = 1.0 - half_tail;
    return y < 0.5 ? small : (z < 0.0 ? half_tail : upper);
}

/* Phi(x) is 0 or 1 to the last bit beyond these (the erfc fit's range). */
#define PAG_NORM_CLAMP32 14.8f
#define PAG_NORM_CLAMP64 38.8

/* ---- composed activations (same code for both types) ----------------------- */

/* T: the type, S: f32/f64, LIM: the normal-CDF clamp. */
#define PAG_VMATH_COMPOSED(T, S, LIM)                                                       \
    /* tanh(x) = -t/(t+2) with t = expm1(-2|x|): accurate at 0 and saturating at inf */     \
    PAG_INLINE T pag_tanh_##S(T x) {                                                        \
        const T t = pag_expm1_##S((T)-2 * pag_abs_##S(x));                                  \
        return pag_copysign_##S(-t / (t + (T)2), x);                                        \
    }                                                                                       \
    /* 1/(1+e^-x) as (1 or e^-|x|)/(1+e^-|x|): no overflow, tiny results for x << 0 */      \
    PAG_INLINE T pag_sigmoid_##S(T x) {                                                     \
        const T e = pag_exp_##S(-pag_abs_##S(x));                                           \
        return (x >= 0 ? (T)1 : e) / ((T)1 + e);                                            \
    }                                                                                       \
    PAG_INLINE T pag_silu_##S(T x) { return x * pag_sigmoid_##S(x); }                       \
    /* d silu/dx = s (1 + x (1 - s)), with 1 - s = sigmoid(-x) computed directly */         \
    PAG_INLINE T pag_silu_grad_##S(T x) {                                                   \
        const T e = pag_exp_##S(-pag_abs_##S(x)), q = (T)1 / ((T)1 + e);                    \
        const T s = (x >= 0 ? (T)1 : e) * q, one_minus_s = (x >= 0 ? e : (T)1) * q;         \
        return s * ((T)1 + x * one_minus_s);                                                \
    }                                                                                       \
    /* x above the threshold, else log(1+e^(bx))/b as (max(bx,0) + log1p(e^-|bx|))/b */     \
    PAG_INLINE T pag_softplus_##S(T x, T beta, T threshold) {                               \
        const T bx = x * beta;                                                              \
        const T soft = ((bx > 0 ? bx : (T)0)                                                \
                        + pag_log1p_##S(pag_exp_##S(-pag_abs_##S(bx)))) / beta;             \
        return bx > threshold ? x : soft;                                                   \
    }                                                                                       \
    PAG_INLINE T pag_elu_##S(T x, T alpha) {                                                \
        const T neg = alpha * pag_expm1_##S(x);                                             \
        return x > 0 ? x : neg;                                                             \
    }                                                                                       \
    PAG_INLINE T pag_logsigmoid_##S(T x) {                                                  \
        const T soft = pag_log1p_##S(pag_exp_##S(-pag_abs_##S(x)));                         \
        return (x < 0 ? x : (T)0) - soft;                                                   \
    }                                                                                       \
    /* gelu(x) = x Phi(x) */                                                                \
    PAG_INLINE T pag_gelu_##S(T x) {                                                        \
        T xc = x > LIM ? LIM : x;                                                           \
        xc = xc < -LIM ? -LIM : xc;                                                         \
        return x * pag_normcdf_e_##S(xc, pag_exp_negsq_##S(xc, (T)0.5));                    \
    }                                                                                       \
    /* d gelu/dx = Phi(x) + x phi(x); phi shares exp(-x^2/2) with Phi */                    \
    PAG_INLINE T pag_gelu_grad_##S(T x) {                                                   \
        T xc = x > LIM ? LIM : x;                                                           \
        xc = xc < -LIM ? -LIM : xc;                                                         \
        const T e = pag_exp_negsq_##S(xc, (T)0.5);                                          \
        return pag_normcdf_e_##S(xc, e) + x * (e * (T)0.39894228040143267794);              \
    }                                                                                       \
    /* 0.5 x (1 + tanh(u)) = x sigmoid(2u): exact identity, no cancellation at x << 0 */    \
    PAG_INLINE T pag_gelu_tanh_##S(T x) {                                                   \
        const T u = (T)0.79788456080286535588 * (x + (T)0.044715 * x * x * x);              \
        return x * pag_sigmoid_##S((T)2 * u);                                               \
    }                                                                                       \
    /* d/dx x sigmoid(2u) = s + 2 x s (1 - s) u', s (1 - s) = e/(1+e)^2, e = e^-|2u| */     \
    PAG_INLINE T pag_gelu_tanh_grad_##S(T x) {                                              \
        const T u2 = (T)1.59576912160573071176 * (x + (T)0.044715 * x * x * x);             \
        const T e = pag_exp_##S(-pag_abs_##S(u2)), q = (T)1 / ((T)1 + e);                   \
        const T s = (u2 >= 0 ? (T)1 : e) * q;                                               \
        const T du = (T)0.79788456080286535588 * ((T)1 + (T)0.134145 * x * x);              \
        return s + (T)2 * x * (e * q * q) * du;                                             \
    }

PAG_VMATH_COMPOSED(float, f32, PAG_NORM_CLAMP32)
PAG_VMATH_COMPOSED(double, f64, PAG_NORM_CLAMP64)

/* ---- the names kernels.def uses ---------------------------------------------- */

#define PAG_GENERIC(f, x) _Generic((x), float: f##_f32, default: f##_f64)(x)
#define PAG_GENERIC2(f, x, a) _Generic((x), float: f##_f32, default: f##_f64)(x, a)
#define PAG_GENERIC3(f, x, a, b) _Generic((x), float: f##_f32, default: f##_f64)(x, a, b)

/* The libm routines behind the functions not written above. */
#define fabs_f32 fabsf
#define fabs_f64 fabs
#define exp2_f32 exp2f
#define exp2_f64 exp2
#define log2_f32 log2f
#define log2_f64 log2
#define log10_f32 log10f
#define log10_f64 log10
#define sqrt_f32 sqrtf
#define sqrt_f64 sqrt
#define sin_f32 sinf
#define sin_f64 sin
#define cos_f32 cosf
#define cos_f64 cos
#define tan_f32 tanf
#define tan_f64 tan
#define floor_f32 floorf
#define floor_f64 floor
#define ceil_f32 ceilf
#define ceil_f64 ceil
#define trunc_f32 truncf
#define trunc_f64 trunc
#define rint_f32 rintf
#define rint_f64 rint

#define PAG_FABS(x)  PAG_GENERIC(fabs, x)
#define PAG_EXP(x)   PAG_GENERIC(pag_exp, x)
#define PAG_EXP2(x)  PAG_GENERIC(exp2, x)
#define PAG_EXPM1(x) PAG_GENERIC(pag_expm1, x)
#define PAG_LOG(x)   PAG_GENERIC(pag_log, x)
#define PAG_LOG2(x)  PAG_GENERIC(log2, x)
#define PAG_LOG10(x) PAG_GENERIC(log10, x)
#define PAG_LOG1P(x) PAG_GENERIC(pag_log1p, x)
#define PAG_SQRT(x)  PAG_GENERIC(sqrt, x)
#define PAG_SIN(x)   PAG_GENERIC(sin, x)
#define PAG_COS(x)   PAG_GENERIC(cos, x)
#define PAG_TAN(x)   PAG_GENERIC(tan, x)
#define PAG_TANH(x)  PAG_GENERIC(pag_tanh, x)
#define PAG_ERF(x)   PAG_GENERIC(pag_erf, x)
#define PAG_FLOOR(x) PAG_GENERIC(floor, x)
#define PAG_CEIL(x)  PAG_GENERIC(ceil, x)
#define PAG_TRUNC(x) PAG_GENERIC(trunc, x)
#define PAG_RINT(x)  PAG_GENERIC(rint, x)
#define PAG_POW(a, b) _Generic((a), float: powf, default: pow)(a, b)

#define PAG_SIGMOID(x)           PAG_GENERIC(pag_sigmoid, x)
#define PAG_LOGSIGMOID(x)        PAG_GENERIC(pag_logsigmoid, x)
#define PAG_SILU(x)              PAG_GENERIC(pag_silu, x)
#define PAG_SILU_GRAD(x)         PAG_GENERIC(pag_silu_grad, x)
#define PAG_GELU(x)              PAG_GENERIC(pag_gelu, x)
#define PAG_GELU_GRAD(x)         PAG_GENERIC(pag_gelu_grad, x)
#define PAG_GELU_TANH(x)         PAG_GENERIC(pag_gelu_tanh, x)
#define PAG_GELU_TANH_GRAD(x)    PAG_GENERIC(pag_gelu_tanh_grad, x)
#define PAG_ELU(x, alpha)        PAG_GENERIC2(pag_elu, x, alpha)
#define PAG_SOFTPLUS(x, b, t)    PAG_GENERIC3(pag_softplus, x, b, t)

/* NaN-propagating max/min (fmax/fmin would drop the NaN, unlike NumPy). */
#define PAG_MAXIMUM(a, b) ((a) != (a) ? (a) : ((b) != (b) ? (b) : ((a) > (b) ? (a) : (b))))
#define PAG_MINIMUM(a, b) ((a) != (a) ? (a) : ((b) != (b) ? (b) : ((a) < (b) ? (a) : (b))))

#endif
