/* reduce kernels: prototypes in the cdef block (filled in by the reduce work). */
#ifndef PAG_REDUCE_H
#define PAG_REDUCE_H
#include <stdint.h>

/* cdef-begin */
/* cdef-end */

#endif
