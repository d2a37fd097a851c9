"""The docs' examples run and print what the pages show.

Each page's ```python blocks (also indented ones, in lists) are doctest sessions, run in
order in one namespace per page (later examples use earlier names); ``...`` in an expected
output matches anything. docs/debugging.md has its own test (its examples raise errors and
are run in a subprocess: tests/autograd/test_debugging_doc.py).
"""
import doctest
import pathlib
import re
import warnings

import pytest

DOCS = pathlib.Path(__file__).resolve().parents[1] / "docs"

# page -> the fewest examples it must have, so a page whose blocks stop parsing fails loudly.
PAGES = {"autograd.md": 50, "nn.md": 40, "nn-losses.md": 20, "training.md": 40}
PAGES["conv.md"] = 20  # conv (issue 13)


def _sessions(text):
    """The page's python code blocks, dedented, each ending with a blank line (doctest's end of output)."""
    blocks = re.findall(r"^( *)```python\n(.*?)^\1```", text, flags=re.S | re.M)
    return "\n".join("\n".join(line[len(indent):] for line in block.splitlines()) + "\n\n"
                     for indent, block in blocks)


@pytest.mark.parametrize("page", sorted(PAGES))
def test_page_examples(page):
    path = DOCS / page
    test = doctest.DocTestParser().get_doctest(_sessions(path.read_text()), {}, page, str(path), 0)
    runner = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS)
    failures = []
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # pages show deprecated arguments on purpose
        runner.run(test, out=failures.append)
    assert runner.failures == 0, "".join(failures)
    assert runner.tries > PAGES[page]
