/* matmul kernels (see matmul.h). */
#include "common.h"
