"""docs/debugging.md: every self-contained example prints what the page shows.

An example is a ```python block that starts with an import; what it prints is the plain
``` block right after it, or after the line "pyautograd:" (the error sections show
PyTorch's text first). Each example runs as example.py, as the page says; the run's
stderr, stdout and final exception ("RuntimeError: ...") must end with the block.
All examples run in one subprocess, so anomaly mode and warning filters cannot leak
into the test session.
"""
import json
import os
import pathlib
import re
import subprocess
import sys

DOC = pathlib.Path(__file__).resolve().parents[2] / "docs" / "debugging.md"

_DRIVER = r'''
import contextlib, io, json, runpy, sys, traceback, warnings
results = []
for path in sys.argv[1:]:
    out, err, tail = io.StringIO(), io.StringIO(), ""
    with warnings.catch_warnings(), contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            runpy.run_path(path, run_name="__main__")
        except Exception as exc:  # the example's error is its output
            tail = f"{type(exc).__name__}: {exc}\n"
    import pyautograd
    pyautograd.autograd.set_detect_anomaly(False)
    results.append(err.getvalue() + out.getvalue() + tail)
print(json.dumps(results))
'''


def _examples(text):
    """[(title, code, expected output)] for the page's self-contained examples."""
    found = []
    block = r"((?:(?!```).)*)```"  # a fenced block's text (it holds no fence)
    pattern = re.compile(rf"```python\n{block}\n\n(?:(?:PyTorch[^\n]*\n\n```\n{block}\n\n)?pyautograd[^\n]*:\n\n)?"
                         rf"```\n{block}", re.S)
    for m in pattern.finditer(text):
        code, expected = m.group(1), m.group(3)
        if code.startswith(("import", "from")):
            title = text[:m.start()].rsplit("\n### ", 1)[-1].splitlines()[0]
            found.append((title, code, expected))
    return found


def _normalize(output, path):
    """The output as the page shows it: paths as example.py, traceback entries of other files
    (the driver's and runpy's frames, which a plain `python example.py` does not have) dropped."""
    output = output.replace(str(path), "example.py")
    return re.sub(r'  File "(?!example\.py")[^"]*", line \d+, in [^\n]*\n(    [^\n]*\n)?', "", output)


def test_debugging_md_examples_print_what_the_page_shows(tmp_path):
    examples = _examples(DOC.read_text())
    assert len(examples) >= 20
    paths = []
    for k, (_, code, _) in enumerate(examples):
        path = tmp_path / f"ex{k}" / "example.py"
        path.parent.mkdir()
        path.write_text(code)
        paths.append(path)
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(sys.path), PYTHONWARNINGS="default")
    run = subprocess.run([sys.executable, "-c", _DRIVER, *map(str, paths)], capture_output=True, text=True,
                         env=env, cwd=tmp_path)
    assert run.returncode == 0, run.stderr
    outputs = json.loads(run.stdout.splitlines()[-1])
    wrong = []
    for (title, _, expected), path, got in zip(examples, paths, outputs):
        got = _normalize(got, path)
        if not got.endswith(expected):
            wrong.append(f"--- {title}\nexpected the run to end with:\n{expected}\ngot:\n{got}")
    assert not wrong, "\n".join(wrong)
