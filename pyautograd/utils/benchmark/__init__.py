"""torch.utils.benchmark: Timer (timeit, blocked_autorange, adaptive_autorange) returning
Measurements (median, mean, IQR, times, PyTorch's text form), and Compare (tables of
Measurements by label, sub_label, description and thread count)."""
from .common import Measurement, TaskSpec, ordered_unique, select_unit, set_torch_threads, trim_sigfig, unit_to_english
from .compare import Colorize, Compare
from .timer import Language, Timer, timer

__all__ = ["Colorize", "Compare", "Language", "Measurement", "TaskSpec", "Timer", "ordered_unique", "select_unit",
           "set_torch_threads", "timer", "trim_sigfig", "unit_to_english"]
