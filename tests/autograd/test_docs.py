"""docs/autograd.md: every example runs and prints what the page shows.

The page's ```python blocks are doctest sessions, run in order in one namespace
(later examples use earlier names); ``...`` in an expected output matches anything.
"""
import doctest
import pathlib
import re

DOC = pathlib.Path(__file__).resolve().parents[2] / "docs" / "autograd.md"


def _sessions(text):
    """The page's python code blocks, each ending with a blank line (doctest's end of output)."""
    return "\n".join(block + "\n" for block in re.findall(r"```python\n(.*?)```", text, flags=re.S))


def test_autograd_md_examples():
    text = _sessions(DOC.read_text())
    test = doctest.DocTestParser().get_doctest(text, {}, "autograd.md", str(DOC), 0)
    runner = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS)
    failures = []
    runner.run(test, out=failures.append)
    assert runner.failures == 0, "".join(failures)
    assert runner.tries > 50
