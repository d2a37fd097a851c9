/* optim kernels (see optim.h). */
#include "common.h"
