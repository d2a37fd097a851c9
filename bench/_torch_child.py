"""The PyTorch columns of the suites that time pyautograd in their own process (kernels, scale,
anomaly), measured in a fresh process of PyTorch's own.

``python -m bench._torch_child SPEC_JSON`` imports PyTorch with the spec's thread count, builds
each named case's PyTorch candidates, times them with the harness (the spec's settings,
interleaved rounds as in the parent) and prints one JSON line: {case key: {candidate:
{"samples": [seconds per call per round], "number": calls per sample}} or {"error": text}}.
The kernel cases are defined in bench/kernels.py, which imports pyautograd's kernel module:
it is imported here, but nothing of ours runs.
"""
import json
import sys


def _kernels(torch, key):
    from bench import kernels  # import here: the kernel cases (and pyautograd.kernels) only for this suite
    case = next(c for c in kernels.all_cases() if kernels.case_key(c) == key)
    candidates, _ = case.setup(torch)
    return {"PyTorch": candidates["PyTorch"]}


def _scale(torch, key):
    from bench import mlp_setup
    batch, width = map(int, key.split("x"))
    return mlp_setup.torch_scale_candidates(torch, batch, width)


def _anomaly(torch, key):
    from bench import mlp_setup
    return mlp_setup.anomaly_candidates(torch, key)


CASES = {"kernels": _kernels, "scale": _scale, "anomaly": _anomaly}


def main(argv):
    spec = json.loads(argv[0])
    import torch  # first: the library measured here

    torch.set_num_threads(spec["threads"])
    from bench import _harness

    settings = _harness.Settings(**spec["settings"])
    out = {}
    for key in spec["cases"]:
        try:
            timings = _harness.measure(CASES[spec["suite"]](torch, key), settings)
        except Exception as exc:  # noqa: BLE001  reported as the case's note, as in the parent
            out[key] = {"error": f"{type(exc).__name__}: {exc}"}
            continue
        out[key] = {name: {"samples": t.samples, "number": t.number} for name, t in timings.items()}
    print(json.dumps(out))


if __name__ == "__main__":
    main(sys.argv[1:])
