"""tools/api_coverage.py: the share of the PyTorch API real code uses that pyautograd has.

Runs on ../shared/api-usage.json beside the checkout (skipped when it is absent)."""
import json
import pathlib
import subprocess
import sys

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from tools import api_coverage  # noqa: E402

USAGE = api_coverage.DEFAULT_JSON

# The file-weighted shares when the tool was written (commit 59d2118), and after the everyday-API
# work of issue 12 (as of session 5): coverage may only grow.
BEFORE = {"Tensor": 0.895, "torch": 0.710, "F": 0.755, "nn": 0.828, "optim": 0.963, "lr_scheduler": 0.848,
          "data": 0.812}
AFTER_ISSUE_12 = {"Tensor": 0.981, "torch": 0.970, "F": 1.0, "nn": 1.0, "optim": 0.994, "lr_scheduler": 1.0,
                  "data": 1.0}


def test_presence_follows_dotted_paths():
    assert api_coverage.present("torch", "cat") and api_coverage.present("Tensor", "shape")
    assert api_coverage.present("torch", "autograd.grad")  # through a submodule
    assert api_coverage.present("nn", "init.normal_") and api_coverage.present("F", "relu")
    assert not api_coverage.present("torch", "no_such_function")
    assert not api_coverage.present("torch", "autograd.no_such_name")
    assert not api_coverage.present("Tensor", "no_such_method")


def test_weighted_share_on_a_small_table(tmp_path):
    table = {"torch": [{"name": "cat", "files": 3, "repos": 1, "occurrences": 5},
                       {"name": "no_such_function", "files": 1, "repos": 1, "occurrences": 1}]}
    path = tmp_path / "usage.json"
    path.write_text(json.dumps(table))
    share, have, count, missing, here = api_coverage.coverage(api_coverage.load(path))["torch"]
    assert (share, have, count, here) == (0.75, 1, 2, 0.75)
    assert [e["name"] for e in missing] == ["no_such_function"]


def test_the_second_share_leaves_out_names_other_issues_own(tmp_path):
    # distributed.rpc.* is recorded as the distributed issue's: it leaves both the numerator
    # and the denominator of the second share, and stays in the first.
    table = {"torch": [{"name": "cat", "files": 3, "repos": 1, "occurrences": 5},
                       {"name": "distributed.rpc.no_such_rpc", "files": 2, "repos": 1, "occurrences": 2},
                       {"name": "no_such_function", "files": 1, "repos": 1, "occurrences": 1}]}
    path = tmp_path / "usage.json"
    path.write_text(json.dumps(table))
    share, have, count, missing, here = api_coverage.coverage(api_coverage.load(path))["torch"]
    assert (share, have, count, here) == (0.5, 1, 3, 0.75)


@pytest.mark.skipif(not USAGE.exists(), reason=f"{USAGE} absent (shared/ is not beside the checkout)")
def test_coverage_never_drops_below_the_recorded_figures():
    cov = api_coverage.coverage(api_coverage.load(USAGE))
    assert set(cov) == set(BEFORE)
    dropped = {c: (round(cov[c][0], 3), AFTER_ISSUE_12[c]) for c in BEFORE
               if cov[c][0] + 1e-9 < AFTER_ISSUE_12[c] - 5e-4}
    assert not dropped, f"coverage fell (now, before): {dropped}"


@pytest.mark.skipif(not USAGE.exists(), reason=f"{USAGE} absent (shared/ is not beside the checkout)")
def test_the_command_prints_every_category():
    out = subprocess.run([sys.executable, "-m", "tools.api_coverage", str(USAGE), "--missing", "3"],
                         cwd=ROOT, capture_output=True, text=True, check=True).stdout
    for category in BEFORE:
        assert f"\n{category} " in out
