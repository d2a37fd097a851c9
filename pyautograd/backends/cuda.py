"""torch.backends.cuda: CUDA is not built in. ``matmul.allow_tf32`` mirrors the float32 matmul
precision as in PyTorch (True means 'high'); both are settings only on the CPU."""


def is_built():
    """False: built without CUDA."""
    return False


class _Matmul:
    """torch.backends.cuda.matmul: the cuBLAS flags, as settings."""

    _precision = ["highest"]  # shared with set_float32_matmul_precision
    allow_fp16_reduced_precision_reduction = True
    allow_bf16_reduced_precision_reduction = True

    @property
    def allow_tf32(self):
        """Whether float32 matmuls may use TF32: the precision is not 'highest'."""
        return self._precision[0] != "highest"

    @allow_tf32.setter
    def allow_tf32(self, value):
        self._precision[0] = "high" if value else "highest"


matmul = _Matmul()
