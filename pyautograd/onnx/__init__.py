"""torch.onnx: export a model's traced forward pass to ONNX (the onnx package; checked with
onnxruntime when it is installed). ``pip install "pyautograd[interop]"``."""
from .export import export

__all__ = ["export"]
