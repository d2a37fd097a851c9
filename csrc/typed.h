/* typed.h: compile a kernel file's typed part once for float and once for double.
 *
 * A kernel file writes its loops once, in terms of T (the element type) and TN(name)
 * (name_f32 or name_f64), in the part it guards with `#ifdef PAG_TYPED_BODY`. Its untyped
 * part ends with `#define PAG_TYPED_SELF "file.c"` and `#include "typed.h"`, which
 * includes the file back once per type. That keeps one copy of every loop without
 * macro-generated function bodies. No include guard: each kernel file includes it once. */
#define PAG_TYPED_BODY
#define TN_(name, sfx) name##_##sfx
#define TN__(name, sfx) TN_(name, sfx)
#define TN(name) TN__(name, TS)

#define T float
#define TS f32
#include PAG_TYPED_SELF
#undef T
#undef TS

#define T double
#define TS f64
#include PAG_TYPED_SELF
#undef T
#undef TS

#undef TN
#undef TN__
#undef TN_
#undef PAG_TYPED_BODY
#undef PAG_TYPED_SELF
