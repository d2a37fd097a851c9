"""torch._assert and torch._check*: the checks library and model code (torchvision's models,
shape checks in attention code) write instead of a bare ``assert`` or ``raise``."""
from ._tensor import Tensor


def _assert(condition, message):
    """``assert condition, message`` (PyTorch's spelling that its graph tracers can see)."""
    assert condition, message


def _checker(name, error):
    def check(cond, message=None):
        if not isinstance(cond, bool):
            if isinstance(cond, Tensor):  # a tensor's truth is ambiguous: PyTorch asks for a bool here too
                raise TypeError("cond must be a bool, but got a Tensor. For tensor conditions, use "
                                "torch._check_tensor_all() to assert that all elements are true.")
            raise TypeError(f"cond must be a bool, but got {type(cond)}")
        if cond:
            return
        if message is not None and not callable(message):
            raise TypeError("message must be a callable")
        raise error(str(message()) if message is not None else
                    "Expected cond to be True, but got False. (Could this error message be improved? "
                    "If so, please report an enhancement request to PyTorch.)")
    check.__name__ = check.__qualname__ = name
    check.__doc__ = (f"Raises {error.__name__} when `cond` (a bool) is False; `message`, if given, is a "
                     "function of no arguments returning the error's text.")
    return check


_check = _checker("_check", RuntimeError)
_check_value = _checker("_check_value", ValueError)
_check_type = _checker("_check_type", TypeError)
_check_index = _checker("_check_index", IndexError)
_check_not_implemented = _checker("_check_not_implemented", NotImplementedError)
