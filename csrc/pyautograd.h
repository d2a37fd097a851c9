/* pyautograd's C API.
 *
 * Everything between the cdef-begin and cdef-end markers is read by build.py
 * and handed to cffi's cdef, so it must stay free of preprocessor lines. The
 * pointwise prototypes are not written here: build.py generates them from
 * kernels.def, the same table elementwise.c expands. Each kernel family keeps
 * its own prototypes in its own header (reduce.h, softmax.h, loss.h, ...),
 * written once with T and TN(name) in a cdef-typed block that typed.h expands
 * for float and double (build.py does the same for cffi), and is included
 * below. build.py finds every header with a cdef block by itself.
 *
 * Conventions: every entry point returns a status code; sizes, shapes and
 * element strides are int64_t (strides count elements, not bytes, and may be
 * 0 for a broadcast dimension or negative); nthreads is a hint (<= 1 runs on
 * the calling thread).
 */
#ifndef PYAUTOGRAD_H
#define PYAUTOGRAD_H
#include <stdint.h>

/* cdef-begin */
#define PAG_OK 0
#define PAG_EINVAL 1
#define PAG_ENOMEM 2
#define PAG_MAX_NDIM 16

int pag_openmp_enabled(void);
int pag_max_threads(void);
/* cdef-end */

#include "elementwise.h"
#include "reduce.h"
#include "matmul.h"
#include "optim.h"
#include "loss.h"
#include "norm.h"
#include "recurrent.h"  /* sequence models (issue 14) */
#include "attention.h"
#include "softmax.h"
#include "conv.h" /* conv (issue 13) */
#include "pool.h" /* conv (issue 13) */

#endif
