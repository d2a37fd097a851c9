"""Where in the user's code something happened: a code object and a line number.

Capturing is cheap (no traceback is formatted, no frame is kept alive): we walk
out of pyautograd's own frames and keep the first user frame's code object and
line. Formatting happens only when an error message needs it.
"""
import linecache
import os
import sys

_PKG = os.path.dirname(os.path.abspath(__file__)) + os.sep


def user_site(depth=2):
    """(code, lineno) of the innermost frame outside pyautograd, or None."""
    try:
        f = sys._getframe(depth)
    except ValueError:
        return None
    while f is not None and f.f_code.co_filename.startswith(_PKG):
        f = f.f_back
    if f is None:
        return None
    return (f.f_code, f.f_lineno)


def user_stack(depth=2, limit=8):
    """Up to `limit` (code, lineno) pairs of user frames, innermost first."""
    try:
        f = sys._getframe(depth)
    except ValueError:
        return ()
    out = []
    while f is not None and len(out) < limit:
        if not f.f_code.co_filename.startswith(_PKG):
            out.append((f.f_code, f.f_lineno))
        f = f.f_back
    return tuple(out)


def format_site(site):
    """'file.py:12 in fn: <source line>' for a (code, lineno) pair."""
    if site is None:
        return "<unknown location>"
    code, line = site
    text = linecache.getline(code.co_filename, line).strip()
    where = f'File "{code.co_filename}", line {line}, in {code.co_name}'
    return f"{where}\n    {text}" if text else where


def format_traceback(stack):
    """The (code, lineno) pairs of `stack` (innermost first, as user_stack returns them) as the
    lines of a Python traceback: oldest call first, '  File ...' then the source line."""
    return "\n".join("  " + format_site(site) for site in reversed(stack))
