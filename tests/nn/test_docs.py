"""docs/nn.md: every example runs and prints what the page shows (doctest sessions, run in
order in one namespace; ``...`` matches anything)."""
import doctest
import pathlib
import re

DOC = pathlib.Path(__file__).resolve().parents[2] / "docs" / "nn.md"


def test_nn_md_examples():
    text = "\n".join(block + "\n" for block in re.findall(r"```python\n(.*?)```", DOC.read_text(), flags=re.S))
    test = doctest.DocTestParser().get_doctest(text, {}, "nn.md", str(DOC), 0)
    runner = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS)
    failures = []
    runner.run(test, out=failures.append)
    assert runner.failures == 0, "".join(failures)
    assert runner.tries > 40
