"""Timer: times a Python statement on pyautograd as torch.utils.benchmark.Timer times one on
PyTorch (built on timeit, with the kernel thread count fixed while timing)."""
import enum
import sys
import textwrap
import timeit

import numpy as np

from . import common

__all__ = ["Language", "Timer", "timer"]

timer = timeit.default_timer  # the clock: there is no device to synchronize with


class Language(enum.Enum):
    PYTHON = 0
    CPP = 1


def _clean(code):
    code = textwrap.dedent(code)
    return (code[1:] if code and code[0] == "\n" else code).rstrip()


class Timer:
    """Times `stmt` after running `setup` once, in a namespace holding `globals` and ``torch``
    (pyautograd, unless `globals` names another).

    Args:
        stmt: the statement to time (a string; dedented).
        setup: run once before timing.
        global_setup: C++ only in PyTorch; must be empty here.
        timer: the clock (seconds).
        globals: the names stmt and setup see.
        label, sub_label, description, env: how Measurement and Compare name the result
            (Compare: one table per label, a row per sub_label, a column per description).
        num_threads: the kernel thread count while timing (``torch.set_num_threads``).
        language: Python only: pyautograd has no C++ API (Language.CPP raises ValueError).
    """

    def __init__(self, stmt="pass", setup="pass", global_setup="", timer=timer, globals=None,  # noqa: A002
                 label=None, sub_label=None, description=None, env=None, num_threads=1,
                 language=Language.PYTHON):
        if not isinstance(stmt, str):
            raise ValueError("Currently only a `str` stmt is supported.")
        if language not in (Language.PYTHON, "py", "python"):
            if language in (Language.CPP, "cpp", "c++"):
                raise ValueError("C++ statements cannot be timed: pyautograd has no C++ API")
            raise ValueError(f"Invalid language `{language}`.")
        if global_setup:
            raise ValueError(f"global_setup is C++ only, got `{global_setup}`. Most likely this code can "
                             "simply be moved to `setup`.")
        self._globals = dict(globals or {})
        # ``torch`` is pyautograd itself, as `import pyautograd as torch` names it. It is read from
        # sys.modules (a package is imported before its submodules) since utils sits below it.
        self._globals.setdefault("torch", sys.modules[__name__.split(".")[0]])
        stmt, setup = _clean(stmt), _clean(setup)
        self._timer = timeit.Timer(stmt=stmt, setup=setup, timer=timer, globals=self._globals)
        self._task_spec = common.TaskSpec(stmt=stmt, setup=setup, global_setup=global_setup, label=label,
                                          sub_label=sub_label, description=description, env=env,
                                          num_threads=num_threads)

    def _timeit(self, number):
        # Never 0: a zero time would break the ratios below.
        return max(self._timer.timeit(number), 1e-9)

    def timeit(self, number=1000000):
        """One block of `number` runs (after a warm-up of number // 100) as a Measurement."""
        with common.set_torch_threads(self._task_spec.num_threads):
            self._timeit(number=max(int(number // 100), 2))
            return common.Measurement(number_per_run=number, raw_times=[self._timeit(number=number)],
                                      task_spec=self._task_spec)

    def _estimate_block_size(self, min_run_time):
        """Runs per block: grown tenfold until the timer's own overhead is negligible and a
        block takes a measurable time (or more than min_run_time)."""
        with common.set_torch_threads(self._task_spec.num_threads):
            overhead = float(np.median([self._timeit(0) for _ in range(5)]))
            number = 1
            while True:
                time_taken = self._timeit(number)
                if overhead / time_taken <= 1e-4 and time_taken >= min_run_time / 1000:
                    break
                if time_taken > min_run_time or number * 10 > 2147483647:
                    break
                number *= 10
        return number

    def _measurement_loop(self, number, stop, min_run_time, max_run_time=None, callback=None):
        total, can_stop, times = 0.0, False, []
        with common.set_torch_threads(self._task_spec.num_threads):
            while total < min_run_time or not can_stop:
                spent = self._timeit(number)
                times.append(spent)
                total += spent
                if callback:
                    callback(number, spent)
                can_stop = stop(times)
                if max_run_time and total > max_run_time:
                    break
        return times

    def blocked_autorange(self, callback=None, min_run_time=0.2):
        """Blocks of runs (sized so the timer's overhead is negligible) until `min_run_time`
        seconds are spent; ``callback(number, time)`` sees each block."""
        number = self._estimate_block_size(min_run_time)
        times = self._measurement_loop(number, lambda times: True, min_run_time, callback=callback)
        return common.Measurement(number_per_run=number, raw_times=times, task_spec=self._task_spec)

    def adaptive_autorange(self, threshold=0.1, *, min_run_time=0.01, max_run_time=10.0, callback=None):
        """Blocks of runs until more than 3 blocks agree (IQR / median < `threshold`) and at
        least `min_run_time` seconds are spent, or `max_run_time` seconds have passed."""
        number = self._estimate_block_size(min_run_time=0.05)

        def stop(times):
            return len(times) > 3 and common.Measurement(number, times, self._task_spec).meets_confidence(threshold)
        times = self._measurement_loop(number, stop, min_run_time, max_run_time, callback=callback)
        return common.Measurement(number_per_run=number, raw_times=times, task_spec=self._task_spec)
