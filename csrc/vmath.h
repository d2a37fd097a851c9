/* Type-generic math for the pointwise table: PAG_EXP(x) picks the float or
 * double routine from the argument's type, so every kernels.def expression is
 * written once and expanded for both dtypes. */
#ifndef PAG_VMATH_H
#define PAG_VMATH_H
#include <math.h>

#define PAG_GENERIC(f, x) _Generic((x), float: f##_f32, default: f##_f64)(x)


/* The float and double routine behind each PAG_ name. */
#define fabs_f32 fabsf
#define fabs_f64 fabs
#define exp_f32 expf
#define exp_f64 exp
#define exp2_f32 exp2f
#define exp2_f64 exp2
#define expm1_f32 expm1f
#define expm1_f64 expm1
#define log_f32 logf
#define log_f64 log
#define log2_f32 log2f
#define log2_f64 log2
#define log10_f32 log10f
#define log10_f64 log10
#define log1p_f32 log1pf
#define log1p_f64 log1p
#define sqrt_f32 sqrtf
#define sqrt_f64 sqrt
#define sin_f32 sinf
#define sin_f64 sin
#define cos_f32 cosf
#define cos_f64 cos
#define tan_f32 tanf
#define tan_f64 tan
#define tanh_f32 tanhf
#define tanh_f64 tanh
#define erf_f32 erff
#define erf_f64 erf
#define floor_f32 floorf
#define floor_f64 floor
#define ceil_f32 ceilf
#define ceil_f64 ceil
#define trunc_f32 truncf
#define trunc_f64 trunc
#define rint_f32 rintf
#define rint_f64 rint

#define PAG_FABS(x)  PAG_GENERIC(fabs, x)
#define PAG_EXP(x)   PAG_GENERIC(exp, x)
#define PAG_EXP2(x)  PAG_GENERIC(exp2, x)
#define PAG_EXPM1(x) PAG_GENERIC(expm1, x)
#define PAG_LOG(x)   PAG_GENERIC(log, x)
#define PAG_LOG2(x)  PAG_GENERIC(log2, x)
#define PAG_LOG10(x) PAG_GENERIC(log10, x)
#define PAG_LOG1P(x) PAG_GENERIC(log1p, x)
#define PAG_SQRT(x)  PAG_GENERIC(sqrt, x)
#define PAG_SIN(x)   PAG_GENERIC(sin, x)
#define PAG_COS(x)   PAG_GENERIC(cos, x)
#define PAG_TAN(x)   PAG_GENERIC(tan, x)
#define PAG_TANH(x)  PAG_GENERIC(tanh, x)
#define PAG_ERF(x)   PAG_GENERIC(erf, x)
#define PAG_FLOOR(x) PAG_GENERIC(floor, x)
#define PAG_CEIL(x)  PAG_GENERIC(ceil, x)
#define PAG_TRUNC(x) PAG_GENERIC(trunc, x)
#define PAG_RINT(x)  PAG_GENERIC(rint, x)
#define PAG_POW(a, b) _Generic((a), float: powf, default: pow)(a, b)

/* NaN-propagating max/min (fmax/fmin would drop the NaN, unlike NumPy). */
#define PAG_MAXIMUM(a, b) ((a) != (a) ? (a) : ((b) != (b) ? (b) : ((a) > (b) ? (a) : (b))))
#define PAG_MINIMUM(a, b) ((a) != (a) ? (a) : ((b) != (b) ? (b) : ((a) < (b) ? (a) : (b))))

#endif
