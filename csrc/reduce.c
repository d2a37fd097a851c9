/* reduce kernels (see reduce.h). */
#include "common.h"
