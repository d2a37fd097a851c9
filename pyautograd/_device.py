"""Devices, as PyTorch's CPU-only build answers them.

``torch.device("cuda")`` is a valid descriptor (scripts build one before asking whether
CUDA exists), but a tensor can only live on the CPU: creating or moving one to another
device raises what PyTorch's CPU build raises -- AssertionError "Torch not compiled with
CUDA enabled" for CUDA, RuntimeError for MPS and the rest -- the same way everywhere
(factories, ``Tensor.to``, ``Tensor.cuda``, ``Module.to``, ``Module.cuda``).
"""
import numbers

# The device types PyTorch's device parser accepts (its error message lists them).
DEVICE_TYPES = ("cpu", "cuda", "ipu", "xpu", "mkldnn", "opengl", "opencl", "ideep", "hip", "ve", "fpga", "maia",
                "xla", "lazy", "vulkan", "mps", "meta", "hpu", "mtia", "privateuseone")
NO_CUDA = "Torch not compiled with CUDA enabled"
NO_ACCELERATOR = "Cannot access accelerator device when none is available."
_HINT = ("\npyautograd runs on the CPU only (torch.cuda.is_available() is False): use device='cpu', or "
         "`device = 'cuda' if torch.cuda.is_available() else 'cpu'`.")


def _parse(text):
    kind, _, index = text.partition(":")
    if kind not in DEVICE_TYPES:
        raise RuntimeError(f"Expected one of {', '.join(DEVICE_TYPES)} device type at start of device string: "
                           f"{text}")
    if index == "":
        return kind, None
    if not index.isdigit():
        raise RuntimeError(f"Invalid device string: '{text}'")
    return kind, int(index)


class device:
    """A device descriptor: ``device("cpu")``, ``device("cuda", 0)``, ``device("cuda:1")``.

    Any of PyTorch's device types can be described; only the CPU can hold tensors.
    """

    __slots__ = ("type", "index")

    def __init__(self, type="cpu", index=None):
        if isinstance(type, device):
            type, index = type.type, type.index
        elif isinstance(type, numbers.Integral) and not isinstance(type, bool):
            raise RuntimeError(NO_ACCELERATOR + _HINT)
        elif isinstance(type, str):
            type, parsed = _parse(type)
            if parsed is not None:
                if index is not None:
                    raise RuntimeError(f"type (string) must not include an index because index was passed "
                                       f"explicitly: {type}:{parsed}")
                index = parsed
        else:
            raise TypeError(f"device(): argument 'type' must be str, not {builtin_type(type).__name__}")
        if index is not None and index < 0:
            raise RuntimeError(f"Device index must not be negative (got {index})")
        self.type = type
        self.index = index

    def __repr__(self):
        if self.index is None:
            return f"device(type='{self.type}')"
        return f"device(type='{self.type}', index={self.index})"

    def __str__(self):
        return self.type if self.index is None else f"{self.type}:{self.index}"

    def __eq__(self, other):
        # Only devices compare equal to devices: PyTorch's device("cpu") == "cpu" is False (compare
        # ``t.device.type == "cpu"`` or against ``device("cpu")``).
        if not isinstance(other, device):
            return NotImplemented
        return (other.type, other.index) == (self.type, self.index)

    def __hash__(self):
        return hash((self.type, self.index))

    def __reduce__(self):
        return (device, (self.type, self.index))


builtin_type = type
cpu = device("cpu")
_default = {"device": cpu}


def is_device_like(obj):
    """Whether `obj` names a device (a device, a device string, or an accelerator index)."""
    if isinstance(obj, device) or (isinstance(obj, numbers.Integral) and not isinstance(obj, bool)):
        return True
    return isinstance(obj, str) and obj.partition(":")[0] in DEVICE_TYPES


def check_available(dev):
    """The device `dev` (a device, a string, an int, or None for the default device) if tensors can
    live there -- the CPU -- else PyTorch's CPU-build error."""
    if dev is None:
        dev = _default["device"]
    elif not isinstance(dev, device):
        dev = device(dev)
    if dev.type == "cpu":
        return dev
    if dev.type == "cuda":
        raise AssertionError(NO_CUDA + _HINT)
    if dev.type == "mps":
        raise RuntimeError("PyTorch is not linked with support for mps devices" + _HINT)
    raise RuntimeError(f"pyautograd has no {dev.type} device: tensors live on the CPU only" + _HINT)


def set_default_device(dev):
    """Sets the device factories use when none is given (as PyTorch: setting "cuda" succeeds, and
    creating a tensor then raises; None restores the CPU)."""
    _default["device"] = cpu if dev is None else device(dev)


def get_default_device():
    """The device factories use when none is given (the CPU unless set_default_device changed it)."""
    return _default["device"]
