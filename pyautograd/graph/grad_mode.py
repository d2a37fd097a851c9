"""Grad modes: thread-local switches for graph recording.

``no_grad``, ``enable_grad``, ``set_grad_enabled`` and ``inference_mode``
work as context managers and as decorators, as in PyTorch. The state is
thread-local (a training thread and an evaluation thread do not see each
other's modes); ops read it through ``is_grad_enabled()``.
"""
import functools
import threading

class _State(threading.local):
    # Class-level defaults: every thread starts with grad on, and reading the flag never
    # takes the missing-attribute path (a getattr default on a bare threading.local costs
    # about a microsecond, on every op).
    enabled = True
    inference = False
    # How many times user code switched grad off (no_grad, set_grad_enabled(False),
    # inference_mode) on this thread: func.jvp compares it around the function it runs, since
    # what runs with grad off records no graph, so its double-vjp JVP cannot see it.
    switched_off = 0


_local = _State()


def is_grad_enabled():
    """Whether operations record a graph on this thread."""
    return _local.enabled


def _set_enabled(mode):
    _local.enabled = bool(mode)


def grad_switched_off_count():
    """How many times no_grad, set_grad_enabled(False) or inference_mode switched grad off on
    this thread (the engine's own switches are not counted)."""
    return _local.switched_off


def is_inference_mode_enabled():
    """Whether inference_mode is active on this thread."""
    return _local.inference


class _DecoratorContextManager:
    """A context manager that is also usable as a decorator (a fresh instance per call)."""

    def __call__(self, fn):
        @functools.wraps(fn)
        def wrapper(*args, **kwargs):
            with self.clone():
                return fn(*args, **kwargs)
        return wrapper

    def clone(self):
        return self.__class__()


class no_grad(_DecoratorContextManager):
    """Disables graph recording in its body: results do not require grad.

    Example::

        with torch.no_grad():
            y = x * 2          # y.requires_grad is False
    """

    def __enter__(self):
        self._prev = is_grad_enabled()
        _set_enabled(False)
        _local.switched_off += 1

    def __exit__(self, *exc):
        _set_enabled(self._prev)
        return False


class enable_grad(_DecoratorContextManager):
    """Enables graph recording in its body, even inside no_grad."""

    def __enter__(self):
        self._prev = is_grad_enabled()
        _set_enabled(True)

    def __exit__(self, *exc):
        _set_enabled(self._prev)
        return False


class set_grad_enabled(_DecoratorContextManager):
    """Sets graph recording on or off: as a function call, for the thread from now on;
    as a context manager or decorator, for its body only."""

    def __init__(self, mode):
        self._prev = is_grad_enabled()
        self.mode = bool(mode)
        _set_enabled(self.mode)
        if not self.mode:
            _local.switched_off += 1

    def __call__(self, fn):
        # Used as a decorator, the constructor's global effect is undone: only calls change the mode.
        _set_enabled(self._prev)
        return super().__call__(fn)

    def __enter__(self):
        _set_enabled(self.mode)

    def __exit__(self, *exc):
        _set_enabled(self._prev)
        return False

    def clone(self):
        prev = is_grad_enabled()
        clone = self.__class__(self.mode)
        clone._prev = prev
        return clone


class inference_mode(_DecoratorContextManager):
    """Like no_grad, for code that will never need gradients (``inference_mode(False)`` is a no-op)."""

    def __init__(self, mode=True):
        self.mode = bool(mode)

    def __enter__(self):
        self._prev = (is_grad_enabled(), is_inference_mode_enabled())
        if self.mode:
            _set_enabled(False)
            _local.inference = True
            _local.switched_off += 1

    def __exit__(self, *exc):
        _set_enabled(self._prev[0])
        _local.inference = self._prev[1]
        return False

    def clone(self):
        return self.__class__(self.mode)
