"""``python -m bench data --quick`` runs and writes its JSON (no timing is asserted)."""
import json
import os
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def test_quick_data_benchmark_writes_rows_and_checkpoint_memory(tmp_path):
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([ROOT, os.environ.get("PYTHONPATH", "")]))
    out = tmp_path / "data.json"
    proc = subprocess.run([sys.executable, "-m", "bench", "data", "--quick", "--no-torch", "--json", str(out)],
                          cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    doc = json.loads(out.read_text())
    assert [r["workers"] for r in doc["rows"]] == [0, 1, 2] and all(r["pyautograd"] > 0 for r in doc["rows"])
    for run in ("plain", "checkpointed (4 segments)"):
        assert doc["checkpoint"][run]["step_peak_mib"] > 0
    assert "| workers | pyautograd samples/s |" in proc.stdout
