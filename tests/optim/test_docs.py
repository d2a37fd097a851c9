"""docs/training.md: every example runs and prints what the page shows.

The page's ```python blocks are doctest sessions, run in order in one namespace
(later examples use earlier names); ``...`` in an expected output matches anything.
"""
import doctest
import pathlib
import re

DOC = pathlib.Path(__file__).resolve().parents[2] / "docs" / "training.md"


def _sessions(text):
    """The page's python code blocks (also indented ones in lists), each ending with a blank line."""
    blocks = re.findall(r"^( *)```python\n(.*?)^\1```", text, flags=re.S | re.M)
    return "\n".join("\n".join(line[len(indent):] for line in block.splitlines()) + "\n\n"
                     for indent, block in blocks)


def test_training_md_examples():
    text = _sessions(DOC.read_text())
    test = doctest.DocTestParser().get_doctest(text, {}, "training.md", str(DOC), 0)
    runner = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS)
    failures = []
    runner.run(test, out=failures.append)
    assert runner.failures == 0, "".join(failures)
    assert runner.tries > 40
