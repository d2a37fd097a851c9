/* matmul kernels: prototypes in the cdef block (filled in by the matmul work). */
#ifndef PAG_MATMUL_H
#define PAG_MATMUL_H
#include <stdint.h>

/* cdef-begin */
/* cdef-end */

#endif
