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

# Every docs/*.md page is collected (a new page runs without being listed here). MIN_EXAMPLES:
# the fewest examples a page must have, so a page whose blocks stop parsing fails loudly.
MIN_EXAMPLES = {"autograd.md": 50, "nn.md": 40, "nn-losses.md": 20, "training.md": 40, "inplace.md": 8,
                "architecture.md": 5, "distributed.md": 10, "interop.md": 15,  # issues 11, 16, 17
                "supported.md": 30, "adding-an-op.md": 8}  # surface (issue 12), arch-decl (issue 11)
MIN_EXAMPLES["conv.md"] = 20  # conv (issue 13)
# Pages whose examples run elsewhere, and why.
RUN_ELSEWHERE = {"debugging.md": "its examples raise errors; tests/autograd/test_debugging_doc.py runs them"}
# python blocks that are not examples (no >>> session): an outline of code to write, and why.
ILLUSTRATIVE = {"adding-an-op.md": 1,  # the defop of a kernel the page asks you to write first
                "distributed.md": 1}  # the shape of a DDP training loop (its pieces run in the page's examples)
PAGES = sorted(p.name for p in DOCS.glob("*.md") if p.name not in RUN_ELSEWHERE)


def _sessions(text):
    """The page's python code blocks, dedented, each ending with a blank line (doctest's end of output)."""
    blocks = re.findall(r"^( *)```python\n(.*?)^\1```", text, flags=re.S | re.M)
    return "\n".join("\n".join(line[len(indent):] for line in block.splitlines()) + "\n\n"
                     for indent, block in blocks)


def test_pages_are_discovered():
    assert {"autograd.md", "inplace.md", "nn.md"} <= set(PAGES)
    assert set(MIN_EXAMPLES) <= set(PAGES) and set(RUN_ELSEWHERE).isdisjoint(PAGES)


@pytest.mark.parametrize("page", PAGES)
def test_page_examples(page):
    path = DOCS / page
    blocks = re.findall(r"^( *)```python\n(.*?)^\1```", path.read_text(), flags=re.S | re.M)
    not_examples = sum(">>>" not in block for _, block in blocks)
    assert not_examples == ILLUSTRATIVE.get(page, 0), \
        f"{page}: {not_examples} python block(s) without a >>> session would not run; make them examples"
    test = doctest.DocTestParser().get_doctest(_sessions(path.read_text()), {}, page, str(path), 0)
    runner = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS)
    failures = []
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # pages show deprecated arguments on purpose
        runner.run(test, out=failures.append)
    assert runner.failures == 0, "".join(failures)
    assert runner.tries >= MIN_EXAMPLES.get(page, 0)
