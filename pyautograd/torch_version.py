"""torch.torch_version: TorchVersion, the str subclass ``torch.__version__`` is, which compares as a
version against strings, tuples and version objects: ``torch.__version__ >= "2.0"``,
``torch.__version__ > (1, 9)``. pyautograd's ``__version__`` is its own version number (not a
PyTorch one) with this behaviour.

Versions are ordered as PEP 440 orders them (epoch, release numbers, then a/b/rc pre-releases, .post
and .dev, then the +local label); a string that is not a version (``"parrot"``) falls back to plain
string comparison, as in PyTorch.
"""
import re
from collections.abc import Iterable

from .version import __version__ as _internal_version

__all__ = ["TorchVersion"]

_PATTERN = re.compile(r"v?(?:(\d+)!)?(\d+(?:\.\d+)*)"
                      r"(?:[-_.]?(a|b|c|rc|alpha|beta|pre|preview)[-_.]?(\d*))?"
                      r"(?:(?:[-_.]?(?:post|rev|r)[-_.]?(\d*))|-(\d+))?"
                      r"(?:[-_.]?dev[-_.]?(\d*))?"
                      r"(?:\+([a-z0-9]+(?:[-_.][a-z0-9]+)*))?", re.IGNORECASE)
_PRE = {"a": 0, "alpha": 0, "b": 1, "beta": 1, "c": 2, "rc": 2, "pre": 2, "preview": 2}
_BEFORE, _AFTER = float("-inf"), float("inf")


class _InvalidVersion(ValueError):
    pass


def _key(text):
    """A tuple ordering `text` as a PEP 440 version; _InvalidVersion if it is not one."""
    m = _PATTERN.fullmatch(text.strip())
    if m is None:
        raise _InvalidVersion(text)
    epoch, release, pre, pre_n, post, post_implicit, dev, local = m.groups()
    numbers = [int(x) for x in release.split(".")]
    while len(numbers) > 1 and numbers[-1] == 0:  # 2.0 == 2.0.0
        numbers.pop()
    post = post if post is not None else post_implicit
    has_post = post is not None  # "1.0.post" is post-release 0
    if pre is not None:
        pre_key = (_PRE[pre.lower()], int(pre_n or 0))
    elif dev is not None and not has_post:
        pre_key = (_BEFORE,)  # 1.0.dev0 sorts before 1.0a0
    else:
        pre_key = (_AFTER,)
    post_key = (int(post or 0),) if has_post else (_BEFORE,)
    dev_key = (int(dev or 0),) if dev is not None else (_AFTER,)
    # Local labels: a release with one sorts after it without; numeric parts above alphanumeric ones.
    local_key = tuple((int(p), "") if p.isdigit() else (_BEFORE, p.lower())
                      for p in re.split(r"[-_.]", local)) if local else ()
    return (int(epoch or 0), tuple(numbers), pre_key, post_key, dev_key, local_key)


def _other_key(other):
    if isinstance(other, str):
        return _key(other)
    if hasattr(other, "release") and hasattr(other, "public"):  # a packaging.version.Version
        return _key(str(other))
    if isinstance(other, Iterable):  # (1, 9) is version "1.9"
        return _key(".".join(str(item) for item in other))
    raise _InvalidVersion(other)


class TorchVersion(str):
    """A version string that compares as a version with strings, tuples and version objects."""

    __slots__ = ()

    def _compare(self, other, method):
        try:
            mine, theirs = _key(self), _other_key(other)
        except _InvalidVersion:
            # Not versions on both sides: plain str comparison (which refuses ints, as PyTorch's).
            return getattr(str, method)(self, other)
        return getattr(mine, method)(theirs)

    def __eq__(self, other):
        return self._compare(other, "__eq__")

    def __lt__(self, other):
        return self._compare(other, "__lt__")

    def __le__(self, other):
        return self._compare(other, "__le__")

    def __gt__(self, other):
        return self._compare(other, "__gt__")

    def __ge__(self, other):
        return self._compare(other, "__ge__")

    __hash__ = str.__hash__  # hashes as the plain string, as PyTorch's


__version__ = TorchVersion(_internal_version)
