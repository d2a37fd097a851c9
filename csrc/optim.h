/* optim kernels: prototypes in the cdef block (filled in by the optim work). */
#ifndef PAG_OPTIM_H
#define PAG_OPTIM_H
#include <stdint.h>

/* cdef-begin */
/* cdef-end */

#endif
