"""Where in the user's code something happened: a code object and an instruction offset.

Capturing is cheap (no traceback is formatted, no frame is kept alive): we walk
out of pyautograd's own frames and keep the first user frame's code object and
the offset of its current instruction. Formatting happens only when an error
message needs it; that is also when the offset becomes a line number, because
``frame.f_lineno`` scans the code's line table (as costly as a small op in a
long function) while ``frame.f_lasti`` is read directly.
"""
import linecache
import os
import sys

_PKG = os.path.dirname(os.path.abspath(__file__)) + os.sep


def user_site(depth=2):
    """(code, offset) of the innermost frame outside pyautograd, or None."""
    try:
        f = sys._getframe(depth)
    except ValueError:
        return None
    while f is not None and f.f_code.co_filename.startswith(_PKG):
        f = f.f_back
    if f is None:
        return None
    return (f.f_code, f.f_lasti)


def user_stack(depth=2, limit=5):
    """Up to `limit` (code, offset) pairs of user frames, innermost first."""
    try:
        f = sys._getframe(depth)
    except ValueError:
        return ()
    out = []
    ours = _OURS
    while f is not None:
        code = f.f_code
        name = code.co_filename
        mine = ours.get(name)
        if mine is None:
            mine = _classify(name)
        if not mine:
            out.append((code, f.f_lasti))
            if len(out) == limit:
                break
        f = f.f_back
    return tuple(out)


# File name -> whether it is pyautograd's own (anomaly mode walks the stack at every op: a dict
# hit, the string's hash cached, is cheaper than a prefix test per frame).
_OURS = {}


def _classify(name):
    if len(_OURS) > 4096:  # generated or temporary file names without end: start over
        _OURS.clear()
    mine = _OURS[name] = name.startswith(_PKG)
    return mine


def line_of(site):
    """The line number of a (code, offset) site (None if the offset maps to no line)."""
    code, offset = site
    for start, end, line in code.co_lines():
        if start <= offset < end:
            return line
    return None


def format_site(site):
    """A traceback entry ('File "f.py", line 12, in fn' and the source line) for a (code, offset) pair."""
    if site is None:
        return "<unknown location>"
    return format_line(site[0], line_of(site))


def format_line(code, line):
    """A traceback entry for line `line` of `code`'s file (the source line left out if unknown)."""
    text = linecache.getline(code.co_filename, line).strip() if line is not None else ""
    where = f'File "{code.co_filename}", line {line}, in {code.co_name}'
    return f"{where}\n    {text}" if text else where


def format_traceback(stack):
    """The (code, offset) pairs of `stack` (innermost first, as user_stack returns them) as the
    lines of a Python traceback: oldest call first, '  File ...' then the source line."""
    return "\n".join("  " + format_site(site) for site in reversed(stack))
